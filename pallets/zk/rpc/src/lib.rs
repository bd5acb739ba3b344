//! JSON-RPC of the shielded pool, for wallets. Byte strings are `0x` hex; the pool total is a
//! decimal string (it does not fit a JavaScript number).
//!
//! | method | returns |
//! | --- | --- |
//! | `zk_treeState(at?)` | `{ root, leafCount, anchorHistory }` |
//! | `zk_leaves(from, limit, at?)` | `{ from, leaves: [{ index, commitment, ciphertext, nullifier }], next, leafCount }` |
//! | `zk_isSpent(nullifier, at?)` | `bool` |
//! | `zk_isKnownAnchor(root, at?)` | `bool` |
//! | `zk_poolTotal(at?)` | decimal string |
//! | `zk_minimumFee(kind, at?)` | decimal string: the fee a `"transfer"` or `"unshield"` must offer |
//!
//! A leaf's `nullifier` is the one revealed in the same slot by the action that appended it
//! (leaf `2k + i`, nullifier `i`): with every leaf a wallet learns which of its notes are
//! spent without naming them, so wallets have no need of `zk_isSpent` (docs/zk.md, "Wallet
//! sync").

use std::{fmt::Display, sync::Arc};

use codec::Codec;
use jsonrpsee::{
	core::RpcResult,
	proc_macros::rpc,
	types::error::{ErrorObject, ErrorObjectOwned},
};
use pallet_zk_runtime_api::{CallKind, Nullifier, MAX_LEAVES_PAGE};
use serde::{Deserialize, Serialize};
use sp_api::ProvideRuntimeApi;
use sp_blockchain::HeaderBackend;
use sp_core::{Bytes, H256};
use sp_runtime::traits::Block as BlockT;

pub use pallet_zk_runtime_api::ZkApi as ZkRuntimeApi;

/// Error code of a failed runtime API call.
pub const RUNTIME_ERROR: i32 = 1;
/// Error code of a call kind other than `"transfer"` or `"unshield"`.
pub const UNKNOWN_KIND: i32 = 2;

/// The tree as `zk_treeState` returns it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TreeStateJson {
	/// The latest anchor.
	pub root: H256,
	/// Leaves under it.
	pub leaf_count: u64,
	/// How many recent roots are accepted as anchors.
	pub anchor_history: u32,
}

/// One leaf.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LeafJson {
	/// Position in the tree.
	pub index: u64,
	/// The note commitment.
	pub commitment: H256,
	/// The note's ciphertext.
	pub ciphertext: Bytes,
	/// The nullifier revealed in the same slot by the action that appended this leaf.
	pub nullifier: H256,
}

/// A page of leaves.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LeavesPage {
	/// Position of the first leaf returned.
	pub from: u64,
	/// The leaves.
	pub leaves: Vec<LeafJson>,
	/// Where the next page starts, if there are more leaves.
	pub next: Option<u64>,
	/// Leaves in the tree.
	pub leaf_count: u64,
}

/// The shielded pool's RPC methods.
#[rpc(client, server)]
pub trait ZkApi<BlockHash> {
	/// The latest anchor and the number of leaves under it.
	#[method(name = "zk_treeState")]
	fn tree_state(&self, at: Option<BlockHash>) -> RpcResult<TreeStateJson>;

	/// Up to `limit` (at most 1024) leaves from position `from`.
	#[method(name = "zk_leaves")]
	fn leaves(&self, from: u64, limit: u32, at: Option<BlockHash>) -> RpcResult<LeavesPage>;

	/// Whether a nullifier was spent. Asking names the nullifier to the node: a wallet learns
	/// its spent notes from the leaves instead.
	#[method(name = "zk_isSpent")]
	fn is_spent(&self, nullifier: H256, at: Option<BlockHash>) -> RpcResult<bool>;

	/// Whether a root is an accepted anchor.
	#[method(name = "zk_isKnownAnchor")]
	fn is_known_anchor(&self, root: H256, at: Option<BlockHash>) -> RpcResult<bool>;

	/// Value held by the pool, as a decimal string.
	#[method(name = "zk_poolTotal")]
	fn pool_total(&self, at: Option<BlockHash>) -> RpcResult<String>;

	/// The fee a `"transfer"` or `"unshield"` must offer now, as a decimal string: what a
	/// signed transaction of the same length and weight pays (docs/zk.md, "Fees and
	/// priority").
	#[method(name = "zk_minimumFee")]
	fn minimum_fee(&self, kind: String, at: Option<BlockHash>) -> RpcResult<String>;
}

/// Serves [`ZkApiServer`] from a client's runtime API.
pub struct Zk<C, Block, Balance> {
	client: Arc<C>,
	_types: std::marker::PhantomData<(Block, Balance)>,
}

impl<C, Block, Balance> Zk<C, Block, Balance> {
	/// Serves from `client`.
	pub fn new(client: Arc<C>) -> Self {
		Self { client, _types: Default::default() }
	}
}

fn runtime_error(error: impl Display) -> ErrorObjectOwned {
	ErrorObject::owned(RUNTIME_ERROR, "runtime API call failed", Some(error.to_string()))
}

impl<C, Block, Balance> ZkApiServer<<Block as BlockT>::Hash> for Zk<C, Block, Balance>
where
	Block: BlockT,
	C: ProvideRuntimeApi<Block> + HeaderBackend<Block> + Send + Sync + 'static,
	C::Api: ZkRuntimeApi<Block, Balance>,
	Balance: Codec + Display + Send + Sync + 'static,
{
	fn tree_state(&self, at: Option<Block::Hash>) -> RpcResult<TreeStateJson> {
		let at = at.unwrap_or_else(|| self.client.info().best_hash);
		let state = self.client.runtime_api().tree_state(at).map_err(runtime_error)?;
		Ok(TreeStateJson {
			root: H256(state.root),
			leaf_count: state.leaf_count,
			anchor_history: state.anchor_history,
		})
	}

	fn leaves(&self, from: u64, limit: u32, at: Option<Block::Hash>) -> RpcResult<LeavesPage> {
		let at = at.unwrap_or_else(|| self.client.info().best_hash);
		let api = self.client.runtime_api();
		let leaf_count = api.tree_state(at).map_err(runtime_error)?.leaf_count;
		let records = api.leaves(at, from, limit.min(MAX_LEAVES_PAGE)).map_err(runtime_error)?;
		let leaves: Vec<LeafJson> = records
			.into_iter()
			.enumerate()
			.map(|(offset, record)| LeafJson {
				index: from + offset as u64,
				commitment: H256(record.commitment.0),
				ciphertext: Bytes(record.ciphertext.to_vec()),
				nullifier: H256(record.nullifier.0),
			})
			.collect();
		let end = from + leaves.len() as u64;
		Ok(LeavesPage { from, leaves, next: (end < leaf_count).then_some(end), leaf_count })
	}

	fn is_spent(&self, nullifier: H256, at: Option<Block::Hash>) -> RpcResult<bool> {
		let at = at.unwrap_or_else(|| self.client.info().best_hash);
		self.client.runtime_api().is_spent(at, Nullifier(nullifier.0)).map_err(runtime_error)
	}

	fn is_known_anchor(&self, root: H256, at: Option<Block::Hash>) -> RpcResult<bool> {
		let at = at.unwrap_or_else(|| self.client.info().best_hash);
		self.client.runtime_api().is_known_anchor(at, root.0).map_err(runtime_error)
	}

	fn pool_total(&self, at: Option<Block::Hash>) -> RpcResult<String> {
		let at = at.unwrap_or_else(|| self.client.info().best_hash);
		Ok(self.client.runtime_api().pool_total(at).map_err(runtime_error)?.to_string())
	}

	fn minimum_fee(&self, kind: String, at: Option<Block::Hash>) -> RpcResult<String> {
		let call_kind = match kind.as_str() {
			"transfer" => CallKind::Transfer,
			"unshield" => CallKind::Unshield,
			_ => {
				return Err(ErrorObject::owned(
					UNKNOWN_KIND,
					"kind must be \"transfer\" or \"unshield\"",
					Some(kind),
				))
			},
		};
		let at = at.unwrap_or_else(|| self.client.info().best_hash);
		let fee = self.client.runtime_api().minimum_fee(at, call_kind).map_err(runtime_error)?;
		fee.map(|fee| fee.to_string()).ok_or_else(|| runtime_error("no fee for this kind"))
	}
}
