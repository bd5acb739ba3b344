//! MockProver tests: valid witnesses satisfy every constraint, and violating any one
//! constraint of `docs/zk.md`, "Statement", is caught.

mod common;

use ff::Field;
use halo2_proofs::{circuit::Value, dev::MockProver};
use sable_zk_primitives::{note::NoteCommitment, public_inputs::TransferPublicInputs, Fp};
use sable_zk_proofs::{
	circuit::{TransferCircuit, K},
	witness::TransferWitness,
};

fn mock(circuit: &TransferCircuit, public_inputs: &TransferPublicInputs) -> Result<(), String> {
	let instance = public_inputs.to_instance().expect("canonical");
	let prover = MockProver::run(K, circuit, vec![instance.to_vec()]).map_err(|e| e.to_string())?;
	prover.verify().map_err(|failures| format!("{failures:?}"))
}

fn valid(request: sable_zk_proofs::witness::TransferRequest) -> TransferWitness {
	request.build(&mut common::rng()).expect("valid request")
}

/// Gives output `j` the field value `value` and makes its public commitment match, so that
/// only the value constraints (range, balance) can notice.
fn force_output_value(witness: &mut TransferWitness, j: usize, value: Fp) {
	let note = witness.output_notes[j];
	witness.circuit.outputs[j].value = Value::known(value);
	let cm = sable_zk_primitives::hash::hash5(
		sable_zk_primitives::hash::DomainTag::NoteCommitment,
		value,
		note.owner.0,
		note.rho.0,
		note.rcm,
	);
	witness.public_inputs.commitments[j] = NoteCommitment::from_field(cm);
}

#[test]
fn valid_statements_are_satisfied() {
	for (name, request) in [
		("shield", common::shield(100)),
		("transfer, one input", common::transfer_one_input()),
		("transfer, two inputs", common::transfer_two_inputs()),
		("unshield", common::unshield()),
	] {
		let witness = valid(request);
		assert_eq!(mock(&witness.circuit, &witness.public_inputs), Ok(()), "{name}");
	}
}

#[test]
fn wrong_merkle_path_is_rejected() {
	let mut witness = valid(common::transfer_one_input());
	witness.circuit.inputs[0].siblings[7] = Value::known(Fp::from(12345));
	assert!(mock(&witness.circuit, &witness.public_inputs).is_err());
}

#[test]
fn wrong_position_is_rejected() {
	let mut witness = valid(common::transfer_one_input());
	witness.circuit.inputs[0].position_bits[0] =
		witness.circuit.inputs[0].position_bits[0].map(|b| !b);
	assert!(mock(&witness.circuit, &witness.public_inputs).is_err());
}

#[test]
fn wrong_spending_key_is_rejected() {
	// Bob tries to spend Alice's note with his own key: the note he commits to is not the leaf.
	let mut witness = valid(common::transfer_one_input());
	witness.circuit.inputs[0].sk = Value::known(common::bob().inner());
	assert!(mock(&witness.circuit, &witness.public_inputs).is_err());
}

#[test]
fn wrong_nullifier_is_rejected() {
	let witness = valid(common::transfer_one_input());
	let mut public_inputs = witness.public_inputs.clone();
	public_inputs.nullifiers[0] = sable_zk_primitives::note::Nullifier::from_field(Fp::from(777));
	assert!(mock(&witness.circuit, &public_inputs).is_err());
}

#[test]
fn unbalanced_values_are_rejected() {
	// Output 0 claims one more unit, and its public commitment is made to match, so only the
	// balance equation is violated.
	let mut witness = valid(common::transfer_one_input());
	let value = Fp::from(witness.output_notes[0].value + 1);
	force_output_value(&mut witness, 0, value);
	assert!(mock(&witness.circuit, &witness.public_inputs).is_err());
}

#[test]
fn value_of_two_to_the_64_is_rejected() {
	// In the field, out_0 = 2^64 + 100 and out_1 = -2^64 balance a shield of 100: only the
	// range checks stand in the way.
	let mut witness = valid(common::shield(100));
	let two_64 = Fp::from(u64::MAX) + Fp::ONE;
	force_output_value(&mut witness, 0, two_64 + Fp::from(100));
	force_output_value(&mut witness, 1, -two_64);
	let error = mock(&witness.circuit, &witness.public_inputs).expect_err("2^64 is out of range");
	// Strict range checks end their running sum in a copy of the constant 0; for 2^64 + 100
	// and -2^64 that copy fails inside the range-check regions.
	assert!(error.contains("8 words range check"), "{error}");
}

#[test]
fn tampered_output_commitment_is_rejected() {
	let witness = valid(common::transfer_two_inputs());
	let mut public_inputs = witness.public_inputs.clone();
	public_inputs.commitments[1] = NoteCommitment::from_field(Fp::from(31337));
	assert!(mock(&witness.circuit, &public_inputs).is_err());
}

#[test]
fn zero_value_dummy_needs_no_path_but_a_real_value_does() {
	// A dummy input with a garbage path is fine...
	let mut witness = valid(common::shield(10));
	witness.circuit.inputs[1].siblings[0] = Value::known(Fp::from(5));
	assert_eq!(mock(&witness.circuit, &witness.public_inputs), Ok(()));
	// ...but giving it value (balanced by a larger output) requires it to be in the tree.
	let mut witness = valid(common::shield(10));
	witness.circuit.inputs[1].value = Value::known(Fp::from(5));
	let value = Fp::from(witness.output_notes[0].value + 5);
	force_output_value(&mut witness, 0, value);
	assert!(mock(&witness.circuit, &witness.public_inputs).is_err());
}

#[test]
fn forged_output_rho_is_rejected() {
	// The output commitment is made with a rho the prover chose instead of the derived one.
	let witness = valid(common::transfer_one_input());
	let mut note = witness.output_notes[0];
	note.rho = sable_zk_primitives::note::Rho(Fp::from(99));
	let mut public_inputs = witness.public_inputs.clone();
	public_inputs.commitments[0] = note.commitment();
	assert!(mock(&witness.circuit, &public_inputs).is_err());
}
