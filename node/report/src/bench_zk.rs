//! The `scripts/bench-zk.sh` report: the JSON objects its benchmarks print, the host
//! verification times read off the pallet benchmarks, merged into one object, and the
//! `bench-zk` section of docs/PERFORMANCE.md that shows it.

use serde_json::{json, Map, Value};

use crate::{frame_bench, section::Section, stats::round, Error};

/// The batch size whose per-proof time the report gives (`host_batch32_ms_per_proof`).
pub const BATCH: u32 = 32;

/// The result a benchmark printed: the last line of its output that starts with `{`, a JSON
/// object; `what` names the output in errors.
pub fn last_object(output: &str, what: &str) -> Result<Map<String, Value>, Error> {
	let error = |error: String| Error::Json { what: what.into(), error };
	let line = output
		.lines()
		.rev()
		.find(|line| line.starts_with('{'))
		.ok_or_else(|| error("no line with a JSON object".into()))?;
	serde_json::from_str(line).map_err(|e| error(e.to_string()))
}

/// The pallet-zk benchmark that verifies one proof through the host (`shield`: the other
/// calls leave their proofs to the block's batch).
pub const SINGLE: &str = "shield";
/// The pallet-zk benchmark of the block's batch verification, over `n` proofs.
pub const BATCHED: &str = "verify_block_proofs";

/// Verification through the runtime, from pallet-zk's benchmark results (times in ms):
/// `host_verify_ms`, the median of benchmark `single` (one verification with the call's own
/// work), and `host_batch32_ms_per_proof`, read at `n` = [`BATCH`] off the least-squares line
/// through the medians of benchmark `batched(n)`.
pub fn host_verification(
	results: &[frame_bench::Benchmark],
	single: &str,
	batched: &str,
) -> Result<Map<String, Value>, Error> {
	let transfer = frame_bench::find(results, single)?.median_ms_at(0)?;
	let batch = frame_bench::find(results, batched)?.fit_ms()?;
	let per_proof = batch.at(f64::from(BATCH)) / f64::from(BATCH);
	let mut host = Map::new();
	host.insert("host_verify_ms".into(), json!(round(transfer, 2)));
	host.insert("host_batch32_ms_per_proof".into(), json!(round(per_proof, 2)));
	Ok(host)
}

/// One object with the keys of all of `objects` (a later object's value wins), every
/// object's keys sorted.
pub fn merge(objects: impl IntoIterator<Item = Map<String, Value>>) -> Value {
	let mut merged = Map::new();
	for object in objects {
		merged.extend(object);
	}
	let mut merged = Value::Object(merged);
	merged.sort_all_objects();
	merged
}

/// The `bench-zk` section showing `result`, run on `date`.
pub fn section(result: &Value, date: &str) -> Section {
	let threads = match result.get("threads") {
		Some(Value::String(threads)) => threads.clone(),
		Some(threads) => threads.to_string(),
		None => "unset".into(),
	};
	Section {
		name: "bench-zk".into(),
		note: None,
		body: format!(
			"Last run: {date} by `scripts/bench-zk.sh` (release, RAYON_NUM_THREADS={threads}).\n\
			 \n\
			 ```json\n\
			 {result:#}\n\
			 ```"
		),
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::frame_bench::tests::SAMPLE;

	#[test]
	fn takes_the_last_object_line_of_an_output() -> Result<(), Error> {
		let output =
			"transfer circuit: k = 11\n{\"old\": 1}\n{\"k\": 11, \"threads\": \"1\"}\ndone\n";
		assert_eq!(Value::Object(last_object(output, "bench")?), json!({"k": 11, "threads": "1"}));
		Ok(())
	}

	#[test]
	fn refuses_an_output_without_an_object() {
		let refused = last_object("running 0 tests\n", "bench");
		assert!(matches!(refused, Err(Error::Json { what, .. }) if what == "bench"));
		assert!(matches!(last_object("{\"k\": \n", "bench"), Err(Error::Json { .. })));
		assert!(matches!(last_object("{} trailing\n", "bench"), Err(Error::Json { .. })));
	}

	#[test]
	fn host_times_from_pallet_results() -> Result<(), Error> {
		let host =
			host_verification(&frame_bench::parse(SAMPLE, "sample")?, "transfer", "submit_batch")?;
		// transfer: median 26 ms; submit_batch: 30 + 2n ms, so (30 + 64) / 32 = 2.9375.
		assert_eq!(
			Value::Object(host),
			json!({"host_verify_ms": 26.0, "host_batch32_ms_per_proof": 2.94})
		);
		Ok(())
	}

	#[test]
	fn host_times_need_both_benchmarks() -> Result<(), Error> {
		let mut results = frame_bench::parse(SAMPLE, "sample")?;
		results.retain(|b| b.benchmark == "transfer");
		let refused = host_verification(&results, "transfer", "submit_batch");
		assert!(matches!(refused, Err(Error::MissingBenchmark(name)) if name == "submit_batch"));
		Ok(())
	}

	#[test]
	fn merges_later_keys_over_earlier_and_sorts_them() -> Result<(), Error> {
		let first = last_object(r#"{"b": 1, "a": {"z": 1, "y": 2}}"#, "first")?;
		let second = last_object(r#"{"b": 2, "c": 3}"#, "second")?;
		let merged = merge([first, Map::new(), second]);
		assert_eq!(merged.to_string(), r#"{"a":{"y":2,"z":1},"b":2,"c":3}"#);
		Ok(())
	}

	#[test]
	fn section_shows_the_result_as_sorted_indented_json() -> Result<(), Error> {
		let circuit =
			last_object(r#"{"threads": "1", "batch_ms_per_proof": {"4": 6.23, "16": 2.29}}"#, "c")?;
		let jobs = last_object(r#"{"poi_lora_keygen_ms": 3849.0, "k": 11}"#, "j")?;
		let section = section(&merge([circuit, jobs]), "2026-11-22");
		assert_eq!(section.name, "bench-zk");
		assert_eq!(
			section.render(),
			"<!-- bench-zk:begin -->\n\
			 Last run: 2026-11-22 by `scripts/bench-zk.sh` (release, RAYON_NUM_THREADS=1).\n\
			 \n\
			 ```json\n\
			 {\n  \"batch_ms_per_proof\": {\n    \"16\": 2.29,\n    \"4\": 6.23\n  },\n  \
			 \"k\": 11,\n  \"poi_lora_keygen_ms\": 3849.0,\n  \"threads\": \"1\"\n}\n\
			 ```\n\
			 <!-- bench-zk:end -->"
		);
		Ok(())
	}
}
