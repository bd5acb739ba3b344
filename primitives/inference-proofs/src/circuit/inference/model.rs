//! Item 1 of the inference statement (`docs/poi-circuits.md`, "Entries"): the model, the
//! input and the output are loaded as range-checked entries, each folded into the packed
//! elements its commitment (or, for `y`, the ciphertext) uses, and the divisor is checked to
//! lie in `[1, 256]`.

use halo2_proofs::{
	circuit::{Layouter, Value},
	plonk::Error,
};
use sable_inference_primitives::{
	mlp::{QuantizedMlp, Shape},
	packing::Width,
};
use sable_zk_primitives::Fp;
use sable_zk_proofs::circuit::poseidon::Cell;

use crate::{circuit::known, gadgets::entries::Loaded, gadgets::InferenceConfig};

/// The witness values [`load`] assigns: the model, the input and the output.
#[derive(Clone, Copy)]
pub struct ModelValues<'a> {
	/// The model.
	pub model: &'a QuantizedMlp,
	/// The input.
	pub x: &'a [i8],
	/// The output.
	pub output: &'a [i32],
}

/// The loaded entries of a model, its input and its output.
pub struct LoadedModel {
	/// `x` (int8).
	pub x: Loaded,
	/// `W1` (int8, `hidden x inputs`, row-major).
	pub w1: Loaded,
	/// `b1` (int16).
	pub b1: Loaded,
	/// `W2` (int8, `outputs x hidden`, row-major).
	pub w2: Loaded,
	/// `b2` (int16).
	pub b2: Loaded,
	/// The divisor (int16, checked to be in `[1, 256]`).
	pub divisor: Loaded,
	/// `y` (int24).
	pub y: Loaded,
	/// The divisor's value, as an integer.
	pub divisor_value: Value<u64>,
}

/// The cells the two layers read ([`super::layers::evaluate`]); `w1` is the model's own
/// first layer or, for an adapted model, the adapted one.
pub struct Weights<'a> {
	/// `x`.
	pub x: &'a [Cell],
	/// The first layer's weights.
	pub w1: &'a [Cell],
	/// `b1`.
	pub b1: &'a [Cell],
	/// `W2`.
	pub w2: &'a [Cell],
	/// `b2`.
	pub b2: &'a [Cell],
	/// The divisor.
	pub divisor: &'a Cell,
	/// The divisor's value, as an integer.
	pub divisor_value: Value<u64>,
	/// `y`.
	pub y: &'a [Cell],
}

impl LoadedModel {
	/// The layers' cells, with first-layer weights `w1`.
	pub fn weights<'a>(&'a self, w1: &'a Loaded) -> Weights<'a> {
		Weights {
			x: &self.x.entries,
			w1: &w1.entries,
			b1: &self.b1.entries,
			w2: &self.w2.entries,
			b2: &self.b2.entries,
			divisor: &self.divisor.entries[0],
			divisor_value: self.divisor_value,
			y: &self.y.entries,
		}
	}
}

/// Loads `x`, `W1`, `b1`, `W2`, `b2`, the divisor and `y` of a model of `shape` (values
/// unknown without a witness) and checks the divisor.
pub fn load(
	config: &InferenceConfig,
	mut layouter: impl Layouter<Fp>,
	shape: Shape,
	w: Option<ModelValues<'_>>,
) -> Result<LoadedModel, Error> {
	let w = w.as_ref();
	let values = |n: usize, f: &dyn Fn(&ModelValues<'_>, usize) -> i64| -> Vec<Value<i64>> {
		(0..n).map(|index| known(w, |w| f(w, index))).collect()
	};
	let mut load = |name: &'static str, width, values: Vec<Value<i64>>| {
		config.entries.load(layouter.namespace(|| name), width, &values)
	};
	let entry = |v: Option<i8>| i64::from(v.unwrap_or_default());
	let x = load("x", Width::I8, values(shape.inputs, &|w, n| entry(w.x.get(n).copied())))?;
	let w1 = load(
		"W1",
		Width::I8,
		values(shape.w1_len(), &|w, n| entry(w.model.w1().entries().get(n).copied())),
	)?;
	let b1 = load(
		"b1",
		Width::I16,
		values(shape.hidden, &|w, n| w.model.b1().get(n).copied().unwrap_or_default().into()),
	)?;
	let w2 = load(
		"W2",
		Width::I8,
		values(shape.w2_len(), &|w, n| entry(w.model.w2().entries().get(n).copied())),
	)?;
	let b2 = load(
		"b2",
		Width::I16,
		values(shape.outputs, &|w, n| w.model.b2().get(n).copied().unwrap_or_default().into()),
	)?;
	let divisor = load("divisor", Width::I16, values(1, &|w, _| w.model.divisor().into()))?;
	let y = load(
		"y",
		Width::I24,
		values(shape.outputs, &|w, n| w.output.get(n).copied().unwrap_or_default().into()),
	)?;
	let divisor_value = known(w, |w| u64::from(w.model.divisor()));
	config.requantize.check_divisor(
		layouter.namespace(|| "divisor in [1, 256]"),
		&divisor.entries[0],
		divisor_value,
	)?;
	Ok(LoadedModel { x, w1, b1, w2, b2, divisor, y, divisor_value })
}
