//! What a load run reached: sustained included and finalized TPS over the measured window,
//! block fullness by weight and by length, and finality lag.

use std::time::{Duration, Instant};

use frame_support::dispatch::DispatchClass;
use sable_report::stats::{median, percentile, round};
use serde_json::{json, Value};

use crate::observer::{BlockStats, Chain};

/// The chain's limits for normal-class extrinsics in one block.
fn normal_limits() -> (u64, u64) {
	let weights = sable_runtime::configs::RuntimeBlockWeights::get();
	let max_weight =
		weights.get(DispatchClass::Normal).max_total.unwrap_or(weights.max_block).ref_time();
	let max_length =
		*sable_runtime::configs::RuntimeBlockLength::get().max.get(DispatchClass::Normal);
	(max_weight, u64::from(max_length))
}

fn max(values: impl IntoIterator<Item = f64>) -> f64 {
	values.into_iter().fold(0.0, f64::max)
}

/// Sums up the blocks first seen between `from` and `to`. Rates are over chain time: from
/// the timestamp of the block before the window's first to that of its last, so they cover
/// whole slots.
pub fn summarize(
	kind: &str,
	chain: &Chain,
	from: Instant,
	to: Instant,
	submission: Value,
) -> Value {
	let window: Vec<&BlockStats> =
		chain.blocks.values().filter(|b| b.seen >= from && b.seen <= to).collect();
	let (Some(first), Some(last)) = (window.first(), window.last()) else {
		return json!({ "kind": kind, "error": "no block in the window", "submission": submission });
	};
	// Genesis has no timestamp (0): a window starting at #1 starts one slot before it.
	let start_ms = chain
		.blocks
		.get(&(first.number.saturating_sub(1)))
		.map(|b| b.timestamp_ms)
		.filter(|ms| *ms > 0)
		.unwrap_or(first.timestamp_ms.saturating_sub(sable_runtime::SLOT_DURATION));
	let seconds = (last.timestamp_ms.saturating_sub(start_ms) as f64 / 1000.0).max(0.001);
	let included: u64 = window.iter().map(|b| b.load).sum();
	let finalized: u64 = window.iter().filter(|b| b.finalized.is_some()).map(|b| b.load).sum();
	let (max_weight, max_length) = normal_limits();
	let weight_share: Vec<f64> =
		window.iter().map(|b| 100.0 * b.normal_weight as f64 / max_weight as f64).collect();
	let length_share: Vec<f64> =
		window.iter().map(|b| 100.0 * b.bytes as f64 / max_length as f64).collect();
	let lag_seconds: Vec<f64> = window
		.iter()
		.filter_map(|b| b.finalized.map(|at| at.saturating_duration_since(b.seen).as_secs_f64()))
		.collect();
	let blocks = window.len() as f64;
	json!({
		"kind": kind,
		"blocks": window.len(),
		"first_block": first.number,
		"last_block": last.number,
		"chain_seconds": round(seconds, 1),
		"block_time_s": round(seconds / blocks, 2),
		"included": included,
		"included_tps": round(included as f64 / seconds, 1),
		"finalized": finalized,
		"finalized_tps": round(finalized as f64 / seconds, 1),
		"max_per_block": window.iter().map(|b| b.load).max().unwrap_or(0),
		"mean_per_block": round(included as f64 / blocks, 1),
		"weight_full_pct_mean": round(weight_share.iter().sum::<f64>() / blocks, 1),
		"weight_full_pct_max": round(max(weight_share.iter().copied()), 1),
		"length_full_pct_mean": round(length_share.iter().sum::<f64>() / blocks, 1),
		"length_full_pct_max": round(max(length_share.iter().copied()), 1),
		"finality_lag_s_median": round(median(&lag_seconds).unwrap_or(0.0), 1),
		"finality_lag_s_p95": round(percentile(&lag_seconds, 95.0).unwrap_or(0.0), 1),
		"finality_lag_s_max": round(max(lag_seconds), 1),
		"finality_lag_blocks_max": chain.lag_blocks.iter().copied().max().unwrap_or(0),
		"unfinalized_blocks": window.iter().filter(|b| b.finalized.is_none()).count(),
		"submission": submission,
	})
}

/// Human-readable lines for a summary.
pub fn print(summary: &Value) {
	let v = |key: &str| summary[key].to_string();
	eprintln!(
		"{}: {} blocks (#{}..#{}, {} s of chain time, {} s per block)",
		summary["kind"].as_str().unwrap_or("load"),
		v("blocks"),
		v("first_block"),
		v("last_block"),
		v("chain_seconds"),
		v("block_time_s")
	);
	eprintln!(
		"  included {} ({} TPS), finalized {} ({} TPS); per block mean {}, max {}",
		v("included"),
		v("included_tps"),
		v("finalized"),
		v("finalized_tps"),
		v("mean_per_block"),
		v("max_per_block")
	);
	eprintln!(
		"  block fullness (normal class): weight mean {}%, max {}%; length mean {}%, max {}%",
		v("weight_full_pct_mean"),
		v("weight_full_pct_max"),
		v("length_full_pct_mean"),
		v("length_full_pct_max")
	);
	eprintln!(
		"  finality lag: median {} s, p95 {} s, max {} s, max {} blocks",
		v("finality_lag_s_median"),
		v("finality_lag_s_p95"),
		v("finality_lag_s_max"),
		v("finality_lag_blocks_max")
	);
}

/// Waits until every block up to `number` is finalized, or `limit` passes.
pub async fn wait_finalized(observer: &crate::observer::Observer, number: u64, limit: Duration) {
	let deadline = Instant::now() + limit;
	while observer.chain().finalized < number && Instant::now() < deadline {
		tokio::time::sleep(Duration::from_millis(500)).await;
	}
}

/// The load a summary describes, with its batch size if it had one.
fn label(summary: &Value) -> String {
	let kind = summary["kind"].as_str().unwrap_or("?");
	match summary["submission"]["batch"].as_u64() {
		Some(batch) if batch > 1 => format!("{kind} (batches of {batch})"),
		_ => kind.to_string(),
	}
}

/// A Markdown table of summaries, one row each (`sable-load render`).
pub fn markdown(summaries: &[Value]) -> String {
	let mut table = String::from(
		"| load | blocks | block time | included TPS | finalized TPS | per block (mean / max) | weight full, mean / max | length full, mean / max | finality lag, median / p95 / max |\n\
		 | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n",
	);
	for s in summaries {
		table.push_str(&format!(
			"| {} | {} | {} s | {} | {} | {} / {} | {}% / {}% | {}% / {}% | {} s / {} s / {} s |\n",
			label(s),
			s["blocks"],
			s["block_time_s"],
			s["included_tps"],
			s["finalized_tps"],
			s["mean_per_block"],
			s["max_per_block"],
			s["weight_full_pct_mean"],
			s["weight_full_pct_max"],
			s["length_full_pct_mean"],
			s["length_full_pct_max"],
			s["finality_lag_s_median"],
			s["finality_lag_s_p95"],
			s["finality_lag_s_max"],
		));
	}
	table
}

#[cfg(test)]
mod tests {
	use super::*;

	/// Blocks 1..=4, one every 6 s of chain time, seen a second apart, 120 load transactions
	/// each, finalized up to #3.
	fn chain(t0: Instant) -> Chain {
		let mut chain = Chain::default();
		for number in 1..=4u64 {
			let seen = t0 + Duration::from_secs(number);
			let finalized = (number <= 3).then(|| seen + Duration::from_secs(2));
			let stats = BlockStats {
				number,
				seen,
				timestamp_ms: 6_000 * number,
				load: 120,
				bytes: 1_000,
				normal_weight: 0,
				finalized,
			};
			chain.blocks.insert(number, stats);
		}
		chain.finalized = 3;
		chain.lag_blocks = vec![1, 2, 1];
		chain
	}

	#[test]
	fn rates_cover_the_window_in_chain_time() {
		let t0 = Instant::now();
		let chain = chain(t0);
		// Blocks #2..#4 were seen in the window; chain time runs from #1's timestamp.
		let from = t0 + Duration::from_millis(1_500);
		let summary = summarize("test", &chain, from, t0 + Duration::from_secs(10), json!({}));
		assert_eq!(summary["blocks"], 3);
		assert_eq!(summary["first_block"], 2);
		assert_eq!(summary["chain_seconds"], 18.0);
		assert_eq!(summary["included"], 360);
		assert_eq!(summary["included_tps"], 20.0);
		assert_eq!(summary["finalized"], 240);
		assert_eq!(summary["finalized_tps"], 13.3);
		assert_eq!(summary["unfinalized_blocks"], 1);
		assert_eq!(summary["finality_lag_s_median"], 2.0);
		assert_eq!(summary["finality_lag_s_p95"], 2.0);
		assert_eq!(summary["block_time_s"], 6.0);
		assert_eq!(summary["finality_lag_blocks_max"], 2);
	}

	#[test]
	fn a_window_from_the_first_block_starts_a_slot_before_it() {
		let t0 = Instant::now();
		let mut chain = chain(t0);
		let genesis =
			BlockStats { number: 0, seen: t0, timestamp_ms: 0, ..chain.blocks[&1].clone() };
		chain.blocks.insert(0, genesis);
		let from = t0 + Duration::from_millis(500);
		let summary = summarize("test", &chain, from, t0 + Duration::from_secs(10), json!({}));
		assert_eq!(summary["first_block"], 1);
		let slots = 24_000 - (6_000 - sable_runtime::SLOT_DURATION);
		assert_eq!(summary["chain_seconds"], slots as f64 / 1000.0);
	}

	#[test]
	fn a_window_without_blocks_is_an_error() {
		let t0 = Instant::now();
		let later = t0 + Duration::from_secs(60);
		let summary = summarize("test", &chain(t0), later, later, json!({}));
		assert_eq!(summary["error"], "no block in the window");
	}
}
