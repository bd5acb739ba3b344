//! LoRA-adapted inference (`docs/poi-circuits.md`, "Adapted inference"): the client brings a
//! low-rank adapter for the first layer of the provider's registered model, and the job runs
//! the adapted model on the client's input.
//!
//! `A` (`rank x inputs`) and `B` (`hidden x rank`) are int8, `alpha` is int16. Per entry of
//! the first layer:
//!
//! ```text
//! p           = sum_k B[i][k] * A[k][j]          exact, |p| <= rank * 2^14
//! t           = alpha * p                        exact, |t| <= rank * 2^29
//! delta       = floor(t / 2^16)                  rounds toward minus infinity (t >> 16)
//! W1_eff[i][j] = W1[i][j] + delta                must be an int8, otherwise the step is invalid
//! ```
//!
//! Then `W1_eff` replaces `W1` and the inference is the usual one ([`crate::mlp`]). The job's
//! input commitment binds the input and the adapter together:
//! `H(AdaptedInput, packed x, packed A, packed B, packed alpha, salt)` (`alpha` as one int16
//! entry).

use alloc::vec::Vec;

use sable_zk_primitives::{
	hash::{hash_tagged_slice, DomainTag},
	Fp,
};

use crate::{
	mlp::{packed, widen, Matrix, ModelError, QuantizedMlp},
	packing::Width,
};

/// Bits dropped by the rounding rule (`t / 2^16`).
pub const SHIFT: u32 = 16;

/// A low-rank adapter of a first layer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Adapter {
	a: Matrix,
	b: Matrix,
	alpha: i16,
}

/// Why an adapter was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AdapterError {
	/// `A` is not `rank x inputs` or `B` not `hidden x rank` for the model and each other.
	WrongShape {
		/// Which matrix (`"A"` or `"B"`).
		what: &'static str,
		/// Rows and columns it should have.
		expected: (usize, usize),
		/// Rows and columns it has.
		actual: (usize, usize),
	},
	/// An entry of `W1_eff` is not an int8: the step is invalid.
	Overflow {
		/// Row of the entry.
		row: usize,
		/// Column of the entry.
		column: usize,
	},
	/// The adapted model is not well formed.
	Model(ModelError),
}

impl core::fmt::Display for AdapterError {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		match self {
			AdapterError::WrongShape { what, expected, actual } => write!(
				f,
				"{what}: expected {} x {}, got {} x {}",
				expected.0, expected.1, actual.0, actual.1
			),
			AdapterError::Overflow { row, column } => {
				write!(f, "W1_eff[{row}][{column}] is not an int8: the adapter is invalid")
			},
			AdapterError::Model(e) => e.fmt(f),
		}
	}
}

/// The exact intermediate values of one entry of `W1_eff`, as the circuit witnesses them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EntryStep {
	/// `t = alpha * sum_k B[i][k] * A[k][j]`.
	pub t: i64,
	/// `floor(t / 2^16)`.
	pub delta: i64,
	/// `t - delta * 2^16`, in `[0, 2^16)`.
	pub remainder: i64,
}

impl Adapter {
	/// The adapter `(A, B, alpha)`: `A` is `rank x inputs`, `B` is `hidden x rank`.
	pub fn new(a: Matrix, b: Matrix, alpha: i16) -> Result<Self, AdapterError> {
		if b.columns() != a.rows() {
			return Err(AdapterError::WrongShape {
				what: "B",
				expected: (b.rows(), a.rows()),
				actual: (b.rows(), b.columns()),
			});
		}
		Ok(Adapter { a, b, alpha })
	}

	/// `A` (`rank x inputs`).
	pub fn a(&self) -> &Matrix {
		&self.a
	}

	/// `B` (`hidden x rank`).
	pub fn b(&self) -> &Matrix {
		&self.b
	}

	/// The scaling.
	pub fn alpha(&self) -> i16 {
		self.alpha
	}

	/// The rank (rows of `A`).
	pub fn rank(&self) -> usize {
		self.a.rows()
	}

	/// The intermediate values of entry `(i, j)` (zero outside the matrices).
	pub fn entry(&self, i: usize, j: usize) -> EntryStep {
		let p: i64 = (0..self.rank())
			.map(|k| {
				let b = self.b.get(i, k).unwrap_or_default();
				let a = self.a.get(k, j).unwrap_or_default();
				i64::from(b) * i64::from(a)
			})
			.sum();
		let t = i64::from(self.alpha) * p;
		let delta = t >> SHIFT;
		EntryStep { t, delta, remainder: t - (delta << SHIFT) }
	}

	/// `W1_eff = W1 + floor(alpha * (B A) / 2^16)` of `model`, or the first entry that is not
	/// an int8.
	pub fn adapted_w1(&self, model: &QuantizedMlp) -> Result<Matrix, AdapterError> {
		let shape = model.shape();
		let check = |what, expected: (usize, usize), m: &Matrix| {
			let actual = (m.rows(), m.columns());
			if actual == expected {
				Ok(())
			} else {
				Err(AdapterError::WrongShape { what, expected, actual })
			}
		};
		check("A", (self.rank(), shape.inputs), &self.a)?;
		check("B", (shape.hidden, self.rank()), &self.b)?;
		let mut w1 = model.w1().clone();
		for i in 0..shape.hidden {
			for j in 0..shape.inputs {
				let entry = w1.get_mut(i, j).ok_or(AdapterError::Overflow { row: i, column: j })?;
				let sum = i64::from(*entry) + self.entry(i, j).delta;
				*entry =
					i8::try_from(sum).map_err(|_| AdapterError::Overflow { row: i, column: j })?;
			}
		}
		Ok(w1)
	}

	/// The adapted model: `model` with `W1_eff` as its first layer.
	pub fn apply(&self, model: &QuantizedMlp) -> Result<QuantizedMlp, AdapterError> {
		model.with_w1(self.adapted_w1(model)?).map_err(AdapterError::Model)
	}
}

/// The job's input commitment: `H(AdaptedInput, packed x, packed A, packed B, packed alpha,
/// salt)`.
pub fn input_commitment(x: &[i8], adapter: &Adapter, salt: Fp) -> Fp {
	let mut message: Vec<Fp> = packed(Width::I8, widen(x));
	message.extend(packed(Width::I8, widen(adapter.a.entries())));
	message.extend(packed(Width::I8, widen(adapter.b.entries())));
	message.extend(packed(Width::I16, [i64::from(adapter.alpha)]));
	message.push(salt);
	hash_tagged_slice(DomainTag::AdaptedInput, &message)
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::mlp::Shape;

	fn model() -> QuantizedMlp {
		let shape = Shape::new(4, 4, 2);
		let mut w1 = Matrix::zero(4, 4);
		if let Some(e) = w1.get_mut(0, 0) {
			*e = 100;
		}
		QuantizedMlp::new(shape, w1, alloc::vec![0; 4], Matrix::zero(2, 4), alloc::vec![0; 2], 1)
			.expect("valid")
	}

	fn adapter(alpha: i16) -> Adapter {
		let mut a = Matrix::zero(2, 4);
		let mut b = Matrix::zero(4, 2);
		if let (Some(x), Some(y)) = (a.get_mut(0, 0), b.get_mut(0, 0)) {
			*x = 64;
			*y = -96;
		}
		Adapter::new(a, b, alpha).expect("ranks agree")
	}

	#[test]
	fn rounding_is_floor_division_by_2_16() {
		// p = -96 * 64 = -6144. alpha = 512: t = -3_145_728 = -48 * 2^16 exactly.
		let s = adapter(512);
		assert_eq!(s.entry(0, 0), EntryStep { t: -3_145_728, delta: -48, remainder: 0 });
		assert_eq!(s.adapted_w1(&model()).expect("fits").get(0, 0), Some(52));
		// alpha = 1: t = -6144, t / 2^16 = -0.09..., floor = -1, remainder 59_392.
		let s = adapter(1);
		assert_eq!(s.entry(0, 0), EntryStep { t: -6144, delta: -1, remainder: 59_392 });
		let w1 = s.adapted_w1(&model()).expect("fits");
		assert_eq!((w1.get(0, 0), w1.get(1, 1)), (Some(99), Some(0)));
	}

	#[test]
	fn an_entry_outside_int8_makes_the_adapter_invalid() {
		// delta = floor(-2^15 * -6144 / 2^16) = 3072: 100 + 3072 overflows.
		assert_eq!(
			adapter(i16::MIN).adapted_w1(&model()),
			Err(AdapterError::Overflow { row: 0, column: 0 })
		);
		let wide = Adapter::new(Matrix::zero(2, 5), Matrix::zero(4, 2), 1).expect("ranks");
		assert_eq!(
			wide.apply(&model()),
			Err(AdapterError::WrongShape { what: "A", expected: (2, 4), actual: (2, 5) })
		);
		assert!(Adapter::new(Matrix::zero(2, 4), Matrix::zero(4, 3), 1).is_err());
	}

	#[test]
	fn the_commitment_binds_input_adapter_and_salt() {
		let x = [1i8, 2, 3, 4];
		let salt = Fp::from(5);
		let base = input_commitment(&x, &adapter(512), salt);
		assert_ne!(base, input_commitment(&x, &adapter(511), salt));
		assert_ne!(base, input_commitment(&[1, 2, 3, 5], &adapter(512), salt));
		assert_ne!(base, input_commitment(&x, &adapter(512), Fp::from(6)));
		assert_ne!(base, crate::mlp::input_commitment(&x, salt));
	}
}
