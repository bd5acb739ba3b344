//! `sable-provider`: a proof-of-inference provider daemon (docs/PROVIDER.md).
//!
//! - [`config`]: the configuration file and the command line.
//! - [`chain`]: the chain through several nodes with failover, signed as the provider.
//! - [`state`]: what the daemon remembers, written atomically before it acts on it.
//! - [`models`]: the models served, registered once.
//! - [`worker`]: follows finalized blocks for jobs on the models and serves each: checks
//!   its request, accepts, runs the model, proves and submits, retrying until the deadline.
//! - [`payment`]: the x402 `sable-escrow` scheme's checks of a payment against the terms.
//! - [`http`]: the HTTP API: `POST /v1/infer/{model_id}` paid with x402, `GET /v1/models`,
//!   `GET /health`, `GET /metrics`.
//! - [`metrics`]: `sable_provider_*`.

#![deny(missing_docs)]

pub mod chain;
pub mod config;
pub mod http;
pub mod metrics;
pub mod models;
pub mod payment;
mod rate_limit;
pub mod state;
pub mod worker;

use std::{
	path::PathBuf,
	sync::{Arc, Mutex, MutexGuard},
};

use sable_wallet::error::Result;

use crate::{metrics::Metrics, state::State};

/// What the worker and the HTTP API share: the state, saved on every change, the metrics,
/// and a signal that the state changed.
pub struct Shared {
	dir: PathBuf,
	state: Mutex<State>,
	/// The metrics.
	pub metrics: Arc<Metrics>,
	changed: tokio::sync::watch::Sender<u64>,
}

impl Shared {
	/// `state`, kept in `dir`.
	pub fn new(dir: PathBuf, state: State, metrics: Arc<Metrics>) -> Shared {
		Shared { dir, state: Mutex::new(state), metrics, changed: tokio::sync::watch::channel(0).0 }
	}

	fn lock(&self) -> MutexGuard<'_, State> {
		// The state is only changed through `update`, which saves a complete state: a
		// panic elsewhere cannot leave it half changed.
		self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
	}

	/// Reads the state.
	pub fn with_state<R>(&self, read: impl FnOnce(&State) -> R) -> R {
		read(&self.lock())
	}

	/// Changes the state and saves it before returning; wakes whoever waits for changes.
	pub fn update<R>(&self, change: impl FnOnce(&mut State) -> R) -> Result<R> {
		let mut state = self.lock();
		let result = change(&mut state);
		state.save(&self.dir)?;
		drop(state);
		self.changed.send_modify(|n| *n = n.wrapping_add(1));
		Ok(result)
	}

	/// A receiver that is woken on every change.
	pub fn subscribe(&self) -> tokio::sync::watch::Receiver<u64> {
		self.changed.subscribe()
	}
}
