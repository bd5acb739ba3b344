//! The binding public input: a hash of the extrinsic data a proof must not be detached from
//! (`docs/zk.md`, "Binding").
//!
//! ```text
//! binding = wide_reduce(BLAKE2b-512(personal = "Sable_Binding_v1", SCALE(BindingData)))
//! ciphertext_hash = BLAKE2b-256(personal = "Sable_NoteCipher", ciphertext)
//! ```
//! The runtime recomputes it from the call it executes; a proof made for other data (another
//! chain, call kind, recipient, fee payee or ciphertexts) does not verify.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

use crate::{
	encoding::{fp_from_wide, fp_to_bytes},
	Fp,
};

/// BLAKE2b personalization of the binding hash.
pub const BINDING_PERSONAL: &[u8; 16] = b"Sable_Binding_v1";
/// BLAKE2b personalization of ciphertext hashes.
pub const CIPHERTEXT_PERSONAL: &[u8; 16] = b"Sable_NoteCipher";

/// Which extrinsic a proof is for.
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
pub enum CallKind {
	/// Transparent value enters the pool.
	Shield,
	/// Value moves inside the pool.
	Transfer,
	/// Value leaves the pool to a transparent account.
	Unshield,
}

/// Everything the binding commits to.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo)]
pub struct BindingData {
	/// Genesis hash of the chain, so a proof cannot be replayed on another chain.
	pub genesis_hash: [u8; 32],
	/// The call the proof authorizes.
	pub kind: CallKind,
	/// Account credited by an unshield.
	pub unshield_recipient: Option<[u8; 32]>,
	/// Account paid the fee.
	pub fee_payee: Option<[u8; 32]>,
	/// Hashes of the two outputs' ciphertexts.
	pub ciphertext_hashes: [[u8; 32]; 2],
}

impl BindingData {
	/// The binding field element.
	pub fn to_field(&self) -> Fp {
		let digest = blake2b_simd::Params::new()
			.hash_length(64)
			.personal(BINDING_PERSONAL)
			.hash(&self.encode());
		let mut wide = [0u8; 64];
		wide.copy_from_slice(digest.as_bytes());
		fp_from_wide(&wide)
	}

	/// The binding as the 32 bytes of the public inputs.
	pub fn to_bytes(&self) -> [u8; 32] {
		fp_to_bytes(&self.to_field())
	}
}

/// The hash of one output ciphertext.
pub fn ciphertext_hash(ciphertext: &[u8]) -> [u8; 32] {
	let digest =
		blake2b_simd::Params::new().hash_length(32).personal(CIPHERTEXT_PERSONAL).hash(ciphertext);
	let mut out = [0u8; 32];
	out.copy_from_slice(digest.as_bytes());
	out
}

#[cfg(test)]
mod tests {
	use super::*;

	fn data() -> BindingData {
		BindingData {
			genesis_hash: [7; 32],
			kind: CallKind::Unshield,
			unshield_recipient: Some([1; 32]),
			fee_payee: None,
			ciphertext_hashes: [ciphertext_hash(b"a"), ciphertext_hash(b"b")],
		}
	}

	#[test]
	fn every_field_changes_the_binding() {
		let base = data().to_field();
		let mut other = data();
		other.genesis_hash[0] = 8;
		assert_ne!(other.to_field(), base);
		let mut other = data();
		other.kind = CallKind::Transfer;
		assert_ne!(other.to_field(), base);
		let mut other = data();
		other.unshield_recipient = Some([2; 32]);
		assert_ne!(other.to_field(), base);
		let mut other = data();
		other.fee_payee = Some([0; 32]);
		assert_ne!(other.to_field(), base);
		let mut other = data();
		other.ciphertext_hashes.swap(0, 1);
		assert_ne!(other.to_field(), base);
		assert_eq!(data().to_field(), base, "deterministic");
	}
}
