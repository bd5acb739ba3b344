//! Parameters and keys, rebuilt from the circuit code (`docs/zk.md`, "Keys").
//!
//! `Params::new(k)` derives every generator by hashing to the Vesta curve (halo2's
//! `"Halo2-Parameters"` domain): there is no trusted setup and nothing to download. Halo2 keys
//! cannot be serialized, so each process builds them once ([`TransferKeys::get`]) from the
//! circuit version's registry entry, whose pinned digest the built key is checked against
//! ([`CircuitKeys::check_pinned`]): a changed circuit or dependency cannot pass for a
//! registered version.

use std::{marker::PhantomData, sync::OnceLock};

use halo2_proofs::{
	plonk::{keygen_pk, keygen_vk, Circuit, ProvingKey, VerifyingKey},
	poly::commitment::Params,
};
use pasta_curves::vesta;
use sable_circuits::CircuitSpec;
use sable_zk_primitives::Fp;

use crate::circuit::TransferCircuit;

/// Parameters and keys of one circuit version, whose circuit `C` without a witness is its
/// `Default` value. The proving key is built only when a proof is first made, so a verifier
/// (the node) never pays for it.
pub struct CircuitKeys<C> {
	/// The circuit version's registry entry.
	pub spec: CircuitSpec,
	/// IPA commitment parameters for `2^k` rows.
	pub params: Params<vesta::Affine>,
	/// The verifying key.
	pub vk: VerifyingKey<vesta::Affine>,
	pk: OnceLock<ProvingKey<vesta::Affine>>,
	circuit: PhantomData<fn() -> C>,
}

/// A verifying key that differs from its registry entry's pinned digest: this build's circuit
/// code (or a dependency of it) is not the registered version.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeyMismatch {
	/// The circuit version whose key differs.
	pub spec: CircuitSpec,
	/// The digest of the key this build made.
	pub built: [u8; 32],
}

impl core::fmt::Display for KeyMismatch {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		use sable_zk_primitives::encoding::to_hex;
		write!(
			f,
			"the verifying key of circuit {} ({}) is not the registered one: pinned digest {}, \
			 built {}; a changed circuit must be a new version (docs/zk.md, \
			 \"Adding a circuit version\")",
			self.spec.name,
			self.spec.id,
			to_hex(&self.spec.vk_digest),
			to_hex(&self.built),
		)
	}
}

impl std::error::Error for KeyMismatch {}

/// Parameters and keys of the transfer circuit.
pub type TransferKeys = CircuitKeys<TransferCircuit>;

static KEYS: OnceLock<TransferKeys> = OnceLock::new();

impl<C: Circuit<Fp> + Default> CircuitKeys<C> {
	/// Builds the parameters for the `2^k` rows of `spec` and the verifying key (seconds).
	///
	/// Key generation only fails for a circuit that does not fit in `2^k` rows; every
	/// registered circuit's keys are built and checked in CI (`sable-zk-host`'s pinned-key
	/// test), so that failure is a programming error, never a runtime condition.
	pub fn build(spec: CircuitSpec) -> Self {
		let params = Params::<vesta::Affine>::new(spec.k);
		let vk = keygen_vk(&params, &C::default()).expect("the circuit fits in 2^k rows");
		CircuitKeys { spec, params, vk, pk: OnceLock::new(), circuit: PhantomData }
	}

	/// The proving key, built on first use.
	pub fn pk(&self) -> &ProvingKey<vesta::Affine> {
		// Unreachable failure, as in `build` (pinned-key test).
		self.pk.get_or_init(|| {
			keygen_pk(&self.params, self.vk.clone(), &C::default())
				.expect("the circuit fits in 2^k rows")
		})
	}

	/// BLAKE2b-256 of the verifying key's pinned form: what the registry pins.
	pub fn vk_digest(&self) -> [u8; 32] {
		vk_digest(&self.vk)
	}

	/// Whether the verifying key is the one the registry pins for its version.
	pub fn check_pinned(&self) -> Result<(), KeyMismatch> {
		let built = self.vk_digest();
		if built == self.spec.vk_digest {
			Ok(())
		} else {
			Err(KeyMismatch { spec: self.spec, built })
		}
	}
}

/// BLAKE2b-256 (personal `Sable_VK_Digest_`) of a verifying key's pinned form.
pub fn vk_digest(vk: &VerifyingKey<vesta::Affine>) -> [u8; 32] {
	let pinned = format!("{:?}", vk.pinned());
	let digest = blake2b_simd::Params::new()
		.hash_length(32)
		.personal(b"Sable_VK_Digest_")
		.hash(pinned.as_bytes());
	let mut out = [0u8; 32];
	out.copy_from_slice(digest.as_bytes());
	out
}

impl TransferKeys {
	/// The process-wide keys of the transfer circuit this build proves with
	/// ([`crate::circuit::SPEC`]), built on first use.
	pub fn get() -> &'static TransferKeys {
		KEYS.get_or_init(|| TransferKeys::build(crate::circuit::SPEC))
	}
}
