//! The one way the runtime verifies proofs (`docs/zk.md`, "Host functions"): statements
//! checked against the registry, one host call, one error type.

use codec::Encode;
use sable_zk_primitives::public_inputs::ProofBytes;

use crate::{
	zk_verifier, AdmitRefusal, BatchFailure, CircuitId, PublicInputs, Statement, VerifyError,
	MAX_BATCH_LEN,
};

/// Why the runtime refused a proof: its own checks against the registry, or the host's answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProofError {
	/// The circuit version is not in the runtime's registry, or the node has no usable key
	/// for it (node and runtime disagree).
	UnknownCircuit,
	/// The proof is not exactly as long as every proof of its circuit version.
	WrongProofLength,
	/// A public input is not a canonical field element, or their number is not the circuit's.
	MalformedPublicInputs,
	/// The host could not read the statement.
	MalformedStatement,
	/// The proof does not verify.
	InvalidProof,
	/// The proof of the item at `index` of a batch does not verify.
	InvalidProofInBatch {
		/// Position in the batch.
		index: u32,
	},
	/// More statements than one host call may carry ([`MAX_BATCH_LEN`]).
	BatchTooLarge,
	/// The node's pool verification budget is spent ([`admit`] only): nothing was verified.
	OverBudget,
}

impl From<VerifyError> for ProofError {
	fn from(error: VerifyError) -> Self {
		match error {
			VerifyError::MalformedStatement => ProofError::MalformedStatement,
			VerifyError::UnknownCircuit => ProofError::UnknownCircuit,
			VerifyError::MalformedPublicInputs => ProofError::MalformedPublicInputs,
			VerifyError::InvalidProof => ProofError::InvalidProof,
		}
	}
}

impl Statement {
	/// The statement that `proof` shows circuit version `circuit`'s relation for
	/// `public_inputs`, refused before any verification work unless the proof has exactly the
	/// version's proof length and the inputs its instance length.
	pub fn new(
		circuit: CircuitId,
		public_inputs: &[[u8; 32]],
		proof: ProofBytes,
	) -> Result<Statement, ProofError> {
		let spec = sable_circuits::lookup(circuit).ok_or(ProofError::UnknownCircuit)?;
		if proof.len() != spec.proof_len as usize {
			return Err(ProofError::WrongProofLength);
		}
		if public_inputs.len() != spec.public_inputs as usize {
			return Err(ProofError::MalformedPublicInputs);
		}
		let public_inputs = PublicInputs::try_from(public_inputs.to_vec())
			.map_err(|_| ProofError::MalformedPublicInputs)?;
		Ok(Statement { circuit, public_inputs, proof })
	}
}

/// Verifies `statements` with one host call: `verify` for one, `verify_batch` (one combined
/// check per circuit) for more. A batch refusal names its first failing item when the host
/// names one; an invalid proof found by a combined check is [`ProofError::InvalidProof`].
pub fn verify(statements: &[Statement]) -> Result<(), ProofError> {
	match statements {
		[] => Ok(()),
		[single] => zk_verifier::verify(&single.encode()).map_err(ProofError::from),
		many => {
			if many.len() > MAX_BATCH_LEN as usize {
				return Err(ProofError::BatchTooLarge);
			}
			// A slice encodes exactly as the bounded `StatementBatch` the host decodes.
			let failure = zk_verifier::verify_batch(&many.encode()).err().and_then(|failures| {
				failures.first().copied().or(Some(BatchFailure::whole(VerifyError::InvalidProof)))
			});
			failure.map_or(Ok(()), |failure| Err(batch_error(many.len(), failure)))
		},
	}
}

/// Verifies an unsigned call's `statements` for the transaction pool with one host call,
/// within the node's pool verification budget (`zk_verifier::admit`; `docs/zk.md`,
/// "Floods"); errors as [`verify`]'s, and [`ProofError::OverBudget`].
pub fn admit(statements: &[Statement]) -> Result<(), ProofError> {
	if statements.is_empty() {
		return Ok(());
	}
	if statements.len() > MAX_BATCH_LEN as usize {
		return Err(ProofError::BatchTooLarge);
	}
	match zk_verifier::admit(&statements.encode()) {
		Ok(()) => Ok(()),
		Err(AdmitRefusal::OverBudget) => Err(ProofError::OverBudget),
		Err(AdmitRefusal::Failed(failure)) => Err(batch_error(statements.len(), failure)),
	}
}

/// The error of `failure` in a host call on `len` statements.
fn batch_error(len: usize, failure: BatchFailure) -> ProofError {
	match failure {
		BatchFailure { error: VerifyError::InvalidProof, index }
			if len > 1 && index != BatchFailure::WHOLE_BATCH =>
		{
			ProofError::InvalidProofInBatch { index }
		},
		BatchFailure { error, .. } => ProofError::from(error),
	}
}
