//! The client's side of a job (docs/poi.md, "Requests" and "Delivery"): from an input file
//! and the model as the chain reports it, a request sealed to the model's key with a fresh
//! input salt and one-time delivery key, and the commitments the job carries; once the
//! provider's proof has verified, the output decrypted from the job's result.
//!
//! An inference input file holds the input only, `{"input": [64 integers]}` (like
//! `models/digits/example_input.json`); an input shorter than the circuit's is padded with
//! zeroes. For an adapted model it also holds the client's adapter of the first layer,
//! `"adapter": {"a": [rank rows of inputs], "b": [hidden rows of rank], "alpha": n}`. A
//! commitment model's input is any file: its bytes travel in the request, and the input
//! commitment commits to their BLAKE2b-256 digest.

use pallet_proof_of_inference_rpc::{JobJson, ModelJson};
use sable_inference_proofs::{
	primitives::{
		adapted::{self, Adapter},
		commit_bytes, delivery,
		mlp::{self, Matrix},
		CommitmentKind, JobKind,
	},
	request::{Payload, Request},
};
use sable_zk_primitives::encoding::{fp_to_bytes, to_hex};
use serde::Deserialize;

use super::{blake2_256, chain::PoiCall, chain_field, circuits::Circuit, secrets::RequestSecret};
use crate::error::{Result, WalletError};

/// Longest request the chain stores (`MaxRequestLen`).
pub const MAX_REQUEST_LEN: usize = 2048;

/// An inference input file: the input vector, and for adapted models the adapter, nothing
/// else.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct InputJson {
	input: Vec<i64>,
	#[serde(default)]
	adapter: Option<AdapterJson>,
}

/// A LoRA adapter of a model's first layer: `A` (`rank` rows of `inputs`), `B` (`hidden`
/// rows of `rank`), int8, and `alpha`, int16.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AdapterJson {
	a: Vec<Vec<i64>>,
	b: Vec<Vec<i64>>,
	alpha: i64,
}

fn int8s(entries: &[i64], what: &str) -> Result<Vec<i8>> {
	entries
		.iter()
		.enumerate()
		.map(|(i, &v)| {
			i8::try_from(v).map_err(|_| {
				WalletError::Input(format!("{what} entry {i} ({v}) is not an int8 (-128..=127)"))
			})
		})
		.collect()
}

/// The row-major entries of a `rows x columns` int8 matrix.
fn matrix(m: &[Vec<i64>], (rows, columns): (usize, usize), what: &str) -> Result<Vec<i8>> {
	if m.len() != rows || m.iter().any(|row| row.len() != columns) {
		return Err(WalletError::Input(format!(
			"the adapter's {what} must be {rows} rows of {columns} entries"
		)));
	}
	int8s(&m.concat(), what)
}

/// The payload of an inference or adapted-inference input file for `circuit`: the input
/// padded to the circuit's inputs, and the adapter if the circuit takes one.
pub fn read_input(bytes: &[u8], circuit: &Circuit) -> Result<Payload> {
	let json: InputJson = serde_json::from_slice(bytes).map_err(|e| {
		WalletError::Input(format!(
			"not an inference input file ({{\"input\": [integers]}}, and for adapted models \
			 \"adapter\": {{\"a\", \"b\", \"alpha\"}}; nothing else): {e}"
		))
	})?;
	let shape = circuit.model_shape()?;
	if json.input.len() > shape.inputs {
		return Err(WalletError::Input(format!(
			"the input has {} entries; the model's circuit takes {}",
			json.input.len(),
			shape.inputs
		)));
	}
	let x = mlp::pad_input(&int8s(&json.input, "input")?, shape.inputs);
	match (circuit.kind, json.adapter) {
		(JobKind::Adapted, Some(adapter)) => {
			let (rank, _, _) = circuit.adapter_sizes()?;
			let a = matrix(&adapter.a, (rank, shape.inputs), "A")?;
			let b = matrix(&adapter.b, (shape.hidden, rank), "B")?;
			let alpha = i16::try_from(adapter.alpha).map_err(|_| {
				WalletError::Input(format!("alpha ({}) is not an int16", adapter.alpha))
			})?;
			Ok(Payload::Adapted { x, a, b, alpha })
		},
		(JobKind::Adapted, None) => Err(WalletError::Input(
			"the model takes the client's adapter: add \"adapter\": {\"a\", \"b\", \"alpha\"}"
				.into(),
		)),
		(_, Some(_)) => Err(WalletError::Input("the model takes no adapter".into())),
		(_, None) => Ok(Payload::Inference { x }),
	}
}

/// The adapter of an adapted request's payload, for `circuit`.
pub fn adapter(circuit: &Circuit, a: &[i8], b: &[i8], alpha: i16) -> Result<Adapter> {
	let shape = circuit.model_shape()?;
	let (rank, _, _) = circuit.adapter_sizes()?;
	let rows = |entries: &[i8], columns: usize| {
		Matrix::from_rows(&entries.chunks(columns.max(1)).collect::<Vec<_>>(), columns).ok_or_else(
			|| WalletError::Input("the adapter's entries do not fill its matrices".into()),
		)
	};
	Adapter::new(rows(a, shape.inputs)?, rows(b, rank)?, alpha)
		.map_err(|e| WalletError::Input(format!("the adapter: {e}")))
}

/// The input and delivery commitments a job for `request` carries under `circuit`: what the
/// client publishes, and what the provider recomputes before accepting.
pub fn commitments(circuit: &Circuit, request: &Request) -> Result<([u8; 32], Option<[u8; 32]>)> {
	let delivery = Some(fp_to_bytes(&delivery::commitment(request.delivery_key)));
	match (circuit.kind, &request.payload) {
		(JobKind::Inference, Payload::Inference { x }) => {
			Ok((fp_to_bytes(&mlp::input_commitment(x, request.input_salt)), delivery))
		},
		(JobKind::Adapted, Payload::Adapted { x, a, b, alpha }) => {
			let adapter = adapter(circuit, a, b, *alpha)?;
			let input = adapted::input_commitment(x, &adapter, request.input_salt);
			Ok((fp_to_bytes(&input), delivery))
		},
		(JobKind::Commitment, Payload::Inference { x }) => {
			let bytes: Vec<u8> = x.iter().map(|&e| e as u8).collect();
			Ok((commit_bytes(CommitmentKind::Input, &blake2_256(&bytes), request.input_salt), None))
		},
		_ => Err(WalletError::Input(format!("the request does not fit circuit {}", circuit.name))),
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

impl PreparedJob {
	/// The `create_job` of this job when its request reaches the provider off chain (the
	/// x402 HTTP API, docs/PROVIDER.md): an empty request on chain.
	pub fn off_chain_call(&self, model_id: u32, payment: u128, deadline: u32) -> PoiCall {
		PoiCall::create_job {
			model_id,
			input: self.input,
			delivery: self.delivery,
			request: Default::default(),
			payment,
			deadline,
		}
	}
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
		JobKind::Inference | JobKind::Adapted => read_input(input_file, circuit)?,
		JobKind::Commitment => {
			Payload::Inference { x: input_file.iter().map(|&b| b as i8).collect() }
		},
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
	let shape = circuit.model_shape()?;
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
	fn input_files_hold_int8_inputs_and_adapters_only() {
		let digits = Circuit::parse("inference-64x32x10").expect("digits");
		let read = |bytes: &[u8]| read_input(bytes, &digits);
		let mut x = vec![1, -2, 127];
		x.resize(64, 0);
		assert_eq!(read(br#"{"input": [1, -2, 127]}"#).ok(), Some(Payload::Inference { x }));
		let error = |bytes: &[u8]| read(bytes).expect_err("refused").to_string();
		assert!(error(br#"{"input": [1, 128]}"#).contains("input entry 1 (128) is not an int8"));
		assert!(
			error(format!("{{\"input\": {:?}}}", [0; 65]).as_bytes()).contains("has 65 entries")
		);
		assert!(error(br#"{"input": [1], "w1": [[1]]}"#).contains("unknown field `w1`"));
		assert!(error(b"[1, 2]").contains("not an inference input file"));
		let with_adapter = br#"{"input": [1], "adapter": {"a": [], "b": [], "alpha": 1}}"#;
		assert!(error(with_adapter).contains("takes no adapter"));

		let adapted = Circuit::parse("adapted-16x16x16-r4").expect("adapted");
		let file = |a: &Vec<Vec<i64>>, b: &Vec<Vec<i64>>, alpha: i64| {
			serde_json::json!({ "input": [3], "adapter": { "a": a, "b": b, "alpha": alpha } })
				.to_string()
		};
		let (a, b) = (vec![vec![1; 16]; 4], vec![vec![-1; 4]; 16]);
		let payload = read_input(file(&a, &b, -300).as_bytes(), &adapted).expect("an adapter");
		let Payload::Adapted { x, a: a_entries, b: b_entries, alpha } = &payload else {
			panic!("not adapted: {payload:?}")
		};
		assert_eq!(
			(x.len(), x[0], a_entries.len(), b_entries.len(), *alpha),
			(16, 3, 64, 64, -300)
		);
		let built = adapter(&adapted, a_entries, b_entries, *alpha).expect("fits");
		assert_eq!((built.rank(), built.a().columns(), built.b().rows()), (4, 16, 16));
		let refused = |bytes: String| {
			read_input(bytes.as_bytes(), &adapted).expect_err("refused").to_string()
		};
		assert!(refused(file(&vec![vec![1; 16]; 3], &b, 1)).contains("A must be 4 rows of 16"));
		assert!(refused(file(&a, &vec![vec![1; 4]; 15], 1)).contains("B must be 16 rows of 4"));
		assert!(refused(file(&a, &b, 1 << 15)).contains("not an int16"));
		assert!(refused(r#"{"input": [1]}"#.into()).contains("takes the client's adapter"));
	}

	#[test]
	fn argmax_takes_the_lowest_of_equal_entries() {
		assert_eq!(argmax(&[3, 9, -1, 9]), Some(1));
		assert_eq!(argmax(&[-5]), Some(0));
		assert_eq!(argmax(&[]), None);
	}
}
