//! Real proofs of the job circuits: each verifies for its own job and provider only,
//! and only with its own circuit's key.

use rand::{rngs::StdRng, SeedableRng};
use sable_inference_primitives::JobKind;
use sable_inference_proofs::{
	job::{verify, JobWitness},
	samples,
};
use sable_zk_proofs::proof::VerifyError;

const PROVIDER: [u8; 32] = [7; 32];

fn check_kind(witness: JobWitness) {
	let mut rng = StdRng::seed_from_u64(5);
	let kind = witness.kind();
	let result = witness.prove(42, PROVIDER, &mut rng).expect("honest witness proves");
	assert_eq!(verify(kind, &result.proof, &result.statement), Ok(()), "{kind:?} verifies");

	let other_job = sable_inference_primitives::statement::JobStatement {
		job_id: 43,
		..result.statement.clone()
	};
	assert_eq!(verify(kind, &result.proof, &other_job), Err(VerifyError::InvalidProof));
	let other_provider = sable_inference_primitives::statement::JobStatement {
		provider: [8; 32],
		..result.statement.clone()
	};
	assert_eq!(verify(kind, &result.proof, &other_provider), Err(VerifyError::InvalidProof));
	let mut other_model = result.statement.clone();
	other_model.model[1] ^= 1;
	assert_eq!(verify(kind, &result.proof, &other_model), Err(VerifyError::InvalidProof));
	let mut other_input = result.statement.clone();
	other_input.input[1] ^= 1;
	assert_eq!(verify(kind, &result.proof, &other_input), Err(VerifyError::InvalidProof));

	for other_kind in [JobKind::Commitment, JobKind::Inference] {
		if other_kind != kind {
			assert!(
				verify(other_kind, &result.proof, &result.statement).is_err(),
				"a {kind:?} proof does not verify as {other_kind:?}"
			);
		}
	}
	let mut tampered = result.proof.clone();
	let middle = tampered.len() / 2;
	tampered[middle] ^= 1;
	assert!(verify(kind, &tampered, &result.statement).is_err());
	let mut non_canonical = result.statement.clone();
	non_canonical.output = vec![[0xff; 32]];
	assert_eq!(
		verify(kind, &result.proof, &non_canonical),
		Err(VerifyError::MalformedPublicInputs)
	);
}

#[test]
fn commitment_proofs_bind_job_provider_and_commitments() {
	check_kind(samples::commitment(10));
}

#[test]
fn inference_proofs_bind_job_provider_and_commitments() {
	check_kind(samples::inference(10));
}
