//! The command line's schema (clap derive): global options, the commands and their flags.
//! docs/WALLET.md describes them.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

// Doc comments here are `--help` text: the types themselves have none, so that clap shows
// exactly the commands' and flags' own.

#[derive(Parser)]
#[command(name = "sable", version, about = "Sable's shielded wallet")]
pub(crate) struct Cli {
	/// Where the key file and the note store live.
	#[arg(long, global = true, env = "SABLE_DATA_DIR")]
	data_dir: Option<PathBuf>,
	/// The node's WebSocket RPC endpoint.
	#[arg(long, global = true, default_value = "ws://127.0.0.1:9944", env = "SABLE_NODE")]
	pub(crate) node: String,
	/// `text` for people, `json` for scripts.
	#[arg(long, global = true, value_enum, default_value_t = Output::Text)]
	pub(crate) output: Output,
	#[command(subcommand)]
	pub(crate) command: Command,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Output {
	Text,
	Json,
}

#[derive(Subcommand)]
pub(crate) enum Command {
	/// Create, show or import the shielded keys.
	#[command(subcommand)]
	Keys(KeysCommand),
	/// Fetch new notes from the node.
	Sync {
		/// Leaves per request (the store is saved after each); the node serves at most 1024.
		#[arg(long, default_value_t = sable_wallet::sync::PAGE, value_parser = clap::value_parser!(u32).range(1..=1024))]
		page_size: u32,
	},
	/// Unspent shielded value.
	Balance,
	/// The wallet's notes.
	Notes,
	/// Notes received and spent, oldest first.
	History,
	/// Move AMOUNT (smallest units) from a transparent account into a new note of this wallet.
	Shield {
		amount: u64,
		/// The paying account: a secret URI such as `//Alice` (dev chains) or a seed.
		#[arg(long, conflicts_with = "from_file")]
		from: Option<String>,
		/// A file holding the paying account's secret URI.
		#[arg(long)]
		from_file: Option<PathBuf>,
		/// Prove and print the call (and, for unsigned calls, the extrinsic) as JSON without
		/// submitting it: for polkadot.js or a script to submit.
		#[arg(long)]
		no_submit: bool,
	},
	/// Send AMOUNT privately to ADDRESS (an unsigned transaction; the fee comes from notes).
	Send {
		address: String,
		amount: u64,
		#[arg(long, default_value_t = DEFAULT_FEE)]
		fee: u64,
		/// Spend notes the wallet knows are spent, and let the chain refuse them.
		#[arg(long)]
		force: bool,
		/// Prove and print the call (and, for unsigned calls, the extrinsic) as JSON without
		/// submitting it: for polkadot.js or a script to submit.
		#[arg(long)]
		no_submit: bool,
	},
	/// Proof-of-inference jobs (docs/poi.md).
	#[command(subcommand)]
	Job(JobCommand),
	/// Move AMOUNT out of the pool to the transparent ACCOUNT (SS58).
	Unshield {
		account: String,
		amount: u64,
		#[arg(long, default_value_t = DEFAULT_FEE)]
		fee: u64,
		/// Prove and print the call (and, for unsigned calls, the extrinsic) as JSON without
		/// submitting it: for polkadot.js or a script to submit.
		#[arg(long)]
		no_submit: bool,
	},
}

#[derive(Subcommand)]
pub(crate) enum JobCommand {
	/// Create a job for REQUEST's model and input (a job request file, see
	/// `sable-zk-prover sample-job`), paying PAYMENT (held until the job ends).
	Create {
		request: PathBuf,
		payment: u128,
		/// The paying client's secret URI.
		#[arg(long)]
		from: String,
		/// Blocks from now to the deadline.
		#[arg(long, default_value_t = 100)]
		deadline_in: u32,
		/// Only this provider (SS58) may accept.
		#[arg(long)]
		provider: Option<String>,
	},
	/// Register as a provider, holding BOND.
	Register {
		bond: u128,
		#[arg(long)]
		from: String,
	},
	/// Accept job JOB_ID as a provider (locks collateral from its bond).
	Accept {
		job_id: u64,
		#[arg(long)]
		from: String,
	},
	/// Prove REQUEST's result for JOB_ID and PROVIDER (SS58); writes the proof file.
	Prove {
		job_id: u64,
		request: PathBuf,
		#[arg(long)]
		provider: String,
		/// Where to write the proof (default: stdout's JSON only).
		#[arg(long)]
		out: Option<PathBuf>,
	},
	/// Submit a proof file made by `job prove`, signed by the provider.
	Submit {
		proof: PathBuf,
		#[arg(long)]
		from: String,
	},
	/// As the client, accept JOB_ID's commitment result before its challenge window ends
	/// (pays the provider now).
	AcceptResult {
		job_id: u64,
		#[arg(long)]
		from: String,
	},
	/// As the client, cancel JOB_ID while nobody has accepted it (releases the payment).
	Cancel {
		job_id: u64,
		#[arg(long)]
		from: String,
	},
	/// The job's state, as `poi_job` reports it.
	Status { job_id: u64 },
}

/// 0.01 SBL, the runtime's minimum shielded fee.
pub(crate) const DEFAULT_FEE: u64 = 10_000_000_000;

#[derive(Subcommand)]
pub(crate) enum KeysCommand {
	/// Make a new spending key (encrypted with $SABLE_PASSPHRASE with --encrypt).
	New {
		#[arg(long)]
		encrypt: bool,
	},
	/// The address to receive notes at.
	Show,
	/// Import a spending key (32 bytes, hex).
	Import {
		spending_key: String,
		#[arg(long)]
		encrypt: bool,
	},
}

impl Cli {
	/// The data directory: `--data-dir`, `$SABLE_DATA_DIR` or `~/.sable`.
	pub(crate) fn data_dir(&self) -> PathBuf {
		self.data_dir.clone().unwrap_or_else(|| {
			std::env::var_os("HOME").map(PathBuf::from).unwrap_or_default().join(".sable")
		})
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use clap::CommandFactory;

	fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
		Cli::try_parse_from(std::iter::once("sable").chain(args.iter().copied()))
	}

	#[test]
	fn the_schema_is_consistent() {
		Cli::command().debug_assert();
	}

	#[test]
	fn defaults_and_global_flags() {
		let cli = parse(&["send", "sable1abc", "5"]).expect("parses");
		assert!(cli.node == "ws://127.0.0.1:9944" && cli.output == Output::Text);
		match cli.command {
			Command::Send { address, amount, fee, force, no_submit } => {
				assert_eq!((address.as_str(), amount, fee), ("sable1abc", 5, DEFAULT_FEE));
				assert!(!force && !no_submit);
			},
			_ => panic!("not a send"),
		}
		// Global flags go after the command too.
		let cli = parse(&["balance", "--output", "json", "--data-dir", "/d"]).expect("parses");
		assert!(cli.output == Output::Json && cli.data_dir() == PathBuf::from("/d"));
		assert!(parse(&["balance", "--output", "yaml"]).is_err());
	}

	#[test]
	fn page_sizes_outside_what_the_node_serves_are_refused() {
		let page_size = |args: &[&str]| match parse(args).map(|cli| cli.command) {
			Ok(Command::Sync { page_size }) => Some(page_size),
			_ => None,
		};
		assert_eq!(page_size(&["sync"]), Some(sable_wallet::sync::PAGE));
		assert_eq!(page_size(&["sync", "--page-size", "1024"]), Some(1024));
		assert_eq!(page_size(&["sync", "--page-size", "0"]), None);
		assert_eq!(page_size(&["sync", "--page-size", "1025"]), None);
	}

	#[test]
	fn a_shield_takes_one_paying_account() {
		assert!(parse(&["shield", "1", "--from", "//Alice", "--from-file", "f"]).is_err());
		assert!(parse(&["shield", "1", "--from-file", "f"]).is_ok());
		assert!(parse(&["shield", "-1"]).is_err(), "amounts are unsigned");
	}

	#[test]
	fn job_commands_parse_their_arguments() {
		match parse(&["job", "accept-result", "7", "--from", "//Alice"]).map(|cli| cli.command) {
			Ok(Command::Job(JobCommand::AcceptResult { job_id, from })) => {
				assert_eq!((job_id, from.as_str()), (7, "//Alice"));
			},
			_ => panic!("not accept-result"),
		}
		assert!(parse(&["job", "accept", "7"]).is_err(), "--from is required");
	}
}
