//! Field addition, one row: `sum = a + b` (`q_add`). The delivery uses it for
//! `ct_j = p_j + s_j` (`docs/poi-circuits.md`, "Delivery").

use halo2_proofs::{
	circuit::Layouter,
	plonk::{Advice, Column, ConstraintSystem, Constraints, Error, Selector},
	poly::Rotation,
};
use sable_zk_primitives::Fp;
use sable_zk_proofs::circuit::poseidon::Cell;

/// The addition gate over three columns.
#[derive(Clone, Debug)]
pub struct AddConfig {
	q_add: Selector,
	columns: [Column<Advice>; 3],
}

impl AddConfig {
	/// `a`, `b` and `sum` in `columns`.
	pub fn configure(meta: &mut ConstraintSystem<Fp>, columns: [Column<Advice>; 3]) -> Self {
		let q_add = meta.selector();
		meta.create_gate("sum = a + b", |meta| {
			let q = meta.query_selector(q_add);
			let [a, b, sum] = columns.map(|column| meta.query_advice(column, Rotation::cur()));
			Constraints::with_selector(q, [("sum = a + b", sum - a - b)])
		});
		AddConfig { q_add, columns }
	}

	/// `a + b`.
	pub fn add(&self, mut layouter: impl Layouter<Fp>, a: &Cell, b: &Cell) -> Result<Cell, Error> {
		layouter.assign_region(
			|| "sum = a + b",
			|mut region| {
				self.q_add.enable(&mut region, 0)?;
				let a = a.copy_advice(|| "a", &mut region, self.columns[0], 0)?;
				let b = b.copy_advice(|| "b", &mut region, self.columns[1], 0)?;
				let sum = a.value().copied() + b.value().copied();
				region.assign_advice(|| "sum", self.columns[2], 0, || sum)
			},
		)
	}
}
