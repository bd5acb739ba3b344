//! Addresses and note encryption (`docs/zk.md`, "Addresses" and "Note encryption").
//!
//! ```text
//! ivk     = Scalar(ivk_seed)            ivk_seed = H3(IncomingViewingKey, sk, 0)
//! pk_enc  = ivk * G                     G: the Pallas generator
//! address = (owner, pk_enc), text bech32m(hrp "sable", owner || pk_enc): 115 characters
//! sender:    esk random, epk = esk * G, shared = esk * pk_enc
//! recipient: shared = ivk * epk
//! key        = BLAKE2b-256(personal "Sable_NoteKDF_v1", shared || epk)
//! ciphertext = epk || ChaCha20-Poly1305(key, nonce 0, value || rho || rcm || memo)
//! ```
//! That is a [`sealed`] box under the personalization `Sable_NoteKDF_v1`.

use bech32::{
	primitives::decode::UncheckedHrpstring, Bech32, Bech32m, ByteIterExt, Fe32IterExt, Hrp,
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

use crate::sealed;

/// The KDF personalization of note encryption.
const NOTE_KDF: &[u8; 16] = b"Sable_NoteKDF_v1";

/// Bytes of a memo carried with each note.
pub const MEMO_LEN: usize = 32;
/// Bytes of the plaintext: value, rho, rcm, memo.
pub const PLAINTEXT_LEN: usize = 8 + 32 + 32 + MEMO_LEN;
/// Bytes of a ciphertext: ephemeral key, encrypted plaintext, 16-byte tag.
pub use sable_zk_primitives::payload::CIPHERTEXT_LEN;
const _: () = assert!(CIPHERTEXT_LEN == sealed::OVERHEAD + PLAINTEXT_LEN);
/// Prefix of an address's text form: the human-readable part `sable` and bech32's separator.
pub const ADDRESS_PREFIX: &str = "sable1";
/// Characters in an address: `sable1`, 103 data characters (64 bytes) and a 6-character
/// checksum.
pub const ADDRESS_LEN: usize = ADDRESS_PREFIX.len() + DATA_CHARS + CHECKSUM_CHARS;
/// Bech32 characters (5 bits each) that carry the 64 bytes of an address.
const DATA_CHARS: usize = (8 * 64usize).div_ceil(5);
/// Characters of a bech32m checksum.
const CHECKSUM_CHARS: usize = 6;
/// The human-readable part of an address.
const HRP: Hrp = Hrp::parse_unchecked("sable");
/// Hex digits after `sable1` in the text form addresses had before bech32m (owner, key and a
/// 4-byte checksum).
const LEGACY_HEX_DIGITS: usize = 2 * 68;

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
	/// Not a bech32 string: no `1` separator, a character outside the bech32 alphabet, or
	/// upper and lower case mixed.
	Format,
	/// The human-readable part is not `sable`.
	Prefix,
	/// Not [`ADDRESS_LEN`] characters long: a character missing or extra.
	Length,
	/// The bech32m checksum does not match: a typo.
	Checksum,
	/// The string carries a bech32 (BIP-173) checksum where bech32m (BIP-350) is required.
	Bech32Checksum,
	/// The padding bits after the 64 bytes are not zero, so the string is not the canonical
	/// encoding of its bytes.
	Padding,
	/// The owner or the key is not a valid field element or curve point.
	InvalidKey,
	/// `sable1` followed by 136 hex digits: the hex form addresses had before bech32m.
	LegacyHex,
}

impl core::fmt::Display for AddressError {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		match self {
			Self::Format => f.write_str("an address is a bech32m string starting with `sable1`"),
			Self::Prefix => f.write_str("not a Sable address: it does not start with `sable1`"),
			Self::Length => write!(f, "an address is {ADDRESS_LEN} characters long"),
			Self::Checksum => f.write_str("address checksum mismatch (mistyped address?)"),
			Self::Bech32Checksum => {
				f.write_str("the address has a bech32 checksum; Sable addresses use bech32m")
			},
			Self::Padding => f.write_str("the address is not canonically encoded"),
			Self::InvalidKey => f.write_str("address holds an invalid key"),
			Self::LegacyHex => f.write_str(
				"this address is in the old hex format, which is no longer accepted: ask the \
				 recipient for their bech32m address (`sable keys show` prints it)",
			),
		}
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
		let plaintext = sealed::open(&self.0, NOTE_KDF, ciphertext)?;
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

	/// The data part of the address: `owner || pk_enc` (canonical encodings).
	pub fn payload(&self) -> [u8; 64] {
		let mut bytes = [0u8; 64];
		bytes[..32].copy_from_slice(&fp_to_bytes(&self.owner.0));
		bytes[32..].copy_from_slice(&self.pk_enc.to_bytes());
		bytes
	}

	/// The text form: bech32m with human-readable part `sable` of `owner || pk_enc`, in
	/// lowercase, [`ADDRESS_LEN`] characters.
	pub fn encode(&self) -> String {
		self.payload()
			.iter()
			.copied()
			.bytes_to_fes()
			.with_checksum::<Bech32m>(&HRP)
			.chars()
			.collect()
	}

	/// Parses the text form (all lowercase or all uppercase), checking the checksum and the
	/// keys.
	pub fn decode(text: &str) -> Result<Self, AddressError> {
		if is_legacy_hex(text) {
			return Err(AddressError::LegacyHex);
		}
		let unchecked = UncheckedHrpstring::new(text).map_err(|_| AddressError::Format)?;
		if unchecked.hrp() != HRP {
			return Err(AddressError::Prefix);
		}
		if text.len() != ADDRESS_LEN {
			return Err(AddressError::Length);
		}
		if !unchecked.has_valid_checksum::<Bech32m>() {
			return Err(if unchecked.has_valid_checksum::<Bech32>() {
				AddressError::Bech32Checksum
			} else {
				AddressError::Checksum
			});
		}
		let checked = unchecked
			.validate_and_remove_checksum::<Bech32m>()
			.map_err(|_| AddressError::Checksum)?;
		checked.validate_segwit_padding().map_err(|_| AddressError::Padding)?;
		let bytes = checked.byte_iter();
		if bytes.len() != 64 {
			return Err(AddressError::Length);
		}
		let mut payload = [0u8; 64];
		for (slot, byte) in payload.iter_mut().zip(bytes) {
			*slot = byte;
		}
		Self::from_payload(&payload)
	}

	/// The address whose data part is `payload` (`owner || pk_enc`), with the keys checked:
	/// a canonical owner id and a non-identity Pallas point.
	pub fn from_payload(payload: &[u8; 64]) -> Result<Self, AddressError> {
		let (mut owner_bytes, mut pk_bytes) = ([0u8; 32], [0u8; 32]);
		owner_bytes.copy_from_slice(&payload[..32]);
		pk_bytes.copy_from_slice(&payload[32..]);
		let owner = fp_from_bytes(&owner_bytes).ok_or(AddressError::InvalidKey)?;
		let pk_enc = Option::<pallas::Point>::from(pallas::Point::from_bytes(&pk_bytes))
			.filter(|p| !bool::from(p.is_identity()))
			.ok_or(AddressError::InvalidKey)?;
		Ok(Address { owner: OwnerId(owner), pk_enc })
	}

	/// Encrypts `note` (which must be addressed to `self.owner`) and `memo` for this address.
	pub fn encrypt(&self, note: &Note, memo: &[u8; MEMO_LEN], rng: &mut impl Rng) -> Vec<u8> {
		let mut plaintext = Vec::with_capacity(PLAINTEXT_LEN);
		plaintext.extend_from_slice(&note.value.to_le_bytes());
		plaintext.extend_from_slice(&fp_to_bytes(&note.rho.0));
		plaintext.extend_from_slice(&fp_to_bytes(&note.rcm));
		plaintext.extend_from_slice(memo);
		sealed::seal(&self.pk_enc, NOTE_KDF, &plaintext, rng)
	}
}

/// Whether `text` is `sable1` followed by the 136 hex digits of the old address form.
fn is_legacy_hex(text: &str) -> bool {
	text.strip_prefix(ADDRESS_PREFIX).is_some_and(|digits| {
		digits.len() == LEGACY_HEX_DIGITS && digits.bytes().all(|c| c.is_ascii_hexdigit())
	})
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

	/// The address of the spending key 7, as docs/zk.md and docs/WALLET.md show it.
	const ADDRESS_OF_KEY_7: &str = "sable18w3xh665s8u3v3g0hzj87e4rt5yasxyqk0ee7dwh6hax5aag9y0rd680xz37ne7svfxqzwnksdj7urhxrvhjez3zpfrp9ns09xfsvqqyxcpjj";

	fn address_of_key_7() -> Address {
		Address::from_spending_key(&SpendingKey::from_field(Fp::from(7)))
	}

	/// `data` as bech32 with checksum `Ck` and human-readable part `hrp`, through the
	/// `bech32` crate's own encoder.
	fn bech32_text<Ck: bech32::Checksum>(hrp: &str, data: &[u8]) -> String {
		bech32::encode::<Ck>(Hrp::parse(hrp).expect("valid hrp"), data).expect("encodes")
	}

	#[test]
	fn address_round_trips_through_bech32m() {
		let (_, address, _, _) = setup();
		let text = address.encode();
		assert_eq!(text.len(), ADDRESS_LEN);
		assert_eq!(ADDRESS_LEN, 115);
		assert!(text.starts_with(ADDRESS_PREFIX));
		assert_eq!(Address::decode(&text), Ok(address));
		// Any bech32m decoder reads the same bytes back.
		let (hrp, data) = bech32::decode(&text).expect("bech32m");
		assert_eq!((hrp.as_str(), data.as_slice()), ("sable", &address.payload()[..]));
		assert_eq!(text, bech32_text::<Bech32m>("sable", &address.payload()));

		let pinned = address_of_key_7();
		assert_eq!(pinned.encode(), ADDRESS_OF_KEY_7);
		assert_eq!(Address::decode(ADDRESS_OF_KEY_7), Ok(pinned));
	}

	#[test]
	fn every_single_character_substitution_is_refused() {
		let text = address_of_key_7().encode();
		const ALPHABET: &str = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
		let mut tried = 0;
		for position in ADDRESS_PREFIX.len()..ADDRESS_LEN {
			for c in ALPHABET.chars().filter(|&c| text.as_bytes()[position] != c as u8) {
				let mut typo = text.clone();
				typo.replace_range(position..position + 1, c.encode_utf8(&mut [0; 4]));
				assert_eq!(Address::decode(&typo), Err(AddressError::Checksum), "{typo}");
				tried += 1;
			}
			// Characters outside the alphabet, and one of another case.
			for c in ['b', 'i', 'o', '1', 'Q', 'é'] {
				let mut typo = text.clone();
				typo.replace_range(position..position + 1, c.encode_utf8(&mut [0; 4]));
				assert!(Address::decode(&typo).is_err(), "{typo}");
			}
		}
		assert_eq!(tried, (ADDRESS_LEN - ADDRESS_PREFIX.len()) * 31);
		for position in 0..ADDRESS_PREFIX.len() - 1 {
			let mut typo = text.clone().into_bytes();
			typo[position] = if typo[position] == b'x' { b'y' } else { b'x' };
			let typo = String::from_utf8(typo).expect("ascii");
			assert_eq!(Address::decode(&typo), Err(AddressError::Prefix), "{typo}");
		}
	}

	#[test]
	fn old_hex_address_is_refused_with_its_message() {
		// The hex form addresses had: `sable1` + hex(owner || pk_enc || 4-byte checksum).
		let payload = address_of_key_7().payload();
		let checksum = blake2b_simd::Params::new()
			.hash_length(32)
			.personal(b"Sable_AddressChk")
			.hash(&payload);
		let mut bytes = payload.to_vec();
		bytes.extend_from_slice(&checksum.as_bytes()[..4]);
		let hex = sable_zk_primitives::encoding::to_hex(&bytes);
		let old = format!("{ADDRESS_PREFIX}{}", hex.trim_start_matches("0x"));
		assert_eq!(old.len(), 142);
		let error = Address::decode(&old).expect_err("old form refused");
		assert_eq!(error, AddressError::LegacyHex);
		let message = error.to_string();
		assert!(message.contains("old hex format"), "{message}");
		assert!(message.contains("no longer accepted"), "{message}");
		assert!(message.contains("sable keys show"), "{message}");
		// One hex digit fewer is just a malformed string, not the old format.
		assert_ne!(Address::decode(&old[..141]), Err(AddressError::LegacyHex));
	}

	#[test]
	fn upper_case_address_is_accepted_and_mixed_case_refused() {
		// BIP-350 (as BIP-173): all-uppercase is valid, mixed case is not.
		let address = address_of_key_7();
		let text = address.encode();
		assert_eq!(Address::decode(&text.to_uppercase()), Ok(address));
		let mut mixed = text.clone();
		mixed.replace_range(10..11, &text[10..11].to_uppercase());
		assert_ne!(mixed, text);
		assert_eq!(Address::decode(&mixed), Err(AddressError::Format));
		let mut mixed_hrp = text.clone();
		mixed_hrp.replace_range(0..1, "S");
		assert_eq!(Address::decode(&mixed_hrp), Err(AddressError::Format));
	}

	#[test]
	fn bech32_encoding_of_the_same_data_is_refused() {
		let payload = address_of_key_7().payload();
		let text = bech32_text::<Bech32>("sable", &payload);
		assert_eq!(text.len(), ADDRESS_LEN);
		assert!(bech32::primitives::decode::CheckedHrpstring::new::<Bech32>(&text).is_ok());
		assert_eq!(Address::decode(&text), Err(AddressError::Bech32Checksum));
	}

	#[test]
	fn wrong_prefix_length_padding_and_keys_are_refused() {
		let payload = address_of_key_7().payload();
		assert_eq!(
			Address::decode(&bech32_text::<Bech32m>("sabl", &payload)),
			Err(AddressError::Prefix)
		);
		assert_eq!(
			Address::decode(&bech32_text::<Bech32m>("zable", &payload)),
			Err(AddressError::Prefix)
		);
		assert_eq!(
			Address::decode(&bech32_text::<Bech32m>("sable", &payload[..63])),
			Err(AddressError::Length)
		);
		assert_eq!(
			Address::decode(&bech32_text::<Bech32m>("sable", &[payload.as_slice(), &[0]].concat())),
			Err(AddressError::Length)
		);
		assert_eq!(Address::decode("sable1xyz"), Err(AddressError::Length));
		assert_eq!(Address::decode("sable"), Err(AddressError::Format));
		assert_eq!(Address::decode(""), Err(AddressError::Format));
		assert_eq!(Address::decode("sable1é"), Err(AddressError::Format));

		// The same 64 bytes with a padding bit set: a second string for one address.
		let mut fes: Vec<bech32::Fe32> = payload.iter().copied().bytes_to_fes().collect();
		let last = fes.last_mut().expect("103 characters");
		*last = bech32::Fe32::try_from(last.to_u8() | 1).expect("5 bits");
		let padded: String = fes.into_iter().with_checksum::<Bech32m>(&HRP).chars().collect();
		assert_eq!(padded.len(), ADDRESS_LEN);
		assert_eq!(Address::decode(&padded), Err(AddressError::Padding));

		let with = |owner: [u8; 32], pk: [u8; 32]| {
			bech32_text::<Bech32m>("sable", &[owner.as_slice(), pk.as_slice()].concat())
		};
		let (owner, pk): ([u8; 32], [u8; 32]) =
			(payload[..32].try_into().expect("32"), payload[32..].try_into().expect("32"));
		assert_eq!(Address::decode(&with(owner, pk)), Ok(address_of_key_7()));
		// An owner >= p is not a canonical field element.
		assert_eq!(Address::decode(&with([0xff; 32], pk)), Err(AddressError::InvalidKey));
		// The identity, a non-canonical x coordinate, and an x that is on no curve point.
		assert_eq!(Address::decode(&with(owner, [0; 32])), Err(AddressError::InvalidKey));
		assert_eq!(Address::decode(&with(owner, [0xff; 32])), Err(AddressError::InvalidKey));
		let off_curve = (1u8..=255)
			.map(|x| [&[x][..], &[0u8; 31]].concat().try_into().expect("32"))
			.find(|bytes: &[u8; 32]| bool::from(pallas::Point::from_bytes(bytes).is_none()))
			.expect("some small x is not on the curve");
		assert_eq!(Address::decode(&with(owner, off_curve)), Err(AddressError::InvalidKey));
	}
}
