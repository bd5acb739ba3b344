//! Packing small signed integers into field elements before hashing (`docs/poi.md`,
//! "Commitments").
//!
//! Each entry `e` of a [`Width`] is offset to an unsigned slot value `e + 2^(bits - 1)`, and
//! up to [`Width::per_element`] consecutive slots fill one field element, the first entry in
//! the most significant slot: `packed = ((s_0 * R + s_1) * R + s_2) ...` with `R = 2^bits`.
//! The circuit computes the same running sum while it range-checks each entry, so hashing a
//! 256-entry matrix costs about nine to eighteen absorbed elements instead of 256.

use alloc::vec::Vec;

use sable_zk_primitives::Fp;

/// How many bits an entry occupies: the entry must lie in `[-2^(bits-1), 2^(bits-1))`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Width {
	/// `int8`: weights and inputs of the quantized model.
	I8,
	/// `int16`: Q7.8 fixed-point numbers, biases, the requantization divisor.
	I16,
	/// `int24`: outputs of the quantized model.
	I24,
}

impl Width {
	/// Bytes per entry (each byte is one lookup in the circuit).
	pub const fn bytes(self) -> u32 {
		match self {
			Width::I8 => 1,
			Width::I16 => 2,
			Width::I24 => 3,
		}
	}

	/// Bits per entry.
	pub const fn bits(self) -> u32 {
		8 * self.bytes()
	}

	/// `2^(bits - 1)`: added to an entry to make its slot value non-negative.
	pub const fn offset(self) -> i64 {
		1 << (self.bits() - 1)
	}

	/// Entries per field element: as many whole slots as fit in 248 bits (< 2^254 < p).
	pub const fn per_element(self) -> usize {
		(248 / self.bits()) as usize
	}

	/// Field elements that `entries` entries pack into.
	pub const fn elements(self, entries: usize) -> usize {
		entries.div_ceil(self.per_element())
	}

	/// Whether `value` is an entry of this width.
	pub const fn contains(self, value: i64) -> bool {
		-self.offset() <= value && value < self.offset()
	}
}

/// `e + 2^(bits - 1)` as a field element, or `None` when `e` is not of this width.
pub fn slot(width: Width, entry: i64) -> Option<Fp> {
	width.contains(entry).then(|| Fp::from((entry + width.offset()) as u64))
}

/// Packs `entries` (all of `width`) into field elements; `None` if an entry is out of range.
pub fn pack(width: Width, entries: impl IntoIterator<Item = i64>) -> Option<Vec<Fp>> {
	let radix = Fp::from(1u64 << width.bits());
	let entries: Vec<i64> = entries.into_iter().collect();
	entries
		.chunks(width.per_element())
		.map(|chunk| {
			chunk
				.iter()
				.try_fold(Fp::zero(), |packed, &entry| Some(packed * radix + slot(width, entry)?))
		})
		.collect()
}

/// The `entries` entries that `elements` pack (the inverse of [`pack`]), or `None` unless
/// `elements` is exactly a packing [`pack`] makes: as many elements as
/// [`Width::elements`]`(entries)`, each below `2^(bits * n)` for the `n` entries it holds.
/// Every such packing has exactly one preimage, so a packing that is not canonical (for
/// example a ciphertext decrypted with a wrong key) is refused rather than misread.
pub fn unpack(width: Width, elements: &[Fp], entries: usize) -> Option<Vec<i64>> {
	if elements.len() != width.elements(entries) {
		return None;
	}
	let bits = width.bits() as usize;
	let mut out = Vec::with_capacity(entries);
	for (index, element) in elements.iter().enumerate() {
		let start = index * width.per_element();
		let count = core::cmp::min(width.per_element(), entries.saturating_sub(start));
		// Little-endian bytes of the canonical representative.
		let bytes = sable_zk_primitives::encoding::fp_to_bytes(element);
		let used = count * bits / 8;
		if bytes[used..].iter().any(|&byte| byte != 0) {
			return None;
		}
		// The first entry is in the top slot: read slots from the most significant end.
		for slot in (0..count).rev() {
			let low = slot * bits / 8;
			let value =
				bytes[low..low + bits / 8].iter().rev().fold(0i64, |v, &b| (v << 8) | i64::from(b));
			out.push(value - width.offset());
		}
	}
	Some(out)
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn widths_fit_the_field_and_count_elements() {
		assert_eq!(Width::I8.per_element(), 31);
		assert_eq!(Width::I16.per_element(), 15);
		assert_eq!(Width::I24.per_element(), 10);
		assert_eq!(Width::I16.elements(256), 18);
		assert_eq!(Width::I8.elements(256), 9);
		assert_eq!(Width::I24.elements(16), 2);
		assert!(Width::I8.contains(-128) && Width::I8.contains(127));
		assert!(!Width::I8.contains(128) && !Width::I8.contains(-129));
	}

	#[test]
	fn packing_puts_the_first_entry_in_the_top_slot() {
		let packed = pack(Width::I8, [-128, 0, 127]).expect("in range");
		// Slots 0, 128, 255: 0 * 2^16 + 128 * 2^8 + 255.
		assert_eq!(packed, [Fp::from(128 * 256 + 255)]);
		let two = pack(Width::I24, (0..11).map(|i| i as i64)).expect("in range");
		assert_eq!(two.len(), 2);
		assert_eq!(two[1], Fp::from((10 + (1 << 23)) as u64));
	}

	#[test]
	fn unpack_inverts_pack_and_refuses_non_canonical_packings() {
		for width in [Width::I8, Width::I16, Width::I24] {
			for count in [1usize, 9, 10, 11, 16, 31, 32, 64] {
				let entries: Vec<i64> = (0..count as i64)
					.map(|i| (i * 7919 - 3 * width.offset() / 4) % width.offset())
					.collect();
				let packed = pack(width, entries.iter().copied()).expect("in range");
				assert_eq!(unpack(width, &packed, count), Some(entries), "{width:?} {count}");
				assert_eq!(unpack(width, &packed, count + width.per_element()), None);
				let mut too_big = packed.clone();
				let top = count.min(width.per_element()) as u32 * width.bits();
				let bump = (0..top).fold(Fp::one(), |x, _| x.double());
				too_big[0] += bump;
				assert_eq!(unpack(width, &too_big, count), None, "{width:?} {count}");
			}
		}
		assert_eq!(unpack(Width::I24, &[-Fp::one()], 10), None);
		assert_eq!(unpack(Width::I24, &[], 0), Some(Vec::new()));
	}

	#[test]
	fn out_of_range_entries_are_refused() {
		assert_eq!(pack(Width::I16, [1 << 15]), None);
		assert_eq!(pack(Width::I16, [-(1 << 15) - 1]), None);
		assert!(pack(Width::I16, [-(1 << 15), (1 << 15) - 1]).is_some());
	}
}
