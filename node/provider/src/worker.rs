//! Serving jobs (docs/PROVIDER.md, "Serving jobs"). Every tick the worker scans the newly
//! finalized blocks for `JobCreated` on its models, then steps every live job that is due:
//!
//! 1. a job whose end is finalized is recorded with its outcome;
//! 2. a job with a transaction on its way has it followed: once the finalized nonce of the
//!    provider has passed it, it is on chain; until then the same bytes are submitted again
//!    (the pool answers that it has them, or that they are stale);
//! 3. an open job has its request opened and checked against the job's commitments, and is
//!    refused (never accepted) if it does not match, or accepted;
//! 4. an accepted job is proven (once: the proof is saved) and its result submitted.
//!
//! A step that fails is retried with exponential backoff, from one second up to thirty,
//! until the job ends on chain (at the latest its deadline passes).

use std::{
	collections::{HashMap, HashSet},
	sync::{Arc, Mutex},
	time::{Duration, Instant},
};

use codec::{Decode, Encode};
use pallet_proof_of_inference_rpc::JobJson;
use sable_inference_proofs::primitives::delivery;
use sable_runtime::{RuntimeEvent, UncheckedExtrinsic};
use sable_wallet::{
	error::{Result, WalletError},
	poi::{
		chain::{PoiCall, PoiEvent},
		provider::{self, Expected, ProveInputs},
	},
};
use sable_zk_primitives::encoding::{from_hex, to_hex};
use sp_core::H256;

use crate::{
	chain::{encoded_hex, extrinsic_hash, Chain, Submission},
	models::Served,
	state::{JobRecord, Outcome, Pending, Purpose, Stage},
	Shared,
};

/// How often the worker looks at the chain.
pub const TICK: Duration = Duration::from_millis(500);
/// The first retry's delay; each failure doubles it, up to [`MAX_BACKOFF`].
pub const FIRST_BACKOFF: Duration = Duration::from_secs(1);
/// The longest delay between retries.
pub const MAX_BACKOFF: Duration = Duration::from_secs(30);
/// How far back a daemon without a cursor (its first start) looks for jobs.
const FIRST_SCAN: u64 = 600;
/// The most blocks scanned in one tick, so that a daemon catching up still serves its jobs.
const SCAN_PER_TICK: u64 = 64;

/// The longest one proof is expected to take: the first after a start also builds the
/// circuit's keys (5 to 7.6 s for the digits model on 2 cores, docs/PROVIDER.md).
const SLOWEST_PROOF_MS: u64 = 8_000;

/// The fewest blocks a job's deadline must leave when it is accepted: the acceptance's
/// block, the blocks the slowest proof spans, and the result's block, with two blocks to
/// spare (6 at 6 s slots, 8 at 2 s). A job with less time is refused, not accepted:
/// accepting it would only put collateral at stake.
pub const SERVE_BLOCKS: u64 =
	4 + SLOWEST_PROOF_MS.div_ceil(sable_runtime::MILLISECS_PER_BLOCK);

/// The seconds per proof assumed before the first proof (the digits model proves in about
/// 2 s on 2 cores; the largest inference circuit in about 4 s).
const INITIAL_PROVE_SECONDS: f64 = 4.0;

/// The delay before retry `attempt` (1 for the first).
pub fn backoff(attempt: u32) -> Duration {
	let factor = 1u32.checked_shl(attempt.saturating_sub(1)).unwrap_or(u32::MAX);
	FIRST_BACKOFF.saturating_mul(factor).min(MAX_BACKOFF)
}

#[derive(Default)]
struct Retry {
	attempts: u32,
	due: Option<Instant>,
}

/// The job server.
pub struct Worker {
	chain: Arc<Chain>,
	shared: Arc<Shared>,
	models: HashMap<u32, Served>,
	/// Held while a nonce is chosen and its extrinsic saved and submitted.
	signing: tokio::sync::Mutex<()>,
	/// One proof at a time: proofs use every core.
	prover: tokio::sync::Semaphore,
	retries: Mutex<HashMap<u64, Retry>>,
	running: Mutex<HashSet<u64>>,
	proving: Mutex<HashSet<u64>>,
	/// A running mean of the seconds per proof.
	mean_prove_seconds: Mutex<f64>,
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
	mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Worker {
	/// A worker serving `models`.
	pub fn new(chain: Arc<Chain>, shared: Arc<Shared>, models: Vec<Served>) -> Worker {
		Worker {
			chain,
			shared,
			models: models.into_iter().map(|m| (m.model_id, m)).collect(),
			signing: tokio::sync::Mutex::new(()),
			prover: tokio::sync::Semaphore::new(1),
			retries: Mutex::new(HashMap::new()),
			running: Mutex::new(HashSet::new()),
			proving: Mutex::new(HashSet::new()),
			mean_prove_seconds: Mutex::new(INITIAL_PROVE_SECONDS),
		}
	}

	/// The model `model_id` if the daemon serves it.
	pub fn model(&self, model_id: u32) -> Option<&Served> {
		self.models.get(&model_id)
	}

	/// The models served, by id.
	pub fn models(&self) -> impl Iterator<Item = &Served> {
		let mut models: Vec<&Served> = self.models.values().collect();
		models.sort_by_key(|m| m.model_id);
		models.into_iter()
	}

	/// Starts serving job `job_id` (as the chain reports it) now, without waiting for the
	/// scan to find it: for jobs whose payment the HTTP API just saw finalized.
	pub fn track_job(&self, job_id: u64, job: &JobJson) -> Result<()> {
		if self.models.contains_key(&job.model_id) {
			self.track(job_id, job)?;
		}
		Ok(())
	}

	/// Serves jobs until the process ends.
	pub async fn run(self: Arc<Self>) {
		if let Err(e) = self.adopt_accepted_jobs().await {
			eprintln!("cannot read the provider's accepted jobs: {e}");
		}
		let mut last_error = None;
		loop {
			match self.scan().await {
				Ok(()) => last_error = None,
				Err(e) => {
					// Logged when it changes, not every tick while every node is down.
					let text = e.to_string();
					if last_error.as_ref() != Some(&text) {
						eprintln!("scanning finalized blocks: {text}");
						last_error = Some(text);
					}
				},
			}
			self.schedule();
			self.publish_gauges();
			tokio::time::sleep(TICK).await;
		}
	}

	/// Jobs the chain says this provider accepted that the state does not know (a lost or
	/// fresh data directory): served from where they stand.
	async fn adopt_accepted_jobs(&self) -> Result<()> {
		for job_id in self.chain.provider_jobs().await? {
			if self.shared.with_state(|s| s.jobs.contains_key(&job_id)) {
				continue;
			}
			if let Some(job) = self.chain.job(job_id).await? {
				self.track(job_id, &job)?;
			}
		}
		Ok(())
	}

	/// Records a job on one of the daemon's models, linking it to the payment that made it.
	fn track(&self, job_id: u64, job: &JobJson) -> Result<()> {
		let input = to_hex(&job.input.0);
		self.shared.update(|state| {
			if state.jobs.contains_key(&job_id) {
				return;
			}
			if let Some(hash) = state.payment_for_input(&input).map(|(hash, _)| hash.clone()) {
				if let Some(payment) = state.payments.get_mut(&hash) {
					payment.job_id = Some(job_id);
				}
			}
			let stage = if job.status.state == "open" { Stage::Open } else { Stage::Accepted };
			state.jobs.insert(
				job_id,
				JobRecord {
					model_id: job.model_id,
					deadline: job.deadline,
					stage,
					pending: None,
					proof: None,
					output: None,
					result_transaction: None,
				},
			);
		})
	}

	/// Scans the newly finalized blocks for jobs on the daemon's models.
	async fn scan(&self) -> Result<()> {
		let (_, finalized) = self.chain.finalized().await?;
		let cursor = self.shared.with_state(|s| s.cursor);
		// Block 0 holds no extrinsics, so no job.
		let from = cursor.map_or(finalized.saturating_sub(FIRST_SCAN), |c| c + 1).max(1);
		let to = finalized.min(from.saturating_add(SCAN_PER_TICK - 1));
		for number in from..=to {
			let (hash, events) = self.chain.finalized_events(number).await?;
			for event in events {
				let RuntimeEvent::ProofOfInference(PoiEvent::JobCreated {
					job_id, model_id, ..
				}) = event
				else {
					continue;
				};
				if !self.models.contains_key(&model_id) {
					continue;
				}
				if let Some(job) = self.chain.job(job_id).await? {
					self.track(job_id, &job)?;
				}
			}
			self.shared.update(|s| {
				s.cursor = Some(number);
				s.cursor_hash = Some(to_hex(hash.as_bytes()));
			})?;
			self.shared.metrics.finalized_block.set(number as i64);
		}
		Ok(())
	}

	/// Starts a step for every live job that is due and not already being stepped.
	fn schedule(self: &Arc<Self>) {
		let live: Vec<u64> = self.shared.with_state(|s| {
			s.jobs
				.iter()
				.filter(|(_, job)| !matches!(job.stage, Stage::Done { .. }))
				.map(|(id, _)| *id)
				.collect()
		});
		let now = Instant::now();
		for job_id in live {
			let due = lock(&self.retries).get(&job_id).and_then(|r| r.due).is_none_or(|d| d <= now);
			if !due || !lock(&self.running).insert(job_id) {
				continue;
			}
			let worker = self.clone();
			tokio::spawn(async move {
				let outcome = worker.step(job_id).await;
				let mut retries = lock(&worker.retries);
				let retry = retries.entry(job_id).or_default();
				match outcome {
					Ok(()) => *retry = Retry::default(),
					Err(e) => {
						retry.attempts = retry.attempts.saturating_add(1);
						let delay = backoff(retry.attempts);
						retry.due = Some(Instant::now() + delay);
						eprintln!("job {job_id}: {e}; retrying in {delay:?}");
					},
				}
				drop(retries);
				lock(&worker.running).remove(&job_id);
			});
		}
	}

	fn publish_gauges(&self) {
		let proving = lock(&self.proving).clone();
		let counts = self.shared.with_state(|s| {
			let mut counts = [0i64; 4];
			for (id, job) in &s.jobs {
				let index = match job.stage {
					_ if proving.contains(id) => 2,
					Stage::Open
						if job.pending.as_ref().is_some_and(|p| p.purpose == Purpose::Submit) =>
					{
						1
					},
					Stage::Open => 0,
					Stage::Accepted => 1,
					Stage::Submitted => 3,
					Stage::Done { .. } => continue,
				};
				counts[index] += 1;
			}
			counts
		});
		for (state, count) in crate::metrics::JOB_STATES.iter().zip(counts) {
			self.shared.metrics.jobs.with_label_values(&[state]).set(count);
		}
	}

	/// One step of job `job_id` (the module's documentation lists them).
	async fn step(&self, job_id: u64) -> Result<()> {
		let Some(record) = self.shared.with_state(|s| s.jobs.get(&job_id).cloned()) else {
			return Ok(());
		};
		let (finalized_hash, _) = self.chain.finalized().await?;
		let at_finality = self.chain.job_at(job_id, finalized_hash).await?;
		if let Some(outcome) = self.outcome(at_finality.as_ref()).await? {
			return self.finish(job_id, &record, outcome, finalized_hash).await;
		}
		let Some(job) = self.chain.job(job_id).await? else { return Ok(()) };
		if let Some(pending) = &record.pending {
			// An acceptance in the best chain is enough to start proving: the result is
			// signed with the next nonce and waits behind it if the acceptance is retracted.
			let accepted = pending.purpose == Purpose::Accept && job.status.state == "accepted";
			if !accepted {
				return self.follow(job_id, pending, finalized_hash).await;
			}
		}
		if job.provider != self.chain.account.to_string() {
			return self.refuse(job_id, "the job is for another provider's model".into());
		}
		match (job.status.state.as_str(), &record.stage) {
			("open", Stage::Open) => self.accept(job_id, &job).await,
			("accepted", Stage::Open | Stage::Accepted) => {
				self.prove_and_submit(job_id, &job).await
			},
			// The result is on chain but not final yet: wait.
			_ => Ok(()),
		}
	}

	/// The job's outcome if its end is final.
	async fn outcome(&self, job: Option<&JobJson>) -> Result<Option<Outcome>> {
		let Some(job) = job else {
			return Ok(Some(Outcome::Failed { reason: "the job is not on chain (pruned)".into() }));
		};
		let outcome = match (job.status.state.as_str(), job.status.slashed) {
			("completed", _) => {
				let ended = job.status.ended_at.unwrap_or_default();
				let hash = self.chain.block_hash(ended).await?.unwrap_or_default();
				Outcome::Settled { block_hash: to_hex(hash.as_bytes()) }
			},
			("refunded", Some(true)) => Outcome::Expired,
			("refunded", _) => Outcome::Failed {
				reason: "its deadline passed before it was accepted; the client was refunded"
					.into(),
			},
			("cancelled", _) => Outcome::Failed { reason: "cancelled by its client".into() },
			_ => return Ok(None),
		};
		Ok(Some(outcome))
	}

	async fn finish(
		&self,
		job_id: u64,
		record: &JobRecord,
		outcome: Outcome,
		finalized: H256,
	) -> Result<()> {
		// A transaction that never made it frees its nonce for the next one.
		let unused_nonce = match &record.pending {
			Some(pending) if self.chain.nonce_at(finalized).await? <= pending.nonce => {
				Some(pending.nonce)
			},
			_ => None,
		};
		eprintln!("job {job_id}: {}", outcome.label());
		self.shared.metrics.jobs_total.with_label_values(&[outcome.label()]).inc();
		self.shared.update(|state| {
			if let Some(job) = state.jobs.get_mut(&job_id) {
				job.stage = Stage::Done { outcome };
				job.pending = None;
				// The proof is on chain or useless now; the output stays to answer a
				// repeated payment.
				job.proof = None;
			}
			if let Some(nonce) = unused_nonce {
				state.next_nonce = Some(state.next_nonce.map_or(nonce, |next| next.min(nonce)));
			}
		})
	}

	fn refuse(&self, job_id: u64, reason: String) -> Result<()> {
		eprintln!("job {job_id}: refused: {reason}");
		self.shared.metrics.jobs_total.with_label_values(&["refused"]).inc();
		self.shared.update(|state| {
			if let Some(job) = state.jobs.get_mut(&job_id) {
				job.stage = Stage::Done { outcome: Outcome::Refused { reason } };
				job.pending = None;
			}
		})
	}

	/// Follows a transaction on its way (step 2).
	async fn follow(&self, job_id: u64, pending: &Pending, finalized: H256) -> Result<()> {
		if self.chain.nonce_at(finalized).await? > pending.nonce {
			let state = self.chain.job_at(job_id, finalized).await?.map(|job| job.status.state);
			if pending.purpose == Purpose::Accept && state.as_deref() == Some("open") {
				// Included and failed (the bond's free part is too small, or the provider
				// holds its most open jobs): accepting again would only pay fees.
				return self.refuse(job_id, "its acceptance failed on chain".into());
			}
			return self.shared.update(|state| {
				if let Some(job) = state.jobs.get_mut(&job_id) {
					job.pending = None;
					if pending.purpose == Purpose::Submit {
						job.stage = Stage::Submitted;
					}
				}
			});
		}
		let bytes = from_hex(&pending.extrinsic)
			.map_err(|e| WalletError::Corrupt(format!("job {job_id}'s extrinsic: {e}")))?;
		let extrinsic = UncheckedExtrinsic::decode(&mut &bytes[..])
			.map_err(|e| WalletError::Corrupt(format!("job {job_id}'s extrinsic: {e}")))?;
		match self.chain.submit(&extrinsic).await? {
			Submission::Accepted | Submission::Known | Submission::Stale => Ok(()),
			Submission::Refused(why) if why.contains("bad signature") => {
				// Signed for a runtime the chain no longer runs (an upgrade changed the spec
				// version): these bytes can never be valid, so the call is signed again with
				// the same nonce.
				self.shared.update(|state| {
					if let Some(job) = state.jobs.get_mut(&job_id) {
						job.pending = None;
					}
					state.next_nonce =
						Some(state.next_nonce.map_or(pending.nonce, |n| n.min(pending.nonce)));
				})?;
				Err(WalletError::Rpc(format!(
					"its {:?} transaction is signed for another runtime; signing it again",
					pending.purpose
				)))
			},
			Submission::Refused(why) => Err(WalletError::Rpc(format!(
				"the pool refuses its {:?} transaction: {why}",
				pending.purpose
			))),
		}
	}

	/// The sealed request of job `job_id`: sent over HTTP with its payment, or on chain.
	fn sealed_request(&self, job_id: u64, job: &JobJson) -> std::result::Result<Vec<u8>, String> {
		let paid = self.shared.with_state(|s| {
			s.payments.values().find(|p| p.job_id == Some(job_id)).map(|p| p.request.clone())
		});
		match (paid, &job.request) {
			(Some(hex), _) => from_hex(&hex).map_err(|e| format!("its recorded request: {e}")),
			(None, Some(bytes)) if !bytes.0.is_empty() => Ok(bytes.0.clone()),
			_ => Err("it has no request: none on chain and none sent to this provider".into()),
		}
	}

	/// Blocks needed to serve job `job_id` if it is accepted now: [`SERVE_BLOCKS`], plus the
	/// proofs of the accepted jobs still waiting for theirs (one proof at a time, at the mean
	/// proving time seen so far). A burst of requests is refused beyond what can be proven in
	/// time, rather than accepted and slashed.
	fn blocks_to_serve(&self, job_id: u64) -> u64 {
		let queued = self.shared.with_state(|s| {
			s.jobs
				.iter()
				.filter(|(id, job)| {
					**id != job_id
						&& job.proof.is_none()
						&& match job.stage {
							Stage::Accepted => true,
							Stage::Open => job.pending.is_some(),
							_ => false,
						}
				})
				.count()
		});
		let block_seconds = sable_runtime::MILLISECS_PER_BLOCK as f64 / 1000.0;
		let queue_seconds = queued as f64 * *lock(&self.mean_prove_seconds);
		SERVE_BLOCKS + (queue_seconds / block_seconds).ceil() as u64
	}

	/// Job `job_id`'s request, opened with the model's key and checked against the job's
	/// commitments; why not, if it cannot be.
	fn open_request(
		&self,
		job_id: u64,
		job: &JobJson,
		model: &Served,
	) -> std::result::Result<sable_inference_proofs::request::Request, String> {
		let sealed = self.sealed_request(job_id, job)?;
		let what = format!("job {job_id}");
		provider::open_sealed(
			&self.chain.pair,
			&model.on_chain,
			&model.circuit,
			&sealed,
			Expected::job(&what, job),
		)
		.map_err(|e| e.to_string())
	}

	/// Opens and checks an open job's request; refuses the job or accepts it (step 3).
	async fn accept(&self, job_id: u64, job: &JobJson) -> Result<()> {
		let Some(model) = self.models.get(&job.model_id) else {
			return self.refuse(job_id, format!("model {} is not served here", job.model_id));
		};
		let best = self.chain.best_number().await?;
		let needed = self.blocks_to_serve(job_id);
		if job.deadline < best + needed {
			return self.refuse(
				job_id,
				format!(
					"its deadline #{} leaves {} blocks after #{best}; serving it behind the jobs \
					 already accepted takes {needed}",
					job.deadline,
					job.deadline.saturating_sub(best)
				),
			);
		}
		let checked = self.open_request(job_id, job, model).and_then(|request| {
			provider::check_adapter(job_id, &model.circuit, &request, &model.file)
				.map_err(|e| e.to_string())
		});
		if let Err(reason) = checked {
			return self.refuse(job_id, reason);
		}
		self.send(job_id, Purpose::Accept, PoiCall::accept_job { job_id }).await
	}

	/// Proves an accepted job (once) and submits its result (step 4).
	async fn prove_and_submit(&self, job_id: u64, job: &JobJson) -> Result<()> {
		let proof =
			match self.shared.with_state(|s| s.jobs.get(&job_id).and_then(|j| j.proof.clone())) {
				Some(proof) => proof,
				None => self.prove(job_id, job).await?,
			};
		self.send(job_id, Purpose::Submit, proof.submit_call()?).await
	}

	async fn prove(&self, job_id: u64, job: &JobJson) -> Result<provider::ProofFile> {
		let model = self.models.get(&job.model_id).ok_or_else(|| {
			WalletError::Input(format!("job {job_id}: model {} is not served here", job.model_id))
		})?;
		let request = self.open_request(job_id, job, model).map_err(WalletError::Input)?;
		let _permit = self
			.prover
			.acquire()
			.await
			.map_err(|_| WalletError::Input("the prover is shut down".into()))?;
		lock(&self.proving).insert(job_id);
		self.publish_gauges();
		let (account, circuit, file, salt) =
			(self.chain.account.clone(), model.circuit, model.file.clone(), model.salt);
		let proving_request = request.clone();
		let proven = tokio::task::spawn_blocking(move || {
			let inputs = ProveInputs { model_file: &file, model_salt: salt, output: None };
			provider::prove(job_id, &account, &circuit, &proving_request, inputs, &mut rand::rng())
		})
		.await;
		lock(&self.proving).remove(&job_id);
		let proof =
			proven.map_err(|e| WalletError::Input(format!("the prover stopped: {e}")))??;
		self.shared
			.metrics
			.prove_seconds
			.with_label_values(&[&model.circuit.label()])
			.observe(proof.prove_ms as f64 / 1000.0);
		{
			let mut mean = lock(&self.mean_prove_seconds);
			*mean = 0.8 * *mean + 0.2 * (proof.prove_ms as f64 / 1000.0);
		}
		let shape = model.circuit.model_shape()?;
		let output = delivery::decrypt(
			request.delivery_key,
			job_id,
			&proof.output_elements()?,
			shape.outputs,
		)
		.map_err(|e| WalletError::Input(format!("job {job_id}'s own ciphertext: {e}")))?;
		eprintln!("job {job_id}: proven with {} in {} ms", proof.circuit, proof.prove_ms);
		self.shared.update(|state| {
			if let Some(record) = state.jobs.get_mut(&job_id) {
				record.stage = Stage::Accepted;
				record.proof = Some(proof.clone());
				record.output = Some(output);
			}
		})?;
		Ok(proof)
	}

	/// Signs `call` with the next nonce, saves it as job `job_id`'s pending transaction, and
	/// submits it.
	async fn send(&self, job_id: u64, purpose: Purpose, call: PoiCall) -> Result<()> {
		let _signing = self.signing.lock().await;
		let pool = self.chain.pool_next_index().await?;
		let nonce = pool.max(self.shared.with_state(|s| s.next_nonce).unwrap_or(0));
		let extrinsic = self.chain.sign(call, nonce).await?;
		let pending = Pending {
			purpose,
			nonce,
			extrinsic: encoded_hex(&extrinsic),
			hash: extrinsic_hash(&extrinsic.encode()),
		};
		self.shared.update(|state| {
			state.next_nonce = Some(nonce.saturating_add(1));
			if let Some(job) = state.jobs.get_mut(&job_id) {
				if purpose == Purpose::Submit {
					job.result_transaction = Some(pending.hash.clone());
				} else {
					job.stage = Stage::Open;
				}
				job.pending = Some(pending);
			}
		})?;
		match self.chain.submit(&extrinsic).await? {
			Submission::Accepted | Submission::Known | Submission::Stale => Ok(()),
			Submission::Refused(why) => Err(WalletError::Rpc(format!(
				"the pool refuses the {purpose:?} transaction: {why}"
			))),
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn the_backoff_doubles_from_one_second_up_to_thirty() {
		let delays: Vec<u64> = (1..=7).map(|attempt| backoff(attempt).as_secs()).collect();
		assert_eq!(delays, [1, 2, 4, 8, 16, 30, 30]);
		assert_eq!(backoff(200), MAX_BACKOFF);
	}
}
