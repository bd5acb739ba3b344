//! Real proofs of the job circuits: an inference proof verifies for its own job, provider,
//! model, input, delivery key and ciphertext only, and its client decrypts exactly the
//! model's output; a proof verifies only with its own circuit version's key.

use rand::{rngs::StdRng, SeedableRng};
use sable_circuits::CircuitSpec;
use sable_inference_primitives::{delivery, statement::JobStatement};
use sable_inference_proofs::{
	circuit::inference::{InferenceVersion, InferenceWitness, V2, V3, V4},
	job::{self, verify, JobWitness},
	samples,
};
use sable_zk_primitives::{
	encoding::{fp_from_bytes, fp_to_bytes},
	Fp,
};
use sable_zk_proofs::proof::VerifyError;

const PROVIDER: [u8; 32] = [7; 32];
const JOB: u64 = 42;

fn inference(shape: sable_inference_primitives::mlp::Shape, seed: u64) -> InferenceWitness {
	match samples::inference(shape, seed) {
		JobWitness::Inference(w) => w,
		_ => unreachable!("samples::inference makes an inference witness"),
	}
}

fn prove(witness: &InferenceWitness, job: u64) -> (CircuitSpec, JobStatement, Vec<u8>) {
	let mut rng = StdRng::seed_from_u64(job);
	let result =
		JobWitness::Inference(witness.clone()).prove(job, PROVIDER, &mut rng).expect("proves");
	(result.circuit, result.statement, result.proof)
}

fn decrypt(witness: &InferenceWitness, statement: &JobStatement) -> Vec<i32> {
	let ciphertext: Vec<Fp> =
		statement.output.iter().map(|b| fp_from_bytes(b).expect("canonical")).collect();
	delivery::decrypt(
		witness.delivery_key,
		statement.job_id,
		&ciphertext,
		witness.model.shape().outputs,
	)
	.expect("decrypts")
}

/// A valid proof verifies and decrypts to the model's output; every other statement is
/// refused.
fn check_version(spec: CircuitSpec, witness: InferenceWitness) {
	let (circuit, statement, proof) = prove(&witness, JOB);
	assert_eq!(circuit, spec);
	assert_eq!(proof.len(), spec.proof_len as usize);
	assert_eq!(verify(spec.id, &proof, &statement), Ok(()), "{} verifies", spec.name);
	let expected = witness.model.infer(&witness.x).expect("valid").output;
	assert_eq!(decrypt(&witness, &statement), expected, "the client decrypts model.infer(x)");

	let refused = |statement: &JobStatement, what: &str| {
		assert_eq!(
			verify(spec.id, &proof, statement),
			Err(VerifyError::InvalidProof),
			"{}: {what}",
			spec.name
		);
	};
	for j in 0..statement.output.len() {
		let mut changed = statement.clone();
		let element = fp_from_bytes(&changed.output[j]).expect("canonical") + Fp::one();
		changed.output[j] = fp_to_bytes(&element);
		refused(&changed, "a changed ciphertext element");
	}
	refused(&JobStatement { job_id: JOB + 1, ..statement.clone() }, "another job id");
	refused(&JobStatement { provider: [8; 32], ..statement.clone() }, "another provider");
	let mut tampered = proof.clone();
	let middle = tampered.len() / 2;
	tampered[middle] ^= 1;
	assert!(verify(spec.id, &tampered, &statement).is_err());
	let mut non_canonical = statement.clone();
	non_canonical.output[0] = [0xff; 32];
	assert_eq!(verify(spec.id, &proof, &non_canonical), Err(VerifyError::MalformedPublicInputs));
	// A proof of one version verifies as no other.
	for other in job::circuits().into_iter().filter(|other| other.id != spec.id) {
		assert!(verify(other.id, &proof, &statement).is_err(), "{} as {}", spec.name, other.name);
	}
}

#[test]
fn inference_proofs_of_each_version_verify_and_decrypt() {
	check_version(V2::SPEC, inference(V2::SHAPE, 10));
	check_version(V3::SPEC, inference(V3::SHAPE, 10));
	check_version(V4::SPEC, inference(V4::SHAPE, 10));
}

#[test]
fn a_provider_cannot_substitute_key_model_or_input() {
	let client = inference(V2::SHAPE, 20);
	let (_, expected, _) = prove(&client, JOB);
	let with = |w: &InferenceWitness| prove(w, JOB);

	// Encrypted under another delivery key, checked against the client's D.
	let mut other_key = client.clone();
	other_key.delivery_key = Fp::from(12345);
	let (_, statement, proof) = with(&other_key);
	let claimed = JobStatement { delivery: expected.delivery, ..statement };
	assert_eq!(verify(V2::SPEC.id, &proof, &claimed), Err(VerifyError::InvalidProof));

	// Another model's weights, checked against the registered model's commitment.
	let other = inference(V2::SHAPE, 21);
	let cheaper = InferenceWitness::new(
		other.model,
		client.model_salt,
		client.x.clone(),
		client.input_salt,
		client.delivery_key,
	)
	.expect("valid");
	let (_, statement, proof) = with(&cheaper);
	let claimed = JobStatement { model: expected.model, ..statement };
	assert_eq!(verify(V2::SPEC.id, &proof, &claimed), Err(VerifyError::InvalidProof));

	// Another job's input, checked against this job's input commitment.
	let mut other_input = client.x.clone();
	other_input[0] = other_input[0].wrapping_add(1);
	let replayed = InferenceWitness::new(
		client.model.clone(),
		client.model_salt,
		other_input,
		client.input_salt,
		client.delivery_key,
	)
	.expect("valid");
	let (_, statement, proof) = with(&replayed);
	assert_ne!(statement.input, expected.input);
	let claimed = JobStatement { input: expected.input, ..statement };
	assert_eq!(verify(V2::SPEC.id, &proof, &claimed), Err(VerifyError::InvalidProof));

	// A proof of another job, presented for this one.
	let (_, statement, proof) = prove(&client, JOB + 7);
	let claimed = JobStatement { job_id: JOB, ..statement };
	assert_eq!(verify(V2::SPEC.id, &proof, &claimed), Err(VerifyError::InvalidProof));
}

#[test]
fn commitment_proofs_bind_job_provider_and_commitments() {
	let mut rng = StdRng::seed_from_u64(5);
	let spec = sable_circuits::POI_COMMITMENT_V1;
	let result = samples::commitment(10).prove(JOB, PROVIDER, &mut rng).expect("proves");
	assert_eq!(result.circuit, spec);
	let statement = result.statement;
	assert_eq!(verify(spec.id, &result.proof, &statement), Ok(()));
	for other in [
		JobStatement { job_id: JOB + 1, ..statement.clone() },
		JobStatement { provider: [8; 32], ..statement.clone() },
		JobStatement { model: [1; 32], ..statement.clone() },
		JobStatement { input: [1; 32], ..statement.clone() },
		JobStatement { output: vec![[1; 32]], ..statement.clone() },
	] {
		assert_eq!(verify(spec.id, &result.proof, &other), Err(VerifyError::InvalidProof));
	}
	assert!(verify(V2::SPEC.id, &result.proof, &statement).is_err());
}

#[test]
fn adapted_proofs_verify_decrypt_and_bind_the_adapter() {
	use sable_inference_primitives::adapted::Adapter;
	use sable_inference_proofs::circuit::adapted::{AdaptedWitness, SPEC};

	let JobWitness::Adapted(client) = samples::adapted(30) else {
		unreachable!("samples::adapted makes an adapted witness")
	};
	let mut rng = StdRng::seed_from_u64(30);
	let prove = |w: &AdaptedWitness, rng: &mut StdRng| {
		JobWitness::Adapted(w.clone()).prove(JOB, PROVIDER, rng).expect("proves")
	};
	let result = prove(&client, &mut rng);
	assert_eq!(result.circuit, SPEC);
	assert_eq!(result.proof.len(), SPEC.proof_len as usize);
	let statement = result.statement.clone();
	assert_eq!(verify(SPEC.id, &result.proof, &statement), Ok(()));
	let ciphertext: Vec<Fp> =
		statement.output.iter().map(|b| fp_from_bytes(b).expect("canonical")).collect();
	let y = delivery::decrypt(client.delivery_key, JOB, &ciphertext, 16).expect("decrypts");
	let adapted = client.adapter.apply(&client.base).expect("in range");
	assert_eq!(y, adapted.infer(&client.x).expect("valid").output, "the adapted model's output");
	assert_ne!(y, client.base.infer(&client.x).expect("valid").output, "not the base model's");

	let mut changed = statement.clone();
	let element = fp_from_bytes(&changed.output[1]).expect("canonical") + Fp::one();
	changed.output[1] = fp_to_bytes(&element);
	assert_eq!(verify(SPEC.id, &result.proof, &changed), Err(VerifyError::InvalidProof));
	let other_job = JobStatement { job_id: JOB + 1, ..statement.clone() };
	assert_eq!(verify(SPEC.id, &result.proof, &other_job), Err(VerifyError::InvalidProof));

	// The provider runs another adapter (here: the base model, alpha 0) and claims the
	// client's input commitment.
	let other = Adapter::new(client.adapter.a().clone(), client.adapter.b().clone(), 0)
		.expect("same ranks");
	let cheap = AdaptedWitness { adapter: other, ..client.clone() };
	let cheap = AdaptedWitness::new(
		cheap.base,
		cheap.model_salt,
		cheap.x,
		cheap.adapter,
		cheap.input_salt,
		cheap.delivery_key,
	)
	.expect("in range");
	let cheated = prove(&cheap, &mut rng);
	let claimed = JobStatement { input: statement.input, ..cheated.statement };
	assert_eq!(verify(SPEC.id, &cheated.proof, &claimed), Err(VerifyError::InvalidProof));

	// Another delivery key, checked against the client's D.
	let other_key = AdaptedWitness { delivery_key: Fp::from(99), ..client.clone() };
	let cheated = prove(&other_key, &mut rng);
	let claimed = JobStatement { delivery: statement.delivery, ..cheated.statement };
	assert_eq!(verify(SPEC.id, &cheated.proof, &claimed), Err(VerifyError::InvalidProof));

	// An adapted proof verifies as no other circuit.
	for other in job::circuits().into_iter().filter(|other| other.id != SPEC.id) {
		assert!(verify(other.id, &result.proof, &statement).is_err(), "as {}", other.name);
	}
}
