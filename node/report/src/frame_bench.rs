//! frame-benchmarking-cli's results (`benchmark pallet --json-file`): each benchmark's
//! extrinsic times (nanoseconds) by the value of its first component.

use std::collections::BTreeMap;

use serde::{de::IgnoredAny, Deserialize, Deserializer};

use crate::{stats, Error};

/// One benchmark's timing results.
#[derive(Debug, Deserialize)]
pub struct Benchmark {
	/// The benchmark's (extrinsic's) name.
	#[serde(deserialize_with = "name")]
	pub benchmark: String,
	/// One entry per run.
	pub time_results: Vec<TimeResult>,
}

/// One run of a benchmark.
#[derive(Debug, Deserialize)]
pub struct TimeResult {
	/// The components' names and values.
	pub components: Vec<(IgnoredAny, u32)>,
	/// The extrinsic's execution time in nanoseconds.
	pub extrinsic_time: u128,
}

/// A name as frame-benchmarking writes it: a string, or (older releases) its UTF-8 bytes.
fn name<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
	#[derive(Deserialize)]
	#[serde(untagged)]
	enum Name {
		Text(String),
		Bytes(Vec<u8>),
	}
	match Name::deserialize(deserializer)? {
		Name::Text(text) => Ok(text),
		Name::Bytes(bytes) => String::from_utf8(bytes).map_err(serde::de::Error::custom),
	}
}

/// Parses a results file's text; `what` names it in errors.
pub fn parse(json: &str, what: &str) -> Result<Vec<Benchmark>, Error> {
	serde_json::from_str(json).map_err(|e| Error::Json { what: what.into(), error: e.to_string() })
}

/// The benchmark called `name`.
pub fn find<'a>(results: &'a [Benchmark], name: &str) -> Result<&'a Benchmark, Error> {
	results.iter().find(|b| b.benchmark == name).ok_or_else(|| Error::MissingBenchmark(name.into()))
}

impl Benchmark {
	/// The median extrinsic time in milliseconds for each value of the first component
	/// (0 for runs without components).
	pub fn median_ms(&self) -> BTreeMap<u32, f64> {
		let mut times: BTreeMap<u32, Vec<f64>> = BTreeMap::new();
		for run in &self.time_results {
			let value = run.components.first().map_or(0, |c| c.1);
			times.entry(value).or_default().push(run.extrinsic_time as f64);
		}
		times
			.into_iter()
			.filter_map(|(value, ns)| Some((value, stats::median(&ns)? / 1e6)))
			.collect()
	}

	/// The median extrinsic time in milliseconds at component value `value`.
	pub fn median_ms_at(&self, value: u32) -> Result<f64, Error> {
		self.median_ms()
			.get(&value)
			.copied()
			.ok_or_else(|| Error::MissingComponent { benchmark: self.benchmark.clone(), value })
	}

	/// The least-squares line through the median times (milliseconds) by component value.
	pub fn fit_ms(&self) -> Result<stats::Line, Error> {
		let points: Vec<(f64, f64)> =
			self.median_ms().into_iter().map(|(x, y)| (f64::from(x), y)).collect();
		stats::fit_line(&points).ok_or_else(|| Error::TooFewPoints(self.benchmark.clone()))
	}
}

#[cfg(test)]
pub(crate) mod tests {
	use super::*;

	/// A `--json-file` of two benchmarks (fewer runs, same fields): `transfer` without
	/// components, its names as strings (current releases), median 26 ms; `submit_batch`
	/// over `n`, its names as bytes (older releases), medians on the line 30 + 2n ms.
	pub const SAMPLE: &str = r#"[
		{
			"pallet": "pallet_zk", "instance": "Zk", "benchmark": "transfer",
			"time_results": [
				{"components": [], "extrinsic_time": 25000000, "storage_root_time": 1000,
				 "reads": 5, "repeat_reads": 0, "writes": 4, "repeat_writes": 0, "proof_size": 0},
				{"components": [], "extrinsic_time": 30000000, "storage_root_time": 1000,
				 "reads": 5, "repeat_reads": 0, "writes": 4, "repeat_writes": 0, "proof_size": 0},
				{"components": [], "extrinsic_time": 26000000, "storage_root_time": 1000,
				 "reads": 5, "repeat_reads": 0, "writes": 4, "repeat_writes": 0, "proof_size": 0}
			],
			"db_results": []
		},
		{
			"pallet": [112, 97, 108, 108, 101, 116, 95, 122, 107], "instance": [90, 107],
			"benchmark": [115, 117, 98, 109, 105, 116, 95, 98, 97, 116, 99, 104],
			"time_results": [
				{"components": [["n", 1]], "extrinsic_time": 31000000, "storage_root_time": 0,
				 "reads": 0, "repeat_reads": 0, "writes": 0, "repeat_writes": 0, "proof_size": 0},
				{"components": [["n", 1]], "extrinsic_time": 33000000, "storage_root_time": 0,
				 "reads": 0, "repeat_reads": 0, "writes": 0, "repeat_writes": 0, "proof_size": 0},
				{"components": [["n", 8]], "extrinsic_time": 46000000, "storage_root_time": 0,
				 "reads": 0, "repeat_reads": 0, "writes": 0, "repeat_writes": 0, "proof_size": 0},
				{"components": [["n", 15]], "extrinsic_time": 61000000, "storage_root_time": 0,
				 "reads": 0, "repeat_reads": 0, "writes": 0, "repeat_writes": 0, "proof_size": 0},
				{"components": [["n", 15]], "extrinsic_time": 59000000, "storage_root_time": 0,
				 "reads": 0, "repeat_reads": 0, "writes": 0, "repeat_writes": 0, "proof_size": 0}
			],
			"db_results": []
		}
	]"#;

	#[test]
	fn reads_names_written_as_strings_and_as_bytes() -> Result<(), Error> {
		let results = parse(SAMPLE, "sample")?;
		let names: Vec<&str> = results.iter().map(|b| b.benchmark.as_str()).collect();
		assert_eq!(names, ["transfer", "submit_batch"]);
		let run = &find(&results, "submit_batch")?.time_results[2];
		assert_eq!((run.components[0].1, run.extrinsic_time), (8, 46_000_000));
		Ok(())
	}

	#[test]
	fn medians_by_component_value_in_milliseconds() -> Result<(), Error> {
		let results = parse(SAMPLE, "sample")?;
		assert_eq!(find(&results, "transfer")?.median_ms(), BTreeMap::from([(0, 26.0)]));
		assert_eq!(find(&results, "transfer")?.median_ms_at(0)?, 26.0);
		assert_eq!(
			find(&results, "submit_batch")?.median_ms(),
			BTreeMap::from([(1, 32.0), (8, 46.0), (15, 60.0)])
		);
		Ok(())
	}

	#[test]
	fn fits_a_line_to_the_medians() -> Result<(), Error> {
		let results = parse(SAMPLE, "sample")?;
		let line = find(&results, "submit_batch")?.fit_ms()?;
		assert_eq!(line, stats::Line { slope: 2.0, intercept: 30.0 });
		Ok(())
	}

	#[test]
	fn refuses_what_is_not_there() -> Result<(), Error> {
		let results = parse(SAMPLE, "sample")?;
		assert!(matches!(
			find(&results, "shield"),
			Err(Error::MissingBenchmark(name)) if name == "shield"
		));
		let transfer = find(&results, "transfer")?;
		assert!(matches!(
			transfer.median_ms_at(32),
			Err(Error::MissingComponent { value: 32, .. })
		));
		assert!(matches!(transfer.fit_ms(), Err(Error::TooFewPoints(name)) if name == "transfer"));
		Ok(())
	}

	#[test]
	fn refuses_malformed_results() {
		assert!(matches!(parse("{}", "x"), Err(Error::Json { .. })));
		let bad_name = r#"[{"benchmark": [255, 254], "time_results": []}]"#;
		assert!(matches!(parse(bad_name, "x"), Err(Error::Json { .. })));
		let no_time = r#"[{"benchmark": "t", "time_results": [{"components": []}]}]"#;
		assert!(matches!(parse(no_time, "x"), Err(Error::Json { .. })));
	}
}
