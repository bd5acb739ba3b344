//! Poseidon hashing with explicit domain separation (`docs/zk.md`, "Hashes").
//!
//! Every hash is halo2_poseidon's `P128Pow5T3` over `Fp` (width 3, rate 2) in the
//! `ConstantLength<L>` sponge mode, whose capacity element encodes `L`. Two rules separate
//! the uses:
//! - the Merkle node hash is the only hash of length 2, so its domain is fixed by its length;
//! - every other hash starts with a [`DomainTag`], and each tag has one meaning: one use, with
//!   one definition of its message. A tag whose message length depends on a circuit version's
//!   shape (the model and input commitments of `docs/poi-circuits.md`) is still one use; the
//!   length is encoded in the sponge's capacity element as for every hash.
//!
//! Tags 12, 13, 14 and 17 belonged to the retired LoRA step and committed-output inference
//! circuits; they are never reused.
//!
//! The circuit computes the same functions with halo2_gadgets' Pow5 chip, from the same tags.

use ff::PrimeField;
use halo2_poseidon::{ConstantLength, Hash, P128Pow5T3, Spec};

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
	/// Inference: `H(MlpModel, shape, packed W1, b1, W2, b2, divisor, salt)`, the quantized
	/// model's commitment (docs/poi-circuits.md, "Commitments"); its length depends on the
	/// shape, which it also hashes.
	MlpModel = 15,
	/// Inference: `H(MlpInput, packed x, salt)`, the input's commitment; its length depends on
	/// the number of inputs.
	MlpInput = 16,
	/// Encrypted delivery: `D = H3(DeliveryKey, key, 0)`, the client's delivery commitment.
	DeliveryKey = 18,
	/// Encrypted delivery: `s_j = H4(DeliveryStream, key, job_id, j)`, the keystream.
	DeliveryStream = 19,
	/// Adapted inference: `H(AdaptedInput, packed x, packed A, packed B, alpha, salt)`, the
	/// commitment to the client's input and LoRA adapter.
	AdaptedInput = 20,
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

/// `H_L(tag, rest...)` with `L = rest.len() + 1` known only at run time: the same function as
/// [`hash_tagged::<L>`](hash_tagged) (a `ConstantLength<L>` sponge: capacity `L * 2^64`,
/// message padded with zeros to a multiple of the rate 2, then squeezed once), for
/// commitments whose length depends on a model's shape.
pub fn hash_tagged_slice(tag: DomainTag, rest: &[Fp]) -> Fp {
	let (round_constants, mds, _) = <P128Pow5T3 as Spec<Fp, 3, 2>>::constants();
	let length = (rest.len() + 1) as u128;
	let mut state = [Fp::zero(), Fp::zero(), Fp::from_u128(length << 64)];
	let mut message = core::iter::once(tag.to_field()).chain(rest.iter().copied()).peekable();
	while let Some(first) = message.next() {
		state[0] += first;
		state[1] += message.next().unwrap_or_default();
		permute(&mut state, &round_constants, &mds);
	}
	state[0]
}

/// The `P128Pow5T3` permutation: 4 full rounds, 56 partial rounds (S-box on the first word
/// only), 4 full rounds; each round adds its constants, applies the S-box `x^5` and mixes with
/// the MDS matrix.
fn permute(state: &mut [Fp; 3], round_constants: &[[Fp; 3]], mds: &[[Fp; 3]; 3]) {
	let half_full = <P128Pow5T3 as Spec<Fp, 3, 2>>::full_rounds() / 2;
	let partial = <P128Pow5T3 as Spec<Fp, 3, 2>>::partial_rounds();
	let sbox = <P128Pow5T3 as Spec<Fp, 3, 2>>::sbox;
	for (round, constants) in round_constants.iter().enumerate() {
		for (word, constant) in state.iter_mut().zip(constants) {
			*word += constant;
		}
		if round < half_full || round >= half_full + partial {
			for word in state.iter_mut() {
				*word = sbox(*word);
			}
		} else {
			state[0] = sbox(state[0]);
		}
		let mixed: [Fp; 3] = core::array::from_fn(|i| {
			mds[i].iter().zip(state.iter()).fold(Fp::zero(), |sum, (m, word)| sum + *m * *word)
		});
		*state = mixed;
	}
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

	fn message(len: usize) -> Vec<Fp> {
		(0..len as u64).map(|i| Fp::from(i * 0x9e37_79b9 + 1).square()).collect()
	}

	macro_rules! same_as_constant_length {
		($($n:literal)*) => {$(
			let rest = message($n - 1);
			assert_eq!(
				hash_tagged_slice(DomainTag::MlpModel, &rest),
				hash_tagged::<$n>(DomainTag::MlpModel, &rest).expect("length"),
				"length {}", $n
			);
		)*};
	}

	#[test]
	fn slice_hash_is_the_constant_length_hash() {
		same_as_constant_length!(1 2 3 4 5 6 7 8 9 10 11 12 13 26 27 85 93 94);
		assert_eq!(
			hash_tagged_slice(DomainTag::Owner, &[Fp::from(3), Fp::zero()]),
			hash3(DomainTag::Owner, Fp::from(3), Fp::zero())
		);
		// The length separates a message from its zero-extension (same padded sponge input).
		let mut extended = message(4);
		extended.push(Fp::zero());
		assert_ne!(
			hash_tagged_slice(DomainTag::MlpModel, &message(4)),
			hash_tagged_slice(DomainTag::MlpModel, &extended)
		);
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
			MlpModel,
			MlpInput,
			DeliveryKey,
			DeliveryStream,
			AdaptedInput,
		];
		for (i, x) in tags.iter().enumerate() {
			for y in &tags[i + 1..] {
				assert_ne!(x.to_field(), y.to_field());
			}
		}
	}
}
