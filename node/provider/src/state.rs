//! The daemon's crash-safe state (docs/PROVIDER.md, "Crash safety"): one JSON file in the
//! data directory, rewritten atomically (temporary file, fsync, rename) after every change
//! and before anything that depends on the change is sent to a node. A SIGKILL at any
//! moment leaves the last complete state, from which a restarted daemon goes on:
//!
//! - a model's salt is written before the model is registered;
//! - a paid request is written before its payment is submitted;
//! - a signed extrinsic is written, with its nonce, before it is submitted, and a restarted
//!   daemon submits the same bytes again: a transaction that already made it is refused as
//!   stale, so no call goes on chain twice;
//! - a proof is written before its result is submitted.

use std::{
	collections::BTreeMap,
	path::{Path, PathBuf},
};

use sable_wallet::{
	error::{Result, WalletError},
	files,
	poi::provider::ProofFile,
};
use serde::{Deserialize, Serialize};

/// What the daemon remembers of a model it serves.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelRecord {
	/// The model file's BLAKE2b-256, hex.
	pub file_digest: String,
	/// The circuit, as configured.
	pub circuit: String,
	/// The commitment's salt, hex.
	pub salt: String,
	/// Its id, once registered.
	pub model_id: Option<u32>,
}

/// Why a job is a pending transaction's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
	/// `accept_job`.
	Accept,
	/// `submit_result`.
	Submit,
}

/// A signed extrinsic on its way.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pending {
	/// What it does.
	pub purpose: Purpose,
	/// Its nonce.
	pub nonce: u32,
	/// The SCALE-encoded extrinsic, hex.
	pub extrinsic: String,
	/// Its hash, hex.
	pub hash: String,
}

/// Where a job stands for the daemon.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "stage")]
pub enum Stage {
	/// Seen, not accepted.
	Open,
	/// Accepted, not proven.
	Accepted,
	/// Proven, the result on its way.
	Submitted,
	/// Ended; see the outcome.
	Done {
		/// How it ended.
		outcome: Outcome,
	},
}

/// How a job ended for the daemon.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "outcome")]
pub enum Outcome {
	/// The result verified and the payment was released (or, for a challenged result,
	/// stands).
	Settled {
		/// The block that holds the result.
		block_hash: String,
	},
	/// The request cannot be served; the job was never accepted.
	Refused {
		/// Why.
		reason: String,
	},
	/// The deadline passed without a result.
	Expired,
	/// Any other end (cancelled by its client, pruned, refunded).
	Failed {
		/// What the chain says.
		reason: String,
	},
}

impl Outcome {
	/// The outcome's name in metrics.
	pub fn label(&self) -> &'static str {
		match self {
			Self::Settled { .. } => "settled",
			Self::Refused { .. } => "refused",
			Self::Expired => "expired",
			Self::Failed { .. } => "failed",
		}
	}
}

/// A job on one of the daemon's models.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobRecord {
	/// Its model.
	pub model_id: u32,
	/// Its deadline.
	pub deadline: u64,
	/// Where it stands.
	#[serde(flatten)]
	pub stage: Stage,
	/// Its transaction on the way, if any.
	#[serde(default)]
	pub pending: Option<Pending>,
	/// Its proven result, once proven.
	#[serde(default)]
	pub proof: Option<ProofFile>,
	/// The model's output, once computed.
	#[serde(default)]
	pub output: Option<Vec<i32>>,
	/// The hash of the result's transaction, once submitted.
	#[serde(default)]
	pub result_transaction: Option<String>,
}

/// A request paid over HTTP.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentRecord {
	/// The model.
	pub model_id: u32,
	/// The sealed request, hex.
	pub request: String,
	/// The job's input commitment, hex: how the job is found once created.
	pub input: String,
	/// The paying account, SS58.
	pub payer: String,
	/// The payment.
	pub amount: String,
	/// The job's deadline.
	pub deadline: u64,
	/// The job, once created.
	#[serde(default)]
	pub job_id: Option<u64>,
	/// Why the payment did not create a job, if it did not.
	#[serde(default)]
	pub failure: Option<String>,
}

/// Everything the daemon remembers.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct State {
	/// The chain's genesis hash, hex: a state of another chain is not used.
	pub genesis: String,
	/// The last finalized block scanned for jobs.
	pub cursor: Option<u64>,
	/// Its hash, hex: a chain without this block at that height is another chain (a dev
	/// chain started afresh has the same genesis).
	#[serde(default)]
	pub cursor_hash: Option<String>,
	/// The models served.
	pub models: Vec<ModelRecord>,
	/// Jobs on the daemon's models, by id.
	pub jobs: BTreeMap<u64, JobRecord>,
	/// Requests paid over HTTP, by the hash of their payment extrinsic.
	pub payments: BTreeMap<String, PaymentRecord>,
	/// One past the nonce of the last extrinsic signed.
	pub next_nonce: Option<u32>,
}

/// The state file in `dir`.
pub fn path(dir: &Path) -> PathBuf {
	dir.join("state.json")
}

/// How many ended jobs and payments the state keeps (the newest), for answering repeated
/// requests; older ones are only in the chain's events.
pub const KEEP_ENDED: usize = 1024;

impl State {
	/// The state in `dir` for the chain with `genesis`: empty if there is none, or if it is
	/// another chain's (a dev chain started afresh).
	pub fn load(dir: &Path, genesis: &str) -> Result<State> {
		let path = path(dir);
		let Some(bytes) = files::read_optional(&path)? else {
			return Ok(State { genesis: genesis.into(), ..State::default() });
		};
		let state: State = serde_json::from_slice(&bytes)
			.map_err(|e| WalletError::Corrupt(format!("{}: {e}", path.display())))?;
		if state.genesis != genesis {
			return Ok(State { genesis: genesis.into(), ..State::default() });
		}
		Ok(state)
	}

	/// Writes the state to `dir` atomically.
	pub fn save(&mut self, dir: &Path) -> Result<()> {
		self.forget_old();
		let json =
			serde_json::to_vec_pretty(self).map_err(|e| WalletError::Corrupt(e.to_string()))?;
		files::write_atomic(&path(dir), &json, true)
	}

	/// The payment whose job has input commitment `input`.
	pub fn payment_for_input(&self, input: &str) -> Option<(&String, &PaymentRecord)> {
		self.payments.iter().find(|(_, payment)| payment.input == input)
	}

	/// Keeps the newest [`KEEP_ENDED`] ended jobs and payments.
	fn forget_old(&mut self) {
		let ended: Vec<u64> = self
			.jobs
			.iter()
			.filter(|(_, job)| matches!(job.stage, Stage::Done { .. }))
			.map(|(id, _)| *id)
			.collect();
		for id in ended.iter().take(ended.len().saturating_sub(KEEP_ENDED)) {
			self.jobs.remove(id);
		}
		if self.payments.len() > KEEP_ENDED {
			let live = |p: &PaymentRecord| {
				p.job_id.is_none_or(|id| {
					self.jobs.get(&id).is_some_and(|j| !matches!(j.stage, Stage::Done { .. }))
				}) && p.failure.is_none()
			};
			let mut old: Vec<(u64, String)> = self
				.payments
				.iter()
				.filter(|(_, p)| !live(p))
				.map(|(hash, p)| (p.job_id.unwrap_or_default(), hash.clone()))
				.collect();
			old.sort();
			let excess = self.payments.len() - KEEP_ENDED;
			for (_, hash) in old.into_iter().take(excess) {
				self.payments.remove(&hash);
			}
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	fn job(stage: Stage) -> JobRecord {
		JobRecord {
			model_id: 1,
			deadline: 40,
			stage,
			pending: None,
			proof: None,
			output: None,
			result_transaction: None,
		}
	}

	#[test]
	fn the_state_survives_a_save_and_another_chains_state_is_not_used() {
		let dir = tempfile::tempdir().expect("dir");
		let mut state = State::load(dir.path(), "0xaa").expect("empty");
		assert_eq!(state, State { genesis: "0xaa".into(), ..State::default() });
		state.cursor = Some(7);
		let mut accepted = job(Stage::Accepted);
		accepted.pending = Some(Pending {
			purpose: Purpose::Submit,
			nonce: 3,
			extrinsic: "0x01".into(),
			hash: "0x02".into(),
		});
		state.jobs.insert(5, accepted);
		state.jobs.insert(
			6,
			job(Stage::Done { outcome: Outcome::Refused { reason: "no request".into() } }),
		);
		state.save(dir.path()).expect("saved");
		assert_eq!(State::load(dir.path(), "0xaa").expect("loaded"), state);
		let text = std::fs::read_to_string(path(dir.path())).expect("file");
		assert!(text.contains("\"stage\": \"accepted\""), "{text}");
		assert!(text.contains("\"outcome\": \"refused\""), "{text}");
		assert_eq!(State::load(dir.path(), "0xbb").expect("other chain").jobs.len(), 0);

		std::fs::write(path(dir.path()), b"{").expect("damaged");
		assert!(matches!(State::load(dir.path(), "0xaa"), Err(WalletError::Corrupt(_))));
	}

	#[test]
	fn only_the_newest_ended_jobs_are_kept() {
		let mut state = State::default();
		for id in 0..(KEEP_ENDED as u64 + 10) {
			state.jobs.insert(id, job(Stage::Done { outcome: Outcome::Expired }));
		}
		state.jobs.insert(1, job(Stage::Accepted));
		state.forget_old();
		assert_eq!(state.jobs.len(), KEEP_ENDED + 1);
		assert!(state.jobs.contains_key(&1), "a live job is kept");
		assert!(!state.jobs.contains_key(&0));
		assert!(state.jobs.contains_key(&(KEEP_ENDED as u64 + 9)));
	}
}
