//! The standard polkadot-sdk RPC methods the wallet calls, declared once as a jsonrpsee client
//! trait over polkadot-sdk's own types. (polkadot-sdk's traits live in `sc-rpc-api`, which
//! would bring the node's networking and executor into the wallet.)

use jsonrpsee::proc_macros::rpc;
use sable_runtime::{opaque::Block, AccountId, BlockNumber, Hash, Header, Nonce};
use sc_transaction_pool_api::TransactionStatus;
use sp_core::{
	storage::{StorageData, StorageKey},
	Bytes,
};
use sp_runtime::generic::SignedBlock;
use sp_version::RuntimeVersion;

/// The node's `chain_*`, `state_*`, `system_*` and `author_*` methods the wallet uses; the
/// generated [`SubstrateApiClient`] calls them on any jsonrpsee client.
#[rpc(client)]
pub trait SubstrateApi {
	/// The hash of block `number` on the best chain (`None`: the best block).
	#[method(name = "chain_getBlockHash")]
	fn block_hash(&self, number: Option<BlockNumber>) -> RpcResult<Option<Hash>>;

	/// The hash of the last finalized block.
	#[method(name = "chain_getFinalizedHead")]
	fn finalized_head(&self) -> RpcResult<Hash>;

	/// The header of block `hash` (`None`: the best block).
	#[method(name = "chain_getHeader")]
	fn header(&self, hash: Option<Hash>) -> RpcResult<Option<Header>>;

	/// Block `hash` with its extrinsics as opaque bytes (`None`: the best block).
	#[method(name = "chain_getBlock")]
	fn block(&self, hash: Option<Hash>) -> RpcResult<Option<SignedBlock<Block>>>;

	/// The raw value at storage `key` in block `hash` (`None`: the best block).
	#[method(name = "state_getStorage")]
	fn storage(&self, key: StorageKey, hash: Option<Hash>) -> RpcResult<Option<StorageData>>;

	/// The runtime's version at block `hash` (`None`: the best block).
	#[method(name = "state_getRuntimeVersion")]
	fn runtime_version(&self, hash: Option<Hash>) -> RpcResult<RuntimeVersion>;

	/// The next nonce of `account`, counting its transactions in the pool.
	#[method(name = "system_accountNextIndex")]
	fn account_next_index(&self, account: AccountId) -> RpcResult<Nonce>;

	/// Submits a SCALE-encoded extrinsic; returns its hash.
	#[method(name = "author_submitExtrinsic")]
	fn submit_extrinsic(&self, extrinsic: Bytes) -> RpcResult<Hash>;

	/// Submits a SCALE-encoded extrinsic and follows it through the pool and the chain.
	#[subscription(
		name = "author_submitAndWatchExtrinsic" => "author_extrinsicUpdate",
		unsubscribe = "author_unwatchExtrinsic",
		item = TransactionStatus<Hash, Hash>
	)]
	fn watch_extrinsic(&self, extrinsic: Bytes);
}
