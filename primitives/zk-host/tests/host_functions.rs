//! The host functions called natively, as the node's executor calls them: real proofs,
//! every typed error, batch failure indexes, the verified-statement cache and the metrics.

mod common;

use common::statements;

use codec::Encode;
use rand::{rngs::StdRng, SeedableRng};
use sable_zk_host::{
	circuits, native, zk_verifier, BatchFailure, CircuitId, ProofError, PublicInputs, Statement,
	StatementBatch, VerifyError,
};


/// The host function `verify`, as the runtime calls it.
fn host_verify(statement: &Statement) -> Result<(), VerifyError> {
	zk_verifier::verify(&statement.encode())
}

/// The host function `verify_batch`, as the runtime calls it.
fn host_verify_batch(statements: &[Statement]) -> Result<(), Vec<BatchFailure>> {
	zk_verifier::verify_batch(&StatementBatch::truncate_from(statements.to_vec()).encode())
}

/// `statement` with one proof byte flipped: it no longer verifies.
fn tampered_proof(statement: &Statement) -> Statement {
	let mut bad = statement.clone();
	bad.proof[100] ^= 1;
	bad
}

fn counter(name: &str) -> u64 {
	let metrics = native::metrics().expect("metrics");
	match name {
		"hits" => metrics.cache_hits.get(),
		"misses" => metrics.cache_misses.get(),
		_ => unreachable!(),
	}
}

#[test]
fn valid_proofs_verify_and_each_kind_of_bad_input_has_its_error() {
	let [good, _] = statements();
	assert_eq!(zk_verifier::verify(&good.encode()), Ok(()));
	assert_eq!(host_verify(good), Ok(()));

	assert_eq!(host_verify(&tampered_proof(good)), Err(VerifyError::InvalidProof));

	let mut other_inputs = good.clone();
	other_inputs.public_inputs[5][0] ^= 1; // value_in
	assert_eq!(host_verify(&other_inputs), Err(VerifyError::InvalidProof));

	let mut non_canonical = good.clone();
	non_canonical.public_inputs[1] = [0xff; 32];
	assert_eq!(host_verify(&non_canonical), Err(VerifyError::MalformedPublicInputs));

	let mut too_few = good.clone();
	too_few.public_inputs.pop();
	assert_eq!(host_verify(&too_few), Err(VerifyError::MalformedPublicInputs));

	let mut unknown = good.clone();
	unknown.circuit = CircuitId { id: 1, version: 99 };
	assert_eq!(host_verify(&unknown), Err(VerifyError::UnknownCircuit));

	assert_eq!(zk_verifier::verify(b"not a statement"), Err(VerifyError::MalformedStatement));
	let mut trailing = good.encode();
	trailing.push(0);
	assert_eq!(zk_verifier::verify(&trailing), Err(VerifyError::MalformedStatement));
	// A proof longer than the bound is refused while decoding, before any work.
	let oversize = (good.circuit, good.public_inputs.clone(), vec![0u8; 4545]).encode();
	assert_eq!(zk_verifier::verify(&oversize), Err(VerifyError::MalformedStatement));
}

#[test]
fn a_batch_fails_fast_at_its_first_failure() {
	let [first, second] = statements();
	let batch = vec![first.clone(), second.clone()];
	assert_eq!(host_verify_batch(&batch), Ok(()));

	// An invalid proof fails the combined check: the batch as a whole is refused, without a
	// search for the culprit (which would cost one verification per item).
	native::clear_cache();
	let batch = vec![first.clone(), tampered_proof(second), second.clone()];
	assert_eq!(
		host_verify_batch(&batch),
		Err(vec![BatchFailure {
			index: BatchFailure::WHOLE_BATCH,
			error: VerifyError::InvalidProof
		}])
	);
	// Nothing of a refused batch is remembered as verified.
	assert!(!native::is_cached(&first));
	// An item the host cannot use is named, before any verification.
	let mut unknown = first.clone();
	unknown.circuit = CircuitId { id: 77, version: 1 };
	assert_eq!(
		host_verify_batch(&[first.clone(), unknown]),
		Err(vec![BatchFailure { index: 1, error: VerifyError::UnknownCircuit }])
	);
	assert_eq!(
		zk_verifier::verify_batch(&[0xff; 3]),
		Err(vec![BatchFailure { index: u32::MAX, error: VerifyError::MalformedStatement }])
	);
}

#[test]
fn only_statements_that_verified_are_cached() {
	native::clear_cache();
	let [good, _] = statements();
	let bad = tampered_proof(good);

	// Other tests share the process-wide cache and counters: only monotonic checks here.
	let misses = counter("misses");
	assert_eq!(host_verify(&bad), Err(VerifyError::InvalidProof));
	assert_eq!(host_verify(&bad), Err(VerifyError::InvalidProof));
	assert!(!native::is_cached(&bad), "a failed statement is never cached");
	assert!(counter("misses") >= misses + 2);

	assert_eq!(host_verify(good), Ok(()));
	assert!(native::is_cached(good));
	let hits = counter("hits");
	assert_eq!(host_verify(good), Ok(()));
	assert!(counter("hits") > hits, "the second verification is answered from the cache");

	// The same proof with other public inputs is a different statement: not a hit.
	let mut other = good.clone();
	other.public_inputs[7][0] ^= 1;
	assert!(!native::is_cached(&other));
	assert_eq!(host_verify(&other), Err(VerifyError::InvalidProof));
}

#[test]
fn metrics_register_in_a_registry() {
	let registry = substrate_prometheus_endpoint::Registry::new();
	native::register_metrics(&registry).expect("registers");
	let [good, _] = statements();
	assert_eq!(host_verify(good), Ok(()));
	let names: Vec<String> =
		registry.gather().iter().map(|family| family.get_name().to_string()).collect();
	for name in [
		"sable_zk_verifications_total",
		"sable_zk_verification_seconds",
		"sable_zk_cache_hits_total",
		"sable_zk_cache_misses_total",
	] {
		assert!(names.iter().any(|n| n == name), "{name} missing from {names:?}");
	}
	let ids: Vec<u16> = native::known_circuits().iter().map(|c| c.id).collect();
	assert_eq!(ids, [1, 2, 4, 4, 4, 5], "transfer, job commitment, inference, adapted");
}

#[test]
fn the_node_verifies_every_registered_version_with_its_pinned_key() {
	let registered: Vec<CircuitId> = circuits::REGISTRY.iter().map(|spec| spec.id).collect();
	assert_eq!(native::known_circuits(), registered, "a key for every registry entry, no other");
	// Builds every key and compares its digest with the registry's: a changed circuit or
	// dependency fails here, naming the circuit, as it would stop a node from starting.
	if let Err(mismatch) = native::check_keys() {
		panic!("{mismatch}");
	}
}

/// `statement` with its proof bytes replaced.
fn with_proof(statement: &Statement, proof: Vec<u8>) -> Option<Statement> {
	Some(Statement { proof: proof.try_into().ok()?, ..statement.clone() })
}

#[test]
fn a_proof_of_any_other_length_is_refused_singly_and_in_a_batch() {
	let [good, second] = statements();
	let len = good.proof.len();
	assert_eq!(len, circuits::TRANSFER_V1.proof_len as usize);
	let mut padded_1 = good.proof.to_vec();
	padded_1.push(0);
	// One byte more than the longest registered proof.
	let mut padded_over = good.proof.to_vec();
	padded_over.resize(circuits::MAX_PROOF_LEN as usize + 1, 0);
	let short = good.proof[..len - 1].to_vec();

	// The runtime refuses each before calling the host.
	for proof in [&padded_1, &short] {
		let refused = Statement::new(
			good.circuit,
			&good.public_inputs,
			proof.clone().try_into().expect("within the bound"),
		);
		assert_eq!(refused, Err(ProofError::WrongProofLength));
	}
	// Beyond the bound of every proof an extrinsic carries: not even decodable.
	assert!(with_proof(good, padded_over.clone()).is_none());
	let longest = circuits::REGISTRY.iter().map(|spec| spec.proof_len).max();
	assert_eq!(Some(circuits::MAX_PROOF_LEN), longest);

	// The host refuses them too, before verification, singly and inside a batch.
	for proof in [padded_1, short] {
		let bad = with_proof(good, proof).expect("within the bound");
		assert_eq!(host_verify(&bad), Err(VerifyError::MalformedStatement));
		assert_eq!(
			host_verify_batch(&[second.clone(), bad]),
			Err(vec![BatchFailure { index: 1, error: VerifyError::MalformedStatement }])
		);
	}
	let raw = (good.circuit, good.public_inputs.clone(), padded_over).encode();
	assert_eq!(zk_verifier::verify(&raw), Err(VerifyError::MalformedStatement));
	assert_eq!(host_verify(good), Ok(()), "the exact proof still verifies");
}

#[test]
fn the_runtime_helper_makes_one_host_call_and_one_error() {
	let [first, second] = statements();
	assert_eq!(sable_zk_host::verify(&[]), Ok(()));
	assert_eq!(sable_zk_host::verify(&[first.clone()]), Ok(()));
	assert_eq!(sable_zk_host::verify(&[first.clone(), second.clone()]), Ok(()));
	assert_eq!(sable_zk_host::verify(&[tampered_proof(first)]), Err(ProofError::InvalidProof));
	assert_eq!(
		sable_zk_host::verify(&[first.clone(), tampered_proof(second)]),
		Err(ProofError::InvalidProof)
	);
	let unknown = Statement { circuit: CircuitId::new(1, 99), ..first.clone() };
	assert_eq!(sable_zk_host::verify(&[unknown]), Err(ProofError::UnknownCircuit));
	assert_eq!(
		Statement::new(CircuitId::new(1, 99), &first.public_inputs, first.proof.clone()),
		Err(ProofError::UnknownCircuit)
	);
	assert_eq!(
		Statement::new(first.circuit, &first.public_inputs[..8], first.proof.clone()),
		Err(ProofError::MalformedPublicInputs)
	);
	let too_many = vec![first.clone(); sable_zk_host::MAX_BATCH_LEN as usize + 1];
	assert_eq!(sable_zk_host::verify(&too_many), Err(ProofError::BatchTooLarge));
}

#[test]
fn job_proofs_verify_through_the_host_with_their_own_circuit_only() {
	use sable_inference_proofs::{job, samples};

	let mut rng = StdRng::seed_from_u64(9);
	let specs = job::circuits();
	for spec in &specs {
		let witness = samples::of_circuit(spec.id, 3).expect("a sample of every version");
		let result = witness.prove(5, [2; 32], &mut rng).expect("proves");
		assert_eq!(result.circuit, *spec);
		let statement = Statement::new(
			spec.id,
			&result.statement.public_inputs().expect("canonical"),
			result.proof.clone().try_into().expect("proof fits"),
		)
		.expect("a well-formed statement");
		assert_eq!(zk_verifier::verify(&statement.encode()), Ok(()), "{}", spec.name);
		for other in specs.iter().filter(|other| other.id != spec.id) {
			let wrong = Statement { circuit: other.id, ..statement.clone() };
			// Refused before verification when the instance or proof length differs; two
			// versions of one shape of statement and proof still do not share a key.
			let expected = if other.public_inputs != spec.public_inputs {
				VerifyError::MalformedPublicInputs
			} else if other.proof_len != spec.proof_len {
				VerifyError::MalformedStatement
			} else {
				VerifyError::InvalidProof
			};
			assert_eq!(
				zk_verifier::verify(&wrong.encode()),
				Err(expected),
				"{} as {}",
				spec.name,
				other.name
			);
		}
		let other_job = sable_inference_primitives::statement::JobStatement {
			job_id: 6,
			..result.statement.clone()
		};
		let moved = Statement {
			public_inputs: PublicInputs::truncate_from(
				other_job.public_inputs().expect("canonical"),
			),
			..statement.clone()
		};
		assert_eq!(zk_verifier::verify(&moved.encode()), Err(VerifyError::InvalidProof));
		let unknown = Statement { circuit: CircuitId { id: 99, version: 1 }, ..statement };
		assert_eq!(zk_verifier::verify(&unknown.encode()), Err(VerifyError::UnknownCircuit));
	}
}
