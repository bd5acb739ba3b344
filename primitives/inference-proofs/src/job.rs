//! Proving and verifying a job's result, per circuit version.

use rand::Rng;
use sable_circuits::{CircuitId, CircuitSpec};
use sable_inference_primitives::{
	adapted, commit, delivery, mlp, statement::JobStatement, CommitmentKind, JobKind,
};
use sable_zk_primitives::{encoding::fp_to_bytes, Fp};
use sable_zk_proofs::proof::{prove_instance, verify_instance, ProveError, VerifyError};

use crate::{
	circuit::{
		adapted::{AdaptedCircuit, AdaptedWitness},
		commitment::{CommitmentCircuit, CommitmentWitness},
		inference::{self, InferenceCircuit, InferenceVersion, InferenceWitness, V2, V3, V4},
	},
	keys::{self, VersionKeys},
};

/// What a provider knows about a job's result: the witness of its circuit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JobWitness {
	/// Openings of the three digest commitments.
	Commitment(CommitmentWitness),
	/// An inference, delivered encrypted; its model's shape decides the circuit version.
	Inference(InferenceWitness),
	/// An inference of a base model with the client's adapter, delivered encrypted.
	Adapted(AdaptedWitness),
}

/// A result ready to submit: the circuit version, the statement it proves and the proof.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProvenResult {
	/// The circuit version that proved it.
	pub circuit: CircuitSpec,
	/// Job, provider, commitments and output elements.
	pub statement: JobStatement,
	/// The Halo2 proof.
	pub proof: Vec<u8>,
}

/// Why a job could not be proven.
#[derive(Debug)]
pub enum JobError {
	/// No registered circuit version proves a model of this shape (pad it into one:
	/// [`mlp::QuantizedMlp::pad`]), or, for adapted inference, an adapter of this rank.
	NoCircuit(mlp::Shape),
	/// The prover refused (a witness that does not satisfy the circuit).
	Prove(ProveError),
}

impl core::fmt::Display for JobError {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		match self {
			JobError::NoCircuit(shape) => {
				write!(f, "no registered inference circuit proves a {shape} model")
			},
			JobError::Prove(e) => e.fmt(f),
		}
	}
}

impl std::error::Error for JobError {}

impl JobWitness {
	/// The kind of job this witness proves.
	pub fn kind(&self) -> JobKind {
		match self {
			JobWitness::Commitment(_) => JobKind::Commitment,
			JobWitness::Inference(_) => JobKind::Inference,
			JobWitness::Adapted(_) => JobKind::Adapted,
		}
	}

	/// The registered circuit version that proves this witness, if any.
	pub fn circuit(&self) -> Option<CircuitSpec> {
		match self {
			JobWitness::Commitment(_) => Some(crate::circuit::commitment::SPEC),
			JobWitness::Inference(w) => inference::version_of(w.model.shape()),
			JobWitness::Adapted(w) => adapted_version(w),
		}
	}

	/// The statement this witness proves for `job_id` and `provider`: the commitments as
	/// the circuit computes them and, for an inference, the client's delivery commitment
	/// and the output's ciphertext ([`delivery::encrypt`]; empty for a tampered trace whose
	/// output is not int24, which proves nothing).
	pub fn statement(&self, job_id: u64, provider: [u8; 32]) -> JobStatement {
		let bytes = |x: Fp| fp_to_bytes(&x);
		match self {
			JobWitness::Commitment(w) => JobStatement {
				job_id,
				provider,
				model: bytes(commit(CommitmentKind::Model, &w.model.digest, w.model.salt)),
				input: bytes(commit(CommitmentKind::Input, &w.input.digest, w.input.salt)),
				delivery: None,
				output: vec![bytes(commit(
					CommitmentKind::Output,
					&w.output.digest,
					w.output.salt,
				))],
			},
			JobWitness::Inference(w) => JobStatement {
				job_id,
				provider,
				model: bytes(mlp::model_commitment(&w.model, w.model_salt)),
				input: bytes(mlp::input_commitment(&w.x, w.input_salt)),
				delivery: Some(bytes(delivery::commitment(w.delivery_key))),
				output: ciphertext(w.delivery_key, job_id, w.output()),
			},
			JobWitness::Adapted(w) => JobStatement {
				job_id,
				provider,
				model: bytes(mlp::model_commitment(&w.base, w.model_salt)),
				input: bytes(adapted::input_commitment(&w.x, &w.adapter, w.input_salt)),
				delivery: Some(bytes(delivery::commitment(w.delivery_key))),
				output: ciphertext(w.delivery_key, job_id, w.output()),
			},
		}
	}

	/// Proves the result of job `job_id` for `provider` (a 32-byte account id).
	pub fn prove(
		&self,
		job_id: u64,
		provider: [u8; 32],
		rng: &mut impl Rng,
	) -> Result<ProvenResult, JobError> {
		let statement = self.statement(job_id, provider);
		let instance =
			statement.to_instance().ok_or(JobError::Prove(ProveError::MalformedPublicInputs))?;
		let (circuit, proof) = match self {
			JobWitness::Commitment(w) => (
				crate::circuit::commitment::SPEC,
				prove_instance(
					keys::commitment_keys(),
					&CommitmentCircuit { witness: Some(w.clone()) },
					&instance,
					rng,
				),
			),
			JobWitness::Inference(w) => {
				let spec = inference::version_of(w.model.shape())
					.ok_or(JobError::NoCircuit(w.model.shape()))?;
				(spec, prove_inference(spec.id, w, &instance, rng))
			},
			JobWitness::Adapted(w) => {
				let spec = adapted_version(w).ok_or(JobError::NoCircuit(w.base.shape()))?;
				let circuit = AdaptedCircuit { witness: Some(w.clone()) };
				(spec, prove_instance(keys::adapted_keys(), &circuit, &instance, rng))
			},
		};
		Ok(ProvenResult { circuit, statement, proof: proof.map_err(JobError::Prove)? })
	}
}

/// The ciphertext elements of `y`, as bytes (empty for a tampered output that is not int24,
/// which proves nothing).
fn ciphertext(key: Fp, job_id: u64, y: &[i32]) -> Vec<[u8; 32]> {
	delivery::encrypt(key, job_id, y).unwrap_or_default().iter().map(fp_to_bytes).collect()
}

/// The adapted-inference version that proves `w`: a 16 x 16 x 16 base model, rank 4.
fn adapted_version(w: &AdaptedWitness) -> Option<CircuitSpec> {
	let spec = crate::circuit::adapted::SPEC;
	(w.base.shape() == crate::circuit::adapted::SHAPE
		&& w.adapter.rank() == crate::gadgets::adapter::RANK)
		.then_some(spec)
}

fn prove_version<V: VersionKeys>(
	w: &InferenceWitness,
	instance: &[Fp],
	rng: &mut impl Rng,
) -> Result<Vec<u8>, ProveError> {
	prove_instance(V::keys(), &InferenceCircuit::<V>::new(w.clone()), instance, rng)
}

fn prove_inference(
	circuit: CircuitId,
	w: &InferenceWitness,
	instance: &[Fp],
	rng: &mut impl Rng,
) -> Result<Vec<u8>, ProveError> {
	match circuit {
		id if id == V2::SPEC.id => prove_version::<V2>(w, instance, rng),
		id if id == V3::SPEC.id => prove_version::<V3>(w, instance, rng),
		id if id == V4::SPEC.id => prove_version::<V4>(w, instance, rng),
		_ => Err(ProveError::MalformedPublicInputs),
	}
}

/// Verifies a result of circuit version `circuit` natively (the node does the same through
/// the `zk_verifier` host functions). A circuit this build does not know verifies nothing
/// ([`VerifyError::InvalidProof`]).
pub fn verify(
	circuit: CircuitId,
	proof: &[u8],
	statement: &JobStatement,
) -> Result<(), VerifyError> {
	let instance = statement.to_instance().ok_or(VerifyError::MalformedPublicInputs)?;
	let keys = keys::verifier_keys(circuit).ok_or(VerifyError::InvalidProof)?;
	verify_instance(keys, proof, &instance)
}

/// The circuit versions this build proves, in registry order.
pub fn circuits() -> Vec<CircuitSpec> {
	let mut specs = vec![crate::circuit::commitment::SPEC];
	specs.extend(inference::VERSIONS.iter().map(|(spec, _)| *spec));
	specs.push(crate::circuit::adapted::SPEC);
	specs
}
