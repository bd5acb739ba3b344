//! Blocks full of private transfers (docs/zk.md, "One batch per block"), on real nodes:
//! - a block of 100 single transfers, imported by a node that never saw them, which verifies
//!   them with one batch verification instead of 100;
//! - the same block with one proof altered and sealed again by its author's key, refused by
//!   a node importing it (`sable-node import-blocks`), while the original imports.
//!
//! The author pauses while the transfers enter its pool ([`zk::PausableAuthor`]), so that its
//! next block holds every one of them, whatever the machine's speed.

mod common;

use std::{path::Path, process::Command, time::Duration};

use codec::Encode;
use common::{extrinsics_of, leaf_count, metric_sum, tx, zk, Node, NODE};
use pallet_zk::ShieldedProof;
use sable_runtime::{Block, RuntimeCall, UNITS};
use sable_wallet::extrinsic;
use sable_zk_primitives::{encoding::to_hex, keys::SpendingKey, Fp};
use serde_json::{json, Value};
use sp_core::crypto::Pair as _;
use sp_keyring::Sr25519Keyring;
use sp_runtime::{
	generic::{DigestItem, SignedBlock},
	traits::{BlakeTwo256, Hash as _},
};

const SHIELDS: usize = 50;
const TRANSFERS: usize = 2 * SHIELDS;
const NOTE_VALUE: u64 = 10 * UNITS as u64;
fn block(node: &Node, number: u64) -> Value {
	let hash = node.rpc("chain_getBlockHash", json!([number])).expect("hash");
	node.rpc("chain_getBlock", json!([hash])).expect("block")
}

/// The blocks 1..=`to` of `node`, as `sable-node import-blocks` reads them (a stream of
/// JSON signed blocks).
fn exported(node: &Node, to: u64) -> Vec<SignedBlock<Block>> {
	(1..=to)
		.map(|number| serde_json::from_value(block(node, number)).expect("a signed block"))
		.collect()
}

/// `blocks` with one proof in block `number` altered, the block's extrinsics root updated and
/// its header sealed again with Alice's BABE key: valid in every respect but the proof.
fn with_bad_proof(mut blocks: Vec<SignedBlock<Block>>, number: u64) -> Vec<SignedBlock<Block>> {
	let block = &mut blocks[number as usize - 1].block;
	let position = block
		.extrinsics
		.iter()
		.position(|xt| matches!(xt.function, RuntimeCall::Zk(pallet_zk::Call::transfer { .. })))
		.expect("a transfer");
	// A new extrinsic from the altered call (a decoded extrinsic keeps its original bytes).
	let mut call = block.extrinsics[position].function.clone();
	let RuntimeCall::Zk(pallet_zk::Call::transfer { payload }) = &mut call else {
		unreachable!("found above")
	};
	let mut proof = payload.proof.to_vec();
	proof[700] ^= 1;
	payload.proof = proof.try_into().expect("same length");
	let altered = extrinsic::bare(call);
	assert_ne!(altered.encode(), block.extrinsics[position].encode(), "the bytes changed");
	block.extrinsics[position] = altered;

	let version = sable_runtime::VERSION.extrinsics_root_state_version();
	let encoded: Vec<Vec<u8>> = block.extrinsics.iter().map(Encode::encode).collect();
	let header = &mut block.header;
	header.extrinsics_root = BlakeTwo256::ordered_trie_root(encoded, version);
	let seal = header.digest.logs.pop().expect("a seal");
	assert!(matches!(seal, DigestItem::Seal(id, _) if id == sp_consensus_babe::BABE_ENGINE_ID));
	let signature = Sr25519Keyring::Alice.pair().sign(header.hash().as_ref());
	header.digest.push(DigestItem::Seal(sp_consensus_babe::BABE_ENGINE_ID, signature.encode()));
	blocks
}

/// Runs `sable-node import-blocks` on a fresh `--chain dev` database; its success and log.
fn import(blocks: &[SignedBlock<Block>], dir: &Path, name: &str) -> (bool, String) {
	let file = dir.join(format!("{name}.json"));
	// As the RPC writes a signed block (extrinsics as hex strings: the typed extrinsic would
	// serialize as an array of numbers, which the node's opaque block type does not read).
	let stream: String = blocks
		.iter()
		.map(|signed| {
			let extrinsics: Vec<String> =
				signed.block.extrinsics.iter().map(|xt| to_hex(&xt.encode())).collect();
			json!({
				"block": { "header": signed.block.header, "extrinsics": extrinsics },
				"justifications": signed.justifications,
			})
			.to_string()
		})
		.collect();
	std::fs::write(&file, stream).expect("write blocks");
	let output = Command::new(NODE)
		.args(["import-blocks", "--chain", "dev", "--base-path"])
		.arg(dir.join(name))
		.arg(&file)
		.output()
		.expect("import-blocks runs");
	(output.status.success(), String::from_utf8_lossy(&output.stderr).into_owned())
}

#[test]
fn a_block_of_single_transfers_is_verified_in_one_batch_and_a_bad_proof_refuses_the_block() {
	let dir = tempfile::Builder::new().prefix("sable-blocks-").tempdir().expect("temp dir");
	let author = zk::PausableAuthor::start(&dir.path().join("author"), &[]);
	let context = tx::chain_context(&author);
	let genesis = context.genesis_hash.0;
	let sk = SpendingKey::from_field(Fp::from(0xb10c_u64));

	// 50 shields of two notes each, signed by Alice.
	let shields = zk::shields(&sk, SHIELDS, NOTE_VALUE, genesis);
	let alice = Sr25519Keyring::Alice.pair();
	for (nonce, shield) in shields.iter().enumerate() {
		let call = RuntimeCall::Zk(pallet_zk::Call::shield { payload: Box::new(shield.clone()) });
		author.submit(&extrinsic::signed(&context, call, &alice, nonce as u32)).expect("shield");
	}
	author.wait_for("the shields", Duration::from_secs(300), |n| {
		leaf_count(n, Value::Null) == 2 * SHIELDS as u64
	});

	// 100 single transfers, one per note, at the price the chain asks.
	let fee = zk::minimum_fee(&author, "transfer");
	assert!(fee > 10_000_000_000, "a transfer of about 5 KB costs more than 0.01 SBL: {fee}");
	let (tree, notes) = zk::wallet_tree(&sk, &shields);
	let transfers: Vec<ShieldedProof> = zk::transfers(&sk, &tree, &notes, fee, genesis, None);
	assert_eq!(transfers.len(), TRANSFERS);

	// No author while they enter the pool...
	let paused_at = author.pause();
	for transfer in &transfers {
		let call =
			RuntimeCall::Zk(pallet_zk::Call::transfer { payload: Box::new(transfer.clone()) });
		author.submit(&extrinsic::bare(call)).expect("the pool verifies and takes the transfer");
	}
	let pending = author.rpc("author_pendingExtrinsics", json!([])).expect("pending");
	assert_eq!(pending.as_array().map(Vec::len), Some(TRANSFERS));
	assert_eq!(author.best_number(), Some(paused_at), "no block while the key is away");
	// ... then the next block holds them all.
	author.resume();
	author.wait_for("the transfers", Duration::from_secs(60), |n| {
		leaf_count(n, Value::Null) == 2 * (SHIELDS + TRANSFERS) as u64
	});
	// The first block after the pause may be built before the pool hands over its ready
	// transactions (its proposer waits only so long); one block holds them all.
	let best = author.best_number().expect("best");
	let counts: Vec<(u64, usize)> = (paused_at + 1..=best)
		.map(|number| (number, extrinsics_of(&block(&author, number)).len()))
		.collect();
	eprintln!("extrinsics per block after the pause: {counts:?}");
	let number = counts
		.iter()
		.find(|(_, count)| *count == 1 + TRANSFERS)
		.map(|(number, _)| *number)
		.unwrap_or_else(|| {
			panic!("no block holds every transfer: {counts:?}\n{}", author.log_tail())
		});
	author.wait_for("finality", Duration::from_secs(60), |n| {
		n.finalized_number().unwrap_or(0) >= number
	});

	// A node that never saw the transactions imports the block with one batch verification.
	let peer_id = author.rpc("system_localPeerId", json!([])).expect("peer id");
	let bootnode =
		format!("/ip4/127.0.0.1/tcp/{}/p2p/{}", author.p2p_port, peer_id.as_str().expect("text"));
	let importer = Node::start(
		"importer",
		&dir.path().join("importer"),
		&["--chain", "dev", "--bootnodes", &bootnode],
	);
	importer.wait_for("the block of transfers", Duration::from_secs(120), |n| {
		n.finalized_number().unwrap_or(0) >= number
	});
	assert_eq!(
		importer.rpc("chain_getBlockHash", json!([number])),
		author.rpc("chain_getBlockHash", json!([number]))
	);
	let at = importer.rpc("chain_getBlockHash", json!([number])).expect("hash");
	assert_eq!(leaf_count(&importer, at), 2 * (SHIELDS + TRANSFERS) as u64);
	let metrics = importer.metrics().expect("metrics");
	let batches = metric_sum(&metrics, "sable_zk_verification_seconds_count", &["mode=\"batch\""]);
	let batched = metric_sum(&metrics, "sable_zk_batch_size_sum", &[]);
	let singles = metric_sum(&metrics, "sable_zk_verification_seconds_count", &["mode=\"single\""]);
	assert!(batches >= 1.0, "{metrics}");
	assert!(batched >= TRANSFERS as f64, "every transfer in a batch: {batched}");
	// Only the signed shields are verified one by one (a shield's proof may fail without
	// invalidating its block).
	assert_eq!(singles, SHIELDS as f64, "{metrics}");
	assert_eq!(
		metric_sum(&metrics, "sable_zk_verifications_total", &["result=\"ok\""]),
		(SHIELDS + TRANSFERS) as f64
	);

	// The same chain with one proof of that block altered: refused by an importing node.
	let blocks = exported(&author, number);
	let (ok, log) = import(&blocks, dir.path(), "good");
	assert!(ok, "the original chain imports:\n{log}");
	let (ok, log) = import(&with_bad_proof(blocks, number), dir.path(), "bad");
	assert!(!ok, "a block with an invalid proof is refused:\n{log}");
	assert!(log.contains("a shielded proof in this block is invalid"), "{log}");
}
