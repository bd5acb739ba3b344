//! The chain at rest: block time and finality lag over a number of blocks with no load, the
//! baseline beside each loaded run.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::{observer::Observer, report};

/// Nothing in an idle chain is load.
fn no_load(_: &sable_runtime::UncheckedExtrinsic) -> u64 {
	0
}

/// Watches `blocks` new blocks at `url` and returns their summary.
pub async fn run(url: &str, blocks: u64) -> Result<Value, String> {
	let slot = Duration::from_millis(sable_runtime::SLOT_DURATION);
	let observer = Observer::start(url, no_load).await?;
	// The window starts after a first block, so that its first block's predecessor (where
	// its chain time starts) has been seen.
	let patience = slot * 10;
	let waiting = Instant::now();
	while observer.chain().blocks.is_empty() {
		if waiting.elapsed() > patience {
			return Err(format!("no block within {} s", patience.as_secs()));
		}
		tokio::time::sleep(Duration::from_millis(200)).await;
	}
	let started = Instant::now();
	let limit = slot * (4 * blocks as u32) + patience;
	loop {
		let chain = observer.chain();
		if chain.blocks.values().filter(|b| b.seen >= started).count() as u64 >= blocks {
			break;
		}
		if started.elapsed() > limit {
			return Err(format!("fewer than {blocks} blocks within {} s", limit.as_secs()));
		}
		tokio::time::sleep(Duration::from_millis(200)).await;
	}
	let stopped = Instant::now();
	let last = observer.chain().blocks.keys().next_back().copied().unwrap_or(0);
	report::wait_finalized(&observer, last, Duration::from_secs(60)).await;
	let chain = observer.stop();
	Ok(report::summarize("idle", &chain, started, stopped, json!({ "blocks_watched": blocks })))
}
