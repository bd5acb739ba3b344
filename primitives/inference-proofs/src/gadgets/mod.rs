//! Gadgets over signed small integers shared by the LoRA and inference circuits.
//!
//! All of them live in eight advice columns `c0..c7`; `c1..c3` double as byte columns, looked
//! up in a 256-entry table on rows where `q_bytes` is on ([`bytes`]). Poseidon runs on
//! `c4..c7` with its constants in `c0`.

pub mod bytes;
pub mod dot;
pub mod entries;
pub mod requantize;
pub mod rescale;

use halo2_proofs::{
	circuit::{Layouter, Value},
	plonk::{Advice, Column, ConstraintSystem, Error, Instance},
};
use sable_zk_primitives::Fp;
use sable_zk_proofs::circuit::poseidon::{Cell, PoseidonConfig};

/// A signed integer as a field element (`-n` is `p - n`).
pub fn signed(value: i64) -> Fp {
	let magnitude = Fp::from(value.unsigned_abs());
	if value < 0 {
		-magnitude
	} else {
		magnitude
	}
}

/// Every column, gate and chip of a job circuit.
#[derive(Clone, Debug)]
pub struct JobConfig {
	/// `c0..c7`.
	pub advices: [Column<Advice>; 8],
	/// The statement ([`crate::statement::JobStatement`]).
	pub instance: Column<Instance>,
	/// Poseidon for the commitments.
	pub poseidon: PoseidonConfig,
	/// The byte table and its lookups.
	pub bytes: bytes::BytesConfig,
	/// Range checks and packing of committed entries.
	pub entries: entries::EntriesConfig,
	/// Dot products.
	pub dot: dot::DotConfig,
	/// The LoRA rounding rule.
	pub rescale: rescale::RescaleConfig,
	/// ReLU, requantization and clamp.
	pub requantize: requantize::RequantizeConfig,
}

impl JobConfig {
	/// Configures all gadgets.
	pub fn configure(meta: &mut ConstraintSystem<Fp>) -> Self {
		let advices = [(); 8].map(|_| meta.advice_column());
		for column in advices {
			meta.enable_equality(column);
		}
		let instance = meta.instance_column();
		meta.enable_equality(instance);
		let constants = meta.fixed_column();
		meta.enable_constant(constants);

		let poseidon = PoseidonConfig::configure(
			meta,
			[advices[4], advices[5], advices[6], advices[7], advices[0]],
		);
		let bytes = bytes::BytesConfig::configure(meta, [advices[1], advices[2], advices[3]]);
		let entries = entries::EntriesConfig::configure(meta, advices, &bytes);
		let dot = dot::DotConfig::configure(meta, [advices[0], advices[1], advices[2]]);
		let rescale = rescale::RescaleConfig::configure(meta, advices, &bytes);
		let requantize = requantize::RequantizeConfig::configure(meta, advices, &bytes);
		JobConfig { advices, instance, poseidon, bytes, entries, dot, rescale, requantize }
	}

	/// A constant cell (fixed in the circuit).
	pub fn constant(&self, layouter: impl Layouter<Fp>, value: Fp) -> Result<Cell, Error> {
		self.poseidon.constant(layouter, value)
	}

	/// A public input copied into a cell, tying the proof to it through the permutation
	/// argument.
	pub fn public(
		&self,
		mut layouter: impl Layouter<Fp>,
		row: usize,
		name: &'static str,
	) -> Result<Cell, Error> {
		layouter.assign_region(
			|| format!("public {name}"),
			|mut region| {
				region.assign_advice_from_instance(|| name, self.instance, row, self.advices[0], 0)
			},
		)
	}

	/// A private value in a fresh cell.
	pub fn witness(
		&self,
		mut layouter: impl Layouter<Fp>,
		value: Value<Fp>,
		name: &'static str,
	) -> Result<Cell, Error> {
		layouter.assign_region(
			|| format!("witness {name}"),
			|mut region| region.assign_advice(|| name, self.advices[0], 0, || value),
		)
	}
}
