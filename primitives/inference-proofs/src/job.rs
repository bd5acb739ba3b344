//! Proving and verifying a job's result, whatever its kind.

use rand::Rng;
use sable_inference_primitives::{commit, mlp, statement::JobStatement, CommitmentKind, JobKind};
use sable_zk_primitives::{encoding::fp_to_bytes, Fp};
use sable_zk_proofs::proof::{prove_instance, verify_instance, ProveError, VerifyError};

use crate::{
	circuit::{
		commitment::{CommitmentCircuit, CommitmentWitness},
		mlp::{MlpCircuit, MlpWitness},
	},
	keys,
};

/// What a provider knows about a job's result: the witness of its kind's circuit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JobWitness {
	/// Openings of the three digest commitments.
	Commitment(CommitmentWitness),
	/// An inference.
	Inference(MlpWitness),
}

/// A result ready to submit: the statement it proves and the proof.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProvenResult {
	/// Job, provider and the three commitments.
	pub statement: JobStatement,
	/// The Halo2 proof.
	pub proof: Vec<u8>,
}

impl JobWitness {
	/// The kind of job this witness proves.
	pub fn kind(&self) -> JobKind {
		match self {
			JobWitness::Commitment(_) => JobKind::Commitment,
			JobWitness::Inference(_) => JobKind::Inference,
		}
	}

	/// The model, input and output commitments, as the circuit computes them.
	pub fn commitments(&self) -> [Fp; 3] {
		match self {
			JobWitness::Commitment(w) => [
				commit(CommitmentKind::Model, &w.model.digest, w.model.salt),
				commit(CommitmentKind::Input, &w.input.digest, w.input.salt),
				commit(CommitmentKind::Output, &w.output.digest, w.output.salt),
			],
			JobWitness::Inference(w) => [
				mlp::model_commitment(&w.model, w.salts[0]),
				mlp::input_commitment(&w.x, w.salts[1]),
				mlp::output_commitment(&w.trace.output, w.salts[2]),
			],
		}
	}

	/// The statement this witness proves for `job_id` and `provider`.
	pub fn statement(&self, job_id: u64, provider: [u8; 32]) -> JobStatement {
		let [model, input, output] = self.commitments().map(|x| fp_to_bytes(&x));
		JobStatement { job_id, provider, model, input, delivery: None, output: vec![output] }
	}

	/// Proves the result of job `job_id` for `provider` (a 32-byte account id).
	pub fn prove(
		&self,
		job_id: u64,
		provider: [u8; 32],
		rng: &mut impl Rng,
	) -> Result<ProvenResult, ProveError> {
		let statement = self.statement(job_id, provider);
		let instance = statement.to_instance().ok_or(ProveError::MalformedPublicInputs)?;
		let proof = match self {
			JobWitness::Commitment(w) => prove_instance(
				keys::commitment_keys(),
				&CommitmentCircuit { witness: Some(w.clone()) },
				&instance,
				rng,
			),
			JobWitness::Inference(w) => prove_instance(
				keys::mlp_keys(),
				&MlpCircuit { witness: Some(w.clone()) },
				&instance,
				rng,
			),
		}?;
		Ok(ProvenResult { statement, proof })
	}
}

/// Verifies a result of a `kind` job natively (the node does the same through the
/// `zk_verifier` host functions).
pub fn verify(kind: JobKind, proof: &[u8], statement: &JobStatement) -> Result<(), VerifyError> {
	let instance = statement.to_instance().ok_or(VerifyError::MalformedPublicInputs)?;
	let keys = keys::verifier_keys(kind).ok_or(VerifyError::InvalidProof)?;
	verify_instance(keys, proof, &instance)
}

/// The registered circuit version this build proves `kind` jobs with, if any.
pub fn circuit(kind: JobKind) -> Option<sable_circuits::CircuitSpec> {
	match kind {
		JobKind::Commitment => Some(crate::circuit::commitment::SPEC),
		JobKind::Inference => Some(crate::circuit::mlp::SPEC),
		JobKind::Adapted => None,
	}
}
