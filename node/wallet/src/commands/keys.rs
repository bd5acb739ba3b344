//! `sable keys new|show|import`, and unlocking the key file for the commands that spend or
//! sync (the passphrase from `$SABLE_PASSPHRASE` or the terminal).

use std::{io::IsTerminal, path::Path};

use sable_wallet::{
	error::{Result, WalletError},
	keyfile::KeyFile,
};
use sable_zk_primitives::{encoding::from_hex_array, keys::SpendingKey, Fp};
use serde_json::json;

use super::Reply;
use crate::cli::KeysCommand;

/// Environment variable holding the key file's passphrase.
const PASSPHRASE_VAR: &str = "SABLE_PASSPHRASE";

/// Runs a `keys` command in data directory `dir`.
pub(crate) fn run(dir: &Path, command: &KeysCommand) -> Result<Reply> {
	match command {
		KeysCommand::New { encrypt } => {
			let sk = SpendingKey::from_field(<Fp as ff::Field>::random(&mut rand::rng()));
			let file = create(dir, &sk, *encrypt)?;
			Ok(reply(&file, dir, format!("new keys; address {}", file.address)))
		},
		KeysCommand::Import { spending_key, encrypt } => {
			let sk = from_hex_array(spending_key)
				.ok()
				.and_then(|bytes| SpendingKey::from_bytes(&bytes))
				.ok_or_else(|| {
					WalletError::Input(
						"the spending key must be 32 bytes of hex, a canonical field element"
							.into(),
					)
				})?;
			let file = create(dir, &sk, *encrypt)?;
			Ok(reply(&file, dir, format!("imported; address {}", file.address)))
		},
		KeysCommand::Show => {
			let file = KeyFile::load(dir)?;
			let address = file.address.clone();
			Ok(reply(&file, dir, address))
		},
	}
}

/// The spending key of `dir`'s key file, asking for the passphrase only if it is encrypted.
pub(crate) fn unlock(dir: &Path) -> Result<SpendingKey> {
	let file = KeyFile::load(dir)?;
	let passphrase = if file.is_encrypted() { passphrase(false)? } else { None };
	file.spending_key(passphrase.as_deref())
}

/// Writes a new key file for `sk` into `dir`, sealed with a passphrase if `encrypt`; an
/// existing key file is refused before the passphrase is asked for.
fn create(dir: &Path, sk: &SpendingKey, encrypt: bool) -> Result<KeyFile> {
	KeyFile::ensure_absent(dir)?;
	let passphrase = if encrypt {
		Some(passphrase(true)?.ok_or(WalletError::Passphrase(
			"--encrypt needs a passphrase: type it on a terminal or set SABLE_PASSPHRASE",
		))?)
	} else {
		None
	};
	let file = KeyFile::new(sk, passphrase.as_deref())?;
	file.save(dir)?;
	Ok(file)
}

/// The passphrase from `$SABLE_PASSPHRASE`, or asked for on the terminal (twice when it
/// `confirm`s a new one); `None` when there is neither.
fn passphrase(confirm: bool) -> Result<Option<String>> {
	if let Some(passphrase) = std::env::var(PASSPHRASE_VAR).ok().filter(|p| !p.is_empty()) {
		return Ok(Some(passphrase));
	}
	if !std::io::stdin().is_terminal() {
		return Ok(None);
	}
	let ask = |prompt: &str| {
		rpassword::prompt_password(prompt).map_err(|e| WalletError::Io("the terminal".into(), e))
	};
	let passphrase = ask("passphrase: ")?;
	if confirm && ask("passphrase again: ")? != passphrase {
		return Err(WalletError::Passphrase("the two passphrases differ"));
	}
	Ok(Some(passphrase).filter(|p| !p.is_empty()))
}

/// What the `keys` commands reply: the address, whether it is sealed, and where it lives.
fn reply(file: &KeyFile, dir: &Path, text: String) -> Reply {
	let json = json!({
		"address": file.address,
		"encrypted": file.is_encrypted(),
		"key_file": KeyFile::path(dir).display().to_string(),
	});
	Reply::new(json, text)
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn keys_are_created_once_imported_strictly_and_shown() {
		let dir = tempfile::tempdir().expect("dir");
		let imported = run(
			dir.path(),
			&KeysCommand::Import { spending_key: format!("0x{}", "01".repeat(32)), encrypt: false },
		)
		.expect("imported");
		let address = imported.json["address"].as_str().expect("address").to_string();
		assert_eq!(imported.text, format!("imported; address {address}"));
		assert_eq!(imported.json["encrypted"], false);
		let shown = run(dir.path(), &KeysCommand::Show).expect("shown");
		assert_eq!((shown.json, shown.text.as_str()), (imported.json, address.as_str()));
		let again = run(dir.path(), &KeysCommand::New { encrypt: false });
		assert!(matches!(again, Err(WalletError::KeysExist(_))));

		let other = tempfile::tempdir().expect("dir");
		for bad in [format!("0x{}", "01".repeat(31)), format!("0x{}", "ff".repeat(32))] {
			let refused =
				run(other.path(), &KeysCommand::Import { spending_key: bad, encrypt: false });
			assert!(matches!(refused, Err(WalletError::Input(_))));
		}
		assert!(matches!(run(other.path(), &KeysCommand::Show), Err(WalletError::NoKeys(_))));
	}
}
