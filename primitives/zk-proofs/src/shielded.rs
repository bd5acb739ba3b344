//! Making the payload of a shielded extrinsic: build the witness, encrypt the two new notes
//! for their recipients, bind the proof to the chain, the call and the ciphertexts, prove.
//!
//! The binding is a public input the circuit copies from the instance column, so it can be
//! computed after the output notes (and so their ciphertexts) are fixed.

use rand::Rng;
use sable_zk_primitives::{
	binding::CallKind,
	note::Note,
	payload::{binding_data, NoteCiphertext, ShieldedProof, CIPHERTEXT_LEN},
	Fp,
};

use crate::{
	encryption::{Address, MEMO_LEN},
	keys::TransferKeys,
	proof::{prove, ProveError},
	witness::{Recipient, Spend, TransferRequest, WitnessError},
};

/// What to prove, at wallet level.
#[derive(Clone, Debug)]
pub struct ShieldedRequest {
	/// The two inputs ([`Spend::dummy`] for unused ones).
	pub inputs: [Spend; 2],
	/// The two outputs: recipient address and value (a zero-value output to oneself fills
	/// an unused slot).
	pub outputs: [(Address, u64); 2],
	/// A memo for each output's recipient.
	pub memos: [[u8; MEMO_LEN]; 2],
	/// The tree root the real inputs are proven under.
	pub anchor: Fp,
	/// Value entering from a transparent account (shield).
	pub value_in: u64,
	/// Value leaving to a transparent account (unshield).
	pub value_out: u64,
	/// Fee paid from shielded value.
	pub fee: u64,
}

impl ShieldedRequest {
	/// A request with empty memos.
	pub fn new(
		inputs: [Spend; 2],
		outputs: [(Address, u64); 2],
		anchor: Fp,
		value_in: u64,
		value_out: u64,
		fee: u64,
	) -> Self {
		ShieldedRequest {
			inputs,
			outputs,
			memos: [[0; MEMO_LEN]; 2],
			anchor,
			value_in,
			value_out,
			fee,
		}
	}
}

/// The chain and call a proof is bound to.
#[derive(Clone, Copy, Debug)]
pub struct BindingContext {
	/// Genesis hash of the chain.
	pub genesis_hash: [u8; 32],
	/// The call that will carry the proof.
	pub kind: CallKind,
	/// For an unshield, the account credited (its 32 bytes).
	pub unshield_recipient: Option<[u8; 32]>,
	/// For a relayed call, the relayer the fee is paid to (its 32 bytes); `None` for an
	/// unsigned call, whose fee is burned.
	pub fee_payee: Option<[u8; 32]>,
}

/// Why no payload could be made.
#[derive(Debug)]
pub enum ShieldedError {
	/// The request does not satisfy the statement.
	Witness(WitnessError),
	/// The prover failed.
	Prove(ProveError),
	/// The proof is longer than an extrinsic may carry.
	ProofTooLong(usize),
}

impl core::fmt::Display for ShieldedError {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		match self {
			Self::Witness(e) => write!(f, "invalid request: {e}"),
			Self::Prove(e) => write!(f, "{e}"),
			Self::ProofTooLong(len) => {
				write!(f, "proof of {len} bytes exceeds the extrinsic bound")
			},
		}
	}
}

impl std::error::Error for ShieldedError {}

/// A payload ready to submit, and the notes it creates.
#[derive(Clone, Debug)]
pub struct Proven {
	/// What the extrinsic carries.
	pub payload: ShieldedProof,
	/// The two new notes (the sender keeps them to recognise its change).
	pub output_notes: [Note; 2],
}

/// Builds, encrypts, binds and proves `request` for `context`.
pub fn prove_shielded(
	keys: &TransferKeys,
	request: &ShieldedRequest,
	context: &BindingContext,
	rng: &mut impl Rng,
) -> Result<Proven, ShieldedError> {
	let transfer = TransferRequest {
		inputs: request.inputs.clone(),
		outputs: request.outputs.map(|(address, value)| Recipient { owner: address.owner, value }),
		anchor: request.anchor,
		value_in: request.value_in,
		value_out: request.value_out,
		fee: request.fee,
		// Replaced below, once the ciphertexts exist; the circuit reads it from the instance.
		binding: Fp::zero(),
	};
	let mut witness = transfer.build(rng).map_err(ShieldedError::Witness)?;
	let mut ciphertexts: [NoteCiphertext; 2] = [[0u8; CIPHERTEXT_LEN]; 2];
	for (j, ciphertext) in ciphertexts.iter_mut().enumerate() {
		let sealed = request.outputs[j].0.encrypt(&witness.output_notes[j], &request.memos[j], rng);
		ciphertext.copy_from_slice(&sealed);
	}
	witness.public_inputs.binding =
		binding_data(
		context.genesis_hash,
		context.kind,
		context.unshield_recipient,
		context.fee_payee,
		&ciphertexts,
	)
	.to_bytes();
	let proof =
		prove(keys, &witness.circuit, &witness.public_inputs, rng).map_err(ShieldedError::Prove)?;
	let len = proof.len();
	let proof = proof.try_into().map_err(|_| ShieldedError::ProofTooLong(len))?;
	Ok(Proven {
		payload: ShieldedProof { proof, public_inputs: witness.public_inputs, ciphertexts },
		output_notes: witness.output_notes,
	})
}
