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

/// Inference of a 16 x 16 x 16 quantized model with encrypted delivery, version 2.
pub const POI_INFERENCE_16X16X16_V2: CircuitSpec = CircuitSpec {
	id: CircuitId::new(POI_INFERENCE, 2),
	name: "poi_inference_16x16x16_v2",
	k: 10,
	public_inputs: 7,
	proof_len: 4864,
	vk_digest: spec::digest("ccc8f43ed5b5551cfd06f5318408d0831d58d1957b6960e34c5e788cd970294e"),
};

/// Inference of a 64 x 32 x 10 quantized model (the handwritten-digits model) with encrypted
/// delivery, version 3.
pub const POI_INFERENCE_64X32X10_V3: CircuitSpec = CircuitSpec {
	id: CircuitId::new(POI_INFERENCE, 3),
	name: "poi_inference_64x32x10_v3",
	k: 11,
	public_inputs: 6,
	proof_len: 4928,
	vk_digest: spec::digest("c815729161fef8e132edd370b185eebd482a829c7b6d93a57d083a0547b6587e"),
};

/// Inference of a 64 x 32 x 16 quantized model with encrypted delivery, version 4.
pub const POI_INFERENCE_64X32X16_V4: CircuitSpec = CircuitSpec {
	id: CircuitId::new(POI_INFERENCE, 4),
	name: "poi_inference_64x32x16_v4",
	k: 12,
	public_inputs: 7,
	proof_len: 4992,
	vk_digest: spec::digest("33de3cdce6be0c16e4463719f53fef50506c7bb12f2666f961784d38e0e51f80"),
};

/// Inference of a 16 x 16 x 16 base model with the client's rank-4 LoRA adapter on its first
/// layer, with encrypted delivery, version 1.
pub const POI_ADAPTED_16X16X16_R4_V1: CircuitSpec = CircuitSpec {
	id: CircuitId::new(POI_ADAPTED, 1),
	name: "poi_adapted_16x16x16_r4_v1",
	k: 11,
	public_inputs: 7,
	proof_len: 4928,
	vk_digest: spec::digest("9d0941b52524ca38f2359a78116183cc72bb21b5dd71405f259164b5b3079599"),
};

/// Every circuit version, in id then version order. A `static`, so that each entry (and its
/// pinned digest) exists once in a binary.
pub static REGISTRY: [CircuitSpec; 6] = [
	TRANSFER_V1,
	POI_COMMITMENT_V1,
	POI_INFERENCE_16X16X16_V2,
	POI_INFERENCE_64X32X10_V3,
	POI_INFERENCE_64X32X16_V4,
	POI_ADAPTED_16X16X16_R4_V1,
];

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
		assert_eq!(MAX_PROOF_LEN, 4992);
		assert_eq!(MAX_PUBLIC_INPUTS, 9);
		assert!(REGISTRY.iter().all(|spec| spec.proof_len <= MAX_PROOF_LEN));
	}

	#[test]
	fn digests_are_decoded_from_their_hex() {
		assert_eq!(TRANSFER_V1.vk_digest[0], 0xf6);
		assert_eq!(TRANSFER_V1.vk_digest[31], 0xdf);
		assert_ne!(POI_INFERENCE_64X32X10_V3.vk_digest, POI_INFERENCE_64X32X16_V4.vk_digest);
	}
}
