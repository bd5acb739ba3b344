//! Everything that can go wrong, with a message a user can act on.

use std::fmt;

use sable_runtime::RuntimeError;
use sable_zk_primitives::encoding::HexError;

/// Why a wallet command failed.
#[derive(Debug)]
pub enum WalletError {
	/// Reading or writing a wallet file failed.
	Io(String, std::io::Error),
	/// A wallet file is not what this version writes.
	Corrupt(String),
	/// No key file in the data directory.
	NoKeys(String),
	/// A key file already exists.
	KeysExist(String),
	/// The key file is encrypted and the passphrase is missing or wrong.
	Passphrase(&'static str),
	/// The node cannot be reached.
	Unreachable(String, String),
	/// The node is on another chain than the wallet's store.
	WrongChain {
		/// Genesis hash the store was synced from.
		store: String,
		/// Genesis hash of the node.
		node: String,
	},
	/// The node answered with an error or something unexpected.
	Rpc(String),
	/// The node refused a submitted transaction (the pool's checks).
	Refused(Refusal),
	/// The transaction was finalized but its dispatch failed.
	Failed {
		/// The block that holds it.
		block_hash: String,
		/// The runtime's error, if it is one of the runtime's pallets' errors.
		error: Option<RuntimeError>,
		/// The dispatch error as the node reported it.
		reason: String,
	},
	/// The input given on the command line is not valid.
	Input(String),
}

impl fmt::Display for WalletError {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		match self {
			Self::Io(path, e) => write!(f, "{path}: {e}"),
			Self::Corrupt(what) => write!(f, "wallet file is damaged: {what}"),
			Self::NoKeys(dir) => {
				write!(f, "no keys in {dir}: run `sable keys new` or `sable keys import`")
			},
			Self::KeysExist(path) => {
				write!(f, "{path} already holds keys; refusing to overwrite them")
			},
			Self::Passphrase(why) => write!(f, "cannot unlock the key file: {why}"),
			Self::Unreachable(url, e) => write!(f, "cannot reach the node at {url}: {e}"),
			Self::WrongChain { store, node } => write!(
				f,
				"the node is on another chain (genesis {node}) than this wallet (genesis {store}); \
				 use --node for the right node or another --data-dir"
			),
			Self::Rpc(e) => write!(f, "node RPC error: {e}"),
			Self::Refused(refusal) => write!(f, "the node refused the transaction: {refusal}"),
			Self::Failed { block_hash, reason, .. } => {
				write!(f, "included in block {block_hash} but failed: {reason}")
			},
			Self::Input(e) => write!(f, "{e}"),
		}
	}
}

impl std::error::Error for WalletError {}

impl WalletError {
	/// For `map_err` on hex read from a wallet file: the file is damaged at `what`.
	pub fn corrupt_hex(what: &str) -> impl FnOnce(HexError) -> WalletError + '_ {
		move |e| WalletError::Corrupt(format!("{what}: {e}"))
	}

	/// Whether the chain refused a shielded call because its anchor is no longer one of the
	/// recent roots: a fresh sync and a new proof will do.
	pub fn is_expired_anchor(&self) -> bool {
		match self {
			Self::Refused(refusal) => refusal.custom_code == Some(ZkError::UnknownAnchor.code()),
			Self::Failed { error: Some(RuntimeError::Zk(error)), .. } => {
				matches!(error, ZkError::UnknownAnchor)
			},
			_ => false,
		}
	}
}

type ZkError = pallet_zk::Error<sable_runtime::Runtime>;

/// A JSON-RPC error with which the node refused a transaction, with the shielded pool's
/// reason when it is one of pallet-zk's refusal codes (docs/zk.md, "Refusal codes").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
	/// JSON-RPC error code (1010: invalid transaction, 1002: undecodable, ...).
	pub code: i32,
	/// The node's message.
	pub message: String,
	/// The node's detail, such as `Custom error: 4`.
	pub data: Option<String>,
	/// N of `Custom error: N`.
	pub custom_code: Option<u8>,
}

impl Refusal {
	/// Reads a refusal from the node's error object.
	pub fn new(code: i32, message: &str, data: Option<&str>) -> Refusal {
		// `data` is a JSON value, normally a string.
		let data =
			data.map(|raw| serde_json::from_str::<String>(raw).unwrap_or_else(|_| raw.into()));
		let custom_code = data
			.as_deref()
			.and_then(|data| data.strip_prefix("Custom error: "))
			.and_then(|code| code.trim().parse().ok());
		Refusal { code, message: message.into(), data, custom_code }
	}
}

impl fmt::Display for Refusal {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		write!(f, "{}: {}", self.code, self.message)?;
		if let Some(data) = &self.data {
			write!(f, ": {data}")?;
		}
		if let Some((name, docs)) = self.custom_code.and_then(zk_refusal) {
			write!(f, " (zk.{name}: {docs})")?;
		}
		Ok(())
	}
}

/// The pallet-zk error whose refusal code is `code`, by name, with its documentation: read
/// from the pallet's own type information, so the wallet cannot drift from the runtime.
fn zk_refusal(code: u8) -> Option<(String, String)> {
	use codec::Decode;
	use scale_info::{TypeDef, TypeInfo};
	let TypeDef::Variant(variants) = ZkError::type_info().type_def else { return None };
	variants.variants.iter().find_map(|variant| {
		// Zero-filled fields decode too (`InvalidProofInBatch { index: 0 }`).
		let encoded = [variant.index, 0, 0, 0, 0];
		let error = ZkError::decode(&mut &encoded[..]).ok()?;
		(error.code() == code).then(|| (variant.name.to_string(), variant.docs.join(" ")))
	})
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn the_pools_refusals_are_read_and_explained() {
		let anchor = Refusal::new(1010, "Invalid Transaction", Some("\"Custom error: 4\""));
		assert_eq!(anchor.custom_code, Some(4));
		assert!(WalletError::Refused(anchor.clone()).is_expired_anchor());
		let text = WalletError::Refused(anchor).to_string();
		assert!(text.starts_with("the node refused the transaction: 1010: Invalid Transaction: Custom error: 4 (zk.UnknownAnchor: The anchor is not one of the recent roots"), "{text}");

		let spent = Refusal::new(1010, "Invalid Transaction", Some("\"Custom error: 5\""));
		assert!(!WalletError::Refused(spent.clone()).is_expired_anchor());
		assert!(
			spent
				.to_string()
				.ends_with("(zk.NullifierAlreadySpent: A nullifier was already spent.)"),
			"{spent}"
		);

		// Every refusal code of the pallet has its own explanation.
		for code in 1..=17 {
			assert!(zk_refusal(code).is_some(), "code {code}");
		}
		assert_eq!(zk_refusal(13).map(|(name, _)| name).as_deref(), Some("InvalidProof"));
		assert_eq!(zk_refusal(16).map(|(name, _)| name).as_deref(), Some("WrongProofLength"));
		assert_eq!(zk_refusal(0), None);
		assert_eq!(zk_refusal(17).map(|(name, _)| name).as_deref(), Some("BlockProofsFull"));
		assert_eq!(zk_refusal(18), None);

		// Not a custom error, or no detail at all: shown as the node said it.
		let undecodable = Refusal::new(1002, "Verification Error", Some("\"Could not decode\""));
		assert_eq!(undecodable.custom_code, None);
		assert_eq!(undecodable.to_string(), "1002: Verification Error: Could not decode");
		assert_eq!(
			Refusal::new(1010, "Invalid Transaction", None).to_string(),
			"1010: Invalid Transaction"
		);
	}

	#[test]
	fn a_failed_dispatch_with_an_unknown_anchor_is_an_expired_anchor() {
		let failed = |error| WalletError::Failed {
			block_hash: "0x01".into(),
			error: Some(RuntimeError::Zk(error)),
			reason: String::new(),
		};
		assert!(failed(ZkError::UnknownAnchor).is_expired_anchor());
		assert!(!failed(ZkError::InvalidProof).is_expired_anchor());
		assert!(!WalletError::Rpc("Custom error: 4".into()).is_expired_anchor());
	}

	#[test]
	fn damaged_hex_names_what_is_damaged() {
		let error = WalletError::corrupt_hex("salt")(HexError::OddLength);
		assert_eq!(error.to_string(), "wallet file is damaged: salt: odd number of hex digits");
	}
}

/// Result of wallet operations.
pub type Result<T> = std::result::Result<T, WalletError>;
