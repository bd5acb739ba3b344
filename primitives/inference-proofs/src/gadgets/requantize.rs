//! One hidden unit of the quantized model: ReLU, requantization and clamp
//! (`docs/poi-circuits.md`, "Requantization"), `hid = min(floor(relu(a) / divisor), 127)`.
//!
//! Four rows, gate on row 0; `bytes(r)` is `b0 + 2^8 b1 + 2^16 b2` of row `r`:
//!
//! ```text
//! row 0: c0 = a,        c4 = s,  c5 = relu, c6 = q, c7 = rem,   bytes = (2s - 1) * a
//! row 1: c0 = divisor,  c4 = cb, c5 = hid,                      bytes = q
//! row 2:                b0 = rem, b1 = rem + 256 - divisor, b2 = 0
//! row 3:                                                        bytes = u
//! ```
//!
//! - ReLU: `s` is a bit and `(2s - 1) * a` is in `[0, 2^24)`, so `s = 1` exactly when `a > 0`
//!   (either for `a = 0`); `relu = s * a`.
//! - Division: `q * divisor + rem = relu` with `q < 2^24` and `0 <= rem < divisor <= 256`
//!   (two byte lookups), all far below `p`: `q = floor(relu / divisor)`.
//! - Clamp: `cb` is a bit and `u = cb * (q - 127) + (1 - cb) * (126 - q)` is in `[0, 2^24)`,
//!   so `cb = 1` exactly when `q >= 127`; `hid = cb * 127 + (1 - cb) * q`.
//!
//! `|a| < 2^24` holds for every model ([`sable_inference_primitives::mlp`]): `|a| <= 2^15 +
//! inputs * 2^14 < 2^23` with at most 255 inputs. The divisor is checked to be in `[1, 256]`
//! once per model ([`check_divisor`]).
//!
//! [`check_divisor`]: RequantizeConfig::check_divisor

use halo2_proofs::{
	circuit::{Layouter, Value},
	plonk::{Advice, Column, ConstraintSystem, Constraints, Error, Expression, Selector},
	poly::Rotation,
};
use sable_inference_primitives::mlp::{HiddenUnit, HIDDEN_MAX};
use sable_zk_primitives::Fp;
use sable_zk_proofs::circuit::poseidon::Cell;

use super::{bytes::BytesConfig, signed};

/// The hidden-unit gate and the divisor check.
#[derive(Clone, Debug)]
pub struct RequantizeConfig {
	q_requantize: Selector,
	q_divisor: Selector,
	advices: [Column<Advice>; 8],
	bytes: BytesConfig,
}

fn constant(value: u64) -> Expression<Fp> {
	Expression::Constant(Fp::from(value))
}

impl RequantizeConfig {
	/// Configures both gates over `c0`, `c4..c7` and the byte columns.
	pub fn configure(
		meta: &mut ConstraintSystem<Fp>,
		advices: [Column<Advice>; 8],
		bytes: &BytesConfig,
	) -> Self {
		let q_requantize = meta.selector();
		let q_divisor = meta.selector();
		let one = || constant(1);
		let max = HIDDEN_MAX as u64;

		meta.create_gate("hidden unit: relu, floor division, clamp", |meta| {
			let q = meta.query_selector(q_requantize);
			let cur = Rotation::cur();
			let a = meta.query_advice(advices[0], cur);
			let s = meta.query_advice(advices[4], cur);
			let relu = meta.query_advice(advices[5], cur);
			let quotient = meta.query_advice(advices[6], cur);
			let rem = meta.query_advice(advices[7], cur);
			let divisor = meta.query_advice(advices[0], Rotation::next());
			let cb = meta.query_advice(advices[4], Rotation::next());
			let hid = meta.query_advice(advices[5], Rotation::next());
			let signed_a = bytes.recompose(meta, cur);
			let quotient_bytes = bytes.recompose(meta, Rotation::next());
			let rem_byte = bytes.byte(meta, 0, Rotation(2));
			let rem_gap_byte = bytes.byte(meta, 1, Rotation(2));
			let row2_b2 = bytes.byte(meta, 2, Rotation(2));
			let clamp_gap = bytes.recompose(meta, Rotation(3));
			Constraints::with_selector(
				q,
				[
					("s is a bit", s.clone() * (one() - s.clone())),
					(
						"(2s - 1) * a in [0, 2^24)",
						signed_a - (s.clone() * constant(2) - one()) * a.clone(),
					),
					("relu = s * a", relu.clone() - s * a),
					("q in [0, 2^24)", quotient_bytes - quotient.clone()),
					(
						"q * divisor + rem = relu",
						quotient.clone() * divisor.clone() + rem.clone() - relu,
					),
					("rem in [0, 256)", rem_byte - rem.clone()),
					("rem < divisor", rem_gap_byte - (rem + constant(256) - divisor)),
					("row 2: b2 = 0", row2_b2),
					("cb is a bit", cb.clone() * (one() - cb.clone())),
					(
						"cb = 1 iff q >= 127",
						clamp_gap
							- (cb.clone() * (quotient.clone() - constant(max))
								+ (one() - cb.clone()) * (constant(max - 1) - quotient.clone())),
					),
					(
						"hid = min(q, 127)",
						hid - (cb.clone() * constant(max) + (one() - cb) * quotient),
					),
				],
			)
		});

		meta.create_gate("divisor in [1, 256]", |meta| {
			let q = meta.query_selector(q_divisor);
			let divisor = meta.query_advice(advices[0], Rotation::cur());
			Constraints::with_selector(
				q,
				[
					("b0 = divisor - 1", bytes.byte(meta, 0, Rotation::cur()) - (divisor - one())),
					("b1 = 0", bytes.byte(meta, 1, Rotation::cur())),
					("b2 = 0", bytes.byte(meta, 2, Rotation::cur())),
				],
			)
		});
		RequantizeConfig { q_requantize, q_divisor, advices, bytes: bytes.clone() }
	}

	/// Enforces `1 <= divisor <= 256`.
	pub fn check_divisor(
		&self,
		mut layouter: impl Layouter<Fp>,
		divisor: &Cell,
		value: Value<u64>,
	) -> Result<(), Error> {
		layouter.assign_region(
			|| "divisor in [1, 256]",
			|mut region| {
				self.q_divisor.enable(&mut region, 0)?;
				divisor.copy_advice(|| "divisor", &mut region, self.advices[0], 0)?;
				self.bytes.assign(&mut region, 0, value.map(|d| d.wrapping_sub(1)))
			},
		)
	}

	/// The activation `hid` of the unit whose pre-activation is `a` (`divisor_value` is the
	/// divisor cell's value, as an integer).
	pub fn hidden_unit(
		&self,
		mut layouter: impl Layouter<Fp>,
		a: &Cell,
		divisor: &Cell,
		divisor_value: Value<u64>,
		unit: Value<HiddenUnit>,
	) -> Result<Cell, Error> {
		let max = HIDDEN_MAX;
		layouter.assign_region(
			|| "hidden unit",
			|mut region| {
				self.q_requantize.enable(&mut region, 0)?;
				let [c0, _, _, _, c4, c5, c6, c7] = self.advices;
				let positive = unit.map(|u| u.pre_activation > 0);
				let clamped = unit.map(|u| u.quotient >= max);
				let fp = |v: Value<i64>| v.map(signed);

				// Row 0.
				a.copy_advice(|| "a", &mut region, c0, 0)?;
				region.assign_advice(|| "s", c4, 0, || positive.map(Fp::from))?;
				let relu = unit.map(|u| u.pre_activation.max(0));
				region.assign_advice(|| "relu", c5, 0, || fp(relu))?;
				region.assign_advice(|| "q", c6, 0, || fp(unit.map(|u| u.quotient)))?;
				region.assign_advice(|| "rem", c7, 0, || fp(unit.map(|u| u.remainder)))?;
				let abs_a = unit.map(|u| u.pre_activation.unsigned_abs());
				self.bytes.assign(&mut region, 0, abs_a)?;

				// Row 1.
				divisor.copy_advice(|| "divisor", &mut region, c0, 1)?;
				region.assign_advice(|| "cb", c4, 1, || clamped.map(Fp::from))?;
				let hid =
					region.assign_advice(|| "hid", c5, 1, || fp(unit.map(|u| u.activation)))?;
				self.bytes.assign(&mut region, 1, unit.map(|u| u.quotient as u64))?;

				// Row 2: the remainder's two byte checks.
				let rem_bytes = unit.zip(divisor_value).map(|(u, d)| {
					let rem = u.remainder as u64;
					let gap = (rem + 256).wrapping_sub(d);
					rem | ((gap & 0xff) << 8)
				});
				self.bytes.assign(&mut region, 2, rem_bytes)?;

				// Row 3: the clamp's gap.
				let gap = unit.map(|u| {
					if u.quotient >= max {
						(u.quotient - max) as u64
					} else {
						(max - 1 - u.quotient) as u64
					}
				});
				self.bytes.assign(&mut region, 3, gap)?;
				Ok(hid)
			},
		)
	}
}
