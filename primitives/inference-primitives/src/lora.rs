//! One LoRA fine-tuning step, `W_eff = W_base + alpha * (B x A)`, over Q7.8 fixed-point
//! numbers, and the commitments a LoRA job publishes (`docs/poi.md`, "LoRA step proof").
//!
//! Every entry and `alpha` is an `int16` holding a Q7.8 number (value / 2^8). Per entry:
//!
//! ```text
//! p     = sum_k B[i][k] * A[k][j]      exact, scale 2^16
//! t     = alpha * p                    exact, scale 2^24
//! delta = floor(t / 2^16)              scale 2^8, rounds toward minus infinity (t >> 16)
//! W_eff = W_base + delta               must fit int16, otherwise the step is invalid
//! ```

use sable_zk_primitives::{
	hash::{hash_tagged, DomainTag},
	Fp,
};

use crate::packing::{pack, Width};

/// Side of the square weight matrix.
pub const D: usize = 16;
/// Rank of the adapter.
pub const R: usize = 4;
/// Bits dropped by the rounding rule (`t / 2^16`).
pub const SHIFT: u32 = 16;

/// Field elements a `D x D` matrix packs into.
pub const MATRIX_ELEMENTS: usize = Width::I16.elements(D * D);
/// Field elements `A` and `B` each pack into.
pub const ADAPTER_ELEMENTS: usize = Width::I16.elements(R * D);
/// Length of the base and result commitments' hash: tag, packed matrix, salt.
pub const MATRIX_HASH_LEN: usize = MATRIX_ELEMENTS + 2;
/// Length of the adapter commitment's hash: tag, packed `A`, packed `B`, `alpha`, salt.
pub const ADAPTER_HASH_LEN: usize = 2 * ADAPTER_ELEMENTS + 3;

/// A square `D x D` matrix of Q7.8 numbers.
pub type Matrix = [[i16; D]; D];

/// The inputs of one step: base weights, adapter and scaling.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoraStep {
	/// `W_base` (`D x D`).
	pub w_base: Matrix,
	/// `A` (`R x D`).
	pub a: [[i16; D]; R],
	/// `B` (`D x R`).
	pub b: [[i16; R]; D],
	/// The scaling `alpha`.
	pub alpha: i16,
}

/// An entry of `W_eff` does not fit `int16`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Overflow {
	/// Row of the entry.
	pub row: usize,
	/// Column of the entry.
	pub column: usize,
}

/// The exact intermediate values of one entry, as the circuit witnesses them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EntryStep {
	/// `t = alpha * sum_k B[i][k] * A[k][j]`.
	pub t: i64,
	/// `floor(t / 2^16)`.
	pub delta: i64,
	/// `t - delta * 2^16`, in `[0, 2^16)`.
	pub remainder: i64,
}

impl LoraStep {
	/// The intermediate values of entry `(i, j)`.
	pub fn entry(&self, i: usize, j: usize) -> EntryStep {
		let p: i64 = (0..R).map(|k| i64::from(self.b[i][k]) * i64::from(self.a[k][j])).sum();
		let t = i64::from(self.alpha) * p;
		let delta = t >> SHIFT;
		EntryStep { t, delta, remainder: t - (delta << SHIFT) }
	}

	/// `W_eff`, or the first entry that overflows `int16`.
	pub fn apply(&self) -> Result<Matrix, Overflow> {
		let mut w_eff = [[0i16; D]; D];
		for (i, row) in w_eff.iter_mut().enumerate() {
			for (j, entry) in row.iter_mut().enumerate() {
				let sum = i64::from(self.w_base[i][j]) + self.entry(i, j).delta;
				*entry = i16::try_from(sum).map_err(|_| Overflow { row: i, column: j })?;
			}
		}
		Ok(w_eff)
	}
}

fn flatten<const C: usize, const N: usize>(
	matrix: &[[i16; C]; N],
) -> impl Iterator<Item = i64> + '_ {
	matrix.iter().flatten().map(|&e| i64::from(e))
}

fn packed_i16(entries: impl IntoIterator<Item = i64>) -> alloc::vec::Vec<Fp> {
	// int16 entries always fit Width::I16.
	pack(Width::I16, entries).unwrap_or_default()
}

fn matrix_commitment(tag: DomainTag, matrix: &Matrix, salt: Fp) -> Fp {
	let mut message = packed_i16(flatten(matrix));
	message.push(salt);
	// The length is MATRIX_HASH_LEN - 1 by construction.
	hash_tagged::<MATRIX_HASH_LEN>(tag, &message).unwrap_or_default()
}

/// The job's model commitment: `W_base`.
pub fn base_commitment(w_base: &Matrix, salt: Fp) -> Fp {
	matrix_commitment(DomainTag::LoraBase, w_base, salt)
}

/// The job's output commitment: `W_eff`.
pub fn result_commitment(w_eff: &Matrix, salt: Fp) -> Fp {
	matrix_commitment(DomainTag::LoraResult, w_eff, salt)
}

/// The job's input commitment: the adapter `A`, `B` and `alpha`.
pub fn adapter_commitment(step: &LoraStep, salt: Fp) -> Fp {
	let mut message = packed_i16(flatten(&step.a));
	message.extend(packed_i16(flatten(&step.b)));
	message.extend(packed_i16([i64::from(step.alpha)]));
	message.push(salt);
	hash_tagged::<ADAPTER_HASH_LEN>(DomainTag::LoraAdapter, &message).unwrap_or_default()
}

#[cfg(test)]
mod tests {
	use super::*;

	fn step(alpha: i16) -> LoraStep {
		let mut step = LoraStep { w_base: [[0; D]; D], a: [[0; D]; R], b: [[0; R]; D], alpha };
		step.w_base[0][0] = 100;
		step.a[0][0] = 256; // 1.0
		step.b[0][0] = -384; // -1.5
		step
	}

	#[test]
	fn rounding_is_floor_division_by_2_16() {
		// alpha = 0.5: t = 128 * (-384 * 256) = -12_582_912; t / 2^16 = -192 exactly.
		let s = step(128);
		assert_eq!(s.entry(0, 0), EntryStep { t: -12_582_912, delta: -192, remainder: 0 });
		assert_eq!(s.apply().expect("fits")[0][0], 100 - 192);
		// alpha = 1/256: t = -98_304, t / 2^16 = -1.5, floor = -2, remainder 32_768.
		let s = step(1);
		assert_eq!(s.entry(0, 0), EntryStep { t: -98_304, delta: -2, remainder: 32_768 });
		assert_eq!(s.apply().expect("fits")[0][0], 98);
		assert_eq!(s.apply().expect("fits")[1][1], 0, "untouched entries keep W_base");
	}

	#[test]
	fn overflowing_entries_make_the_step_invalid() {
		let mut s = step(i16::MAX);
		s.w_base[0][0] = i16::MIN;
		s.b[0][0] = i16::MIN;
		s.a[0][0] = i16::MIN;
		assert_eq!(s.apply(), Err(Overflow { row: 0, column: 0 }));
	}

	#[test]
	fn commitments_separate_roles_and_salts() {
		let s = step(128);
		let w_eff = s.apply().expect("fits");
		let salt = Fp::from(3);
		assert_ne!(base_commitment(&s.w_base, salt), result_commitment(&s.w_base, salt));
		assert_ne!(base_commitment(&s.w_base, salt), base_commitment(&w_eff, salt));
		assert_ne!(base_commitment(&s.w_base, salt), base_commitment(&s.w_base, Fp::from(4)));
		assert_ne!(adapter_commitment(&s, salt), adapter_commitment(&step(127), salt));
		assert_eq!(MATRIX_ELEMENTS, 18);
		assert_eq!(ADAPTER_HASH_LEN, 13);
	}
}
