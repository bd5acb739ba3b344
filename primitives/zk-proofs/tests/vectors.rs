//! The circuit computes the committed test vectors' values: a note of
//! `sable-zk-primitives/test_vectors/vectors.json` spent in the circuit reveals exactly the
//! vector's nullifier, and its commitment (checked through the Merkle root) is the vector's.

mod common;

use halo2_proofs::dev::MockProver;
use sable_zk_primitives::{
	encoding::{fp_from_bytes, from_hex_array, to_hex},
	keys::SpendingKey,
	note::{Note, Rho},
	tree::CommitmentTree,
	Fp,
};
use sable_zk_proofs::{
	circuit::K,
	witness::{Recipient, Spend, TransferRequest},
};
use serde_json::Value;

fn field(value: &Value) -> Fp {
	let bytes = from_hex_array(value.as_str().expect("hex")).expect("32 bytes of hex");
	fp_from_bytes(&bytes).expect("canonical")
}

#[test]
fn circuit_reveals_the_vector_nullifier_and_commitment() {
	// Found at run time (cargo and scripts/run-tests.py set the variable): a test binary may
	// have been built, with its compile-time paths, from another checkout of the same tree.
	let path = std::path::Path::new(&std::env::var("CARGO_MANIFEST_DIR").expect("run by cargo"))
		.join("../zk-primitives/test_vectors/vectors.json");
	let vectors: Value =
		serde_json::from_str(&std::fs::read_to_string(&path).expect("vectors")).expect("JSON");
	let vector = &vectors["notes"][1];
	let sk_bytes = from_hex_array(vector["sk"].as_str().expect("sk")).expect("32 bytes of hex");
	let sk = SpendingKey::from_bytes(&sk_bytes).expect("canonical");
	let note = Note {
		value: vector["value"].as_u64().expect("value"),
		owner: sk.owner(),
		rho: Rho(field(&vector["rho"])),
		rcm: field(&vector["rcm"]),
	};
	assert_eq!(to_hex(&note.commitment().0), vector["commitment"].as_str().expect("cm"));

	let mut tree = CommitmentTree::default();
	let position = tree.append(note.commitment_field()).expect("room");
	let request = TransferRequest {
		inputs: [
			Spend { sk, note, path: tree.path(position).expect("leaf") },
			Spend::dummy(&mut common::rng()),
		],
		outputs: [
			Recipient { owner: sk.owner(), value: note.value },
			Recipient { owner: sk.owner(), value: 0 },
		],
		anchor: tree.root(),
		value_in: 0,
		value_out: 0,
		fee: 0,
		binding: Fp::from(1),
	};
	let witness = request.build(&mut common::rng()).expect("valid");
	assert_eq!(
		to_hex(&witness.public_inputs.nullifiers[0].0),
		vector["nullifier"].as_str().expect("nf")
	);
	let instance = witness.public_inputs.to_instance().expect("canonical");
	let prover = MockProver::run(K, &witness.circuit, vec![instance.to_vec()]).expect("runs");
	assert_eq!(prover.verify(), Ok(()));
}
