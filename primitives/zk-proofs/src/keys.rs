//! Parameters and keys, rebuilt from the circuit code (`docs/zk.md`, "Keys").
//!
//! `Params::new(k)` derives every generator by hashing to the Vesta curve (halo2's
//! `"Halo2-Parameters"` domain): there is no trusted setup and nothing to download. Halo2 keys
//! cannot be serialized, so each process builds them once ([`TransferKeys::get`]) and tests
//! pin the verifying key's digest, making every circuit change visible in review.

use std::{marker::PhantomData, sync::OnceLock};

use halo2_proofs::{
	plonk::{keygen_pk, keygen_vk, Circuit, ProvingKey, VerifyingKey},
	poly::commitment::Params,
};
use pasta_curves::vesta;
use sable_zk_primitives::Fp;

use crate::circuit::{TransferCircuit, K};

/// The transfer circuit's id on chain; with [`TRANSFER_CIRCUIT_VERSION`] it names the key.
pub const TRANSFER_CIRCUIT_ID: u16 = 1;
/// Bumped whenever the circuit (and so its verifying key) changes.
pub const TRANSFER_CIRCUIT_VERSION: u16 = 1;

/// Parameters and keys of circuit `C`, whose `Default` value is the circuit without a
/// witness. The proving key is built only when a proof is first made, so a verifier (the
/// node) never pays for it.
pub struct CircuitKeys<C> {
	/// IPA commitment parameters for `2^k` rows.
	pub params: Params<vesta::Affine>,
	/// The verifying key.
	pub vk: VerifyingKey<vesta::Affine>,
	pk: OnceLock<ProvingKey<vesta::Affine>>,
	circuit: PhantomData<fn() -> C>,
}

/// Parameters and keys of the transfer circuit.
pub type TransferKeys = CircuitKeys<TransferCircuit>;

static KEYS: OnceLock<TransferKeys> = OnceLock::new();

impl<C: Circuit<Fp> + Default> CircuitKeys<C> {
	/// Builds the parameters for `2^k` rows and the verifying key (seconds).
	///
	/// Key generation only fails for a circuit that does not fit in `2^k` rows; each circuit's
	/// pinned-key test builds its keys with its fixed `k`, so that failure is a programming
	/// error caught in CI, never a runtime condition.
	pub fn build_with(k: u32) -> Self {
		let params = Params::<vesta::Affine>::new(k);
		let vk = keygen_vk(&params, &C::default()).expect("the circuit fits in 2^k rows");
		CircuitKeys { params, vk, pk: OnceLock::new(), circuit: PhantomData }
	}

	/// The proving key, built on first use.
	pub fn pk(&self) -> &ProvingKey<vesta::Affine> {
		// Unreachable failure, as in `build_with` (pinned-key tests).
		self.pk.get_or_init(|| {
			keygen_pk(&self.params, self.vk.clone(), &C::default())
				.expect("the circuit fits in 2^k rows")
		})
	}

	/// BLAKE2b-256 of the verifying key's pinned form: what the key-pinning tests compare.
	pub fn vk_digest(&self) -> [u8; 32] {
		let pinned = format!("{:?}", self.vk.pinned());
		let digest = blake2b_simd::Params::new()
			.hash_length(32)
			.personal(b"Sable_VK_Digest_")
			.hash(pinned.as_bytes());
		let mut out = [0u8; 32];
		out.copy_from_slice(digest.as_bytes());
		out
	}
}

impl TransferKeys {
	/// Builds the transfer circuit's parameters and verifying key (prefer
	/// [`TransferKeys::get`]).
	pub fn build() -> TransferKeys {
		Self::build_with(K)
	}

	/// The process-wide keys, built on first use.
	pub fn get() -> &'static TransferKeys {
		KEYS.get_or_init(TransferKeys::build)
	}
}
