//! The quantized two-layer models whose inference a job proves in full, and their
//! commitments (`docs/poi-circuits.md`, "Model arithmetic" and "Commitments").
//!
//! ```text
//! a   = W1 * x + b1                          exact integers
//! hid = min(floor(relu(a) / divisor), 127)   requantization back to int8 (never negative)
//! y   = W2 * hid + b2                        exact integers (int24)
//! ```
//!
//! `x`, `W1`, `W2` are `int8`; `b1`, `b2` are `int16`; `divisor` is in `[1, 256]` (usually a
//! power of two, making the division a right shift). A model has a [`Shape`] (inputs, hidden
//! units, outputs); each circuit version proves one shape, and a smaller model is embedded in
//! a larger shape by zero padding ([`QuantizedMlp::pad`]).

use alloc::vec::Vec;

use sable_zk_primitives::{
	hash::{hash_tagged_slice, DomainTag},
	Fp,
};

use crate::packing::{pack, Width};

/// Largest value of a requantized hidden activation.
pub const HIDDEN_MAX: i64 = 127;
/// Largest requantization divisor.
pub const DIVISOR_MAX: u16 = 256;
/// Largest size of each dimension of a shape: each is one base-`2^8` digit of the shape's
/// field encoding ([`Shape::to_field`]).
pub const DIMENSION_MAX: usize = 255;

/// The sizes of a two-layer model.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Shape {
	/// Length of the input `x` (columns of `W1`).
	pub inputs: usize,
	/// Hidden units (rows of `W1`, columns of `W2`).
	pub hidden: usize,
	/// Length of the output `y` (rows of `W2`).
	pub outputs: usize,
}

/// Why a model, an input or a shape is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ModelError {
	/// A dimension is 0 or above [`DIMENSION_MAX`].
	BadShape(Shape),
	/// A matrix or vector does not have the length its shape requires.
	WrongLength {
		/// Which part (`"W1"`, `"b1"`, `"W2"`, `"b2"`, `"x"`).
		what: &'static str,
		/// The length the shape requires.
		expected: usize,
		/// The length given.
		actual: usize,
	},
	/// The divisor is outside `[1, 256]`.
	BadDivisor(u16),
	/// Padding into a shape smaller than the model's in some dimension.
	DoesNotFit {
		/// The model's shape.
		model: Shape,
		/// The shape it was to be embedded in.
		into: Shape,
	},
}

impl core::fmt::Display for ModelError {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		match self {
			ModelError::BadShape(shape) => {
				write!(f, "shape {shape}: every dimension must be in [1, {DIMENSION_MAX}]")
			},
			ModelError::WrongLength { what, expected, actual } => {
				write!(f, "{what}: expected {expected} entries, got {actual}")
			},
			ModelError::BadDivisor(divisor) => {
				write!(f, "divisor {divisor}: must be in [1, {DIVISOR_MAX}]")
			},
			ModelError::DoesNotFit { model, into } => {
				write!(f, "a {model} model does not fit in shape {into}")
			},
		}
	}
}

impl core::fmt::Display for Shape {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		write!(f, "{}x{}x{}", self.inputs, self.hidden, self.outputs)
	}
}

impl Shape {
	/// `inputs x hidden x outputs`.
	pub const fn new(inputs: usize, hidden: usize, outputs: usize) -> Self {
		Shape { inputs, hidden, outputs }
	}

	/// The shape if every dimension is in `[1, 255]`.
	pub fn checked(self) -> Result<Self, ModelError> {
		let ok = |d: usize| (1..=DIMENSION_MAX).contains(&d);
		if ok(self.inputs) && ok(self.hidden) && ok(self.outputs) {
			Ok(self)
		} else {
			Err(ModelError::BadShape(self))
		}
	}

	/// `inputs + 2^8 hidden + 2^16 outputs`: the shape as the model commitment hashes it
	/// (injective on valid shapes, whose dimensions are below `2^8`).
	pub fn to_field(&self) -> Fp {
		Fp::from((self.inputs + (self.hidden << 8) + (self.outputs << 16)) as u64)
	}

	/// Entries of `W1` (`hidden x inputs`).
	pub const fn w1_len(&self) -> usize {
		self.hidden * self.inputs
	}

	/// Entries of `W2` (`outputs x hidden`).
	pub const fn w2_len(&self) -> usize {
		self.outputs * self.hidden
	}

	/// Length of the model commitment's hash: tag, shape, packed `W1`, `b1`, `W2`, `b2`,
	/// divisor, salt.
	pub const fn model_hash_len(&self) -> usize {
		2 + Width::I8.elements(self.w1_len())
			+ Width::I16.elements(self.hidden)
			+ Width::I8.elements(self.w2_len())
			+ Width::I16.elements(self.outputs)
			+ Width::I16.elements(1)
			+ 1
	}

	/// Length of the input commitment's hash: tag, packed `x`, salt.
	pub const fn input_hash_len(&self) -> usize {
		Width::I8.elements(self.inputs) + 2
	}

	/// Field elements the output `y` packs into: the ciphertext's length `m`.
	pub const fn output_elements(&self) -> usize {
		Width::I24.elements(self.outputs)
	}

	/// Whether a model of this shape can be embedded in `other` by zero padding.
	pub const fn fits_in(&self, other: &Shape) -> bool {
		self.inputs <= other.inputs && self.hidden <= other.hidden && self.outputs <= other.outputs
	}
}

/// A row-major matrix of int8 entries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Matrix {
	rows: usize,
	columns: usize,
	entries: Vec<i8>,
}

impl Matrix {
	/// A `rows x columns` matrix of zeroes.
	pub fn zero(rows: usize, columns: usize) -> Self {
		Matrix { rows, columns, entries: alloc::vec![0; rows * columns] }
	}

	/// A matrix from its rows; `None` unless every row has `columns` entries.
	pub fn from_rows<R: AsRef<[i8]>>(rows: &[R], columns: usize) -> Option<Self> {
		let mut entries = Vec::with_capacity(rows.len() * columns);
		for row in rows {
			if row.as_ref().len() != columns {
				return None;
			}
			entries.extend_from_slice(row.as_ref());
		}
		Some(Matrix { rows: rows.len(), columns, entries })
	}

	/// Rows.
	pub fn rows(&self) -> usize {
		self.rows
	}

	/// Columns.
	pub fn columns(&self) -> usize {
		self.columns
	}

	/// Row `i`, if there is one.
	pub fn row(&self, i: usize) -> Option<&[i8]> {
		self.entries.get(i * self.columns..(i + 1) * self.columns)
	}

	/// The rows, in order.
	pub fn iter_rows(&self) -> impl Iterator<Item = &[i8]> + '_ {
		(0..self.rows).map(move |i| self.row(i).unwrap_or(&[]))
	}

	/// Every entry, row by row.
	pub fn entries(&self) -> &[i8] {
		&self.entries
	}

	/// Entry `(i, j)`, if there is one.
	pub fn get(&self, i: usize, j: usize) -> Option<i8> {
		self.row(i)?.get(j).copied()
	}

	/// Entry `(i, j)` to change, if there is one.
	pub fn get_mut(&mut self, i: usize, j: usize) -> Option<&mut i8> {
		if j >= self.columns {
			return None;
		}
		self.entries.get_mut(i * self.columns + j)
	}

	/// The matrix padded with zero rows and columns to `rows x columns` (both at least the
	/// current size).
	fn padded(&self, rows: usize, columns: usize) -> Matrix {
		let mut entries = Vec::with_capacity(rows * columns);
		for row in self.iter_rows() {
			entries.extend_from_slice(row);
			entries.resize(entries.len() + columns.saturating_sub(row.len()), 0);
		}
		entries.resize(rows * columns, 0);
		Matrix { rows, columns, entries }
	}
}

/// A two-layer perceptron with int8 weights, checked against its shape on construction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QuantizedMlp {
	shape: Shape,
	w1: Matrix,
	b1: Vec<i16>,
	w2: Matrix,
	b2: Vec<i16>,
	divisor: u16,
}

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
	pub hidden: Vec<HiddenUnit>,
	/// The output `y`.
	pub output: Vec<i32>,
}

fn check_len(what: &'static str, expected: usize, actual: usize) -> Result<(), ModelError> {
	if expected == actual {
		Ok(())
	} else {
		Err(ModelError::WrongLength { what, expected, actual })
	}
}

impl QuantizedMlp {
	/// The model `(W1, b1, W2, b2, divisor)` of `shape`: `W1` is `hidden x inputs`, `W2`
	/// `outputs x hidden`; refused unless every part has its shape's size and the divisor is
	/// in `[1, 256]`.
	pub fn new(
		shape: Shape,
		w1: Matrix,
		b1: Vec<i16>,
		w2: Matrix,
		b2: Vec<i16>,
		divisor: u16,
	) -> Result<Self, ModelError> {
		let shape = shape.checked()?;
		check_len("W1 rows", shape.hidden, w1.rows)?;
		check_len("W1 columns", shape.inputs, w1.columns)?;
		check_len("b1", shape.hidden, b1.len())?;
		check_len("W2 rows", shape.outputs, w2.rows)?;
		check_len("W2 columns", shape.hidden, w2.columns)?;
		check_len("b2", shape.outputs, b2.len())?;
		if !(1..=DIVISOR_MAX).contains(&divisor) {
			return Err(ModelError::BadDivisor(divisor));
		}
		Ok(QuantizedMlp { shape, w1, b1, w2, b2, divisor })
	}

	/// The model's shape.
	pub fn shape(&self) -> Shape {
		self.shape
	}

	/// `W1` (`hidden x inputs`).
	pub fn w1(&self) -> &Matrix {
		&self.w1
	}

	/// `b1` (`hidden`).
	pub fn b1(&self) -> &[i16] {
		&self.b1
	}

	/// `W2` (`outputs x hidden`).
	pub fn w2(&self) -> &Matrix {
		&self.w2
	}

	/// `b2` (`outputs`).
	pub fn b2(&self) -> &[i16] {
		&self.b2
	}

	/// The requantization divisor.
	pub fn divisor(&self) -> u16 {
		self.divisor
	}

	/// The same model with first layer `w1` (of the same size).
	pub fn with_w1(&self, w1: Matrix) -> Result<QuantizedMlp, ModelError> {
		QuantizedMlp::new(
			self.shape,
			w1,
			self.b1.clone(),
			self.w2.clone(),
			self.b2.clone(),
			self.divisor,
		)
	}

	/// The same model embedded in the larger `shape` by zero padding: extra inputs have zero
	/// weights, extra hidden units zero weights and biases (so activation 0), extra outputs
	/// zero weights and biases (so output 0). On inputs padded with zeroes
	/// ([`pad_input`]) its first `outputs` outputs are this model's.
	pub fn pad(&self, shape: Shape) -> Result<QuantizedMlp, ModelError> {
		let shape = shape.checked()?;
		if !self.shape.fits_in(&shape) {
			return Err(ModelError::DoesNotFit { model: self.shape, into: shape });
		}
		let mut b1 = self.b1.clone();
		b1.resize(shape.hidden, 0);
		let mut b2 = self.b2.clone();
		b2.resize(shape.outputs, 0);
		Ok(QuantizedMlp {
			shape,
			w1: self.w1.padded(shape.hidden, shape.inputs),
			b1,
			w2: self.w2.padded(shape.outputs, shape.hidden),
			b2,
			divisor: self.divisor,
		})
	}

	/// Runs the model on `x` (`inputs` entries).
	pub fn infer(&self, x: &[i8]) -> Result<Trace, ModelError> {
		check_len("x", self.shape.inputs, x.len())?;
		let divisor = i64::from(self.divisor);
		let hidden: Vec<HiddenUnit> = self
			.w1
			.iter_rows()
			.zip(&self.b1)
			.map(|(weights, &bias)| {
				let pre_activation = i64::from(bias) + dot(weights, x);
				let relu = pre_activation.max(0);
				let quotient = relu / divisor;
				HiddenUnit {
					pre_activation,
					quotient,
					remainder: relu - quotient * divisor,
					activation: quotient.min(HIDDEN_MAX),
				}
			})
			.collect();
		let output = self
			.w2
			.iter_rows()
			.zip(&self.b2)
			.map(|(weights, &bias)| {
				let y = i64::from(bias)
					+ weights
						.iter()
						.zip(&hidden)
						.fold(0i64, |sum, (&w, unit)| sum + i64::from(w) * unit.activation);
				// |y| <= 2^15 + 255 * 128 * 127 < 2^23: always an int24, so the conversion
				// is exact.
				y as i32
			})
			.collect();
		Ok(Trace { hidden, output })
	}
}

fn dot(weights: &[i8], x: &[i8]) -> i64 {
	weights.iter().zip(x).fold(0, |sum, (&w, &v)| sum + i64::from(w) * i64::from(v))
}

/// `x` padded with zeroes to `inputs` entries (`x` itself if it is that long or longer).
pub fn pad_input(x: &[i8], inputs: usize) -> Vec<i8> {
	let mut padded = x.to_vec();
	if padded.len() < inputs {
		padded.resize(inputs, 0);
	}
	padded
}

pub(crate) fn packed(width: Width, entries: impl IntoIterator<Item = i64>) -> Vec<Fp> {
	// Callers pass entries of their declared types, which always fit `width`.
	pack(width, entries).unwrap_or_default()
}

pub(crate) fn widen<T: Copy + Into<i64>>(entries: &[T]) -> impl Iterator<Item = i64> + '_ {
	entries.iter().map(|&e| e.into())
}

/// The job's model commitment: `H(MlpModel, shape, packed W1, b1, W2, b2, divisor, salt)`
/// ([`Shape::model_hash_len`] elements).
pub fn model_commitment(model: &QuantizedMlp, salt: Fp) -> Fp {
	let mut message = alloc::vec![model.shape.to_field()];
	message.extend(packed(Width::I8, widen(model.w1.entries())));
	message.extend(packed(Width::I16, widen(&model.b1)));
	message.extend(packed(Width::I8, widen(model.w2.entries())));
	message.extend(packed(Width::I16, widen(&model.b2)));
	message.extend(packed(Width::I16, [i64::from(model.divisor)]));
	message.push(salt);
	hash_tagged_slice(DomainTag::MlpModel, &message)
}

/// The job's input commitment: `H(MlpInput, packed x, salt)`.
pub fn input_commitment(x: &[i8], salt: Fp) -> Fp {
	let mut message = packed(Width::I8, widen(x));
	message.push(salt);
	hash_tagged_slice(DomainTag::MlpInput, &message)
}

#[cfg(test)]
mod tests {
	use super::*;

	const SHAPE: Shape = Shape::new(16, 16, 16);

	fn model() -> QuantizedMlp {
		let mut w1 = Matrix::zero(16, 16);
		let set = |m: &mut Matrix, i: usize, j: usize, v: i8| {
			*m.get_mut(i, j).expect("in the matrix") = v
		};
		set(&mut w1, 0, 0, 3); // a_0 = 3 x_0 + 1
		set(&mut w1, 1, 0, -2); // a_1 = -2 x_0: negative for positive x_0
		set(&mut w1, 2, 1, 127); // a_2 = 127 x_1: large, clamps
		let mut b1 = alloc::vec![0; 16];
		b1[0] = 1;
		let mut w2 = Matrix::zero(16, 16);
		for i in 0..16 {
			set(&mut w2, 0, i, 1);
		}
		let mut b2 = alloc::vec![0; 16];
		b2[0] = -5;
		QuantizedMlp::new(SHAPE, w1, b1, w2, b2, 4).expect("well formed")
	}

	#[test]
	fn relu_floor_division_and_clamp() {
		let mut x = [0i8; 16];
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
	fn construction_checks_every_part() {
		let m = model();
		let new =
			|shape, w1, b1, w2, b2, divisor| QuantizedMlp::new(shape, w1, b1, w2, b2, divisor);
		let (w1, b1, w2, b2) = (m.w1.clone(), m.b1.clone(), m.w2.clone(), m.b2.clone());
		assert_eq!(
			new(SHAPE, w1.clone(), b1.clone(), w2.clone(), b2.clone(), 0),
			Err(ModelError::BadDivisor(0))
		);
		assert_eq!(
			new(SHAPE, w1.clone(), b1.clone(), w2.clone(), b2.clone(), 257),
			Err(ModelError::BadDivisor(257))
		);
		assert!(new(SHAPE, w1.clone(), b1.clone(), w2.clone(), b2.clone(), 256).is_ok());
		assert_eq!(
			new(SHAPE, w1.clone(), alloc::vec![0; 15], w2.clone(), b2.clone(), 4),
			Err(ModelError::WrongLength { what: "b1", expected: 16, actual: 15 })
		);
		assert_eq!(
			new(SHAPE, Matrix::zero(16, 15), b1.clone(), w2.clone(), b2.clone(), 4),
			Err(ModelError::WrongLength { what: "W1 columns", expected: 16, actual: 15 })
		);
		assert_eq!(
			new(Shape::new(16, 16, 256), w1, b1, w2, b2, 4),
			Err(ModelError::BadShape(Shape::new(16, 16, 256)))
		);
		assert_eq!(
			m.infer(&[0; 15]),
			Err(ModelError::WrongLength { what: "x", expected: 16, actual: 15 })
		);
		assert!(Matrix::from_rows(&[[1i8, 2], [3, 4]], 2).is_some());
		assert!(Matrix::from_rows(&[alloc::vec![1i8, 2], alloc::vec![3]], 2).is_none());
	}

	#[test]
	fn padding_keeps_the_outputs() {
		let m = model();
		let big = Shape::new(64, 32, 20);
		let padded = m.pad(big).expect("fits");
		assert_eq!(padded.shape(), big);
		let mut x = [0i8; 16];
		x[0] = 9;
		x[1] = -3;
		let small = m.infer(&x).expect("valid").output;
		let large = padded.infer(&pad_input(&x, 64)).expect("valid").output;
		assert_eq!(large[..16], small[..]);
		assert!(large[16..].iter().all(|&y| y == 0));
		assert_eq!(padded.pad(SHAPE), Err(ModelError::DoesNotFit { model: big, into: SHAPE }));
	}

	#[test]
	fn commitments_change_with_every_part_and_the_shape() {
		let m = model();
		let salt = Fp::from(1);
		let base = model_commitment(&m, salt);
		let mut b2 = m.b2.clone();
		b2[15] = 1;
		let other = QuantizedMlp::new(SHAPE, m.w1.clone(), m.b1.clone(), m.w2.clone(), b2, 4);
		assert_ne!(base, model_commitment(&other.expect("valid"), salt));
		let other =
			QuantizedMlp::new(SHAPE, m.w1.clone(), m.b1.clone(), m.w2.clone(), m.b2.clone(), 8);
		assert_ne!(base, model_commitment(&other.expect("valid"), salt));
		assert_ne!(base, model_commitment(&m, Fp::from(2)));
		// The same weights padded into another shape commit differently.
		assert_ne!(base, model_commitment(&m.pad(Shape::new(16, 16, 17)).expect("fits"), salt));
		assert_ne!(input_commitment(&[0; 16], salt), input_commitment(&[1; 16], salt));
		assert_ne!(input_commitment(&[0; 16], salt), input_commitment(&[0; 16], Fp::from(2)));
		assert_eq!(SHAPE.model_hash_len(), 26);
		assert_eq!(Shape::new(64, 32, 10).model_hash_len(), 86);
		assert_eq!(Shape::new(64, 32, 16).model_hash_len(), 93);
		assert_eq!(SHAPE.input_hash_len(), 3);
		assert_eq!(Shape::new(64, 32, 10).input_hash_len(), 5);
		assert_eq!(Shape::new(64, 32, 10).output_elements(), 1);
		assert_eq!(SHAPE.output_elements(), 2);
		assert_eq!(Shape::new(64, 32, 10).to_field(), Fp::from(64 + 32 * 256 + 10 * 65536));
	}
}
