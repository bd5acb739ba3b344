//! Dot products: `acc_n = init + sum_i x_i * y_i`, one row per term.
//!
//! Row 0 holds a copy of `init` in the accumulator column; row `i + 1` holds copies of `x_i`
//! and `y_i` and enforces `acc = acc_prev + x * y` (`q_mac`). The terms are small integers
//! (range-checked where they were loaded), so the sum is exact over the integers.

use halo2_proofs::{
	circuit::Layouter,
	plonk::{Advice, Column, ConstraintSystem, Constraints, Error, Selector},
	poly::Rotation,
};
use sable_zk_primitives::Fp;
use sable_zk_proofs::circuit::poseidon::Cell;

/// The multiply-accumulate gate.
#[derive(Clone, Debug)]
pub struct DotConfig {
	q_mac: Selector,
	columns: [Column<Advice>; 3],
}

impl DotConfig {
	/// `x`, `y` and the accumulator in `columns`.
	pub fn configure(meta: &mut ConstraintSystem<Fp>, columns: [Column<Advice>; 3]) -> Self {
		let q_mac = meta.selector();
		meta.create_gate("dot: acc = acc_prev + x * y", |meta| {
			let q = meta.query_selector(q_mac);
			let x = meta.query_advice(columns[0], Rotation::cur());
			let y = meta.query_advice(columns[1], Rotation::cur());
			let acc = meta.query_advice(columns[2], Rotation::cur());
			let acc_prev = meta.query_advice(columns[2], Rotation::prev());
			Constraints::with_selector(q, [("acc = acc_prev + x * y", acc - acc_prev - x * y)])
		});
		DotConfig { q_mac, columns }
	}

	/// `init + sum_i xs[i] * ys[i]`.
	pub fn dot(
		&self,
		mut layouter: impl Layouter<Fp>,
		init: &Cell,
		xs: &[&Cell],
		ys: &[&Cell],
	) -> Result<Cell, Error> {
		if xs.len() != ys.len() {
			return Err(Error::Synthesis);
		}
		let [x_column, y_column, acc_column] = self.columns;
		layouter.assign_region(
			|| "dot",
			|mut region| {
				let mut acc = init.copy_advice(|| "init", &mut region, acc_column, 0)?;
				for (i, (x, y)) in xs.iter().zip(ys).enumerate() {
					let row = i + 1;
					self.q_mac.enable(&mut region, row)?;
					let x = x.copy_advice(|| "x", &mut region, x_column, row)?;
					let y = y.copy_advice(|| "y", &mut region, y_column, row)?;
					let sum = acc.value().copied() + x.value().copied() * y.value().copied();
					acc = region.assign_advice(|| "acc", acc_column, row, || sum)?;
				}
				Ok(acc)
			},
		)
	}
}
