//! Block import with many private transfers (`scripts/bench-zk.sh`).
//!
//! For each N in 10, 50, 100, 200 a fresh `--dev` node gets the same 100 shields (200 notes
//! of one wallet, so the tree and its root are the same every time), then N transfers as
//! `submit_batch` extrinsics of up to 32 submitted together so that one block holds them all.
//! The node is stopped and `sable-node benchmark block` re-executes that block in a fresh
//! process, as a node that never saw the transactions imports it.
//! Also prints how many transfers fit in a block by weight and length. The last line
//! printed is one JSON object.
//!
//! Run with `cargo test --release --workspace --bench block_import` (a `harness = false`
//! target: `cargo test` runs its `main`).

#[path = "../tests/common/mod.rs"]
mod common;

use std::{process::Command, sync::Mutex, time::Duration};

use codec::Encode;
use common::{extrinsics_of, find_block, leaf_count, tx, Node};
use frame_support::dispatch::DispatchClass;
use pallet_zk::{CallKind, ShieldedAction, ShieldedProof, WeightInfo};
use rand::{rngs::StdRng, SeedableRng};
use sable_runtime::{Runtime, RuntimeCall, CENTS, UNITS};
use sable_wallet::extrinsic;
use sable_zk_primitives::{
	encoding::fp_from_bytes, keys::SpendingKey, note::Note, tree::CommitmentTree, Fp,
};
use sable_zk_proofs::{
	encryption::{Address, IncomingViewingKey},
	keys::TransferKeys,
	shielded::{prove_shielded, BindingContext, ShieldedRequest},
	witness::Spend,
};
use serde_json::{json, Value};
use sp_keyring::Sr25519Keyring;

const SIZES: [usize; 4] = [10, 50, 100, 200];
const SHIELDS: usize = 100;
const BATCH: usize = 32;
const NOTE_VALUE: u64 = 10 * UNITS as u64;

/// Proves `requests` on every core.
fn prove_all(
	requests: Vec<(ShieldedRequest, CallKind)>,
	genesis_hash: [u8; 32],
) -> Vec<ShieldedProof> {
	let keys = TransferKeys::get();
	keys.pk();
	let results = Mutex::new(vec![None; requests.len()]);
	let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
	std::thread::scope(|scope| {
		for worker in 0..threads {
			let (requests, results) = (&requests, &results);
			scope.spawn(move || {
				let mut rng = StdRng::seed_from_u64(worker as u64);
				for (i, (request, kind)) in
					requests.iter().enumerate().skip(worker).step_by(threads)
				{
					let context =
						BindingContext { genesis_hash, kind: *kind, unshield_recipient: None };
					let proven = prove_shielded(keys, request, &context, &mut rng).expect("proves");
					results.lock().expect("lock")[i] = Some(proven.payload);
				}
			});
		}
	});
	results.into_inner().expect("lock").into_iter().map(|p| p.expect("proved")).collect()
}

fn dummy(seed: u64) -> Spend {
	Spend::dummy(&mut StdRng::seed_from_u64(seed))
}

/// Starts a dev node and applies the shields; returns it once all notes are in the tree.
fn chain_with_shields(name: &str, shields: &[ShieldedProof]) -> Node {
	let node = Node::dev(name, &["--pool-limit", "4096", "--pool-kbytes", "65536"]);
	let context = tx::chain_context(&node);
	let alice = Sr25519Keyring::Alice.pair();
	for (nonce, shield) in shields.iter().enumerate() {
		let call = RuntimeCall::Zk(pallet_zk::Call::shield { payload: Box::new(shield.clone()) });
		node.submit(&extrinsic::signed(&context, call, &alice, nonce as u32))
			.expect("shield accepted");
	}
	node.wait_for("all shields", Duration::from_secs(300), |n| {
		leaf_count(n, Value::Null) >= 2 * shields.len() as u64
	});
	node
}

/// The genesis hash of the `--dev` chain.
fn genesis_hash() -> [u8; 32] {
	tx::chain_context(&Node::dev("genesis", &[])).genesis_hash.0
}

/// Time to import block `number` as a node that never saw its transactions, in ms: the
/// median of three fresh `benchmark block --repeat 1` processes (each starts with an empty
/// verified-statement cache). Also returns the block's extrinsic count.
fn import_ms(node: &Node, number: u64) -> (usize, f64) {
	let mut samples = vec![];
	let mut extrinsics = 0;
	for _ in 0..3 {
		let output = Command::new(common::NODE)
			.args(["benchmark", "block", "--dev", "--base-path"])
			.arg(&node.base_path)
			.args(["--from", &number.to_string(), "--to", &number.to_string(), "--repeat", "1"])
			.output()
			.expect("benchmark block runs");
		let log = String::from_utf8_lossy(&output.stderr);
		// "Block 7 with     9 tx used  40.30% of its weight (   123,456,789 of ... ns)"
		let line = log
			.lines()
			.find(|l| l.contains(&format!("Block {number} with")))
			.unwrap_or_else(|| panic!("{log}"));
		extrinsics = line
			.split(" with")
			.nth(1)
			.and_then(|s| s.split_whitespace().next())
			.and_then(|n| n.parse().ok())
			.unwrap_or(0);
		let took: f64 = line
			.split('(')
			.nth(1)
			.and_then(|s| s.split(" of").next())
			.map(|s| s.trim().replace(',', ""))
			.and_then(|s| s.parse().ok())
			.expect("time");
		samples.push(took / 1e6);
	}
	samples.sort_by(f64::total_cmp);
	(extrinsics, samples[1])
}

/// The block holding `count` transfers in batches (searching back from the best block).
fn block_with_transfers(node: &Node, count: usize) -> Option<u64> {
	let best = node.rpc("chain_getBlockHash", json!([])).ok()?;
	// Timestamp, then `count / 32` rounded up batches.
	find_block(node, best, 10, |block| extrinsics_of(block).len() == 1 + count.div_ceil(BATCH))
}

fn main() {
	// `cargo test --workspace` runs every harness-less target; only run when asked to.
	if std::env::var("SABLE_BENCH_BLOCK_IMPORT").is_err() {
		println!("block_import: set SABLE_BENCH_BLOCK_IMPORT=1 (scripts/bench-zk.sh does) to run");
		return;
	}
	let genesis = genesis_hash();
	let sk = SpendingKey::from_field(Fp::from(0x5eed_u64));
	let address = Address::from_spending_key(&sk);
	let empty = CommitmentTree::default().root();

	eprintln!("proving {SHIELDS} shields");
	let shields = prove_all(
		(0..SHIELDS as u64)
			.map(|i| {
				let request = ShieldedRequest::new(
					[dummy(2 * i), dummy(2 * i + 1)],
					[(address, NOTE_VALUE), (address, NOTE_VALUE)],
					empty,
					2 * NOTE_VALUE,
					0,
					0,
				);
				(request, CallKind::Shield)
			})
			.collect(),
		genesis,
	);

	// The wallet's tree after the shields: the same on every fresh chain.
	let ivk = IncomingViewingKey::from_spending_key(&sk);
	let mut tree = CommitmentTree::default();
	let mut notes: Vec<(u64, Note)> = vec![];
	for shield in &shields {
		for (cm, ciphertext) in shield.public_inputs.commitments.iter().zip(&shield.ciphertexts) {
			let position = tree.append(fp_from_bytes(&cm.0).expect("canonical")).expect("room");
			let (note, _) = ivk.decrypt(sk.owner(), ciphertext).expect("own note");
			notes.push((position, note));
		}
	}
	let anchor = tree.root();
	let max = *SIZES.iter().max().expect("sizes");
	eprintln!("proving {max} transfers");
	let fee = CENTS as u64;
	let transfers = prove_all(
		notes
			.iter()
			.take(max)
			.enumerate()
			.map(|(i, (position, note))| {
				let spend = Spend { sk, note: *note, path: tree.path(*position).expect("leaf") };
				let request = ShieldedRequest::new(
					[spend, dummy(10_000 + i as u64)],
					[(address, NOTE_VALUE - fee), (address, 0)],
					anchor,
					0,
					0,
					fee,
				);
				(request, CallKind::Transfer)
			})
			.collect(),
		genesis,
	);

	let mut import = serde_json::Map::new();
	for n in SIZES {
		let node = chain_with_shields(&format!("import-{n}"), &shields);
		// Submit right after a block so every batch lands in the next one.
		let best = node.best_number().unwrap_or(0);
		node.wait_for("a new block", Duration::from_secs(30), |node| {
			node.best_number().unwrap_or(0) > best
		});
		for chunk in transfers[..n].chunks(BATCH) {
			let actions = chunk.iter().cloned().map(ShieldedAction::Transfer).collect::<Vec<_>>();
			let call = RuntimeCall::Zk(pallet_zk::Call::submit_batch {
				actions: actions.try_into().expect("<= 32"),
			});
			node.submit(&extrinsic::bare(call)).expect("batch accepted");
		}
		let target = 2 * SHIELDS as u64 + 2 * n as u64;
		node.wait_for("the transfers", Duration::from_secs(120), |node| {
			leaf_count(node, Value::Null) >= target
		});
		let number = block_with_transfers(&node, n).expect("one block holds all transfers");
		let mut node = node;
		node.stop();
		let (extrinsics, ms) = import_ms(&node, number);
		assert_eq!(extrinsics, 1 + n.div_ceil(BATCH), "block {number} holds the batches");
		eprintln!("block with {n} transfers: {ms:.1} ms");
		import.insert(n.to_string(), json!((ms * 10.0).round() / 10.0));
	}

	// How many transfers fit in one block, by weight and by length.
	let weights = <Runtime as frame_system::Config>::BlockWeights::get();
	let normal = weights.get(DispatchClass::Normal);
	let max_weight = normal.max_total.unwrap_or(weights.max_block);
	let batch_weight = <Runtime as pallet_zk::Config>::WeightInfo::submit_batch(BATCH as u32)
		.saturating_add(normal.base_extrinsic);
	let single_weight = <Runtime as pallet_zk::Config>::WeightInfo::transfer()
		.saturating_add(normal.base_extrinsic);
	let lengths = <Runtime as frame_system::Config>::BlockLength::get();
	let max_length = *lengths.max.get(DispatchClass::Normal) as u64;
	let batch =
		transfers[..BATCH].iter().cloned().map(ShieldedAction::Transfer).collect::<Vec<_>>();
	let batch_len =
		RuntimeCall::Zk(pallet_zk::Call::submit_batch { actions: batch.try_into().expect("32") })
			.encoded_size() as u64
			+ 4;
	let by_weight = max_weight.ref_time() / batch_weight.ref_time();
	let by_length = max_length / batch_len;
	let per_block = by_weight.min(by_length) * BATCH as u64;
	let unbatched = max_weight.ref_time() / single_weight.ref_time();

	let report = json!({
		"block_import_ms": import,
		"transfers_per_block": per_block,
		"transfers_per_block_unbatched": unbatched,
		"batch32_weight_ms": (batch_weight.ref_time() as f64 / 1e7).round() / 100.0,
		"transfer_weight_ms": (single_weight.ref_time() as f64 / 1e7).round() / 100.0,
		"block_limit": if by_weight <= by_length { "weight" } else { "length" },
	});
	println!("{report}");
}
