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
	/// The node's WebSocket RPC endpoint. Repeat it (or separate URLs with commas) for
	/// failover: `infer` moves to the next node when one does not answer; other commands use
	/// the first.
	#[arg(
		long,
		global = true,
		default_value = "ws://127.0.0.1:9944",
		env = "SABLE_NODE",
		value_delimiter = ','
	)]
	pub(crate) node: Vec<String>,
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
	/// Send AMOUNT privately to ADDRESS (an unsigned transaction, or with --relay-from a
	/// relayed one; the fee comes from notes).
	Send {
		address: String,
		amount: u64,
		/// The fee in the smallest unit (default: the chain's price, `zk_minimumFee`, plus
		/// 1%).
		#[arg(long)]
		fee: Option<u64>,
		/// Spend notes the wallet knows are spent, and let the chain refuse them.
		#[arg(long)]
		force: bool,
		/// Send it through `zk.relay`, signed by this account, which pays the transaction fee
		/// and is paid the shielded fee: the paid path, which a flood of invalid proofs cannot
		/// crowd out (docs/zk.md, "Floods"). A secret URI such as `//Bob` or a seed.
		#[arg(long, conflicts_with = "relay_from_file")]
		relay_from: Option<String>,
		/// A file holding the relaying account's secret URI.
		#[arg(long)]
		relay_from_file: Option<PathBuf>,
		/// Prove and print the call (and, for unsigned calls, the extrinsic) as JSON without
		/// submitting it: for polkadot.js or a script to submit.
		#[arg(long)]
		no_submit: bool,
	},
	/// Proof-of-inference providers: bond, unbond, show (docs/poi.md).
	#[command(subcommand)]
	Provider(ProviderCommand),
	/// Proof-of-inference models: register, retire, show (docs/poi.md).
	#[command(subcommand)]
	Model(ModelCommand),
	/// Proof-of-inference jobs: create, accept, prove, result, dispute... (docs/poi.md).
	#[command(subcommand)]
	Job(JobCommand),
	/// Buy one inference from a provider's HTTP API, paid with x402 (docs/PROVIDER.md): the
	/// terms are checked against the chain, the job is paid for from --from, and the output
	/// is printed only once it matches the result the chain holds.
	Infer {
		/// The provider's endpoint, such as http://127.0.0.1:8402/v1/infer/1.
		url: String,
		/// The input file (`{"input": [...]}`, as for `job create`).
		input: PathBuf,
		/// The paying account: a secret URI such as `//Alice` (dev chains) or a seed.
		#[arg(long)]
		from: String,
		/// Seconds to wait for the provider's answer before following the job on chain.
		#[arg(long, default_value_t = 300)]
		timeout: u64,
	},
	/// Move AMOUNT out of the pool to the transparent ACCOUNT (SS58).
	Unshield {
		account: String,
		amount: u64,
		/// The fee in the smallest unit (default: the chain's price, `zk_minimumFee`, plus
		/// 1%).
		#[arg(long)]
		fee: Option<u64>,
		/// Send it through `zk.relay`, signed by this account, which pays the transaction fee
		/// and is paid the shielded fee: the paid path, which a flood of invalid proofs cannot
		/// crowd out (docs/zk.md, "Floods"). A secret URI such as `//Bob` or a seed.
		#[arg(long, conflicts_with = "relay_from_file")]
		relay_from: Option<String>,
		/// A file holding the relaying account's secret URI.
		#[arg(long)]
		relay_from_file: Option<PathBuf>,
		/// Prove and print the call (and, for unsigned calls, the extrinsic) as JSON without
		/// submitting it: for polkadot.js or a script to submit.
		#[arg(long)]
		no_submit: bool,
	},
}

#[derive(Subcommand)]
pub(crate) enum ProviderCommand {
	/// Register the --from account as a provider, holding BOND (smallest units) from it.
	Register {
		bond: u128,
		/// The provider account's secret URI.
		#[arg(long)]
		from: String,
	},
	/// Add AMOUNT to the provider's bond.
	BondExtra {
		amount: u128,
		#[arg(long)]
		from: String,
	},
	/// Start unbonding AMOUNT of the bond no job locks (withdrawable after the unbonding
	/// delay).
	Unbond {
		amount: u128,
		#[arg(long)]
		from: String,
	},
	/// Release an unbonded amount whose delay has passed.
	Withdraw {
		#[arg(long)]
		from: String,
	},
	/// A provider's bond, record and open jobs (`poi_provider`), by SS58 account.
	Show { account: String },
}

#[derive(Subcommand)]
pub(crate) enum ModelCommand {
	/// Register a model the --from provider serves: its commitment is computed from
	/// MODEL_FILE, its metadata is the file's BLAKE2b-256, its encryption key the account's
	/// request key. The salt is kept in the wallet's poi.json.
	Register {
		/// `inference-IxHxO` (a quantized model of that shape, e.g. inference-64x32x10),
		/// `adapted-IxHxO-rR` (such a base model, run with each client's rank-R adapter) or
		/// `commitment` (any file, for models too large to prove).
		#[arg(long)]
		circuit: String,
		/// The weights: model.json for inference, any file for commitment.
		#[arg(long)]
		model_file: PathBuf,
		/// The least payment a job must offer (smallest units).
		#[arg(long)]
		price: u128,
		/// The commitment's salt, 32 bytes hex (a field element); random by default.
		#[arg(long)]
		salt: Option<String>,
		#[arg(long)]
		from: String,
	},
	/// Retire model MODEL_ID: no new jobs; removed when its last job ends.
	Retire {
		model_id: u32,
		#[arg(long)]
		from: String,
	},
	/// Model MODEL_ID as the chain reports it (`poi_model`).
	Show { model_id: u32 },
}

#[derive(Subcommand)]
pub(crate) enum JobCommand {
	/// As a client, create a job for model MODEL on the input file INPUT, paying PAYMENT
	/// (held until the job ends). The request is sealed to the model's key; its secrets stay
	/// in the wallet's poi.json for `job result`.
	Create {
		#[arg(long)]
		model: u32,
		/// `{"input": [...]}` for an inference model (input only), with `"adapter": {"a",
		/// "b", "alpha"}` for an adapted model; any file for a commitment model.
		#[arg(long)]
		input: PathBuf,
		/// Smallest units; at least the model's price.
		#[arg(long)]
		payment: u128,
		/// Blocks from now to the deadline.
		#[arg(long, default_value_t = 100)]
		deadline_in: u32,
		/// The paying client's secret URI (not needed with --no-submit).
		#[arg(long, required_unless_present = "no_submit")]
		from: Option<String>,
		/// Print the create_job call (and record its secrets) without submitting it: for
		/// polkadot.js or a script to sign and submit.
		#[arg(long)]
		no_submit: bool,
	},
	/// As the model's provider, open JOB_ID's request, check it against the job's
	/// commitments, and accept (locks collateral from the bond).
	Accept {
		job_id: u64,
		#[arg(long)]
		from: String,
		/// The model's file: required for adapted models, whose client's adapter must keep
		/// the adapted weights int8; checked against the model's commitment.
		#[arg(long)]
		model_file: Option<PathBuf>,
		/// The model commitment's salt (default: the one recorded by `model register`, else
		/// zero).
		#[arg(long, requires = "model_file")]
		salt: Option<String>,
	},
	/// As the provider, run the model on JOB_ID's request, prove the result and submit it.
	Prove {
		job_id: u64,
		/// The model's file, as registered.
		#[arg(long)]
		model_file: PathBuf,
		/// For commitment jobs: the output file, produced off chain.
		#[arg(long)]
		output_file: Option<PathBuf>,
		/// The model commitment's salt (default: the one recorded by `model register`, else
		/// zero).
		#[arg(long)]
		salt: Option<String>,
		#[arg(long)]
		from: String,
		/// Write the proof file here instead of submitting it (`job submit` submits it).
		#[arg(long)]
		out: Option<PathBuf>,
	},
	/// Submit a proof file made by `job prove --out`, signed by its provider.
	Submit {
		proof: PathBuf,
		#[arg(long)]
		from: String,
	},
	/// As the client, decrypt JOB_ID's delivered output with the wallet's delivery key; with
	/// --model-file, also run the (public) model locally and check the output.
	Result {
		job_id: u64,
		#[arg(long)]
		model_file: Option<PathBuf>,
		/// The model commitment's salt for --model-file (default: zero).
		#[arg(long, requires = "model_file")]
		salt: Option<String>,
	},
	/// As the client, dispute JOB_ID's commitment result inside its challenge window
	/// (holds a dispute deposit).
	Dispute {
		job_id: u64,
		#[arg(long)]
		reason: String,
		#[arg(long)]
		from: String,
	},
	/// Settle JOB_ID after its challenge window, or end a dispute nobody decided in time.
	Finalize {
		job_id: u64,
		#[arg(long)]
		from: String,
	},
	/// End JOB_ID after its deadline passed without a result: refunds the client and slashes
	/// the provider's collateral to it.
	Expire {
		job_id: u64,
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
	/// As the client, cancel JOB_ID while its provider has not accepted it (releases the
	/// payment).
	Cancel {
		job_id: u64,
		#[arg(long)]
		from: String,
	},
	/// The job as the chain reports it (`poi_job`).
	Status { job_id: u64 },
}

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
		assert!(cli.node == ["ws://127.0.0.1:9944"] && cli.output == Output::Text);
		match cli.command {
			Command::Send { address, amount, fee, force, relay_from, relay_from_file, no_submit } => {
				assert_eq!((address.as_str(), amount, fee), ("sable1abc", 5, None));
				assert!(!force && !no_submit && relay_from.is_none() && relay_from_file.is_none());
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
	fn a_relayed_spend_takes_one_relaying_account() {
		assert!(parse(&["send", "sable1abc", "5", "--relay-from", "//Bob"]).is_ok());
		assert!(parse(&["unshield", "5Grw", "5", "--relay-from-file", "f"]).is_ok());
		let both = ["send", "sable1abc", "5", "--relay-from", "//Bob", "--relay-from-file", "f"];
		assert!(parse(&both).is_err());
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
		match parse(&[
			"job",
			"create",
			"--model",
			"0",
			"--input",
			"x.json",
			"--payment",
			"5",
			"--no-submit",
		])
		.map(|cli| cli.command)
		{
			Ok(Command::Job(JobCommand::Create {
				model,
				payment,
				deadline_in,
				from,
				no_submit,
				..
			})) => {
				assert_eq!((model, payment, deadline_in, from, no_submit), (0, 5, 100, None, true));
			},
			_ => panic!("not create"),
		}
		let create = ["job", "create", "--model", "0", "--input", "x.json", "--payment", "5"];
		assert!(parse(&create).is_err(), "--from or --no-submit");
		assert!(
			parse(&["job", "result", "1", "--salt", "0x00"]).is_err(),
			"--salt needs --model-file"
		);
		assert!(parse(&["provider", "register", "100", "--from", "//Ferdie"]).is_ok());
		assert!(parse(&[
			"model",
			"register",
			"--circuit",
			"commitment",
			"--model-file",
			"m",
			"--price",
			"1",
			"--from",
			"//Ferdie"
		])
		.is_ok());
		assert!(
			parse(&[
				"model",
				"register",
				"--circuit",
				"commitment",
				"--model-file",
				"m",
				"--from",
				"//Ferdie"
			])
			.is_err(),
			"a price"
		);
	}
}
