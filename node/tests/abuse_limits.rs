//! Limits against abuse, on real `--dev` nodes: RPC request and response size limits and the
//! per-connection rate limit; the transaction pool's limit; and a flood of invalid
//! shielded transfers, which is refused while blocks keep coming and does not poison the
//! verified-proof cache (the valid transfer with the same public inputs is accepted after).

mod common;

use std::{
	io::{Read, Write},
	net::TcpStream,
	time::{Duration, Instant},
};

use common::{free_balance, hex_bytes, leaf_count, tx, wallet::sable, Node};
use sable_runtime::{AccountId, RuntimeCall, UNITS};
use sable_wallet::extrinsic::signed;
use sable_zk_primitives::encoding::to_hex;
use serde_json::{json, Value};
use sp_core::{sr25519, Pair};

/// POSTs `body` to the node's RPC port on one connection; returns the status line and body.
fn post(node: &Node, body: &str) -> (String, String) {
	let mut stream = TcpStream::connect(("127.0.0.1", node.rpc_port)).expect("connect");
	stream.set_read_timeout(Some(Duration::from_secs(120))).expect("timeout");
	let request = format!(
		"POST / HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Type: application/json\r\n\
		 Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
		node.rpc_port,
		body.len()
	);
	// The server may answer (and close) before reading a body it refuses.
	let _ = stream.write_all(request.as_bytes());
	let mut response = Vec::new();
	let _ = stream.read_to_end(&mut response);
	let response = String::from_utf8_lossy(&response).to_string();
	let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
	(head.lines().next().unwrap_or_default().to_string(), body.to_string())
}

/// Makes `count` `system_health` calls at once on one WebSocket connection; returns how many
/// were answered and how many refused by the rate limit.
fn concurrent_calls(url: &str, count: usize) -> (usize, usize) {
	use jsonrpsee::{core::client::ClientT, rpc_params, ws_client::WsClientBuilder};
	common::block_on(async {
		let client = WsClientBuilder::default()
			.max_concurrent_requests(count)
			.request_timeout(Duration::from_secs(120))
			.build(url)
			.await
			.expect("ws connects");
		let calls = (0..count).map(|_| client.request::<Value, _>("system_health", rpc_params![]));
		let results = futures::future::join_all(calls).await;
		let answered = results.iter().filter(|r| r.is_ok()).count();
		let limited = results
			.iter()
			.filter(|r| matches!(r, Err(e) if e.to_string().contains("rate limit exceeded")))
			.count();
		(answered, limited)
	})
}

#[test]
fn rpc_size_and_rate_limits() {
	let node = Node::dev(
		"dev-rpc-limits",
		&["--rpc-max-request-size", "1", "--rpc-max-response-size", "1", "--rpc-rate-limit", "60"],
	);

	// A 2 MiB request is refused before it is parsed.
	let padding = "0".repeat(2 << 20);
	let big =
		format!(r#"{{"jsonrpc":"2.0","id":1,"method":"system_health","params":["{padding}"]}}"#);
	let (status, body) = post(&node, &big);
	assert!(status.contains("413") || body.contains("too big"), "{status}: {body}");

	// A response over 1 MiB (the runtime's code, hex) is refused.
	let code = node.rpc("state_getStorage", json!(["0x3a636f6465"]));
	assert!(
		code.as_ref().is_err_and(|e| e.contains("too big") || e.contains("-32008")),
		"{code:?}"
	);

	// 100 calls at once on one WebSocket connection: the first 60 (a minute's quota) are
	// answered at once, the rest wait for the quota and give up after 10 tries with -32999.
	let (answered, limited) = concurrent_calls(&node.ws_url(), 100);
	println!("rate limit: {answered} answered, {limited} refused with -32999");
	assert!(answered >= 60, "the burst is served: {answered}");
	assert!(limited >= 1, "calls over the rate are refused: {limited} of 100");
	assert_eq!(answered + limited, 100);

	// The node serves a new connection normally.
	assert!(node.rpc("system_health", json!([])).is_ok());
}

#[test]
fn a_flood_of_invalid_transfers_is_refused_and_does_not_poison_the_cache() {
	// Every invalid proof is verified here: the pool's verification budget, which would
	// refuse most of them unverified, is lifted (node/tests/flood.rs tests the budget).
	let node = Node::dev("dev-zk-flood", &["--zk-pool-verification-budget", "1000000"]);
	let url = node.ws_url();
	let (a, b) = (node.base_path.join("a"), node.base_path.join("b"));
	assert_eq!(sable(&a, &url, &["keys", "new"], None).0, 0);
	assert_eq!(sable(&b, &url, &["keys", "new"], None).0, 0);
	let (_, keys) = sable(&b, &url, &["keys", "show"], None);
	let to = keys["address"].as_str().expect("address").to_string();
	let (code, shielded) =
		sable(&a, &url, &["shield", "10000000000000", "--from", "//Alice"], None);
	assert_eq!(code, 0, "{shielded}");
	// A valid transfer, kept back.
	let (code, prepared) = sable(&a, &url, &["send", &to, "1000000000000", "--no-submit"], None);
	assert_eq!(code, 0, "{prepared}");
	let valid = hex_bytes(&prepared["extrinsic"]).expect("extrinsic hex");
	let proof = hex_bytes(&prepared["payload"]["proof"]).expect("proof hex");
	// Flip bits well inside the proof's bytes, a different one in each copy (so each is a new
	// transaction that must be verified again).
	let offset =
		valid.windows(32).position(|w| w == &proof[..32]).expect("the proof is in the extrinsic");
	let inner = proof.len() - 128;

	let before = node.best_number().expect("best");
	let started = Instant::now();
	let mut refusals = std::collections::BTreeMap::<String, usize>::new();
	for i in 0..300usize {
		let mut forged = valid.clone();
		forged[offset + 64 + i % inner] ^= 1 + (i / inner) as u8;
		let error = node
			.rpc("author_submitExtrinsic", json!([to_hex(&forged)]))
			.expect_err("an invalid proof is refused");
		let reason = if error.contains("Custom error: 13") { "invalid proof" } else { "other" };
		*refusals.entry(reason.to_string()).or_default() += 1;
		assert_eq!(reason, "invalid proof", "{error}");
	}
	let flood = started.elapsed();
	println!("flood: 300 invalid transfers refused in {flood:?}: {refusals:?}");
	// Blocks kept coming during the flood (a slot is 3 s on --dev; allow for slack).
	node.wait_for("blocks after the flood", Duration::from_secs(30), |n| {
		n.best_number().unwrap_or(0) >= before + 2
	});

	// The valid transfer with the same public inputs is accepted and included.
	node.rpc("author_submitExtrinsic", json!([to_hex(&valid)]))
		.expect("the valid transfer is accepted");
	// Wallets sync from the finalized block (docs/zk.md, "Wallet sync").
	node.wait_for("the transfer's notes finalized", Duration::from_secs(60), |n| {
		let head = n.rpc("chain_getFinalizedHead", json!([])).unwrap_or(Value::Null);
		!head.is_null() && leaf_count(n, head) == 4
	});
	let (_, synced) = sable(&b, &url, &["sync"], None);
	assert_eq!(synced["balance"], "1000000000000");
}

#[test]
fn the_transaction_pool_holds_no_more_than_its_limit_and_blocks_go_on() {
	const LIMIT: usize = 20;
	const SENDERS: usize = 60;
	let dir = tempfile::Builder::new().prefix("sable-pool-").tempdir().expect("temp dir");
	let alice = sr25519::Pair::from_string("//Alice", None).expect("dev key");
	let senders: Vec<sr25519::Pair> = (0..SENDERS)
		.map(|i| sr25519::Pair::from_string(&format!("//Pool//{i}"), None).expect("derives"))
		.collect();
	let transfer = |to: &AccountId, value| {
		RuntimeCall::Balances(pallet_balances::Call::transfer_keep_alive {
			dest: to.clone().into(),
			value,
		})
	};

	// Alice funds the senders on a node with the default limit, then the chain is reopened
	// by a node whose pool holds 20.
	let mut funding = Node::start("dev-pool-funding", dir.path(), &["--dev"]);
	funding.wait_for("block 1", Duration::from_secs(90), |n| n.best_number().unwrap_or(0) >= 1);
	let context = tx::chain_context(&funding);
	for (nonce, sender) in senders.iter().enumerate() {
		let fund = transfer(&sender.public().into(), 10 * UNITS);
		funding.submit(&signed(&context, fund, &alice, nonce as u32)).expect("funding");
	}
	let last: AccountId = senders[SENDERS - 1].public().into();
	funding.wait_for("funded senders", Duration::from_secs(60), |n| free_balance(n, &last) > 0);
	let funded_at = funding.best_number().expect("best");
	funding.wait_for("funding finalized", Duration::from_secs(60), |n| {
		n.finalized_number().unwrap_or(0) >= funded_at
	});
	funding.stop();
	let limit = LIMIT.to_string();
	let node = Node::start("dev-pool", dir.path(), &["--dev", "--pool-limit", &limit]);
	node.wait_for("blocks again", Duration::from_secs(90), |n| {
		n.best_number().unwrap_or(0) > funded_at
	});

	// Each sender sends Bob 1 SBL, all at once: three times what the pool holds.
	let bob: AccountId = sp_keyring::Sr25519Keyring::Bob.to_account_id();
	let bob_before = free_balance(&node, &bob);
	let before = node.best_number().expect("best");
	let mut refused = 0;
	for sender in &senders {
		if let Err(error) = node.submit(&signed(&context, transfer(&bob, UNITS), sender, 0)) {
			// Refused at the door: no room.
			assert!(error.contains("1014") || error.contains("1016"), "{error}");
			refused += 1;
		}
	}
	let pending = |n: &Node| {
		n.rpc("author_pendingExtrinsics", json!([]))
			.ok()
			.and_then(|p| p.as_array().map(Vec::len))
			.unwrap_or(usize::MAX)
	};
	let held = pending(&node);
	assert!(held <= LIMIT, "{held} transactions in a pool limited to {LIMIT}");

	// Blocks go on and the pool drains; what it did not hold was dropped, not included.
	node.wait_for("the pool drained", Duration::from_secs(60), |n| pending(n) == 0);
	let settled = node.best_number().expect("best");
	node.wait_for("two more blocks", Duration::from_secs(30), |n| {
		n.best_number().unwrap_or(0) >= settled + 2
	});
	let included = (free_balance(&node, &bob) - bob_before) / UNITS;
	println!(
		"pool limit {LIMIT}: {SENDERS} submitted, {refused} refused at submission, {held} held, \
		 {included} included, {} dropped",
		SENDERS as u128 - included
	);
	assert!(included >= 1, "nothing held by the pool was included");
	// At most one block can have made room while the 60 went in (each takes milliseconds).
	assert!(
		included <= 2 * LIMIT as u128,
		"{included} included: the pool held more than its limit"
	);
	assert!(node.best_number().expect("best") > before);
}
