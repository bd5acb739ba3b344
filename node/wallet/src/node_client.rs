//! The node's JSON-RPC over WebSocket (jsonrpsee): chain identity and the shielded pool's
//! wallet queries (`zk_*`, docs/zk.md).

use jsonrpsee::{
	core::client::ClientT,
	rpc_params,
	ws_client::{WsClient, WsClientBuilder},
};
use sable_zk_proofs::json::{bytes32, from_hex};
use serde::Deserialize;

use crate::error::{Result, WalletError};

/// One leaf of `zk_leaves`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Leaf {
	/// Position in the tree.
	pub index: u64,
	/// Note commitment.
	pub commitment: [u8; 32],
	/// Note ciphertext.
	pub ciphertext: Vec<u8>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct LeafJson {
	index: u64,
	commitment: String,
	ciphertext: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PageJson {
	leaves: Vec<LeafJson>,
	next: Option<u64>,
}

/// A connection to a node.
pub struct NodeClient {
	client: WsClient,
	url: String,
}

fn rpc_error(e: impl std::fmt::Display) -> WalletError {
	WalletError::Rpc(e.to_string())
}

impl NodeClient {
	/// Connects to `url` (`ws://host:port`).
	pub async fn connect(url: &str) -> Result<NodeClient> {
		let client = WsClientBuilder::default()
			.build(url)
			.await
			.map_err(|e| WalletError::Unreachable(url.into(), e.to_string()))?;
		Ok(NodeClient { client, url: url.into() })
	}

	/// Where this client is connected.
	pub fn url(&self) -> &str {
		&self.url
	}

	/// The chain's genesis hash, hex.
	pub async fn genesis_hash(&self) -> Result<String> {
		self.client.request("chain_getBlockHash", rpc_params![0]).await.map_err(rpc_error)
	}

	/// Up to `limit` leaves from `from`, and where the next page starts.
	pub async fn leaves(&self, from: u64, limit: u32) -> Result<(Vec<Leaf>, Option<u64>)> {
		let page: PageJson =
			self.client.request("zk_leaves", rpc_params![from, limit]).await.map_err(rpc_error)?;
		let leaves = page
			.leaves
			.into_iter()
			.map(|leaf| {
				Ok(Leaf {
					index: leaf.index,
					commitment: bytes32(&leaf.commitment, "commitment")
						.map_err(WalletError::Rpc)?,
					ciphertext: from_hex(&leaf.ciphertext).map_err(WalletError::Rpc)?,
				})
			})
			.collect::<Result<_>>()?;
		Ok((leaves, page.next))
	}

	/// The latest anchor (hex) and the number of leaves under it.
	pub async fn tree_state(&self) -> Result<(String, u64)> {
		#[derive(Deserialize)]
		#[serde(rename_all = "camelCase")]
		struct State {
			root: String,
			leaf_count: u64,
		}
		let state: State =
			self.client.request("zk_treeState", rpc_params![]).await.map_err(rpc_error)?;
		Ok((state.root, state.leaf_count))
	}

	/// Whether a nullifier (hex) is spent.
	pub async fn is_spent(&self, nullifier: &str) -> Result<bool> {
		self.client.request("zk_isSpent", rpc_params![nullifier]).await.map_err(rpc_error)
	}
}
