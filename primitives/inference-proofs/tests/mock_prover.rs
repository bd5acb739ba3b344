//! Soundness of the job circuits under MockProver: honest witnesses satisfy them, and
//! each way of cheating the statement breaks a constraint or a public input.

use halo2_proofs::{dev::MockProver, plonk::Circuit};
use sable_inference_primitives::statement::JobStatement;
use sable_inference_proofs::{
	circuit::{commitment, commitment::CommitmentCircuit, mlp, mlp::MlpCircuit},
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
	for witness in [samples::commitment(1), samples::inference(1)] {
		honest(&witness);
	}
}

#[test]
fn every_public_input_is_bound() {
	// Changing any row of the instance (with the same witness) breaks the proof obligation
	// for the commitments; job id and provider are copied into the witness, so for them the
	// MockProver sees a copy mismatch too.
	for witness in [samples::commitment(2), samples::inference(2)] {
		let good = honest(&witness);
		let mut other = good.clone();
		other.model[0] ^= 1;
		assert!(!check(&witness, &other), "{:?}: model", witness.kind());
		let mut other = good.clone();
		other.input[0] ^= 1;
		assert!(!check(&witness, &other), "{:?}: input", witness.kind());
		let mut other = good.clone();
		other.output[0][0] ^= 1;
		assert!(!check(&witness, &other), "{:?}: output", witness.kind());
	}
}

fn mlp_witness(seed: u64) -> sable_inference_proofs::circuit::mlp::MlpWitness {
	match samples::inference(seed) {
		JobWitness::Inference(w) => w,
		_ => unreachable!("samples::inference makes an inference witness"),
	}
}

/// A cheating witness whose statement is computed from the witness itself, so only the
/// circuit's arithmetic can catch it.
fn refused(witness: JobWitness) {
	let statement = witness.statement(11, PROVIDER);
	assert!(!check(&witness, &statement), "cheating {:?} witness refused", witness.kind());
}

#[test]
fn inference_without_clamp_is_refused() {
	let mut w = mlp_witness(6);
	let i = w.trace.hidden.iter().position(|u| u.quotient > 127).expect("a clamped unit");
	w.trace.hidden[i].activation = w.trace.hidden[i].quotient;
	recompute_output(&mut w);
	refused(JobWitness::Inference(w));
}

#[test]
fn inference_without_relu_is_refused() {
	// Let a negative pre-activation through as a negative activation.
	let mut w = mlp_witness(7);
	let i = w.trace.hidden.iter().position(|u| u.pre_activation < -64).expect("a negative unit");
	let unit = &mut w.trace.hidden[i];
	unit.quotient = unit.pre_activation.div_euclid(64);
	unit.remainder = unit.pre_activation.rem_euclid(64);
	unit.activation = unit.quotient;
	recompute_output(&mut w);
	refused(JobWitness::Inference(w));
}

#[test]
fn inference_with_wrong_division_is_refused() {
	// Round up instead of down where the remainder is not zero.
	let mut w = mlp_witness(8);
	let i = w
		.trace
		.hidden
		.iter()
		.position(|u| u.remainder != 0 && u.quotient < 100)
		.expect("an inexact unclamped unit");
	let unit = &mut w.trace.hidden[i];
	unit.quotient += 1;
	unit.remainder -= 64;
	unit.activation = unit.quotient;
	recompute_output(&mut w);
	refused(JobWitness::Inference(w));
}

#[test]
fn inference_output_for_another_input_is_refused() {
	let w = mlp_witness(9);
	let mut other = w.clone();
	other.x[0] = other.x[0].wrapping_add(1);
	let statement = JobWitness::Inference(w.clone()).statement(11, PROVIDER);
	let other_statement = JobWitness::Inference(other).statement(11, PROVIDER);
	assert_ne!(statement.input, other_statement.input);
	assert!(!check(
		&JobWitness::Inference(w),
		&JobStatement { input: other_statement.input, ..statement }
	));
}

/// `y = W2 hid + b2` from the (tampered) hidden activations.
fn recompute_output(w: &mut sable_inference_proofs::circuit::mlp::MlpWitness) {
	for k in 0..16 {
		w.trace.output[k] = (i64::from(w.model.b2[k])
			+ (0..16)
				.map(|i| i64::from(w.model.w2[k][i]) * w.trace.hidden[i].activation)
				.sum::<i64>()) as i32;
	}
}
