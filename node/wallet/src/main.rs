//! `sable`: Sable's command-line wallet. `sable --help` lists the commands; every command
//! takes `--output json` for scripts. docs/WALLET.md walks through them on a dev chain.
//!
//! This file parses the command line ([`cli`]) and dispatches to [`commands`]; [`output`]
//! prints the outcome.

mod cli;
mod commands;
mod output;

use std::process::ExitCode;

use clap::Parser;
use sable_wallet::{error::Result, store::WalletState};

use cli::{Cli, Command};
use commands::{Context, Reply};

async fn run(cli: &Cli) -> Result<Reply> {
	let context = Context { dir: cli.data_dir(), nodes: cli.node.clone() };
	let store = || WalletState::load(&context.store_path());
	match &cli.command {
		Command::Keys(command) => commands::keys::run(&context.dir, command),
		Command::Sync { page_size } => commands::sync::run(&context, *page_size).await,
		Command::Balance => Ok(commands::notes::balance(&store()?)),
		Command::Notes => Ok(commands::notes::notes(&store()?)),
		Command::History => Ok(commands::notes::history(&store()?)),
		Command::Shield { amount, from, from_file, no_submit } => {
			let from = commands::spend::Signer::new(from, from_file);
			commands::spend::shield(&context, *amount, from, *no_submit).await
		},
		Command::Send { address, amount, fee, force, relay_from, relay_from_file, no_submit } => {
			let relayer = commands::spend::Signer::new(relay_from, relay_from_file);
			commands::spend::send(&context, address, *amount, *fee, *force, relayer, *no_submit)
				.await
		},
		Command::Unshield { account, amount, fee, relay_from, relay_from_file, no_submit } => {
			let relayer = commands::spend::Signer::new(relay_from, relay_from_file);
			commands::spend::unshield(&context, account, *amount, *fee, relayer, *no_submit).await
		},
		Command::Provider(command) => commands::provider::run(&context, command).await,
		Command::Model(command) => commands::model::run(&context, command).await,
		Command::Job(command) => commands::job::run(&context, command).await,
		Command::Infer { url, input, from, timeout } => {
			commands::infer::run(&context, url, input, from, *timeout).await
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
	output::print(cli.output, runtime.block_on(run(&cli)))
}
