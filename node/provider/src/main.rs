//! `sable-provider`: serves proof-of-inference jobs on its models and sells inference over
//! HTTP with x402 payments (docs/PROVIDER.md). `sable-provider --dev` serves a dev chain.

use std::{process::ExitCode, sync::Arc};

use clap::Parser;
use sable_provider::{
	chain::Chain,
	config::{Cli, Config},
	http::Api,
	metrics::Metrics,
	models,
	state::State,
	worker::Worker,
	Shared,
};
use sable_wallet::{
	failover::{BreakerConfig, Endpoints},
	submit, x402,
};
use sable_zk_primitives::encoding::to_hex;

async fn run(config: Config) -> Result<(), String> {
	let pair = submit::pair_from_suri(&config.secret_uri().map_err(|e| e.to_string())?)
		.map_err(|e| e.to_string())?;
	let metrics = Arc::new(Metrics::new(&config.nodes).map_err(|e| format!("metrics: {e}"))?);
	let endpoints = Endpoints::new(&config.nodes, BreakerConfig::default())
		.map_err(|e| e.to_string())?
		.with_observer(metrics.clone());
	// The listener is bound first: a daemon that cannot serve HTTP stops before it signs
	// anything.
	let listener = tokio::net::TcpListener::bind(config.http)
		.await
		.map_err(|e| format!("cannot listen on {}: {e}", config.http))?;
	let chain = Arc::new(Chain::new(Arc::new(endpoints), pair));
	// The node may still be starting: wait for one of the endpoints to answer.
	let genesis = loop {
		match chain.genesis().await {
			Ok(genesis) => break genesis,
			Err(e) => {
				eprintln!("waiting for a node: {e}");
				tokio::time::sleep(std::time::Duration::from_secs(2)).await;
			},
		}
	};
	let genesis_hex = to_hex(genesis.as_bytes());
	let mut state = State::load(&config.data_dir, &genesis_hex).map_err(|e| e.to_string())?;
	if let Some(why) = another_chain(&chain, &state).await.map_err(|e| e.to_string())? {
		eprintln!("{why}: starting from an empty state");
		state = State { genesis: genesis_hex, ..State::default() };
	}
	let shared = Arc::new(Shared::new(config.data_dir.clone(), state, metrics));
	eprintln!("provider {} on {}", chain.account, x402::network(&genesis.0));

	models::ensure_provider(&chain, &config).await.map_err(|e| e.to_string())?;
	let served = models::load(&chain, &config, &shared).await.map_err(|e| e.to_string())?;
	let worker = Arc::new(Worker::new(chain.clone(), shared.clone(), served));
	let api = Arc::new(Api::new(
		chain,
		shared,
		worker.clone(),
		x402::network(&genesis.0),
		config.job_blocks,
		config.rate_limit_per_minute,
	));
	eprintln!("serving HTTP on http://{}", config.http);
	tokio::spawn(worker.run());
	tokio::spawn(api.serve(listener));
	shutdown_signal().await;
	eprintln!("stopping");
	Ok(())
}

/// Why `state` belongs to another chain with the same genesis (a dev chain started
/// afresh), if it does: the chain has another block at the state's cursor, or is shorter.
async fn another_chain(
	chain: &Chain,
	state: &State,
) -> sable_wallet::error::Result<Option<String>> {
	let Some(cursor) = state.cursor else { return Ok(None) };
	let best = chain.best_number().await?;
	let seen = state.cursor_hash.as_deref();
	let why = match chain.block_hash(cursor).await? {
		Some(hash) if seen.is_some_and(|h| h != to_hex(hash.as_bytes())) => {
			format!("block #{cursor} is not the one the state saw")
		},
		None if best.saturating_add(2) < cursor => {
			format!("the chain's best block #{best} is behind the state's #{cursor}")
		},
		_ => return Ok(None),
	};
	Ok(Some(why))
}

/// SIGINT or SIGTERM. The state is saved after every change, so stopping at once is safe.
async fn shutdown_signal() {
	let interrupt = tokio::signal::ctrl_c();
	#[cfg(unix)]
	{
		use tokio::signal::unix::{signal, SignalKind};
		match signal(SignalKind::terminate()) {
			Ok(mut terminate) => {
				tokio::select! {
					_ = interrupt => {},
					_ = terminate.recv() => {},
				}
			},
			Err(_) => {
				let _ = interrupt.await;
			},
		}
	}
	#[cfg(not(unix))]
	let _ = interrupt.await;
}

fn main() -> ExitCode {
	let cli = Cli::parse();
	let config = match Config::from_cli(&cli) {
		Ok(config) => config,
		Err(e) => {
			eprintln!("error: {e}");
			return ExitCode::FAILURE;
		},
	};
	let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
		Ok(runtime) => runtime,
		Err(e) => {
			eprintln!("error: cannot start: {e}");
			return ExitCode::FAILURE;
		},
	};
	match runtime.block_on(run(config)) {
		Ok(()) => ExitCode::SUCCESS,
		Err(e) => {
			eprintln!("error: {e}");
			ExitCode::FAILURE
		},
	}
}
