//! Items 2 to 4 of the inference statement (`docs/poi-circuits.md`, "Dot products" and
//! "Requantization"): the first layer's dot products, the requantization of each hidden unit
//! and the second layer's dot products, equal to the loaded output `y`.

use halo2_proofs::{circuit::Layouter, plonk::Error};
use sable_inference_primitives::mlp::{Shape, Trace};
use sable_zk_primitives::Fp;
use sable_zk_proofs::circuit::poseidon::Cell;

use super::model::Weights;
use crate::{circuit::known, gadgets::InferenceConfig};

/// Enforces `y = W2 min(floor(relu(W1 x + b1) / divisor), 127) + b2` on the cells of
/// `weights`; `trace` holds the hidden units' witness values; `zero` is a cell fixed to 0.
pub fn evaluate(
	config: &InferenceConfig,
	mut layouter: impl Layouter<Fp>,
	shape: Shape,
	weights: &Weights<'_>,
	trace: Option<&Trace>,
	zero: &Cell,
) -> Result<(), Error> {
	// Items 2 and 3: a_i = W1[i] x + b1[i], hid_i = min(floor(relu(a_i) / divisor), 127).
	let x: Vec<&Cell> = weights.x.iter().collect();
	let mut hidden = Vec::with_capacity(shape.hidden);
	for i in 0..shape.hidden {
		let mut layouter = layouter.namespace(|| format!("hidden unit {i}"));
		let a = config.mac.dot(
			layouter.namespace(|| "a = W1 x + b1"),
			cell(weights.b1, i)?,
			&row(weights.w1, i, shape.inputs)?,
			&x,
			zero,
		)?;
		let unit = known(trace, |t| t.hidden.get(i).copied().unwrap_or(ZERO_UNIT));
		hidden.push(config.requantize.hidden_unit(
			layouter.namespace(|| "requantize"),
			&a,
			weights.divisor,
			weights.divisor_value,
			unit,
		)?);
	}

	// Item 4: y_k = W2[k] hid + b2[k], the loaded y_k.
	let hidden: Vec<&Cell> = hidden.iter().collect();
	for k in 0..shape.outputs {
		let mut layouter = layouter.namespace(|| format!("output {k}"));
		let out = config.mac.dot(
			layouter.namespace(|| "y = W2 hid + b2"),
			cell(weights.b2, k)?,
			&row(weights.w2, k, shape.hidden)?,
			&hidden,
			zero,
		)?;
		let y = cell(weights.y, k)?;
		layouter.assign_region(
			|| "y = loaded y",
			|mut region| region.constrain_equal(out.cell(), y.cell()),
		)?;
	}
	Ok(())
}

/// Row `i` of a `len`-column matrix.
fn row(cells: &[Cell], i: usize, len: usize) -> Result<Vec<&Cell>, Error> {
	Ok(cells.get(i * len..(i + 1) * len).ok_or(Error::Synthesis)?.iter().collect())
}

/// Entry `i` of a vector.
fn cell(cells: &[Cell], i: usize) -> Result<&Cell, Error> {
	cells.get(i).ok_or(Error::Synthesis)
}

/// Stands in for a missing hidden unit of a malformed trace (which then fails the gates).
const ZERO_UNIT: sable_inference_primitives::mlp::HiddenUnit =
	sable_inference_primitives::mlp::HiddenUnit {
		pre_activation: 0,
		quotient: 0,
		remainder: 0,
		activation: 0,
	};
