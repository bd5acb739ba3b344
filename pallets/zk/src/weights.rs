//! Weights of `pallet_zk`: the trait and a fallback for tests. The runtime uses the
//! benchmarked weights in `runtime/src/weights/pallet_zk.rs`, made by
//! `scripts/bench-weights.sh` (`sable-node benchmark pallet`).
//!
//! `shield` includes its proof's verification. `transfer`, `unshield` and `submit_batch` do
//! not: their proofs are verified in the block's batch, whose cost is
//! `verify_block_proofs(n)`. No call hashes its leaves into the tree: `on_finalize` does,
//! for `update_root(n)` with `n` leaves. The pallet adds each call's share of both to its
//! weight (`Pallet::deferred_weight`, `Pallet::tree_weight`).

#![allow(unused_parens, unused_imports, missing_docs)]

use core::marker::PhantomData;
use frame_support::{
	traits::Get,
	weights::{constants::RocksDbWeight, Weight},
};

/// Weight functions needed for `pallet_zk`.
pub trait WeightInfo {
	fn shield() -> Weight;
	fn transfer() -> Weight;
	fn unshield() -> Weight;
	fn submit_batch(n: u32) -> Weight;
	fn set_enabled() -> Weight;
	fn update_root(n: u32) -> Weight;
	fn verify_block_proofs(n: u32) -> Weight;
}

/// Conservative weights for tests and mocks: one full verification for a shield (about 25
/// ms on the reference machine), a few milliseconds of checks for the other calls, a batch
/// of 25 ms plus 3 ms per proof, and the storage each call touches.
impl WeightInfo for () {
	fn shield() -> Weight {
		Weight::from_parts(30_000_000_000, 12_000)
			.saturating_add(RocksDbWeight::get().reads_writes(8, 8))
	}
	fn transfer() -> Weight {
		Weight::from_parts(3_000_000_000, 12_000)
			.saturating_add(RocksDbWeight::get().reads_writes(8, 9))
	}
	fn unshield() -> Weight {
		Weight::from_parts(3_000_000_000, 12_000)
			.saturating_add(RocksDbWeight::get().reads_writes(10, 11))
	}
	fn submit_batch(n: u32) -> Weight {
		Weight::from_parts(3_000_000_000, 12_000)
			.saturating_add(Weight::from_parts(3_000_000_000, 12_000).saturating_mul(n.into()))
			.saturating_add(RocksDbWeight::get().reads_writes(10, 11).saturating_mul(n.into()))
	}
	fn verify_block_proofs(n: u32) -> Weight {
		Weight::from_parts(25_000_000_000, 0)
			.saturating_add(Weight::from_parts(3_000_000_000, 0).saturating_mul(n.into()))
			.saturating_add(RocksDbWeight::get().reads_writes(1, 1))
	}
	fn set_enabled() -> Weight {
		Weight::from_parts(5_000_000, 0).saturating_add(RocksDbWeight::get().writes(1))
	}
	fn update_root(n: u32) -> Weight {
		Weight::from_parts(8_000_000_000, 1_500)
			.saturating_add(Weight::from_parts(200_000_000, 300).saturating_mul(n.into()))
			.saturating_add(RocksDbWeight::get().reads_writes(4, 4))
			.saturating_add(RocksDbWeight::get().reads(1).saturating_mul(n.into()))
	}
}
