//! JSON-RPC of the proof-of-inference pallet, for clients, providers and wallets. Accounts are
//! SS58 strings, commitments `0x` hex, balances decimal strings (they do not fit a JavaScript
//! number).
//!
//! | method | returns |
//! | --- | --- |
//! | `poi_job(jobId, at?)` | a [`JobJson`] or `null` |
//! | `poi_provider(account, at?)` | a [`ProviderJson`] or `null` |
//! | `poi_providerJobs(account, at?)` | the provider's open job ids |

use std::{fmt::Display, sync::Arc};

use codec::Codec;
use jsonrpsee::{
	core::RpcResult,
	proc_macros::rpc,
	types::error::{ErrorObject, ErrorObjectOwned},
};
use pallet_proof_of_inference_runtime_api::{Job, JobId, JobStatus, Provider};
use sable_inference_primitives::JobKind;
use serde::{Deserialize, Serialize};
use sp_api::ProvideRuntimeApi;
use sp_blockchain::HeaderBackend;
use sp_core::H256;
use sp_runtime::traits::Block as BlockT;

pub use pallet_proof_of_inference_runtime_api::ProofOfInferenceApi as ProofOfInferenceRuntimeApi;

/// Error code of a failed runtime API call.
pub const RUNTIME_ERROR: i32 = 1;

/// A job's state.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StatusJson {
	/// `open`, `accepted`, `challenged`, `disputed`, `completed`, `refunded` or `cancelled`.
	pub state: String,
	/// The provider, once one accepted (for `refunded`: the slashed provider, if any).
	pub provider: Option<String>,
	/// The output commitment of a verified result.
	pub output: Option<H256>,
	/// For `challenged`: the block at which the result settles by itself.
	pub challenge_ends: Option<u64>,
}

/// A job as `poi_job` returns it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JobJson {
	/// The job's id.
	pub job_id: JobId,
	/// Who pays.
	pub client: String,
	/// `commitment`, `loraStep` or `inference`.
	pub kind: String,
	/// Model commitment.
	pub model: H256,
	/// Input commitment.
	pub input: H256,
	/// Payment held in escrow.
	pub payment: String,
	/// Provider bond locked for the job.
	pub collateral: String,
	/// Last block for a result.
	pub deadline: u64,
	/// The only provider allowed to accept, if any.
	pub designated: Option<String>,
	/// Where the job is.
	pub status: StatusJson,
}

/// A provider as `poi_provider` returns it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProviderJson {
	/// Everything held as bond.
	pub bond: String,
	/// The part locked by open jobs.
	pub locked: String,
	/// An unbonding amount, if any.
	pub unbonding: Option<String>,
	/// When the unbonding amount can be withdrawn.
	pub unbonding_at: Option<u64>,
	/// Open jobs.
	pub open_jobs: u32,
	/// Jobs paid out.
	pub completed: u32,
	/// Jobs expired without a valid proof.
	pub expired: u32,
	/// Results disputed by the client.
	pub disputed: u32,
	/// Times slashed.
	pub slashed: u32,
}

fn kind_name(kind: JobKind) -> &'static str {
	match kind {
		JobKind::Commitment => "commitment",
		JobKind::LoraStep => "loraStep",
		JobKind::Inference => "inference",
	}
}

fn status_json<AccountId: Display, BlockNumber: Into<u64>>(
	status: JobStatus<AccountId, BlockNumber>,
) -> StatusJson {
	let json = |state: &str,
	            provider: Option<AccountId>,
	            output: Option<[u8; 32]>,
	            ends: Option<BlockNumber>| {
		StatusJson {
			state: state.into(),
			provider: provider.map(|p| p.to_string()),
			output: output.map(H256),
			challenge_ends: ends.map(Into::into),
		}
	};
	match status {
		JobStatus::Open => json("open", None, None, None),
		JobStatus::Accepted { provider } => json("accepted", Some(provider), None, None),
		JobStatus::Challenged { provider, output, ends } => {
			json("challenged", Some(provider), Some(output), Some(ends))
		},
		JobStatus::Disputed { provider, output } => {
			json("disputed", Some(provider), Some(output), None)
		},
		JobStatus::Completed { provider, output } => {
			json("completed", Some(provider), Some(output), None)
		},
		JobStatus::Refunded { slashed } => json("refunded", slashed, None, None),
		JobStatus::Cancelled => json("cancelled", None, None, None),
	}
}

/// The proof-of-inference RPC methods.
#[rpc(client, server)]
pub trait ProofOfInferenceApi<BlockHash, AccountId> {
	/// A job, ended or not, or `null`.
	#[method(name = "poi_job")]
	fn job(&self, job_id: JobId, at: Option<BlockHash>) -> RpcResult<Option<JobJson>>;

	/// A provider's bond and record, or `null`.
	#[method(name = "poi_provider")]
	fn provider(&self, who: AccountId, at: Option<BlockHash>) -> RpcResult<Option<ProviderJson>>;

	/// A provider's open jobs.
	#[method(name = "poi_providerJobs")]
	fn provider_jobs(&self, who: AccountId, at: Option<BlockHash>) -> RpcResult<Vec<JobId>>;
}

/// Serves [`ProofOfInferenceApiServer`] from a client's runtime API.
pub struct ProofOfInference<C, Block, Balance, BlockNumber> {
	client: Arc<C>,
	_types: std::marker::PhantomData<(Block, Balance, BlockNumber)>,
}

impl<C, Block, Balance, BlockNumber> ProofOfInference<C, Block, Balance, BlockNumber> {
	/// Serves from `client`.
	pub fn new(client: Arc<C>) -> Self {
		Self { client, _types: Default::default() }
	}
}

fn runtime_error(error: impl Display) -> ErrorObjectOwned {
	ErrorObject::owned(RUNTIME_ERROR, "runtime API call failed", Some(error.to_string()))
}

impl<C, Block, AccountId, Balance, BlockNumber>
	ProofOfInferenceApiServer<<Block as BlockT>::Hash, AccountId>
	for ProofOfInference<C, Block, Balance, BlockNumber>
where
	Block: BlockT,
	C: ProvideRuntimeApi<Block> + HeaderBackend<Block> + Send + Sync + 'static,
	C::Api: ProofOfInferenceRuntimeApi<Block, AccountId, Balance, BlockNumber>,
	AccountId: Codec + Display + Clone + Send + Sync + for<'de> Deserialize<'de> + 'static,
	Balance: Codec + Display + Send + Sync + 'static,
	BlockNumber: Codec + Into<u64> + Send + Sync + 'static,
{
	fn job(&self, job_id: JobId, at: Option<Block::Hash>) -> RpcResult<Option<JobJson>> {
		let at = at.unwrap_or_else(|| self.client.info().best_hash);
		let job: Option<Job<AccountId, Balance, BlockNumber>> =
			self.client.runtime_api().job(at, job_id).map_err(runtime_error)?;
		Ok(job.map(|job| JobJson {
			job_id,
			client: job.client.to_string(),
			kind: kind_name(job.kind).into(),
			model: H256(job.model),
			input: H256(job.input),
			payment: job.payment.to_string(),
			collateral: job.collateral.to_string(),
			deadline: job.deadline.into(),
			designated: job.designated.map(|d| d.to_string()),
			status: status_json(job.status),
		}))
	}

	fn provider(&self, who: AccountId, at: Option<Block::Hash>) -> RpcResult<Option<ProviderJson>> {
		let at = at.unwrap_or_else(|| self.client.info().best_hash);
		let provider: Option<Provider<Balance, BlockNumber>> =
			self.client.runtime_api().provider(at, who).map_err(runtime_error)?;
		Ok(provider.map(|p| {
			let (unbonding, unbonding_at) = match p.unbonding {
				Some((amount, at)) => (Some(amount.to_string()), Some(at.into())),
				None => (None, None),
			};
			ProviderJson {
				bond: p.bond.to_string(),
				locked: p.locked.to_string(),
				unbonding,
				unbonding_at,
				open_jobs: p.open_jobs,
				completed: p.completed,
				expired: p.expired,
				disputed: p.disputed,
				slashed: p.slashed,
			}
		}))
	}

	fn provider_jobs(&self, who: AccountId, at: Option<Block::Hash>) -> RpcResult<Vec<JobId>> {
		let at = at.unwrap_or_else(|| self.client.info().best_hash);
		self.client.runtime_api().provider_jobs(at, who).map_err(runtime_error)
	}
}
