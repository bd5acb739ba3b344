//! The shielded pool on a `--dev` node, driven as a wallet drives it: shield (signed), a
//! private transfer and an unshield (unsigned) with real proofs, synced through the `zk_*`
//! RPC (each leaf carrying the nullifier revealed in its slot), each finalized; a tampered
//! proof refused at submission; verification metrics served.

mod common;

use std::time::Duration;

use common::{free_balance, hex_array, hex_bytes, leaf_count, tx, Node};
use pallet_zk::{CallKind, ShieldedProof};
use rand::{rngs::StdRng, SeedableRng};
use sable_runtime::{RuntimeCall, CENTS, UNITS};
use sable_wallet::extrinsic;
use sable_zk_primitives::{
	encoding::{fp_from_bytes, fp_to_bytes, to_hex},
	keys::SpendingKey,
	note::Note,
	tree::{CommitmentTree, Frontier},
	Fp,
};
use sable_zk_proofs::{
	encryption::{Address, IncomingViewingKey},
	keys::TransferKeys,
	shielded::{prove_shielded, BindingContext, ShieldedRequest},
	witness::Spend,
};
use serde_json::{json, Value};
use sp_keyring::Sr25519Keyring;

/// A wallet's view of the chain: the tree rebuilt from `zk_leaves`, and its own notes.
struct Wallet {
	sk: SpendingKey,
	tree: CommitmentTree,
	notes: Vec<(u64, Note)>,
}

impl Wallet {
	fn new(seed: u64) -> Wallet {
		Wallet {
			sk: SpendingKey::from_field(Fp::from(seed)),
			tree: CommitmentTree::default(),
			notes: vec![],
		}
	}

	fn address(&self) -> Address {
		Address::from_spending_key(&self.sk)
	}

	/// Fetches every new leaf, trial-decrypts it, checks the rebuilt root against the chain.
	fn sync(&mut self, node: &Node) {
		let ivk = IncomingViewingKey::from_spending_key(&self.sk);
		loop {
			let page = node.rpc("zk_leaves", json!([self.tree.len(), 100])).expect("zk_leaves");
			for leaf in page["leaves"].as_array().expect("leaves") {
				let commitment = bytes32(&leaf["commitment"]);
				let ciphertext = hex_bytes(&leaf["ciphertext"]).expect("ciphertext hex");
				let position =
					self.tree.append(fp_from_bytes(&commitment).expect("canonical")).expect("room");
				assert_eq!(Some(position), leaf["index"].as_u64());
				if let Some((note, _memo)) = ivk.decrypt(self.sk.owner(), &ciphertext) {
					assert_eq!(
						note.commitment().0,
						commitment,
						"decrypted note matches its commitment"
					);
					self.notes.push((position, note));
				}
			}
			if page["next"].is_null() {
				break;
			}
		}
		let state = node.rpc("zk_treeState", json!([])).expect("zk_treeState");
		assert_eq!(state["leafCount"].as_u64(), Some(self.tree.len()));
		assert_eq!(
			bytes32(&state["root"]),
			fp_to_bytes(&self.tree.root()),
			"wallet root == chain root"
		);
	}

	fn spend(&self, index: usize) -> Spend {
		let (position, note) = self.notes[index];
		Spend { sk: self.sk, note, path: self.tree.path(position).expect("leaf") }
	}
}

fn bytes32(value: &Value) -> [u8; 32] {
	hex_array(value).unwrap_or_else(|| panic!("32 bytes of hex: {value}"))
}

fn leaf_count_at_finalized(node: &Node) -> u64 {
	node.rpc("chain_getFinalizedHead", json!([])).map_or(0, |head| leaf_count(node, head))
}

fn prove(
	request: ShieldedRequest,
	genesis_hash: [u8; 32],
	kind: CallKind,
	recipient: Option<[u8; 32]>,
) -> ShieldedProof {
	let context = BindingContext { genesis_hash, kind, unshield_recipient: recipient, fee_payee: None };
	let mut rng = StdRng::seed_from_u64(kind as u64 + 11);
	prove_shielded(TransferKeys::get(), &request, &context, &mut rng).expect("proves").payload
}

#[test]
fn shield_transfer_and_unshield_are_finalized_on_a_dev_node() {
	// Proofs bind the genesis hash, which the runtime knows from block 1 on.
	let node = Node::dev("dev-shielded", &[]);
	let context = tx::chain_context(&node);
	let genesis = context.genesis_hash.0;
	let mut alice = Wallet::new(0xa11ce);
	let mut bob = Wallet::new(0xb0b);
	alice.sync(&node);
	assert_eq!(fp_to_bytes(&alice.tree.root()), Frontier::empty_root());
	let dummy = |seed| Spend::dummy(&mut StdRng::seed_from_u64(seed));
	let request = ShieldedRequest::new;

	// 1. Shield 10 SBL, signed by //Alice.
	let shield_value = (10 * UNITS) as u64;
	let shield = prove(
		request(
			[dummy(1), dummy(2)],
			[(alice.address(), shield_value), (alice.address(), 0)],
			alice.tree.root(),
			shield_value,
			0,
			0,
		),
		genesis,
		CallKind::Shield,
		None,
	);
	let alice_key = Sr25519Keyring::Alice.pair();
	let call = RuntimeCall::Zk(pallet_zk::Call::shield { payload: Box::new(shield) });
	node.submit(&extrinsic::signed(&context, call, &alice_key, 0)).expect("shield accepted");
	node.wait_for("the shield finalized", Duration::from_secs(120), |n| {
		leaf_count_at_finalized(n) >= 2
	});
	alice.sync(&node);
	assert_eq!(alice.notes.iter().map(|(_, n)| n.value).collect::<Vec<_>>(), vec![shield_value, 0]);

	// 2. A private transfer of 6 SBL to Bob, unsigned, paying the chain's price of a transfer
	// (docs/zk.md, "Fees and priority").
	let fee = common::zk::minimum_fee(&node, "transfer");
	assert!(fee > CENTS as u64, "about 5 KB cost more than 0.01 SBL: {fee}");
	let to_bob = (6 * UNITS) as u64;
	let transfer = prove(
		request(
			[alice.spend(0), dummy(3)],
			[(bob.address(), to_bob), (alice.address(), shield_value - to_bob - fee)],
			alice.tree.root(),
			0,
			0,
			fee,
		),
		genesis,
		CallKind::Transfer,
		None,
	);
	let revealed: Vec<[u8; 32]> =
		transfer.public_inputs.nullifiers.iter().map(|nullifier| nullifier.0).collect();
	let call = RuntimeCall::Zk(pallet_zk::Call::transfer { payload: Box::new(transfer.clone()) });
	node.submit(&extrinsic::bare(call)).expect("transfer accepted");
	node.wait_for("the transfer finalized", Duration::from_secs(120), |n| {
		leaf_count_at_finalized(n) >= 4
	});
	// Spent: the same transfer again is refused by the pool.
	let call = RuntimeCall::Zk(pallet_zk::Call::transfer { payload: Box::new(transfer) });
	let error = node.submit(&extrinsic::bare(call)).expect_err("double spend refused");
	assert!(error.contains("1010"), "{error}");
	let spent = node
		.rpc("zk_isSpent", json!([to_hex(&alice_spent_nullifier(&alice))]))
		.expect("zk_isSpent");
	assert_eq!(spent, json!(true));
	// Its two leaves carry its two nullifiers, slot by slot: the spend a wallet reads without
	// naming its note (docs/zk.md, "Wallet sync").
	let page = node.rpc("zk_leaves", json!([2, 2])).expect("zk_leaves");
	let leaves = page["leaves"].as_array().expect("leaves");
	let carried: Vec<[u8; 32]> = leaves.iter().map(|leaf| bytes32(&leaf["nullifier"])).collect();
	assert_eq!(carried, revealed);
	assert_eq!(revealed[0], alice_spent_nullifier(&alice));

	// 3. Bob unshields 5 SBL to //Charlie; first a tampered copy is refused at submission.
	bob.sync(&node);
	assert_eq!(bob.notes.iter().map(|(_, n)| n.value).collect::<Vec<_>>(), vec![to_bob]);
	let charlie = Sr25519Keyring::Charlie.to_account_id();
	let charlie_before = free_balance(&node, &charlie);
	let value_out = (5 * UNITS) as u64;
	let unshield_fee = common::zk::minimum_fee(&node, "unshield");
	assert!(unshield_fee > fee, "an unshield carries 32 bytes more");
	// Half the price: refused by the pool as too cheap (code 3). Not one unit less: the price
	// follows the fee multiplier, which moves a little every 2 s block while the proof is
	// made, but never by half within a test.
	let cheap_fee = unshield_fee / 2;
	let cheap = prove(
		request(
			[bob.spend(0), dummy(5)],
			[(bob.address(), to_bob - value_out - cheap_fee), (bob.address(), 0)],
			bob.tree.root(),
			0,
			value_out,
			cheap_fee,
		),
		genesis,
		CallKind::Unshield,
		Some(charlie.clone().into()),
	);
	let call = RuntimeCall::Zk(pallet_zk::Call::unshield {
		payload: Box::new(cheap),
		recipient: charlie.clone(),
	});
	let error = node.submit(&extrinsic::bare(call)).expect_err("an unshield below the price");
	assert!(error.contains("Custom error: 3"), "{error}");
	let unshield = prove(
		request(
			[bob.spend(0), dummy(4)],
			[(bob.address(), to_bob - value_out - unshield_fee), (bob.address(), 0)],
			bob.tree.root(),
			0,
			value_out,
			unshield_fee,
		),
		genesis,
		CallKind::Unshield,
		Some(charlie.clone().into()),
	);
	let mut tampered = unshield.clone();
	tampered.proof[64] ^= 1;
	let call = RuntimeCall::Zk(pallet_zk::Call::unshield {
		payload: Box::new(tampered),
		recipient: charlie.clone(),
	});
	let error = node.submit(&extrinsic::bare(call)).expect_err("tampered proof refused");
	assert!(error.contains("1010") && error.contains("Custom error: 13"), "{error}");
	let redirected = RuntimeCall::Zk(pallet_zk::Call::unshield {
		payload: Box::new(unshield.clone()),
		recipient: Sr25519Keyring::Dave.to_account_id(),
	});
	let error = node.submit(&extrinsic::bare(redirected)).expect_err("redirected unshield refused");
	assert!(error.contains("Custom error: 7"), "{error}");

	let call = RuntimeCall::Zk(pallet_zk::Call::unshield {
		payload: Box::new(unshield),
		recipient: charlie.clone(),
	});
	node.submit(&extrinsic::bare(call)).expect("unshield accepted");
	node.wait_for("the unshield finalized", Duration::from_secs(120), |n| {
		leaf_count_at_finalized(n) >= 6
	});
	assert_eq!(free_balance(&node, &charlie), charlie_before + u128::from(value_out));
	let pool_total = node.rpc("zk_poolTotal", json!([])).expect("zk_poolTotal");
	assert_eq!(
		pool_total,
		json!((u128::from(shield_value) - u128::from(value_out) - u128::from(fee + unshield_fee))
			.to_string())
	);

	// The node verified each proof natively, and block import found them in the cache.
	let metrics = node.metrics().expect("metrics");
	let ok = ["circuit=\"transfer_v1\"", "result=\"ok\""];
	// At least once each (the pool may validate a transaction against several views at once).
	assert!(common::metric_sum(&metrics, "sable_zk_verifications_total", &ok) >= 3.0, "{metrics}");
	let invalid = ["circuit=\"transfer_v1\"", "result=\"invalid_proof\""];
	assert!(common::metric_sum(&metrics, "sable_zk_verifications_total", &invalid) >= 1.0);
	// Pool validation verified the transfer and the unshield; the batch of each one's block
	// (docs/zk.md, "One batch per block") was answered from the cache.
	assert!(common::metric_sum(&metrics, "sable_zk_cache_hits_total", &[]) >= 2.0, "{metrics}");
	assert!(
		common::metric_sum(&metrics, "sable_zk_verification_seconds_count", &["mode=\"single\""])
			>= 4.0
	);
	assert!(node.is_running());
	// The pool gauge follows the finalized head.
	let state = node.rpc("zk_treeState", json!([])).expect("tree state");
	let leaves = state["leafCount"].as_u64().expect("leaf count") as f64;
	assert!(leaves >= 6.0);
	node.wait_for("the pool gauge", Duration::from_secs(60), |n| {
		common::metric_sum(&n.metrics().unwrap_or_default(), "sable_zk_pool_leaves", &[]) == leaves
	});

	// The benchmark path executes the same blocks with the same host functions: re-run every
	// block in a fresh process, which verifies each proof again.
	let best = node.finalized_number().expect("finalized block");
	let mut node = node;
	node.stop();
	let output = std::process::Command::new(common::NODE)
		.args(["benchmark", "block", "--dev", "--base-path"])
		.arg(&node.base_path)
		.args(["--from", "1", "--to", &best.to_string(), "--repeat", "1"])
		.output()
		.expect("benchmark block runs");
	let log = String::from_utf8_lossy(&output.stderr);
	assert!(output.status.success(), "benchmark block failed: {log}");
	// Blocks with a timestamp and one shielded extrinsic were executed.
	assert!(log.lines().filter(|line| line.contains("with     2 tx")).count() >= 3, "{log}");
}

fn alice_spent_nullifier(alice: &Wallet) -> [u8; 32] {
	alice.notes[0].1.nullifier(&alice.sk.nullifier_key()).0
}
