//! The pool's invariants, checked between blocks by `try_state` (try-runtime builds) and by
//! the tests of this pallet and of the runtime (`docs/zk.md`, "Invariants").
//!
//! They read every leaf and every anchor, so they run off chain only.

use frame_support::{
	ensure,
	traits::{fungible::Inspect, Get},
};
use sable_zk_primitives::tree::Frontier;
use sp_runtime::TryRuntimeError;

use crate::{
	BlockProofCount, BlockProofs, Config, Leaves, LeafCount, Pallet, PoolTotal, RootCount,
	RootHistory, RootRing, TreeFrontier,
};

impl<T: Config> Pallet<T> {
	/// Checks every invariant of the pool's state; call it between blocks.
	pub fn do_try_state() -> Result<(), TryRuntimeError> {
		Self::check_pool_balance()?;
		Self::check_tree()?;
		Self::check_anchors()?;
		Self::check_block_proofs_taken()
	}

	/// The pool account holds its existential deposit plus exactly [`PoolTotal`]: every
	/// `value_in` entered it, every `value_out` and fee left it, and nothing else moved it.
	fn check_pool_balance() -> Result<(), TryRuntimeError> {
		let held = T::Currency::balance(&Self::pool_account());
		let minimum = T::Currency::minimum_balance();
		ensure!(held >= minimum, "zk: the pool account is below its existential deposit");
		ensure!(
			held - minimum == PoolTotal::<T>::get(),
			"zk: pool account balance minus existential deposit differs from PoolTotal"
		);
		Ok(())
	}

	/// Every appended leaf is stored, at positions `0..LeafCount`, and the frontier has hashed
	/// them all in (`on_finalize` ran): its root is the latest anchor.
	fn check_tree() -> Result<(), TryRuntimeError> {
		let count = LeafCount::<T>::get();
		let frontier = TreeFrontier::<T>::get();
		ensure!(frontier.next_index == count, "zk: the frontier has not hashed every leaf");
		ensure!(
			Leaves::<T>::iter_keys().count() as u64 == count,
			"zk: stored leaves differ from LeafCount"
		);
		ensure!(
			count == 0 || Leaves::<T>::contains_key(count - 1),
			"zk: a leaf below LeafCount is missing"
		);
		let root = frontier.root().map_err(|_| "zk: the frontier holds a non-canonical node")?;
		ensure!(Self::tree_state().root == root, "zk: the latest anchor is not the frontier's root");
		Ok(())
	}

	/// The anchor ring and the anchor index describe the same `min(RootCount, size)` roots, the
	/// genesis root included.
	fn check_anchors() -> Result<(), TryRuntimeError> {
		let count = RootCount::<T>::get();
		ensure!(count >= 1, "zk: the genesis root is not recorded");
		let size = u64::from(T::RootHistorySize::get().max(1));
		let kept = count.min(size);
		ensure!(
			RootHistory::<T>::iter().count() as u64 == kept,
			"zk: the anchor index does not hold the last RootHistorySize roots"
		);
		ensure!(
			RootRing::<T>::iter().count() as u64 == kept,
			"zk: the anchor ring does not hold the last RootHistorySize roots"
		);
		for sequence in count - kept..count {
			let slot = (sequence % size) as u32;
			let root = RootRing::<T>::get(slot).ok_or("zk: an anchor ring slot is empty")?;
			ensure!(
				RootHistory::<T>::get(root) == Some(sequence),
				"zk: an anchor's sequence number differs between ring and index"
			);
		}
		if count <= size {
			ensure!(
				RootRing::<T>::get(0) == Some(Frontier::empty_root()),
				"zk: the first anchor is not the empty tree's root"
			);
		}
		Ok(())
	}

	/// The statements of a block's unsigned calls are verified and taken in its
	/// `on_finalize`; none survive into the next block.
	fn check_block_proofs_taken() -> Result<(), TryRuntimeError> {
		ensure!(BlockProofCount::<T>::get() == 0, "zk: BlockProofCount survived its block");
		ensure!(BlockProofs::<T>::iter_keys().next().is_none(), "zk: BlockProofs survived its block");
		Ok(())
	}
}
