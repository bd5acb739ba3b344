//! Inference jobs: the output reaches the client inside the proof (`docs/poi.md`,
//! "Delivery"). A result settles only if it is the registered model's output on the client's
//! committed input, encrypted to the client's delivery key; anything else is refused and
//! changes nothing.

use sable_inference_primitives::{delivery, mlp::Shape};
use sable_inference_proofs::{circuit::inference::InferenceWitness, job::JobWitness, samples};
use sable_zk_primitives::{encoding::fp_from_bytes, Fp};

use super::*;

/// The fastest inference version: 16 x 16 x 16.
const CIRCUIT: CircuitId = circuits::POI_INFERENCE_16X16X16_V2.id;
const SHAPE: Shape = Shape::new(16, 16, 16);

/// The client's sample inference on Carol's registered model.
fn sample() -> InferenceWitness {
	let JobWitness::Inference(witness) = samples::inference(SHAPE, 1) else {
		panic!("an inference sample")
	};
	witness
}

/// The same job with one thing changed by `change`, its trace recomputed.
fn variant(change: impl FnOnce(&mut InferenceWitness)) -> InferenceWitness {
	let mut witness = sample();
	change(&mut witness);
	InferenceWitness::new(
		witness.model,
		witness.model_salt,
		witness.x,
		witness.input_salt,
		witness.delivery_key,
	)
	.expect("a valid variant")
}

/// The output ciphertext and proof of `witness` for `job_id` by `provider`.
fn proven(witness: &InferenceWitness, job_id: JobId, provider: &AccountId) -> (OutputOf, ProofOf) {
	let witness = JobWitness::Inference(witness.clone());
	let mut rng = StdRng::seed_from_u64(job_id);
	let proven = witness.prove(job_id, *provider.as_ref(), &mut rng).expect("proves");
	(
		OutputOf::truncate_from(proven.statement.output),
		proven.proof.try_into().expect("fits"),
	)
}

/// Carol serves the sample model; Alice's job for it is accepted. Returns the model and job.
fn accepted_inference_job() -> (ModelId, JobId) {
	register(&carol());
	let statement = JobWitness::Inference(sample()).statement(0, [0; 32]);
	let model = crate::NextModelId::<Test>::get();
	assert_ok!(Inference::register_model(
		RuntimeOrigin::signed(carol()),
		CIRCUIT,
		statement.model,
		PRICE,
		[1; 32],
		[2; 32],
	));
	let job = crate::NextJobId::<Test>::get();
	assert_ok!(Inference::create_job(
		RuntimeOrigin::signed(alice()),
		model,
		statement.input,
		statement.delivery,
		REQUEST.to_vec().try_into().expect("fits"),
		PAYMENT,
		20,
	));
	accept(&carol(), job);
	(model, job)
}

fn submit_inference(job: JobId, output: OutputOf, proof: ProofOf) -> frame_support::dispatch::DispatchResultWithPostInfo {
	Inference::submit_result(RuntimeOrigin::signed(carol()), job, output, proof)
}

#[test]
fn the_client_decrypts_exactly_the_models_output() {
	new_test_ext().execute_with(|| {
		let (_, job) = accepted_inference_job();
		let witness = sample();
		let (output, proof) = proven(&witness, job, &carol());
		assert_eq!(output.len(), SHAPE.output_elements());
		assert_ok!(submit_inference(job, output.clone(), proof));
		// Settled at once: no challenge window for proven inference.
		assert!(matches!(status(job), JobStatus::Completed { .. }));
		assert_eq!(held(HoldReason::JobPayment, &alice()), 0);
		assert_eq!(crate::Providers::<Test>::get(carol()).map(|p| p.locked), Some(0));
		// The client reads the stored ciphertext and decrypts the model's output.
		let stored = crate::Results::<Test>::get(job).expect("a result");
		let ciphertext: Vec<Fp> =
			stored.iter().map(|element| fp_from_bytes(element).expect("canonical")).collect();
		let decrypted = delivery::decrypt(witness.delivery_key, job, &ciphertext, SHAPE.outputs)
			.expect("decrypts");
		let expected = witness.model.infer(&witness.x).expect("runs").output;
		assert_eq!(decrypted, expected);
		// Nobody else can: another key does not decrypt to a packing.
		assert!(delivery::decrypt(witness.delivery_key + Fp::one(), job, &ciphertext, SHAPE.outputs)
			.is_err());
		assert!(events().contains(&Event::JobCompleted {
			job_id: job,
			provider: carol(),
			output,
			paid: PAYMENT - fee(PAYMENT),
			fee: fee(PAYMENT),
		}));
	});
}

#[test]
fn results_other_than_the_models_output_for_this_job_are_refused() {
	new_test_ext().execute_with(|| {
		let (model, job) = accepted_inference_job();
		let (output, proof) = proven(&sample(), job, &carol());

		// One ciphertext element changed.
		let mut tampered = output.clone();
		tampered[0][0] ^= 1;
		assert_noop!(submit_inference(job, tampered, proof.clone()), Error::<Test>::InvalidProof);
		// Too few elements, before any verification.
		let short = OutputOf::truncate_from(output[..1].to_vec());
		assert_noop!(submit_inference(job, short, proof.clone()), Error::<Test>::WrongOutputLength);

		// Encrypted to another delivery key.
		let other_key = variant(|w| w.delivery_key += Fp::one());
		let (output_k, proof_k) = proven(&other_key, job, &carol());
		assert_noop!(submit_inference(job, output_k, proof_k), Error::<Test>::InvalidProof);
		// Another model's weights (same shape).
		let other_model = variant(|w| w.model = samples::model(SHAPE, 2));
		let (output_m, proof_m) = proven(&other_model, job, &carol());
		assert_noop!(submit_inference(job, output_m, proof_m), Error::<Test>::InvalidProof);
		// Another job's input.
		let other_input = variant(|w| w.x[0] = w.x[0].wrapping_add(1));
		let (output_x, proof_x) = proven(&other_input, job, &carol());
		assert_noop!(submit_inference(job, output_x, proof_x), Error::<Test>::InvalidProof);
		// The right result proven for another job id.
		let (output_j, proof_j) = proven(&sample(), job + 1, &carol());
		assert_noop!(submit_inference(job, output_j, proof_j), Error::<Test>::InvalidProof);

		// A result for a retired model.
		assert_ok!(Inference::retire_model(RuntimeOrigin::signed(carol()), model));
		assert_noop!(
			submit_inference(job, output.clone(), proof.clone()),
			Error::<Test>::ModelRetired
		);
		assert_eq!(status(job), JobStatus::Accepted);
	});
}

#[test]
fn inference_jobs_need_a_delivery_commitment() {
	new_test_ext().execute_with(|| {
		let (model, _) = accepted_inference_job();
		let statement = JobWitness::Inference(sample()).statement(0, [0; 32]);
		assert_noop!(
			Inference::create_job(
				RuntimeOrigin::signed(bob()),
				model,
				statement.input,
				None,
				Default::default(),
				PAYMENT,
				20,
			),
			Error::<Test>::DeliveryMismatch
		);
		assert_noop!(
			Inference::create_job(
				RuntimeOrigin::signed(bob()),
				model,
				statement.input,
				Some([0xff; 32]),
				Default::default(),
				PAYMENT,
				20,
			),
			Error::<Test>::NonCanonicalCommitment
		);
	});
}
