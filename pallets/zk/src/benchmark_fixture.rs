//! Real proofs for the benchmarks, which run in wasm where nothing can be proven.
//!
//! `benchmark_fixture.scale` is made by the ignored test `regenerate_benchmark_fixture`
//! (`SABLE_UPDATE_BENCH_FIXTURE=1 cargo test -p pallet-zk --release -- --ignored`), and a
//! normal test checks that every proof in it still verifies, so a circuit change cannot leave
//! the benchmarks measuring rejections.

use alloc::vec::Vec;
use codec::{Decode, Encode};

use crate::{NoteCommitment, ShieldedProof};

/// Proofs all made against the tree holding `leaves`, on a chain with `genesis_hash`.
#[derive(Clone, Debug, Encode, Decode)]
pub struct BenchmarkFixture {
	/// Genesis hash the proofs are bound to.
	pub genesis_hash: [u8; 32],
	/// The tree's leaves; its root is every proof's anchor.
	pub leaves: Vec<NoteCommitment>,
	/// A shield of [`SHIELD_VALUE`].
	pub shield: ShieldedProof,
	/// A private transfer spending one note.
	pub transfer: ShieldedProof,
	/// Unshields of [`UNSHIELD_VALUE`] each to `recipient`, each spending its own note.
	pub unshields: Vec<ShieldedProof>,
	/// The unshields' recipient (a 32-byte account).
	pub recipient: [u8; 32],
}

/// Value of every note in the tree and of the shield.
pub const NOTE_VALUE: u64 = 100_000_000_000_000;
/// Value shielded by the fixture's shield.
pub const SHIELD_VALUE: u64 = NOTE_VALUE;
/// Value each unshield takes out.
pub const UNSHIELD_VALUE: u64 = 90_000_000_000_000;
/// Fee of the transfer and of each unshield.
pub const FIXTURE_FEE: u64 = 10_000_000_000;
/// Unshields in the fixture (the largest batch benchmarked).
pub const FIXTURE_UNSHIELDS: usize = 32;

/// The committed fixture.
pub fn fixture() -> Option<BenchmarkFixture> {
	BenchmarkFixture::decode(&mut &include_bytes!("benchmark_fixture.scale")[..]).ok()
}
