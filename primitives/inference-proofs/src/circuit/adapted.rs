//! Circuit 5, LoRA-adapted inference with encrypted delivery (`docs/poi-circuits.md`,
//! "Adapted inference"), version 1: a registered 16 x 16 x 16 base model, the client's rank-4
//! adapter of its first layer.
//!
//! Statement (`5 + m` rows, as inference): the prover knows a base model
//! `(W1, b1, W2, b2, divisor)`, an input `x`, an adapter `(A, B, alpha)`, the adapted first
//! layer `W1_eff`, the output `y`, two salts and a delivery key with
//!
//! 1. `x`, `W1`, `W2`, `A`, `B`, `W1_eff` are int8, `b1`, `b2`, `divisor`, `alpha` int16,
//!    `y` int24, and `1 <= divisor <= 256` (entries gadget);
//! 2. for every `(i, j)`: `alpha * sum_k B[i][k] A[k][j] = (W1_eff[i][j] - W1[i][j]) * 2^16
//!    + rem` with `0 <= rem < 2^16` (adapter gadget), so
//!    `W1_eff = W1 + floor(alpha * (B A) / 2^16)`, and an adapter for which an entry leaves
//!    int8 has no proof;
//! 3. to 5. the inference items 2 to 4 with `W1_eff` as the first layer
//!    ([`super::inference::layers`]);
//! 6. row 2 is the base model's commitment `H(MlpModel, shape, packed W1, b1, W2, b2,
//!    divisor, model_salt)` and row 3 is `H(AdaptedInput, packed x, packed A, packed B,
//!    packed alpha, input_salt)`;
//! 7. rows 0 and 1 are copied into the witness;
//! 8. the delivery rows, as inference ([`super::inference::delivery`]).

use halo2_proofs::{
	circuit::{floor_planner::V1, Layouter, Value},
	plonk::{Circuit, ConstraintSystem, Error},
};
use sable_circuits::CircuitSpec;
use sable_inference_primitives::{
	adapted::{Adapter, AdapterError},
	mlp::{QuantizedMlp, Shape, Trace},
	packing::Width,
};
use sable_zk_primitives::{hash::DomainTag, Fp};

use super::{
	bind_job,
	inference::{commitments, delivery, layers, model},
	known,
};
use crate::gadgets::{
	adapter::{AdapterConfig, RANK},
	InferenceConfig,
};

/// The registered version this code is.
pub const SPEC: CircuitSpec = sable_circuits::POI_ADAPTED_16X16X16_R4_V1;
/// The base model's shape.
pub const SHAPE: Shape = Shape::new(16, 16, 16);

/// What the provider knows: its base model and salt, and the client's request (input,
/// adapter, input salt, delivery key); the adapted model and the trace follow from them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AdaptedWitness {
	/// The registered base model.
	pub base: QuantizedMlp,
	/// Salt of the model commitment.
	pub model_salt: Fp,
	/// The client's input.
	pub x: Vec<i8>,
	/// The client's adapter.
	pub adapter: Adapter,
	/// Salt of the input commitment.
	pub input_salt: Fp,
	/// The client's one-time delivery key.
	pub delivery_key: Fp,
	/// The base model with `W1_eff` as its first layer.
	pub adapted: QuantizedMlp,
	/// The adapted model's intermediate values and output.
	pub trace: Trace,
}

impl AdaptedWitness {
	/// Applies `adapter` to `base` and runs the adapted model on `x`; fails if the adapter
	/// does not fit the model or makes an entry leave int8, or `x` has the wrong length.
	pub fn new(
		base: QuantizedMlp,
		model_salt: Fp,
		x: Vec<i8>,
		adapter: Adapter,
		input_salt: Fp,
		delivery_key: Fp,
	) -> Result<Self, AdapterError> {
		let adapted = adapter.apply(&base)?;
		let trace = adapted.infer(&x).map_err(AdapterError::Model)?;
		Ok(AdaptedWitness {
			base,
			model_salt,
			x,
			adapter,
			input_salt,
			delivery_key,
			adapted,
			trace,
		})
	}

	/// The output `y`.
	pub fn output(&self) -> &[i32] {
		&self.trace.output
	}
}

/// The adapted-inference circuit with its witness (`None` when building keys).
#[derive(Clone, Debug, Default)]
pub struct AdaptedCircuit {
	/// The adapted inference.
	pub witness: Option<AdaptedWitness>,
}

/// The inference gadgets and the adapter gate.
#[derive(Clone, Debug)]
pub struct AdaptedConfig {
	/// Everything the inference circuits have.
	pub inference: InferenceConfig,
	/// `W1_eff` from `W1` and the adapter.
	pub adapter: AdapterConfig,
}

impl Circuit<Fp> for AdaptedCircuit {
	type Config = AdaptedConfig;
	type FloorPlanner = V1;

	fn without_witnesses(&self) -> Self {
		Self::default()
	}

	fn configure(meta: &mut ConstraintSystem<Fp>) -> AdaptedConfig {
		let inference = InferenceConfig::configure(meta);
		let adapter = AdapterConfig::configure(meta, inference.advices, &inference.bytes);
		AdaptedConfig { inference, adapter }
	}

	fn synthesize(
		&self,
		config: AdaptedConfig,
		mut layouter: impl Layouter<Fp>,
	) -> Result<(), Error> {
		let (config, adapter) = (&config.inference, &config.adapter);
		let w = self.witness.as_ref();
		let fits = |w: &AdaptedWitness| {
			w.base.shape() == SHAPE && w.x.len() == SHAPE.inputs && w.adapter.rank() == RANK
		};
		if w.is_some_and(|w| !fits(w)) {
			return Err(Error::Synthesis);
		}
		config.bytes.load_table(&mut layouter)?;
		let zero = config.constant(layouter.namespace(|| "zero"), Fp::zero())?;

		// Item 1: the base model, the input and the output.
		let values =
			w.map(|w| model::ModelValues { model: &w.base, x: &w.x, output: &w.trace.output });
		let loaded = model::load(config, layouter.namespace(|| "model and input"), SHAPE, values)?;
		// Item 1: the adapter and the adapted first layer.
		let (inputs, hidden) = (SHAPE.inputs, SHAPE.hidden);
		let entries = |n: usize, f: &dyn Fn(&AdaptedWitness, usize) -> Option<i64>| {
			(0..n).map(|i| known(w, |w| f(w, i).unwrap_or_default())).collect::<Vec<Value<i64>>>()
		};
		let int8 = |m: &sable_inference_primitives::mlp::Matrix, n: usize| {
			m.entries().get(n).map(|&e| i64::from(e))
		};
		let mut load = |name: &'static str, width, values: Vec<Value<i64>>| {
			config.entries.load(layouter.namespace(|| name), width, &values)
		};
		let a = load("A", Width::I8, entries(RANK * inputs, &|w, n| int8(w.adapter.a(), n)))?;
		let b = load("B", Width::I8, entries(hidden * RANK, &|w, n| int8(w.adapter.b(), n)))?;
		let alpha = load("alpha", Width::I16, entries(1, &|w, _| Some(w.adapter.alpha().into())))?;
		let w1_eff =
			load("W1_eff", Width::I8, entries(hidden * inputs, &|w, n| int8(w.adapted.w1(), n)))?;

		// Item 2.
		for i in 0..hidden {
			for j in 0..inputs {
				let index = i * inputs + j;
				let b_row: [_; RANK] = core::array::from_fn(|k| &b.entries[i * RANK + k]);
				let a_column: [_; RANK] = core::array::from_fn(|k| &a.entries[k * inputs + j]);
				adapter.enforce(
					layouter.namespace(|| format!("W1_eff[{i}][{j}]")),
					b_row,
					a_column,
					[&alpha.entries[0], &loaded.w1.entries[index], &w1_eff.entries[index]],
					known(w, |w| w.adapter.entry(i, j).remainder as u64),
				)?;
			}
		}

		// Items 3 to 5.
		layers::evaluate(
			config,
			layouter.namespace(|| "layers"),
			SHAPE,
			&loaded.weights(&w1_eff),
			w.map(|w| &w.trace),
			&zero,
		)?;
		// Item 6.
		commitments::model(
			config,
			layouter.namespace(|| "model commitment"),
			SHAPE,
			&loaded,
			w.map(|w| w.model_salt),
		)?;
		commitments::input(
			config,
			layouter.namespace(|| "input commitment"),
			DomainTag::AdaptedInput,
			&[&loaded.x.packed[..], &a.packed[..], &b.packed[..], &alpha.packed[..]],
			w.map(|w| w.input_salt),
		)?;
		// Item 7.
		let job_id = bind_job(config, layouter.namespace(|| "job"))?;
		// Item 8.
		delivery::deliver(
			config,
			layouter.namespace(|| "delivery"),
			&loaded.y.packed,
			&job_id,
			w.map(|w| w.delivery_key),
		)
	}
}
