//! Native verification of Sable's Halo2 proofs, exposed to the runtime as host functions
//! (`docs/zk.md`, "Host functions").
//!
//! Halo2 does not build for wasm, and verifying inside wasm would be an order of magnitude
//! slower anyway, so the runtime hands a SCALE-encoded [`Statement`] (circuit id and
//! version, public inputs, proof bytes) to the node through the [`zk_verifier`] runtime
//! interface. The node answers `Ok(())` or a typed [`VerifyError`]; a batch answers with the
//! index and reason of every failing item. Malformed input is an error, never a trap.
//!
//! Versioning: these are `ext_zk_verifier_*_version_1`. A change of behaviour gets a new
//! `#[version(2)]` function beside the old one, and the node keeps serving version 1, so old
//! blocks still execute exactly as they did.
//!
//! Pallets verify through one helper, [`verify`]: it builds each [`Statement`] checked
//! against its circuit version's registry entry (`sable_circuits`: exact proof length,
//! instance length) before the host is called, makes one host call (single or batch), and
//! answers one [`ProofError`].
//!
//! The native side ([`native`], `std` only) keeps a verifying key for every registered
//! circuit version, checked against its pinned digest, a bounded cache of statements that
//! already verified and the node's Prometheus metrics.

#![cfg_attr(not(feature = "std"), no_std)]
#![deny(missing_docs)]

extern crate alloc;

use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_runtime_interface::{
	pass_by::{AllocateAndReturnByCodec, PassFatPointerAndRead},
	runtime_interface,
};

use sable_zk_primitives::public_inputs::ProofBytes;

#[cfg(all(not(substrate_runtime), not(feature = "std")))]
compile_error!("the native side of the host functions needs the `std` feature");

#[cfg(not(substrate_runtime))]
pub mod native;
mod verification;

pub use sable_circuits::{self as circuits, CircuitId, CircuitSpec};
pub use sable_zk_primitives::bounded_collections::{BoundedVec, ConstU32};
pub use verification::{admit, verify, ProofError};

/// Every host function the Sable runtime imports: Substrate's and [`zk_verifier`]'s. The
/// node's executors are built with this list (plus the benchmarking functions in benchmark
/// builds).
#[cfg(not(substrate_runtime))]
pub type SableHostFunctions = (sp_io::SubstrateHostFunctions, zk_verifier::HostFunctions);

/// Most public inputs a statement may have: the longest instance column of any registered
/// circuit version.
pub const MAX_PUBLIC_INPUTS: u32 = sable_circuits::MAX_PUBLIC_INPUTS;
/// Most statements one batch call may carry: at least as many as a block may hold
/// (the runtime's `MaxBlockProofs`), so that a block's proofs are verified with one call and
/// pay its fixed cost once.
pub const MAX_BATCH_LEN: u32 = 1024;

/// Public inputs as canonical 32-byte field encodings, in the circuit's instance order.
pub type PublicInputs = BoundedVec<[u8; 32], ConstU32<MAX_PUBLIC_INPUTS>>;

/// One claim to verify: this proof shows the circuit's statement for these public inputs.
#[derive(
	Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct Statement {
	/// The circuit version.
	pub circuit: CircuitId,
	/// The instance column.
	pub public_inputs: PublicInputs,
	/// The proof bytes.
	pub proof: ProofBytes,
}

/// Statements verified together by one host call.
pub type StatementBatch = BoundedVec<Statement, ConstU32<MAX_BATCH_LEN>>;

/// Why a statement was not accepted.
#[derive(
	Clone,
	Copy,
	Debug,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub enum VerifyError {
	/// The bytes handed to the host are not a SCALE [`Statement`] (or batch) within bounds.
	MalformedStatement,
	/// No verifying key is known for this circuit id and version.
	UnknownCircuit,
	/// A public input is not a canonical field element, or their number is wrong.
	MalformedPublicInputs,
	/// The proof does not verify.
	InvalidProof,
}

/// One failing item of a batch.
#[derive(
	Clone,
	Copy,
	Debug,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub struct BatchFailure {
	/// Position of the item in the batch, or [`BatchFailure::WHOLE_BATCH`].
	pub index: u32,
	/// Why it failed.
	pub error: VerifyError,
}

impl BatchFailure {
	/// The index of a failure of the batch as a whole: it does not decode, or its combined
	/// check failed (some proof in it is invalid; batches are not searched for the culprit).
	pub const WHOLE_BATCH: u32 = u32::MAX;

	/// A failure of the batch as a whole.
	pub fn whole(error: VerifyError) -> Self {
		BatchFailure { index: Self::WHOLE_BATCH, error }
	}
}

/// Why the transaction pool did not admit an unsigned call's statements
/// (`zk_verifier::admit`).
#[derive(
	Clone,
	Copy,
	Debug,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub enum AdmitRefusal {
	/// They need verifying and the node's pool verification budget is spent: nothing was
	/// verified (`docs/zk.md`, "Floods"). Not a judgement of the transaction: it may be sent
	/// again later.
	OverBudget,
	/// Their verification failed.
	Failed(BatchFailure),
}

/// Verification host functions (`ext_zk_verifier_*`).
#[runtime_interface]
pub trait ZkVerifier {
	/// Verifies one SCALE-encoded [`Statement`].
	fn verify(
		statement: PassFatPointerAndRead<&[u8]>,
	) -> AllocateAndReturnByCodec<Result<(), VerifyError>> {
		native::verify_encoded(statement)
	}

	/// Verifies a SCALE-encoded [`StatementBatch`] with one combined check per circuit;
	/// on failure returns the first failure found (fail fast: a combined check that fails is
	/// reported as [`BatchFailure::WHOLE_BATCH`], not searched item by item).
	fn verify_batch(
		statements: PassFatPointerAndRead<&[u8]>,
	) -> AllocateAndReturnByCodec<Result<(), Vec<BatchFailure>>> {
		native::verify_batch_encoded(statements)
	}

	/// Verifies a SCALE-encoded [`StatementBatch`] (one statement or more) for the
	/// transaction pool, within the node's pool verification budget (`docs/zk.md`,
	/// "Floods"): statements that verified before are admitted at once; the others are
	/// verified as `verify` or `verify_batch` would, or refused unverified
	/// ([`AdmitRefusal::OverBudget`]) while the budget is spent. Only `validate_unsigned`
	/// calls it: its answer depends on the node's load, so no block may depend on it.
	fn admit(
		statements: PassFatPointerAndRead<&[u8]>,
	) -> AllocateAndReturnByCodec<Result<(), AdmitRefusal>> {
		native::admit_encoded(statements)
	}
}
