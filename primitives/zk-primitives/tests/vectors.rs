//! Test vectors: fixed keys and notes give fixed commitments, nullifiers, roots and bindings,
//! committed in `test_vectors/vectors.json` so that the runtime, the wallet and the circuit
//! (see `sable-zk-proofs/tests/vectors.rs`) agree byte for byte, and any change to hashing
//! or encodings is caught. Regenerate deliberately with `SABLE_UPDATE_VECTORS=1`.

use sable_zk_primitives::{
	binding::{ciphertext_hash, BindingData, CallKind},
	encoding::{fp_to_bytes, to_hex as hex},
	keys::SpendingKey,
	note::{output_rhos, Note, Rho},
	tree::{CommitmentTree, Frontier},
	Fp,
};
use serde_json::{json, Value};

fn fhex(x: &Fp) -> String {
	hex(&fp_to_bytes(x))
}

fn vectors() -> Value {
	let keys: Vec<Value> = [1u64, 2, 0xdead_beef]
		.iter()
		.map(|&seed| {
			let sk = SpendingKey::from_field(Fp::from(seed) * Fp::from(1_000_003));
			json!({
				"sk": hex(&sk.to_bytes()),
				"nk": fhex(&sk.nullifier_key().0),
				"owner": fhex(&sk.owner().0),
				"ivk_seed": fhex(&sk.incoming_viewing_seed()),
			})
		})
		.collect();

	let sk = SpendingKey::from_field(Fp::from(1_000_003));
	let notes: Vec<Value> = [(0u64, 11u64, 12u64), (60, 21, 22), (u64::MAX, 31, 32)]
		.iter()
		.map(|&(value, rho, rcm)| {
			let note =
				Note { value, owner: sk.owner(), rho: Rho(Fp::from(rho)), rcm: Fp::from(rcm) };
			json!({
				"sk": hex(&sk.to_bytes()),
				"value": value,
				"owner": fhex(&note.owner.0),
				"rho": fhex(&note.rho.0),
				"rcm": fhex(&note.rcm),
				"commitment": hex(&note.commitment().0),
				"nullifier": hex(&note.nullifier(&sk.nullifier_key()).0),
			})
		})
		.collect();

	let rhos = output_rhos(Fp::from(101), Fp::from(202));
	let mut tree = CommitmentTree::default();
	let mut frontier = Frontier::default();
	let mut roots = vec![json!({"leaves": 0, "root": fhex(&tree.root())})];
	for count in 1..=5u64 {
		let leaf = Fp::from(count * 1_111);
		tree.append(leaf).expect("room");
		frontier.append(&[leaf]).expect("room");
		assert_eq!(Ok(fp_to_bytes(&tree.root())), frontier.root());
		roots.push(json!({"leaves": count, "root": fhex(&tree.root())}));
	}

	let binding = BindingData {
		genesis_hash: [0x11; 32],
		kind: CallKind::Unshield,
		unshield_recipient: Some([0x22; 32]),
		fee_payee: Some([0x33; 32]),
		ciphertext_hashes: [ciphertext_hash(b"first"), ciphertext_hash(b"second")],
	};

	json!({
		"description": "Sable zk test vectors; see docs/zk.md. Leaves of `tree` are 1111 * i.",
		"keys": keys,
		"notes": notes,
		"output_rhos": {"nf0": fhex(&Fp::from(101)), "nf1": fhex(&Fp::from(202)),
			"rho0": fhex(&rhos[0].0), "rho1": fhex(&rhos[1].0)},
		"tree": roots,
		"binding": {
			"genesis_hash": hex(&binding.genesis_hash),
			"kind": "Unshield",
			"unshield_recipient": hex(&[0x22; 32]),
			"fee_payee": hex(&[0x33; 32]),
			"ciphertext_hashes": [hex(&binding.ciphertext_hashes[0]), hex(&binding.ciphertext_hashes[1])],
			"ciphertexts": ["first", "second"],
			"binding": hex(&binding.to_bytes()),
		},
	})
}

#[test]
fn computed_values_match_the_committed_vectors() {
	// Found at run time (cargo and scripts/run-tests.py set the variable): a test binary may
	// have been built, with its compile-time paths, from another checkout of the same tree.
	let path = std::path::Path::new(&std::env::var("CARGO_MANIFEST_DIR").expect("run by cargo"))
		.join("test_vectors/vectors.json");
	let actual = vectors();
	if std::env::var_os("SABLE_UPDATE_VECTORS").is_some() {
		std::fs::write(&path, serde_json::to_string_pretty(&actual).expect("json") + "\n")
			.expect("write");
	}
	let committed: Value =
		serde_json::from_str(&std::fs::read_to_string(&path).expect("vectors exist")).expect("JSON");
	assert_eq!(actual, committed, "hashing or encodings changed");
}
