//! Proving, verifying and batch verifying transfer proofs.
//!
//! Verification never panics on its inputs: a proof whose length is not its circuit
//! version's, malformed bytes, non-canonical public inputs and invalid proofs are each a
//! [`VerifyError`]. The length is checked first: halo2's verifier reads the transcript it
//! needs and ignores what follows, so without the check a valid proof with bytes appended
//! would verify, and every such copy would be a new transaction. A batch is checked with one
//! combined multi-scalar multiplication; when it fails, each proof is checked alone to name
//! the bad ones.

use halo2_proofs::{
	plonk::{create_proof, verify_proof, BatchVerifier, Circuit, SingleVerifier, VerifyingKey},
	poly::commitment::Params,
	transcript::{Blake2bRead, Blake2bWrite, Challenge255},
};
use pasta_curves::vesta;
use rand::Rng;
use sable_circuits::CircuitSpec;
use sable_zk_primitives::{public_inputs::TransferPublicInputs, Fp};

use crate::{
	circuit::TransferCircuit,
	keys::{CircuitKeys, TransferKeys},
};

/// Why a proof was not accepted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VerifyError {
	/// The proof is not exactly as long as every proof of its circuit version.
	WrongProofLength {
		/// The circuit version's proof length.
		expected: u32,
		/// The length given.
		actual: usize,
	},
	/// A public input is not a canonical field element, or their number is not the circuit's.
	MalformedPublicInputs,
	/// The bytes are not a valid proof of the statement for these public inputs.
	InvalidProof,
}

impl core::fmt::Display for VerifyError {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		match self {
			Self::WrongProofLength { expected, actual } => {
				write!(f, "the proof is {actual} bytes; proofs of this circuit are {expected}")
			},
			Self::MalformedPublicInputs => f.write_str(
				"public inputs are not canonical field elements, or not as many as the circuit has",
			),
			Self::InvalidProof => f.write_str("the proof does not verify"),
		}
	}
}

impl std::error::Error for VerifyError {}

/// Why proving failed.
#[derive(Debug)]
pub enum ProveError {
	/// A public input is not a canonical field element.
	MalformedPublicInputs,
	/// halo2 refused the witness (it does not satisfy the circuit).
	Synthesis(halo2_proofs::plonk::Error),
}

impl core::fmt::Display for ProveError {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		match self {
			Self::MalformedPublicInputs => {
				f.write_str("public inputs are not canonical field elements")
			},
			Self::Synthesis(e) => write!(f, "proving failed: {e}"),
		}
	}
}

impl std::error::Error for ProveError {}

/// Proves `circuit` against `public_inputs`.
pub fn prove(
	keys: &TransferKeys,
	circuit: &TransferCircuit,
	public_inputs: &TransferPublicInputs,
	rng: &mut impl Rng,
) -> Result<Vec<u8>, ProveError> {
	let instance = public_inputs.to_instance().ok_or(ProveError::MalformedPublicInputs)?;
	prove_instance(keys, circuit, &instance, rng)
}

/// Proves any circuit against its instance column.
pub fn prove_instance<C: Circuit<Fp> + Default>(
	keys: &CircuitKeys<C>,
	circuit: &C,
	instance: &[Fp],
	rng: &mut impl Rng,
) -> Result<Vec<u8>, ProveError> {
	let mut transcript = Blake2bWrite::<_, vesta::Affine, Challenge255<_>>::init(vec![]);
	create_proof(
		&keys.params,
		keys.pk(),
		core::slice::from_ref(circuit),
		&[&[instance]],
		&mut *rng,
		&mut transcript,
	)
	.map_err(ProveError::Synthesis)?;
	Ok(transcript.finalize())
}

/// The verifying side of a circuit version: its registry entry, parameters and verifying key.
#[derive(Clone, Copy)]
pub struct VerifierKeys<'a> {
	/// The circuit version's registry entry (proof length, instance length).
	pub spec: &'a CircuitSpec,
	/// IPA parameters the proofs commit with.
	pub params: &'a Params<vesta::Affine>,
	/// The circuit's verifying key.
	pub vk: &'a VerifyingKey<vesta::Affine>,
}

impl<'a, C> From<&'a CircuitKeys<C>> for VerifierKeys<'a> {
	fn from(keys: &'a CircuitKeys<C>) -> Self {
		VerifierKeys { spec: &keys.spec, params: &keys.params, vk: &keys.vk }
	}
}

impl VerifierKeys<'_> {
	/// The checks made before any verification work: the proof's exact length and the
	/// instance column's length.
	fn check_shape(&self, proof: &[u8], instance: &[Fp]) -> Result<(), VerifyError> {
		if proof.len() != self.spec.proof_len as usize {
			return Err(VerifyError::WrongProofLength {
				expected: self.spec.proof_len,
				actual: proof.len(),
			});
		}
		if instance.len() != self.spec.public_inputs as usize {
			return Err(VerifyError::MalformedPublicInputs);
		}
		Ok(())
	}
}

/// Verifies one proof against an instance column of any circuit.
pub fn verify_instance(
	keys: VerifierKeys<'_>,
	proof: &[u8],
	instance: &[Fp],
) -> Result<(), VerifyError> {
	keys.check_shape(proof, instance)?;
	let strategy = SingleVerifier::new(keys.params);
	let mut transcript = Blake2bRead::<_, vesta::Affine, Challenge255<_>>::init(proof);
	verify_proof(keys.params, keys.vk, strategy, &[&[instance]], &mut transcript)
		.map_err(|_| VerifyError::InvalidProof)
}

/// Verifies one transfer proof.
pub fn verify(
	keys: &TransferKeys,
	proof: &[u8],
	public_inputs: &TransferPublicInputs,
) -> Result<(), VerifyError> {
	let instance = public_inputs.to_instance().ok_or(VerifyError::MalformedPublicInputs)?;
	verify_instance(keys.into(), proof, &instance)
}

/// Why a batch was refused. Verification stops at the first reason found: a refused batch
/// costs at most one combined check, however many of its items are bad (`docs/zk.md`,
/// "Batches fail fast").
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BatchError {
	/// The item at `index` has the wrong shape (checked before any curve arithmetic).
	Malformed {
		/// Position of the first such item.
		index: usize,
		/// Its `check_shape` error, or [`VerifyError::MalformedPublicInputs`].
		error: VerifyError,
	},
	/// Every item is well formed, but the combined check failed: at least one proof is invalid.
	/// [`find_invalid`] names them, at the cost of one verification per item.
	Invalid,
}

/// Verifies many proofs of one circuit at the cost of about one multi-scalar multiplication.
/// An item whose instance is `None` (public inputs that are not field elements) or of the
/// wrong shape refuses the batch before any curve work; otherwise one combined check decides.
pub fn verify_instances_batch(
	keys: VerifierKeys<'_>,
	items: &[(&[u8], Option<&[Fp]>)],
) -> Result<(), BatchError> {
	let mut batch = BatchVerifier::<vesta::Affine>::new();
	for (index, (proof, instance)) in items.iter().enumerate() {
		let instance = instance
			.ok_or(BatchError::Malformed { index, error: VerifyError::MalformedPublicInputs })?;
		keys.check_shape(proof, instance)
			.map_err(|error| BatchError::Malformed { index, error })?;
		batch.add_proof(vec![vec![instance.to_vec()]], proof.to_vec());
	}
	if batch.finalize(keys.params, keys.vk) {
		Ok(())
	} else {
		Err(BatchError::Invalid)
	}
}

/// `(index, reason)` of every item of `items` that does not verify on its own, in order: one
/// full verification per item, for tools that must name the culprits of a refused batch.
pub fn find_invalid(
	keys: VerifierKeys<'_>,
	items: &[(&[u8], Option<&[Fp]>)],
) -> Vec<(usize, VerifyError)> {
	items
		.iter()
		.enumerate()
		.filter_map(|(index, (proof, instance))| {
			let result = match instance {
				None => Err(VerifyError::MalformedPublicInputs),
				Some(instance) => verify_instance(keys, proof, instance),
			};
			result.err().map(|error| (index, error))
		})
		.collect()
}

/// Verifies many transfer proofs as one batch (see [`verify_instances_batch`]).
pub fn verify_batch(
	keys: &TransferKeys,
	items: &[(&[u8], &TransferPublicInputs)],
) -> Result<(), BatchError> {
	let instances: Vec<_> = items.iter().map(|(_, inputs)| inputs.to_instance()).collect();
	let items: Vec<(&[u8], Option<&[Fp]>)> = items
		.iter()
		.zip(&instances)
		.map(|((proof, _), instance)| (*proof, instance.as_ref().map(|column| &column[..])))
		.collect();
	verify_instances_batch(keys.into(), &items)
}
