//! The key file, `keys.json` in the data directory (mode 0600): the spending key and the
//! address it gives, optionally encrypted with a passphrase (scrypt, then
//! ChaCha20-Poly1305). The viewing key and the address are derived from the spending key.

use chacha20poly1305::{
	aead::{Aead, KeyInit},
	ChaCha20Poly1305, Key, Nonce,
};
use std::path::{Path, PathBuf};

use rand::RngExt;
use sable_zk_primitives::{
	encoding::{from_hex, from_hex_array, to_hex},
	keys::SpendingKey,
};
use sable_zk_proofs::encryption::{Address, AddressError, ADDRESS_PREFIX};
use serde::{Deserialize, Serialize};

use crate::{
	error::{Result, WalletError},
	files,
};

/// The key file's name in the data directory.
pub const KEY_FILE: &str = "keys.json";

/// scrypt cost: 2^15 iterations, r = 8, p = 1 (about 100 ms and 32 MiB).
const SCRYPT_LOG_N: u8 = 15;
const SCRYPT_R: u32 = 8;
const SCRYPT_P: u32 = 1;

/// How the spending key is stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "encryption", rename_all = "snake_case")]
pub enum Secret {
	/// In clear (the file's permissions protect it).
	None {
		/// The spending key, hex.
		spending_key: String,
	},
	/// Encrypted under a key derived from a passphrase.
	Scrypt {
		/// scrypt's `log2(N)`.
		log_n: u8,
		/// scrypt's `r`.
		r: u32,
		/// scrypt's `p`.
		p: u32,
		/// 16-byte salt, hex.
		salt: String,
		/// 12-byte nonce, hex.
		nonce: String,
		/// The sealed spending key, hex.
		ciphertext: String,
	},
}

/// The key file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyFile {
	/// Format version (1).
	pub version: u32,
	/// The wallet's address (so `keys show` needs no passphrase).
	pub address: String,
	/// The spending key.
	#[serde(flatten)]
	pub secret: Secret,
}

fn derive_key(passphrase: &str, salt: &[u8], log_n: u8, r: u32, p: u32) -> Result<Key> {
	let params = scrypt::Params::new(log_n, r, p, 32)
		.map_err(|_| WalletError::Corrupt("scrypt parameters out of range".into()))?;
	let mut key = [0u8; 32];
	scrypt::scrypt(passphrase.as_bytes(), salt, &params, &mut key)
		.map_err(|_| WalletError::Corrupt("scrypt output length".into()))?;
	Ok(Key::from(key))
}

impl KeyFile {
	/// A key file for `sk`, encrypted if a passphrase is given.
	pub fn new(sk: &SpendingKey, passphrase: Option<&str>) -> Result<KeyFile> {
		let address = Address::from_spending_key(sk).encode();
		let secret = match passphrase {
			None => Secret::None { spending_key: to_hex(&sk.to_bytes()) },
			Some(passphrase) => {
				let mut rng = rand::rng();
				let salt: [u8; 16] = rng.random();
				let nonce: [u8; 12] = rng.random();
				let key = derive_key(passphrase, &salt, SCRYPT_LOG_N, SCRYPT_R, SCRYPT_P)?;
				let ciphertext = ChaCha20Poly1305::new(&key)
					.encrypt(Nonce::from_slice(&nonce), sk.to_bytes().as_slice())
					.map_err(|_| WalletError::Corrupt("encryption failed".into()))?;
				Secret::Scrypt {
					log_n: SCRYPT_LOG_N,
					r: SCRYPT_R,
					p: SCRYPT_P,
					salt: to_hex(&salt),
					nonce: to_hex(&nonce),
					ciphertext: to_hex(&ciphertext),
				}
			},
		};
		Ok(KeyFile { version: 1, address, secret })
	}

	/// Where the key file of data directory `dir` lives.
	pub fn path(dir: &Path) -> PathBuf {
		dir.join(KEY_FILE)
	}

	/// Reads the key file of data directory `dir`. A file that records its address in the
	/// old hex form is rewritten with the same address in the current (bech32m) form.
	pub fn load(dir: &Path) -> Result<KeyFile> {
		let path = Self::path(dir);
		let bytes = files::read_optional(&path)?
			.ok_or_else(|| WalletError::NoKeys(dir.display().to_string()))?;
		let mut file: KeyFile = serde_json::from_slice(&bytes)
			.map_err(|e| WalletError::Corrupt(format!("{}: {e}", path.display())))?;
		if file.upgrade_legacy_address()? {
			let bytes = serde_json::to_vec_pretty(&file)
				.map_err(|e| WalletError::Corrupt(e.to_string()))?;
			files::write_atomic(&path, &bytes, true)?;
			eprintln!(
				"{}: address rewritten in the bech32m form: {}",
				path.display(),
				file.address
			);
		}
		Ok(file)
	}

	/// Replaces an address recorded as `sable1` + hex(owner ‖ pk_enc ‖ 4-byte checksum) by
	/// the same keys' bech32m address; whether it did. Only the recorded copy changes:
	/// [`KeyFile::spending_key`] still checks it against the key.
	fn upgrade_legacy_address(&mut self) -> Result<bool> {
		if Address::decode(&self.address) != Err(AddressError::LegacyHex) {
			return Ok(false);
		}
		let digits = self.address.get(ADDRESS_PREFIX.len()..).unwrap_or_default();
		let bytes = from_hex(digits).map_err(WalletError::corrupt_hex("address"))?;
		let payload: [u8; 64] = bytes
			.get(..64)
			.and_then(|payload| payload.try_into().ok())
			.ok_or_else(|| WalletError::Corrupt("address length".into()))?;
		let address = Address::from_payload(&payload)
			.map_err(|e| WalletError::Corrupt(format!("address: {e}")))?;
		self.address = address.encode();
		Ok(true)
	}

	/// Refuses with [`WalletError::KeysExist`] if data directory `dir` holds a key file.
	pub fn ensure_absent(dir: &Path) -> Result<()> {
		let path = Self::path(dir);
		match files::read_optional(&path)? {
			Some(_) => Err(WalletError::KeysExist(path.display().to_string())),
			None => Ok(()),
		}
	}

	/// Writes this key file into data directory `dir` (mode 0600), never over another one.
	pub fn save(&self, dir: &Path) -> Result<()> {
		Self::ensure_absent(dir)?;
		let bytes =
			serde_json::to_vec_pretty(self).map_err(|e| WalletError::Corrupt(e.to_string()))?;
		files::write_atomic(&Self::path(dir), &bytes, true)
	}

	/// Whether a passphrase is needed.
	pub fn is_encrypted(&self) -> bool {
		matches!(self.secret, Secret::Scrypt { .. })
	}

	/// The spending key; checks that it gives the recorded address.
	pub fn spending_key(&self, passphrase: Option<&str>) -> Result<SpendingKey> {
		let bytes = match &self.secret {
			Secret::None { spending_key } => {
				from_hex_array(spending_key).map_err(WalletError::corrupt_hex("spending key"))?
			},
			Secret::Scrypt { log_n, r, p, salt, nonce, ciphertext } => {
				let passphrase = passphrase.ok_or(WalletError::Passphrase(
					"it is encrypted: type the passphrase on a terminal or set SABLE_PASSPHRASE",
				))?;
				let salt = from_hex(salt).map_err(WalletError::corrupt_hex("salt"))?;
				let nonce: [u8; 12] =
					from_hex_array(nonce).map_err(WalletError::corrupt_hex("nonce"))?;
				let key = derive_key(passphrase, &salt, *log_n, *r, *p)?;
				let plain = ChaCha20Poly1305::new(&key)
					.decrypt(
						Nonce::from_slice(&nonce),
						from_hex(ciphertext)
							.map_err(WalletError::corrupt_hex("ciphertext"))?
							.as_slice(),
					)
					.map_err(|_| WalletError::Passphrase("wrong passphrase"))?;
				plain.try_into().map_err(|_| WalletError::Corrupt("key length".into()))?
			},
		};
		let sk = SpendingKey::from_bytes(&bytes)
			.ok_or_else(|| WalletError::Corrupt("spending key is not a field element".into()))?;
		if Address::from_spending_key(&sk).encode() != self.address {
			return Err(WalletError::Corrupt("the spending key does not match the address".into()));
		}
		Ok(sk)
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use sable_zk_primitives::Fp;

	fn sk() -> SpendingKey {
		SpendingKey::from_field(Fp::from(0x5ab1e))
	}

	#[test]
	fn plain_key_files_round_trip() {
		let file = KeyFile::new(&sk(), None).expect("key file");
		assert!(!file.is_encrypted());
		assert!(file.spending_key(None).expect("unlocks") == sk());
		let json = serde_json::to_string(&file).expect("json");
		assert!(json.contains("\"encryption\":\"none\""), "{json}");
		assert_eq!(serde_json::from_str::<KeyFile>(&json).expect("parses"), file);
	}

	#[test]
	fn encrypted_key_files_need_the_right_passphrase() {
		let file = KeyFile::new(&sk(), Some("correct horse")).expect("key file");
		assert!(file.is_encrypted());
		let json = serde_json::to_string(&file).expect("json");
		assert!(!json.contains(&to_hex(&sk().to_bytes())[2..]), "the key is not in clear");
		assert!(file.spending_key(Some("correct horse")).expect("unlocks") == sk());
		assert!(matches!(file.spending_key(Some("wrong")), Err(WalletError::Passphrase(_))));
		assert!(matches!(file.spending_key(None), Err(WalletError::Passphrase(_))));
	}

	#[test]
	fn a_key_that_does_not_match_its_address_is_refused() {
		let mut file = KeyFile::new(&sk(), None).expect("key file");
		file.address =
			KeyFile::new(&SpendingKey::from_field(Fp::from(1)), None).expect("other").address;
		assert!(matches!(file.spending_key(None), Err(WalletError::Corrupt(_))));
	}

	#[test]
	fn a_key_file_with_an_old_hex_address_is_rewritten_in_bech32m() {
		let dir = tempfile::tempdir().expect("dir");
		let current = KeyFile::new(&sk(), Some("pass")).expect("key file");
		let address = Address::from_spending_key(&sk());
		let mut payload = address.payload().to_vec();
		payload.extend([0xc0, 0xff, 0xee, 0x00]); // the old BLAKE2b checksum's place
		let old = KeyFile {
			address: format!("{ADDRESS_PREFIX}{}", &to_hex(&payload)[2..]),
			..current.clone()
		};
		assert_eq!(Address::decode(&old.address), Err(AddressError::LegacyHex));
		old.save(dir.path()).expect("saved");

		// No passphrase needed: the keys are in the recorded address itself.
		let loaded = KeyFile::load(dir.path()).expect("loads");
		assert_eq!(loaded.address, address.encode());
		assert_eq!(loaded, current);
		let on_disk: KeyFile =
			serde_json::from_slice(&std::fs::read(KeyFile::path(dir.path())).expect("read"))
				.expect("json");
		assert_eq!(on_disk.address, address.encode(), "the file is rewritten");
		assert!(loaded.spending_key(Some("pass")).expect("unlocks") == sk());

		// An old-looking address whose keys are not valid is damage, not an address.
		let damaged =
			KeyFile { address: format!("{ADDRESS_PREFIX}{}", "ff".repeat(68)), ..current.clone() };
		let other = tempfile::tempdir().expect("dir");
		damaged.save(other.path()).expect("saved");
		assert!(matches!(KeyFile::load(other.path()), Err(WalletError::Corrupt(_))));
	}

	#[test]
	fn key_files_are_saved_once_and_loaded_back() {
		let dir = tempfile::tempdir().expect("dir");
		assert!(matches!(KeyFile::load(dir.path()), Err(WalletError::NoKeys(_))));
		let file = KeyFile::new(&sk(), None).expect("key file");
		KeyFile::ensure_absent(dir.path()).expect("no key file yet");
		file.save(dir.path()).expect("saved");
		assert_eq!(KeyFile::load(dir.path()).expect("loads"), file);
		let other = KeyFile::new(&SpendingKey::from_field(Fp::from(1)), None).expect("other");
		assert!(matches!(other.save(dir.path()), Err(WalletError::KeysExist(_))));
		assert!(matches!(KeyFile::ensure_absent(dir.path()), Err(WalletError::KeysExist(_))));
		assert_eq!(KeyFile::load(dir.path()).expect("still the first"), file);
		std::fs::write(KeyFile::path(dir.path()), b"{").expect("damage");
		assert!(matches!(KeyFile::load(dir.path()), Err(WalletError::Corrupt(_))));
	}

	#[test]
	fn a_damaged_hex_field_is_reported_as_damage() {
		let mut file = KeyFile::new(&sk(), Some("pw")).expect("key file");
		if let Secret::Scrypt { nonce, .. } = &mut file.secret {
			nonce.push('\u{e9}');
		}
		let error = file.spending_key(Some("pw")).expect_err("damaged");
		assert!(error.to_string().starts_with("wallet file is damaged: nonce: "), "{error}");
	}
}
