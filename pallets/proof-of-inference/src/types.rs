//! Models, jobs, their states and providers, as stored (`docs/poi.md`, "Storage").

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use sable_zk_host::CircuitId;
use scale_info::TypeInfo;

/// A registered model's number, in registration order.
pub type ModelId = u32;

/// A job's number, in creation order.
pub type JobId = u64;

/// A Poseidon commitment (or any other field element) as its canonical 32-byte encoding.
pub type Commitment = [u8; 32];

/// A model a provider serves (`docs/poi.md`, "Model registry").
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
pub struct Model<AccountId, Balance> {
	/// The provider that registered it and is the only one to serve its jobs.
	pub provider: AccountId,
	/// The circuit version whose proofs settle its jobs; it fixes the job kind and, for
	/// inference, the shape.
	pub circuit: CircuitId,
	/// Commitment to the weights (and shape) the circuit opens in every proof.
	pub commitment: Commitment,
	/// The least payment a job for this model may offer.
	pub price: Balance,
	/// Hash of the model's description (name, version, a description of the weights); the
	/// chain does not read it.
	pub metadata: [u8; 32],
	/// The provider's key that clients encrypt their requests to (a compressed Pallas point,
	/// `docs/poi.md`, "Requests").
	pub encryption_key: [u8; 32],
	/// The storage deposit held from the provider while the model is stored.
	pub deposit: Balance,
	/// Retired models take no new jobs and accept no results; a retired model is removed
	/// once its last job has ended.
	pub retired: bool,
	/// Jobs of this model that have not ended.
	pub open_jobs: u32,
}

/// Where a job is in its life (`docs/poi.md`, "Job lifecycle").
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
pub enum JobStatus<Balance, BlockNumber> {
	/// Created; waiting for the model's provider. The client may cancel.
	Open,
	/// The provider took it and locked collateral; its proof is due by the deadline.
	Accepted,
	/// A commitment proof verified; the client may accept or dispute until `ends`.
	Challenged {
		/// First block at which the result settles without the client.
		ends: BlockNumber,
	},
	/// The client disputed a commitment result; the dispute origin may decide until `ends`,
	/// after which the result stands.
	Disputed {
		/// First block at which the dispute can no longer be decided.
		ends: BlockNumber,
		/// The client's dispute deposit.
		deposit: Balance,
	},
	/// Paid to the provider (terminal).
	Completed {
		/// The block it ended in.
		at: BlockNumber,
	},
	/// The payment went back to the client (terminal): the deadline passed without a valid
	/// proof, or a dispute went against the provider.
	Refunded {
		/// Whether the provider's collateral went to the client.
		slashed: bool,
		/// The block it ended in.
		at: BlockNumber,
	},
	/// Cancelled by the client before the provider accepted it (terminal).
	Cancelled {
		/// The block it ended in.
		at: BlockNumber,
	},
}

impl<Balance, BlockNumber: Copy> JobStatus<Balance, BlockNumber> {
	/// The block a terminal status was reached in; `None` while the job can still change.
	pub fn ended_at(&self) -> Option<BlockNumber> {
		match self {
			Self::Completed { at } | Self::Refunded { at, .. } | Self::Cancelled { at } => {
				Some(*at)
			},
			_ => None,
		}
	}

	/// Whether the job can still change.
	pub fn is_open(&self) -> bool {
		self.ended_at().is_none()
	}
}

/// An AI job, its escrowed payment and its deposits.
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
pub struct Job<AccountId, Balance, BlockNumber> {
	/// Who pays; the payment is held from this account until the job ends.
	pub client: AccountId,
	/// The model the job runs.
	pub model: ModelId,
	/// The model's provider, the only account that may accept the job.
	pub provider: AccountId,
	/// Commitment to the client's input.
	pub input: Commitment,
	/// Commitment to the client's one-time delivery key, for jobs whose output is delivered
	/// encrypted in the proof (`docs/poi.md`, "Delivery").
	pub delivery: Option<Commitment>,
	/// The payment held in escrow.
	pub payment: Balance,
	/// The provider's bond locked for this job (zero until accepted).
	pub collateral: Balance,
	/// The storage deposit held from the client until the job is pruned.
	pub deposit: Balance,
	/// Last block at which a result may be submitted.
	pub deadline: BlockNumber,
	/// Where the job is.
	pub status: JobStatus<Balance, BlockNumber>,
}

/// A provider's bond and record.
#[derive(
	Clone,
	Default,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
pub struct Provider<Balance, BlockNumber> {
	/// Everything held under the bond reason (locked, free and unbonding parts).
	pub bond: Balance,
	/// The part locked as collateral of accepted jobs.
	pub locked: Balance,
	/// An unbonding in progress: the amount, and the block from which it can be withdrawn.
	pub unbonding: Option<(Balance, BlockNumber)>,
	/// Jobs accepted and not yet ended.
	pub open_jobs: u32,
	/// Jobs paid out to this provider.
	pub completed: u32,
	/// Jobs whose deadline passed without a valid proof.
	pub expired: u32,
	/// Results the client disputed.
	pub disputed: u32,
	/// Times collateral was slashed (expiry or lost dispute).
	pub slashed: u32,
}

/// A queue of jobs that fall due a fixed time after they entered it, so that it is ordered
/// by due block and never needs more than appending (`docs/poi.md`, "Queues").
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
pub enum Timeline {
	/// Commitment results whose challenge window ends (`ChallengePeriod` after submission).
	Challenges,
	/// Disputes whose resolution window ends (`DisputePeriod` after the dispute).
	Disputes,
	/// Ended jobs whose retention ends (`RetentionPeriod` after they ended).
	Retention,
}

impl Timeline {
	/// Every timeline, in the order `on_idle` serves them.
	pub const ALL: [Timeline; 3] = [Timeline::Challenges, Timeline::Disputes, Timeline::Retention];
}
