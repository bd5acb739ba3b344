//! Keys of the three job circuits, built once per process from the circuit code and pinned
//! by digest in `tests/pinned_keys.rs` (`docs/zk.md`, "Keys").

use std::sync::OnceLock;

use sable_inference_primitives::JobKind;
use sable_zk_proofs::{keys::CircuitKeys, proof::VerifierKeys};

use crate::circuit::{commitment, lora, mlp};

/// Keys of circuit 2.
pub type CommitmentKeys = CircuitKeys<commitment::CommitmentCircuit>;
/// Keys of circuit 3.
pub type LoraKeys = CircuitKeys<lora::LoraCircuit>;
/// Keys of circuit 4.
pub type MlpKeys = CircuitKeys<mlp::MlpCircuit>;

static COMMITMENT: OnceLock<CommitmentKeys> = OnceLock::new();
static LORA: OnceLock<LoraKeys> = OnceLock::new();
static MLP: OnceLock<MlpKeys> = OnceLock::new();

/// The process-wide keys of circuit 2.
pub fn commitment_keys() -> &'static CommitmentKeys {
	COMMITMENT.get_or_init(|| CommitmentKeys::build_with(commitment::K))
}

/// The process-wide keys of circuit 3.
pub fn lora_keys() -> &'static LoraKeys {
	LORA.get_or_init(|| LoraKeys::build_with(lora::K))
}

/// The process-wide keys of circuit 4.
pub fn mlp_keys() -> &'static MlpKeys {
	MLP.get_or_init(|| MlpKeys::build_with(mlp::K))
}

/// The verifying side of the circuit that checks `kind`.
pub fn verifier_keys(kind: JobKind) -> VerifierKeys<'static> {
	match kind {
		JobKind::Commitment => commitment_keys().into(),
		JobKind::LoraStep => lora_keys().into(),
		JobKind::Inference => mlp_keys().into(),
	}
}
