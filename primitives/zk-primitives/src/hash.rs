//! Poseidon hashing with explicit domain separation (`docs/zk.md`, "Hashes").
//!
//! Every hash is halo2_poseidon's `P128Pow5T3` over `Fp` (width 3, rate 2) in the
//! `ConstantLength<L>` sponge mode, whose capacity element encodes `L`. Two rules separate
//! the uses:
//! - the Merkle node hash is the only hash of length 2, so its domain is fixed by its length;
//! - every other hash starts with a [`DomainTag`] and has length 3, 4 or 5, and no two uses
//!   of one length share a tag.
//!
//! The circuit computes the same functions with halo2_gadgets' Pow5 chip, from the same tags.

use halo2_poseidon::{ConstantLength, Hash, P128Pow5T3};

use crate::Fp;

/// The first input of a tagged hash; each use has its own value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u64)]
pub enum DomainTag {
	/// `nk = H3(NullifierKey, sk, 0)`.
	NullifierKey = 1,
	/// `owner = H3(Owner, nk, 0)`.
	Owner = 2,
	/// `nf = H3(Nullifier, nk, rho)`.
	Nullifier = 3,
	/// `rho_out_0 = H3(OutputRho0, nf_in_0, nf_in_1)`.
	OutputRho0 = 4,
	/// `rho_out_1 = H3(OutputRho1, nf_in_0, nf_in_1)`.
	OutputRho1 = 5,
	/// `ivk_seed = H3(IncomingViewingKey, sk, 0)`.
	IncomingViewingKey = 6,
	/// `cm = H5(NoteCommitment, value, owner, rho, rcm)`.
	NoteCommitment = 7,
	/// Proof of inference: `H4(ModelCommitment, digest_lo, digest_hi, salt)` (docs/poi.md).
	ModelCommitment = 8,
	/// Proof of inference: `H4(InputCommitment, digest_lo, digest_hi, salt)`.
	InputCommitment = 9,
	/// Proof of inference: `H4(OutputCommitment, digest_lo, digest_hi, salt)`.
	OutputCommitment = 10,
	/// Proof of inference: `provider = H3(ProviderId, account_lo, account_hi)`.
	ProviderId = 11,
	/// LoRA step: the base weights `W_base` (the job's model commitment).
	LoraBase = 12,
	/// LoRA step: the adapter `A`, `B` and `alpha` (the job's input commitment).
	LoraAdapter = 13,
	/// LoRA step: the result `W_eff` (the job's output commitment).
	LoraResult = 14,
	/// Inference: the quantized model's weights, biases and divisor.
	MlpModel = 15,
	/// Inference: the input vector.
	MlpInput = 16,
	/// Inference: the output vector.
	MlpOutput = 17,
}

impl DomainTag {
	/// The tag as the field element the hash absorbs first.
	pub fn to_field(self) -> Fp {
		Fp::from(self as u64)
	}
}

/// `P128Pow5T3` in `ConstantLength<L>` mode.
fn poseidon<const L: usize>(message: [Fp; L]) -> Fp {
	Hash::<Fp, P128Pow5T3, ConstantLength<L>, 3, 2>::init().hash(message)
}

/// A tagged hash of `N` elements, `H_N(tag, rest...)`, for commitments to packed matrices
/// (`docs/poi.md`); each tag used here is used with one length only. `None` unless `rest`
/// holds exactly `N - 1` elements.
pub fn hash_tagged<const N: usize>(tag: DomainTag, rest: &[Fp]) -> Option<Fp> {
	if rest.len() + 1 != N {
		return None;
	}
	let message: [Fp; N] =
		core::array::from_fn(|i| if i == 0 { tag.to_field() } else { rest[i - 1] });
	Some(poseidon(message))
}

/// The Merkle tree's node hash `H2(left, right)`, the only hash of length 2.
pub fn merkle_node(left: Fp, right: Fp) -> Fp {
	poseidon([left, right])
}

/// A tagged hash of two field elements, `H3(tag, a, b)`.
pub fn hash3(tag: DomainTag, a: Fp, b: Fp) -> Fp {
	poseidon([tag.to_field(), a, b])
}

/// A tagged hash of three field elements, `H4(tag, a, b, c)`.
pub fn hash4(tag: DomainTag, a: Fp, b: Fp, c: Fp) -> Fp {
	poseidon([tag.to_field(), a, b, c])
}

/// A tagged hash of four field elements, `H5(tag, a, b, c, d)`.
pub fn hash5(tag: DomainTag, a: Fp, b: Fp, c: Fp, d: Fp) -> Fp {
	poseidon([tag.to_field(), a, b, c, d])
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn domains_separate_equal_inputs() {
		let (a, b) = (Fp::from(5), Fp::from(7));
		let nk = hash3(DomainTag::NullifierKey, a, b);
		let owner = hash3(DomainTag::Owner, a, b);
		let node = merkle_node(a, b);
		assert_ne!(nk, owner);
		assert_ne!(nk, node);
		// A tagged hash is not the untagged hash of the same data.
		assert_ne!(hash3(DomainTag::Nullifier, a, b), poseidon([a, b, Fp::from(0)]));
	}

	#[test]
	fn tags_are_distinct() {
		use DomainTag::*;
		let tags = [
			NullifierKey,
			Owner,
			Nullifier,
			OutputRho0,
			OutputRho1,
			IncomingViewingKey,
			NoteCommitment,
			ModelCommitment,
			InputCommitment,
			OutputCommitment,
			ProviderId,
			LoraBase,
			LoraAdapter,
			LoraResult,
			MlpModel,
			MlpInput,
			MlpOutput,
		];
		for (i, x) in tags.iter().enumerate() {
			for y in &tags[i + 1..] {
				assert_ne!(x.to_field(), y.to_field());
			}
		}
	}
}
