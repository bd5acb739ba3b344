//! Block import with many private transfers (`scripts/bench-zk.sh`).
//!
//! Computes how many single transfers fit in a block (by weight and by length) and, for N in
//! 10, 100 and that many, builds one block of N single `transfer` extrinsics on a fresh dev
//! author (paused while they enter its pool, `common::zk::PausableAuthor`), stops the author
//! and re-executes that block with `sable-node benchmark block` in a fresh process, as a node
//! that never saw the transactions imports it (one batch verification for the block,
//! docs/zk.md "One batch per block"). The last line printed is one JSON object.
//!
//! Run with `cargo test --release --workspace --bench block_import` (a `harness = false`
//! target: `cargo test` runs its `main`).

#[path = "../tests/common/mod.rs"]
mod common;

use std::{process::Command, time::Duration};

use codec::Encode;
use common::{extrinsics_of, leaf_count, tx, zk, Node};
use frame_support::dispatch::{DispatchClass, GetDispatchInfo};
use pallet_zk::{ShieldedAction, ShieldedProof};
use sable_runtime::{Runtime, RuntimeCall, UNITS};
use sable_wallet::extrinsic;
use sable_zk_primitives::{keys::SpendingKey, Fp};
use serde_json::{json, Value};
use sp_keyring::Sr25519Keyring;

const BATCH: usize = 32;
const NOTE_VALUE: u64 = 10 * UNITS as u64;

/// Starts a pausable dev author and applies the shields; returns it once all notes are in
/// the tree.
fn chain_with_shields(dir: &std::path::Path, shields: &[ShieldedProof]) -> zk::PausableAuthor {
	let node = zk::PausableAuthor::start(dir, &["--pool-limit", "4096", "--pool-kbytes", "65536"]);
	let context = tx::chain_context(&node);
	let alice = Sr25519Keyring::Alice.pair();
	for (nonce, shield) in shields.iter().enumerate() {
		let call = RuntimeCall::Zk(pallet_zk::Call::shield { payload: Box::new(shield.clone()) });
		node.submit(&extrinsic::signed(&context, call, &alice, nonce as u32))
			.expect("shield accepted");
	}
	node.wait_for("all shields", Duration::from_secs(600), |n| {
		leaf_count(n, Value::Null) >= 2 * shields.len() as u64
	});
	node
}

/// The genesis hash of the dev chain, and a fee that pays for a transfer on it: twice the
/// price at genesis, since the blocks of shields, full by weight, raise the fee multiplier
/// before the transfers are sent.
fn genesis_hash_and_fee() -> ([u8; 32], u64) {
	let node = Node::dev("genesis", &[]);
	(tx::chain_context(&node).genesis_hash.0, 2 * zk::minimum_fee(&node, "transfer"))
}

/// Time to import block `number` as a node that never saw its transactions, in ms: the
/// median of three fresh `benchmark block --repeat 1` processes (each starts with an empty
/// verified-statement cache). Also returns the block's extrinsic count.
fn import_ms(node: &Node, number: u64) -> (usize, f64) {
	let mut samples = vec![];
	let mut extrinsics = 0;
	for _ in 0..3 {
		let output = Command::new(common::NODE)
			.args(["benchmark", "block", "--chain", "dev", "--base-path"])
			.arg(&node.base_path)
			.args(["--from", &number.to_string(), "--to", &number.to_string(), "--repeat", "1"])
			// Without copy-on-write memory images: their sealed memfd was refused here once by
			// the kernel (EBUSY) while the runtime was instantiated. The strategy changes how an
			// instance's memory is set up, not how the block executes.
			.args(["--wasmtime-instantiation-strategy", "pooling"])
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

fn main() {
	// `cargo test --workspace` runs every harness-less target; only run when asked to.
	if std::env::var("SABLE_BENCH_BLOCK_IMPORT").is_err() {
		println!("block_import: set SABLE_BENCH_BLOCK_IMPORT=1 (scripts/bench-zk.sh does) to run");
		return;
	}
	let (genesis, fee) = genesis_hash_and_fee();
	let sk = SpendingKey::from_field(Fp::from(0x5eed_u64));

	// How many transfers fit in one block, singly and in batches, by weight and by length.
	let weights = <Runtime as frame_system::Config>::BlockWeights::get();
	let normal = weights.get(DispatchClass::Normal);
	let max_weight = normal.max_total.unwrap_or(weights.max_block).ref_time();
	let max_length = *<Runtime as frame_system::Config>::BlockLength::get()
		.max
		.get(DispatchClass::Normal) as u64;
	let sample = zk::shields(&sk, 1, NOTE_VALUE, genesis).remove(0);
	let single = RuntimeCall::Zk(pallet_zk::Call::transfer { payload: Box::new(sample.clone()) });
	let batch = RuntimeCall::Zk(pallet_zk::Call::submit_batch {
		actions: vec![ShieldedAction::Transfer(sample); BATCH].try_into().expect("32"),
	});
	// What a block books for one more of them: the call's declared weight (its own work, its
	// proofs' share of the block's batch, its leaves) and the extrinsic base weight; the
	// fixed cost of the block's one host batch call is reserved by `on_initialize`, outside
	// the normal class (docs/zk.md, "One batch per block").
	let booked = |call: &RuntimeCall| {
		call.get_dispatch_info().call_weight.ref_time() + normal.base_extrinsic.ref_time()
	};
	let fit = |call: &RuntimeCall| {
		let len = call.encoded_size() as u64 + 4;
		let by_weight = max_weight / booked(call);
		(by_weight.min(max_length / len), by_weight <= max_length / len)
	};
	let (singles, single_by_weight) = fit(&single);
	let (batches, batch_by_weight) = fit(&batch);

	let sizes = [10, 100, singles as usize];
	let most = *sizes.iter().max().expect("sizes");
	eprintln!("proving {} shields and {most} transfers", most.div_ceil(2));
	let shields = zk::shields(&sk, most.div_ceil(2), NOTE_VALUE, genesis);
	let (tree, notes) = zk::wallet_tree(&sk, &shields);
	let transfers = zk::transfers(&sk, &tree, &notes[..most], fee, genesis, None);

	let mut import = serde_json::Map::new();
	for n in sizes {
		let dir = tempfile::Builder::new().prefix("sable-import-").tempdir().expect("temp dir");
		let mut author = chain_with_shields(dir.path(), &shields);
		let paused_at = author.pause();
		for transfer in &transfers[..n] {
			let call =
				RuntimeCall::Zk(pallet_zk::Call::transfer { payload: Box::new(transfer.clone()) });
			author.submit(&extrinsic::bare(call)).expect("transfer accepted");
		}
		author.resume();
		let target = 2 * shields.len() as u64 + 2 * n as u64;
		author.wait_for("the transfers", Duration::from_secs(120), |node| {
			leaf_count(node, Value::Null) >= target
		});
		let best = author.best_number().expect("best");
		let counts: Vec<(u64, usize)> = (paused_at + 1..=best)
			.map(|number| {
				let hash = author.rpc("chain_getBlockHash", json!([number])).expect("hash");
				let block = author.rpc("chain_getBlock", json!([hash])).expect("block");
				(number, extrinsics_of(&block).len())
			})
			.collect();
		let number = counts
			.iter()
			.find(|(_, count)| *count == 1 + n)
			.map(|(number, _)| *number)
			.unwrap_or_else(|| panic!("no block holds all {n} transfers: {counts:?}"));
		author.node.stop();
		let (extrinsics, ms) = import_ms(&author.node, number);
		assert_eq!(extrinsics, 1 + n, "block {number} holds the transfers");
		eprintln!("block with {n} single transfers: {ms:.1} ms");
		import.insert(n.to_string(), json!((ms * 10.0).round() / 10.0));
	}

	let report = json!({
		"block_import_ms": import,
		"transfers_per_block": batches * BATCH as u64,
		"transfers_per_block_unbatched": singles,
		"transfer_weight_ms": (booked(&single) as f64 / 1e7).round() / 100.0,
		"batch32_weight_ms": (booked(&batch) as f64 / 1e7).round() / 100.0,
		"block_limit": if single_by_weight { "weight" } else { "length" },
		"batched_block_limit": if batch_by_weight { "weight" } else { "length" },
		"transfer_fee": fee.to_string(),
	});
	println!("{report}");
}
