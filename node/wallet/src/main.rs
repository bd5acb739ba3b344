//! `sable`: Sable's command-line wallet. `sable --help` lists the commands; every command
//! takes `--output json` for scripts. docs/WALLET.md walks through them on a dev chain.

use std::{
	io::IsTerminal,
	path::{Path, PathBuf},
	process::ExitCode,
};

use clap::{Parser, Subcommand, ValueEnum};
use codec::Encode;
use sable_wallet::{
	error::{Result, WalletError},
	extrinsic, files, jobs,
	keyfile::KeyFile,
	node_client::NodeClient,
	shielded::{Operation, Outcome, Prepared, Spender},
	store::WalletState,
	submit,
	sync::sync_pages,
};
use sable_zk_primitives::{keys::SpendingKey, Fp};
use sable_zk_proofs::encryption::Address;
use sable_zk_proofs::json::{bytes32, to_hex, ShieldedProofJson};
use serde_json::{json, Value};
use sp_core::crypto::Ss58Codec;

/// Environment variable holding the key file's passphrase.
const PASSPHRASE_VAR: &str = "SABLE_PASSPHRASE";

#[derive(Parser)]
#[command(name = "sable", version, about = "Sable's shielded wallet")]
struct Cli {
	/// Where the key file and the note store live.
	#[arg(long, global = true, env = "SABLE_DATA_DIR")]
	data_dir: Option<PathBuf>,
	/// The node's WebSocket RPC endpoint.
	#[arg(long, global = true, default_value = "ws://127.0.0.1:9944", env = "SABLE_NODE")]
	node: String,
	/// `text` for people, `json` for scripts.
	#[arg(long, global = true, value_enum, default_value_t = Output::Text)]
	output: Output,
	#[command(subcommand)]
	command: Command,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Output {
	Text,
	Json,
}

#[derive(Subcommand)]
enum Command {
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
enum JobCommand {
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
const DEFAULT_FEE: u64 = 10_000_000_000;

#[derive(Subcommand)]
enum KeysCommand {
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

fn data_dir(cli: &Cli) -> PathBuf {
	cli.data_dir.clone().unwrap_or_else(|| {
		std::env::var_os("HOME").map(PathBuf::from).unwrap_or_default().join(".sable")
	})
}

/// The passphrase from `$SABLE_PASSPHRASE`, or asked for on the terminal (twice when it
/// `confirm`s a new one); `None` when there is neither.
fn passphrase(confirm: bool) -> Result<Option<String>> {
	if let Some(passphrase) = std::env::var(PASSPHRASE_VAR).ok().filter(|p| !p.is_empty()) {
		return Ok(Some(passphrase));
	}
	if !std::io::stdin().is_terminal() {
		return Ok(None);
	}
	let ask = |prompt: &str| {
		rpassword::prompt_password(prompt).map_err(|e| WalletError::Io("the terminal".into(), e))
	};
	let passphrase = ask("passphrase: ")?;
	if confirm && ask("passphrase again: ")? != passphrase {
		return Err(WalletError::Passphrase("the two passphrases differ"));
	}
	Ok(Some(passphrase).filter(|p| !p.is_empty()))
}

/// The spending key of `dir`'s key file, asking for the passphrase only if it is encrypted.
fn unlock(dir: &Path) -> Result<SpendingKey> {
	let file = load_keys(dir)?;
	let passphrase = if file.is_encrypted() { passphrase(false)? } else { None };
	file.spending_key(passphrase.as_deref())
}

fn load_keys(dir: &Path) -> Result<KeyFile> {
	let path = dir.join("keys.json");
	let bytes = files::read_optional(&path)?
		.ok_or_else(|| WalletError::NoKeys(dir.display().to_string()))?;
	serde_json::from_slice(&bytes)
		.map_err(|e| WalletError::Corrupt(format!("{}: {e}", path.display())))
}

fn save_keys(dir: &Path, sk: &SpendingKey, encrypt: bool) -> Result<KeyFile> {
	let path = dir.join("keys.json");
	if files::read_optional(&path)?.is_some() {
		return Err(WalletError::KeysExist(path.display().to_string()));
	}
	let passphrase = if encrypt {
		Some(passphrase(true)?.ok_or(WalletError::Passphrase(
			"--encrypt needs a passphrase: type it on a terminal or set SABLE_PASSPHRASE",
		))?)
	} else {
		None
	};
	let file = KeyFile::new(sk, passphrase.as_deref())?;
	let bytes =
		serde_json::to_vec_pretty(&file).map_err(|e| WalletError::Corrupt(e.to_string()))?;
	files::write_atomic(&path, &bytes, true)?;
	Ok(file)
}

fn keys_json(file: &KeyFile, dir: &Path) -> Value {
	json!({
		"address": file.address,
		"encrypted": file.is_encrypted(),
		"key_file": dir.join("keys.json").display().to_string(),
	})
}

async fn run(cli: &Cli) -> Result<(Value, String)> {
	let dir = data_dir(cli);
	let store_path = dir.join("wallet.json");
	match &cli.command {
		Command::Keys(KeysCommand::New { encrypt }) => {
			let sk = SpendingKey::from_field(<Fp as ff::Field>::random(&mut rand::rng()));
			let file = save_keys(&dir, &sk, *encrypt)?;
			Ok((keys_json(&file, &dir), format!("new keys; address {}", file.address)))
		},
		Command::Keys(KeysCommand::Import { spending_key, encrypt }) => {
			let sk = bytes32(spending_key, "spending key")
				.ok()
				.and_then(|b| SpendingKey::from_bytes(&b))
				.ok_or_else(|| {
					WalletError::Input(
						"the spending key must be 32 bytes of hex, a canonical field element"
							.into(),
					)
				})?;
			let file = save_keys(&dir, &sk, *encrypt)?;
			Ok((keys_json(&file, &dir), format!("imported; address {}", file.address)))
		},
		Command::Keys(KeysCommand::Show) => {
			let file = load_keys(&dir)?;
			Ok((keys_json(&file, &dir), file.address.clone()))
		},
		Command::Sync { page_size } => {
			let sk = unlock(&dir)?;
			let node = NodeClient::connect(&cli.node).await?;
			let mut state = WalletState::load(&store_path)?;
			let report = sync_pages(&node, &mut state, &store_path, &sk, *page_size).await?;
			let value = json!({
				"leaves_fetched": report.leaves,
				"synced_to": state.synced(),
				"received": report.received,
				"spent": report.spent,
				"balance": state.balance().to_string(),
			});
			let text = format!(
				"synced {} leaves (tree has {}); {} new notes, {} spent; balance {}",
				report.leaves,
				state.synced(),
				report.received.len(),
				report.spent.len(),
				state.balance()
			);
			Ok((value, text))
		},
		Command::Balance => {
			let state = WalletState::load(&store_path)?;
			let value =
				json!({ "balance": state.balance().to_string(), "synced_to": state.synced() });
			Ok((value, format!("{} (synced to leaf {})", state.balance(), state.synced())))
		},
		Command::Notes => {
			let state = WalletState::load(&store_path)?;
			let text = state
				.notes
				.iter()
				.map(|n| {
					format!(
						"#{} value {}{}",
						n.position,
						n.note.value,
						if n.spent { " (spent)" } else { "" }
					)
				})
				.collect::<Vec<_>>()
				.join("\n");
			Ok((json!({ "notes": state.notes }), text))
		},
		Command::Shield { amount, from, from_file, no_submit } => {
			let suri = match (from, from_file) {
				(Some(suri), _) => Some(suri.clone()),
				(None, Some(path)) => Some(
					std::fs::read_to_string(path)
						.map_err(|e| WalletError::Io(path.display().to_string(), e))?
						.trim()
						.to_string(),
				),
				(None, None) if *no_submit => None,
				(None, None) => {
					return Err(WalletError::Input(
						"shield needs --from SURI or --from-file PATH".into(),
					))
				},
			};
			let from = suri.as_deref().map(submit::pair_from_suri).transpose()?;
			let operation = Operation::Shield { from, amount: *amount };
			spend(cli, &dir, operation, false, *no_submit).await
		},
		Command::Send { address, amount, fee, force, no_submit } => {
			let to = Address::decode(address).map_err(|e| WalletError::Input(e.to_string()))?;
			let operation = Operation::Send { to, amount: *amount, fee: *fee };
			spend(cli, &dir, operation, *force, *no_submit).await
		},
		Command::Unshield { account: ss58, amount, fee, no_submit } => {
			let to = account(ss58)?;
			let operation = Operation::Unshield { to, amount: *amount, fee: *fee };
			spend(cli, &dir, operation, false, *no_submit).await
		},
		Command::Job(command) => job(cli, command).await,
		Command::History => {
			let state = WalletState::load(&store_path)?;
			let text = state.history.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n");
			Ok((json!({ "history": state.history }), text))
		},
	}
}

async fn spend(
	cli: &Cli,
	dir: &Path,
	operation: Operation,
	force: bool,
	no_submit: bool,
) -> Result<(Value, String)> {
	let sk = unlock(dir)?;
	let node = NodeClient::connect(&cli.node).await?;
	let store_path = dir.join("wallet.json");
	let state = WalletState::load(&store_path)?;
	let mut spender = Spender { node: &node, sk, state, store_path, force };
	if no_submit {
		return prepared_json(&operation, spender.prepare_only(&operation).await?);
	}
	let Outcome { block_hash, block_number, spent, proving } = spender.run(&operation).await?;
	let balance = spender.state.balance();
	let value = json!({
		"block_hash": block_hash,
		"block_number": block_number,
		"spent": spent,
		"proving_ms": proving.as_millis() as u64,
		"balance": balance.to_string(),
	});
	let text = format!("finalized in block #{block_number} ({block_hash}); balance {balance}");
	Ok((value, text))
}

/// A proven call for another client to submit: its payload in the metadata's field names,
/// the SCALE-encoded call and, for the unsigned calls, the whole extrinsic.
fn prepared_json(operation: &Operation, prepared: Prepared) -> Result<(Value, String)> {
	let name = match operation {
		Operation::Shield { .. } => "shield",
		Operation::Send { .. } => "transfer",
		Operation::Unshield { .. } => "unshield",
	};
	let mut value = json!({
		"pallet": "zk",
		"call": name,
		"payload": ShieldedProofJson::from_payload(&prepared.payload),
		"call_data": to_hex(&prepared.call.encode()),
		"proving_ms": prepared.proving.as_millis() as u64,
	});
	if let Operation::Unshield { to, .. } = operation {
		value["recipient"] = json!(to.to_ss58check());
	}
	if !matches!(operation, Operation::Shield { .. }) {
		value["extrinsic"] = json!(extrinsic::to_hex(&extrinsic::bare(prepared.call)));
	}
	let text = match operation {
		Operation::Shield { .. } => format!(
			"proved zk.shield (sign and submit it from the paying account):\n{}",
			value["call_data"].as_str().unwrap_or_default()
		),
		_ => format!(
			"proved zk.{name}; unsigned extrinsic (submit with author_submitExtrinsic):\n{}",
			value["extrinsic"].as_str().unwrap_or_default()
		),
	};
	Ok((value, text))
}

fn account(ss58: &str) -> Result<sable_runtime::AccountId> {
	sable_runtime::AccountId::from_ss58check(ss58)
		.map_err(|e| WalletError::Input(format!("{ss58} is not an SS58 account: {e:?}")))
}

fn finalized_json(f: &submit::Finalized) -> Value {
	json!({ "block_hash": f.block_hash, "block_number": f.block_number })
}

/// The reply to a job command that ended with `finalized`: its block, and `done` in text.
fn finalized_reply(finalized: &submit::Finalized, done: &str) -> (Value, String) {
	(finalized_json(finalized), format!("{done} in block #{}", finalized.block_number))
}

type PoiCall = pallet_proof_of_inference::Call<sable_runtime::Runtime>;

/// Signs `call` with the secret URI `from`, follows it to finality and replies `done`.
async fn send_job_call(
	node: &NodeClient,
	from: &str,
	call: PoiCall,
	done: &str,
) -> Result<(Value, String)> {
	let finalized = jobs::send(node, &submit::pair_from_suri(from)?, call).await?;
	Ok(finalized_reply(&finalized, done))
}

async fn job(cli: &Cli, command: &JobCommand) -> Result<(Value, String)> {
	let connect = || NodeClient::connect(&cli.node);
	match command {
		JobCommand::Create { request, payment, from, deadline_in, provider } => {
			let node = connect().await?;
			let request = jobs::read_request(request)?;
			let designated = provider.as_deref().map(account).transpose()?;
			let signer = submit::pair_from_suri(from)?;
			let (job_id, finalized) =
				jobs::create(&node, &signer, &request, *payment, *deadline_in, designated).await?;
			let mut value = finalized_json(&finalized);
			value["job_id"] = json!(job_id);
			Ok((value, format!("job {job_id} created in block #{}", finalized.block_number)))
		},
		JobCommand::Register { bond, from } => {
			let call = PoiCall::register_provider { bond: *bond };
			send_job_call(&connect().await?, from, call, "registered").await
		},
		JobCommand::Accept { job_id, from } => {
			let call = PoiCall::accept_job { job_id: *job_id };
			send_job_call(&connect().await?, from, call, &format!("job {job_id} accepted")).await
		},
		JobCommand::AcceptResult { job_id, from } => {
			let call = PoiCall::accept_result { job_id: *job_id };
			let done = format!("job {job_id}'s result accepted");
			send_job_call(&connect().await?, from, call, &done).await
		},
		JobCommand::Cancel { job_id, from } => {
			let call = PoiCall::cancel_job { job_id: *job_id };
			send_job_call(&connect().await?, from, call, &format!("job {job_id} cancelled")).await
		},
		JobCommand::Submit { proof, from } => {
			let node = connect().await?;
			let bytes = std::fs::read(proof)
				.map_err(|e| WalletError::Io(proof.display().to_string(), e))?;
			let file: jobs::ProofFile = serde_json::from_slice(&bytes).map_err(|e| {
				WalletError::Input(format!("{}: not a proof file: {e}", proof.display()))
			})?;
			let finalized =
				jobs::submit_result(&node, &submit::pair_from_suri(from)?, &file).await?;
			// A commitment result waits out its challenge window; the others settle at once.
			let job_id = file.statement.job_id;
			let state = node.job(job_id).await?["status"]["state"]
				.as_str()
				.unwrap_or("unknown")
				.to_string();
			let (mut value, text) = finalized_reply(&finalized, "result submitted");
			value["state"] = json!(state);
			Ok((value, format!("{text}; job {job_id}: {state}")))
		},
		JobCommand::Status { job_id } => {
			let node = connect().await?;
			let job = node.job(*job_id).await?;
			let text = match job["status"]["state"].as_str() {
				Some(state) => format!("job {job_id}: {state}"),
				None => format!("job {job_id}: unknown"),
			};
			Ok((job, text))
		},
		JobCommand::Prove { job_id, request, provider, out } => {
			let request = jobs::read_request(request)?;
			let proof = jobs::prove(&request, *job_id, &account(provider)?)?;
			let value =
				serde_json::to_value(&proof).map_err(|e| WalletError::Corrupt(e.to_string()))?;
			if let Some(out) = out {
				files::write_atomic(out, value.to_string().as_bytes(), false)?;
			}
			let text = format!("proved job {job_id}; output commitment {}", proof.statement.output);
			Ok((value, text))
		},
	}
}

fn main() -> ExitCode {
	let cli = Cli::parse();
	let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
		Ok(runtime) => runtime,
		Err(e) => {
			eprintln!("error: cannot start: {e}");
			return ExitCode::FAILURE;
		},
	};
	match runtime.block_on(run(&cli)) {
		Ok((value, text)) => {
			match cli.output {
				Output::Json => println!("{value}"),
				Output::Text => println!("{text}"),
			}
			ExitCode::SUCCESS
		},
		Err(error) => {
			match cli.output {
				Output::Json => println!("{}", json!({ "error": error.to_string() })),
				Output::Text => eprintln!("error: {error}"),
			}
			ExitCode::from(2)
		},
	}
}
