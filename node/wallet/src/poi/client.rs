//! The client's side of a job (docs/poi.md, "Requests" and "Delivery"): from an input file
//! and the model as the chain reports it, a request sealed to the model's key with a fresh
//! input salt and one-time delivery key, and the commitments the job carries; once the
//! provider's proof has verified, the output decrypted from the job's result.
//!
//! An inference input file holds the input only, `{"input": [64 integers]}` (like
//! `models/digits/example_input.json`); an input shorter than the circuit's is padded with
//! zeroes. A commitment model's input is any file: its bytes travel in the request, and the
//! input commitment commits to their BLAKE2b-256 digest.

use pallet_proof_of_inference_rpc::{JobJson, ModelJson};
use sable_inference_proofs::{
	primitives::{commit_bytes, delivery, mlp, CommitmentKind, JobKind},
	request::{Payload, Request},
};
use sable_zk_primitives::encoding::{fp_to_bytes, to_hex};
use serde::Deserialize;

use super::{
	blake2_256, chain_field,
	circuits::{unsupported_adapted, Circuit},
	secrets::RequestSecret,
};
use crate::error::{Result, WalletError};

/// Longest request the chain stores (`MaxRequestLen`).
pub const MAX_REQUEST_LEN: usize = 2048;

/// An inference input file: the input vector and nothing else.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct InputJson {
	input: Vec<i64>,
}

/// The input vector of an inference input file, padded to `inputs` entries.
pub fn read_input(bytes: &[u8], inputs: usize) -> Result<Vec<i8>> {
	let json: InputJson = serde_json::from_slice(bytes).map_err(|e| {
		WalletError::Input(format!(
			"not an inference input file ({{\"input\": [integers]}}, nothing else): {e}"
		))
	})?;
	if json.input.len() > inputs {
		return Err(WalletError::Input(format!(
			"the input has {} entries; the model's circuit takes {inputs}",
			json.input.len()
		)));
	}
	let x = json
		.input
		.iter()
		.enumerate()
		.map(|(i, &v)| {
			i8::try_from(v).map_err(|_| {
				WalletError::Input(format!("input entry {i} ({v}) is not an int8 (-128..=127)"))
			})
		})
		.collect::<Result<Vec<i8>>>()?;
	Ok(mlp::pad_input(&x, inputs))
}

/// The input and delivery commitments a job for `request` carries under `circuit`: what the
/// client publishes, and what the provider recomputes before accepting.
pub fn commitments(circuit: &Circuit, request: &Request) -> Result<([u8; 32], Option<[u8; 32]>)> {
	match (circuit.kind, &request.payload) {
		(JobKind::Inference, Payload::Inference { x }) => Ok((
			fp_to_bytes(&mlp::input_commitment(x, request.input_salt)),
			Some(fp_to_bytes(&delivery::commitment(request.delivery_key))),
		)),
		(JobKind::Commitment, Payload::Inference { x }) => {
			let bytes: Vec<u8> = x.iter().map(|&e| e as u8).collect();
			Ok((commit_bytes(CommitmentKind::Input, &blake2_256(&bytes), request.input_salt), None))
		},
		(JobKind::Adapted, _) | (_, Payload::Adapted { .. }) => Err(unsupported_adapted()),
	}
}

/// A job ready to be created: its commitments, its sealed request, and what the wallet keeps.
#[derive(Clone, Debug)]
pub struct PreparedJob {
	/// The input commitment.
	pub input: [u8; 32],
	/// The delivery commitment (jobs with delivery).
	pub delivery: Option<[u8; 32]>,
	/// The request sealed to the model's key.
	pub request: Vec<u8>,
	/// What the wallet keeps to read the result.
	pub secret: RequestSecret,
}

/// Prepares a job for model `model_id` (as `poi_model` reports it) on the input file's
/// `input_file` bytes.
pub fn prepare(
	model_id: u32,
	model: &ModelJson,
	circuit: &Circuit,
	input_file: &[u8],
	rng: &mut impl rand::Rng,
) -> Result<PreparedJob> {
	let payload = match circuit.kind {
		JobKind::Inference => {
			Payload::Inference { x: read_input(input_file, circuit.inference_shape()?.inputs)? }
		},
		JobKind::Commitment => {
			Payload::Inference { x: input_file.iter().map(|&b| b as i8).collect() }
		},
		JobKind::Adapted => return Err(unsupported_adapted()),
	};
	let request = Request::new(payload, rng);
	let (input, delivery) = commitments(circuit, &request)?;
	let sealed = request.seal(&model.encryption_key.0, rng).map_err(|e| {
		WalletError::Rpc(format!("model {model_id}'s encryption key cannot be used: {e}"))
	})?;
	if sealed.len() > MAX_REQUEST_LEN {
		return Err(WalletError::Input(format!(
			"the sealed request is {} bytes; the chain stores at most {MAX_REQUEST_LEN} (a \
			 commitment job's input file travels in it: send a smaller file, such as a digest \
			 or a link)",
			sealed.len()
		)));
	}
	let secret = RequestSecret {
		job_id: None,
		model_id,
		circuit: circuit.name.into(),
		input_commitment: to_hex(&input),
		delivery_commitment: delivery.as_ref().map(|d| to_hex(d)),
		plaintext: to_hex(&request.to_bytes()),
	};
	Ok(PreparedJob { input, delivery, request: sealed, secret })
}

/// The request the wallet recorded for a job, parsed back for `circuit`.
pub fn recorded_request(secret: &RequestSecret, circuit: &Circuit) -> Result<Request> {
	let plaintext = secret.plaintext()?;
	let boxed_len = plaintext.len() + sable_zk_proofs::sealed::OVERHEAD;
	Request::from_bytes(&plaintext, circuit.payload_shape(boxed_len)?)
		.map_err(|e| WalletError::Corrupt(format!("a recorded request: {e}")))
}

/// A delivered output: the model's output vector and its class.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Delivered {
	/// The output `y`.
	pub output: Vec<i32>,
	/// `argmax y`, the lowest index on ties.
	pub class: usize,
}

/// The index of the largest entry, the lowest on ties (`None` for an empty vector).
pub fn argmax(y: &[i32]) -> Option<usize> {
	y.iter()
		.enumerate()
		.fold(None, |best, (i, &v)| match best {
			Some((_, b)) if b >= v => best,
			_ => Some((i, v)),
		})
		.map(|(i, _)| i)
}

/// Decrypts job `job_id`'s result (as `poi_job` reports it) with the recorded request.
pub fn decrypt(
	job_id: u64,
	job: &JobJson,
	circuit: &Circuit,
	request: &Request,
) -> Result<Delivered> {
	let shape = circuit.inference_shape()?;
	let result = job.result.as_ref().ok_or_else(|| {
		WalletError::Input(format!("job {job_id} has no result yet (it is {})", job.status.state))
	})?;
	let ciphertext = result
		.iter()
		.map(|element| chain_field(&element.0, "a ciphertext element"))
		.collect::<Result<Vec<_>>>()?;
	let output = delivery::decrypt(request.delivery_key, job_id, &ciphertext, shape.outputs)
		.map_err(|e| WalletError::Input(format!("job {job_id}'s result: {e}")))?;
	let class = argmax(&output).unwrap_or_default();
	Ok(Delivered { output, class })
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn input_files_hold_int8_inputs_only() {
		assert_eq!(read_input(br#"{"input": [1, -2, 127]}"#, 4).expect("valid"), [1, -2, 127, 0]);
		let error = |bytes: &[u8]| read_input(bytes, 4).expect_err("refused").to_string();
		assert!(error(br#"{"input": [1, 128]}"#).contains("entry 1 (128) is not an int8"));
		assert!(error(br#"{"input": [1, 2, 3, 4, 5]}"#).contains("has 5 entries"));
		assert!(error(br#"{"input": [1], "w1": [[1]]}"#).contains("unknown field `w1`"));
		assert!(error(b"[1, 2]").contains("not an inference input file"));
	}

	#[test]
	fn argmax_takes_the_lowest_of_equal_entries() {
		assert_eq!(argmax(&[3, 9, -1, 9]), Some(1));
		assert_eq!(argmax(&[-5]), Some(0));
		assert_eq!(argmax(&[]), None);
	}
}
