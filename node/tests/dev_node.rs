//! A `--dev` node: it produces and finalizes blocks, includes a signed transfer, serves
//! Prometheus metrics, and refuses malformed extrinsics without stopping.

mod common;

use codec::{Compact, Decode, Encode};
use common::{finalized_block_with, free_balance, hex_bytes, tx, Node};
use sable_runtime::{Balance, BalancesCall, RuntimeCall, UNITS};
use sable_wallet::extrinsic;
use sable_zk_primitives::encoding::to_hex;
use serde_json::json;
use sp_keyring::Sr25519Keyring;
use std::time::Duration;

#[test]
fn dev_chain_produces_and_finalizes_blocks_and_includes_a_transfer() {
	let node = Node::dev("dev-transfer", &[]);
	node.wait_for("best >= 3 and finalized >= 2", Duration::from_secs(120), |n| {
		n.best_number().unwrap_or(0) >= 3 && n.finalized_number().unwrap_or(0) >= 2
	});

	let alice = Sr25519Keyring::Alice.pair();
	let bob = Sr25519Keyring::Bob.to_account_id();
	let amount: Balance = 42 * UNITS;
	let bob_before = free_balance(&node, &bob);

	let context = tx::chain_context(&node);
	let call = RuntimeCall::Balances(BalancesCall::transfer_keep_alive {
		dest: bob.clone().into(),
		value: amount,
	});
	let nonce = node
		.rpc("system_accountNextIndex", json!([Sr25519Keyring::Alice.to_account_id().to_string()]))
		.expect("nonce")
		.as_u64()
		.expect("nonce is a number") as u32;
	let transfer = extrinsic::signed(&context, call, &alice, nonce);
	let hash = node.submit(&transfer).expect("transfer accepted");
	assert!(hash.as_str().is_some_and(|h| h.starts_with("0x")), "extrinsic hash: {hash}");

	node.wait_for("the transfer in a finalized block", Duration::from_secs(120), |n| {
		finalized_block_with(n, &extrinsic::to_hex(&transfer)).is_some()
	});
	assert_eq!(free_balance(&node, &bob), bob_before + amount, "Bob received exactly the amount");
}

/// The value of the `substrate_block_height{status="finalized",...}` series, if served.
fn finalized_metric(node: &Node) -> Option<f64> {
	let metrics = node.metrics().ok()?;
	let line = metrics.lines().find(|line| {
		line.starts_with("substrate_block_height{") && line.contains("status=\"finalized\"")
	})?;
	line.rsplit(' ').next()?.parse().ok()
}

#[test]
fn prometheus_serves_finalized_height() {
	let node = Node::dev("dev-prometheus", &[]);
	let served = node.metrics().expect("metrics endpoint answers");
	assert!(served.contains("substrate_block_height"), "{served}");
	// Sable's verification series exist, at zero, before any proof was verified: alerts and
	// dashboards see 0 rather than no data.
	let zero_series = |name: &str, labels: [String; 2]| {
		served.lines().any(|line| {
			line.starts_with(&format!("{name}{{"))
				&& labels.iter().all(|label| line.contains(label.as_str()))
				&& line.ends_with(" 0")
		})
	};
	for circuit in sable_circuits::REGISTRY.iter().map(|spec| spec.name) {
		let circuit_label = format!("circuit=\"{circuit}\"");
		for result in ["ok", "invalid_proof", "malformed_public_inputs", "malformed_statement"] {
			let labels = [circuit_label.clone(), format!("result=\"{result}\"")];
			assert!(zero_series("sable_zk_verifications_total", labels), "{circuit} {result}");
		}
		let labels = [circuit_label.clone(), "mode=\"single\"".to_string()];
		assert!(zero_series("sable_zk_verification_seconds_count", labels), "{circuit} time");
	}
	// The metric follows finality (it is refreshed with each finality notification).
	node.wait_for("the finalized-height metric to reach 2", Duration::from_secs(120), |n| {
		finalized_metric(n).is_some_and(|height| height >= 2.0)
	});
	let rpc_finalized = node.finalized_number().expect("RPC answers") as f64;
	let metric = finalized_metric(&node).expect("metric served");
	assert!((rpc_finalized - metric).abs() <= 2.0, "metric {metric} vs RPC {rpc_finalized}");
}

#[test]
fn malformed_extrinsics_are_rejected_and_blocks_continue() {
	let node = Node::dev("dev-bad-input", &[]);
	let context = tx::chain_context(&node);
	let bob = Sr25519Keyring::Bob.to_account_id();
	let call =
		RuntimeCall::Balances(BalancesCall::transfer_keep_alive { dest: bob.into(), value: UNITS });

	// Signed by Bob's key while claiming to be Alice: the signature does not verify.
	let alice = Sr25519Keyring::Alice.to_account_id();
	let forged = extrinsic::signed_as(&context, call, alice, &Sr25519Keyring::Bob.pair(), 0);
	let error = node.submit(&forged).expect_err("a forged signature is refused");
	assert!(error.contains("1010") && error.contains("bad signature"), "{error}");

	// A bare (v4, unsigned) extrinsic whose call names pallet index 200, which does not exist.
	let mut unknown_call = vec![0x04u8, 200, 0];
	unknown_call = [Compact(unknown_call.len() as u32).encode(), unknown_call].concat();
	let error = node
		.rpc("author_submitExtrinsic", json!([to_hex(&unknown_call)]))
		.expect_err("an unknown call index is refused");
	assert!(error.contains("\"code\"") && error.contains("message"), "{error}");

	// Random bytes are not an extrinsic at all.
	let error =
		node.rpc("author_submitExtrinsic", json!(["0xdeadbeef"])).expect_err("garbage is refused");
	assert!(error.contains("\"code\""), "{error}");

	let best = node.best_number().expect("node answers after bad input");
	node.wait_for("two more blocks after the bad input", Duration::from_secs(60), |n| {
		n.best_number().unwrap_or(0) >= best + 2
	});
	assert!(node.is_running(), "the node is still alive");
}

#[test]
fn rpc_serves_consensus_methods_and_modern_metadata() {
	let node = Node::dev("dev-rpc", &[]);
	let methods = node.rpc("rpc_methods", json!([])).expect("rpc_methods");
	let names: Vec<&str> =
		methods["methods"].as_array().expect("list").iter().filter_map(|m| m.as_str()).collect();
	for expected in [
		"babe_epochAuthorship",
		"grandpa_roundState",
		"grandpa_proveFinality",
		"grandpa_subscribeJustifications",
		"author_rotateKeysWithOwner",
		"system_accountNextIndex",
		"payment_queryInfo",
	] {
		assert!(names.contains(&expected), "{expected} missing from {names:?}");
	}

	// Alice's BABE key may author slots of the current epoch.
	let authorship = node.rpc("babe_epochAuthorship", json!([])).expect("babe_epochAuthorship");
	let alice = Sr25519Keyring::Alice.to_account_id().to_string();
	let alice_slots = &authorship[alice.as_str()];
	assert!(
		alice_slots["primary"].as_array().is_some_and(|s| !s.is_empty())
			|| alice_slots["secondary"].as_array().is_some_and(|s| !s.is_empty()),
		"{authorship}"
	);

	node.wait_for("a GRANDPA round", Duration::from_secs(60), |n| {
		n.rpc("grandpa_roundState", json!([])).is_ok_and(|state| state["setId"].is_number())
	});

	// Metadata v15 and v16 are offered (polkadot.js needs v15 or later).
	let versions =
		node.rpc("state_call", json!(["Metadata_metadata_versions", "0x"])).expect("state_call");
	let versions =
		Vec::<u32>::decode(&mut &hex_bytes(&versions).expect("hex")[..]).expect("Vec<u32>");
	assert!(versions.contains(&15) && versions.contains(&16), "{versions:?}");
}
