//! The circuits the node can verify, by id and version, with their verifying keys.
//!
//! Keys are rebuilt from circuit code once per process (`docs/zk.md`, "Keys");
//! [`warm_up`] builds them all so that the first block that needs one is not slow.

use sable_inference_primitives::{statement, JobKind};
use sable_inference_proofs::keys::verifier_keys;
use sable_zk_primitives::public_inputs::layout;
use sable_zk_proofs::{
	keys::{TransferKeys, TRANSFER_CIRCUIT_ID, TRANSFER_CIRCUIT_VERSION},
	proof::VerifierKeys,
};

use crate::CircuitId;

/// A circuit the host can verify.
pub(crate) struct Circuit {
	/// Metric label.
	pub name: &'static str,
	/// Length of its instance column.
	pub public_inputs: usize,
	keys: fn() -> VerifierKeys<'static>,
}

impl Circuit {
	/// The verifying keys (built on first use).
	pub fn keys(&self) -> VerifierKeys<'static> {
		(self.keys)()
	}
}

const TRANSFER_V1: CircuitId =
	CircuitId { id: TRANSFER_CIRCUIT_ID, version: TRANSFER_CIRCUIT_VERSION };

fn transfer_keys() -> VerifierKeys<'static> {
	TransferKeys::get().into()
}

const fn job_circuit(kind: JobKind) -> CircuitId {
	let (id, version) = kind.circuit();
	CircuitId { id, version }
}

fn commitment_keys() -> VerifierKeys<'static> {
	verifier_keys(JobKind::Commitment)
}

fn lora_keys() -> VerifierKeys<'static> {
	verifier_keys(JobKind::LoraStep)
}

fn inference_keys() -> VerifierKeys<'static> {
	verifier_keys(JobKind::Inference)
}

/// Every circuit the host knows: the shielded transfer and the three proof-of-inference
/// circuits (`docs/poi.md`).
const CIRCUITS: &[(CircuitId, Circuit)] = &[
	(
		TRANSFER_V1,
		Circuit { name: "transfer_v1", public_inputs: layout::COUNT, keys: transfer_keys },
	),
	(
		job_circuit(JobKind::Commitment),
		Circuit {
			name: "poi_commitment_v1",
			public_inputs: statement::COUNT,
			keys: commitment_keys,
		},
	),
	(
		job_circuit(JobKind::LoraStep),
		Circuit { name: "poi_lora_v1", public_inputs: statement::COUNT, keys: lora_keys },
	),
	(
		job_circuit(JobKind::Inference),
		Circuit { name: "poi_inference_v1", public_inputs: statement::COUNT, keys: inference_keys },
	),
];

/// The circuit with this id and version.
pub(crate) fn lookup(id: CircuitId) -> Option<&'static Circuit> {
	CIRCUITS.iter().find(|(known, _)| *known == id).map(|(_, circuit)| circuit)
}

/// The metric label of a circuit, if known.
pub(crate) fn name(id: CircuitId) -> Option<&'static str> {
	lookup(id).map(|circuit| circuit.name)
}

/// Metric labels of every circuit the host verifies.
pub(crate) fn names() -> impl Iterator<Item = &'static str> {
	CIRCUITS.iter().map(|(_, circuit)| circuit.name)
}

/// Ids of every circuit the host verifies.
pub fn known_circuits() -> Vec<CircuitId> {
	CIRCUITS.iter().map(|(id, _)| *id).collect()
}

/// Builds every verifying key now (about two seconds per circuit).
pub fn warm_up() {
	for (id, circuit) in CIRCUITS {
		let started = std::time::Instant::now();
		let _ = circuit.keys();
		log::info!(
			target: super::LOG_TARGET,
			"verifying key of circuit {}.{} ({}) ready in {} ms",
			id.id,
			id.version,
			circuit.name,
			started.elapsed().as_millis()
		);
	}
}
