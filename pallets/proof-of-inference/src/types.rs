//! Jobs, their states and providers, as stored.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use sable_inference_primitives::JobKind;
use scale_info::TypeInfo;

/// A job's number, in creation order.
pub type JobId = u64;

/// A Poseidon commitment as its canonical 32-byte encoding.
pub type Commitment = [u8; 32];

/// Where a job is in its life (`docs/poi.md`, "Job lifecycle").
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
pub enum JobStatus<AccountId, BlockNumber> {
	/// Created; waiting for a provider. The client may cancel.
	Open,
	/// A provider took it and locked collateral; its proof is due by the deadline.
	Accepted {
		/// The provider.
		provider: AccountId,
	},
	/// A commitment proof verified; the client may accept or dispute until `ends`.
	Challenged {
		/// The provider.
		provider: AccountId,
		/// The output commitment the proof opened.
		output: Commitment,
		/// First block at which the result settles without the client.
		ends: BlockNumber,
	},
	/// The client disputed a commitment result; the dispute origin decides.
	Disputed {
		/// The provider.
		provider: AccountId,
		/// The disputed output commitment.
		output: Commitment,
	},
	/// Paid to the provider (terminal).
	Completed {
		/// The provider.
		provider: AccountId,
		/// The output commitment.
		output: Commitment,
	},
	/// The payment went back to the client (terminal): the deadline passed without a valid
	/// proof, or a dispute went against the provider, whose collateral was slashed.
	Refunded {
		/// The provider whose collateral went to the client, if one had accepted.
		slashed: Option<AccountId>,
	},
	/// Cancelled by the client before anyone accepted it (terminal).
	Cancelled,
}

impl<AccountId, BlockNumber> JobStatus<AccountId, BlockNumber> {
	/// Whether the job can still change.
	pub fn is_open(&self) -> bool {
		!matches!(self, Self::Completed { .. } | Self::Refunded { .. } | Self::Cancelled)
	}
}

/// An AI job and its escrowed payment.
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
pub struct Job<AccountId, Balance, BlockNumber> {
	/// Who pays; the payment is held from this account until the job ends.
	pub client: AccountId,
	/// Which circuit checks the result.
	pub kind: JobKind,
	/// Commitment to the model.
	pub model: Commitment,
	/// Commitment to the input.
	pub input: Commitment,
	/// The payment held in escrow.
	pub payment: Balance,
	/// The provider's bond locked for this job (zero until accepted).
	pub collateral: Balance,
	/// Last block at which a result may be submitted.
	pub deadline: BlockNumber,
	/// The only provider allowed to accept, if the client named one.
	pub designated: Option<AccountId>,
	/// Where the job is.
	pub status: JobStatus<AccountId, BlockNumber>,
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
