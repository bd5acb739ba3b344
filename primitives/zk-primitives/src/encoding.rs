//! Canonical byte encodings (`docs/zk.md`, "Encodings"): field elements, and the `0x` hex
//! that every Sable tool, RPC method and JSON file writes bytes in.
//!
//! A field element travels as its 32-byte little-endian canonical representation; bytes that
//! are not canonical (a value >= p) are rejected, never reduced, so every element has exactly
//! one encoding. Hex is strict: digits only (no signs, no whitespace), an even number of them.

use alloc::{string::String, vec::Vec};
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

/// Why a hex string was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HexError {
	/// The number of hex digits (after an optional `0x`) is odd.
	OddLength,
	/// The character at this byte offset of the input is not `0-9`, `a-f` or `A-F` (signs,
	/// whitespace and non-ASCII characters included).
	InvalidDigit {
		/// Byte offset in the input text, prefix included.
		offset: usize,
	},
	/// The string decodes to the wrong number of bytes.
	WrongLength {
		/// Bytes expected.
		expected: usize,
		/// Bytes found.
		actual: usize,
	},
}

impl core::fmt::Display for HexError {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		match self {
			Self::OddLength => f.write_str("odd number of hex digits"),
			Self::InvalidDigit { offset } => write!(f, "not a hex digit at offset {offset}"),
			Self::WrongLength { expected, actual } => {
				write!(f, "expected {expected} bytes of hex, found {actual}")
			},
		}
	}
}

#[cfg(feature = "std")]
impl std::error::Error for HexError {}

/// `0x`-prefixed lowercase hex of `bytes`.
pub fn to_hex(bytes: &[u8]) -> String {
	const DIGITS: &[u8; 16] = b"0123456789abcdef";
	let mut out = String::with_capacity(2 + 2 * bytes.len());
	out.push_str("0x");
	for byte in bytes {
		out.push(char::from(DIGITS[usize::from(byte >> 4)]));
		out.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
	}
	out
}

fn digit_value(digit: u8) -> Option<u8> {
	match digit {
		b'0'..=b'9' => Some(digit - b'0'),
		b'a'..=b'f' => Some(digit - b'a' + 10),
		b'A'..=b'F' => Some(digit - b'A' + 10),
		_ => None,
	}
}

/// Parses hex, with or without a `0x` prefix. Works on bytes, never on `str` offsets, so
/// any input (non-ASCII included) is an error or a value, never a panic.
pub fn from_hex(text: &str) -> Result<Vec<u8>, HexError> {
	let prefix = if text.as_bytes().starts_with(b"0x") { 2 } else { 0 };
	let digits = &text.as_bytes()[prefix..];
	if digits.len() % 2 != 0 {
		return Err(HexError::OddLength);
	}
	digits
		.chunks_exact(2)
		.enumerate()
		.map(|(index, pair)| {
			let offset = prefix + 2 * index;
			let high = digit_value(pair[0]).ok_or(HexError::InvalidDigit { offset })?;
			let low = digit_value(pair[1]).ok_or(HexError::InvalidDigit { offset: offset + 1 })?;
			Ok(high << 4 | low)
		})
		.collect()
}

/// Parses exactly `N` bytes of hex.
pub fn from_hex_array<const N: usize>(text: &str) -> Result<[u8; N], HexError> {
	let bytes = from_hex(text)?;
	let actual = bytes.len();
	bytes.try_into().map_err(|_| HexError::WrongLength { expected: N, actual })
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

	#[test]
	fn hex_round_trips_with_or_without_prefix() {
		let bytes = [0x00, 0x01, 0xab, 0xff];
		assert_eq!(to_hex(&bytes), "0x0001abff");
		assert_eq!(from_hex("0x0001abff"), Ok(bytes.to_vec()));
		assert_eq!(from_hex("0001ABFF"), Ok(bytes.to_vec()));
		assert_eq!(from_hex("0x"), Ok(Vec::new()));
		assert_eq!(from_hex_array::<4>("0x0001abff"), Ok(bytes));
	}

	#[test]
	fn hex_refuses_signs_non_ascii_and_odd_lengths_without_panicking() {
		// `u8::from_str_radix` would accept a leading `+`.
		assert_eq!(from_hex("+f"), Err(HexError::InvalidDigit { offset: 0 }));
		assert_eq!(from_hex("0x-1"), Err(HexError::InvalidDigit { offset: 2 }));
		assert_eq!(from_hex("0x0 "), Err(HexError::InvalidDigit { offset: 3 }));
		// A two-byte character where a digit pair would be sliced: an error, not a panic.
		assert_eq!(from_hex("0xé"), Err(HexError::InvalidDigit { offset: 2 }));
		assert_eq!(from_hex("aé"), Err(HexError::OddLength));
		assert_eq!(from_hex("0x123"), Err(HexError::OddLength));
		assert_eq!(from_hex("0X12"), Err(HexError::InvalidDigit { offset: 1 }));
		assert_eq!(
			from_hex_array::<32>("0x00"),
			Err(HexError::WrongLength { expected: 32, actual: 1 })
		);
	}
}
