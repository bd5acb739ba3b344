//! `sable-report`: writes the reports of Sable's benchmark scripts. `bench-zk` merges the
//! results `scripts/bench-zk.sh` collected, adds the host verification times from pallet-zk's
//! benchmark results, rewrites the `bench-zk` section of docs/PERFORMANCE.md and prints the
//! merged JSON.

use std::{
	path::{Path, PathBuf},
	process::ExitCode,
};

use clap::{Parser, Subcommand};
use sable_report::{bench_zk, frame_bench, Error};

#[derive(Parser)]
#[command(name = "sable-report", about = "Write Sable's benchmark reports")]
struct Cli {
	#[command(subcommand)]
	command: Command,
}

#[derive(Subcommand)]
enum Command {
	/// Merges the JSON object each benchmark output ends with (and, with --pallet-results,
	/// the host verification times), writes it into the `bench-zk` section of --doc and
	/// prints it.
	BenchZk {
		/// The Markdown document whose section to rewrite.
		#[arg(long)]
		doc: PathBuf,
		/// The date the section gives for the run.
		#[arg(long)]
		date: String,
		/// pallet-zk's frame-benchmarking results (`--json-file`).
		#[arg(long)]
		pallet_results: Option<PathBuf>,
		/// Benchmark outputs, each ending with a line of JSON.
		outputs: Vec<PathBuf>,
	},
}

fn read(path: &Path) -> Result<String, Error> {
	std::fs::read_to_string(path).map_err(|error| Error::Io { path: path.to_path_buf(), error })
}

fn bench_zk(
	doc: &Path,
	date: &str,
	pallet_results: Option<&Path>,
	outputs: &[PathBuf],
) -> Result<String, Error> {
	let mut objects = Vec::with_capacity(outputs.len() + 1);
	for output in outputs {
		objects.push(bench_zk::last_object(&read(output)?, &output.display().to_string())?);
	}
	if let Some(path) = pallet_results {
		let results = frame_bench::parse(&read(path)?, &path.display().to_string())?;
		objects.push(bench_zk::host_verification(&results, bench_zk::SINGLE, bench_zk::BATCHED)?);
	}
	let result = bench_zk::merge(objects);
	bench_zk::section(&result, date).write_to(doc)?;
	Ok(result.to_string())
}

fn main() -> ExitCode {
	let result = match Cli::parse().command {
		Command::BenchZk { doc, date, pallet_results, outputs } => {
			bench_zk(&doc, &date, pallet_results.as_deref(), &outputs)
		},
	};
	match result {
		Ok(text) => {
			println!("{text}");
			ExitCode::SUCCESS
		},
		Err(error) => {
			eprintln!("sable-report: {error}");
			ExitCode::FAILURE
		},
	}
}
