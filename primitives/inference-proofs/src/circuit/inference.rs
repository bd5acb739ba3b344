//! Circuit 4, inference of a quantized two-layer model with encrypted delivery
//! (`docs/poi-circuits.md`). Each registered model shape is one version ([`InferenceVersion`]:
//! [`V2`] 16x16x16, [`V3`] 64x32x10, [`V4`] 64x32x16).
//!
//! Statement ([`sable_inference_primitives::statement`], `5 + m` rows): the prover knows a
//! model `(W1, b1, W2, b2, divisor)` of the version's shape, an input `x`, the output `y`,
//! two salts and a delivery key `key` with
//!
//! 1. `x`, `W1`, `W2` are int8, `b1`, `b2`, `divisor` int16, `y` int24, and
//!    `1 <= divisor <= 256` ([`model`]);
//! 2. `a = W1 x + b1` ([`layers`], dot products);
//! 3. `hid = min(floor(relu(a) / divisor), 127)` ([`layers`], requantization);
//! 4. `y = W2 hid + b2` ([`layers`], equal to the loaded `y`);
//! 5. row 2 is `H(MlpModel, shape, packed W1, b1, W2, b2, divisor, model_salt)` and row 3 is
//!    `H(MlpInput, packed x, input_salt)` ([`commitments`]), with the shape a constant of
//!    the circuit;
//! 6. rows 0 (job id) and 1 (provider) are copied into the witness;
//! 7. row 4 is `D = H3(DeliveryKey, key, 0)` and row `5 + j` is
//!    `ct_j = p_j + H4(DeliveryStream, key, job_id, j)` for the `m` packed elements `p_j` of
//!    `y`, with `job_id` the copy of row 0 ([`delivery`]).
//!
//! So the ciphertext decrypts, under the key whose commitment the client published, to
//! exactly the committed model's output on the committed input.

pub mod commitments;
pub mod delivery;
pub mod layers;
pub mod model;

use core::marker::PhantomData;

use halo2_proofs::{
	circuit::{floor_planner::V1, Layouter},
	plonk::{Circuit, ConstraintSystem, Error},
};
use sable_circuits::CircuitSpec;
use sable_inference_primitives::mlp::{ModelError, QuantizedMlp, Shape, Trace};
use sable_zk_primitives::{hash::DomainTag, Fp};

use super::bind_job;
use crate::gadgets::InferenceConfig;

/// A registered version of the inference circuit: its registry entry and the model shape it
/// proves.
pub trait InferenceVersion: Send + Sync + 'static {
	/// The registry entry.
	const SPEC: CircuitSpec;
	/// The model shape.
	const SHAPE: Shape;
}

/// Version 2: 16 inputs, 16 hidden units, 16 outputs.
#[derive(Clone, Copy, Debug)]
pub struct V2;
/// Version 3: 64 inputs, 32 hidden units, 10 outputs (the handwritten-digits model).
#[derive(Clone, Copy, Debug)]
pub struct V3;
/// Version 4: 64 inputs, 32 hidden units, 16 outputs.
#[derive(Clone, Copy, Debug)]
pub struct V4;

impl InferenceVersion for V2 {
	const SPEC: CircuitSpec = sable_circuits::POI_INFERENCE_16X16X16_V2;
	const SHAPE: Shape = Shape::new(16, 16, 16);
}

impl InferenceVersion for V3 {
	const SPEC: CircuitSpec = sable_circuits::POI_INFERENCE_64X32X10_V3;
	const SHAPE: Shape = Shape::new(64, 32, 10);
}

impl InferenceVersion for V4 {
	const SPEC: CircuitSpec = sable_circuits::POI_INFERENCE_64X32X16_V4;
	const SHAPE: Shape = Shape::new(64, 32, 16);
}

/// The registry entries and shapes of every version, in version order.
pub const VERSIONS: [(CircuitSpec, Shape); 3] =
	[(V2::SPEC, V2::SHAPE), (V3::SPEC, V3::SHAPE), (V4::SPEC, V4::SHAPE)];

/// The version that proves models of `shape` exactly.
pub fn version_of(shape: Shape) -> Option<CircuitSpec> {
	VERSIONS.iter().find(|(_, s)| *s == shape).map(|(spec, _)| *spec)
}

/// What the provider knows: its model and salt, and the client's request (input, input salt,
/// delivery key); the trace follows from them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InferenceWitness {
	/// The registered model.
	pub model: QuantizedMlp,
	/// Salt of the model commitment.
	pub model_salt: Fp,
	/// The client's input.
	pub x: Vec<i8>,
	/// Salt of the input commitment.
	pub input_salt: Fp,
	/// The client's one-time delivery key.
	pub delivery_key: Fp,
	/// Every intermediate value and the output.
	pub trace: Trace,
}

impl InferenceWitness {
	/// Runs `model` on `x`; fails if `x` does not have the model's input length.
	pub fn new(
		model: QuantizedMlp,
		model_salt: Fp,
		x: Vec<i8>,
		input_salt: Fp,
		delivery_key: Fp,
	) -> Result<Self, ModelError> {
		let trace = model.infer(&x)?;
		Ok(InferenceWitness { model, model_salt, x, input_salt, delivery_key, trace })
	}

	/// The output `y`.
	pub fn output(&self) -> &[i32] {
		&self.trace.output
	}
}

/// The inference circuit of version `V` with its witness (`None` when building keys).
#[derive(Clone, Debug)]
pub struct InferenceCircuit<V> {
	/// The inference.
	pub witness: Option<InferenceWitness>,
	version: PhantomData<V>,
}

impl<V> Default for InferenceCircuit<V> {
	fn default() -> Self {
		InferenceCircuit { witness: None, version: PhantomData }
	}
}

impl<V> InferenceCircuit<V> {
	/// The circuit proving `witness`.
	pub fn new(witness: InferenceWitness) -> Self {
		InferenceCircuit { witness: Some(witness), version: PhantomData }
	}
}

impl<V: InferenceVersion> Circuit<Fp> for InferenceCircuit<V> {
	type Config = InferenceConfig;
	type FloorPlanner = V1;

	fn without_witnesses(&self) -> Self {
		Self::default()
	}

	fn configure(meta: &mut ConstraintSystem<Fp>) -> InferenceConfig {
		InferenceConfig::configure(meta)
	}

	fn synthesize(
		&self,
		config: InferenceConfig,
		mut layouter: impl Layouter<Fp>,
	) -> Result<(), Error> {
		let shape = V::SHAPE;
		let w = self.witness.as_ref();
		if w.is_some_and(|w| w.model.shape() != shape || w.x.len() != shape.inputs) {
			return Err(Error::Synthesis);
		}
		config.bytes.load_table(&mut layouter)?;
		let zero = config.constant(layouter.namespace(|| "zero"), Fp::zero())?;

		// Item 1.
		let values =
			w.map(|w| model::ModelValues { model: &w.model, x: &w.x, output: &w.trace.output });
		let loaded = model::load(&config, layouter.namespace(|| "model and input"), shape, values)?;
		// Items 2 to 4.
		layers::evaluate(
			&config,
			layouter.namespace(|| "layers"),
			shape,
			&loaded.weights(&loaded.w1),
			w.map(|w| &w.trace),
			&zero,
		)?;
		// Item 5.
		commitments::model(
			&config,
			layouter.namespace(|| "model commitment"),
			shape,
			&loaded,
			w.map(|w| w.model_salt),
		)?;
		commitments::input(
			&config,
			layouter.namespace(|| "input commitment"),
			DomainTag::MlpInput,
			&[&loaded.x.packed[..]],
			w.map(|w| w.input_salt),
		)?;
		// Item 6.
		let job_id = bind_job(&config, layouter.namespace(|| "job"))?;
		// Item 7.
		delivery::deliver(
			&config,
			layouter.namespace(|| "delivery"),
			&loaded.y.packed,
			&job_id,
			w.map(|w| w.delivery_key),
		)
	}
}
