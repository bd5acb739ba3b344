//! Soundness of the job circuits under MockProver: honest witnesses satisfy them, and each way
//! of cheating the statement breaks a constraint or a public input. Tampered witnesses are
//! checked against the constraint family that must catch them (range checks, requantization,
//! keystream and ciphertext rows).

use halo2_proofs::{
	circuit::{floor_planner::V1, Layouter, Value},
	dev::{MockProver, VerifyFailure},
	plonk::{Circuit, ConstraintSystem, Error},
};
use sable_inference_primitives::{
	delivery,
	packing::Width,
	statement::{self, JobStatement},
};
use sable_inference_proofs::{
	circuit::{
		adapted::{self, AdaptedCircuit, AdaptedWitness},
		commitment::{self, CommitmentCircuit},
		inference::{InferenceCircuit, InferenceVersion, InferenceWitness, V2, V3, V4},
	},
	gadgets::InferenceConfig,
	job::JobWitness,
	samples,
};
use sable_zk_primitives::{encoding::fp_to_bytes, Fp};

const PROVIDER: [u8; 32] = [7; 32];
const JOB: u64 = 11;

fn run<C: Circuit<Fp>>(k: u32, circuit: &C, instance: Vec<Fp>) -> Result<(), Vec<VerifyFailure>> {
	MockProver::run(k, circuit, vec![instance]).expect("synthesis").verify()
}

fn check(witness: &JobWitness, statement: &JobStatement) -> Result<(), Vec<VerifyFailure>> {
	let instance = statement.to_instance().expect("canonical");
	match witness {
		JobWitness::Commitment(w) => {
			run(commitment::K, &CommitmentCircuit { witness: Some(w.clone()) }, instance)
		},
		JobWitness::Inference(w) => {
			let shape = w.model.shape();
			if shape == V2::SHAPE {
				run(V2::SPEC.k, &InferenceCircuit::<V2>::new(w.clone()), instance)
			} else if shape == V3::SHAPE {
				run(V3::SPEC.k, &InferenceCircuit::<V3>::new(w.clone()), instance)
			} else {
				run(V4::SPEC.k, &InferenceCircuit::<V4>::new(w.clone()), instance)
			}
		},
		JobWitness::Adapted(w) => {
			run(adapted::SPEC.k, &AdaptedCircuit { witness: Some(w.clone()) }, instance)
		},
	}
}

fn honest(witness: &JobWitness) -> JobStatement {
	let statement = witness.statement(JOB, PROVIDER);
	assert_eq!(check(witness, &statement), Ok(()), "honest {:?} witness", witness.circuit());
	statement
}

fn inference(seed: u64) -> InferenceWitness {
	match samples::inference(V2::SHAPE, seed) {
		JobWitness::Inference(w) => w,
		_ => unreachable!("samples::inference makes an inference witness"),
	}
}

/// The names of the gates a failure list reports.
fn gates(failures: &[VerifyFailure]) -> Vec<String> {
	failures
		.iter()
		.filter_map(|failure| match failure {
			VerifyFailure::ConstraintNotSatisfied { constraint, .. } => {
				Some(format!("{constraint}"))
			},
			_ => None,
		})
		.collect()
}

/// Whether some failure is an instance row that differs from what the circuit computed.
fn instance_mismatch(failures: &[VerifyFailure], rows: &[usize]) -> bool {
	failures.iter().any(|failure| {
		let text = failure.to_string();
		matches!(failure, VerifyFailure::Permutation { .. })
			&& text.contains("Instance")
			&& rows.iter().any(|row| text.ends_with(&format!("on row {row})")))
	})
}

/// A cheating witness whose statement is computed from the witness itself, so only the
/// circuit's arithmetic can catch it; returns the gates that refused it.
fn refused(witness: InferenceWitness) -> Vec<String> {
	let witness = JobWitness::Inference(witness);
	let statement = witness.statement(JOB, PROVIDER);
	let failures = check(&witness, &statement).expect_err("a cheating witness is refused");
	gates(&failures)
}

fn contains(gates: &[String], name: &str) -> bool {
	gates.iter().any(|gate| gate.contains(name))
}

#[test]
fn honest_witnesses_satisfy_each_circuit() {
	honest(&samples::commitment(1));
	for shape in [V2::SHAPE, V3::SHAPE, V4::SHAPE] {
		honest(&samples::inference(shape, 1));
	}
	honest(&samples::adapted(1));
}

fn adapted_witness(seed: u64) -> AdaptedWitness {
	match samples::adapted(seed) {
		JobWitness::Adapted(w) => w,
		_ => unreachable!("samples::adapted makes an adapted witness"),
	}
}

/// `w` with `W1_eff[i][j]` set to `value` and the inference rerun on the changed layer, so
/// that only the adapter gate can object.
fn with_adapted_entry(mut w: AdaptedWitness, i: usize, j: usize, value: i8) -> AdaptedWitness {
	let mut w1 = w.adapted.w1().clone();
	*w1.get_mut(i, j).expect("in the matrix") = value;
	w.adapted = w.adapted.with_w1(w1).expect("same size");
	w.trace = w.adapted.infer(&w.x).expect("valid");
	w
}

fn refused_adapted(w: AdaptedWitness) -> Vec<String> {
	let witness = JobWitness::Adapted(w);
	let statement = witness.statement(JOB, PROVIDER);
	gates(&check(&witness, &statement).expect_err("a cheating witness is refused"))
}

const ADAPTER_GATE: &str = "adapter: alpha * (B A)[i][j] = (w1_eff - w1) * 2^16 + rem";

#[test]
fn an_adapted_entry_off_by_one_is_refused_by_the_adapter_gate() {
	let w = adapted_witness(3);
	let value = w.adapted.w1().get(5, 9).expect("an entry");
	let tampered = with_adapted_entry(w, 5, 9, value.wrapping_add(1));
	assert!(contains(&refused_adapted(tampered), ADAPTER_GATE));
}

#[test]
fn adapted_rounding_toward_zero_is_refused() {
	// An entry with a negative, inexact t: there floor and truncation differ by one.
	let w = adapted_witness(4);
	let (i, j) = (0..16)
		.flat_map(|i| (0..16).map(move |j| (i, j)))
		.find(|&(i, j)| {
			let e = w.adapter.entry(i, j);
			e.t < 0 && e.remainder != 0
		})
		.expect("a negative inexact entry");
	let truncated = w.adapter.entry(i, j).t / (1 << 16);
	let base = i64::from(w.base.w1().get(i, j).expect("an entry"));
	let tampered = with_adapted_entry(w, i, j, (base + truncated) as i8);
	assert!(contains(&refused_adapted(tampered), ADAPTER_GATE));
}

#[test]
fn another_adapter_is_refused() {
	// The result of the client's adapter, claimed for another alpha's input commitment.
	let w = adapted_witness(5);
	let good = JobWitness::Adapted(w.clone()).statement(JOB, PROVIDER);
	let other = sable_inference_primitives::adapted::Adapter::new(
		w.adapter.a().clone(),
		w.adapter.b().clone(),
		w.adapter.alpha() + 1,
	)
	.expect("same ranks");
	let other = AdaptedWitness::new(
		w.base.clone(),
		w.model_salt,
		w.x.clone(),
		other,
		w.input_salt,
		w.delivery_key,
	)
	.expect("in range");
	let claimed =
		JobStatement { input: JobWitness::Adapted(other).statement(JOB, PROVIDER).input, ..good };
	let failures = check(&JobWitness::Adapted(w), &claimed).expect_err("another adapter");
	assert!(instance_mismatch(&failures, &[statement::INPUT]));
}

#[test]
fn every_public_input_is_bound() {
	let witness = samples::inference(V2::SHAPE, 2);
	let good = honest(&witness);
	assert_eq!(good.instance_len(), 7);
	let flip = |bytes: &mut [u8; 32]| bytes[0] ^= 1;
	let mut cases: Vec<(usize, JobStatement)> = Vec::new();
	let mut other = good.clone();
	flip(&mut other.model);
	cases.push((statement::MODEL, other));
	let mut other = good.clone();
	flip(&mut other.input);
	cases.push((statement::INPUT, other));
	let mut other = good.clone();
	other.delivery.as_mut().map(flip);
	cases.push((statement::DELIVERY, other));
	for j in 0..2 {
		let mut other = good.clone();
		flip(&mut other.output[j]);
		cases.push((statement::CIPHERTEXT + j, other));
	}
	for (row, statement) in cases {
		let failures = check(&witness, &statement).expect_err("a changed row is refused");
		assert!(instance_mismatch(&failures, &[row]), "row {row}: {failures:?}");
	}
	// The job id is copied into the witness and hashed into the keystream: under another job
	// id the ciphertext rows differ. (The provider is only copied; a MockProver then copies
	// the other value, and it takes a real proof to see that the proof is tied to the row:
	// tests/real_proofs.rs.)
	let other_job = JobStatement { job_id: JOB + 1, ..good.clone() };
	let failures = check(&witness, &other_job).expect_err("another job id");
	assert!(instance_mismatch(&failures, &[statement::CIPHERTEXT]));
	let commitment = samples::commitment(2);
	let good = honest(&commitment);
	let mut other = good.clone();
	flip(&mut other.output[0]);
	assert!(check(&commitment, &other).is_err());
}

#[test]
fn requantize_without_clamp_is_refused() {
	let mut w = inference(6);
	let i = w.trace.hidden.iter().position(|u| u.quotient > 127).expect("a clamped unit");
	w.trace.hidden[i].activation = w.trace.hidden[i].quotient;
	recompute_output(&mut w);
	let gates = refused(w);
	assert!(contains(&gates, "hidden unit: relu, floor division, clamp"), "{gates:?}");
	assert!(contains(&gates, "hid = min(q, 127)"), "{gates:?}");
}

#[test]
fn requantize_without_relu_is_refused() {
	// Let a negative pre-activation through as a negative activation.
	let mut w = inference(7);
	let divisor = i64::from(w.model.divisor());
	let i =
		w.trace.hidden.iter().position(|u| u.pre_activation < -divisor).expect("a negative unit");
	let unit = &mut w.trace.hidden[i];
	unit.quotient = unit.pre_activation.div_euclid(divisor);
	unit.remainder = unit.pre_activation.rem_euclid(divisor);
	unit.activation = unit.quotient;
	recompute_output(&mut w);
	assert!(!refused(w).is_empty());
}

#[test]
fn requantize_rounding_up_is_refused_by_the_remainder_range_check() {
	// Round up instead of down where the remainder is not zero: the remainder goes negative.
	let mut w = inference(8);
	let divisor = i64::from(w.model.divisor());
	let i = w
		.trace
		.hidden
		.iter()
		.position(|u| u.remainder != 0 && u.quotient < 100)
		.expect("an inexact unclamped unit");
	let unit = &mut w.trace.hidden[i];
	unit.quotient += 1;
	unit.remainder -= divisor;
	unit.activation = unit.quotient;
	recompute_output(&mut w);
	let gates = refused(w);
	assert!(contains(&gates, "rem in [0, 256)"), "{gates:?}");
}

#[test]
fn an_output_other_than_the_models_is_refused() {
	// y one more than the model computes, consistently encrypted: the second layer's dot
	// product does not equal the loaded y.
	let mut w = inference(9);
	w.trace.output[3] += 1;
	let witness = JobWitness::Inference(w);
	let statement = witness.statement(JOB, PROVIDER);
	assert!(check(&witness, &statement).is_err());
}

#[test]
fn keystream_of_another_job_or_position_is_refused() {
	let w = inference(10);
	let witness = JobWitness::Inference(w.clone());
	let good = honest(&witness);
	let encode = |ct: Vec<Fp>| ct.iter().map(fp_to_bytes).collect::<Vec<_>>();
	// The ciphertext of the same output for job 12, claimed for job 11.
	let other_job = delivery::encrypt(w.delivery_key, JOB + 1, w.output()).expect("int24");
	let statement = JobStatement { output: encode(other_job), ..good.clone() };
	let failures = check(&witness, &statement).expect_err("another job's keystream");
	assert!(instance_mismatch(&failures, &[statement::CIPHERTEXT, statement::CIPHERTEXT + 1]));
	// The keystream elements swapped between positions.
	let stream = delivery::keystream(w.delivery_key, JOB, 2);
	let packed = sable_inference_primitives::packing::pack(
		Width::I24,
		w.output().iter().map(|&y| i64::from(y)),
	)
	.expect("int24");
	let swapped = vec![packed[0] + stream[1], packed[1] + stream[0]];
	let statement = JobStatement { output: encode(swapped), ..good.clone() };
	assert!(check(&witness, &statement).is_err());
	// Encrypted under another key while the statement keeps the client's D.
	let mut other_key = w.clone();
	other_key.delivery_key += Fp::one();
	let other = JobWitness::Inference(other_key).statement(JOB, PROVIDER);
	let statement = JobStatement { delivery: good.delivery, ..other };
	let failures = check(&witness, &statement).expect_err("another key");
	assert!(instance_mismatch(&failures, &[statement::CIPHERTEXT, statement::CIPHERTEXT + 1]));
}

#[test]
fn another_input_or_model_is_refused() {
	let w = inference(11);
	let good = JobWitness::Inference(w.clone()).statement(JOB, PROVIDER);
	let mut other_x = w.clone();
	other_x.x[0] = other_x.x[0].wrapping_add(1);
	let other = JobWitness::Inference(
		InferenceWitness::new(
			other_x.model.clone(),
			other_x.model_salt,
			other_x.x.clone(),
			other_x.input_salt,
			other_x.delivery_key,
		)
		.expect("valid"),
	);
	let other_statement = other.statement(JOB, PROVIDER);
	assert_ne!(other_statement.input, good.input);
	// The other input's result, claimed for this job's input commitment.
	let claimed = JobStatement { input: good.input, ..other_statement.clone() };
	assert!(check(&other, &claimed).is_err());
	// Another model's result, claimed for the registered model's commitment.
	let other_model = match samples::inference(V2::SHAPE, 99) {
		JobWitness::Inference(o) => {
			InferenceWitness::new(o.model, w.model_salt, w.x.clone(), w.input_salt, w.delivery_key)
				.expect("valid")
		},
		_ => unreachable!(),
	};
	let other_model = JobWitness::Inference(other_model);
	let claimed = JobStatement { model: good.model, ..other_model.statement(JOB, PROVIDER) };
	let failures = check(&other_model, &claimed).expect_err("another model");
	assert!(instance_mismatch(&failures, &[statement::MODEL]));
}

/// One vector of entries loaded with the inference circuit's gadgets.
#[derive(Clone, Default)]
struct Entries {
	width: Option<Width>,
	values: Vec<i64>,
}

impl Circuit<Fp> for Entries {
	type Config = InferenceConfig;
	type FloorPlanner = V1;

	fn without_witnesses(&self) -> Self {
		Entries { width: self.width, values: vec![0; self.values.len()] }
	}

	fn configure(meta: &mut ConstraintSystem<Fp>) -> InferenceConfig {
		InferenceConfig::configure(meta)
	}

	fn synthesize(
		&self,
		config: InferenceConfig,
		mut layouter: impl Layouter<Fp>,
	) -> Result<(), Error> {
		config.bytes.load_table(&mut layouter)?;
		let values: Vec<_> = self.values.iter().map(|&v| Value::known(v)).collect();
		config.entries.load(layouter, self.width.unwrap_or(Width::I8), &values)?;
		Ok(())
	}
}

#[test]
fn entries_outside_their_width_are_refused_by_the_range_check() {
	for (width, bound) in [(Width::I8, 128i64), (Width::I16, 1 << 15), (Width::I24, 1 << 23)] {
		let ok = Entries { width: Some(width), values: vec![-bound, bound - 1, 0, 5] };
		assert_eq!(run(9, &ok, vec![]), Ok(()), "{width:?}");
		for bad in [bound, -bound - 1] {
			let circuit = Entries { width: Some(width), values: vec![1, bad, 2] };
			let failures = run(9, &circuit, vec![]).expect_err("out of range");
			assert!(contains(&gates(&failures), "range check"), "{width:?} {bad}: {failures:?}");
		}
	}
}

/// `y = W2 hid + b2` from the (tampered) hidden activations.
fn recompute_output(w: &mut InferenceWitness) {
	let model = w.model.clone();
	for (k, y) in w.trace.output.iter_mut().enumerate() {
		let row = model.w2().row(k).expect("a row");
		*y = (i64::from(model.b2()[k])
			+ row
				.iter()
				.zip(&w.trace.hidden)
				.map(|(&w2, u)| i64::from(w2) * u.activation)
				.sum::<i64>()) as i32;
	}
}
