//! Encrypted delivery of an inference's output to the client (`docs/poi-circuits.md`,
//! "Delivery").
//!
//! The client picks a random one-time delivery key `key` (a field element) and publishes its
//! commitment with the job; the provider's proof shows that the ciphertext it publishes is
//! the registered model's output on the client's input, encrypted under that key:
//!
//! ```text
//! D    = H3(DeliveryKey, key, 0)                  the delivery commitment (statement row 4)
//! p    = pack(Width::I24, y)                      m = ceil(outputs / 10) field elements
//! s_j  = H4(DeliveryStream, key, job_id, j)       j = 0 .. m - 1, the keystream
//! ct_j = p_j + s_j                                the ciphertext (statement rows 5 ..)
//! ```
//!
//! Decryption subtracts the keystream and unpacks strictly ([`crate::packing::unpack`]): a
//! ciphertext that does not decrypt to a canonical packing is refused, not misread. The
//! keystream depends on the job id, so one key used for two jobs does not repeat a
//! keystream; still, a key is meant for one job (whoever sees two ciphertexts of one key and
//! job learns their difference).

use alloc::vec::Vec;

use sable_zk_primitives::{
	hash::{hash3, hash4, DomainTag},
	Fp,
};

use crate::packing::{pack, unpack, Width};

/// The delivery commitment `D = H3(DeliveryKey, key, 0)`.
pub fn commitment(key: Fp) -> Fp {
	hash3(DomainTag::DeliveryKey, key, Fp::zero())
}

/// The keystream element `s_j = H4(DeliveryStream, key, job_id, j)`.
pub fn keystream_element(key: Fp, job_id: u64, j: u64) -> Fp {
	hash4(DomainTag::DeliveryStream, key, Fp::from(job_id), Fp::from(j))
}

/// The first `m` keystream elements of job `job_id`.
pub fn keystream(key: Fp, job_id: u64, m: usize) -> Vec<Fp> {
	(0..m as u64).map(|j| keystream_element(key, job_id, j)).collect()
}

/// Why a ciphertext was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeliveryError {
	/// An output entry is not an int24.
	OutOfRange,
	/// The ciphertext does not have `ceil(outputs / 10)` elements.
	WrongLength {
		/// The number of elements `outputs` entries pack into.
		expected: usize,
		/// The number given.
		actual: usize,
	},
	/// The ciphertext does not decrypt to a packing of int24 entries under this key and job:
	/// a wrong key, job id or a changed ciphertext.
	NotAPacking,
}

impl core::fmt::Display for DeliveryError {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		match self {
			DeliveryError::OutOfRange => f.write_str("an output entry is not an int24"),
			DeliveryError::WrongLength { expected, actual } => {
				write!(f, "the ciphertext has {actual} elements; expected {expected}")
			},
			DeliveryError::NotAPacking => {
				f.write_str("the ciphertext does not decrypt under this delivery key and job id")
			},
		}
	}
}

/// The ciphertext of output `y` for job `job_id` under `key`.
pub fn encrypt(key: Fp, job_id: u64, y: &[i32]) -> Result<Vec<Fp>, DeliveryError> {
	let packed =
		pack(Width::I24, y.iter().map(|&v| i64::from(v))).ok_or(DeliveryError::OutOfRange)?;
	let stream = keystream(key, job_id, packed.len());
	Ok(packed.iter().zip(&stream).map(|(p, s)| *p + *s).collect())
}

/// The `outputs` entries of `y` from its ciphertext for job `job_id` under `key`.
pub fn decrypt(
	key: Fp,
	job_id: u64,
	ciphertext: &[Fp],
	outputs: usize,
) -> Result<Vec<i32>, DeliveryError> {
	let expected = Width::I24.elements(outputs);
	if ciphertext.len() != expected {
		return Err(DeliveryError::WrongLength { expected, actual: ciphertext.len() });
	}
	let stream = keystream(key, job_id, expected);
	let packed: Vec<Fp> = ciphertext.iter().zip(&stream).map(|(c, s)| *c - *s).collect();
	let entries = unpack(Width::I24, &packed, outputs).ok_or(DeliveryError::NotAPacking)?;
	// Unpacked int24 entries always fit an i32.
	Ok(entries.into_iter().map(|e| e as i32).collect())
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn decryption_recovers_the_output_and_refuses_anything_else() {
		let key = Fp::from(0x5eed);
		let y: Vec<i32> = (0..16).map(|i| (i * 524_287) % (1 << 23) - (1 << 22)).collect();
		let ct = encrypt(key, 3, &y).expect("int24");
		assert_eq!(ct.len(), 2);
		assert_eq!(decrypt(key, 3, &ct, 16), Ok(y.clone()));
		assert_eq!(decrypt(key, 4, &ct, 16), Err(DeliveryError::NotAPacking), "other job");
		assert_eq!(decrypt(key + Fp::one(), 3, &ct, 16), Err(DeliveryError::NotAPacking));
		// Element 1 packs 6 entries (144 bits): a change above them is refused, one inside them
		// decrypts to another output (which is why the proof binds the ciphertext).
		let mut changed = ct.clone();
		changed[1] += (0..150).fold(Fp::one(), |x, _| x.double());
		assert_eq!(decrypt(key, 3, &changed, 16), Err(DeliveryError::NotAPacking));
		let mut changed = ct.clone();
		changed[1] += Fp::one();
		assert_ne!(decrypt(key, 3, &changed, 16), Ok(y.clone()));
		assert_eq!(
			decrypt(key, 3, &ct[..1], 16),
			Err(DeliveryError::WrongLength { expected: 2, actual: 1 })
		);
		// Ten outputs are one element.
		let ct = encrypt(key, 3, &y[..10]).expect("int24");
		assert_eq!(ct.len(), 1);
		assert_eq!(decrypt(key, 3, &ct, 10), Ok(y[..10].to_vec()));
		assert_eq!(encrypt(key, 3, &[1 << 23]), Err(DeliveryError::OutOfRange));
	}

	/// Test vectors: `key = 7`, job 3, `y = [-1, 0, 1, 2, ..., 8, 8_388_607, -8_388_608]`
	/// (12 outputs, two elements), as canonical little-endian hex.
	#[test]
	fn test_vectors() {
		use sable_zk_primitives::encoding::{fp_to_bytes, to_hex};
		let key = Fp::from(7);
		let mut y: Vec<i32> = (-1..=8).collect();
		y.extend([(1 << 23) - 1, -(1 << 23)]);
		let hex = |x: &Fp| to_hex(&fp_to_bytes(x));
		assert_eq!(
			hex(&commitment(key)),
			"0x2e2f53bd98433c12d3933f80f324c7188bfb55c1ae8bc7453879ace965c1813f"
		);
		let ct = encrypt(key, 3, &y).expect("int24");
		assert_eq!(
			ct.iter().map(hex).collect::<Vec<_>>(),
			[
				"0xbd85e21ccf9719dedc0315121660d3bbf9f187a1da40dc7ec197b1c8a455fd16",
				"0x0a34ce20120e01de8c2735a4f80522adfd20777c3b0ea9dfb8ba6d71de7b8d06"
			]
		);
		assert_eq!(decrypt(key, 3, &ct, 12), Ok(y));
	}

	#[test]
	fn keystream_and_commitment_are_separated() {
		let key = Fp::from(9);
		assert_ne!(commitment(key), commitment(key + Fp::one()));
		assert_ne!(keystream_element(key, 1, 0), keystream_element(key, 1, 1));
		assert_ne!(keystream_element(key, 1, 0), keystream_element(key, 2, 0));
		assert_ne!(commitment(key), hash3(DomainTag::DeliveryStream, key, Fp::zero()));
		assert_eq!(keystream(key, 1, 3)[2], keystream_element(key, 1, 2));
	}
}
