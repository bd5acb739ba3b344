//! The provider's side of a job (docs/poi.md, "Requests" and "Job lifecycle"): open the
//! job's request with the account's request key and check it against the job's commitments
//! before accepting (a request that fails would lock collateral for a job that cannot be
//! proven), then run the model and prove the result with the model's circuit version.

use pallet_proof_of_inference_rpc::{JobJson, ModelJson};
use sable_inference_proofs::{
	circuit::{
		adapted::AdaptedWitness,
		commitment::{CommitmentWitness, Opening},
		inference::InferenceWitness,
	},
	job::{self, JobWitness},
	primitives::JobKind,
	request::{Payload, Request},
};
use sable_zk_primitives::{
	encoding::{from_hex, from_hex_array, to_hex},
	Fp,
};
use serde::{Deserialize, Serialize};
use sp_core::{sr25519, Pair};

use super::{
	blake2_256,
	chain::PoiCall,
	chain_field,
	circuits::{request_key, Circuit, ModelFile},
	client, field_hex, random_field,
};
use crate::error::{Result, WalletError};

/// What a request must open to: the commitments of its job, or of the `create_job` call
/// that will make it.
#[derive(Clone, Copy, Debug)]
pub struct Expected<'a> {
	/// The job, or the call, in messages (`job 7`, `the payment's job`).
	pub what: &'a str,
	/// The model it is for.
	pub model_id: u32,
	/// Its input commitment.
	pub input: &'a [u8; 32],
	/// Its delivery commitment.
	pub delivery: Option<&'a [u8; 32]>,
}

impl<'a> Expected<'a> {
	/// What job `job` (as `poi_job` reports it), named `what`, commits to.
	pub fn job(what: &'a str, job: &'a JobJson) -> Expected<'a> {
		Expected {
			what,
			model_id: job.model_id,
			input: &job.input.0,
			delivery: job.delivery.as_ref().map(|d| &d.0),
		}
	}
}

/// Opens job `job_id`'s request on chain (as `poi_job` reports it, while the job is open or
/// accepted) with the request key of `provider`, and checks it against the job's
/// commitments ([`open_sealed`]).
pub fn open(
	provider: &sr25519::Pair,
	job_id: u64,
	job: &JobJson,
	model: &ModelJson,
	circuit: &Circuit,
) -> Result<Request> {
	let boxed = job.request.as_ref().filter(|boxed| !boxed.0.is_empty()).ok_or_else(|| {
		WalletError::Input(format!(
			"job {job_id} has no request on chain (it is {}; its request went to the provider \
			 off chain, or it was never sent)",
			job.status.state
		))
	})?;
	let what = format!("job {job_id}");
	open_sealed(provider, model, circuit, &boxed.0, Expected::job(&what, job))
}

/// Opens `sealed`, a request however it reached the provider, with the request key of
/// `provider`, and checks that it recomputes the `expected` input and delivery commitments.
pub fn open_sealed(
	provider: &sr25519::Pair,
	model: &ModelJson,
	circuit: &Circuit,
	sealed: &[u8],
	expected: Expected<'_>,
) -> Result<Request> {
	let what = expected.what;
	let key = request_key(provider);
	if key.public() != model.encryption_key.0 {
		return Err(WalletError::Input(format!(
			"this account's request key is not model {}'s encryption key {}: the model was \
			 registered from another account or with another key",
			expected.model_id,
			to_hex(&model.encryption_key.0)
		)));
	}
	let request = key.open(sealed, circuit.payload_shape(sealed.len())?).map_err(|e| {
		WalletError::Input(format!("{what}'s request cannot be used: {e}; refusing it"))
	})?;
	let (input, delivery) = client::commitments(circuit, &request)?;
	if &input != expected.input {
		return Err(WalletError::Input(format!(
			"{what}'s request does not match its input commitment: refusing it (it could not \
			 be proven, and accepting it would put collateral at stake)"
		)));
	}
	if delivery.as_ref() != expected.delivery {
		return Err(WalletError::Input(format!(
			"{what}'s request does not match its delivery commitment: refusing it (it could \
			 not be proven, and accepting it would put collateral at stake)"
		)));
	}
	Ok(request)
}

/// The salt that opens model `model_id`'s commitment with `file` under `circuit`: the first
/// of `candidates` that does.
pub fn model_salt(
	model_id: u32,
	model: &ModelJson,
	circuit: &Circuit,
	file: &ModelFile,
	candidates: &[Fp],
) -> Result<Fp> {
	for salt in candidates {
		if file.commitment(circuit, *salt)? == model.commitment.0 {
			return Ok(*salt);
		}
	}
	Err(WalletError::Input(format!(
		"{} does not open model {model_id}'s commitment {} with {}: is it the registered \
		 model file (and its salt, --salt)?",
		file.path.display(),
		to_hex(&model.commitment.0),
		if candidates.len() == 1 { "that salt" } else { "any salt this wallet knows" }
	)))
}

/// For adapted-inference jobs: checks that the client's adapter keeps every entry of the
/// adapted first layer of `file`'s model an int8. An adapter that does not has no proof, so
/// accepting its job would only put collateral at stake.
pub fn check_adapter(
	job_id: u64,
	circuit: &Circuit,
	request: &Request,
	file: &ModelFile,
) -> Result<()> {
	let Payload::Adapted { a, b, alpha, .. } = &request.payload else { return Ok(()) };
	let adapter = client::adapter(circuit, a, b, *alpha)?;
	adapter.apply(&file.mlp_for(circuit)?).map(|_| ()).map_err(|e| {
		WalletError::Input(format!(
			"job {job_id}'s adapter cannot be applied to the model: {e}; refusing it (it could \
			 not be proven, and accepting it would put collateral at stake)"
		))
	})
}

/// The opening of a commitment job's output, for the provider to hand to its client.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutputOpening {
	/// BLAKE2b-256 of the output file, hex.
	pub digest: String,
	/// The commitment's salt, hex.
	pub salt: String,
}

/// A proven result, as `sable job prove --out` writes it and `sable job submit` reads it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProofFile {
	/// The job.
	pub job_id: u64,
	/// The provider it was proven for (SS58).
	pub provider: String,
	/// Registry name of the circuit version that proved it.
	pub circuit: String,
	/// The result's elements, hex: the output ciphertext, or the output commitment.
	pub output: Vec<String>,
	/// The proof, hex.
	pub proof: String,
	/// For commitment jobs: what opens the output commitment.
	#[serde(default, skip_serializing_if = "Option::is_none")]
	pub output_opening: Option<OutputOpening>,
	/// Milliseconds spent proving.
	pub prove_ms: u64,
}

impl ProofFile {
	/// The `submit_result` call of this proven result.
	pub fn submit_call(&self) -> Result<PoiCall> {
		let output = self
			.output
			.iter()
			.map(|element| {
				from_hex_array::<32>(element)
					.map_err(|e| WalletError::Input(format!("the proof file's output: {e}")))
			})
			.collect::<Result<Vec<[u8; 32]>>>()?
			.try_into()
			.map_err(|_| WalletError::Input("the proof file's output is too long".into()))?;
		let proof = from_hex(&self.proof)
			.map_err(|e| WalletError::Input(format!("the proof file's proof: {e}")))?
			.try_into()
			.map_err(|_| WalletError::Input("the proof is longer than any circuit's".into()))?;
		Ok(PoiCall::submit_result { job_id: self.job_id, output, proof })
	}

	/// The output elements (the ciphertext of a job with delivery) as field elements.
	pub fn output_elements(&self) -> Result<Vec<Fp>> {
		self.output
			.iter()
			.map(|element| {
				let bytes = from_hex_array::<32>(element)
					.map_err(|e| WalletError::Input(format!("the proof file's output: {e}")))?;
				chain_field(&bytes, "an output element")
			})
			.collect()
	}
}

/// What a job is proven from besides its request.
pub struct ProveInputs<'a> {
	/// The model's file.
	pub model_file: &'a ModelFile,
	/// The model commitment's salt.
	pub model_salt: Fp,
	/// For commitment jobs: the output, produced off chain.
	pub output: Option<&'a [u8]>,
}

/// Runs the model on `request` and proves the result of job `job_id` for the provider
/// account `provider`, with `circuit`.
pub fn prove(
	job_id: u64,
	provider: &sable_runtime::AccountId,
	circuit: &Circuit,
	request: &Request,
	inputs: ProveInputs<'_>,
	rng: &mut impl rand::Rng,
) -> Result<ProofFile> {
	let (witness, output_opening) = match (circuit.kind, &request.payload) {
		(JobKind::Inference, Payload::Inference { x }) => {
			let model = inputs.model_file.mlp_for(circuit)?;
			let witness = InferenceWitness::new(
				model,
				inputs.model_salt,
				x.clone(),
				request.input_salt,
				request.delivery_key,
			)
			.map_err(|e| WalletError::Input(format!("cannot run the model: {e}")))?;
			(JobWitness::Inference(witness), None)
		},
		(JobKind::Commitment, Payload::Inference { x }) => {
			let output = inputs.output.ok_or_else(|| {
				WalletError::Input(
					"a commitment job's result is an output file: give it with --output-file"
						.into(),
				)
			})?;
			let input: Vec<u8> = x.iter().map(|&e| e as u8).collect();
			let opening = Opening { digest: blake2_256(output), salt: random_field(rng) };
			let output_opening =
				OutputOpening { digest: to_hex(&opening.digest), salt: field_hex(&opening.salt) };
			let witness = CommitmentWitness {
				model: Opening { digest: inputs.model_file.digest(), salt: inputs.model_salt },
				input: Opening { digest: blake2_256(&input), salt: request.input_salt },
				output: opening,
			};
			(JobWitness::Commitment(witness), Some(output_opening))
		},
		(JobKind::Adapted, Payload::Adapted { x, a, b, alpha }) => {
			let witness = AdaptedWitness::new(
				inputs.model_file.mlp_for(circuit)?,
				inputs.model_salt,
				x.clone(),
				client::adapter(circuit, a, b, *alpha)?,
				request.input_salt,
				request.delivery_key,
			)
			.map_err(|e| WalletError::Input(format!("cannot run the adapted model: {e}")))?;
			(JobWitness::Adapted(witness), None)
		},
		_ => {
			return Err(WalletError::Input(format!(
				"the request does not fit circuit {}",
				circuit.name
			)))
		},
	};
	let started = std::time::Instant::now();
	let proven = witness
		.prove(job_id, *AsRef::<[u8; 32]>::as_ref(provider), rng)
		.map_err(|e| WalletError::Input(format!("cannot prove job {job_id}: {e}")))?;
	let prove_ms = started.elapsed().as_millis() as u64;
	if (proven.circuit.id.id, proven.circuit.id.version) != (circuit.id, circuit.version) {
		return Err(WalletError::Input(format!(
			"the model file proves with {}, not with the model's circuit {}",
			proven.circuit.name, circuit.name
		)));
	}
	// A proof that does not verify here would only cost a transaction fee on chain.
	job::verify(proven.circuit.id, &proven.proof, &proven.statement).map_err(|e| {
		WalletError::Input(format!("the proof of job {job_id} does not verify: {e}"))
	})?;
	Ok(ProofFile {
		job_id,
		provider: provider.to_string(),
		circuit: circuit.name.into(),
		output: proven.statement.output.iter().map(|e| to_hex(e)).collect(),
		proof: to_hex(&proven.proof),
		output_opening,
		prove_ms,
	})
}

/// The signer's account, which must be `expected` (SS58) for `what`.
pub fn check_signer(signer: &sr25519::Pair, expected: &str, what: &str) -> Result<()> {
	let account = sable_runtime::AccountId::from(signer.public());
	if account.to_string() != expected {
		return Err(WalletError::Input(format!("{what} is {expected}'s; --from is {account}")));
	}
	Ok(())
}
