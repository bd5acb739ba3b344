//! Transfer-proof benchmark: key generation, proving, verification and batch verification,
//! single-threaded as a validator's weight assumes. Prints a human summary and, as its last
//! line, one JSON object (`scripts/bench-zk.sh` records it in docs/PERFORMANCE.md).
//!
//! The batch sizes reuse eight distinct proofs round-robin: halo2's batch verifier does the
//! same work for a repeated proof as for a new one, so this measures the real per-proof cost
//! without proving 64 proofs first.

use std::time::Instant;

use sable_zk_primitives::public_inputs::TransferPublicInputs;
use sable_zk_proofs::{
	circuit::K,
	keys::TransferKeys,
	proof::{prove, verify, verify_batch},
	witness::{Recipient, Spend, TransferRequest},
};

fn ms(start: Instant) -> f64 {
	start.elapsed().as_secs_f64() * 1e3
}

fn median(mut samples: Vec<f64>) -> f64 {
	samples.sort_by(|a, b| a.total_cmp(b));
	samples[samples.len() / 2]
}

fn peak_rss_mb() -> f64 {
	std::fs::read_to_string("/proc/self/status")
		.ok()
		.and_then(|status| {
			status
				.lines()
				.find(|l| l.starts_with("VmHWM:"))
				.and_then(|l| l.split_whitespace().nth(1).and_then(|kb| kb.parse::<f64>().ok()))
		})
		.map_or(0.0, |kb| kb / 1024.0)
}

/// A transfer spending two real notes from a tree of a few leaves.
fn request(seed: u64) -> TransferRequest {
	use ff::Field;
	use sable_zk_primitives::{
		keys::SpendingKey,
		note::{Note, Rho},
		tree::CommitmentTree,
		Fp,
	};
	let mut rng = <rand::rngs::StdRng as rand::SeedableRng>::seed_from_u64(seed);
	let sk = SpendingKey::from_field(Fp::random(&mut rng));
	let mut tree = CommitmentTree::default();
	let notes = [40u64, 60].map(|value| Note {
		value,
		owner: sk.owner(),
		rho: Rho(Fp::random(&mut rng)),
		rcm: Fp::random(&mut rng),
	});
	let positions = notes.map(|n| tree.append(n.commitment_field()).expect("room"));
	let spends =
		[0, 1].map(|i| Spend { sk, note: notes[i], path: tree.path(positions[i]).expect("leaf") });
	TransferRequest {
		inputs: spends,
		outputs: [
			Recipient { owner: sk.owner(), value: 90 },
			Recipient { owner: sk.owner(), value: 9 },
		],
		anchor: tree.root(),
		value_in: 0,
		value_out: 0,
		fee: 1,
		binding: Fp::from(seed),
	}
}

fn main() {
	let started = Instant::now();
	let keys = TransferKeys::build(sable_zk_proofs::circuit::SPEC);
	let keygen_ms = ms(started);

	let mut rng = rand::rng();
	let mut prove_samples = Vec::new();
	let mut proofs: Vec<(Vec<u8>, TransferPublicInputs)> = Vec::new();
	for seed in 0..8 {
		let witness = request(seed).build(&mut rng).expect("valid request");
		let started = Instant::now();
		let proof =
			prove(&keys, &witness.circuit, &witness.public_inputs, &mut rng).expect("proves");
		prove_samples.push(ms(started));
		proofs.push((proof, witness.public_inputs));
	}
	let prove_peak_rss_mb = peak_rss_mb();
	let prove_ms = median(prove_samples);

	let verify_ms = median(
		(0..20)
			.map(|i| {
				let (proof, inputs) = &proofs[i % proofs.len()];
				let started = Instant::now();
				verify(&keys, proof, inputs).expect("valid");
				ms(started)
			})
			.collect(),
	);

	let mut batch = serde_json::Map::new();
	for size in [1usize, 4, 16, 32, 64] {
		let items: Vec<(&[u8], &TransferPublicInputs)> = (0..size)
			.map(|i| {
				let (proof, inputs) = &proofs[i % proofs.len()];
				(proof.as_slice(), inputs)
			})
			.collect();
		let per_proof = median(
			(0..3)
				.map(|_| {
					let started = Instant::now();
					verify_batch(&keys, &items).expect("valid batch");
					ms(started) / size as f64
				})
				.collect(),
		);
		batch.insert(size.to_string(), serde_json::json!((per_proof * 100.0).round() / 100.0));
	}

	let round = |x: f64| (x * 10.0).round() / 10.0;
	let report = serde_json::json!({
		"k": K,
		"proof_bytes": proofs[0].0.len(),
		"keygen_ms": round(keygen_ms),
		"prove_ms": round(prove_ms),
		"verify_ms": round(verify_ms),
		"batch_ms_per_proof": batch,
		"prove_peak_rss_mb": round(prove_peak_rss_mb),
		"threads": std::env::var("RAYON_NUM_THREADS").unwrap_or_else(|_| "default".into()),
	});
	println!("transfer circuit: k = {K}, proof {} bytes", proofs[0].0.len());
	println!("keygen {keygen_ms:.0} ms, prove {prove_ms:.0} ms, verify {verify_ms:.1} ms");
	println!("{report}");
}
