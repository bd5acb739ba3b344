//! `sable-load`: load for a Sable node. `transfers` drives signed balance transfers from many
//! pre-funded accounts for a fixed time; `private` submits private transfers proved in
//! advance; `idle` only watches. Each watches the chain meanwhile and prints what it
//! sustained: block time, included and finalized TPS, block fullness and finality lag
//! (JSON on stdout, lines on stderr).
//! `scripts/load-test.sh` runs both against a dev node and records the numbers.

mod idle;
mod observer;
mod private;
mod record;
mod report;
mod rpc;
mod transfers;

use std::{process::ExitCode, time::Duration};

use clap::{Parser, Subcommand};
use sable_wallet::{extrinsic::ChainContext, node_client::NodeClient};

#[derive(Parser)]
#[command(name = "sable-load", about = "Load a Sable node and measure what it sustains")]
struct Cli {
	/// The node's WebSocket RPC.
	#[arg(long, default_value = "ws://127.0.0.1:9944", global = true)]
	url: String,
	#[command(subcommand)]
	command: Command,
}

#[derive(Subcommand)]
enum Command {
	/// Signed `balances.transfer_keep_alive` from many accounts (`//Load//0`, `//Load//1`, ...,
	/// funded by //Alice on first use) for a fixed time.
	Transfers {
		/// Sending accounts.
		#[arg(long, default_value_t = 1_000)]
		accounts: usize,
		/// Seconds of submitting.
		#[arg(long, default_value_t = 60)]
		duration: u64,
		/// Transfers signed in advance per second of `--duration` (above what the chain takes).
		#[arg(long, default_value_t = 2_500)]
		presign_rate: usize,
		/// Concurrent submissions.
		#[arg(long, default_value_t = 128)]
		in_flight: usize,
		/// Transfers offered per second; 0 submits as fast as the pool takes them, which
		/// fills the pool until it evicts, leaving later nonces of evicted senders stuck.
		#[arg(long, default_value_t = 0)]
		rate: u32,
	},
	/// Private `zk.transfer`s proved in advance (about a second of proving each, plus one
	/// shield per transfer to fund it), submitted at once.
	Private {
		/// Number of transfers.
		#[arg(long, default_value_t = 150)]
		count: usize,
		/// Seconds to wait for them to be included.
		#[arg(long, default_value_t = 120)]
		duration: u64,
		/// Transfers per `zk.submit_batch` (1: each its own `zk.transfer`).
		#[arg(long, default_value_t = 1)]
		batch: usize,
	},
	/// No load: watches `--blocks` new blocks for the chain's block time and finality lag at
	/// rest.
	Idle {
		/// Blocks to watch.
		#[arg(long, default_value_t = 100)]
		blocks: u64,
	},
	/// Prints a Markdown table of summaries that earlier runs wrote (JSON files).
	Render {
		/// The summaries.
		files: Vec<std::path::PathBuf>,
	},
	/// Writes the table of summaries, with where and how the load ran, into the `load-test`
	/// section of a Markdown document.
	Record {
		/// The document.
		#[arg(long)]
		doc: std::path::PathBuf,
		/// Where and how the load ran.
		#[command(flatten)]
		run: record::Run,
		/// The summaries.
		files: Vec<std::path::PathBuf>,
	},
}

async fn chain_context(url: &str) -> Result<ChainContext, String> {
	let node = NodeClient::connect(url).await.map_err(|e| e.to_string())?;
	node.chain_context().await.map_err(|e| e.to_string())
}

fn render(files: &[std::path::PathBuf]) -> Result<String, String> {
	let mut summaries = Vec::with_capacity(files.len());
	for file in files {
		let text = std::fs::read_to_string(file).map_err(|e| format!("{}: {e}", file.display()))?;
		summaries
			.push(serde_json::from_str(&text).map_err(|e| format!("{}: {e}", file.display()))?);
	}
	Ok(report::markdown(&summaries))
}

fn record(
	doc: &std::path::Path,
	run: &record::Run,
	files: &[std::path::PathBuf],
) -> Result<(), String> {
	let section = record::section(run, &record::machine(), &render(files)?);
	section.write_to(doc).map_err(|e| e.to_string())
}

/// What a command produced.
enum Output {
	/// A load run's summary.
	Summary(serde_json::Value),
	/// A rendered table.
	Table(String),
	/// A document with a recorded section.
	Recorded(std::path::PathBuf),
}

/// A load run, ready to start.
enum Load {
	Transfers(transfers::Options),
	Private(private::Options),
}

async fn run(cli: Cli) -> Result<Output, String> {
	let load = match cli.command {
		Command::Render { files } => return render(&files).map(Output::Table),
		Command::Record { doc, run, files } => {
			return record(&doc, &run, &files).map(|()| Output::Recorded(doc));
		},
		Command::Idle { blocks } => return idle::run(&cli.url, blocks).await.map(Output::Summary),
		Command::Transfers { accounts, duration, presign_rate, in_flight, rate } => {
			Load::Transfers(transfers::Options {
				url: cli.url.clone(),
				accounts,
				duration: Duration::from_secs(duration),
				presign_rate,
				in_flight,
				rate,
			})
		},
		Command::Private { count, duration, batch } => Load::Private(private::Options {
			url: cli.url.clone(),
			count,
			duration: Duration::from_secs(duration),
			batch,
		}),
	};
	let context = chain_context(&cli.url).await?;
	let summary = match load {
		Load::Transfers(options) => transfers::run(options, context).await?,
		Load::Private(options) => private::run(options, context).await?,
	};
	Ok(Output::Summary(summary))
}

#[tokio::main]
async fn main() -> ExitCode {
	match run(Cli::parse()).await {
		Ok(Output::Table(table)) => {
			print!("{table}");
			ExitCode::SUCCESS
		},
		Ok(Output::Recorded(doc)) => {
			eprintln!("sable-load: recorded in {}", doc.display());
			ExitCode::SUCCESS
		},
		Ok(Output::Summary(summary)) => {
			report::print(&summary);
			println!("{summary}");
			if summary.get("error").is_some() {
				return ExitCode::FAILURE;
			}
			ExitCode::SUCCESS
		},
		Err(error) => {
			eprintln!("sable-load: {error}");
			ExitCode::FAILURE
		},
	}
}
