//! Dot products, three terms a row (`docs/poi-circuits.md`, "Dot products"):
//! `acc = init + sum_i x_i * y_i`.
//!
//! Row `r` holds terms `3r`, `3r + 1`, `3r + 2` in `c0..c5` as `(x, y)` pairs and the running
//! sum in `c6`; the first row also holds `init` in `c7`:
//!
//! ```text
//! q_first:  acc = init     + x_1 y_1 + x_2 y_2 + x_3 y_3
//! q_next:   acc = acc_prev + x_1 y_1 + x_2 y_2 + x_3 y_3
//! ```
//!
//! Every `x`, `y` and `init` is a copy of the cell that holds it (range-checked where it was
//! loaded); a last row with fewer than three terms copies the constant 0 into the unused `x`
//! cells, so the unused products are 0 whatever the `y` cells hold. The terms are small
//! integers, so the sum is exact over the integers.

use halo2_proofs::{
	circuit::{Layouter, Value},
	plonk::{Advice, Column, ConstraintSystem, Constraints, Error, Expression, Selector},
	poly::Rotation,
};
use sable_zk_primitives::Fp;
use sable_zk_proofs::circuit::poseidon::Cell;

/// Terms per row.
pub const TERMS_PER_ROW: usize = 3;

/// The two multiply-accumulate gates.
#[derive(Clone, Debug)]
pub struct MacConfig {
	q_first: Selector,
	q_next: Selector,
	pairs: [(Column<Advice>, Column<Advice>); TERMS_PER_ROW],
	acc: Column<Advice>,
	init: Column<Advice>,
}

impl MacConfig {
	/// `(x, y)` pairs in `c0..c5`, the running sum in `c6`, `init` in `c7`.
	pub fn configure(meta: &mut ConstraintSystem<Fp>, advices: [Column<Advice>; 8]) -> Self {
		let q_first = meta.selector();
		let q_next = meta.selector();
		let pairs = [(advices[0], advices[1]), (advices[2], advices[3]), (advices[4], advices[5])];
		let (acc, init) = (advices[6], advices[7]);
		for (selector, first, name) in [
			(q_first, true, "dot: acc = init + x1 y1 + x2 y2 + x3 y3"),
			(q_next, false, "dot: acc = acc_prev + x1 y1 + x2 y2 + x3 y3"),
		] {
			meta.create_gate(name, |meta| {
				let q = meta.query_selector(selector);
				let start = if first {
					meta.query_advice(init, Rotation::cur())
				} else {
					meta.query_advice(acc, Rotation::prev())
				};
				let products = pairs
					.iter()
					.map(|&(x, y)| {
						meta.query_advice(x, Rotation::cur())
							* meta.query_advice(y, Rotation::cur())
					})
					.fold(Expression::Constant(Fp::zero()), |sum, product| sum + product);
				let acc = meta.query_advice(acc, Rotation::cur());
				Constraints::with_selector(q, [(name, acc - start - products)])
			});
		}
		MacConfig { q_first, q_next, pairs, acc, init }
	}

	/// `init + sum_i xs[i] * ys[i]`; `zero` is a cell fixed to 0.
	pub fn dot(
		&self,
		mut layouter: impl Layouter<Fp>,
		init: &Cell,
		xs: &[&Cell],
		ys: &[&Cell],
		zero: &Cell,
	) -> Result<Cell, Error> {
		if xs.len() != ys.len() || xs.is_empty() {
			return Err(Error::Synthesis);
		}
		layouter.assign_region(
			|| "dot",
			|mut region| {
				let mut acc = init.value().copied();
				let mut last = None;
				for (row, (x_row, y_row)) in
					xs.chunks(TERMS_PER_ROW).zip(ys.chunks(TERMS_PER_ROW)).enumerate()
				{
					if row == 0 {
						self.q_first.enable(&mut region, row)?;
						init.copy_advice(|| "init", &mut region, self.init, row)?;
					} else {
						self.q_next.enable(&mut region, row)?;
					}
					for (term, &(x_column, y_column)) in self.pairs.iter().enumerate() {
						match (x_row.get(term), y_row.get(term)) {
							(Some(x), Some(y)) => {
								let x = x.copy_advice(|| "x", &mut region, x_column, row)?;
								let y = y.copy_advice(|| "y", &mut region, y_column, row)?;
								acc = acc + x.value().copied() * y.value().copied();
							},
							_ => {
								zero.copy_advice(|| "x = 0", &mut region, x_column, row)?;
								region.assign_advice(
									|| "y (unused)",
									y_column,
									row,
									|| Value::known(Fp::zero()),
								)?;
							},
						}
					}
					last = Some(region.assign_advice(|| "acc", self.acc, row, || acc)?);
				}
				last.ok_or(Error::Synthesis)
			},
		)
	}
}
