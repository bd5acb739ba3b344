//! Circuit 3, one LoRA fine-tuning step (`docs/poi.md`, "LoRA step proof").
//!
//! Statement: the prover knows `W_base`, `A`, `B`, `alpha`, `W_eff` and three salts with
//!
//! 1. every entry of `W_base`, `A`, `B`, `W_eff` and `alpha` is an int16 (entries gadget);
//! 2. for every `(i, j)`: `W_eff[i][j] = W_base[i][j] + floor(alpha * (B x A)[i][j] / 2^16)`
//!    (dot and rescale gadgets);
//! 3. `model = H20(LoraBase, packed W_base, salt_0)`;
//! 4. `input = H13(LoraAdapter, packed A, packed B, packed alpha, salt_1)`;
//! 5. `output = H20(LoraResult, packed W_eff, salt_2)`;
//! 6. job id and provider are copied into the witness.

use halo2_proofs::{
	circuit::{floor_planner::V1, Layouter, Value},
	plonk::{Circuit, ConstraintSystem, Error},
};
use sable_inference_primitives::{
	lora::{LoraStep, Matrix, Overflow, ADAPTER_HASH_LEN, D, MATRIX_HASH_LEN, R},
	packing::Width,
	statement,
};
use sable_zk_primitives::{hash::DomainTag, Fp};

use super::{bind_job, known};
use crate::gadgets::JobConfig;

/// The registered version this code is: `2^k` rows: 640 entries, 1,280 multiply-accumulate rows, 256 rounding rows and about 30
/// Poseidon permutations.
pub const SPEC: sable_circuits::CircuitSpec = sable_circuits::POI_LORA_V1;

/// `2^K` rows ([`SPEC`]'s `k`).
pub const K: u32 = SPEC.k;

/// A step and the salts of its three commitments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoraWitness {
	/// The step's inputs.
	pub step: LoraStep,
	/// Its result.
	pub w_eff: Matrix,
	/// Salts of the base, adapter and result commitments.
	pub salts: [Fp; 3],
}

impl LoraWitness {
	/// Computes the result; fails if an entry overflows int16.
	pub fn new(step: LoraStep, salts: [Fp; 3]) -> Result<Self, Overflow> {
		Ok(LoraWitness { w_eff: step.apply()?, step, salts })
	}
}

/// The LoRA circuit with its witness (`None` when building keys).
#[derive(Clone, Debug, Default)]
pub struct LoraCircuit {
	/// The step.
	pub witness: Option<LoraWitness>,
}

impl Circuit<Fp> for LoraCircuit {
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
		let entries = |f: &dyn Fn(&LoraWitness, usize) -> i16, n: usize| -> Vec<Value<i64>> {
			(0..n).map(|index| known(w, |w| i64::from(f(w, index)))).collect()
		};
		let load = |layouter: &mut _, name: &'static str, values: Vec<Value<i64>>| {
			config.entries.load(Layouter::namespace(layouter, || name), Width::I16, &values)
		};

		// Item 1.
		let w_base =
			load(&mut layouter, "W_base", entries(&|w, n| w.step.w_base[n / D][n % D], D * D))?;
		let a = load(&mut layouter, "A", entries(&|w, n| w.step.a[n / D][n % D], R * D))?;
		let b = load(&mut layouter, "B", entries(&|w, n| w.step.b[n / R][n % R], D * R))?;
		let alpha = load(&mut layouter, "alpha", entries(&|w, _| w.step.alpha, 1))?;
		let w_eff = load(&mut layouter, "W_eff", entries(&|w, n| w.w_eff[n / D][n % D], D * D))?;

		// Item 2.
		let zero = config.constant(layouter.namespace(|| "zero"), Fp::zero())?;
		for i in 0..D {
			for j in 0..D {
				let mut layouter = layouter.namespace(|| format!("entry ({i}, {j})"));
				let b_row: Vec<_> = (0..R).map(|k| &b.entries[i * R + k]).collect();
				let a_column: Vec<_> = (0..R).map(|k| &a.entries[k * D + j]).collect();
				let p = config.dot.dot(layouter.namespace(|| "B x A"), &zero, &b_row, &a_column)?;
				let remainder = known(w, |w| w.step.entry(i, j).remainder as u64);
				config.rescale.enforce(
					layouter.namespace(|| "rounding"),
					[&p, &alpha.entries[0], &w_base.entries[i * D + j], &w_eff.entries[i * D + j]],
					remainder,
				)?;
			}
		}

		// Items 3-5.
		let salts: Vec<_> = (0..3)
			.map(|i| {
				config.witness(layouter.namespace(|| "salt"), known(w, |w| w.salts[i]), "salt")
			})
			.collect::<Result<_, _>>()?;
		let model = [&w_base.packed[..], &salts[0..1]].concat();
		let model = config.poseidon.hash_tagged::<MATRIX_HASH_LEN>(
			layouter.namespace(|| "model commitment"),
			DomainTag::LoraBase,
			&model,
		)?;
		layouter.constrain_instance(model.cell(), config.instance, statement::MODEL)?;
		let input = [&a.packed[..], &b.packed[..], &alpha.packed[..], &salts[1..2]].concat();
		let input = config.poseidon.hash_tagged::<ADAPTER_HASH_LEN>(
			layouter.namespace(|| "input commitment"),
			DomainTag::LoraAdapter,
			&input,
		)?;
		layouter.constrain_instance(input.cell(), config.instance, statement::INPUT)?;
		let output = [&w_eff.packed[..], &salts[2..3]].concat();
		let output = config.poseidon.hash_tagged::<MATRIX_HASH_LEN>(
			layouter.namespace(|| "output commitment"),
			DomainTag::LoraResult,
			&output,
		)?;
		layouter.constrain_instance(output.cell(), config.instance, statement::OUTPUT)?;

		// Item 6.
		bind_job(&config, layouter)
	}
}
