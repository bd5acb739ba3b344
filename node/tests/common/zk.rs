//! Shielded transactions for tests and benchmarks: many proofs made on every core, and the
//! fee the chain asks for.

use std::sync::Mutex;

use pallet_zk::{CallKind, ShieldedProof};
use rand::{rngs::StdRng, SeedableRng};
use sable_zk_primitives::{
	encoding::fp_from_bytes, keys::SpendingKey, note::Note, tree::CommitmentTree,
};
use sable_zk_proofs::{
	encryption::IncomingViewingKey,
	keys::TransferKeys,
	shielded::{prove_shielded, BindingContext, ShieldedRequest},
	witness::Spend,
};
use serde_json::json;
use sp_keyring::Sr25519Keyring;

use super::{Node, NODE};

/// BABE's key type, the prefix of its key files in a keystore directory.
const BABE_KEY_FILE_PREFIX: &str = "62616265";

/// A `--chain dev` validator whose keys are files in its keystore, so that a test can stop
/// it authoring (the BABE key file removed: it claims no slot) while transactions enter its
/// pool, and let it author again (`author_insertKey`): its next block then holds everything
/// the pool took, however slow the machine.
pub struct PausableAuthor {
	pub node: Node,
}

impl std::ops::Deref for PausableAuthor {
	type Target = Node;
	fn deref(&self) -> &Node {
		&self.node
	}
}

impl PausableAuthor {
	/// Starts the author at `base` with `extra_args`, once it has produced block 1.
	pub fn start(base: &std::path::Path, extra_args: &[&str]) -> PausableAuthor {
		for (key_type, scheme) in [("babe", "sr25519"), ("gran", "ed25519")] {
			let status = std::process::Command::new(NODE)
				.args(["key", "insert", "--chain", "dev", "--suri", "//Alice"])
				.args(["--key-type", key_type, "--scheme", scheme, "--base-path"])
				.arg(base)
				.status()
				.expect("sable-node key insert runs");
			assert!(status.success(), "key insert {key_type}");
		}
		let mut args = vec!["--chain", "dev", "--validator", "--force-authoring"];
		args.push("--unsafe-force-node-key-generation");
		args.extend(["--rpc-methods", "unsafe"]);
		args.extend(extra_args);
		let node = Node::start("author", base, &args);
		node.wait_for("block 1", std::time::Duration::from_secs(90), |n| {
			n.best_number().unwrap_or(0) >= 1
		});
		PausableAuthor { node }
	}

	/// Stops authoring; returns the best block once no block came for more than a slot.
	pub fn pause(&self) -> u64 {
		let keystore = self.node.base_path.join("chains/sable_dev/keystore");
		let mut removed = 0;
		for entry in std::fs::read_dir(&keystore).expect("keystore directory") {
			let path = entry.expect("entry").path();
			let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
			if name.starts_with(BABE_KEY_FILE_PREFIX) {
				std::fs::remove_file(&path).expect("remove key file");
				removed += 1;
			}
		}
		assert_eq!(removed, 1, "one BABE key in {}", keystore.display());
		// A slot claimed before the key went may still bring one block.
		std::thread::sleep(std::time::Duration::from_secs(7));
		let best = self.node.best_number().expect("best");
		std::thread::sleep(std::time::Duration::from_secs(7));
		assert_eq!(self.node.best_number(), Some(best), "no block once the key is away");
		best
	}

	/// Authors again from the next slot.
	pub fn resume(&self) {
		let public = sable_zk_primitives::encoding::to_hex(&Sr25519Keyring::Alice.public().0);
		self.node
			.rpc("author_insertKey", json!(["babe", "//Alice", public]))
			.expect("author_insertKey");
	}
}

/// Proves `requests` on every core, in order, for unsigned calls.
pub fn prove_all(
	requests: Vec<(ShieldedRequest, CallKind)>,
	genesis_hash: [u8; 32],
) -> Vec<ShieldedProof> {
	prove_all_paying(requests, genesis_hash, None)
}

/// Proves `requests` on every core, in order, their fees paid to `fee_payee` (a relayer).
pub fn prove_all_paying(
	requests: Vec<(ShieldedRequest, CallKind)>,
	genesis_hash: [u8; 32],
	fee_payee: Option<[u8; 32]>,
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
						BindingContext { genesis_hash, kind: *kind, unshield_recipient: None, fee_payee };
					let proven = prove_shielded(keys, request, &context, &mut rng).expect("proves");
					results.lock().expect("lock")[i] = Some(proven.payload);
				}
			});
		}
	});
	results.into_inner().expect("lock").into_iter().map(|p| p.expect("proved")).collect()
}

/// A dummy input, the same for the same seed.
pub fn dummy(seed: u64) -> Spend {
	Spend::dummy(&mut StdRng::seed_from_u64(seed))
}

/// `count` shields of two notes of `note_value` each to `sk`, all against the empty tree.
pub fn shields(
	sk: &SpendingKey,
	count: usize,
	note_value: u64,
	genesis_hash: [u8; 32],
) -> Vec<ShieldedProof> {
	let address = sable_zk_proofs::encryption::Address::from_spending_key(sk);
	let empty = CommitmentTree::default().root();
	let requests = (0..count as u64)
		.map(|i| {
			let request = ShieldedRequest::new(
				[dummy(2 * i), dummy(2 * i + 1)],
				[(address, note_value), (address, note_value)],
				empty,
				2 * note_value,
				0,
				0,
			);
			(request, CallKind::Shield)
		})
		.collect();
	prove_all(requests, genesis_hash)
}

/// The tree a wallet of `sk` rebuilds from `shields` (applied in order), and its notes with
/// their positions.
pub fn wallet_tree(
	sk: &SpendingKey,
	shields: &[ShieldedProof],
) -> (CommitmentTree, Vec<(u64, Note)>) {
	let ivk = IncomingViewingKey::from_spending_key(sk);
	let mut tree = CommitmentTree::default();
	let mut notes = vec![];
	for shield in shields {
		for (cm, ciphertext) in shield.public_inputs.commitments.iter().zip(&shield.ciphertexts) {
			let position = tree.append(fp_from_bytes(&cm.0).expect("canonical")).expect("room");
			let (note, _) = ivk.decrypt(sk.owner(), ciphertext).expect("own note");
			notes.push((position, note));
		}
	}
	(tree, notes)
}

/// One transfer per note of `notes` (each to `sk` itself, paying `fee` to `fee_payee`, a
/// relayer, or without one burning it), proven against `tree`.
pub fn transfers(
	sk: &SpendingKey,
	tree: &CommitmentTree,
	notes: &[(u64, Note)],
	fee: u64,
	genesis_hash: [u8; 32],
	fee_payee: Option<[u8; 32]>,
) -> Vec<ShieldedProof> {
	let address = sable_zk_proofs::encryption::Address::from_spending_key(sk);
	let requests = notes
		.iter()
		.enumerate()
		.map(|(i, (position, note))| {
			let spend = Spend { sk: *sk, note: *note, path: tree.path(*position).expect("leaf") };
			let request = ShieldedRequest::new(
				[spend, dummy(10_000 + i as u64)],
				[(address, note.value - fee), (address, 0)],
				tree.root(),
				0,
				0,
				fee,
			);
			(request, CallKind::Transfer)
		})
		.collect();
	prove_all_paying(requests, genesis_hash, fee_payee)
}

/// The fee `node`'s chain asks of a `kind` ("transfer" or "unshield") now (`zk_minimumFee`).
pub fn minimum_fee(node: &Node, kind: &str) -> u64 {
	let fee = node.rpc("zk_minimumFee", json!([kind])).expect("zk_minimumFee answers");
	fee.as_str().and_then(|fee| fee.parse().ok()).expect("a decimal string")
}
