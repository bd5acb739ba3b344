//! Circuit 4, inference of the quantized two-layer model (`docs/poi.md`, "Small-model
//! inference proof"). Unlike circuit 2 it proves the computation itself.
//!
//! Statement: the prover knows `x`, `W1`, `b1`, `W2`, `b2`, `divisor`, `y` and three salts
//! with
//!
//! 1. `x`, `W1`, `W2` are int8, `b1`, `b2`, `divisor` int16, `y` int24 (entries gadget), and
//!    `1 <= divisor <= 256`;
//! 2. `a = W1 x + b1` (dot gadget);
//! 3. `hid = min(floor(relu(a) / divisor), 127)` (requantize gadget);
//! 4. `y = W2 hid + b2` (dot gadget, equal to the committed `y`);
//! 5. `model = H25(MlpModel, packed W1, b1, W2, b2, divisor, salt_0)`,
//!    `input = H3(MlpInput, packed x, salt_1)`, `output = H4(MlpOutput, packed y, salt_2)`;
//! 6. job id and provider are copied into the witness.

use halo2_proofs::{
	circuit::{floor_planner::V1, Layouter, Value},
	plonk::{Circuit, ConstraintSystem, Error},
};
use sable_inference_primitives::{
	mlp::{BadDivisor, QuantizedMlp, Trace, INPUT_HASH_LEN, MODEL_HASH_LEN, N, OUTPUT_HASH_LEN},
	packing::Width,
	statement,
};
use sable_zk_primitives::{hash::DomainTag, Fp};

use super::{bind_job, known};
use crate::gadgets::JobConfig;

/// The registered version this code is: `2^k` rows: 577 entries, 544 multiply-accumulate rows, 64 requantization rows and about
/// 17 Poseidon permutations.
pub const SPEC: sable_circuits::CircuitSpec = sable_circuits::POI_INFERENCE_V1;

/// `2^K` rows ([`SPEC`]'s `k`).
pub const K: u32 = SPEC.k;

/// A model, an input, the inference's trace and the salts of the three commitments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MlpWitness {
	/// The model.
	pub model: QuantizedMlp,
	/// The input.
	pub x: [i8; N],
	/// Every intermediate value and the output.
	pub trace: Trace,
	/// Salts of the model, input and output commitments.
	pub salts: [Fp; 3],
}

impl MlpWitness {
	/// Runs the model; fails if its divisor is out of range.
	pub fn new(model: QuantizedMlp, x: [i8; N], salts: [Fp; 3]) -> Result<Self, BadDivisor> {
		Ok(MlpWitness { trace: model.infer(&x)?, model, x, salts })
	}
}

/// The inference circuit with its witness (`None` when building keys).
#[derive(Clone, Debug, Default)]
pub struct MlpCircuit {
	/// The inference.
	pub witness: Option<MlpWitness>,
}

impl Circuit<Fp> for MlpCircuit {
	type Config = JobConfig;
	type FloorPlanner = V1;

	fn without_witnesses(&self) -> Self {
		Self::default()
	}

	fn configure(meta: &mut ConstraintSystem<Fp>) -> JobConfig {
		JobConfig::configure(meta)
	}

	fn synthesize(&self, config: JobConfig, mut layouter: impl Layouter<Fp>) -> Result<(), Error> {
		config.bytes.load_table(&mut layouter)?;
		let w = self.witness.as_ref();
		let values = |f: &dyn Fn(&MlpWitness, usize) -> i64, n: usize| -> Vec<Value<i64>> {
			(0..n).map(|index| known(w, |w| f(w, index))).collect()
		};
		let mut load = |name: &'static str, width, values: Vec<Value<i64>>| {
			config.entries.load(layouter.namespace(|| name), width, &values)
		};

		// Item 1.
		let x = load("x", Width::I8, values(&|w, n| w.x[n].into(), N))?;
		let w1 = load("W1", Width::I8, values(&|w, n| w.model.w1[n / N][n % N].into(), N * N))?;
		let b1 = load("b1", Width::I16, values(&|w, n| w.model.b1[n].into(), N))?;
		let w2 = load("W2", Width::I8, values(&|w, n| w.model.w2[n / N][n % N].into(), N * N))?;
		let b2 = load("b2", Width::I16, values(&|w, n| w.model.b2[n].into(), N))?;
		let divisor = load("divisor", Width::I16, values(&|w, _| w.model.divisor.into(), 1))?;
		let y = load("y", Width::I24, values(&|w, n| w.trace.output[n].into(), N))?;
		let divisor_value = known(w, |w| u64::from(w.model.divisor));
		config.requantize.check_divisor(
			layouter.namespace(|| "divisor"),
			&divisor.entries[0],
			divisor_value,
		)?;

		// Items 2 and 3.
		let x_cells: Vec<_> = x.entries.iter().collect();
		let mut hidden = Vec::with_capacity(N);
		for i in 0..N {
			let mut layouter = layouter.namespace(|| format!("hidden unit {i}"));
			let row: Vec<_> = w1.entries[i * N..(i + 1) * N].iter().collect();
			let a = config.dot.dot(
				layouter.namespace(|| "W1 x + b1"),
				&b1.entries[i],
				&row,
				&x_cells,
			)?;
			hidden.push(config.requantize.hidden_unit(
				layouter.namespace(|| "requantize"),
				&a,
				&divisor.entries[0],
				divisor_value,
				known(w, |w| w.trace.hidden[i]),
			)?);
		}

		// Item 4.
		let hidden_cells: Vec<_> = hidden.iter().collect();
		for k in 0..N {
			let mut layouter = layouter.namespace(|| format!("output {k}"));
			let row: Vec<_> = w2.entries[k * N..(k + 1) * N].iter().collect();
			let out = config.dot.dot(
				layouter.namespace(|| "W2 hid + b2"),
				&b2.entries[k],
				&row,
				&hidden_cells,
			)?;
			layouter.assign_region(
				|| "y = committed y",
				|mut region| region.constrain_equal(out.cell(), y.entries[k].cell()),
			)?;
		}

		// Item 5.
		let salts: Vec<_> = (0..3)
			.map(|i| {
				config.witness(layouter.namespace(|| "salt"), known(w, |w| w.salts[i]), "salt")
			})
			.collect::<Result<_, _>>()?;
		let model = [
			&w1.packed[..],
			&b1.packed[..],
			&w2.packed[..],
			&b2.packed[..],
			&divisor.packed[..],
			&salts[0..1],
		]
		.concat();
		let model = config.poseidon.hash_tagged::<MODEL_HASH_LEN>(
			layouter.namespace(|| "model commitment"),
			DomainTag::MlpModel,
			&model,
		)?;
		layouter.constrain_instance(model.cell(), config.instance, statement::MODEL)?;
		let input = config.poseidon.hash_tagged::<INPUT_HASH_LEN>(
			layouter.namespace(|| "input commitment"),
			DomainTag::MlpInput,
			&[&x.packed[..], &salts[1..2]].concat(),
		)?;
		layouter.constrain_instance(input.cell(), config.instance, statement::INPUT)?;
		let output = config.poseidon.hash_tagged::<OUTPUT_HASH_LEN>(
			layouter.namespace(|| "output commitment"),
			DomainTag::MlpOutput,
			&[&y.packed[..], &salts[2..3]].concat(),
		)?;
		layouter.constrain_instance(output.cell(), config.instance, statement::OUTPUT)?;

		// Item 6.
		bind_job(&config, layouter)
	}
}
