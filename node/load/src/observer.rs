//! Watches the chain while load runs: for every new best block its load transactions,
//! extrinsic bytes, normal-class weight and timestamp; for every finalized head the moment
//! it arrived, so each block's finality lag is known.

use std::{
	collections::BTreeMap,
	sync::{Arc, Mutex},
	time::Instant,
};

use codec::Decode;
use frame_support::{dispatch::DispatchClass, storage::storage_prefix, weights::Weight};
use sable_runtime::{RuntimeCall, UncheckedExtrinsic};
use sable_zk_primitives::encoding::from_hex;

use crate::rpc::{self, Rpc};

/// How many load transactions an extrinsic carries.
pub type Classifier = fn(&UncheckedExtrinsic) -> u64;

/// What the observer learnt about one block.
#[derive(Clone, Debug)]
pub struct BlockStats {
	/// Block number.
	pub number: u64,
	/// When its header arrived as the new best block.
	pub seen: Instant,
	/// Its `Timestamp::Now`, in milliseconds.
	pub timestamp_ms: u64,
	/// Load transactions in it.
	pub load: u64,
	/// Bytes of all its extrinsics.
	pub bytes: u64,
	/// Normal-class weight consumed (ref time).
	pub normal_weight: u64,
	/// When a finalized head at or above it arrived.
	pub finalized: Option<Instant>,
}

/// Blocks seen so far, by number, and the best-minus-finalized gaps sampled at each new head.
#[derive(Default)]
pub struct Chain {
	/// Blocks by number (the latest header seen at each height).
	pub blocks: BTreeMap<u64, BlockStats>,
	/// The highest finalized number seen.
	pub finalized: u64,
	/// `best - finalized` in blocks at each new best head.
	pub lag_blocks: Vec<u64>,
	/// Each rise of the finalized head: the new head and when it arrived.
	pub finalized_heads: Vec<(u64, Instant)>,
}

impl Chain {
	/// When block `number` was first covered by a finalized head, if it has been.
	fn finalized_at(&self, number: u64) -> Option<Instant> {
		self.finalized_heads.iter().find(|(head, _)| *head >= number).map(|(_, at)| *at)
	}
}

/// A running observer.
pub struct Observer {
	chain: Arc<Mutex<Chain>>,
	task: tokio::task::JoinHandle<()>,
}

impl Observer {
	/// Connects to `url` and starts watching.
	pub async fn start(url: &str, classify: Classifier) -> Result<Observer, String> {
		let rpc = Arc::new(Rpc::connect(url, 16).await?);
		let mut best = rpc.heads(false).await?;
		let mut finalized = rpc.heads(true).await?;
		let chain = Arc::new(Mutex::new(Chain::default()));
		let shared = chain.clone();
		let task = tokio::spawn(async move {
			loop {
				tokio::select! {
					Some(Ok(header)) = best.next() => {
						// Times are taken when a header arrives; a block's contents are read
						// beside the loop, so that reading a large block never delays the
						// arrival time of the next header or of a finalized head.
						let seen = Instant::now();
						let Some(number) = rpc::header_number(&header) else { continue };
						let (rpc, shared) = (rpc.clone(), shared.clone());
						tokio::spawn(async move {
							match block_stats(&rpc, number, seen, classify).await {
								Ok(stats) => record_best(&shared, stats),
								Err(error) => eprintln!("observer: block #{number}: {error}"),
							}
						});
					},
					Some(Ok(header)) = finalized.next() => {
						if let Some(number) = rpc::header_number(&header) {
							record_finalized(&shared, number, Instant::now());
						}
					},
					else => break,
				}
			}
		});
		Ok(Observer { chain, task })
	}

	/// A copy of what was seen so far.
	pub fn chain(&self) -> Chain {
		let chain = self.chain.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
		Chain {
			blocks: chain.blocks.clone(),
			finalized: chain.finalized,
			lag_blocks: chain.lag_blocks.clone(),
			finalized_heads: chain.finalized_heads.clone(),
		}
	}

	/// Stops watching.
	pub fn stop(self) -> Chain {
		self.task.abort();
		self.chain()
	}
}

fn record_best(chain: &Mutex<Chain>, stats: BlockStats) {
	let mut chain = chain.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
	let lag = stats.number.saturating_sub(chain.finalized);
	chain.lag_blocks.push(lag);
	let mut stats = stats;
	// Finalized before its contents were read: finalized when that head arrived, or on its
	// own arrival if it came in below the finalized head.
	stats.finalized = chain.finalized_at(stats.number).map(|at| at.max(stats.seen));
	chain.blocks.insert(stats.number, stats);
}

fn record_finalized(chain: &Mutex<Chain>, number: u64, at: Instant) {
	let mut chain = chain.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
	if number > chain.finalized {
		chain.finalized_heads.push((number, at));
	}
	chain.finalized = chain.finalized.max(number);
	for stats in chain.blocks.range_mut(..=number).map(|(_, stats)| stats) {
		stats.finalized.get_or_insert(at);
	}
}

async fn block_stats(
	rpc: &Rpc,
	number: u64,
	seen: Instant,
	classify: Classifier,
) -> Result<BlockStats, String> {
	let hash = rpc.block_hash(number).await?;
	let extrinsics = rpc.block_extrinsics(&hash).await?;
	let mut load = 0;
	let mut bytes = 0;
	for hex in &extrinsics {
		let raw = from_hex(hex).map_err(|e| format!("extrinsic of block #{number}: {e}"))?;
		bytes += raw.len() as u64;
		if let Ok(extrinsic) = UncheckedExtrinsic::decode(&mut &raw[..]) {
			load += classify(&extrinsic);
		}
	}
	let timestamp_ms: u64 =
		rpc.storage(&storage_prefix(b"Timestamp", b"Now"), Some(&hash)).await?.unwrap_or_default();
	let consumed: Option<frame_support::dispatch::PerDispatchClass<Weight>> =
		rpc.storage(&storage_prefix(b"System", b"BlockWeight"), Some(&hash)).await?;
	let normal_weight = consumed.map(|w| w.get(DispatchClass::Normal).ref_time()).unwrap_or(0);
	Ok(BlockStats { number, seen, timestamp_ms, load, bytes, normal_weight, finalized: None })
}

/// A signed `Balances` transfer counts one.
pub fn balance_transfers(extrinsic: &UncheckedExtrinsic) -> u64 {
	let signed = matches!(extrinsic.preamble, sp_runtime::generic::Preamble::Signed(..));
	match &extrinsic.function {
		RuntimeCall::Balances(pallet_balances::Call::transfer_keep_alive { .. }) if signed => 1,
		_ => 0,
	}
}

/// A private transfer counts one, a batch the transfers in it.
pub fn private_transfers(extrinsic: &UncheckedExtrinsic) -> u64 {
	match &extrinsic.function {
		RuntimeCall::Zk(pallet_zk::Call::transfer { .. }) => 1,
		RuntimeCall::Zk(pallet_zk::Call::submit_batch { actions }) => actions
			.iter()
			.filter(|action| matches!(action, pallet_zk::ShieldedAction::Transfer(_)))
			.count() as u64,
		_ => 0,
	}
}

#[cfg(test)]
mod tests {
	use std::time::Duration;

	use super::*;

	fn block(number: u64, seen: Instant) -> BlockStats {
		BlockStats {
			number,
			seen,
			timestamp_ms: 0,
			load: 0,
			bytes: 0,
			normal_weight: 0,
			finalized: None,
		}
	}

	#[test]
	fn a_finalized_head_finalizes_every_block_below_it_once() {
		let chain = Mutex::new(Chain::default());
		let t0 = Instant::now();
		for number in 1..=3 {
			record_best(&chain, block(number, t0));
		}
		let first = t0 + Duration::from_secs(5);
		record_finalized(&chain, 2, first);
		record_finalized(&chain, 3, first + Duration::from_secs(5));
		// A later, lower head changes nothing.
		record_finalized(&chain, 1, first + Duration::from_secs(9));
		let chain = chain.into_inner().expect("not poisoned");
		let finalized: Vec<_> = chain.blocks.values().map(|b| b.finalized).collect();
		assert_eq!(finalized, [Some(first), Some(first), Some(first + Duration::from_secs(5))]);
		assert_eq!(chain.finalized, 3);
		// The gaps seen at each new best head: nothing was finalized yet.
		assert_eq!(chain.lag_blocks, [1, 2, 3]);
	}

	#[test]
	fn a_block_arriving_below_the_finalized_head_counts_as_finalized_on_arrival() {
		let chain = Mutex::new(Chain::default());
		let t0 = Instant::now();
		record_finalized(&chain, 5, t0);
		record_best(&chain, block(4, t0 + Duration::from_secs(1)));
		let chain = chain.into_inner().expect("not poisoned");
		assert_eq!(chain.blocks[&4].finalized, Some(t0 + Duration::from_secs(1)));
	}

	#[test]
	fn a_block_read_after_its_finality_keeps_the_time_its_head_came_and_went() {
		let chain = Mutex::new(Chain::default());
		let t0 = Instant::now();
		// #7's header arrived at t0 and #8's at t0 + 2 s; #7 was finalized at t0 + 3 s, and
		// its contents were read only after that.
		record_finalized(&chain, 6, t0);
		record_finalized(&chain, 7, t0 + Duration::from_secs(3));
		record_best(&chain, block(8, t0 + Duration::from_secs(2)));
		record_best(&chain, block(7, t0));
		let chain = chain.into_inner().expect("not poisoned");
		assert_eq!(chain.blocks[&7].finalized, Some(t0 + Duration::from_secs(3)));
		assert_eq!(chain.blocks[&8].finalized, None);
	}
}
