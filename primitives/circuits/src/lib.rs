//! The registry of every circuit version Sable verifies (`docs/zk.md`, "Circuit registry").
//!
//! A circuit version is named by a [`CircuitId`] (circuit and version) and described once,
//! here, by a [`CircuitSpec`]: its rows (`k`), the length of its instance column, the exact
//! length of its proofs and the digest of its verifying key. The runtime reads the registry
//! to bound and check what an extrinsic carries before any verification work; the node's
//! verifier keeps a key for every entry and refuses to start when a key it builds differs
//! from the pinned digest; the provers build their keys with the entry's `k`.
//!
//! An entry never changes once a block may have used it: a changed circuit is a new version
//! beside the old one, so that old blocks stay verifiable (`docs/zk.md`, "Adding a circuit
//! version"). Which version a pallet accepts is the runtime's choice (each pallet's
//! `Config`).

#![cfg_attr(not(feature = "std"), no_std)]
#![deny(missing_docs)]

mod spec;

pub use spec::{CircuitId, CircuitSpec};

/// Id of the shielded transfer circuit (`docs/zk.md`).
pub const TRANSFER: u16 = 1;
/// Id of the proof-of-inference job commitment circuit (`docs/poi.md`).
pub const POI_COMMITMENT: u16 = 2;
/// Id of the proof-of-inference quantized-model inference circuits with encrypted delivery
/// (`docs/poi-circuits.md`); each model shape is a version.
pub const POI_INFERENCE: u16 = 4;
/// Id of the proof-of-inference LoRA-adapted inference circuit with encrypted delivery
/// (`docs/poi-circuits.md`).
pub const POI_ADAPTED: u16 = 5;

/// The shielded transfer, version 1.
pub const TRANSFER_V1: CircuitSpec = CircuitSpec {
	id: CircuitId::new(TRANSFER, 1),
	name: "transfer_v1",
	k: 11,
	public_inputs: 9,
	proof_len: 4480,
	vk_digest: spec::digest("f64f66ffebf65b06504118969425a48cd33dc5f73ca2586fdff6cd80c6b85adf"),
};

/// The job commitment proof, version 1.
pub const POI_COMMITMENT_V1: CircuitSpec = CircuitSpec {
	id: CircuitId::new(POI_COMMITMENT, 1),
	name: "poi_commitment_v1",
	k: 9,
	public_inputs: 5,
	proof_len: 2592,
	vk_digest: spec::digest("97ae8c9155bc53774635f5e52856136a5cc44efd6a4dbf9b378d6ae6c41f306b"),
};

/// The 16 x 16 x 16 quantized-model inference proof, version 1.
pub const POI_INFERENCE_V1: CircuitSpec = CircuitSpec {
	id: CircuitId::new(POI_INFERENCE, 1),
	name: "poi_inference_v1",
	k: 11,
	public_inputs: 5,
	proof_len: 4480,
	vk_digest: spec::digest("70bc473c33252ab249f845e6437fc677e22f2e52207e7348427f2f97c37d86c8"),
};

/// Every circuit version, in id then version order. A `static`, so that each entry (and its
/// pinned digest) exists once in a binary.
pub static REGISTRY: [CircuitSpec; 3] = [TRANSFER_V1, POI_COMMITMENT_V1, POI_INFERENCE_V1];

/// The entry of a circuit version, if it is registered.
pub fn lookup(id: CircuitId) -> Option<&'static CircuitSpec> {
	REGISTRY.iter().find(|spec| spec.id == id)
}

/// The longest proof of any registered circuit version: the bound of the proof bytes an
/// extrinsic may carry.
pub const MAX_PROOF_LEN: u32 = spec::max_of(&REGISTRY, spec::Field::ProofLen);

/// The longest instance column of any registered circuit version.
pub const MAX_PUBLIC_INPUTS: u32 = spec::max_of(&REGISTRY, spec::Field::PublicInputs);

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn entries_are_sorted_unique_and_named_after_their_version() {
		for pair in REGISTRY.windows(2) {
			assert!(pair[0].id < pair[1].id, "{:?} before {:?}", pair[0].id, pair[1].id);
		}
		for spec in &REGISTRY {
			assert!(spec.name.ends_with(&format!("_v{}", spec.id.version)), "{}", spec.name);
			assert_eq!(lookup(spec.id), Some(spec));
		}
		assert_eq!(lookup(CircuitId::new(TRANSFER, 99)), None);
		assert_eq!(lookup(CircuitId::new(99, 1)), None);
	}

	#[test]
	fn bounds_are_the_largest_entry() {
		assert_eq!(MAX_PROOF_LEN, 4480);
		assert_eq!(MAX_PUBLIC_INPUTS, 9);
		assert!(REGISTRY.iter().all(|spec| spec.proof_len <= MAX_PROOF_LEN));
	}

	#[test]
	fn digests_are_decoded_from_their_hex() {
		assert_eq!(TRANSFER_V1.vk_digest[0], 0xf6);
		assert_eq!(TRANSFER_V1.vk_digest[31], 0xdf);
		assert_ne!(POI_COMMITMENT_V1.vk_digest, POI_INFERENCE_V1.vk_digest);
	}
}
