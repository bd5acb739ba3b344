//! A client's request, sealed to the model's key (`docs/poi.md`, "Requests").
//!
//! The job on chain carries only commitments; what the provider needs to run it travels in
//! a [`sable_zk_proofs::sealed`] box under the personalization `Sable_RequestKDF`, sealed to
//! the model's registered encryption key:
//!
//! ```text
//! plaintext = version (1) || input salt (32) || delivery key (32) || payload
//! payload   = x (one byte per int8 entry)                                 inference
//!           | x || A || B (int8 entries, row-major) || alpha (int16, LE)  adapted
//! ```
//!
//! Field elements are their canonical 32-byte encodings. A provider opens the box and checks
//! it against the job before accepting ([`Request::check`]): a request that does not match
//! its commitments would make the provider lose its collateral, so it is never accepted.

use ff::FromUniformBytes;
use group::{Group, GroupEncoding};
use pasta_curves::pallas;
use rand::{Rng, RngExt};
use sable_zk_primitives::{
	encoding::{fp_from_bytes, fp_to_bytes},
	Fp,
};
use sable_zk_proofs::sealed;

/// The KDF personalization of requests.
const REQUEST_KDF: &[u8; 16] = b"Sable_RequestKDF";
/// The personalization that derives a provider's request key from its seed.
const KEY_DERIVATION: &[u8; 16] = b"Sable_RequestKey";
/// The plaintext format version.
const VERSION: u8 = 1;
/// Bytes before the payload.
const HEADER_LEN: usize = 1 + 32 + 32;

/// What the provider runs the model on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Payload {
	/// An inference input.
	Inference {
		/// The input vector.
		x: Vec<i8>,
	},
	/// An input and a LoRA adapter for the model's first layer.
	Adapted {
		/// The input vector.
		x: Vec<i8>,
		/// `A` (rank x inputs), row-major.
		a: Vec<i8>,
		/// `B` (hidden x rank), row-major.
		b: Vec<i8>,
		/// The adapter's scaling.
		alpha: i16,
	},
}

/// A client's request: its input (and adapter), the input commitment's salt and the one-time
/// delivery key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
	/// Salt of the input commitment.
	pub input_salt: Fp,
	/// The one-time key the output is delivered under.
	pub delivery_key: Fp,
	/// The input.
	pub payload: Payload,
}

/// Why a request box was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RequestError {
	/// The box does not open with this key: sealed to another model, or tampered with.
	NotForThisKey,
	/// The plaintext is not a request of this format version.
	Malformed,
	/// The payload's sizes do not fit the model's shape.
	WrongShape,
	/// The encryption key is not a valid Pallas point.
	InvalidKey,
}

impl core::fmt::Display for RequestError {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		f.write_str(match self {
			Self::NotForThisKey => "the request does not open with this model's key",
			Self::Malformed => "the request is not a well-formed version-1 request",
			Self::WrongShape => "the request's input does not fit the model's shape",
			Self::InvalidKey => "the model's encryption key is not a valid Pallas point",
		})
	}
}

impl std::error::Error for RequestError {}

/// The sizes a payload must have: inputs, and for adapted models the adapter's `A` and `B`
/// entries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PayloadShape {
	/// Entries of `x`.
	pub inputs: usize,
	/// Entries of `A` and of `B`, for adapted models.
	pub adapter: Option<(usize, usize)>,
}

impl Request {
	/// The plaintext bytes.
	pub fn to_bytes(&self) -> Vec<u8> {
		let mut bytes = Vec::with_capacity(HEADER_LEN + 64);
		bytes.push(VERSION);
		bytes.extend_from_slice(&fp_to_bytes(&self.input_salt));
		bytes.extend_from_slice(&fp_to_bytes(&self.delivery_key));
		let entries = |v: &[i8]| v.iter().map(|&e| e as u8).collect::<Vec<_>>();
		match &self.payload {
			Payload::Inference { x } => bytes.extend(entries(x)),
			Payload::Adapted { x, a, b, alpha } => {
				bytes.extend(entries(x));
				bytes.extend(entries(a));
				bytes.extend(entries(b));
				bytes.extend_from_slice(&alpha.to_le_bytes());
			},
		}
		bytes
	}

	/// Parses plaintext bytes for a model whose payloads have `shape`.
	pub fn from_bytes(bytes: &[u8], shape: PayloadShape) -> Result<Self, RequestError> {
		if bytes.len() < HEADER_LEN || bytes[0] != VERSION {
			return Err(RequestError::Malformed);
		}
		let field = |at: usize| -> Result<Fp, RequestError> {
			let slice: [u8; 32] =
				bytes[at..at + 32].try_into().map_err(|_| RequestError::Malformed)?;
			fp_from_bytes(&slice).ok_or(RequestError::Malformed)
		};
		let (input_salt, delivery_key) = (field(1)?, field(33)?);
		let body = &bytes[HEADER_LEN..];
		let entries = |v: &[u8]| v.iter().map(|&e| e as i8).collect::<Vec<_>>();
		let payload = match shape.adapter {
			None if body.len() == shape.inputs => Payload::Inference { x: entries(body) },
			Some((a_len, b_len)) if body.len() == shape.inputs + a_len + b_len + 2 => {
				let (x, rest) = body.split_at(shape.inputs);
				let (a, rest) = rest.split_at(a_len);
				let (b, alpha) = rest.split_at(b_len);
				Payload::Adapted {
					x: entries(x),
					a: entries(a),
					b: entries(b),
					alpha: i16::from_le_bytes([alpha[0], alpha[1]]),
				}
			},
			_ => return Err(RequestError::WrongShape),
		};
		Ok(Request { input_salt, delivery_key, payload })
	}

	/// Seals the request to a model's 32-byte encryption key.
	pub fn seal(
		&self,
		encryption_key: &[u8; 32],
		rng: &mut impl Rng,
	) -> Result<Vec<u8>, RequestError> {
		let key = point(encryption_key)?;
		Ok(sealed::seal(&key, REQUEST_KDF, &self.to_bytes(), rng))
	}

	/// A fresh request for `payload`, with a random salt and delivery key.
	pub fn new(payload: Payload, rng: &mut impl Rng) -> Self {
		let mut field = || Fp::from_uniform_bytes(&core::array::from_fn(|_| rng.random()));
		Request { input_salt: field(), delivery_key: field(), payload }
	}
}

fn point(bytes: &[u8; 32]) -> Result<pallas::Point, RequestError> {
	Option::<pallas::Point>::from(pallas::Point::from_bytes(bytes))
		.filter(|p| !bool::from(p.is_identity()))
		.ok_or(RequestError::InvalidKey)
}

/// A provider's request key: the secret that opens requests sealed to its model's
/// registered encryption key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestKey(pallas::Scalar);

impl RequestKey {
	/// The key derived from a provider's 32-byte secret seed:
	/// `Scalar(BLAKE2b-512(personal "Sable_RequestKey", seed))`.
	pub fn from_seed(seed: &[u8; 32]) -> Self {
		let digest =
			blake2b_simd::Params::new().hash_length(64).personal(KEY_DERIVATION).hash(seed);
		let mut wide = [0u8; 64];
		wide.copy_from_slice(digest.as_bytes());
		RequestKey(pallas::Scalar::from_uniform_bytes(&wide))
	}

	/// The key of a provider account whose raw secret key is `secret` (sr25519's 64-byte
	/// `to_raw_vec`): [`RequestKey::from_seed`] of its BLAKE2b-256 hash (`docs/poi.md`,
	/// "Requests"). Wallets and chain presets derive it this way.
	pub fn from_account_secret(secret: &[u8]) -> Self {
		let seed = blake2b_simd::Params::new().hash_length(32).hash(secret);
		let mut bytes = [0u8; 32];
		bytes.copy_from_slice(seed.as_bytes());
		Self::from_seed(&bytes)
	}

	/// The public encryption key a model is registered with.
	pub fn public(&self) -> [u8; 32] {
		(pallas::Point::generator() * self.0).to_bytes()
	}

	/// Opens a request box for a model whose payloads have `shape`.
	pub fn open(&self, boxed: &[u8], shape: PayloadShape) -> Result<Request, RequestError> {
		let plaintext =
			sealed::open(&self.0, REQUEST_KDF, boxed).ok_or(RequestError::NotForThisKey)?;
		Request::from_bytes(&plaintext, shape)
	}
}

#[cfg(test)]
mod tests {
	use rand::{rngs::StdRng, SeedableRng};

	use super::*;

	const INFERENCE: PayloadShape = PayloadShape { inputs: 4, adapter: None };
	const ADAPTED: PayloadShape = PayloadShape { inputs: 2, adapter: Some((3, 3)) };

	#[test]
	fn a_request_opens_only_with_its_models_key_and_shape() {
		let mut rng = StdRng::seed_from_u64(5);
		let provider = RequestKey::from_seed(&[9; 32]);
		let request = Request::new(Payload::Inference { x: vec![1, -2, 127, -128] }, &mut rng);
		let boxed = request.seal(&provider.public(), &mut rng).expect("valid key");
		assert_eq!(provider.open(&boxed, INFERENCE), Ok(request.clone()));
		assert_eq!(
			RequestKey::from_seed(&[8; 32]).open(&boxed, INFERENCE),
			Err(RequestError::NotForThisKey)
		);
		assert_eq!(
			provider.open(&boxed, PayloadShape { inputs: 5, adapter: None }),
			Err(RequestError::WrongShape)
		);
		let mut tampered = boxed.clone();
		tampered[50] ^= 1;
		assert_eq!(provider.open(&tampered, INFERENCE), Err(RequestError::NotForThisKey));
		assert_eq!(request.seal(&[0; 32], &mut rng), Err(RequestError::InvalidKey));
	}

	#[test]
	fn adapted_payloads_round_trip() {
		let mut rng = StdRng::seed_from_u64(6);
		let payload =
			Payload::Adapted { x: vec![3, -3], a: vec![1, 2, 3], b: vec![-1, -2, -3], alpha: -300 };
		let request = Request::new(payload, &mut rng);
		let bytes = request.to_bytes();
		assert_eq!(bytes.len(), HEADER_LEN + 2 + 3 + 3 + 2);
		assert_eq!(Request::from_bytes(&bytes, ADAPTED), Ok(request));
		let mut other_version = bytes.clone();
		other_version[0] = 2;
		assert_eq!(Request::from_bytes(&other_version, ADAPTED), Err(RequestError::Malformed));
		let mut non_canonical = bytes;
		non_canonical[1..33].copy_from_slice(&[0xff; 32]);
		assert_eq!(Request::from_bytes(&non_canonical, ADAPTED), Err(RequestError::Malformed));
	}
}
