//! Deterministic example jobs of each circuit version, for tests, benchmarks and demos. The
//! entries are pseudo-random (a fixed-seed xorshift), spread over each type's range, so that
//! ReLU, floor division and clamping all take both branches.

use sable_circuits::CircuitId;
use sable_inference_primitives::{
	adapted::Adapter,
	mlp::{Matrix, QuantizedMlp, Shape},
	JobKind,
};
use sable_zk_primitives::Fp;

use crate::{
	circuit::{
		adapted::{self, AdaptedWitness},
		commitment::{CommitmentWitness, Opening},
		inference::{InferenceWitness, VERSIONS},
	},
	job::JobWitness,
};

/// xorshift64*: a tiny deterministic generator.
struct Entries(u64);

impl Entries {
	fn next(&mut self) -> u64 {
		self.0 ^= self.0 >> 12;
		self.0 ^= self.0 << 25;
		self.0 ^= self.0 >> 27;
		self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
	}

	/// Uniform in `[low, high]`.
	fn between(&mut self, low: i64, high: i64) -> i64 {
		low + (self.next() % (high - low + 1) as u64) as i64
	}

	fn int8s(&mut self, n: usize) -> Vec<i8> {
		self.int8s_between(n, -128, 127)
	}

	fn int8s_between(&mut self, n: usize, low: i64, high: i64) -> Vec<i8> {
		(0..n).map(|_| self.between(low, high) as i8).collect()
	}

	fn bytes(&mut self) -> [u8; 32] {
		core::array::from_fn(|_| self.next() as u8)
	}

	fn salt(&mut self) -> Fp {
		Fp::from(self.next())
	}
}

/// The example job of circuit version `circuit`, if this build proves it.
pub fn of_circuit(circuit: CircuitId, seed: u64) -> Option<JobWitness> {
	if circuit == crate::circuit::commitment::SPEC.id {
		return Some(commitment(seed));
	}
	if circuit == adapted::SPEC.id {
		return Some(adapted(seed));
	}
	let (_, shape) = VERSIONS.iter().find(|(spec, _)| spec.id == circuit)?;
	Some(inference(*shape, seed))
}

/// The example job of `kind` for its first circuit version (16 x 16 x 16 for inference).
pub fn of_kind(kind: JobKind, seed: u64) -> Option<JobWitness> {
	match kind {
		JobKind::Commitment => Some(commitment(seed)),
		JobKind::Inference => Some(inference(VERSIONS[0].1, seed)),
		JobKind::Adapted => Some(adapted(seed)),
	}
}

/// A commitment job's openings.
pub fn commitment(seed: u64) -> JobWitness {
	let mut e = Entries(seed | 1);
	let mut opening = || Opening { digest: e.bytes(), salt: e.salt() };
	JobWitness::Commitment(CommitmentWitness {
		model: opening(),
		input: opening(),
		output: opening(),
	})
}

fn matrix(entries: Vec<i8>, columns: usize) -> Option<Matrix> {
	let rows: Vec<&[i8]> = entries.chunks(columns).collect();
	Matrix::from_rows(&rows, columns)
}

/// A quantized model of `shape` over int8 weights and input, with biases in
/// `[-2000, 2000]` and a divisor of `4 * inputs` (at most 256), so that about half of the
/// hidden units are zero, a few clamp and the rest are in between.
pub fn model(shape: Shape, seed: u64) -> QuantizedMlp {
	let mut e = Entries(seed | 1);
	let w1 = e.int8s(shape.w1_len());
	let w2 = e.int8s(shape.w2_len());
	let mut e = Entries(seed.rotate_left(17) | 1);
	let mut biases = |n| (0..n).map(|_| e.between(-2000, 2000) as i16).collect::<Vec<_>>();
	let (b1, b2) = (biases(shape.hidden), biases(shape.outputs));
	let divisor = (4 * shape.inputs).min(256) as u16;
	// Unreachable failure: every part has the size `shape` gives it and the divisor is in
	// [1, 256].
	matrix(w1, shape.inputs)
		.zip(matrix(w2, shape.hidden))
		.and_then(|(w1, w2)| QuantizedMlp::new(shape, w1, b1, w2, b2, divisor).ok())
		.expect("a well-formed sample model")
}

/// An inference of [`model`]`(shape, seed)` on a pseudo-random input, with random salts and
/// delivery key.
pub fn inference(shape: Shape, seed: u64) -> JobWitness {
	let model = model(shape, seed);
	let mut e = Entries(seed.rotate_left(29) | 1);
	let x = e.int8s(shape.inputs);
	// Unreachable failure: `x` has the model's input length.
	let witness = InferenceWitness::new(model, e.salt(), x, e.salt(), e.salt())
		.expect("an input of the model's length");
	JobWitness::Inference(witness)
}

/// An adapted inference: a 16 x 16 x 16 base model with `W1` in `[-64, 63]` (so that every
/// adapted entry stays an int8), a rank-4 adapter with `A`, `B` in `[-64, 64]` and `alpha` in
/// `[0, 255]` (so `|floor(alpha (B A) / 2^16)| <= 64`), a pseudo-random input, salts and
/// delivery key.
pub fn adapted(seed: u64) -> JobWitness {
	let shape = adapted::SHAPE;
	let rank = crate::gadgets::adapter::RANK;
	let sample = model(shape, seed);
	let mut e = Entries(seed.rotate_left(41) | 1);
	let w1 = e.int8s_between(shape.w1_len(), -64, 63);
	let a = e.int8s_between(rank * shape.inputs, -64, 64);
	let b = e.int8s_between(shape.hidden * rank, -64, 64);
	let alpha = e.between(0, 255) as i16;
	let x = e.int8s(shape.inputs);
	// Unreachable failures: every part has its size, and the bounds above keep every adapted
	// entry an int8.
	let base = matrix(w1, shape.inputs)
		.and_then(|w1| sample.with_w1(w1).ok())
		.expect("a well-formed base model");
	let adapter = matrix(a, shape.inputs)
		.zip(matrix(b, rank))
		.and_then(|(a, b)| Adapter::new(a, b, alpha).ok())
		.expect("a well-formed adapter");
	let witness = AdaptedWitness::new(base, e.salt(), x, adapter, e.salt(), e.salt())
		.expect("adapted entries stay int8");
	JobWitness::Adapted(witness)
}
