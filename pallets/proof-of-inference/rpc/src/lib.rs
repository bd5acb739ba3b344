//! JSON-RPC of the proof-of-inference pallet, for clients, providers and wallets. Accounts are
//! SS58 strings, commitments and bytes `0x` hex, balances decimal strings (they do not fit a
//! JavaScript number).
//!
//! | method | returns |
//! | --- | --- |
//! | `poi_model(modelId, at?)` | a [`ModelJson`] or `null` |
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
use pallet_proof_of_inference_runtime_api::{Job, JobId, JobStatus, Model, ModelId, Provider};
use sable_inference_primitives::JobKind;
use serde::{Deserialize, Serialize};
use sp_api::ProvideRuntimeApi;
use sp_blockchain::HeaderBackend;
use sp_core::{Bytes, H256};
use sp_runtime::traits::Block as BlockT;

pub use pallet_proof_of_inference_runtime_api::ProofOfInferenceApi as ProofOfInferenceRuntimeApi;

/// Error code of a failed runtime API call.
pub const RUNTIME_ERROR: i32 = 1;

/// A registered model as `poi_model` returns it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ModelJson {
	/// The model's id.
	pub model_id: ModelId,
	/// The provider serving it.
	pub provider: String,
	/// `commitment`, `inference` or `adapted`.
	pub kind: String,
	/// Circuit id of its proofs.
	pub circuit: u16,
	/// Circuit version of its proofs (for inference: the shape).
	pub circuit_version: u16,
	/// Commitment to its weights.
	pub commitment: H256,
	/// Least payment of a job.
	pub price: String,
	/// Hash of its description.
	pub metadata: H256,
	/// The key requests are encrypted to (a compressed Pallas point).
	pub encryption_key: H256,
	/// Whether it is retired.
	pub retired: bool,
	/// Jobs that have not ended.
	pub open_jobs: u32,
}

/// A job's state.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StatusJson {
	/// `open`, `accepted`, `challenged`, `disputed`, `completed`, `refunded` or `cancelled`.
	pub state: String,
	/// For `challenged` and `disputed`: the first block after the window.
	pub ends: Option<u64>,
	/// For `disputed`: the client's dispute deposit.
	pub dispute_deposit: Option<String>,
	/// For `refunded`: whether the provider's collateral went to the client.
	pub slashed: Option<bool>,
	/// For ended jobs: the block the job ended in.
	pub ended_at: Option<u64>,
}

/// A job as `poi_job` returns it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JobJson {
	/// The job's id.
	pub job_id: JobId,
	/// Who pays.
	pub client: String,
	/// The model.
	pub model_id: ModelId,
	/// The model's provider, the only one that may accept.
	pub provider: String,
	/// Input commitment.
	pub input: H256,
	/// Commitment to the client's delivery key, for jobs with delivery.
	pub delivery: Option<H256>,
	/// Payment held in escrow.
	pub payment: String,
	/// Provider bond locked for the job.
	pub collateral: String,
	/// Client's storage deposit.
	pub deposit: String,
	/// Last block for a result.
	pub deadline: u64,
	/// Where the job is.
	pub status: StatusJson,
	/// The encrypted request, while the job is open.
	pub request: Option<Bytes>,
	/// The verified result: the output commitment, or the output ciphertext.
	pub result: Option<Vec<H256>>,
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

/// The name of a job kind in JSON.
pub fn kind_name(kind: Option<JobKind>) -> &'static str {
	match kind {
		Some(JobKind::Commitment) => "commitment",
		Some(JobKind::Inference) => "inference",
		Some(JobKind::Adapted) => "adapted",
		None => "unknown",
	}
}

fn status_json<Balance: Display, BlockNumber: Into<u64> + Copy>(
	status: JobStatus<Balance, BlockNumber>,
) -> StatusJson {
	let ended_at = status.ended_at().map(Into::into);
	let json = |state: &str| StatusJson {
		state: state.into(),
		ends: None,
		dispute_deposit: None,
		slashed: None,
		ended_at,
	};
	match status {
		JobStatus::Open => json("open"),
		JobStatus::Accepted => json("accepted"),
		JobStatus::Challenged { ends } => StatusJson { ends: Some(ends.into()), ..json("challenged") },
		JobStatus::Disputed { ends, deposit } => StatusJson {
			ends: Some(ends.into()),
			dispute_deposit: Some(deposit.to_string()),
			..json("disputed")
		},
		JobStatus::Completed { .. } => json("completed"),
		JobStatus::Refunded { slashed, .. } => {
			StatusJson { slashed: Some(slashed), ..json("refunded") }
		},
		JobStatus::Cancelled { .. } => json("cancelled"),
	}
}

/// The proof-of-inference RPC methods.
#[rpc(client, server)]
pub trait ProofOfInferenceApi<BlockHash, AccountId> {
	/// A registered model, or `null`.
	#[method(name = "poi_model")]
	fn model(&self, model_id: ModelId, at: Option<BlockHash>) -> RpcResult<Option<ModelJson>>;

	/// A job, until it is pruned, or `null`.
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
	BlockNumber: Codec + Into<u64> + Copy + Send + Sync + 'static,
{
	fn model(&self, model_id: ModelId, at: Option<Block::Hash>) -> RpcResult<Option<ModelJson>> {
		let at = at.unwrap_or_else(|| self.client.info().best_hash);
		let model: Option<Model<AccountId, Balance>> =
			self.client.runtime_api().model(at, model_id).map_err(runtime_error)?;
		Ok(model.map(|model| ModelJson {
			model_id,
			provider: model.provider.to_string(),
			kind: kind_name(JobKind::of(model.circuit)).into(),
			circuit: model.circuit.id,
			circuit_version: model.circuit.version,
			commitment: H256(model.commitment),
			price: model.price.to_string(),
			metadata: H256(model.metadata),
			encryption_key: H256(model.encryption_key),
			retired: model.retired,
			open_jobs: model.open_jobs,
		}))
	}

	fn job(&self, job_id: JobId, at: Option<Block::Hash>) -> RpcResult<Option<JobJson>> {
		let at = at.unwrap_or_else(|| self.client.info().best_hash);
		let api = self.client.runtime_api();
		let job: Option<Job<AccountId, Balance, BlockNumber>> =
			api.job(at, job_id).map_err(runtime_error)?;
		let Some(job) = job else { return Ok(None) };
		let request = api.request(at, job_id).map_err(runtime_error)?;
		let result = api.result(at, job_id).map_err(runtime_error)?;
		Ok(Some(JobJson {
			job_id,
			client: job.client.to_string(),
			model_id: job.model,
			provider: job.provider.to_string(),
			input: H256(job.input),
			delivery: job.delivery.map(H256),
			payment: job.payment.to_string(),
			collateral: job.collateral.to_string(),
			deposit: job.deposit.to_string(),
			deadline: job.deadline.into(),
			status: status_json(job.status),
			request: request.map(Bytes),
			result: result.map(|elements| elements.into_iter().map(H256).collect()),
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
