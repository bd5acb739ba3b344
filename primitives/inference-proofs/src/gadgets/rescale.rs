//! The LoRA step's rounding rule for one entry (`docs/poi.md`, "LoRA step proof").
//!
//! One row: `c0 = p` (the entry of `B x A`), `c4 = alpha`, `c5 = W_base`, `c6 = W_eff`, and the
//! remainder's two bytes in `c1, c2` (`c3 = 0`):
//!
//! ```text
//! alpha * p = (W_eff - W_base) * 2^16 + rem,    0 <= rem < 2^16
//! ```
//!
//! so `W_eff - W_base = floor(alpha * p / 2^16)`. Both sides are integers far below `p / 2`
//! (`|alpha * p| < 2^47`, and `W_eff`, `W_base` are range-checked int16), so the equation holds
//! over the integers and the quotient is unique.

use halo2_proofs::{
	circuit::{Layouter, Value},
	plonk::{Advice, Column, ConstraintSystem, Constraints, Error, Expression, Selector},
	poly::Rotation,
};
use sable_zk_primitives::Fp;
use sable_zk_proofs::circuit::poseidon::Cell;

use super::bytes::BytesConfig;

/// `2^16`, the rounding rule's divisor.
const SCALE: u64 = 1 << 16;

/// The rounding gate.
#[derive(Clone, Debug)]
pub struct RescaleConfig {
	q_rescale: Selector,
	advices: [Column<Advice>; 8],
	bytes: BytesConfig,
}

impl RescaleConfig {
	/// Configures the gate over `c0..c6`.
	pub fn configure(
		meta: &mut ConstraintSystem<Fp>,
		advices: [Column<Advice>; 8],
		bytes: &BytesConfig,
	) -> Self {
		let q_rescale = meta.selector();
		meta.create_gate("lora: alpha * p = (w_eff - w_base) * 2^16 + rem", |meta| {
			let q = meta.query_selector(q_rescale);
			let p = meta.query_advice(advices[0], Rotation::cur());
			let alpha = meta.query_advice(advices[4], Rotation::cur());
			let w_base = meta.query_advice(advices[5], Rotation::cur());
			let w_eff = meta.query_advice(advices[6], Rotation::cur());
			// rem = b0 + 2^8 b1, and b2 = 0: rem < 2^16.
			let rem = bytes.recompose(meta, Rotation::cur());
			let b2 = bytes.byte(meta, 2, Rotation::cur());
			Constraints::with_selector(
				q,
				[
					(
						"alpha * p = (w_eff - w_base) * 2^16 + rem",
						alpha * p - (w_eff - w_base) * Expression::Constant(Fp::from(SCALE)) - rem,
					),
					("rem < 2^16", b2),
				],
			)
		});
		RescaleConfig { q_rescale, advices, bytes: bytes.clone() }
	}

	/// Enforces the rule for one entry; `remainder` is the witness `t - delta * 2^16`.
	pub fn enforce(
		&self,
		mut layouter: impl Layouter<Fp>,
		[p, alpha, w_base, w_eff]: [&Cell; 4],
		remainder: Value<u64>,
	) -> Result<(), Error> {
		layouter.assign_region(
			|| "lora rounding",
			|mut region| {
				self.q_rescale.enable(&mut region, 0)?;
				p.copy_advice(|| "p", &mut region, self.advices[0], 0)?;
				alpha.copy_advice(|| "alpha", &mut region, self.advices[4], 0)?;
				w_base.copy_advice(|| "w_base", &mut region, self.advices[5], 0)?;
				w_eff.copy_advice(|| "w_eff", &mut region, self.advices[6], 0)?;
				self.bytes.assign(&mut region, 0, remainder)
			},
		)
	}
}
