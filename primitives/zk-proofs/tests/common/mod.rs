//! Builders for the circuit tests: a tree with notes in it, and the four kinds of request.

#![allow(dead_code)]

use ff::Field;
use rand::{rngs::StdRng, SeedableRng};
use sable_zk_primitives::{
	keys::SpendingKey,
	note::{Note, Rho},
	tree::CommitmentTree,
	Fp,
};
use sable_zk_proofs::witness::{Recipient, Spend, TransferRequest};

/// A deterministic RNG, so failures reproduce.
pub fn rng() -> StdRng {
	StdRng::seed_from_u64(0x5ab1e)
}

/// Two wallets' keys.
pub fn alice() -> SpendingKey {
	SpendingKey::from_field(Fp::from(0xa11ce))
}
pub fn bob() -> SpendingKey {
	SpendingKey::from_field(Fp::from(0xb0b))
}

/// A tree holding a few unrelated notes and then `values` owned by Alice; returns the spends.
pub fn tree_with_alice_notes(values: &[u64]) -> (CommitmentTree, Vec<Spend>) {
	let mut rng = rng();
	let mut tree = CommitmentTree::default();
	for i in 0..5u64 {
		tree.append(Fp::from(7_000 + i)).expect("room");
	}
	let notes: Vec<Note> = values
		.iter()
		.map(|&value| Note {
			value,
			owner: alice().owner(),
			rho: Rho(Fp::random(&mut rng)),
			rcm: Fp::random(&mut rng),
		})
		.collect();
	let positions: Vec<u64> =
		notes.iter().map(|note| tree.append(note.commitment_field()).expect("room")).collect();
	tree.append(Fp::from(9_999)).expect("room");
	let spends = notes
		.into_iter()
		.zip(positions)
		.map(|(note, position)| Spend {
			sk: alice(),
			note,
			path: tree.path(position).expect("leaf"),
		})
		.collect();
	(tree, spends)
}

/// Shield: two dummy inputs, `value_in` split between Alice and Bob.
pub fn shield(value_in: u64) -> TransferRequest {
	let mut rng = rng();
	let tree = CommitmentTree::default();
	TransferRequest {
		inputs: [Spend::dummy(&mut rng), Spend::dummy(&mut rng)],
		outputs: [
			Recipient { owner: alice().owner(), value: value_in - value_in / 3 },
			Recipient { owner: bob().owner(), value: value_in / 3 },
		],
		anchor: tree.root(),
		value_in,
		value_out: 0,
		fee: 0,
		binding: Fp::from(42),
	}
}

/// Private transfer of one real note (60) to Bob, with change and a fee.
pub fn transfer_one_input() -> TransferRequest {
	let mut rng = rng();
	let (tree, spends) = tree_with_alice_notes(&[60]);
	TransferRequest {
		inputs: [spends[0].clone(), Spend::dummy(&mut rng)],
		outputs: [
			Recipient { owner: bob().owner(), value: 50 },
			Recipient { owner: alice().owner(), value: 7 },
		],
		anchor: tree.root(),
		value_in: 0,
		value_out: 0,
		fee: 3,
		binding: Fp::from(43),
	}
}

/// Private transfer of two real notes (60 + 40).
pub fn transfer_two_inputs() -> TransferRequest {
	let (tree, spends) = tree_with_alice_notes(&[60, 40]);
	TransferRequest {
		inputs: [spends[0].clone(), spends[1].clone()],
		outputs: [
			Recipient { owner: bob().owner(), value: 90 },
			Recipient { owner: alice().owner(), value: 9 },
		],
		anchor: tree.root(),
		value_in: 0,
		value_out: 0,
		fee: 1,
		binding: Fp::from(44),
	}
}

/// Unshield 30 of a 60 note to a transparent account.
pub fn unshield() -> TransferRequest {
	let mut rng = rng();
	let (tree, spends) = tree_with_alice_notes(&[60]);
	TransferRequest {
		inputs: [spends[0].clone(), Spend::dummy(&mut rng)],
		outputs: [
			Recipient { owner: alice().owner(), value: 28 },
			Recipient { owner: alice().owner(), value: 0 },
		],
		anchor: tree.root(),
		value_in: 0,
		value_out: 30,
		fee: 2,
		binding: Fp::from(45),
	}
}
