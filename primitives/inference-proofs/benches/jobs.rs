//! Proving and verifying time and proof size of the three job circuits (one thread for
//! verification, as the node does). Prints one JSON object; `scripts/bench-zk.sh` merges it
//! into its report.

use std::time::Instant;

use rand::{rngs::StdRng, SeedableRng};
use sable_inference_proofs::{job::verify, keys, samples};

fn millis(started: Instant) -> f64 {
	(started.elapsed().as_secs_f64() * 1e5).round() / 100.0
}

fn main() {
	let mut rng = StdRng::seed_from_u64(1);
	let mut report = serde_json::Map::new();
	for (name, witness) in
		[("commitment", samples::commitment(1)), ("inference", samples::inference(1))]
	{
		let started = Instant::now();
		let _ = keys::verifier_keys(witness.kind());
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
			verify(witness.kind(), &result.proof, &result.statement).expect("verifies");
		}
		let verify_ms = millis(started) / verifies as f64;
		report.insert(format!("poi_{name}_keygen_ms"), keygen_ms.into());
		report.insert(format!("poi_{name}_prove_ms"), ((prove_ms * 100.0).round() / 100.0).into());
		report
			.insert(format!("poi_{name}_verify_ms"), ((verify_ms * 100.0).round() / 100.0).into());
		report.insert(format!("poi_{name}_proof_bytes"), result.proof.len().into());
	}
	println!("{}", serde_json::Value::Object(report));
}
