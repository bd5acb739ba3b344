//! Addresses and note encryption (`docs/zk.md`, "Addresses" and "Note encryption").
//!
//! ```text
//! ivk     = Scalar(ivk_seed)            ivk_seed = H3(IncomingViewingKey, sk, 0)
//! pk_enc  = ivk * G                     G: the Pallas generator
//! address = (owner, pk_enc), text "sable1" + hex(owner || pk_enc || checksum[0..4])
//!           checksum = BLAKE2b-256(personal "Sable_AddressChk", owner || pk_enc)
//! sender:    esk random, epk = esk * G, shared = esk * pk_enc
//! recipient: shared = ivk * epk
//! key        = BLAKE2b-256(personal "Sable_NoteKDF_v1", shared || epk)
//! ciphertext = epk || ChaCha20-Poly1305(key, nonce 0, value || rho || rcm || memo)
//! ```
//! The nonce can be fixed because every key is used once (a fresh `esk` per output).

use chacha20poly1305::{
	aead::{Aead, KeyInit},
	ChaCha20Poly1305, Key, Nonce,
};
use ff::{Field, PrimeField};
use group::{Group, GroupEncoding};
use pasta_curves::pallas;
use rand::Rng;
use sable_zk_primitives::{
	encoding::{fp_from_bytes, fp_to_bytes},
	keys::{OwnerId, SpendingKey},
	note::{Note, Rho},
};

/// Bytes of a memo carried with each note.
pub const MEMO_LEN: usize = 32;
/// Bytes of the plaintext: value, rho, rcm, memo.
pub const PLAINTEXT_LEN: usize = 8 + 32 + 32 + MEMO_LEN;
/// Bytes of a ciphertext: ephemeral key, encrypted plaintext, 16-byte tag.
pub use sable_zk_primitives::payload::CIPHERTEXT_LEN;
const _: () = assert!(CIPHERTEXT_LEN == 32 + PLAINTEXT_LEN + 16);
/// Prefix of an address's text form.
pub const ADDRESS_PREFIX: &str = "sable1";

/// A shielded address: who owns notes, and the key that encrypts them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Address {
	/// Owner id written into the notes.
	pub owner: OwnerId,
	/// Encryption key, `ivk * G`.
	pub pk_enc: pallas::Point,
}

/// The incoming viewing key: decrypts notes sent to its address.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IncomingViewingKey(pallas::Scalar);

/// Why an address string was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AddressError {
	/// Not `sable1` followed by 136 lowercase hex digits.
	Format,
	/// The checksum does not match: a typo.
	Checksum,
	/// The owner or the key is not a valid field element or curve point.
	InvalidKey,
}

impl core::fmt::Display for AddressError {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		f.write_str(match self {
			Self::Format => "an address is `sable1` followed by 136 hex digits",
			Self::Checksum => "address checksum mismatch (mistyped address?)",
			Self::InvalidKey => "address holds an invalid key",
		})
	}
}

impl std::error::Error for AddressError {}

impl IncomingViewingKey {
	/// The viewing key of `sk`. `ivk_seed` is below the Pallas base modulus, which is below
	/// the scalar modulus, so it is always a canonical scalar; it is zero with negligible
	/// probability, in which case 1 is used so the key is never the identity.
	pub fn from_spending_key(sk: &SpendingKey) -> Self {
		let scalar = Option::<pallas::Scalar>::from(pallas::Scalar::from_repr(
			sk.incoming_viewing_seed().to_repr(),
		))
		.filter(|s| !bool::from(s.is_zero()))
		.unwrap_or(pallas::Scalar::ONE);
		Self(scalar)
	}

	/// Decrypts `ciphertext`; `None` if it is not for this key (or was tampered with).
	/// Returns the note (owned by `owner`) and its memo.
	pub fn decrypt(&self, owner: OwnerId, ciphertext: &[u8]) -> Option<(Note, [u8; MEMO_LEN])> {
		if ciphertext.len() != CIPHERTEXT_LEN {
			return None;
		}
		let epk_bytes: [u8; 32] = ciphertext[..32].try_into().ok()?;
		let epk = Option::<pallas::Point>::from(pallas::Point::from_bytes(&epk_bytes))?;
		let cipher = cipher(&(epk * self.0), &epk_bytes);
		let plaintext = cipher.decrypt(&Nonce::default(), &ciphertext[32..]).ok()?;
		let value = u64::from_le_bytes(plaintext[..8].try_into().ok()?);
		let rho = fp_from_bytes(&plaintext[8..40].try_into().ok()?)?;
		let rcm = fp_from_bytes(&plaintext[40..72].try_into().ok()?)?;
		let memo: [u8; MEMO_LEN] = plaintext[72..].try_into().ok()?;
		Some((Note { value, owner, rho: Rho(rho), rcm }, memo))
	}
}

impl Address {
	/// The address of `sk`.
	pub fn from_spending_key(sk: &SpendingKey) -> Self {
		let ivk = IncomingViewingKey::from_spending_key(sk);
		Address { owner: sk.owner(), pk_enc: pallas::Point::generator() * ivk.0 }
	}

	fn payload(&self) -> [u8; 64] {
		let mut bytes = [0u8; 64];
		bytes[..32].copy_from_slice(&fp_to_bytes(&self.owner.0));
		bytes[32..].copy_from_slice(&self.pk_enc.to_bytes());
		bytes
	}

	/// The text form: `sable1` + hex(owner || pk_enc || checksum).
	pub fn encode(&self) -> String {
		let payload = self.payload();
		let mut text = String::from(ADDRESS_PREFIX);
		for byte in payload.iter().chain(checksum(&payload).iter()) {
			text.push_str(&format!("{byte:02x}"));
		}
		text
	}

	/// Parses the text form, checking the checksum and the keys.
	pub fn decode(text: &str) -> Result<Self, AddressError> {
		let hex = text.strip_prefix(ADDRESS_PREFIX).ok_or(AddressError::Format)?;
		if hex.len() != 2 * 68
			|| !hex.bytes().all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c))
		{
			return Err(AddressError::Format);
		}
		let mut bytes = [0u8; 68];
		for (i, byte) in bytes.iter_mut().enumerate() {
			*byte =
				u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).map_err(|_| AddressError::Format)?;
		}
		let payload: [u8; 64] = bytes[..64].try_into().map_err(|_| AddressError::Format)?;
		if checksum(&payload) != bytes[64..] {
			return Err(AddressError::Checksum);
		}
		let owner = fp_from_bytes(&payload[..32].try_into().map_err(|_| AddressError::Format)?)
			.ok_or(AddressError::InvalidKey)?;
		let pk_bytes: [u8; 32] = payload[32..].try_into().map_err(|_| AddressError::Format)?;
		let pk_enc = Option::<pallas::Point>::from(pallas::Point::from_bytes(&pk_bytes))
			.filter(|p| !bool::from(p.is_identity()))
			.ok_or(AddressError::InvalidKey)?;
		Ok(Address { owner: OwnerId(owner), pk_enc })
	}

	/// Encrypts `note` (which must be addressed to `self.owner`) and `memo` for this address.
	pub fn encrypt(&self, note: &Note, memo: &[u8; MEMO_LEN], rng: &mut impl Rng) -> Vec<u8> {
		let esk = loop {
			let candidate = pallas::Scalar::random(&mut *rng);
			if !bool::from(candidate.is_zero()) {
				break candidate;
			}
		};
		let epk = (pallas::Point::generator() * esk).to_bytes();
		let mut plaintext = Vec::with_capacity(PLAINTEXT_LEN);
		plaintext.extend_from_slice(&note.value.to_le_bytes());
		plaintext.extend_from_slice(&fp_to_bytes(&note.rho.0));
		plaintext.extend_from_slice(&fp_to_bytes(&note.rcm));
		plaintext.extend_from_slice(memo);
		let cipher = cipher(&(self.pk_enc * esk), &epk);
		// Encrypting a 104-byte buffer in memory cannot fail.
		let sealed = cipher.encrypt(&Nonce::default(), plaintext.as_slice()).unwrap_or_default();
		let mut ciphertext = Vec::with_capacity(CIPHERTEXT_LEN);
		ciphertext.extend_from_slice(&epk);
		ciphertext.extend_from_slice(&sealed);
		ciphertext
	}
}

fn checksum(payload: &[u8; 64]) -> [u8; 4] {
	let digest =
		blake2b_simd::Params::new().hash_length(32).personal(b"Sable_AddressChk").hash(payload);
	let mut out = [0u8; 4];
	out.copy_from_slice(&digest.as_bytes()[..4]);
	out
}

fn cipher(shared: &pallas::Point, epk: &[u8; 32]) -> ChaCha20Poly1305 {
	let digest = blake2b_simd::Params::new()
		.hash_length(32)
		.personal(b"Sable_NoteKDF_v1")
		.to_state()
		.update(&shared.to_bytes())
		.update(epk)
		.finalize();
	ChaCha20Poly1305::new(Key::from_slice(digest.as_bytes()))
}

#[cfg(test)]
mod tests {
	use super::*;
	use rand::SeedableRng;
	use sable_zk_primitives::Fp;

	fn setup() -> (SpendingKey, Address, Note, rand::rngs::StdRng) {
		let mut rng = rand::rngs::StdRng::seed_from_u64(7);
		let sk = SpendingKey::from_field(Fp::random(&mut rng));
		let address = Address::from_spending_key(&sk);
		let note = Note {
			value: 1234,
			owner: address.owner,
			rho: Rho(Fp::from(5)),
			rcm: Fp::random(&mut rng),
		};
		(sk, address, note, rng)
	}

	#[test]
	fn recipient_decrypts_and_others_cannot() {
		let (sk, address, note, mut rng) = setup();
		let memo = [9u8; MEMO_LEN];
		let ciphertext = address.encrypt(&note, &memo, &mut rng);
		assert_eq!(ciphertext.len(), CIPHERTEXT_LEN);
		let ivk = IncomingViewingKey::from_spending_key(&sk);
		assert_eq!(ivk.decrypt(address.owner, &ciphertext), Some((note, memo)));

		let stranger =
			IncomingViewingKey::from_spending_key(&SpendingKey::from_field(Fp::from(77)));
		assert_eq!(stranger.decrypt(address.owner, &ciphertext), None);
		let mut tampered = ciphertext.clone();
		tampered[50] ^= 1;
		assert_eq!(ivk.decrypt(address.owner, &tampered), None);
		assert_eq!(ivk.decrypt(address.owner, &ciphertext[..CIPHERTEXT_LEN - 1]), None);
	}

	#[test]
	fn address_text_round_trips_and_catches_typos() {
		let (_, address, _, _) = setup();
		let text = address.encode();
		assert!(text.starts_with("sable1"));
		assert_eq!(Address::decode(&text), Ok(address));
		let mut typo = text.clone().into_bytes();
		typo[20] = if typo[20] == b'a' { b'b' } else { b'a' };
		assert_eq!(
			Address::decode(std::str::from_utf8(&typo).expect("ascii")),
			Err(AddressError::Checksum)
		);
		assert_eq!(Address::decode("sable1xyz"), Err(AddressError::Format));
		assert_eq!(Address::decode(&text.to_uppercase()), Err(AddressError::Format));
	}
}
