//! Committed entries: each entry is range-checked to its [`Width`] and folded into the packed
//! field elements its commitment hashes (`sable_inference_primitives::packing`).
//!
//! One row per entry: `c0 = e`, bytes `c1..c3`, `c4 = acc`.
//!
//! ```text
//! slot = e + 2^(bits-1) = b0 + 2^8 b1 + 2^16 b2     (bytes beyond the width are 0)
//! acc  = slot                                      first entry of a packed element (q_first)
//! acc  = acc_prev * 2^bits + slot                  following entries (q_next)
//! ```
//!
//! The slot is in `[0, 2^bits)` by its bytes, so `e` is in `[-2^(bits-1), 2^(bits-1))`; the
//! last `acc` of each run of [`Width::per_element`] entries is the packed element.

use halo2_proofs::{
	circuit::{Layouter, Value},
	plonk::{Advice, Column, ConstraintSystem, Constraints, Error, Expression, Selector},
	poly::Rotation,
};
use sable_inference_primitives::packing::Width;
use sable_zk_primitives::Fp;
use sable_zk_proofs::circuit::poseidon::Cell;

use super::{bytes::BytesConfig, signed};

const WIDTHS: [Width; 3] = [Width::I8, Width::I16, Width::I24];

/// The entry gates for each width: `q_first` starts a packed element, `q_next` continues it.
#[derive(Clone, Debug)]
pub struct EntriesConfig {
	q_first: [Selector; 3],
	q_next: [Selector; 3],
	entry: Column<Advice>,
	acc: Column<Advice>,
	bytes: BytesConfig,
}

/// The cells of one loaded vector.
pub struct Loaded {
	/// One cell per entry, in order.
	pub entries: Vec<Cell>,
	/// The packed elements, in order.
	pub packed: Vec<Cell>,
}

fn index(width: Width) -> usize {
	match width {
		Width::I8 => 0,
		Width::I16 => 1,
		Width::I24 => 2,
	}
}

impl EntriesConfig {
	/// Entries in `c0`, running sums in `c4`.
	pub fn configure(
		meta: &mut ConstraintSystem<Fp>,
		advices: [Column<Advice>; 8],
		bytes: &BytesConfig,
	) -> Self {
		let q_first = [(); 3].map(|_| meta.selector());
		let q_next = [(); 3].map(|_| meta.selector());
		let (entry, acc) = (advices[0], advices[4]);
		for width in WIDTHS {
			for continues in [false, true] {
				let selector = if continues { q_next } else { q_first }[index(width)];
				meta.create_gate("entry: range check and packing", |meta| {
					let q = meta.query_selector(selector);
					let e = meta.query_advice(entry, Rotation::cur());
					let acc_cur = meta.query_advice(acc, Rotation::cur());
					let slot = e + Expression::Constant(Fp::from(width.offset() as u64));
					let folded = if continues {
						let radix = Expression::Constant(Fp::from(1u64 << width.bits()));
						meta.query_advice(acc, Rotation::prev()) * radix + slot.clone()
					} else {
						slot.clone()
					};
					let mut constraints = vec![
						("slot = bytes", slot - bytes.recompose(meta, Rotation::cur())),
						("acc = acc_prev * 2^bits + slot", acc_cur - folded),
					];
					// Bytes beyond the width are zero, so the slot is below 2^bits.
					for unused in width.bytes() as usize..3 {
						constraints
							.push(("unused byte = 0", bytes.byte(meta, unused, Rotation::cur())));
					}
					Constraints::with_selector(q, constraints)
				});
			}
		}
		EntriesConfig { q_first, q_next, entry, acc, bytes: bytes.clone() }
	}

	/// Loads `values` (each of `width` in an honest witness) as one vector.
	pub fn load(
		&self,
		mut layouter: impl Layouter<Fp>,
		width: Width,
		values: &[Value<i64>],
	) -> Result<Loaded, Error> {
		let radix = Fp::from(1u64 << width.bits());
		layouter.assign_region(
			|| "entries",
			|mut region| {
				let mut entries = Vec::with_capacity(values.len());
				let mut packed = Vec::with_capacity(width.elements(values.len()));
				let mut acc = Value::known(Fp::zero());
				for (row, value) in values.iter().enumerate() {
					let position = row % width.per_element();
					if position > 0 {
						self.q_next[index(width)].enable(&mut region, row)?;
					} else {
						self.q_first[index(width)].enable(&mut region, row)?;
						acc = Value::known(Fp::zero());
					}
					let slot = value.map(|v| v + width.offset());
					entries.push(region.assign_advice(
						|| "entry",
						self.entry,
						row,
						|| value.map(signed),
					)?);
					// An out-of-range value gets its low bytes here, and the gate fails.
					self.bytes.assign(&mut region, row, slot.map(|s| s as u64))?;
					acc = acc.zip(slot).map(|(acc, slot)| acc * radix + signed(slot));
					let acc_cell = region.assign_advice(|| "acc", self.acc, row, || acc)?;
					if position + 1 == width.per_element() || row + 1 == values.len() {
						packed.push(acc_cell);
					}
				}
				Ok(Loaded { entries, packed })
			},
		)
	}
}
