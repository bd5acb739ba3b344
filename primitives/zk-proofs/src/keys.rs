//! Parameters and keys, rebuilt from the circuit code (`docs/zk.md`, "Keys").
//!
//! `Params::new(K)` derives every generator by hashing to the Vesta curve (halo2's
//! `"Halo2-Parameters"` domain): there is no trusted setup and nothing to download. Halo2 keys
//! cannot be serialized, so each process builds them once ([`TransferKeys::get`]) and tests
//! pin the verifying key's digest, making every circuit change visible in review.

use std::sync::OnceLock;

use halo2_proofs::{
	plonk::{keygen_pk, keygen_vk, ProvingKey, VerifyingKey},
	poly::commitment::Params,
};
use pasta_curves::vesta;

use crate::circuit::{TransferCircuit, K};

/// The transfer circuit's id on chain; with [`TRANSFER_CIRCUIT_VERSION`] it names the key.
pub const TRANSFER_CIRCUIT_ID: u16 = 1;
/// Bumped whenever the circuit (and so its verifying key) changes.
pub const TRANSFER_CIRCUIT_VERSION: u16 = 1;

/// Parameters and keys of the transfer circuit. The proving key is built only when a proof
/// is first made, so a verifier (the node) never pays for it.
pub struct TransferKeys {
	/// IPA commitment parameters for `2^K` rows.
	pub params: Params<vesta::Affine>,
	/// The verifying key.
	pub vk: VerifyingKey<vesta::Affine>,
	pk: OnceLock<ProvingKey<vesta::Affine>>,
}

static KEYS: OnceLock<TransferKeys> = OnceLock::new();

impl TransferKeys {
	/// Builds the parameters and the verifying key from the circuit (seconds; prefer
	/// [`TransferKeys::get`]).
	pub fn build() -> TransferKeys {
		let params = Params::<vesta::Affine>::new(K);
		// Key generation only fails for a circuit that does not fit in 2^K rows, which the
		// pinned-key test rules out for this fixed circuit.
		let vk = keygen_vk(&params, &TransferCircuit::default())
			.expect("the transfer circuit fits in 2^K rows");
		TransferKeys { params, vk, pk: OnceLock::new() }
	}

	/// The proving key, built on first use.
	pub fn pk(&self) -> &ProvingKey<vesta::Affine> {
		// Unreachable failure, as in `build`: the circuit is fixed and fits (pinned-key test).
		self.pk.get_or_init(|| {
			keygen_pk(&self.params, self.vk.clone(), &TransferCircuit::default())
				.expect("the transfer circuit fits in 2^K rows")
		})
	}

	/// The process-wide keys, built on first use.
	pub fn get() -> &'static TransferKeys {
		KEYS.get_or_init(TransferKeys::build)
	}

	/// BLAKE2b-256 of the verifying key's pinned form: what the key-pinning test compares.
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
