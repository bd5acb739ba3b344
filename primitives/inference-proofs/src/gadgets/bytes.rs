//! Byte lookups: on rows where `q_bytes` is on, each of the three byte columns holds a value
//! in `[0, 256)`. Gates then recompose wider values from bytes, which range-checks them.

use halo2_proofs::{
	circuit::{Layouter, Value},
	plonk::{Advice, Column, ConstraintSystem, Error, Expression, Selector, TableColumn},
	poly::Rotation,
};
use sable_zk_primitives::Fp;

/// The byte table, the three byte columns and the selector of their lookups.
#[derive(Clone, Debug)]
pub struct BytesConfig {
	/// Turns the lookups on for a row.
	pub q_bytes: Selector,
	/// The three byte columns (`c1..c3`).
	pub columns: [Column<Advice>; 3],
	table: TableColumn,
}

impl BytesConfig {
	/// Three lookups `q_bytes * c_i in [0, 256)`; a row without `q_bytes` looks up 0.
	pub fn configure(meta: &mut ConstraintSystem<Fp>, columns: [Column<Advice>; 3]) -> Self {
		let q_bytes = meta.complex_selector();
		let table = meta.lookup_table_column();
		for column in columns {
			meta.lookup(|meta| {
				let q = meta.query_selector(q_bytes);
				vec![(q * meta.query_advice(column, Rotation::cur()), table)]
			});
		}
		BytesConfig { q_bytes, columns, table }
	}

	/// Fills the table with `0 .. 256`.
	pub fn load_table(&self, layouter: &mut impl Layouter<Fp>) -> Result<(), Error> {
		layouter.assign_table(
			|| "bytes",
			|mut table| {
				for byte in 0..256u64 {
					table.assign_cell(
						|| "byte",
						self.table,
						byte as usize,
						|| Value::known(Fp::from(byte)),
					)?;
				}
				Ok(())
			},
		)
	}

	/// `b0 + 2^8 b1 + 2^16 b2` of the bytes at `rotation`.
	pub fn recompose(
		&self,
		meta: &mut halo2_proofs::plonk::VirtualCells<'_, Fp>,
		rotation: Rotation,
	) -> Expression<Fp> {
		let [b0, b1, b2] = self.columns.map(|column| meta.query_advice(column, rotation));
		b0 + b1 * Fp::from(1 << 8) + b2 * Fp::from(1 << 16)
	}

	/// Query of byte column `i` at `rotation`.
	pub fn byte(
		&self,
		meta: &mut halo2_proofs::plonk::VirtualCells<'_, Fp>,
		i: usize,
		rotation: Rotation,
	) -> Expression<Fp> {
		meta.query_advice(self.columns[i], rotation)
	}

	/// Assigns the bytes of `value` (below `2^24`) at `offset` and turns the lookups on.
	pub fn assign(
		&self,
		region: &mut halo2_proofs::circuit::Region<'_, Fp>,
		offset: usize,
		value: Value<u64>,
	) -> Result<(), Error> {
		self.q_bytes.enable(region, offset)?;
		for (i, column) in self.columns.iter().enumerate() {
			let byte = value.map(|v| Fp::from((v >> (8 * i)) & 0xff));
			region.assign_advice(|| "byte", *column, offset, || byte)?;
		}
		Ok(())
	}
}
