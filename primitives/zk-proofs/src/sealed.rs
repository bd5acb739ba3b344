//! Sealed boxes: a message encrypted to a Pallas public key by a sender who stays anonymous
//! (`docs/zk.md`, "Note encryption"; `docs/poi.md`, "Requests").
//!
//! ```text
//! sender:    esk random non-zero, epk = esk * G, shared = esk * pk
//! recipient: shared = sk * epk
//! key        = BLAKE2b-256(personal, shared || epk)
//! box        = epk || ChaCha20-Poly1305(key, nonce 0, plaintext)
//! ```
//! The nonce can be fixed because every key is used once (a fresh `esk` per box). The
//! 16-byte BLAKE2b personalization separates the uses: notes and inference requests never
//! share a key even under the same recipient key.

use chacha20poly1305::{
	aead::{Aead, KeyInit},
	ChaCha20Poly1305, Key, Nonce,
};
use ff::Field;
use group::{Group, GroupEncoding};
use pasta_curves::pallas;
use rand::Rng;

/// Bytes a box adds to its plaintext: the ephemeral key and the 16-byte tag.
pub const OVERHEAD: usize = 32 + 16;

/// Encrypts `plaintext` to `recipient` under the KDF personalization `personal`.
pub fn seal(
	recipient: &pallas::Point,
	personal: &[u8; 16],
	plaintext: &[u8],
	rng: &mut impl Rng,
) -> Vec<u8> {
	let esk = loop {
		let candidate = pallas::Scalar::random(&mut *rng);
		if !bool::from(candidate.is_zero()) {
			break candidate;
		}
	};
	let epk = (pallas::Point::generator() * esk).to_bytes();
	let cipher = cipher(personal, &(recipient * esk), &epk);
	// Encrypting a buffer in memory cannot fail.
	let sealed = cipher.encrypt(&Nonce::default(), plaintext).unwrap_or_default();
	let mut boxed = Vec::with_capacity(OVERHEAD + plaintext.len());
	boxed.extend_from_slice(&epk);
	boxed.extend_from_slice(&sealed);
	boxed
}

/// Decrypts a box sealed to `secret * G`; `None` if it was sealed to another key, under
/// another personalization, or tampered with.
pub fn open(secret: &pallas::Scalar, personal: &[u8; 16], boxed: &[u8]) -> Option<Vec<u8>> {
	if boxed.len() < OVERHEAD {
		return None;
	}
	let epk_bytes: [u8; 32] = boxed[..32].try_into().ok()?;
	let epk = Option::<pallas::Point>::from(pallas::Point::from_bytes(&epk_bytes))?;
	let cipher = cipher(personal, &(epk * secret), &epk_bytes);
	cipher.decrypt(&Nonce::default(), &boxed[32..]).ok()
}

fn cipher(personal: &[u8; 16], shared: &pallas::Point, epk: &[u8; 32]) -> ChaCha20Poly1305 {
	let digest = blake2b_simd::Params::new()
		.hash_length(32)
		.personal(personal)
		.to_state()
		.update(&shared.to_bytes())
		.update(epk)
		.finalize();
	ChaCha20Poly1305::new(Key::from_slice(digest.as_bytes()))
}

#[cfg(test)]
mod tests {
	use rand::{rngs::StdRng, SeedableRng};

	use super::*;

	#[test]
	fn only_the_key_and_personalization_it_was_sealed_to_open_it() {
		let mut rng = StdRng::seed_from_u64(3);
		let secret = pallas::Scalar::from(77u64);
		let public = pallas::Point::generator() * secret;
		let boxed = seal(&public, b"Sable_Test_KDFv1", b"hello", &mut rng);
		assert_eq!(boxed.len(), OVERHEAD + 5);
		assert_eq!(open(&secret, b"Sable_Test_KDFv1", &boxed).as_deref(), Some(&b"hello"[..]));
		assert_eq!(open(&pallas::Scalar::from(78u64), b"Sable_Test_KDFv1", &boxed), None);
		assert_eq!(open(&secret, b"Sable_Other_KDF1", &boxed), None);
		let mut tampered = boxed.clone();
		tampered[40] ^= 1;
		assert_eq!(open(&secret, b"Sable_Test_KDFv1", &tampered), None);
		assert_eq!(open(&secret, b"Sable_Test_KDFv1", &boxed[..OVERHEAD - 1]), None);
		// A fresh ephemeral key each time.
		assert_ne!(seal(&public, b"Sable_Test_KDFv1", b"hello", &mut rng), boxed);
	}
}
