//! Everything that can go wrong, with a message a user can act on.

use std::fmt;

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
			Self::Input(e) => write!(f, "{e}"),
		}
	}
}

impl std::error::Error for WalletError {}

/// Result of wallet operations.
pub type Result<T> = std::result::Result<T, WalletError>;
