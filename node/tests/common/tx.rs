//! Extrinsics for a test node, built by the wallet's own builder (`sable_wallet::extrinsic`):
//! the chain context as the wallet reads it, and submission over RPC.

use sable_runtime::UncheckedExtrinsic;
use sable_wallet::{
	extrinsic::{self, ChainContext},
	node_client::NodeClient,
};
use serde_json::{json, Value};

use super::{block_on, Node};

/// What a signature commits to on `node`'s chain, read by the wallet's client.
pub fn chain_context(node: &Node) -> ChainContext {
	block_on(async { NodeClient::connect(&node.ws_url()).await?.chain_context().await })
		.unwrap_or_else(|e| panic!("{}: chain context: {e}\n{}", node.name, node.log_tail()))
}

impl Node {
	/// Submits `extrinsic` with `author_submitExtrinsic`; `Ok` holds its hash, `Err` the
	/// node's refusal.
	pub fn submit(&self, extrinsic: &UncheckedExtrinsic) -> Result<Value, String> {
		self.rpc("author_submitExtrinsic", json!([extrinsic::to_hex(extrinsic)]))
	}
}
