//! The proof-of-inference market from the wallet (docs/poi.md): providers and their models,
//! clients' requests sealed to a model's key, opening and checking them, proving, and reading
//! a delivered result.
//!
//! - [`circuits`]: the circuit versions the wallet proves with, model files and their
//!   commitments, and the provider's request key.
//! - [`client`]: a job's request and commitments from a client's input, and its delivered
//!   output.
//! - [`provider`]: opening a job's request and checking it against the job, and proving.
//! - [`secrets`]: the wallet's store of what it must remember (`poi.json`, mode 0600): each
//!   request's input, salt and delivery key, and each registered model's salt.
//! - [`chain`]: signing and following the pallet's calls, and the events they emit.

pub mod chain;
pub mod circuits;
pub mod client;
pub mod provider;
pub mod secrets;

use sable_zk_primitives::{
	encoding::{fp_from_bytes, fp_from_wide, fp_to_bytes, to_hex},
	Fp,
};

use crate::error::{Result, WalletError};

/// BLAKE2b-256 of `bytes`: a model file's metadata hash and digest, a commitment job's
/// input and output digests.
pub fn blake2_256(bytes: &[u8]) -> [u8; 32] {
	use sp_runtime::traits::{BlakeTwo256, Hash};
	BlakeTwo256::hash(bytes).0
}

/// A uniformly random field element, for salts and delivery keys.
pub fn random_field(rng: &mut impl rand::Rng) -> Fp {
	let mut wide = [0u8; 64];
	rng.fill_bytes(&mut wide);
	fp_from_wide(&wide)
}

/// A field element as `0x` hex of its canonical 32-byte encoding.
pub fn field_hex(x: &Fp) -> String {
	to_hex(&fp_to_bytes(x))
}

/// A field element from `0x` hex of its canonical 32-byte encoding; `what` names it in the
/// error.
pub fn parse_field(text: &str, what: &str) -> Result<Fp> {
	sable_zk_proofs::json::field(text, what).map_err(WalletError::Input)
}

/// A field element the chain reports (a commitment, a ciphertext element), which must be
/// canonical.
pub fn chain_field(bytes: &[u8; 32], what: &str) -> Result<Fp> {
	fp_from_bytes(bytes)
		.ok_or_else(|| WalletError::Rpc(format!("{what} {} is not a field element", to_hex(bytes))))
}
