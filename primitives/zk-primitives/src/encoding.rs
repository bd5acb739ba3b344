//! Canonical byte encodings of field elements (`docs/zk.md`, "Encodings").
//!
//! A field element travels as its 32-byte little-endian canonical representation; bytes that
//! are not canonical (a value >= p) are rejected, never reduced, so every element has exactly
//! one encoding.

use ff::{FromUniformBytes, PrimeField};

use crate::Fp;

/// Encodes `x` as 32 little-endian bytes.
pub fn fp_to_bytes(x: &Fp) -> [u8; 32] {
	x.to_repr()
}

/// Decodes 32 little-endian bytes; `None` if they encode a value >= p.
pub fn fp_from_bytes(bytes: &[u8; 32]) -> Option<Fp> {
	Option::from(Fp::from_repr(*bytes))
}

/// Maps 64 uniformly random bytes (a BLAKE2b-512 output) to a field element; the bias is
/// below 2^-250.
pub fn fp_from_wide(bytes: &[u8; 64]) -> Fp {
	Fp::from_uniform_bytes(bytes)
}

/// A 64-bit value as a field element.
pub fn fp_from_u64(value: u64) -> Fp {
	Fp::from(value)
}

#[cfg(test)]
mod tests {
	use super::*;
	use ff::Field;

	#[test]
	fn round_trip_and_non_canonical_rejection() {
		let x = Fp::from(123_456_789u64) * Fp::from(987_654_321u64);
		assert_eq!(fp_from_bytes(&fp_to_bytes(&x)), Some(x));
		// p itself, and the all-ones string, are not canonical.
		let minus_one = fp_to_bytes(&(-Fp::ONE));
		let mut p = minus_one;
		p[0] += 1;
		assert_eq!(fp_from_bytes(&p), None);
		assert_eq!(fp_from_bytes(&[0xff; 32]), None);
	}
}
