//! A bounded set of statements that already verified, so that a transfer checked when it
//! entered the transaction pool is not checked again when its block is built or imported.
//!
//! Only successes are remembered, keyed by a BLAKE2b-256 digest of the SCALE-encoded
//! statement (circuit id and version, public inputs, proof): a failing or unseen statement is
//! always verified, so invalid proofs cannot poison the cache. The oldest entry is evicted
//! first.

use std::{
	collections::{HashSet, VecDeque},
	sync::{
		atomic::{AtomicBool, Ordering},
		LazyLock, Mutex, MutexGuard,
	},
};

/// Statements remembered (about 100 bytes each).
pub const CACHE_CAPACITY: usize = 16 * 1024;

struct Cache {
	members: HashSet<[u8; 32]>,
	order: VecDeque<[u8; 32]>,
}

static CACHE: LazyLock<Mutex<Cache>> =
	LazyLock::new(|| Mutex::new(Cache { members: HashSet::new(), order: VecDeque::new() }));
static ENABLED: AtomicBool = AtomicBool::new(true);

fn cache() -> MutexGuard<'static, Cache> {
	// A panic while holding the lock cannot leave the set inconsistent with any verification
	// result, so a poisoned lock is still usable.
	CACHE.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The cache key of an encoded statement.
pub(crate) fn digest(encoded_statement: &[u8]) -> [u8; 32] {
	let hash = blake2b_simd::Params::new()
		.hash_length(32)
		.personal(b"Sable_ZkVerified")
		.hash(encoded_statement);
	let mut out = [0u8; 32];
	out.copy_from_slice(hash.as_bytes());
	out
}

/// Whether this statement verified before.
pub(crate) fn contains(digest: &[u8; 32]) -> bool {
	ENABLED.load(Ordering::Relaxed) && cache().members.contains(digest)
}

/// Remembers a statement that verified.
pub(crate) fn insert(digest: [u8; 32]) {
	if !ENABLED.load(Ordering::Relaxed) {
		return;
	}
	let mut cache = cache();
	if cache.members.insert(digest) {
		cache.order.push_back(digest);
		while cache.order.len() > CACHE_CAPACITY {
			if let Some(oldest) = cache.order.pop_front() {
				cache.members.remove(&oldest);
			}
		}
	}
}

/// Turns the cache on or off for this process. Benchmarks turn it off so that every
/// repetition pays for a real verification.
pub fn set_cache_enabled(enabled: bool) {
	ENABLED.store(enabled, Ordering::Relaxed);
}

/// Forgets every remembered statement.
pub fn clear_cache() {
	let mut cache = cache();
	cache.members.clear();
	cache.order.clear();
}
