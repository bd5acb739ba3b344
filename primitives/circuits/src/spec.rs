//! What the registry says of one circuit version.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

/// A circuit and the version of its verifying key, as statements and pallet constants carry
/// them.
#[derive(
	Clone,
	Copy,
	Debug,
	PartialEq,
	Eq,
	PartialOrd,
	Ord,
	Hash,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub struct CircuitId {
	/// Which circuit ([`crate::TRANSFER`], [`crate::POI_COMMITMENT`], ...).
	pub id: u16,
	/// Which version of it: a new version whenever its verifying key changes.
	pub version: u16,
}

impl CircuitId {
	/// Circuit `id`, version `version`.
	pub const fn new(id: u16, version: u16) -> Self {
		CircuitId { id, version }
	}
}

impl core::fmt::Display for CircuitId {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		write!(f, "{}.{}", self.id, self.version)
	}
}

/// One circuit version.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CircuitSpec {
	/// Its id and version.
	pub id: CircuitId,
	/// Its name in logs, errors and metric labels (`transfer_v1`).
	pub name: &'static str,
	/// The circuit has `2^k` rows; the IPA parameters are derived for it.
	pub k: u32,
	/// Length of its instance column.
	pub public_inputs: u32,
	/// Exact length in bytes of every proof of it (a halo2 proof's length is fixed by the
	/// verifying key; anything longer or shorter is refused before verification).
	pub proof_len: u32,
	/// BLAKE2b-256 (personal `Sable_VK_Digest_`) of the verifying key's pinned form.
	pub vk_digest: [u8; 32],
}

/// Which number [`max_of`] compares.
pub(crate) enum Field {
	ProofLen,
	PublicInputs,
}

/// The largest `field` of `specs`, at compile time.
pub(crate) const fn max_of(specs: &[CircuitSpec], field: Field) -> u32 {
	let mut max = 0;
	let mut index = 0;
	while index < specs.len() {
		let value = match field {
			Field::ProofLen => specs[index].proof_len,
			Field::PublicInputs => specs[index].public_inputs,
		};
		if value > max {
			max = value;
		}
		index += 1;
	}
	max
}

/// 64 hex digits as 32 bytes. Only called to initialize the registry's constants, so it runs
/// at compile time: a malformed literal fails the build, and its `panic!`s never run.
pub(crate) const fn digest(hex: &str) -> [u8; 32] {
	const fn nibble(digit: u8) -> u8 {
		match digit {
			b'0'..=b'9' => digit - b'0',
			b'a'..=b'f' => digit - b'a' + 10,
			_ => panic!("a pinned digest is 64 lowercase hex digits"),
		}
	}
	let digits = hex.as_bytes();
	assert!(digits.len() == 64, "a pinned digest is 64 lowercase hex digits");
	let mut out = [0u8; 32];
	let mut index = 0;
	while index < 32 {
		out[index] = nibble(digits[2 * index]) << 4 | nibble(digits[2 * index + 1]);
		index += 1;
	}
	out
}
