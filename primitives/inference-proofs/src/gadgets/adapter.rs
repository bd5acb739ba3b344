//! One entry of a LoRA-adapted first layer (`docs/poi-circuits.md`, "Adapted inference"):
//! `W1_eff = W1 + floor(alpha * sum_k B[i][k] A[k][j] / 2^16)`, rank 4.
//!
//! Two rows, gate on row 0:
//!
//! ```text
//! row 0: c0..c7 = B[i][0], A[0][j], B[i][1], A[1][j], B[i][2], A[2][j], B[i][3], A[3][j]
//! row 1: c0 = alpha, bytes c1, c2 = rem (c3 = 0), c4 = W1[i][j], c5 = W1_eff[i][j]
//!
//! alpha * (B[i][0] A[0][j] + ... + B[i][3] A[3][j]) = (W1_eff - W1) * 2^16 + rem
//! ```
//!
//! with `0 <= rem < 2^16` by its two byte lookups. Every entry is a copy of a range-checked
//! cell (int8 `A`, `B`, `W1`, `W1_eff`, int16 `alpha`), so `|alpha * p| <= 2^15 * 4 * 2^14 =
//! 2^31` and `|(W1_eff - W1) * 2^16| < 2^24`: both sides are integers far below `p / 2`, the
//! equation holds over the integers and `W1_eff - W1` is the floor of `alpha * p / 2^16`.

use halo2_proofs::{
	circuit::{Layouter, Value},
	plonk::{Advice, Column, ConstraintSystem, Constraints, Error, Expression, Selector},
	poly::Rotation,
};
use sable_inference_primitives::adapted::SHIFT;
use sable_zk_primitives::Fp;
use sable_zk_proofs::circuit::poseidon::Cell;

use super::bytes::BytesConfig;

/// The adapter's rank.
pub const RANK: usize = 4;

/// The adapter gate.
#[derive(Clone, Debug)]
pub struct AdapterConfig {
	q_adapter: Selector,
	advices: [Column<Advice>; 8],
	bytes: BytesConfig,
}

impl AdapterConfig {
	/// Configures the gate over `c0..c7` and the byte columns.
	pub fn configure(
		meta: &mut ConstraintSystem<Fp>,
		advices: [Column<Advice>; 8],
		bytes: &BytesConfig,
	) -> Self {
		let q_adapter = meta.selector();
		meta.create_gate("adapter: alpha * (B A)[i][j] = (w1_eff - w1) * 2^16 + rem", |meta| {
			let q = meta.query_selector(q_adapter);
			let cur = Rotation::cur();
			let p = (0..RANK).fold(Expression::Constant(Fp::zero()), |sum, k| {
				sum + meta.query_advice(advices[2 * k], cur)
					* meta.query_advice(advices[2 * k + 1], cur)
			});
			let alpha = meta.query_advice(advices[0], Rotation::next());
			let w1 = meta.query_advice(advices[4], Rotation::next());
			let w1_eff = meta.query_advice(advices[5], Rotation::next());
			// rem = b0 + 2^8 b1 of row 1, and b2 = 0: rem < 2^16.
			let rem = bytes.recompose(meta, Rotation::next());
			let b2 = bytes.byte(meta, 2, Rotation::next());
			let scale = Expression::Constant(Fp::from(1u64 << SHIFT));
			Constraints::with_selector(
				q,
				[
					(
						"alpha * p = (w1_eff - w1) * 2^16 + rem",
						alpha * p - (w1_eff - w1) * scale - rem,
					),
					("rem < 2^16", b2),
				],
			)
		});
		AdapterConfig { q_adapter, advices, bytes: bytes.clone() }
	}

	/// Enforces the rule for one entry: `b` is row `i` of `B`, `a` column `j` of `A`;
	/// `remainder` is the witness `t - floor(t / 2^16) * 2^16`.
	pub fn enforce(
		&self,
		mut layouter: impl Layouter<Fp>,
		b: [&Cell; RANK],
		a: [&Cell; RANK],
		[alpha, w1, w1_eff]: [&Cell; 3],
		remainder: Value<u64>,
	) -> Result<(), Error> {
		layouter.assign_region(
			|| "adapted entry",
			|mut region| {
				self.q_adapter.enable(&mut region, 0)?;
				for k in 0..RANK {
					b[k].copy_advice(|| "B[i][k]", &mut region, self.advices[2 * k], 0)?;
					a[k].copy_advice(|| "A[k][j]", &mut region, self.advices[2 * k + 1], 0)?;
				}
				alpha.copy_advice(|| "alpha", &mut region, self.advices[0], 1)?;
				w1.copy_advice(|| "w1", &mut region, self.advices[4], 1)?;
				w1_eff.copy_advice(|| "w1_eff", &mut region, self.advices[5], 1)?;
				self.bytes.assign(&mut region, 1, remainder)
			},
		)
	}
}
