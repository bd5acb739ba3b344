//! Builds a transfer's circuit witness and public inputs from wallet-level data, checking
//! natively everything the circuit will check so that a bad request fails with a clear error
//! before any proving time is spent.

use ff::Field;
use halo2_proofs::circuit::Value;
use rand::Rng;
use sable_zk_primitives::{
	keys::{OwnerId, SpendingKey},
	note::{output_rhos, Note, NoteCommitment, Nullifier, Rho},
	public_inputs::TransferPublicInputs,
	tree::{MerklePath, TREE_DEPTH},
	Fp,
};

use crate::circuit::{InputWitness, OutputWitness, TransferCircuit};

/// A note being spent: the owner's key, the note and its path to the anchor.
#[derive(Clone, Debug)]
pub struct Spend {
	/// The owner's spending key.
	pub sk: SpendingKey,
	/// The note.
	pub note: Note,
	/// Its path in the note-commitment tree.
	pub path: MerklePath,
}

impl Spend {
	/// A zero-value dummy input with a random key and `rho`, so that its nullifier is fresh
	/// (`docs/zk.md`, "Dummy inputs"). Its path is never checked.
	pub fn dummy(rng: &mut impl Rng) -> Spend {
		let sk = SpendingKey::from_field(Fp::random(&mut *rng));
		let note = Note {
			value: 0,
			owner: sk.owner(),
			rho: Rho(Fp::random(&mut *rng)),
			rcm: Fp::random(&mut *rng),
		};
		Spend { sk, note, path: MerklePath { position: 0, siblings: [Fp::ZERO; TREE_DEPTH] } }
	}
}

/// A note to create: who receives how much.
#[derive(Clone, Copy, Debug)]
pub struct Recipient {
	/// The recipient's owner id.
	pub owner: OwnerId,
	/// The value.
	pub value: u64,
}

/// Everything a transfer proof is made from.
#[derive(Clone, Debug)]
pub struct TransferRequest {
	/// The two inputs (use [`Spend::dummy`] for unused ones).
	pub inputs: [Spend; 2],
	/// The two outputs (a zero-value output to oneself fills an unused slot).
	pub outputs: [Recipient; 2],
	/// The tree root the real inputs are proven under.
	pub anchor: Fp,
	/// Value entering from a transparent account.
	pub value_in: u64,
	/// Value leaving to a transparent account.
	pub value_out: u64,
	/// Fee paid from shielded value.
	pub fee: u64,
	/// Binding to the extrinsic (`sable_zk_primitives::binding`).
	pub binding: Fp,
}

/// Why a request cannot be proven.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WitnessError {
	/// Input `index` is not owned by the given spending key.
	NotOwner {
		/// Which input.
		index: usize,
	},
	/// Input `index` has a value but its path does not lead to the anchor.
	NotUnderAnchor {
		/// Which input.
		index: usize,
	},
	/// Inputs plus `value_in` do not equal outputs plus `value_out` plus `fee`.
	Unbalanced {
		/// Sum of the input notes and `value_in`.
		inputs: u128,
		/// Sum of the output notes, `value_out` and `fee`.
		outputs: u128,
	},
	/// Both inputs would reveal the same nullifier.
	DuplicateNullifier,
}

impl core::fmt::Display for WitnessError {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		match self {
			Self::NotOwner { index } => write!(f, "input {index} is not owned by its spending key"),
			Self::NotUnderAnchor { index } => {
				write!(f, "input {index} has value but its Merkle path does not lead to the anchor")
			},
			Self::Unbalanced { inputs, outputs } => write!(
				f,
				"unbalanced: inputs + value_in = {inputs}, outputs + value_out + fee = {outputs}"
			),
			Self::DuplicateNullifier => write!(f, "both inputs reveal the same nullifier"),
		}
	}
}

impl std::error::Error for WitnessError {}

/// A request turned into what the prover and the chain need.
#[derive(Clone, Debug)]
pub struct TransferWitness {
	/// The circuit with its witness.
	pub circuit: TransferCircuit,
	/// The public inputs the proof is verified against.
	pub public_inputs: TransferPublicInputs,
	/// The notes created, for the recipients' ciphertexts.
	pub output_notes: [Note; 2],
}

impl TransferRequest {
	/// Checks the request and builds the witness; output randomness comes from `rng`.
	pub fn build(&self, rng: &mut impl Rng) -> Result<TransferWitness, WitnessError> {
		let mut nullifiers = [Fp::ZERO; 2];
		for (index, spend) in self.inputs.iter().enumerate() {
			if spend.note.owner != spend.sk.owner() {
				return Err(WitnessError::NotOwner { index });
			}
			if spend.note.value != 0
				&& spend.path.root(spend.note.commitment_field()) != self.anchor
			{
				return Err(WitnessError::NotUnderAnchor { index });
			}
			nullifiers[index] = sable_zk_primitives::note::nullifier_field(
				&spend.sk.nullifier_key(),
				&spend.note.rho,
			);
		}
		if nullifiers[0] == nullifiers[1] {
			return Err(WitnessError::DuplicateNullifier);
		}
		let inputs = self.inputs.iter().map(|s| u128::from(s.note.value)).sum::<u128>()
			+ u128::from(self.value_in);
		let outputs = self.outputs.iter().map(|o| u128::from(o.value)).sum::<u128>()
			+ u128::from(self.value_out)
			+ u128::from(self.fee);
		if inputs != outputs {
			return Err(WitnessError::Unbalanced { inputs, outputs });
		}

		let rhos = output_rhos(nullifiers[0], nullifiers[1]);
		let output_notes = [0, 1].map(|j| Note {
			value: self.outputs[j].value,
			owner: self.outputs[j].owner,
			rho: rhos[j],
			rcm: Fp::random(&mut *rng),
		});

		let circuit = TransferCircuit {
			inputs: [0, 1].map(|i| input_witness(&self.inputs[i])),
			outputs: output_notes.map(|note| OutputWitness {
				value: Value::known(Fp::from(note.value)),
				owner: Value::known(note.owner.0),
				rcm: Value::known(note.rcm),
			}),
		};
		let public_inputs = TransferPublicInputs {
			anchor: sable_zk_primitives::encoding::fp_to_bytes(&self.anchor),
			nullifiers: nullifiers.map(Nullifier::from_field),
			commitments: output_notes
				.map(|note| NoteCommitment::from_field(note.commitment_field())),
			value_in: self.value_in,
			value_out: self.value_out,
			fee: self.fee,
			binding: sable_zk_primitives::encoding::fp_to_bytes(&self.binding),
		};
		Ok(TransferWitness { circuit, public_inputs, output_notes })
	}
}

fn input_witness(spend: &Spend) -> InputWitness {
	let mut position_bits = [Value::known(false); TREE_DEPTH];
	for (height, bit) in position_bits.iter_mut().enumerate() {
		*bit = Value::known((spend.path.position >> height) & 1 == 1);
	}
	InputWitness {
		sk: Value::known(spend.sk.inner()),
		value: Value::known(Fp::from(spend.note.value)),
		rho: Value::known(spend.note.rho.0),
		rcm: Value::known(spend.note.rcm),
		position_bits,
		siblings: spend.path.siblings.map(Value::known),
	}
}
