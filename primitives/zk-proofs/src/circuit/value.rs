//! Value constraints (`docs/zk.md`, statement items 1, 5 and 6): 64-bit range checks by
//! lookup, the balance equation, and "a note with value is under the anchor".

use halo2_gadgets::utilities::lookup_range_check::{LookupRangeCheck, LookupRangeCheckConfig};
use halo2_proofs::{
	circuit::{Layouter, Value},
	plonk::{Advice, Column, ConstraintSystem, Constraints, Error, Selector, TableColumn},
	poly::Rotation,
};
use sable_zk_primitives::Fp;

use super::poseidon::Cell;

/// Bits per lookup word; the table holds `0 .. 2^WORD_BITS`.
pub const WORD_BITS: usize = 8;
/// Words of a 64-bit value.
pub const WORDS_PER_VALUE: usize = 64 / WORD_BITS;

/// Gates and lookup table for values.
#[derive(Clone, Debug)]
pub struct ValueConfig {
	range_check: LookupRangeCheckConfig<Fp, WORD_BITS>,
	table: TableColumn,
	q_balance: Selector,
	q_anchor: Selector,
	advices: [Column<Advice>; 5],
}

impl ValueConfig {
	/// Configures the gates over `advices` (all equality-enabled).
	pub fn configure(meta: &mut ConstraintSystem<Fp>, advices: [Column<Advice>; 5]) -> Self {
		let table = meta.lookup_table_column();
		let range_check = LookupRangeCheckConfig::configure(meta, advices[4], table);
		let q_balance = meta.selector();
		let q_anchor = meta.selector();

		// docs/zk.md item 6: in_0 + in_1 + value_in = out_0 + out_1 + value_out + fee.
		// Row 0: in_0, in_1, value_in, out_0, out_1.   Row 1: value_out, fee.
		// Every term is range-checked to 64 bits, so both sides are below 2^67 << p and the
		// equation holds over the integers, not just modulo p.
		meta.create_gate("value balance", |meta| {
			let q = meta.query_selector(q_balance);
			let [in_0, in_1, value_in, out_0, out_1] =
				advices.map(|column| meta.query_advice(column, Rotation::cur()));
			let value_out = meta.query_advice(advices[0], Rotation::next());
			let fee = meta.query_advice(advices[1], Rotation::next());
			Constraints::with_selector(
				q,
				[(
					"in_0 + in_1 + value_in = out_0 + out_1 + value_out + fee",
					in_0 + in_1 + value_in - out_0 - out_1 - value_out - fee,
				)],
			)
		});

		// docs/zk.md item 1: a note with a value must be in the tree; a zero-value (dummy)
		// input may have any path.
		meta.create_gate("value = 0 or root = anchor", |meta| {
			let q = meta.query_selector(q_anchor);
			let value = meta.query_advice(advices[0], Rotation::cur());
			let root = meta.query_advice(advices[1], Rotation::cur());
			let anchor = meta.query_advice(advices[2], Rotation::cur());
			Constraints::with_selector(
				q,
				[("value * (root - anchor) = 0", value * (root - anchor))],
			)
		});

		ValueConfig { range_check, table, q_balance, q_anchor, advices }
	}

	/// Fills the lookup table with `0 .. 2^WORD_BITS`.
	pub fn load_table(&self, layouter: &mut impl Layouter<Fp>) -> Result<(), Error> {
		layouter.assign_table(
			|| "words table",
			|mut table| {
				for word in 0..(1usize << WORD_BITS) {
					table.assign_cell(
						|| "word",
						self.table,
						word,
						|| Value::known(Fp::from(word as u64)),
					)?;
				}
				Ok(())
			},
		)
	}

	/// docs/zk.md item 5: `value < 2^64`, as 8 lookup-checked bytes whose running sum ends at 0.
	pub fn range_check_u64(&self, layouter: impl Layouter<Fp>, value: Cell) -> Result<(), Error> {
		self.range_check.copy_check(layouter, value, WORDS_PER_VALUE, true)?;
		Ok(())
	}

	/// Enforces the balance equation over copies of the seven value cells.
	#[allow(clippy::too_many_arguments)]
	pub fn balance(
		&self,
		mut layouter: impl Layouter<Fp>,
		inputs: [&Cell; 2],
		value_in: &Cell,
		outputs: [&Cell; 2],
		value_out: &Cell,
		fee: &Cell,
	) -> Result<(), Error> {
		layouter.assign_region(
			|| "value balance",
			|mut region| {
				self.q_balance.enable(&mut region, 0)?;
				let a = &self.advices;
				inputs[0].copy_advice(|| "in_0", &mut region, a[0], 0)?;
				inputs[1].copy_advice(|| "in_1", &mut region, a[1], 0)?;
				value_in.copy_advice(|| "value_in", &mut region, a[2], 0)?;
				outputs[0].copy_advice(|| "out_0", &mut region, a[3], 0)?;
				outputs[1].copy_advice(|| "out_1", &mut region, a[4], 0)?;
				value_out.copy_advice(|| "value_out", &mut region, a[0], 1)?;
				fee.copy_advice(|| "fee", &mut region, a[1], 1)?;
				Ok(())
			},
		)
	}

	/// Enforces `value = 0 or root = anchor` over copies of the three cells.
	pub fn value_zero_or_root_is_anchor(
		&self,
		mut layouter: impl Layouter<Fp>,
		value: &Cell,
		root: &Cell,
		anchor: &Cell,
	) -> Result<(), Error> {
		layouter.assign_region(
			|| "value = 0 or root = anchor",
			|mut region| {
				self.q_anchor.enable(&mut region, 0)?;
				value.copy_advice(|| "value", &mut region, self.advices[0], 0)?;
				root.copy_advice(|| "root", &mut region, self.advices[1], 0)?;
				anchor.copy_advice(|| "anchor", &mut region, self.advices[2], 0)?;
				Ok(())
			},
		)
	}
}
