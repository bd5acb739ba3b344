//! The transaction pool's verification budget (`docs/zk.md`, "Floods").
//!
//! Anyone can send an unsigned shielded transaction whose every cheap check passes and whose
//! proof is invalid; only verifying it tells it apart from an honest one, and that costs the
//! node one proof verification that no fee pays for. The time of every pool verification
//! that fails (`zk_verifier::admit`) is therefore charged to a token bucket that refills at
//! a configured number of milliseconds per second and holds at most [`BURST_SECONDS`] of
//! that; a verification that succeeds is free, since its transaction pays a fee once
//! included. While the bucket is empty, a statement that needs verifying is refused
//! unverified ([`crate::AdmitRefusal::OverBudget`]); statements already in the verified
//! cache are always admitted. Block import and authoring never draw on the bucket.
//!
//! The bucket is process-wide and shared by every source (RPC and peers alike): a flood
//! spends it and is then refused for the cost of a decode and the pallet's cheap checks,
//! while the rest of the machine keeps authoring and importing blocks.

use std::{
	sync::{
		atomic::{AtomicBool, Ordering},
		LazyLock, Mutex, MutexGuard,
	},
	time::{Duration, Instant},
};

/// Milliseconds of verification per second the pool may spend unless configured otherwise:
/// half of one core.
pub const DEFAULT_POOL_BUDGET_MS: u32 = 500;
/// How many seconds of refill the bucket holds: the burst an idle node admits at once.
pub const BURST_SECONDS: u32 = 2;

struct Bucket {
	/// Seconds of verification earned per second.
	rate: f64,
	/// Seconds of verification that may be spent now (negative: owed).
	level: f64,
	refilled: Instant,
}

impl Bucket {
	fn with_rate(rate: f64) -> Bucket {
		Bucket { rate, level: rate * f64::from(BURST_SECONDS), refilled: Instant::now() }
	}

	fn refill(&mut self) {
		let now = Instant::now();
		let earned = now.duration_since(self.refilled).as_secs_f64() * self.rate;
		self.level = (self.level + earned).min(self.rate * f64::from(BURST_SECONDS));
		self.refilled = now;
	}
}

static BUCKET: LazyLock<Mutex<Bucket>> =
	LazyLock::new(|| Mutex::new(Bucket::with_rate(f64::from(DEFAULT_POOL_BUDGET_MS) / 1000.0)));
static ADMIT_UNVERIFIED: AtomicBool = AtomicBool::new(false);

fn bucket() -> MutexGuard<'static, Bucket> {
	// The bucket is two numbers and an instant; any value left by a panic is a valid one.
	BUCKET.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Sets the pool's budget to `ms_per_second` milliseconds of verification per second, and
/// fills the bucket.
pub fn set_pool_budget(ms_per_second: u32) {
	*bucket() = Bucket::with_rate(f64::from(ms_per_second) / 1000.0);
}

/// Makes the pool admit every statement without verifying it. This turns the node into one
/// that relays invalid proofs to its peers: the flood tests use it to play a malicious peer,
/// and the node refuses it together with `--validator`.
pub fn set_admit_unverified(enabled: bool) {
	ADMIT_UNVERIFIED.store(enabled, Ordering::Relaxed);
}

pub(crate) fn admits_unverified() -> bool {
	ADMIT_UNVERIFIED.load(Ordering::Relaxed)
}

/// Whether the pool may start a verification now.
pub(crate) fn available() -> bool {
	let mut bucket = bucket();
	bucket.refill();
	bucket.level > 0.0
}

/// Charges a failed verification that took `elapsed`.
pub(crate) fn spend(elapsed: Duration) {
	let mut bucket = bucket();
	bucket.refill();
	bucket.level -= elapsed.as_secs_f64();
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn the_bucket_refills_at_its_rate_up_to_its_burst() {
		let mut bucket = Bucket::with_rate(0.5);
		assert_eq!(bucket.level, 1.0);
		bucket.level = -0.25;
		bucket.refilled -= Duration::from_millis(1000);
		bucket.refill();
		assert!((bucket.level - 0.25).abs() < 0.01, "half a second earned: {}", bucket.level);
		bucket.refilled -= Duration::from_secs(60);
		bucket.refill();
		assert_eq!(bucket.level, 1.0, "never more than the burst");
	}
}
