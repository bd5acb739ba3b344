//! The native side of the host functions: decode, look up the circuit version and its checked
//! key, consult the cache of verified statements, verify, record metrics.
//!
//! A proof whose length is not its circuit version's exact proof length is
//! [`VerifyError::MalformedStatement`], refused before any verification work.
//!
//! Nothing here can change a verification's result: the cache only remembers statements
//! that verified (a statement is its circuit, public inputs and proof bytes, so a hit is the
//! same question with the same answer), and its size and contents never reach the runtime.

mod budget;
mod cache;
mod circuits;
mod metrics;

use std::{collections::BTreeMap, time::Instant};

use codec::DecodeAll;
use sable_zk_primitives::{encoding::fp_from_bytes, Fp};
use sable_zk_proofs::proof::{self, verify_instance, verify_instances_batch, BatchError};

use crate::{AdmitRefusal, BatchFailure, CircuitId, Statement, StatementBatch, VerifyError};

pub use budget::{set_admit_unverified, set_pool_budget, BURST_SECONDS, DEFAULT_POOL_BUDGET_MS};
pub use cache::{clear_cache, set_cache_enabled, CACHE_CAPACITY};
pub use circuits::{check_keys, known_circuits};
use metrics::Record;
pub use metrics::{metrics, register_metrics, Metrics};
pub use sable_zk_proofs::keys::KeyMismatch;

const LOG_TARGET: &str = "sable-zk";

/// A batch item not found in the cache: its index in the batch, its cache key, itself.
type Pending<'a> = (usize, [u8; 32], &'a Statement);

/// The instance column of `statement`, checked against the circuit's input count.
fn instance(statement: &Statement, expected_len: u32) -> Result<Vec<Fp>, VerifyError> {
	if statement.public_inputs.len() != expected_len as usize {
		return Err(VerifyError::MalformedPublicInputs);
	}
	statement
		.public_inputs
		.iter()
		.map(|bytes| fp_from_bytes(bytes).ok_or(VerifyError::MalformedPublicInputs))
		.collect()
}

/// The host's answer for a verifier error.
fn host_error(error: &proof::VerifyError) -> VerifyError {
	match error {
		proof::VerifyError::WrongProofLength { .. } => VerifyError::MalformedStatement,
		proof::VerifyError::MalformedPublicInputs => VerifyError::MalformedPublicInputs,
		proof::VerifyError::InvalidProof => VerifyError::InvalidProof,
	}
}

/// Verifies one statement, without the cache.
fn verify_uncached(statement: &Statement) -> Result<(), VerifyError> {
	let circuit = circuits::lookup(statement.circuit).ok_or(VerifyError::UnknownCircuit)?;
	let keys = circuit.keys().map_err(|_| VerifyError::UnknownCircuit)?;
	let instance = instance(statement, circuit.spec.public_inputs)?;
	let started = Instant::now();
	let result =
		verify_instance(keys, &statement.proof, &instance).map_err(|error| host_error(&error));
	metrics::get().observe_time(circuit.spec.name, "single", started.elapsed());
	result
}

/// Whether `statement` is in the verified-statement cache (it verified before).
pub fn is_cached(statement: &Statement) -> bool {
	cache::contains(&cache::digest(&codec::Encode::encode(statement)))
}

/// Host side of `zk_verifier::verify`.
pub fn verify_encoded(encoded: &[u8]) -> Result<(), VerifyError> {
	let Ok(statement) = Statement::decode_all(&mut &encoded[..]) else {
		metrics::get().count_result(None, Err(VerifyError::MalformedStatement));
		return Err(VerifyError::MalformedStatement);
	};
	verify_statement(&statement, cache::digest(encoded))
}

/// Verifies one decoded statement whose cache key is `digest`, through the cache.
fn verify_statement(statement: &Statement, digest: [u8; 32]) -> Result<(), VerifyError> {
	let metrics = metrics::get();
	if cache::contains(&digest) {
		metrics.cache_hit();
		return Ok(());
	}
	metrics.cache_miss();
	let result = verify_uncached(statement);
	metrics.count_result(circuits::name(statement.circuit), result);
	if result.is_ok() {
		cache::insert(digest);
	}
	log::debug!(target: LOG_TARGET, "verified {:?}: {:?}", statement.circuit, result);
	result
}

/// Host side of `zk_verifier::admit`: the transaction pool's verification of an unsigned
/// call's statements (one or a batch), within the pool's budget (`docs/zk.md`, "Floods").
/// Statements that all verified before are admitted at once; otherwise, with the budget
/// spent, they are refused unverified. A verification that fails is charged to the budget;
/// one that succeeds is not (its transaction pays its fee when included).
pub fn admit_encoded(encoded: &[u8]) -> Result<(), AdmitRefusal> {
	if budget::admits_unverified() {
		return Ok(());
	}
	let Ok(batch) = StatementBatch::decode_all(&mut &encoded[..]) else {
		metrics::get().count_result(None, Err(VerifyError::MalformedStatement));
		return Err(AdmitRefusal::Failed(BatchFailure::whole(VerifyError::MalformedStatement)));
	};
	let digests: Vec<_> =
		batch.iter().map(|statement| cache::digest(&codec::Encode::encode(statement))).collect();
	let all_cached = digests.iter().all(cache::contains);
	if !all_cached && !budget::available() {
		metrics::get().pool_over_budget();
		return Err(AdmitRefusal::OverBudget);
	}
	let started = Instant::now();
	let result = match (batch.as_slice(), digests.as_slice()) {
		([statement], [digest]) => verify_statement(statement, *digest)
			.map_err(|error| BatchFailure { index: 0, error }),
		_ => verify_statements(&batch),
	};
	if !all_cached {
		let elapsed = started.elapsed();
		metrics::get().pool_verification_time(elapsed);
		if result.is_err() {
			budget::spend(elapsed);
		}
	}
	result.map_err(AdmitRefusal::Failed)
}

/// Host side of `zk_verifier::verify_batch`. Fails fast (`docs/zk.md`, "Batches fail fast"):
/// the answer is the first failure found, and a combined check that fails is reported for
/// the batch as a whole ([`BatchFailure::WHOLE_BATCH`]) rather than searched item by item,
/// so a refused batch never costs more than an accepted one.
pub fn verify_batch_encoded(encoded: &[u8]) -> Result<(), Vec<BatchFailure>> {
	let Ok(batch) = StatementBatch::decode_all(&mut &encoded[..]) else {
		metrics::get().count_result(None, Err(VerifyError::MalformedStatement));
		return Err(vec![BatchFailure::whole(VerifyError::MalformedStatement)]);
	};
	verify_statements(&batch).map_err(|failure| vec![failure])
}

/// Verifies `batch` through the cache, one combined check per circuit; answers its first
/// failure.
fn verify_statements(batch: &[Statement]) -> Result<(), BatchFailure> {
	let metrics = metrics::get();
	metrics.observe_batch_size(batch.len());

	let mut pending: BTreeMap<CircuitId, Vec<Pending>> = BTreeMap::new();
	for (index, statement) in batch.iter().enumerate() {
		let digest = cache::digest(&codec::Encode::encode(statement));
		if cache::contains(&digest) {
			metrics.cache_hit();
		} else {
			metrics.cache_miss();
			pending.entry(statement.circuit).or_default().push((index, digest, statement));
		}
	}

	for (circuit_id, items) in pending {
		let name = circuits::name(circuit_id);
		let refuse = |failure: BatchFailure| {
			metrics.count_result(name, Err(failure.error));
			log::debug!(target: LOG_TARGET, "batch of {} refused: {failure:?}", batch.len());
			Err(failure)
		};
		let usable =
			circuits::lookup(circuit_id).and_then(|circuit| Some((circuit, circuit.keys().ok()?)));
		let Some((circuit, keys)) = usable else {
			return refuse(BatchFailure {
				index: items[0].0 as u32,
				error: VerifyError::UnknownCircuit,
			});
		};
		let mut columns = Vec::with_capacity(items.len());
		for (index, _, statement) in &items {
			match instance(statement, circuit.spec.public_inputs) {
				Ok(column) => columns.push(column),
				Err(error) => return refuse(BatchFailure { index: *index as u32, error }),
			}
		}
		let inputs: Vec<(&[u8], Option<&[Fp]>)> = items
			.iter()
			.zip(&columns)
			.map(|((_, _, statement), column)| (statement.proof.as_slice(), Some(&column[..])))
			.collect();
		let started = Instant::now();
		let result = verify_instances_batch(keys, &inputs);
		metrics.observe_time(circuit.spec.name, "batch", started.elapsed());
		match result {
			Ok(()) => {
				for (_, digest, _) in &items {
					cache::insert(*digest);
					metrics.count_result(name, Ok(()));
				}
			},
			Err(BatchError::Malformed { index, error }) => {
				return refuse(BatchFailure {
					index: items[index].0 as u32,
					error: host_error(&error),
				})
			},
			Err(BatchError::Invalid) => {
				return refuse(BatchFailure::whole(VerifyError::InvalidProof))
			},
		}
	}
	Ok(())
}
