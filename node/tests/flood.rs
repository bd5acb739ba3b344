//! A flood of invalid shielded transfers against a dev validator (docs/zk.md, "Floods").
//!
//! For [`FLOOD`], four RPC connections send the validator fresh invalid transfers as fast as
//! it answers, and a fifth sends them to a peer that relays them over p2p (a node playing a
//! malicious peer: `--unsafe-zk-pool-admit-unverified`). Each is a real transfer's payload
//! with new random nullifiers: every check before the proof passes, the proof fails, and
//! only a full verification tells. Meanwhile an honest signed transfer and an honest
//! shielded transfer (sent through the paid path, `zk.relay`) are sent, and an attacker
//! sends invalid proofs through the paid path as well. The test asserts:
//! - a block in every slot of the flood;
//! - both honest transactions in one of the two blocks after the best block when sent;
//! - the attacker cut off on the free path (no invalid transfer admitted; refusals without
//!   verification once the pool's budget is spent; the validator's pool verification time
//!   within its budget) and paying on the paid path (the transaction fee of every invalid
//!   relay charged, nothing else changed).
//!
//! It runs alone (`scripts/test.sh` runs it after the other tests): its subject is the
//! machine's time. `SABLE_FLOOD_BUDGET_MS` runs it with another pool verification budget
//! and only reports (`scripts/bench-flood.sh` records both in docs/PERFORMANCE.md).

mod common;

use std::{
	sync::atomic::{AtomicU64, Ordering},
	time::{Duration, Instant},
};

use common::{free_balance, leaf_count, metric_sum, rpc_at, tx, zk, Node};
use pallet_zk::{binding_bytes, CallKind, ShieldedAction, ShieldedProof};
use rand::{rngs::StdRng, RngExt, SeedableRng};
use sable_runtime::{RuntimeCall, UNITS};
use sable_wallet::extrinsic;
use sable_zk_primitives::{
	encoding::{from_hex, to_hex},
	keys::SpendingKey,
	payload::binding_data,
	note::Nullifier,
	Fp,
};
use serde_json::{json, Value};
use sp_keyring::Sr25519Keyring;

const FLOOD: Duration = Duration::from_secs(60);
/// When the honest and the paid-path transactions are sent, after the flood started: the
/// budget's burst is long spent by then.
const HONEST_AFTER: Duration = Duration::from_secs(20);
const RPC_FLOODERS: usize = 4;
const BAD_RELAYS: u32 = 5;
const NOTE_VALUE: u64 = 100 * UNITS as u64;

/// What one flooding connection got back.
#[derive(Default)]
struct Tally {
	sent: AtomicU64,
	admitted: AtomicU64,
	/// Refused unverified: the pool's budget was spent (`UnknownTransaction::Custom(1)`).
	busy: AtomicU64,
	/// Verified and refused (`Custom error: 13`, the proof does not verify).
	invalid: AtomicU64,
	other: AtomicU64,
}

impl Tally {
	fn count(&self, answer: &Result<Value, String>) {
		self.sent.fetch_add(1, Ordering::Relaxed);
		let slot = match answer {
			Ok(_) => &self.admitted,
			Err(error) if error.contains("1011") => &self.busy,
			Err(error) if error.contains("Custom error: 13") => &self.invalid,
			Err(_) => &self.other,
		};
		slot.fetch_add(1, Ordering::Relaxed);
	}

	fn get(counter: &AtomicU64) -> u64 {
		counter.load(Ordering::Relaxed)
	}
}

/// `template` with fresh random nullifiers: every check but the proof passes.
fn invalid_copy(template: &ShieldedProof, rng: &mut StdRng) -> ShieldedProof {
	let mut copy = template.clone();
	for nullifier in &mut copy.public_inputs.nullifiers {
		let mut bytes: [u8; 32] = rng.random();
		bytes[31] &= 0x3f; // below 2^254: a canonical field element
		*nullifier = Nullifier(bytes);
	}
	copy
}

fn unsigned_transfer(payload: ShieldedProof) -> String {
	let call = RuntimeCall::Zk(pallet_zk::Call::transfer { payload: Box::new(payload) });
	extrinsic::to_hex(&extrinsic::bare(call))
}

fn relay_call(payload: ShieldedProof) -> RuntimeCall {
	RuntimeCall::Zk(pallet_zk::Call::relay {
		action: Box::new(ShieldedAction::Transfer(payload)),
	})
}

/// Sends invalid copies of `template` to the node at `port` until `deadline`.
fn flood(port: u16, template: &ShieldedProof, seed: u64, deadline: Instant, tally: &Tally) {
	let mut rng = StdRng::seed_from_u64(seed);
	while Instant::now() < deadline {
		let extrinsic = unsigned_transfer(invalid_copy(template, &mut rng));
		tally.count(&rpc_at(port, "author_submitExtrinsic", json!([extrinsic])));
	}
}

fn block_hash(node: &Node, number: u64) -> Value {
	node.rpc("chain_getBlockHash", json!([number])).expect("block hash")
}

/// BABE's slot of block `number`.
fn slot(node: &Node, number: u64) -> u64 {
	let key = frame_support::storage::storage_prefix(b"Babe", b"CurrentSlot");
	let value = node
		.rpc("state_getStorage", json!([to_hex(&key), block_hash(node, number)]))
		.expect("storage");
	let bytes = value.as_str().and_then(|hex| from_hex(hex).ok()).expect("a slot");
	u64::from_le_bytes(bytes[..8].try_into().expect("8 bytes"))
}

/// The number of the block in `from..=to` holding `extrinsic` (hex), if one does.
fn including_block(node: &Node, extrinsic: &str, from: u64, to: u64) -> Option<u64> {
	(from..=to).find(|number| {
		let block = node.rpc("chain_getBlock", json!([block_hash(node, *number)])).expect("block");
		common::extrinsics_of(&block).iter().any(|xt| xt.as_str() == Some(extrinsic))
	})
}

fn metric(node: &Node, name: &str) -> f64 {
	metric_sum(&node.metrics().expect("metrics"), name, &[])
}

#[test]
#[ignore = "run alone by scripts/test.sh: it measures block production under load"]
fn a_flood_of_invalid_proofs_is_cut_off_and_honest_transactions_still_go_in() {
	let budget = std::env::var("SABLE_FLOOD_BUDGET_MS").ok();
	let mut args = vec!["--rpc-methods", "unsafe"];
	if let Some(budget) = &budget {
		args.extend(["--zk-pool-verification-budget", budget.as_str()]);
	}
	let validator = Node::dev("validator", &args);
	let peer_id = validator.rpc("system_localPeerId", json!([])).expect("peer id");
	let bootnode = format!(
		"/ip4/127.0.0.1/tcp/{}/p2p/{}",
		validator.p2p_port,
		peer_id.as_str().expect("a peer id")
	);
	let dir = tempfile::Builder::new().prefix("sable-flood-").tempdir().expect("temp dir");
	let peer = Node::start(
		"peer",
		&dir.path().join("peer"),
		&["--chain", "dev", "--unsafe-zk-pool-admit-unverified", "--bootnodes", &bootnode],
	);

	// One shield of two notes by Alice; two transfers of them: one relayed by Bob (the
	// honest shielded transfer of the flood) and one unsigned (the flood's template).
	let context = tx::chain_context(&validator);
	let genesis = context.genesis_hash.0;
	let sk = SpendingKey::from_field(Fp::from(0xf100d_u64));
	let shields = zk::shields(&sk, 1, NOTE_VALUE, genesis);
	let (alice, bob, dave) = (
		Sr25519Keyring::Alice.pair(),
		Sr25519Keyring::Bob.pair(),
		Sr25519Keyring::Dave.pair(),
	);
	let shield = RuntimeCall::Zk(pallet_zk::Call::shield { payload: Box::new(shields[0].clone()) });
	validator.submit(&extrinsic::signed(&context, shield, &alice, 0)).expect("shield");
	validator.wait_for("the shield", Duration::from_secs(120), |n| {
		leaf_count(n, Value::Null) == 2
	});
	// Twice the price now: the template still pays the fee when the multiplier moves.
	let fee = 2 * zk::minimum_fee(&validator, "transfer");
	let (tree, notes) = zk::wallet_tree(&sk, &shields);
	let bob_account = Sr25519Keyring::Bob.to_account_id();
	let relayed =
		zk::transfers(&sk, &tree, &notes[..1], fee, genesis, Some(binding_bytes(&bob_account)))
			.remove(0);
	let template = zk::transfers(&sk, &tree, &notes[1..], fee, genesis, None).remove(0);
	// The attacker's paid path: invalid proofs bound to Dave as their relayer, so that the
	// binding holds and only the proof fails.
	let dave_account = Sr25519Keyring::Dave.to_account_id();
	let mut rng = StdRng::seed_from_u64(0xda7e);
	let bad_relays: Vec<_> = (0..BAD_RELAYS)
		.map(|nonce| {
			let mut payload = invalid_copy(&template, &mut rng);
			payload.public_inputs.binding = binding_data(
				genesis,
				CallKind::Transfer,
				None,
				Some(binding_bytes(&dave_account)),
				&payload.ciphertexts,
			)
			.to_bytes();
			extrinsic::signed(&context, relay_call(payload), &dave, nonce)
		})
		.collect();
	let relay_fee = validator
		.rpc("payment_queryInfo", json!([extrinsic::to_hex(&bad_relays[0])]))
		.expect("payment info")["partialFee"]
		.as_str()
		.and_then(|fee| fee.parse::<u128>().ok())
		.expect("a fee");
	peer.wait_for("the peer in sync", Duration::from_secs(60), |n| {
		n.best_number() >= validator.best_number()
	});

	// The flood.
	let (pool_seconds, over_budget) = (
		metric(&validator, "sable_zk_pool_verification_seconds_total"),
		metric(&validator, "sable_zk_pool_over_budget_total"),
	);
	let dave_before = free_balance(&validator, &dave_account);
	let first_block = validator.best_number().expect("best");
	let started = Instant::now();
	let deadline = started + FLOOD;
	let tallies: Vec<Tally> = (0..=RPC_FLOODERS).map(|_| Tally::default()).collect();
	let (honest, honest_sent_at, signed_refused) = std::thread::scope(|scope| {
		for (i, tally) in tallies.iter().enumerate() {
			let port = if i < RPC_FLOODERS { validator.rpc_port } else { peer.rpc_port };
			let template = &template;
			scope.spawn(move || flood(port, template, i as u64, deadline, tally));
		}
		std::thread::sleep(HONEST_AFTER);
		let charlie = Sr25519Keyring::Charlie.to_account_id();
		let signed_transfer = RuntimeCall::Balances(pallet_balances::Call::transfer_keep_alive {
			dest: charlie.into(),
			value: UNITS,
		});
		let honest = [
			extrinsic::signed(&context, signed_transfer, &alice, 1),
			extrinsic::signed(&context, relay_call(relayed.clone()), &bob, 0),
		];
		let sent_at = validator.best_number().expect("best");
		let refused: Vec<String> = honest
			.iter()
			.chain(&bad_relays)
			.filter_map(|extrinsic| validator.submit(extrinsic).err())
			.collect();
		(honest.map(|xt| extrinsic::to_hex(&xt)), sent_at, refused)
	});
	let elapsed = started.elapsed();
	let last_block = validator.best_number().expect("best");
	if budget.is_none() {
		validator.wait_for("two blocks after the flood", Duration::from_secs(30), |n| {
			n.best_number() >= Some(last_block + 2)
		});
	} else {
		// Reporting only: the chain may still be stalled.
		std::thread::sleep(Duration::from_secs(12));
	}
	let searched_to = validator.best_number().expect("best").min(last_block + 2);

	// Figures.
	let slots: Vec<u64> = (first_block..=last_block).map(|n| slot(&validator, n)).collect();
	let missed: u64 = slots.windows(2).map(|pair| pair[1] - pair[0] - 1).sum();
	let included: Vec<Option<u64>> = honest
		.iter()
		.map(|xt| including_block(&validator, xt, honest_sent_at + 1, searched_to))
		.collect();
	let spent = metric(&validator, "sable_zk_pool_verification_seconds_total") - pool_seconds;
	// The peer's backlog may still reach the validator after the flood: the budget bounds
	// the verification time over the whole window up to this reading.
	let window = started.elapsed().as_secs_f64();
	let refused_unverified =
		metric(&validator, "sable_zk_pool_over_budget_total") - over_budget;
	let propagated = metric(&peer, "substrate_sync_propagated_transactions");
	let rpc: Vec<&Tally> = tallies[..RPC_FLOODERS].iter().collect();
	let sum = |counter: fn(&Tally) -> &AtomicU64| -> u64 {
		rpc.iter().map(|tally| Tally::get(counter(tally))).sum()
	};
	let (sent, admitted, busy, invalid, other) = (
		sum(|t| &t.sent),
		sum(|t| &t.admitted),
		sum(|t| &t.busy),
		sum(|t| &t.invalid),
		sum(|t| &t.other),
	);
	let dave_paid = dave_before - free_balance(&validator, &dave_account);
	let figures = json!({
		"pool_verification_budget_ms": budget.as_deref().unwrap_or("default"),
		"flood_s": elapsed.as_secs_f64(),
		"blocks": last_block - first_block,
		"missed_slots": missed,
		"honest_sent_after_block": honest_sent_at,
		"honest_included_in": included,
		"signed_submissions_refused": signed_refused,
		"rpc_sent": sent,
		"rpc_sent_per_s": sent as f64 / elapsed.as_secs_f64(),
		"rpc_admitted": admitted,
		"rpc_refused_unverified": busy,
		"rpc_refused_after_verification": invalid,
		"rpc_other": other,
		"peer_sent": Tally::get(&tallies[RPC_FLOODERS].sent),
		"peer_propagated": propagated,
		"validator_refused_unverified": refused_unverified,
		"validator_pool_verification_s": spent,
		"window_s": window,
		"bad_relays_paid": dave_paid.to_string(),
	});
	println!("flood figures: {figures}");
	if budget.is_some() {
		return;
	}

	// Blocks kept coming, the signed transactions entered the pool, and the honest ones went
	// in within two blocks.
	assert!(slots.len() >= 9, "{figures}");
	assert!(signed_refused.is_empty(), "{figures}");
	assert_eq!(missed, 0, "a block in every slot of the flood: {figures}");
	for block in &included {
		let block = block.unwrap_or_else(|| panic!("an honest transaction is missing: {figures}"));
		assert!(block <= honest_sent_at + 2, "included within two blocks: {figures}");
	}
	// The free path: nothing invalid admitted; once the budget was spent the rest was
	// refused unverified, including what the peer relayed; the pool verified no longer than
	// its budget allows (0.5 s a second, a 1 s burst, two verifications in flight).
	assert_eq!(admitted + other, 0, "{figures}");
	assert!(busy > invalid, "most of the flood is refused unverified: {figures}");
	assert!(propagated > 0.0, "the peer relayed its flood: {figures}");
	assert!(refused_unverified as u64 > busy, "the peer's flood is refused too: {figures}");
	assert!(spent <= 0.5 * window + 1.0 + 0.5, "{figures}");
	assert_eq!(leaf_count(&validator, Value::Null), 4, "only the relayed transfer applied");
	// The paid path: every invalid relay was included, failed and cost Dave its fee.
	let dave_nonce = validator
		.rpc("system_accountNextIndex", json!([dave_account.to_string()]))
		.expect("nonce");
	assert_eq!(dave_nonce.as_u64(), Some(u64::from(BAD_RELAYS)), "{figures}");
	assert!(dave_paid >= u128::from(BAD_RELAYS) * relay_fee / 2, "{figures}");
}
