//! The circuit versions the node verifies, each with its verifying key, checked against the
//! registry's pinned digest before its first use.
//!
//! Every entry of `sable_circuits::REGISTRY` has a key here (a test checks it), so a block
//! that used any registered version, old or new, can be verified again by a node syncing
//! from genesis. A key is built once per process (about two seconds) and compared with its
//! pinned digest; a key that differs is never used: its circuit answers
//! [`crate::VerifyError::UnknownCircuit`], and [`check_keys`], which the node runs at start,
//! fails with an error naming the circuit.

use std::sync::OnceLock;

use sable_circuits::{CircuitId, CircuitSpec};
use sable_inference_proofs::{
	circuit::inference::{V2, V3, V4},
	keys::{adapted_keys, commitment_keys, VersionKeys},
};
use sable_zk_proofs::{
	keys::{vk_digest, KeyMismatch, TransferKeys},
	proof::VerifierKeys,
};

/// A circuit version the host can verify.
pub(crate) struct Circuit {
	/// Its registry entry.
	pub spec: &'static CircuitSpec,
	build: fn() -> VerifierKeys<'static>,
	checked: OnceLock<Result<VerifierKeys<'static>, KeyMismatch>>,
}

impl Circuit {
	const fn new(id: CircuitId, build: fn() -> VerifierKeys<'static>) -> Self {
		Circuit { spec: registered(id), build, checked: OnceLock::new() }
	}

	/// The verifying keys, built on first use and checked against the pinned digest.
	pub fn keys(&self) -> Result<VerifierKeys<'static>, KeyMismatch> {
		*self.checked.get_or_init(|| {
			let keys = (self.build)();
			let built = vk_digest(keys.vk);
			if built == self.spec.vk_digest && *keys.spec == *self.spec {
				Ok(keys)
			} else {
				let mismatch = KeyMismatch { spec: *self.spec, built };
				log::error!(target: super::LOG_TARGET, "{mismatch}");
				Err(mismatch)
			}
		})
	}
}

/// The registry entry of `id`. Only called in the initializer of the `static` table below,
/// so it runs at compile time: a circuit the registry does not know fails the build, and the
/// `panic!` can never run in a node.
const fn registered(id: CircuitId) -> &'static CircuitSpec {
	let mut index = 0;
	while index < sable_circuits::REGISTRY.len() {
		let spec = &sable_circuits::REGISTRY[index];
		if spec.id.id == id.id && spec.id.version == id.version {
			return spec;
		}
		index += 1;
	}
	panic!("every verifiable circuit version is in the registry")
}

fn transfer_v1() -> VerifierKeys<'static> {
	TransferKeys::get().into()
}

fn poi_commitment_v1() -> VerifierKeys<'static> {
	commitment_keys().into()
}

fn poi_inference_16x16x16_v2() -> VerifierKeys<'static> {
	V2::keys().into()
}

fn poi_inference_64x32x10_v3() -> VerifierKeys<'static> {
	V3::keys().into()
}

fn poi_inference_64x32x16_v4() -> VerifierKeys<'static> {
	V4::keys().into()
}

fn poi_adapted_16x16x16_r4_v1() -> VerifierKeys<'static> {
	adapted_keys().into()
}

/// Every circuit version the host verifies: the shielded transfer and the
/// proof-of-inference circuits (`docs/poi.md`, `docs/poi-circuits.md`).
static CIRCUITS: [Circuit; 6] = [
	Circuit::new(sable_circuits::TRANSFER_V1.id, transfer_v1),
	Circuit::new(sable_circuits::POI_COMMITMENT_V1.id, poi_commitment_v1),
	Circuit::new(sable_circuits::POI_INFERENCE_16X16X16_V2.id, poi_inference_16x16x16_v2),
	Circuit::new(sable_circuits::POI_INFERENCE_64X32X10_V3.id, poi_inference_64x32x10_v3),
	Circuit::new(sable_circuits::POI_INFERENCE_64X32X16_V4.id, poi_inference_64x32x16_v4),
	Circuit::new(sable_circuits::POI_ADAPTED_16X16X16_R4_V1.id, poi_adapted_16x16x16_r4_v1),
];

/// The circuit with this id and version.
pub(crate) fn lookup(id: CircuitId) -> Option<&'static Circuit> {
	CIRCUITS.iter().find(|circuit| circuit.spec.id == id)
}

/// The metric label of a circuit, if known.
pub(crate) fn name(id: CircuitId) -> Option<&'static str> {
	lookup(id).map(|circuit| circuit.spec.name)
}

/// Metric labels of every circuit the host verifies.
pub(crate) fn names() -> impl Iterator<Item = &'static str> {
	CIRCUITS.iter().map(|circuit| circuit.spec.name)
}

/// Ids of every circuit version the host verifies.
pub fn known_circuits() -> Vec<CircuitId> {
	CIRCUITS.iter().map(|circuit| circuit.spec.id).collect()
}

/// Builds every verifying key now (about two seconds per circuit) and checks each against
/// its pinned digest: the first mismatch is the error.
pub fn check_keys() -> Result<(), KeyMismatch> {
	for circuit in &CIRCUITS {
		let started = std::time::Instant::now();
		circuit.keys()?;
		log::info!(
			target: super::LOG_TARGET,
			"verifying key of circuit {} ({}) ready and matches its pinned digest, in {} ms",
			circuit.spec.name,
			circuit.spec.id,
			started.elapsed().as_millis()
		);
	}
	Ok(())
}
