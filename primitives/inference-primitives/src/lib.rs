//! Commitments of proof-of-inference jobs (`docs/poi.md`, "Commitments"), computed the same
//! way by the runtime, the CLI and the circuits. `no_std`: the runtime links this crate.
//!
//! A job names a model, an input and (once done) an output by 32-byte digests, for example
//! SHA-256 of the files. On chain only commitments to them appear:
//!
//! ```text
//! commit(kind, d, salt) = H4(tag(kind), d_lo, d_hi, salt)
//! provider              = H3(ProviderId, account_lo, account_hi)
//! ```
//!
//! where `x_lo`, `x_hi` are the little-endian low and high 128-bit halves of 32 bytes, each
//! a canonical field element. Each kind has its own domain tag, so a model commitment never
//! opens as an input or output commitment.
//!
//! Inference jobs commit to the matrices themselves instead ([`mlp`]), packed into field
//! elements ([`packing`]) so that their circuits can prove the computation, and deliver the
//! output encrypted to the client's one-time key ([`delivery`]); adapted jobs apply the
//! client's LoRA adapter to the model's first layer first ([`adapted`]).

#![cfg_attr(not(feature = "std"), no_std)]
#![deny(missing_docs)]

extern crate alloc;

pub mod adapted;
pub mod delivery;
pub mod mlp;
pub mod packing;
pub mod statement;

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

use sable_zk_primitives::{
	encoding::{fp_from_bytes, fp_to_bytes},
	hash::{hash3, hash4, DomainTag},
	Fp,
};

/// The kind of AI job, which decides what its proof shows and how its statement is built
/// ([`statement::JobStatement`]). The circuit version of a job is chosen by the runtime;
/// its kind follows from the circuit's id ([`JobKind::of`]).
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
pub enum JobKind {
	/// The provider commits to an output (`sable_circuits::POI_COMMITMENT`): binds hashes,
	/// settles after a challenge window.
	Commitment,
	/// Inference of a registered quantized model on the client's committed input, its output
	/// encrypted to the client's delivery key (`sable_circuits::POI_INFERENCE`): proves the
	/// computation and the delivery.
	Inference,
	/// Inference of a registered base model with the client's LoRA adapter applied to its
	/// first layer, its output encrypted to the client's delivery key
	/// (`sable_circuits::POI_ADAPTED`).
	Adapted,
}

impl JobKind {
	/// The kind of job whose proofs circuit `circuit` checks (by its id, any version), or
	/// `None` for a circuit that is not a job circuit.
	pub fn of(circuit: sable_circuits::CircuitId) -> Option<JobKind> {
		match circuit.id {
			sable_circuits::POI_COMMITMENT => Some(JobKind::Commitment),
			sable_circuits::POI_INFERENCE => Some(JobKind::Inference),
			sable_circuits::POI_ADAPTED => Some(JobKind::Adapted),
			_ => None,
		}
	}

	/// Whether the result is delivered encrypted to the client: the statement then has the
	/// client's delivery commitment and the ciphertext as its output
	/// ([`statement::JobStatement`]).
	pub fn delivers(self) -> bool {
		matches!(self, JobKind::Inference | JobKind::Adapted)
	}
}

/// What a commitment commits to.
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
pub enum CommitmentKind {
	/// The model (weights and architecture).
	Model,
	/// A job's input.
	Input,
	/// A job's output.
	Output,
}

impl CommitmentKind {
	fn tag(self) -> DomainTag {
		match self {
			CommitmentKind::Model => DomainTag::ModelCommitment,
			CommitmentKind::Input => DomainTag::InputCommitment,
			CommitmentKind::Output => DomainTag::OutputCommitment,
		}
	}
}

/// The two 128-bit halves of 32 bytes, little-endian, as field elements (both below 2^128,
/// so canonical).
pub fn limbs(bytes: &[u8; 32]) -> [Fp; 2] {
	let mut lo = [0u8; 32];
	let mut hi = [0u8; 32];
	lo[..16].copy_from_slice(&bytes[..16]);
	hi[..16].copy_from_slice(&bytes[16..]);
	// Values below 2^128 are canonical: these decodings cannot fail.
	[fp_from_bytes(&lo).unwrap_or_default(), fp_from_bytes(&hi).unwrap_or_default()]
}

/// `H4(tag(kind), digest_lo, digest_hi, salt)`.
pub fn commit(kind: CommitmentKind, digest: &[u8; 32], salt: Fp) -> Fp {
	let [lo, hi] = limbs(digest);
	hash4(kind.tag(), lo, hi, salt)
}

/// [`commit`] as the 32 bytes stored on chain.
pub fn commit_bytes(kind: CommitmentKind, digest: &[u8; 32], salt: Fp) -> [u8; 32] {
	fp_to_bytes(&commit(kind, digest, salt))
}

/// The field element that stands for a provider's 32-byte account id.
pub fn provider_id(account: &[u8; 32]) -> Fp {
	let [lo, hi] = limbs(account);
	hash3(DomainTag::ProviderId, lo, hi)
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn kinds_follow_the_circuit_id() {
		use sable_circuits::CircuitId;
		assert_eq!(
			JobKind::of(CircuitId::new(sable_circuits::POI_COMMITMENT, 1)),
			Some(JobKind::Commitment)
		);
		assert_eq!(
			JobKind::of(CircuitId::new(sable_circuits::POI_INFERENCE, 7)),
			Some(JobKind::Inference)
		);
		assert_eq!(
			JobKind::of(CircuitId::new(sable_circuits::POI_ADAPTED, 1)),
			Some(JobKind::Adapted)
		);
		assert_eq!(JobKind::of(CircuitId::new(sable_circuits::TRANSFER, 1)), None);
		assert_eq!(JobKind::of(CircuitId::new(3, 1)), None);
		assert!(!JobKind::Commitment.delivers());
		assert!(JobKind::Inference.delivers() && JobKind::Adapted.delivers());
	}

	#[test]
	fn limbs_split_little_endian_halves() {
		let mut bytes = [0u8; 32];
		bytes[0] = 1;
		bytes[16] = 2;
		bytes[31] = 0xff;
		let [lo, hi] = limbs(&bytes);
		assert_eq!(lo, Fp::from(1));
		let mut expected_hi = [0u8; 32];
		expected_hi[0] = 2;
		expected_hi[15] = 0xff;
		assert_eq!(Some(hi), fp_from_bytes(&expected_hi));
		// All-ones halves are still canonical (below 2^128).
		assert_eq!(limbs(&[0xff; 32])[0], limbs(&[0xff; 32])[1]);
		assert_ne!(limbs(&[0xff; 32])[0], Fp::zero());
	}

	#[test]
	fn each_kind_salt_and_digest_changes_the_commitment() {
		let digest = [7u8; 32];
		let salt = Fp::from(99);
		let model = commit(CommitmentKind::Model, &digest, salt);
		assert_ne!(model, commit(CommitmentKind::Input, &digest, salt));
		assert_ne!(model, commit(CommitmentKind::Output, &digest, salt));
		assert_ne!(model, commit(CommitmentKind::Model, &digest, salt + Fp::one()));
		let mut other = digest;
		other[31] ^= 1;
		assert_ne!(model, commit(CommitmentKind::Model, &other, salt));
		assert_eq!(model, commit(CommitmentKind::Model, &digest, salt), "deterministic");
		assert_eq!(fp_from_bytes(&commit_bytes(CommitmentKind::Model, &digest, salt)), Some(model));
	}
}
