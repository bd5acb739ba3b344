//! Deterministic example jobs of each kind, for tests, benchmarks and demos. The entries are
//! pseudo-random (a fixed-seed xorshift), spread over each type's range, so that ReLU, floor
//! division and clamping all take both branches.

use sable_inference_primitives::{
	mlp::{QuantizedMlp, N},
	JobKind,
};
use sable_zk_primitives::Fp;

use crate::{
	circuit::{
		commitment::{CommitmentWitness, Opening},
		mlp::MlpWitness,
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

	fn bytes(&mut self) -> [u8; 32] {
		core::array::from_fn(|_| self.next() as u8)
	}

	fn salt(&mut self) -> Fp {
		Fp::from(self.next())
	}
}

/// The example job of `kind`, if this build proves that kind.
pub fn of_kind(kind: JobKind, seed: u64) -> Option<JobWitness> {
	match kind {
		JobKind::Commitment => Some(commitment(seed)),
		JobKind::Inference => Some(inference(seed)),
		JobKind::Adapted => None,
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

/// A quantized model over int8 weights and input, with divisor 64.
pub fn inference(seed: u64) -> JobWitness {
	let mut e = Entries(seed | 1);
	let mut int8 = || e.between(-128, 127) as i8;
	let w1 = [[0; N]; N].map(|row| row.map(|_: i8| int8()));
	let w2 = [[0; N]; N].map(|row| row.map(|_: i8| int8()));
	let x = [0; N].map(|_: i8| int8());
	let mut e = Entries(seed.rotate_left(17) | 1);
	let b1 = [0; N].map(|_: i16| e.between(-2000, 2000) as i16);
	let b2 = [0; N].map(|_: i16| e.between(-2000, 2000) as i16);
	let model = QuantizedMlp { w1, b1, w2, b2, divisor: 64 };
	let salts = [e.salt(), e.salt(), e.salt()];
	// Unreachable failure: the divisor is the constant 64, inside [1, 256].
	JobWitness::Inference(MlpWitness::new(model, x, salts).expect("valid divisor"))
}
