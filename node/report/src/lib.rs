//! Benchmark and load reports for docs/PERFORMANCE.md: statistics (median, least-squares
//! line), frame-benchmarking-cli's JSON results, the `scripts/bench-zk.sh` report and the
//! marked sections both scripts rewrite. The `sable-report` command runs them.

pub mod bench_zk;
pub mod frame_bench;
pub mod section;
pub mod stats;

use std::{fmt, path::PathBuf};

/// Why a report could not be made.
#[derive(Debug)]
pub enum Error {
	/// A file could not be read or written.
	Io {
		/// The file.
		path: PathBuf,
		/// What went wrong.
		error: std::io::Error,
	},
	/// Input that should be JSON of a known shape is not.
	Json {
		/// Where the input came from.
		what: String,
		/// What the parser said.
		error: String,
	},
	/// The benchmark results have no benchmark of this name.
	MissingBenchmark(String),
	/// A benchmark has no result for this value of its first component (0: no component).
	MissingComponent {
		/// The benchmark.
		benchmark: String,
		/// The component value.
		value: u32,
	},
	/// A line cannot be fitted to a benchmark's results (fewer than two component values).
	TooFewPoints(String),
	/// A document's section markers are out of order or incomplete.
	Markers(String),
}

impl fmt::Display for Error {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		match self {
			Self::Io { path, error } => write!(f, "{}: {error}", path.display()),
			Self::Json { what, error } => write!(f, "{what}: {error}"),
			Self::MissingBenchmark(name) => write!(f, "no results for benchmark `{name}`"),
			Self::MissingComponent { benchmark, value } => {
				write!(f, "benchmark `{benchmark}` has no result for component value {value}")
			},
			Self::TooFewPoints(name) => {
				write!(f, "benchmark `{name}` needs two or more component values to fit a line")
			},
			Self::Markers(message) => f.write_str(message),
		}
	}
}

impl std::error::Error for Error {}
