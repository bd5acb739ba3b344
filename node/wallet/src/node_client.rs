//! The node's JSON-RPC over WebSocket (jsonrpsee): the generated clients of the shielded
//! pool's and the proof-of-inference pallet's RPC crates (`zk_*`, `poi_*`, with their own
//! response types) and of the standard methods in [`crate::substrate_rpc`].

use codec::{Decode, Encode};
use jsonrpsee::{
	core::client::Error as ClientError,
	ws_client::{WsClient, WsClientBuilder},
};
use pallet_proof_of_inference_rpc::{JobJson, ModelJson, ProofOfInferenceApiClient, ProviderJson};
use pallet_zk_rpc::{LeavesPage, TreeStateJson, ZkApiClient};
use sable_runtime::{opaque::Block, AccountId, Hash, Nonce, RuntimeEvent, UncheckedExtrinsic};
use sc_transaction_pool_api::TransactionStatus;
use sp_core::{storage::StorageKey, Bytes, H256};
use sp_runtime::generic::SignedBlock;

use crate::{
	error::{Refusal, Result, WalletError},
	extrinsic::ChainContext,
	substrate_rpc::SubstrateApiClient,
};

/// A connection to a node.
pub struct NodeClient {
	client: WsClient,
	url: String,
}

/// What a status of a watched extrinsic means for the wallet.
#[derive(Debug, PartialEq, Eq)]
enum Step {
	/// Still on its way; the text says where, if worth saying.
	Progress(Option<String>),
	/// Finalized in this block.
	Finalized(H256),
	/// It will not finalize.
	Failed(String),
}

fn step(status: &TransactionStatus<Hash, Hash>) -> Step {
	match status {
		TransactionStatus::Future => Step::Progress(Some("future".into())),
		TransactionStatus::Ready => Step::Progress(Some("ready".into())),
		TransactionStatus::InBlock((hash, _)) => {
			Step::Progress(Some(format!("in block {hash:#x}")))
		},
		TransactionStatus::Broadcast(_) | TransactionStatus::Retracted(_) => Step::Progress(None),
		TransactionStatus::Finalized((hash, _)) => Step::Finalized(*hash),
		TransactionStatus::Invalid => Step::Failed("the transaction was invalid".into()),
		TransactionStatus::Dropped => Step::Failed("the transaction was dropped".into()),
		TransactionStatus::Usurped(_) | TransactionStatus::FinalityTimeout(_) => {
			let json = serde_json::to_string(status).unwrap_or_else(|e| e.to_string());
			Step::Failed(format!("the transaction did not finalize: {json}"))
		},
	}
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

	/// A call's error: the node's answer, or [`WalletError::Unreachable`] when the call got
	/// no answer (the connection is lost or the node did not reply in time).
	fn error(&self, e: ClientError) -> WalletError {
		match e {
			ClientError::Call(error) => WalletError::Rpc(error.to_string()),
			other => WalletError::Unreachable(self.url.clone(), other.to_string()),
		}
	}

	/// A submission's error: the node's refusal when it answered with one.
	fn refusal(&self, e: ClientError) -> WalletError {
		match e {
			ClientError::Call(error) => WalletError::Refused(Refusal::new(
				error.code(),
				error.message(),
				error.data().map(|data| data.get()),
			)),
			other => self.error(other),
		}
	}

	/// The chain's genesis hash.
	pub async fn genesis_hash(&self) -> Result<H256> {
		self.client
			.block_hash(Some(0))
			.await
			.map_err(|e| self.error(e))?
			.ok_or_else(|| WalletError::Rpc("the node has no genesis block".into()))
	}

	/// Everything a signature commits to: the genesis hash and the best block's runtime
	/// version.
	pub async fn chain_context(&self) -> Result<ChainContext> {
		let genesis_hash = self.genesis_hash().await?;
		let version = self.client.runtime_version(None).await.map_err(|e| self.error(e))?;
		Ok(ChainContext {
			genesis_hash,
			spec_version: version.spec_version,
			transaction_version: version.transaction_version,
		})
	}

	/// Up to `limit` leaves from `from` in the state of block `at` (`None`: the best block),
	/// and where the next page starts (`zk_leaves`). Each leaf carries the nullifier revealed
	/// in its slot, so the wallet never asks about its own (docs/zk.md, "Wallet sync"): the
	/// client has no `zk_isSpent`.
	pub async fn leaves(&self, from: u64, limit: u32, at: Option<H256>) -> Result<LeavesPage> {
		ZkApiClient::<Hash>::leaves(&self.client, from, limit, at).await.map_err(|e| self.error(e))
	}

	/// The latest anchor and the number of leaves under it in the state of block `at`
	/// (`None`: the best block) (`zk_treeState`).
	pub async fn tree_state(&self, at: Option<H256>) -> Result<TreeStateJson> {
		ZkApiClient::<Hash>::tree_state(&self.client, at).await.map_err(|e| self.error(e))
	}

	/// The fee a `"transfer"` or `"unshield"` must offer now (`zk_minimumFee`).
	pub async fn minimum_fee(&self, kind: &str) -> Result<u64> {
		let fee = ZkApiClient::<Hash>::minimum_fee(&self.client, kind.to_string(), None)
			.await
			.map_err(|e| self.error(e))?;
		fee.parse().map_err(|_| WalletError::Rpc(format!("zk_minimumFee answered {fee:?}")))
	}

	/// The job as the node reports it (`poi_job`); `None` if there is no such job.
	pub async fn job(&self, job_id: u64) -> Result<Option<JobJson>> {
		ProofOfInferenceApiClient::<Hash, AccountId>::job(&self.client, job_id, None)
			.await
			.map_err(|e| self.error(e))
	}

	/// The job as the node reports it in the state of block `at` (`poi_job`).
	pub async fn job_at(&self, job_id: u64, at: H256) -> Result<Option<JobJson>> {
		ProofOfInferenceApiClient::<Hash, AccountId>::job(&self.client, job_id, Some(at))
			.await
			.map_err(|e| self.error(e))
	}

	/// The model as the node reports it (`poi_model`); `None` if there is no such model.
	pub async fn model(&self, model_id: u32) -> Result<Option<ModelJson>> {
		ProofOfInferenceApiClient::<Hash, AccountId>::model(&self.client, model_id, None)
			.await
			.map_err(|e| self.error(e))
	}

	/// A provider's bond and record (`poi_provider`); `None` if it is not a provider.
	pub async fn provider(&self, who: &AccountId) -> Result<Option<ProviderJson>> {
		ProofOfInferenceApiClient::<Hash, AccountId>::provider(&self.client, who.clone(), None)
			.await
			.map_err(|e| self.error(e))
	}

	/// A provider's open jobs (`poi_providerJobs`).
	pub async fn provider_jobs(&self, who: &AccountId) -> Result<Vec<u64>> {
		ProofOfInferenceApiClient::<Hash, AccountId>::provider_jobs(&self.client, who.clone(), None)
			.await
			.map_err(|e| self.error(e))
	}

	/// The account's next nonce, counting transactions in the pool.
	pub async fn next_index(&self, account: &AccountId) -> Result<Nonce> {
		self.client.account_next_index(account.clone()).await.map_err(|e| self.error(e))
	}

	/// The number of the block with `hash`.
	pub async fn block_number(&self, hash: H256) -> Result<u64> {
		let header = self.client.header(Some(hash)).await.map_err(|e| self.error(e))?;
		let header = header.ok_or_else(|| WalletError::Rpc(format!("no block {hash:#x}")))?;
		Ok(header.number.into())
	}

	/// The number of the best block.
	pub async fn best_number(&self) -> Result<u64> {
		let header = self.client.header(None).await.map_err(|e| self.error(e))?;
		let header = header.ok_or_else(|| WalletError::Rpc("the node has no best block".into()))?;
		Ok(header.number.into())
	}

	/// The hash of the last finalized block.
	pub async fn finalized_head(&self) -> Result<H256> {
		self.client.finalized_head().await.map_err(|e| self.error(e))
	}

	/// The hash of block `number` on the best chain, if the node has it.
	pub async fn block_hash(&self, number: u64) -> Result<Option<H256>> {
		let number = u32::try_from(number)
			.map_err(|_| WalletError::Input(format!("block number {number} is too large")))?;
		self.client.block_hash(Some(number)).await.map_err(|e| self.error(e))
	}

	/// The events of the block with `hash`.
	pub async fn events(
		&self,
		hash: H256,
	) -> Result<Vec<frame_system::EventRecord<RuntimeEvent, H256>>> {
		let bytes =
			self.storage(&sable_runtime::events_storage_key(), hash).await?.unwrap_or_default();
		Vec::<frame_system::EventRecord<RuntimeEvent, H256>>::decode(&mut &bytes[..]).map_err(|e| {
			WalletError::Rpc(format!("cannot decode the events of block {hash:#x}: {e}"))
		})
	}

	/// The account's nonce in the state of block `at` (`None`: the best block): the
	/// transactions of the account the chain has included, not counting the pool's.
	pub async fn account_nonce(&self, account: &AccountId, at: Option<H256>) -> Result<Nonce> {
		let key = frame_system::Account::<sable_runtime::Runtime>::hashed_key_for(account);
		let value = self.client.storage(StorageKey(key), at).await.map_err(|e| self.error(e))?;
		let Some(bytes) = value else { return Ok(0) };
		let info = frame_system::AccountInfo::<
			Nonce,
			pallet_balances::AccountData<sable_runtime::Balance>,
		>::decode(&mut &bytes.0[..])
		.map_err(|e| WalletError::Rpc(format!("cannot decode the account of {account}: {e}")))?;
		Ok(info.nonce)
	}

	/// Submits `extrinsic` without following it; returns its hash. A refusal by the pool
	/// comes back as [`WalletError::Refused`].
	pub async fn submit(&self, extrinsic: &UncheckedExtrinsic) -> Result<H256> {
		self.client.submit_extrinsic(Bytes(extrinsic.encode())).await.map_err(|e| self.refusal(e))
	}

	/// The block with `hash`, its extrinsics as opaque bytes.
	pub async fn block(&self, hash: H256) -> Result<SignedBlock<Block>> {
		let block = self.client.block(Some(hash)).await.map_err(|e| self.error(e))?;
		block.ok_or_else(|| WalletError::Rpc(format!("no block {hash:#x}")))
	}

	/// Raw storage at `key` in the block with `hash`.
	pub async fn storage(&self, key: &[u8], hash: H256) -> Result<Option<Vec<u8>>> {
		let value = self
			.client
			.storage(StorageKey(key.to_vec()), Some(hash))
			.await
			.map_err(|e| self.error(e))?;
		Ok(value.map(|data| data.0))
	}

	/// Submits `extrinsic` and waits until it is finalized; returns the hash of the block that
	/// holds it. `on_status` hears where it is on the way. A refusal by the pool (for example a
	/// spent note or an expired anchor) comes back as [`WalletError::Refused`].
	pub async fn submit_and_wait(
		&self,
		extrinsic: &UncheckedExtrinsic,
		mut on_status: impl FnMut(&str),
	) -> Result<H256> {
		let mut subscription = self
			.client
			.watch_extrinsic(Bytes(extrinsic.encode()))
			.await
			.map_err(|e| self.refusal(e))?;
		while let Some(status) = subscription.next().await {
			let status = status.map_err(|e| WalletError::Rpc(format!("a status update: {e}")))?;
			match step(&status) {
				Step::Progress(Some(text)) => on_status(&text),
				Step::Progress(None) => {},
				Step::Finalized(hash) => return Ok(hash),
				Step::Failed(why) => return Err(WalletError::Rpc(why)),
			}
		}
		Err(WalletError::Unreachable(
			self.url.clone(),
			"the connection closed before the transaction was finalized".into(),
		))
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn statuses_are_followed_to_finality_and_failures_end_the_wait() {
		let hash = H256::repeat_byte(0xab);
		let full = format!("0x{}", "ab".repeat(32));
		assert_eq!(step(&TransactionStatus::Ready), Step::Progress(Some("ready".into())));
		assert_eq!(
			step(&TransactionStatus::InBlock((hash, 3))),
			Step::Progress(Some(format!("in block {full}")))
		);
		assert_eq!(step(&TransactionStatus::Broadcast(vec!["peer".into()])), Step::Progress(None));
		assert_eq!(step(&TransactionStatus::Finalized((hash, 3))), Step::Finalized(hash));
		assert_eq!(
			step(&TransactionStatus::Dropped),
			Step::Failed("the transaction was dropped".into())
		);
		assert_eq!(
			step(&TransactionStatus::Usurped(hash)),
			Step::Failed(format!("the transaction did not finalize: {{\"usurped\":\"{full}\"}}"))
		);
	}
}
