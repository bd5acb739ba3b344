//! Proving and verifying time, proof size and key building time of every job circuit
//! version (`scripts/bench-zk.sh` runs it with one thread, `RAYON_NUM_THREADS=1`). Prints one
//! JSON object with rows `poi_commitment_*` and `poi_inference_<shape>_*` (`_prove_ms`,
//! `_verify_ms`, `_proof_bytes`, `_keygen_ms`, `_k`); `scripts/bench-zk.sh` merges it into
//! its report.

use std::time::Instant;

use rand::{rngs::StdRng, SeedableRng};
use sable_inference_proofs::{
	job::{self, verify},
	keys, samples,
};

fn millis(started: Instant) -> f64 {
	(started.elapsed().as_secs_f64() * 1e5).round() / 100.0
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
		let runs = 3;
		let started = Instant::now();
		let mut result = None;
		for job in 1..=runs {
			result = Some(witness.prove(job, [1; 32], &mut rng).expect("proves"));
		}
		let prove_ms = millis(started) / runs as f64;
		let result = result.expect("at least one run");
		let verifies = 20;
		let started = Instant::now();
		for _ in 0..verifies {
			verify(spec.id, &result.proof, &result.statement).expect("verifies");
		}
		let verify_ms = millis(started) / verifies as f64;
		let round = |ms: f64| (ms * 100.0).round() / 100.0;
		report.insert(format!("{name}_k"), spec.k.into());
		report.insert(format!("{name}_keygen_ms"), keygen_ms.into());
		report.insert(format!("{name}_prove_ms"), round(prove_ms).into());
		report.insert(format!("{name}_verify_ms"), round(verify_ms).into());
		report.insert(format!("{name}_proof_bytes"), result.proof.len().into());
	}
	println!("{}", serde_json::Value::Object(report));
}
