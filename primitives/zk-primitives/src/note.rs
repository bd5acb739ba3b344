//! Notes, their commitments and nullifiers (`docs/zk.md`, "Notes" and "Nullifiers").
//!
//! ```text
//! note       = (value: u64, owner, rho, rcm)
//! cm         = H5(NoteCommitment, value, owner, rho, rcm)
//! nf         = H3(Nullifier, nk, rho)
//! rho_out_j  = H3(OutputRho_j, nf_in_0, nf_in_1)      for the two outputs j = 0, 1
//! ```
//! An output's `rho` is derived from the nullifiers its transaction reveals, which the chain
//! accepts only once; so every note ever created has a fresh `rho`, and with it a nullifier
//! no other note can have (the faerie-gold defence; argument in `docs/zk.md`).

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

use crate::{
	encoding::{fp_from_bytes, fp_to_bytes},
	hash::{hash3, hash5, DomainTag},
	keys::{NullifierKey, OwnerId},
	Fp,
};

/// The uniqueness seed of a note.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rho(pub Fp);

/// A note: value owned by `owner`, made unique by `rho`, hidden by the randomness `rcm`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Note {
	/// The amount, in the chain's smallest unit.
	pub value: u64,
	/// Who may spend it.
	pub owner: OwnerId,
	/// Uniqueness seed, derived in the circuit for every output.
	pub rho: Rho,
	/// Commitment randomness.
	pub rcm: Fp,
}

macro_rules! field_newtype {
	($(#[$doc:meta])* $name:ident) => {
		$(#[$doc])*
		#[derive(
			Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash,
			Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
		)]
		pub struct $name(pub [u8; 32]);

		impl $name {
			/// The canonical encoding of `x`.
			pub fn from_field(x: Fp) -> Self {
				Self(fp_to_bytes(&x))
			}

			/// The field element; `None` if the bytes are not canonical.
			pub fn to_field(&self) -> Option<Fp> {
				fp_from_bytes(&self.0)
			}
		}
	};
}

field_newtype!(
	/// A note commitment, the leaf the note-commitment tree stores.
	NoteCommitment
);
field_newtype!(
	/// A nullifier: revealed when a note is spent, recorded by the chain to stop double spends.
	Nullifier
);

impl Note {
	/// `cm = H5(NoteCommitment, value, owner, rho, rcm)`.
	pub fn commitment(&self) -> NoteCommitment {
		NoteCommitment::from_field(self.commitment_field())
	}

	/// The commitment as a field element.
	pub fn commitment_field(&self) -> Fp {
		hash5(DomainTag::NoteCommitment, Fp::from(self.value), self.owner.0, self.rho.0, self.rcm)
	}

	/// `nf = H3(Nullifier, nk, rho)`, computable only with the owner's nullifier key.
	pub fn nullifier(&self, nk: &NullifierKey) -> Nullifier {
		Nullifier::from_field(nullifier_field(nk, &self.rho))
	}
}

/// `nf = H3(Nullifier, nk, rho)` as a field element.
pub fn nullifier_field(nk: &NullifierKey, rho: &Rho) -> Fp {
	hash3(DomainTag::Nullifier, nk.0, rho.0)
}

/// The `rho` of both outputs of a transaction that reveals nullifiers `nf0` and `nf1`.
pub fn output_rhos(nf0: Fp, nf1: Fp) -> [Rho; 2] {
	[Rho(hash3(DomainTag::OutputRho0, nf0, nf1)), Rho(hash3(DomainTag::OutputRho1, nf0, nf1))]
}
