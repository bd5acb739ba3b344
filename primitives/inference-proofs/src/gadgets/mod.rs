//! Gadgets of the inference circuits (`docs/poi-circuits.md`, "Layout").
//!
//! Two groups of columns. The arithmetic columns `c0..c7` hold the model's entries, dot
//! products and hidden units, the additions of the delivery ([`add`]) and the public and
//! private values the hashes take; `c1..c3` double as byte columns, looked up in a 256-entry
//! table on rows where `q_bytes` is on ([`bytes`]). The lane `l0..l3` holds only the Poseidon
//! chip ([`poseidon`]: state `l0..l2`, partial S-box `l3`). No region uses columns of both
//! groups, so halo2's V1 floor planner lays the hashes beside the arithmetic, in the same
//! rows: a circuit needs as many rows as the longer of the two.

pub mod adapter;
pub mod add;
pub mod bytes;
pub mod entries;
pub mod mac;
pub mod poseidon;
pub mod requantize;

use halo2_proofs::{
	circuit::{Layouter, Value},
	plonk::{Advice, Column, ConstraintSystem, Error, Instance},
};
use sable_zk_primitives::Fp;
use sable_zk_proofs::circuit::poseidon::Cell;

/// A signed integer as a field element (`-n` is `p - n`).
pub fn signed(value: i64) -> Fp {
	let magnitude = Fp::from(value.unsigned_abs());
	if value < 0 {
		-magnitude
	} else {
		magnitude
	}
}

/// Every column, gate and chip of an inference circuit.
#[derive(Clone, Debug)]
pub struct InferenceConfig {
	/// `c0..c7`.
	pub advices: [Column<Advice>; 8],
	/// `l0..l3`.
	pub lane: [Column<Advice>; 4],
	/// The statement ([`sable_inference_primitives::statement::JobStatement`]).
	pub instance: Column<Instance>,
	/// The byte table and its lookups.
	pub bytes: bytes::BytesConfig,
	/// Range checks and packing of committed entries.
	pub entries: entries::EntriesConfig,
	/// Dot products.
	pub mac: mac::MacConfig,
	/// ReLU, requantization and clamp.
	pub requantize: requantize::RequantizeConfig,
	/// Poseidon, for the commitments and the keystream.
	pub hash: poseidon::HashConfig,
	/// Additions, for the ciphertext.
	pub add: add::AddConfig,
}

impl InferenceConfig {
	/// Configures all gadgets.
	pub fn configure(meta: &mut ConstraintSystem<Fp>) -> Self {
		let advices = [(); 8].map(|_| meta.advice_column());
		for column in advices {
			meta.enable_equality(column);
		}
		let lane = [(); 4].map(|_| meta.advice_column());
		let instance = meta.instance_column();
		meta.enable_equality(instance);
		let constants = meta.fixed_column();
		meta.enable_constant(constants);

		let bytes = bytes::BytesConfig::configure(meta, [advices[1], advices[2], advices[3]]);
		let entries = entries::EntriesConfig::configure(meta, advices, &bytes);
		let mac = mac::MacConfig::configure(meta, advices);
		let requantize = requantize::RequantizeConfig::configure(meta, advices, &bytes);
		// The chip enables equality on its state columns l0..l2.
		let hash = poseidon::HashConfig::configure(meta, [lane[0], lane[1], lane[2]], lane[3]);
		let add = add::AddConfig::configure(meta, [advices[0], advices[1], advices[2]]);
		InferenceConfig { advices, lane, instance, bytes, entries, mac, requantize, hash, add }
	}

	/// A constant cell (fixed in the circuit).
	pub fn constant(&self, mut layouter: impl Layouter<Fp>, value: Fp) -> Result<Cell, Error> {
		layouter.assign_region(
			|| "constant",
			|mut region| {
				region.assign_advice_from_constant(|| "constant", self.advices[0], 0, value)
			},
		)
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
