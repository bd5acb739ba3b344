//! Key derivation (`docs/zk.md`, "Keys").
//!
//! ```text
//! sk                     spending key, a uniformly random field element
//! nk    = H3(NullifierKey, sk, 0)          nullifier key: detects spends, cannot spend
//! owner = H3(Owner, nk, 0)                 the owner id written into notes
//! ivk   = H3(IncomingViewingKey, sk, 0)    decrypts notes (as a Pallas scalar, see wallet)
//! ```
//! Spending needs `sk`: the circuit proves knowledge of an `sk` whose `owner` is the note's.

use crate::{
	encoding::{fp_from_bytes, fp_to_bytes},
	hash::{hash3, DomainTag},
	Fp,
};
use ff::Field;

/// The secret that spends notes.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct SpendingKey(Fp);

impl core::fmt::Debug for SpendingKey {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		f.write_str("SpendingKey(<secret>)")
	}
}

/// Derives nullifiers; whoever holds it sees when the owner's notes are spent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NullifierKey(pub Fp);

/// The public owner id that notes are addressed to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OwnerId(pub Fp);

impl SpendingKey {
	/// A spending key from its field element.
	pub fn from_field(sk: Fp) -> Self {
		Self(sk)
	}

	/// A spending key from its canonical encoding; `None` for non-canonical bytes.
	pub fn from_bytes(bytes: &[u8; 32]) -> Option<Self> {
		fp_from_bytes(bytes).map(Self)
	}

	/// The canonical encoding.
	pub fn to_bytes(&self) -> [u8; 32] {
		fp_to_bytes(&self.0)
	}

	/// The secret field element (the circuit witnesses it).
	pub fn inner(&self) -> Fp {
		self.0
	}

	/// `nk = H3(NullifierKey, sk, 0)`.
	pub fn nullifier_key(&self) -> NullifierKey {
		NullifierKey(hash3(DomainTag::NullifierKey, self.0, Fp::ZERO))
	}

	/// `owner = H3(Owner, nk, 0)`.
	pub fn owner(&self) -> OwnerId {
		self.nullifier_key().owner()
	}

	/// `ivk_seed = H3(IncomingViewingKey, sk, 0)`; the wallet turns it into a Pallas scalar.
	pub fn incoming_viewing_seed(&self) -> Fp {
		hash3(DomainTag::IncomingViewingKey, self.0, Fp::ZERO)
	}
}

impl NullifierKey {
	/// `owner = H3(Owner, nk, 0)`.
	pub fn owner(&self) -> OwnerId {
		OwnerId(hash3(DomainTag::Owner, self.0, Fp::ZERO))
	}
}
