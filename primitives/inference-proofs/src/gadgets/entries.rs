//! Committed entries (`docs/poi-circuits.md`, "Entries"): each entry is range-checked to its
//! [`Width`] and folded into the packed field elements its commitment hashes
//! (`sable_inference_primitives::packing`).
//!
//! A single row holds one entry: `c0 = e`, bytes `c1..c3`, `c4 = acc`:
//!
//! ```text
//! slot = e + 2^(bits-1) = b0 + 2^8 b1 + 2^16 b2     (bytes beyond the width are 0)
//! acc  = slot                                      first entry of a packed element (q_first)
//! acc  = acc_prev * 2^bits + slot                  following entries (q_next)
//! ```
//!
//! An int8 slot is one byte, so a triple row holds three int8 entries, `c0`, `c5`, `c6`, with
//! their slots as the three bytes `c1..c3` and `acc` in `c4`:
//!
//! ```text
//! b_i  = e_i + 2^7                                 for the three entries
//! acc  = b0 2^16 + b1 2^8 + b2                     first entries of an element (q_triple_first)
//! acc  = acc_prev 2^24 + b0 2^16 + b1 2^8 + b2     following entries (q_triple_next)
//! ```
//!
//! which is the same running sum, three slots at a time. An element of 31 int8 entries takes
//! ten triple rows and one single row. Every slot is in `[0, 2^bits)` by its bytes, so every
//! `e` is in `[-2^(bits-1), 2^(bits-1))`; the last `acc` of each run of [`Width::per_element`]
//! entries is the packed element.

use halo2_proofs::{
	circuit::{Layouter, Region, Value},
	plonk::{Advice, Column, ConstraintSystem, Constraints, Error, Expression, Selector},
	poly::Rotation,
};
use sable_inference_primitives::packing::Width;
use sable_zk_primitives::Fp;
use sable_zk_proofs::circuit::poseidon::Cell;

use super::{bytes::BytesConfig, signed};

const WIDTHS: [Width; 3] = [Width::I8, Width::I16, Width::I24];

/// The entry gates: for each width `q_first` starts a packed element and `q_next` continues
/// it; `q_triple_first` and `q_triple_next` do the same three int8 entries at a time.
#[derive(Clone, Debug)]
pub struct EntriesConfig {
	q_first: [Selector; 3],
	q_next: [Selector; 3],
	q_triple_first: Selector,
	q_triple_next: Selector,
	entry: Column<Advice>,
	triple: [Column<Advice>; 3],
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

fn constant(value: u64) -> Expression<Fp> {
	Expression::Constant(Fp::from(value))
}

impl EntriesConfig {
	/// Entries in `c0` (and `c5`, `c6` on triple rows), running sums in `c4`.
	pub fn configure(
		meta: &mut ConstraintSystem<Fp>,
		advices: [Column<Advice>; 8],
		bytes: &BytesConfig,
	) -> Self {
		let q_first = [(); 3].map(|_| meta.selector());
		let q_next = [(); 3].map(|_| meta.selector());
		let (entry, acc) = (advices[0], advices[4]);
		let triple = [advices[0], advices[5], advices[6]];
		for width in WIDTHS {
			for continues in [false, true] {
				let selector = if continues { q_next } else { q_first }[index(width)];
				meta.create_gate("entry: range check and packing", |meta| {
					let q = meta.query_selector(selector);
					let e = meta.query_advice(entry, Rotation::cur());
					let acc_cur = meta.query_advice(acc, Rotation::cur());
					let slot = e + constant(width.offset() as u64);
					let folded = if continues {
						let radix = constant(1u64 << width.bits());
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
		let q_triple_first = meta.selector();
		let q_triple_next = meta.selector();
		for (selector, continues) in [(q_triple_first, false), (q_triple_next, true)] {
			meta.create_gate("entries: three int8 range checks and packing", |meta| {
				let q = meta.query_selector(selector);
				let offset = constant(Width::I8.offset() as u64);
				let mut constraints = Vec::with_capacity(4);
				for (i, column) in triple.into_iter().enumerate() {
					let e = meta.query_advice(column, Rotation::cur());
					constraints.push((
						"b_i = e_i + 2^7",
						bytes.byte(meta, i, Rotation::cur()) - (e + offset.clone()),
					));
				}
				// The three bytes, first slot on top: b0 2^16 + b1 2^8 + b2.
				let slots = (0..3).fold(constant(0), |sum, i| {
					sum * constant(1 << 8) + bytes.byte(meta, i, Rotation::cur())
				});
				let folded = if continues {
					meta.query_advice(acc, Rotation::prev()) * constant(1 << 24) + slots
				} else {
					slots
				};
				constraints.push((
					"acc = acc_prev * 2^24 + three slots",
					meta.query_advice(acc, Rotation::cur()) - folded,
				));
				Constraints::with_selector(q, constraints)
			});
		}
		EntriesConfig {
			q_first,
			q_next,
			q_triple_first,
			q_triple_next,
			entry,
			triple,
			acc,
			bytes: bytes.clone(),
		}
	}

	/// Loads `values` (each of `width` in an honest witness) as one vector.
	pub fn load(
		&self,
		mut layouter: impl Layouter<Fp>,
		width: Width,
		values: &[Value<i64>],
	) -> Result<Loaded, Error> {
		layouter.assign_region(
			|| "entries",
			|mut region| {
				let mut entries = Vec::with_capacity(values.len());
				let mut packed = Vec::with_capacity(width.elements(values.len()));
				let mut row = 0;
				for element in values.chunks(width.per_element()) {
					let mut acc = Value::known(Fp::zero());
					let mut last = None;
					let mut rest = element;
					let mut first = true;
					while !rest.is_empty() {
						let take = if width == Width::I8 && rest.len() >= 3 { 3 } else { 1 };
						let (now, later) = rest.split_at(take);
						let (cells, acc_cell) = if take == 3 {
							self.triple_row(&mut region, row, first, now, &mut acc)?
						} else {
							self.single_row(&mut region, row, first, width, now[0], &mut acc)?
						};
						entries.extend(cells);
						last = Some(acc_cell);
						rest = later;
						first = false;
						row += 1;
					}
					packed.push(last.ok_or(Error::Synthesis)?);
				}
				Ok(Loaded { entries, packed })
			},
		)
	}

	/// One entry at `row`; `acc` is the running sum of its element.
	fn single_row(
		&self,
		region: &mut Region<'_, Fp>,
		row: usize,
		first: bool,
		width: Width,
		value: Value<i64>,
		acc: &mut Value<Fp>,
	) -> Result<(Vec<Cell>, Cell), Error> {
		if first {
			self.q_first[index(width)].enable(region, row)?;
		} else {
			self.q_next[index(width)].enable(region, row)?;
		}
		let radix = Fp::from(1u64 << width.bits());
		let slot = value.map(|v| v + width.offset());
		let cell = region.assign_advice(|| "entry", self.entry, row, || value.map(signed))?;
		// An out-of-range value gets its low bytes here, and the gate fails.
		self.bytes.assign(region, row, slot.map(|s| s as u64))?;
		*acc = acc.zip(slot).map(|(acc, slot)| acc * radix + signed(slot));
		let acc_cell = region.assign_advice(|| "acc", self.acc, row, || *acc)?;
		Ok((vec![cell], acc_cell))
	}

	/// Three int8 entries at `row`; `acc` is the running sum of their element.
	fn triple_row(
		&self,
		region: &mut Region<'_, Fp>,
		row: usize,
		first: bool,
		values: &[Value<i64>],
		acc: &mut Value<Fp>,
	) -> Result<(Vec<Cell>, Cell), Error> {
		if first {
			self.q_triple_first.enable(region, row)?;
		} else {
			self.q_triple_next.enable(region, row)?;
		}
		let offset = Width::I8.offset();
		let mut cells = Vec::with_capacity(3);
		let mut slots = Value::known(0u64);
		for (value, column) in values.iter().zip(self.triple) {
			cells.push(region.assign_advice(|| "entry", column, row, || value.map(signed))?);
			// The bytes are assigned most significant first: b0 holds the first slot. An
			// out-of-range value gets its low byte here, and the gate fails.
			slots = slots.zip(*value).map(|(s, v)| (s << 8) | ((v + offset) as u64 & 0xff));
		}
		// `BytesConfig::assign` puts the lowest byte in b0: reverse the three slots.
		let bytes = slots.map(|s| ((s & 0xff) << 16) | (s & 0xff00) | (s >> 16));
		self.bytes.assign(region, row, bytes)?;
		*acc = acc.zip(slots).map(|(acc, s)| acc * Fp::from(1u64 << 24) + Fp::from(s));
		let acc_cell = region.assign_advice(|| "acc", self.acc, row, || *acc)?;
		Ok((cells, acc_cell))
	}
}
