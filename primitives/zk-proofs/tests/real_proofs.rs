//! Real proofs: valid ones verify, alone and in batches; any change to a public input, or to
//! the bytes, makes verification fail with an error and never a panic.

mod common;

use std::sync::OnceLock;

use sable_zk_primitives::{note::NoteCommitment, public_inputs::TransferPublicInputs};
use sable_zk_proofs::{
	keys::TransferKeys,
	proof::{find_invalid, prove, verify, verify_batch, BatchError, VerifyError},
	witness::TransferRequest,
};

/// Proofs are slow to make: each kind is proven once for the whole test binary.
struct Fixture {
	shield: (Vec<u8>, TransferPublicInputs),
	transfer_one: (Vec<u8>, TransferPublicInputs),
	transfer_two: (Vec<u8>, TransferPublicInputs),
	unshield: (Vec<u8>, TransferPublicInputs),
}

fn proven(request: TransferRequest) -> (Vec<u8>, TransferPublicInputs) {
	let mut rng = common::rng();
	let witness = request.build(&mut rng).expect("valid request");
	let proof = prove(TransferKeys::get(), &witness.circuit, &witness.public_inputs, &mut rng)
		.expect("proving succeeds");
	(proof, witness.public_inputs)
}

fn fixture() -> &'static Fixture {
	static FIXTURE: OnceLock<Fixture> = OnceLock::new();
	FIXTURE.get_or_init(|| Fixture {
		shield: proven(common::shield(1_000)),
		transfer_one: proven(common::transfer_one_input()),
		transfer_two: proven(common::transfer_two_inputs()),
		unshield: proven(common::unshield()),
	})
}

#[test]
fn shield_transfer_and_unshield_proofs_verify() {
	let f = fixture();
	let keys = TransferKeys::get();
	for (name, (proof, inputs)) in [
		("shield", &f.shield),
		("transfer with one input", &f.transfer_one),
		("transfer with two inputs", &f.transfer_two),
		("unshield", &f.unshield),
	] {
		assert_eq!(verify(keys, proof, inputs), Ok(()), "{name}");
		assert!(proof.len() <= 8 * 1024, "{name}: proof of {} bytes", proof.len());
	}
}

#[test]
fn changing_any_public_input_fails_verification() {
	let (proof, inputs) = &fixture().transfer_two;
	let keys = TransferKeys::get();
	let bump = |bytes: &mut [u8; 32]| bytes[0] ^= 1;
	let mut variants: Vec<(&str, TransferPublicInputs)> = Vec::new();
	let mut v = inputs.clone();
	bump(&mut v.anchor);
	variants.push(("anchor", v));
	for i in 0..2 {
		let mut v = inputs.clone();
		bump(&mut v.nullifiers[i].0);
		variants.push(("nullifier", v));
		let mut v = inputs.clone();
		bump(&mut v.commitments[i].0);
		variants.push(("commitment", v));
	}
	let mut v = inputs.clone();
	v.value_in += 1;
	variants.push(("value_in", v));
	let mut v = inputs.clone();
	v.value_out += 1;
	variants.push(("value_out", v));
	let mut v = inputs.clone();
	v.fee += 1;
	variants.push(("fee", v));
	let mut v = inputs.clone();
	bump(&mut v.binding);
	variants.push(("binding", v));
	let mut v = inputs.clone();
	v.nullifiers.swap(0, 1);
	variants.push(("swapped nullifiers", v));

	assert_eq!(variants.len(), 10);
	for (name, variant) in variants {
		assert_eq!(verify(keys, proof, &variant), Err(VerifyError::InvalidProof), "{name}");
	}
	let mut non_canonical = inputs.clone();
	non_canonical.commitments[0] = NoteCommitment([0xff; 32]);
	assert_eq!(verify(keys, proof, &non_canonical), Err(VerifyError::MalformedPublicInputs));
}

#[test]
fn malformed_proof_bytes_are_errors() {
	let (proof, inputs) = &fixture().shield;
	let keys = TransferKeys::get();
	let mut flipped = proof.clone();
	flipped[proof.len() / 2] ^= 0x40;
	let random: Vec<u8> = (0..proof.len()).map(|i| (i * 7919 % 251) as u8).collect();
	// Any other length is refused before verification.
	let mut padded_1 = proof.clone();
	padded_1.push(0);
	let mut padded_100 = proof.clone();
	padded_100.extend([0u8; 100]);
	let wrong_lengths: [(&str, Vec<u8>); 6] = [
		("empty", vec![]),
		("one byte", vec![0]),
		("one byte short", proof[..proof.len() - 1].to_vec()),
		("one byte appended", padded_1),
		("100 bytes appended", padded_100),
		("huge", vec![0xab; 1 << 20]),
	];
	for (name, bytes) in wrong_lengths {
		assert_eq!(
			verify(keys, &bytes, inputs),
			Err(VerifyError::WrongProofLength { expected: 4480, actual: bytes.len() }),
			"{name}"
		);
	}
	// Bytes of the right length that are no proof of the statement.
	for (name, bytes) in [("flipped bit", flipped), ("random", random)] {
		assert_eq!(verify(keys, &bytes, inputs), Err(VerifyError::InvalidProof), "{name}");
	}
	// A proof for one statement is not a proof for another.
	let (other_proof, _) = &fixture().unshield;
	assert_eq!(verify(keys, other_proof, inputs), Err(VerifyError::InvalidProof));
}

#[test]
fn batch_of_valid_proofs_passes_and_a_bad_one_fails_it_fast() {
	let f = fixture();
	let keys = TransferKeys::get();
	let items = [&f.shield, &f.transfer_one, &f.transfer_two, &f.unshield];
	let batch: Vec<(&[u8], &TransferPublicInputs)> =
		items.iter().map(|(proof, inputs)| (proof.as_slice(), inputs)).collect();
	assert_eq!(verify_batch(keys, &batch), Ok(()));

	let mut wrong_fee = f.transfer_one.1.clone();
	wrong_fee.fee += 1;
	let mut bad = batch.clone();
	bad[1] = (f.transfer_one.0.as_slice(), &wrong_fee);
	assert_eq!(verify_batch(keys, &bad), Err(BatchError::Invalid));
	// Naming the culprit is a separate, per-item search.
	let instances: Vec<_> = bad.iter().map(|(_, inputs)| inputs.to_instance()).collect();
	let named: Vec<(&[u8], Option<&[_]>)> = bad
		.iter()
		.zip(&instances)
		.map(|((proof, _), instance)| (*proof, instance.as_ref().map(|column| &column[..])))
		.collect();
	assert_eq!(find_invalid(keys.into(), &named), vec![(1, VerifyError::InvalidProof)]);

	// A malformed item refuses the batch before any curve work, naming the first one.
	let garbage = vec![1u8; 100];
	let mut two_bad = batch.clone();
	two_bad[3] = (f.shield.0.as_slice(), &f.unshield.1);
	two_bad[2] = (garbage.as_slice(), &f.shield.1);
	match verify_batch(keys, &two_bad) {
		Err(BatchError::Malformed { index: 2, .. }) => {},
		other => panic!("expected the malformed item 2 first, got {other:?}"),
	}
}
