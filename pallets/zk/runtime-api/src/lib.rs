//! Runtime API of the shielded pool: what a wallet needs to sync and to prove.

#![cfg_attr(not(feature = "std"), no_std)]
// `decl_runtime_apis!` repeats the trait's bounds in the code it generates.
#![allow(clippy::multiple_bound_locations)]

extern crate alloc;

use alloc::vec::Vec;
use codec::Codec;

pub use pallet_zk::{CallKind, NoteRecord, Nullifier, TreeState};

/// Most leaves one [`ZkApi::leaves`] call returns.
pub const MAX_LEAVES_PAGE: u32 = 1024;

sp_api::decl_runtime_apis! {
	/// Wallet queries of the shielded pool.
	pub trait ZkApi<Balance: Codec> {
		/// The latest anchor and the number of leaves under it.
		fn tree_state() -> TreeState;
		/// Leaves (commitment and ciphertext) from position `from`, at most
		/// `min(limit, MAX_LEAVES_PAGE)` of them. With every leaf a wallet rebuilds the tree
		/// and so the Merkle path of each of its notes.
		fn leaves(from: u64, limit: u32) -> Vec<NoteRecord>;
		/// Whether `nullifier` was spent.
		fn is_spent(nullifier: Nullifier) -> bool;
		/// Whether `root` is an accepted anchor.
		fn is_known_anchor(root: [u8; 32]) -> bool;
		/// Value held by the pool.
		fn pool_total() -> Balance;
		/// The fee a `transfer` or `unshield` must offer now (what a signed transaction of the
		/// same length and weight pays); `None` for a shield.
		fn minimum_fee(kind: CallKind) -> Option<u64>;
	}
}
