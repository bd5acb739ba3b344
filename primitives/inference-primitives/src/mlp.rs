//! The small quantized model whose inference a job can prove in full, and its commitments
//! (`docs/poi.md`, "Small-model inference proof").
//!
//! ```text
//! a   = W1 * x + b1                          exact integers
//! hid = min(floor(relu(a) / divisor), 127)   requantization back to int8 (never negative)
//! y   = W2 * hid + b2                        exact integers (int24)
//! ```
//!
//! `x`, `W1`, `W2` are `int8`; `b1`, `b2` are `int16`; `divisor` is in `[1, 256]` (usually a
//! power of two, making the division a right shift). Shapes are fixed at 16: a smaller model
//! is embedded by padding its weights, biases and input with zeroes.

use sable_zk_primitives::{
	hash::{hash_tagged, DomainTag},
	Fp,
};

use crate::packing::{pack, Width};

/// Input, hidden and output size.
pub const N: usize = 16;
/// Largest value of a requantized hidden activation.
pub const HIDDEN_MAX: i64 = 127;
/// Largest requantization divisor.
pub const DIVISOR_MAX: u16 = 256;

/// Length of the model commitment's hash: tag, `W1`, `b1`, `W2`, `b2`, divisor, salt.
pub const MODEL_HASH_LEN: usize =
	2 * Width::I8.elements(N * N) + 2 * Width::I16.elements(N) + Width::I16.elements(1) + 2;
/// Length of the input commitment's hash: tag, `x`, salt.
pub const INPUT_HASH_LEN: usize = Width::I8.elements(N) + 2;
/// Length of the output commitment's hash: tag, `y`, salt.
pub const OUTPUT_HASH_LEN: usize = Width::I24.elements(N) + 2;

/// A two-layer perceptron with int8 weights.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QuantizedMlp {
	/// First layer weights (`hidden x input`).
	pub w1: [[i8; N]; N],
	/// First layer biases.
	pub b1: [i16; N],
	/// Second layer weights (`output x hidden`).
	pub w2: [[i8; N]; N],
	/// Second layer biases.
	pub b2: [i16; N],
	/// Requantization divisor, in `[1, 256]`.
	pub divisor: u16,
}

/// The model is not well formed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BadDivisor;

/// One hidden unit's exact intermediate values, as the circuit witnesses them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HiddenUnit {
	/// `a = W1[i] * x + b1[i]`.
	pub pre_activation: i64,
	/// `floor(relu(a) / divisor)`.
	pub quotient: i64,
	/// `relu(a) - quotient * divisor`, in `[0, divisor)`.
	pub remainder: i64,
	/// `min(quotient, 127)`.
	pub activation: i64,
}

/// Everything an inference computes, for the prover.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trace {
	/// The hidden units.
	pub hidden: [HiddenUnit; N],
	/// The output `y`.
	pub output: [i32; N],
}

impl QuantizedMlp {
	/// Runs the model on `x`.
	pub fn infer(&self, x: &[i8; N]) -> Result<Trace, BadDivisor> {
		if !(1..=DIVISOR_MAX).contains(&self.divisor) {
			return Err(BadDivisor);
		}
		let divisor = i64::from(self.divisor);
		let hidden: [HiddenUnit; N] = core::array::from_fn(|i| {
			let pre_activation = i64::from(self.b1[i])
				+ (0..N).map(|j| i64::from(self.w1[i][j]) * i64::from(x[j])).sum::<i64>();
			let relu = pre_activation.max(0);
			let quotient = relu / divisor;
			HiddenUnit {
				pre_activation,
				quotient,
				remainder: relu - quotient * divisor,
				activation: quotient.min(HIDDEN_MAX),
			}
		});
		let output = core::array::from_fn(|k| {
			let y = i64::from(self.b2[k])
				+ (0..N).map(|i| i64::from(self.w2[k][i]) * hidden[i].activation).sum::<i64>();
			// |y| <= 2^15 + 16 * 128 * 127 < 2^23: always an int24.
			y as i32
		});
		Ok(Trace { hidden, output })
	}
}

fn packed(width: Width, entries: impl IntoIterator<Item = i64>) -> alloc::vec::Vec<Fp> {
	// Callers pass entries of their declared types, which always fit `width`.
	pack(width, entries).unwrap_or_default()
}

/// The job's model commitment: `W1`, `b1`, `W2`, `b2` and the divisor.
pub fn model_commitment(model: &QuantizedMlp, salt: Fp) -> Fp {
	let mut message = packed(Width::I8, model.w1.iter().flatten().map(|&w| i64::from(w)));
	message.extend(packed(Width::I16, model.b1.iter().map(|&b| i64::from(b))));
	message.extend(packed(Width::I8, model.w2.iter().flatten().map(|&w| i64::from(w))));
	message.extend(packed(Width::I16, model.b2.iter().map(|&b| i64::from(b))));
	message.extend(packed(Width::I16, [i64::from(model.divisor)]));
	message.push(salt);
	hash_tagged::<MODEL_HASH_LEN>(DomainTag::MlpModel, &message).unwrap_or_default()
}

/// The job's input commitment: `x`.
pub fn input_commitment(x: &[i8; N], salt: Fp) -> Fp {
	let mut message = packed(Width::I8, x.iter().map(|&v| i64::from(v)));
	message.push(salt);
	hash_tagged::<INPUT_HASH_LEN>(DomainTag::MlpInput, &message).unwrap_or_default()
}

/// The job's output commitment: `y`.
pub fn output_commitment(y: &[i32; N], salt: Fp) -> Fp {
	let mut message = packed(Width::I24, y.iter().map(|&v| i64::from(v)));
	message.push(salt);
	hash_tagged::<OUTPUT_HASH_LEN>(DomainTag::MlpOutput, &message).unwrap_or_default()
}

#[cfg(test)]
mod tests {
	use super::*;

	fn model() -> QuantizedMlp {
		let mut m =
			QuantizedMlp { w1: [[0; N]; N], b1: [0; N], w2: [[0; N]; N], b2: [0; N], divisor: 4 };
		m.w1[0][0] = 3; // a_0 = 3 x_0 + 1
		m.b1[0] = 1;
		m.w1[1][0] = -2; // a_1 = -2 x_0: negative for positive x_0
		m.w1[2][1] = 127; // a_2 = 127 x_1: large, clamps
		m.w2[0] = [1; N];
		m.b2[0] = -5;
		m
	}

	#[test]
	fn relu_floor_division_and_clamp() {
		let mut x = [0i8; N];
		x[0] = 7;
		x[1] = 100;
		let trace = model().infer(&x).expect("valid");
		// a_0 = 22 -> floor(22 / 4) = 5, remainder 2.
		assert_eq!(
			trace.hidden[0],
			HiddenUnit { pre_activation: 22, quotient: 5, remainder: 2, activation: 5 }
		);
		// a_1 = -14 -> relu 0.
		assert_eq!(trace.hidden[1].activation, 0);
		assert_eq!(trace.hidden[1].remainder, 0);
		// a_2 = 12_700 -> 3_175, clamped to 127.
		assert_eq!(trace.hidden[2].quotient, 3_175);
		assert_eq!(trace.hidden[2].activation, 127);
		assert_eq!(trace.output[0], 5 + 127 - 5);
		assert_eq!(trace.output[1], 0);
	}

	#[test]
	fn divisor_must_be_in_range() {
		let mut m = model();
		m.divisor = 0;
		assert_eq!(m.infer(&[0; N]), Err(BadDivisor));
		m.divisor = 257;
		assert_eq!(m.infer(&[0; N]), Err(BadDivisor));
	}

	#[test]
	fn commitments_change_with_every_part() {
		let m = model();
		let salt = Fp::from(1);
		let base = model_commitment(&m, salt);
		let mut other = m.clone();
		other.divisor = 8;
		assert_ne!(base, model_commitment(&other, salt));
		let mut other = m.clone();
		other.b2[15] = 1;
		assert_ne!(base, model_commitment(&other, salt));
		assert_ne!(input_commitment(&[0; N], salt), input_commitment(&[1; N], salt));
		assert_ne!(output_commitment(&[0; N], salt), output_commitment(&[0; N], Fp::from(2)));
		assert_eq!(MODEL_HASH_LEN, 25);
		assert_eq!(INPUT_HASH_LEN, 3);
		assert_eq!(OUTPUT_HASH_LEN, 4);
	}
}
