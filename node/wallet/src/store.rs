//! The wallet's local store, `wallet.json` in the data directory: every leaf of the chain's
//! note tree (so Merkle witnesses can be rebuilt), the wallet's own notes with their spent
//! status, and its history. Saved atomically after every synced page, so a crash mid-sync
//! loses at most the page being fetched, and the next sync resumes from the last saved leaf.

use std::path::Path;

use sable_zk_primitives::{
	encoding::{fp_from_bytes, from_hex_array},
	tree::{CommitmentTree, MerklePath},
};
use sable_zk_proofs::json::NoteJson;
use serde::{Deserialize, Serialize};

use crate::{
	error::{Result, WalletError},
	files,
};

/// One of the wallet's notes.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct OwnedNote {
	/// Position of its commitment in the tree.
	pub position: u64,
	/// The note.
	pub note: NoteJson,
	/// Its nullifier, hex (revealed when it is spent).
	pub nullifier: String,
	/// Whether the chain has recorded the nullifier.
	pub spent: bool,
}

/// What happened to the wallet, in order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum HistoryEntry {
	/// A note arrived.
	Received {
		/// Its position.
		position: u64,
		/// Its value.
		value: u64,
	},
	/// A note was spent.
	Spent {
		/// Its position.
		position: u64,
		/// Its value.
		value: u64,
	},
}

impl std::fmt::Display for HistoryEntry {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		match self {
			Self::Received { position, value } => write!(f, "received {value} (note #{position})"),
			Self::Spent { position, value } => write!(f, "spent    {value} (note #{position})"),
		}
	}
}

/// Everything the wallet keeps between runs.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct WalletState {
	/// Format version (1).
	pub version: u32,
	/// Genesis hash of the chain the leaves came from, hex.
	pub genesis_hash: Option<String>,
	/// Every leaf commitment, in tree order, hex.
	pub leaves: Vec<String>,
	/// The wallet's notes.
	pub notes: Vec<OwnedNote>,
	/// What happened, oldest first.
	pub history: Vec<HistoryEntry>,
}

impl WalletState {
	/// Loads the store, or an empty one if there is none yet.
	pub fn load(path: &Path) -> Result<WalletState> {
		match files::read_optional(path)? {
			None => Ok(WalletState { version: 1, ..Default::default() }),
			Some(bytes) => serde_json::from_slice(&bytes)
				.map_err(|e| WalletError::Corrupt(format!("{}: {e}", path.display()))),
		}
	}

	/// Saves the store atomically.
	pub fn save(&self, path: &Path) -> Result<()> {
		let bytes = serde_json::to_vec(self)
			.map_err(|e| WalletError::Corrupt(format!("cannot encode the store: {e}")))?;
		files::write_atomic(path, &bytes, true)
	}

	/// The next leaf to fetch.
	pub fn synced(&self) -> u64 {
		self.leaves.len() as u64
	}

	/// The note tree rebuilt from the stored leaves.
	pub fn tree(&self) -> Result<CommitmentTree> {
		let mut tree = CommitmentTree::default();
		for leaf in &self.leaves {
			let leaf = from_hex_array(leaf)
				.ok()
				.and_then(|bytes| fp_from_bytes(&bytes))
				.ok_or_else(|| WalletError::Corrupt(format!("leaf {leaf} is not canonical")))?;
			tree.append(leaf).map_err(|_| WalletError::Corrupt("the tree is full".into()))?;
		}
		Ok(tree)
	}

	/// The Merkle witness of the note at `position`.
	pub fn path(&self, position: u64) -> Result<MerklePath> {
		self.tree()?
			.path(position)
			.ok_or_else(|| WalletError::Corrupt(format!("no leaf at {position}")))
	}

	/// Value of the unspent notes.
	pub fn balance(&self) -> u128 {
		self.notes.iter().filter(|n| !n.spent).map(|n| u128::from(n.note.value)).sum()
	}
}
