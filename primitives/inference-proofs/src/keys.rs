//! Keys of the job circuits, one set per registered circuit version, each built once per
//! process on first use from the circuit code and the version's registry entry (`docs/zk.md`,
//! "Keys").

use std::sync::OnceLock;

use sable_circuits::CircuitId;
use sable_zk_proofs::{keys::CircuitKeys, proof::VerifierKeys};

use crate::circuit::{
	adapted::{self, AdaptedCircuit},
	commitment,
	inference::{InferenceCircuit, InferenceVersion, V2, V3, V4},
};

/// Keys of the job commitment circuit.
pub type CommitmentKeys = CircuitKeys<commitment::CommitmentCircuit>;
/// Keys of version `V` of the inference circuit.
pub type InferenceKeys<V> = CircuitKeys<InferenceCircuit<V>>;

/// Keys of the adapted-inference circuit.
pub type AdaptedKeys = CircuitKeys<AdaptedCircuit>;

static COMMITMENT: OnceLock<CommitmentKeys> = OnceLock::new();
static ADAPTED: OnceLock<AdaptedKeys> = OnceLock::new();

/// The process-wide keys of the job commitment circuit.
pub fn commitment_keys() -> &'static CommitmentKeys {
	COMMITMENT.get_or_init(|| CommitmentKeys::build(commitment::SPEC))
}

/// The process-wide keys of the adapted-inference circuit.
pub fn adapted_keys() -> &'static AdaptedKeys {
	ADAPTED.get_or_init(|| AdaptedKeys::build(adapted::SPEC))
}

/// An inference version with process-wide keys.
pub trait VersionKeys: InferenceVersion + Sized {
	/// The keys of this version, built on first use.
	fn keys() -> &'static InferenceKeys<Self>;
}

macro_rules! version_keys {
	($($version:ident),*) => {$(
		impl VersionKeys for $version {
			fn keys() -> &'static InferenceKeys<Self> {
				static KEYS: OnceLock<InferenceKeys<$version>> = OnceLock::new();
				KEYS.get_or_init(|| InferenceKeys::build(<$version>::SPEC))
			}
		}
	)*};
}

version_keys!(V2, V3, V4);

/// The verifying side of circuit version `circuit`, if this build proves it.
pub fn verifier_keys(circuit: CircuitId) -> Option<VerifierKeys<'static>> {
	Some(match circuit {
		id if id == commitment::SPEC.id => commitment_keys().into(),
		id if id == V2::SPEC.id => V2::keys().into(),
		id if id == V3::SPEC.id => V3::keys().into(),
		id if id == V4::SPEC.id => V4::keys().into(),
		id if id == adapted::SPEC.id => adapted_keys().into(),
		_ => return None,
	})
}
