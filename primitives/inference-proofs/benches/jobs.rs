//! Proving and verifying time, proof size and key building time of every job circuit
//! version (`scripts/bench-zk.sh` runs it with one thread, `RAYON_NUM_THREADS=1`). Prints one
//! JSON object with rows `poi_commitment_*`, `poi_inference_<shape>_*` and
//! `poi_adapted_<shape>_r4_*` (`_prove_ms`, `_verify_ms`, `_proof_bytes`, `_keygen_ms`, `_k`);
//! `scripts/bench-zk.sh` merges it into its report. Times are medians (of 5 proofs after the
//! first, which also builds the proving key, and of 21 verifications), so that a busy machine
//! moves them less than it moves a mean.

use std::time::Instant;

use rand::{rngs::StdRng, SeedableRng};
use sable_inference_proofs::{
	job::{self, verify},
	keys, samples,
};

fn millis(started: Instant) -> f64 {
	(started.elapsed().as_secs_f64() * 1e5).round() / 100.0
}

fn median(mut samples: Vec<f64>) -> f64 {
	samples.sort_by(f64::total_cmp);
	samples[samples.len() / 2]
}

/// The row name of a circuit version: its registry name without the version suffix.
fn row(name: &str) -> &str {
	let base = name.rsplit_once("_v").map_or(name, |(base, _)| base);
	base
}

fn main() {
	let mut rng = StdRng::seed_from_u64(1);
	let mut report = serde_json::Map::new();
	for spec in job::circuits() {
		let witness = samples::of_circuit(spec.id, 1).expect("a sample of every version");
		let name = row(spec.name);
		let started = Instant::now();
		let _ = keys::verifier_keys(spec.id).expect("keys of every version");
		let keygen_ms = millis(started);
		// The first proof also builds the proving key; time the next ones.
		let _ = witness.prove(0, [1; 32], &mut rng).expect("proves");
		let mut result = None;
		let prove_ms = median(
			(1..=5)
				.map(|job| {
					let started = Instant::now();
					result = Some(witness.prove(job, [1; 32], &mut rng).expect("proves"));
					millis(started)
				})
				.collect(),
		);
		let result = result.expect("at least one run");
		let verify_ms = median(
			(0..21)
				.map(|_| {
					let started = Instant::now();
					verify(spec.id, &result.proof, &result.statement).expect("verifies");
					millis(started)
				})
				.collect(),
		);
		let round = |ms: f64| (ms * 100.0).round() / 100.0;
		report.insert(format!("{name}_k"), spec.k.into());
		report.insert(format!("{name}_keygen_ms"), keygen_ms.into());
		report.insert(format!("{name}_prove_ms"), round(prove_ms).into());
		report.insert(format!("{name}_verify_ms"), round(verify_ms).into());
		report.insert(format!("{name}_proof_bytes"), result.proof.len().into());
	}
	println!("{}", serde_json::Value::Object(report));
}
