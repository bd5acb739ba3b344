//! Keys of the job circuits, built once per process from the circuit code and the circuit
//! versions' registry entries (`docs/zk.md`, "Keys").

use std::sync::OnceLock;

use sable_inference_primitives::JobKind;
use sable_zk_proofs::{keys::CircuitKeys, proof::VerifierKeys};

use crate::circuit::{commitment, mlp};

/// Keys of the job commitment circuit.
pub type CommitmentKeys = CircuitKeys<commitment::CommitmentCircuit>;
/// Keys of the inference circuit.
pub type MlpKeys = CircuitKeys<mlp::MlpCircuit>;

static COMMITMENT: OnceLock<CommitmentKeys> = OnceLock::new();
static MLP: OnceLock<MlpKeys> = OnceLock::new();

/// The process-wide keys of the job commitment circuit.
pub fn commitment_keys() -> &'static CommitmentKeys {
	COMMITMENT.get_or_init(|| CommitmentKeys::build(commitment::SPEC))
}

/// The process-wide keys of the inference circuit.
pub fn mlp_keys() -> &'static MlpKeys {
	MLP.get_or_init(|| MlpKeys::build(mlp::SPEC))
}

/// The verifying side of the circuit this build proves `kind` with, if it has one.
pub fn verifier_keys(kind: JobKind) -> Option<VerifierKeys<'static>> {
	match kind {
		JobKind::Commitment => Some(commitment_keys().into()),
		JobKind::Inference => Some(mlp_keys().into()),
		JobKind::Adapted => None,
	}
}
