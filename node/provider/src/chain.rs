//! The chain as the daemon sees it: every read and submission goes through the failover
//! [`Endpoints`], signed as the provider's account.

use std::sync::Arc;

use codec::Encode;
use pallet_proof_of_inference_rpc::{JobJson, ModelJson, ProviderJson};
use sable_runtime::{AccountId, RuntimeCall, RuntimeEvent, UncheckedExtrinsic};
use sable_wallet::{
	error::{Result, WalletError},
	extrinsic,
	failover::Endpoints,
	poi::chain::PoiCall,
	submit::{self, Finalized},
};
use sable_zk_primitives::encoding::to_hex;
use sp_core::{sr25519, Pair, H256};
use sp_runtime::traits::{BlakeTwo256, Hash};

/// What the pool said to a submission.
#[derive(Debug, PartialEq, Eq)]
pub enum Submission {
	/// It is in the pool now.
	Accepted,
	/// The pool had it already.
	Known,
	/// Its nonce is used: it, or another transaction of the account, is on chain.
	Stale,
	/// Refused for another reason.
	Refused(String),
}

/// The hash of an extrinsic, `0x` hex, as the node reports it.
pub fn extrinsic_hash(encoded: &[u8]) -> String {
	to_hex(BlakeTwo256::hash(encoded).as_bytes())
}

/// Polkadot-sdk's author RPC codes for a transaction the pool already has (1013), and for
/// an invalid one (1010), whose detail says when it is stale.
const ALREADY_IMPORTED: i32 = 1013;
const INVALID: i32 = 1010;

/// The provider's access to the chain.
pub struct Chain {
	/// The nodes.
	pub endpoints: Arc<Endpoints>,
	/// The provider's key.
	pub pair: sr25519::Pair,
	/// The provider's account.
	pub account: AccountId,
}

impl Chain {
	/// The chain through `endpoints`, as `pair`.
	pub fn new(endpoints: Arc<Endpoints>, pair: sr25519::Pair) -> Chain {
		let account = AccountId::from(pair.public());
		Chain { endpoints, pair, account }
	}

	/// The genesis hash.
	pub async fn genesis(&self) -> Result<H256> {
		self.endpoints.call(|node| async move { node.genesis_hash().await }).await
	}

	/// Job `job_id` in the best block.
	pub async fn job(&self, job_id: u64) -> Result<Option<JobJson>> {
		self.endpoints.call(|node| async move { node.job(job_id).await }).await
	}

	/// Job `job_id` in the block `at`.
	pub async fn job_at(&self, job_id: u64, at: H256) -> Result<Option<JobJson>> {
		self.endpoints.call(|node| async move { node.job_at(job_id, at).await }).await
	}

	/// Model `model_id` in the best block.
	pub async fn model(&self, model_id: u32) -> Result<Option<ModelJson>> {
		self.endpoints.call(|node| async move { node.model(model_id).await }).await
	}

	/// The provider's record.
	pub async fn provider(&self) -> Result<Option<ProviderJson>> {
		let who = &self.account;
		self.endpoints.call(|node| async move { node.provider(who).await }).await
	}

	/// The provider's accepted, not yet ended jobs.
	pub async fn provider_jobs(&self) -> Result<Vec<u64>> {
		let who = &self.account;
		self.endpoints.call(|node| async move { node.provider_jobs(who).await }).await
	}

	/// The number of the best block.
	pub async fn best_number(&self) -> Result<u64> {
		self.endpoints.call(|node| async move { node.best_number().await }).await
	}

	/// The last finalized block: its hash and number.
	pub async fn finalized(&self) -> Result<(H256, u64)> {
		self.endpoints
			.call(|node| async move {
				let hash = node.finalized_head().await?;
				Ok((hash, node.block_number(hash).await?))
			})
			.await
	}

	/// The hash of finalized block `number` and its events.
	pub async fn finalized_events(&self, number: u64) -> Result<(H256, Vec<RuntimeEvent>)> {
		self.endpoints
			.call(|node| async move {
				let hash = node
					.block_hash(number)
					.await?
					.ok_or_else(|| WalletError::Rpc(format!("no block #{number}")))?;
				let events = node.events(hash).await?.into_iter().map(|r| r.event).collect();
				Ok((hash, events))
			})
			.await
	}

	/// The hash of block `number` on the best chain.
	pub async fn block_hash(&self, number: u64) -> Result<Option<H256>> {
		self.endpoints.call(|node| async move { node.block_hash(number).await }).await
	}

	/// The provider's nonce in the state of block `at`.
	pub async fn nonce_at(&self, at: H256) -> Result<u32> {
		let who = &self.account;
		self.endpoints.call(|node| async move { node.account_nonce(who, Some(at)).await }).await
	}

	/// The provider's next nonce, counting the pool's transactions.
	pub async fn pool_next_index(&self) -> Result<u32> {
		let who = &self.account;
		self.endpoints.call(|node| async move { node.next_index(who).await }).await
	}

	/// `call` signed by the provider with `nonce`, for the chain's current runtime.
	pub async fn sign(&self, call: PoiCall, nonce: u32) -> Result<UncheckedExtrinsic> {
		let context = self.endpoints.call(|node| async move { node.chain_context().await }).await?;
		Ok(extrinsic::signed(&context, RuntimeCall::ProofOfInference(call), &self.pair, nonce))
	}

	/// Submits `extrinsic` to the pool, without following it.
	pub async fn submit(&self, extrinsic: &UncheckedExtrinsic) -> Result<Submission> {
		let outcome = self.endpoints.call(|node| async move { node.submit(extrinsic).await }).await;
		match outcome {
			Ok(_) => Ok(Submission::Accepted),
			Err(WalletError::Refused(refusal)) => Ok(match refusal.code {
				ALREADY_IMPORTED => Submission::Known,
				INVALID if refusal.data.as_deref().is_some_and(|d| d.contains("outdated")) => {
					Submission::Stale
				},
				_ => Submission::Refused(refusal.to_string()),
			}),
			Err(e) => Err(e),
		}
	}

	/// Signs `call` with the pool's next nonce, submits it and follows it to finality (for
	/// the calls made once at start: registering the provider and its models).
	pub async fn send_and_finalize(&self, call: PoiCall) -> Result<Finalized> {
		let nonce = self.pool_next_index().await?;
		let extrinsic = self.sign(call, nonce).await?;
		let extrinsic = &extrinsic;
		self.endpoints.call(|node| async move { submit::submit(&node, extrinsic).await }).await
	}
}

/// The SCALE encoding of an extrinsic, `0x` hex.
pub fn encoded_hex(extrinsic: &UncheckedExtrinsic) -> String {
	to_hex(&extrinsic.encode())
}
