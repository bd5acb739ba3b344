//! The public inputs of the transfer statement, in the order the circuit's instance column
//! holds them (`docs/zk.md`, "Public inputs"), and the bounded types extrinsics carry.

use bounded_collections::{BoundedVec, ConstU32};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

use crate::{
	encoding::fp_from_bytes,
	note::{NoteCommitment, Nullifier},
	Fp,
};

/// Row of each public input in the instance column.
pub mod layout {
	/// Merkle root the input notes are proven under.
	pub const ANCHOR: usize = 0;
	/// Nullifiers of the two inputs.
	pub const NULLIFIERS: [usize; 2] = [1, 2];
	/// Commitments of the two outputs.
	pub const COMMITMENTS: [usize; 2] = [3, 4];
	/// Value entering the pool from a transparent account.
	pub const VALUE_IN: usize = 5;
	/// Value leaving the pool to a transparent account.
	pub const VALUE_OUT: usize = 6;
	/// Fee paid from shielded value.
	pub const FEE: usize = 7;
	/// Hash of the extrinsic data the proof is bound to.
	pub const BINDING: usize = 8;
	/// Number of public inputs: the registry's instance length of the transfer circuit.
	pub const COUNT: usize = sable_circuits::TRANSFER_V1.public_inputs as usize;
	const _: () = assert!(BINDING + 1 == COUNT, "the layout fills the instance column");
}

/// Longest proof an extrinsic may carry, in bytes: the longest proof of any registered circuit
/// version (`sable_circuits::MAX_PROOF_LEN`); each circuit's exact length is checked before
/// verification.
pub const MAX_PROOF_LEN: u32 = sable_circuits::MAX_PROOF_LEN;

/// Proof bytes, bounded before any verification work is done.
pub type ProofBytes = BoundedVec<u8, ConstU32<MAX_PROOF_LEN>>;

/// The public inputs of one transfer (shield and unshield are transfers with `value_in` or
/// `value_out` set), as 32-byte canonical encodings and integers.
#[derive(
	Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct TransferPublicInputs {
	/// Root of the note-commitment tree the inputs are proven under.
	pub anchor: [u8; 32],
	/// Nullifiers revealed by the two inputs (real or dummy).
	pub nullifiers: [Nullifier; 2],
	/// Commitments of the two new notes.
	pub commitments: [NoteCommitment; 2],
	/// Value moved from a transparent account into the pool.
	pub value_in: u64,
	/// Value moved out of the pool to a transparent account.
	pub value_out: u64,
	/// Fee paid from shielded value.
	pub fee: u64,
	/// Binding to the extrinsic (see [`crate::binding`]).
	pub binding: [u8; 32],
}

impl TransferPublicInputs {
	/// The instance column, or `None` if a 32-byte value is not a canonical field element.
	pub fn to_instance(&self) -> Option<[Fp; layout::COUNT]> {
		let mut column = [Fp::zero(); layout::COUNT];
		column[layout::ANCHOR] = fp_from_bytes(&self.anchor)?;
		for (i, row) in layout::NULLIFIERS.iter().enumerate() {
			column[*row] = self.nullifiers[i].to_field()?;
		}
		for (i, row) in layout::COMMITMENTS.iter().enumerate() {
			column[*row] = self.commitments[i].to_field()?;
		}
		column[layout::VALUE_IN] = Fp::from(self.value_in);
		column[layout::VALUE_OUT] = Fp::from(self.value_out);
		column[layout::FEE] = Fp::from(self.fee);
		column[layout::BINDING] = fp_from_bytes(&self.binding)?;
		Some(column)
	}

	/// The instance column as 32-byte encodings, without field arithmetic (what the runtime
	/// hands to the verifier host function, which rejects non-canonical values).
	pub fn to_instance_bytes(&self) -> [[u8; 32]; layout::COUNT] {
		let mut column = [[0u8; 32]; layout::COUNT];
		column[layout::ANCHOR] = self.anchor;
		for (i, row) in layout::NULLIFIERS.iter().enumerate() {
			column[*row] = self.nullifiers[i].0;
		}
		for (i, row) in layout::COMMITMENTS.iter().enumerate() {
			column[*row] = self.commitments[i].0;
		}
		column[layout::VALUE_IN] = u64_bytes(self.value_in);
		column[layout::VALUE_OUT] = u64_bytes(self.value_out);
		column[layout::FEE] = u64_bytes(self.fee);
		column[layout::BINDING] = self.binding;
		column
	}
}

/// A 64-bit value as the canonical encoding of the field element it is.
fn u64_bytes(value: u64) -> [u8; 32] {
	let mut bytes = [0u8; 32];
	bytes[..8].copy_from_slice(&value.to_le_bytes());
	bytes
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn non_canonical_inputs_have_no_instance() {
		let mut inputs = TransferPublicInputs {
			anchor: [0; 32],
			nullifiers: [Nullifier([1; 32]), Nullifier([2; 32])],
			commitments: [NoteCommitment([3; 32]), NoteCommitment([4; 32])],
			value_in: 5,
			value_out: 6,
			fee: 7,
			binding: [8; 32],
		};
		let column = inputs.to_instance().expect("canonical");
		let bytes = inputs.to_instance_bytes();
		for (element, encoded) in column.iter().zip(bytes.iter()) {
			assert_eq!(&crate::encoding::fp_to_bytes(element), encoded);
		}
		assert_eq!(column[layout::FEE], Fp::from(7));
		assert_eq!(column[layout::VALUE_OUT], Fp::from(6));
		inputs.nullifiers[1] = Nullifier([0xff; 32]);
		assert!(inputs.to_instance().is_none());
		assert_eq!(TransferPublicInputs::max_encoded_len(), 32 * 6 + 8 * 3);
	}
}
