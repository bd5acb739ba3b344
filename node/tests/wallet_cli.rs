//! The `sable` wallet CLI against a `--dev` node: keys (plain and passphrase-encrypted, 0600
//! files, no overwrite), sync over WebSocket RPC into a store that matches the chain's tree,
//! clear errors for a wrong chain, an unreachable node and a locked key file; two wallets
//! shielding, sending and unshielding with exact balances, double-spend refusal, a sync killed
//! between pages and resumed, a sync that finds the notes and their spends without sending
//! the node any of the wallet's nullifiers; proofs under an unknown anchor read as expired; and the
//! proof-of-inference market from the CLI: a provider bonding and registering the digits
//! model, an inference job proven, delivered and decrypted; a commitment job challenged,
//! disputed with a reason and resolved against its provider by sudo; a request that does not
//! match its job refused by the provider, and the job cancelled. The market's acceptance test
//! is `proof_of_inference.rs`; polkadot.js submitting the CLI's proofs is tested in
//! `scripts/e2e`.

mod common;

use std::{path::Path, time::Duration};

use common::{
	capture::{websocket_messages, RpcCapture},
	free_port,
	wallet::{self, sable, sable_full},
	Node,
};
use sable_wallet::{error::WalletError, node_client::NodeClient, submit};
use serde_json::{json, Value};
use sp_keyring::Sr25519Keyring;

fn error_of(value: &Value) -> &str {
	value["error"].as_str().unwrap_or_default()
}

#[test]
fn keys_sync_and_errors_against_a_dev_node() {
	let node = Node::dev("dev-wallet", &[]);
	let url = node.ws_url();
	let (alice, bob) = (node.base_path.join("alice"), node.base_path.join("bob"));

	// Keys: a plain key file, mode 0600, never overwritten.
	let (code, keys) = sable(&alice, &url, &["keys", "new"], None);
	assert_eq!(code, 0, "{keys}");
	assert_eq!(keys["encrypted"], false);
	let address = keys["address"].as_str().expect("address").to_string();
	#[cfg(unix)]
	{
		use std::os::unix::fs::PermissionsExt;
		let mode =
			std::fs::metadata(alice.join("keys.json")).expect("key file").permissions().mode();
		assert_eq!(mode & 0o777, 0o600);
	}
	let (code, refused) = sable(&alice, &url, &["keys", "new"], None);
	assert_eq!(code, 2);
	assert!(error_of(&refused).contains("already holds keys"), "{refused}");
	let (_, shown) = sable(&alice, &url, &["keys", "show"], None);
	assert_eq!(shown["address"], address.as_str());

	// An encrypted key file needs its passphrase to sync.
	let (code, keys) = sable(&bob, &url, &["keys", "new", "--encrypt"], Some("pw"));
	assert_eq!((code, keys["encrypted"].clone()), (0, json!(true)), "{keys}");
	let (code, locked) = sable(&bob, &url, &["sync"], None);
	assert_eq!(code, 2);
	assert!(error_of(&locked).contains("SABLE_PASSPHRASE"), "{locked}");
	let (code, wrong) = sable(&bob, &url, &["sync"], Some("not pw"));
	assert_eq!(code, 2);
	assert!(error_of(&wrong).contains("wrong passphrase"), "{wrong}");
	let (code, synced) = sable(&bob, &url, &["sync"], Some("pw"));
	assert_eq!(code, 0, "{synced}");

	// Sync: the store ends at the chain's leaf count with nothing of ours in it.
	let (code, synced) = sable(&alice, &url, &["sync"], None);
	assert_eq!(code, 0, "{synced}");
	let state = node.rpc("zk_treeState", json!([])).expect("zk_treeState");
	assert_eq!(synced["synced_to"], state["leafCount"]);
	assert_eq!(synced["balance"], "0");
	let (_, balance) = sable(&alice, &url, &["balance"], None);
	assert_eq!(balance["balance"], "0");

	// A store synced from another chain is refused, and the store is left alone.
	let store_path = alice.join("wallet.json");
	let mut store: Value =
		serde_json::from_slice(&std::fs::read(&store_path).expect("store")).expect("json");
	store["genesis_hash"] = json!(format!("0x{}", "00".repeat(32)));
	std::fs::write(&store_path, store.to_string()).expect("write");
	let (code, other_chain) = sable(&alice, &url, &["sync"], None);
	assert_eq!(code, 2);
	assert!(error_of(&other_chain).contains("another chain"), "{other_chain}");

	// No node there.
	let nowhere = format!("ws://127.0.0.1:{}", free_port());
	let (code, unreachable) = sable(&bob, &nowhere, &["sync"], Some("pw"));
	assert_eq!(code, 2);
	assert!(error_of(&unreachable).contains("cannot reach the node"), "{unreachable}");
}

#[test]
fn two_wallets_shield_send_and_unshield_with_exact_balances() {
	use sable_runtime::{CENTS, UNITS};
	let node = Node::dev("dev-wallet-e2e", &[]);
	let url = node.ws_url();
	let (a, b) = (node.base_path.join("a"), node.base_path.join("b"));
	for wallet in [&a, &b] {
		assert_eq!(sable(wallet, &url, &["keys", "new"], None).0, 0);
	}
	let (_, b_keys) = sable(&b, &url, &["keys", "show"], None);
	let b_address = b_keys["address"].as_str().expect("address").to_string();
	let unit = UNITS as u64;
	// The shielded fee the CLI paid: the chain's price plus 1% (docs/zk.md, "Fees and
	// priority"); the multiplier moves the price a little from block to block.
	let paid = |reply: &Value, kind: &str| -> u64 {
		let fee: u64 = reply["fee"].as_str().and_then(|f| f.parse().ok()).expect("fee");
		let price = common::zk::minimum_fee(&node, kind);
		assert!(
			fee > CENTS as u64 && fee.abs_diff(price + price / 100) <= price / 200,
			"{fee} for {price}"
		);
		fee
	};

	// A shields 10 SBL from //Alice.
	let amount = (10 * unit).to_string();
	let (code, shielded, log) = sable_full(&a, &url, &["shield", &amount, "--from", "//Alice"]);
	assert_eq!(code, 0, "{shielded} {log}");
	assert!(log.contains("proving"), "progress is reported: {log}");
	assert!(shielded["block_number"].as_u64().expect("block") >= 1);
	assert_eq!(shielded["balance"], (10 * unit).to_string());

	// A sends 4 SBL to B; B syncs and sees exactly that note.
	let amount = (4 * unit).to_string();
	let (code, sent, log) = sable_full(&a, &url, &["send", &b_address, &amount]);
	assert_eq!(code, 0, "{sent} {log}");
	let fee = paid(&sent, "transfer");
	assert_eq!(sent["balance"], (6 * unit - fee).to_string());
	let (code, synced) = sable(&b, &url, &["sync"], None);
	assert_eq!(code, 0, "{synced}");
	assert_eq!(synced["balance"], (4 * unit).to_string());

	// A's spent note: refused locally, and by the chain when forced.
	let too_much = (7 * unit).to_string();
	let (code, refused, _) = sable_full(&a, &url, &["send", &b_address, &too_much]);
	assert_eq!(code, 2);
	assert!(
		refused["error"].as_str().unwrap_or_default().contains("insufficient shielded funds"),
		"{refused}"
	);
	let (code, forced, _) = sable_full(&a, &url, &["send", &b_address, &too_much, "--force"]);
	assert_eq!(code, 2);
	assert!(
		forced["error"].as_str().unwrap_or_default().contains("1010"),
		"the pool refuses: {forced}"
	);

	// A proof under an anchor the chain does not know, as when the root history has moved past
	// it while the wallet proved: the pool refuses the unsigned transfer, the signed shield
	// fails in its block, and the wallet reads both as the expired anchor it re-syncs and
	// proves again for.
	let one = unit.to_string();
	let (_, prepared) = sable(&a, &url, &["send", &b_address, &one, "--no-submit"], None);
	let refused = submit_under_unknown_anchor(&url, &prepared, None);
	assert!(matches!(refused, WalletError::Refused(_)) && refused.is_expired_anchor(), "{refused}");
	assert!(refused.to_string().contains("Custom error: 4 (zk.UnknownAnchor: "), "{refused}");
	let (_, prepared) = sable(&a, &url, &["shield", &one, "--no-submit"], None);
	let failed = submit_under_unknown_anchor(&url, &prepared, Some("//Alice"));
	assert!(matches!(failed, WalletError::Failed { .. }) && failed.is_expired_anchor(), "{failed}");
	let (_, balance) = sable(&a, &url, &["balance"], None);
	assert_eq!(balance["balance"], (6 * unit - fee).to_string(), "nothing changed");

	// B unshields 3 SBL to a fresh account, which receives exactly that.
	let recipient =
		<sp_core::sr25519::Pair as sp_core::Pair>::from_string("//SableWalletRecipient", None)
			.expect("suri");
	let recipient = sable_runtime::AccountId::from(sp_core::Pair::public(&recipient));
	let amount = (3 * unit).to_string();
	let (code, unshielded, log) =
		sable_full(&b, &url, &["unshield", &recipient.to_string(), &amount]);
	assert_eq!(code, 0, "{unshielded} {log}");
	let unshield_fee = paid(&unshielded, "unshield");
	assert_eq!(unshielded["balance"], (unit - unshield_fee).to_string());
	assert_eq!(common::free_balance(&node, &recipient), 3 * UNITS);
	let (_, history) = sable(&b, &url, &["history"], None);
	assert_eq!(
		history["history"].as_array().map(Vec::len),
		Some(3),
		"received, spent, change: {history}"
	);

	// A's key in a fresh store, synced one leaf per request and killed mid-sync again and
	// again: the resumed store ends up exactly as A's, nothing lost or counted twice.
	let c = node.base_path.join("c");
	std::fs::create_dir_all(&c).expect("dir");
	std::fs::copy(a.join("keys.json"), c.join("keys.json")).expect("copy keys");
	let interrupted = sync_killed_repeatedly(&c, &url);
	assert!(interrupted >= 1, "at least one sync was killed between pages");
	let (_, a_notes) = sable(&a, &url, &["notes"], None);
	let (_, c_notes) = sable(&c, &url, &["notes"], None);
	assert_eq!(c_notes, a_notes, "same notes, spent flags and order");
	let (_, c_balance) = sable(&c, &url, &["balance"], None);
	assert_eq!(c_balance["balance"], (6 * unit - fee).to_string());
	assert_eq!(c_balance["synced_to"], 6, "three extrinsics, two leaves each");

	// A's and B's keys in fresh stores, synced through a proxy that records what they send:
	// each finds its notes and its spent one (A's in the page that holds the note, B's a page
	// later), and the node hears none of their nullifiers (docs/zk.md, "Wallet sync").
	let nullifiers: Vec<String> = [&a, &b]
		.iter()
		.flat_map(|wallet| run_ok(wallet, &url, &["notes"])["notes"].as_array().cloned())
		.flatten()
		.map(|note| note["nullifier"].as_str().expect("nullifier").to_string())
		.collect();
	assert_eq!(nullifiers.len(), 4, "A's and B's two notes each");
	for (keys, page_size, received, spent) in [(&a, "256", [0, 3], 0), (&b, "2", [2, 4], 2)] {
		let fresh = tempfile::tempdir_in(&node.base_path).expect("dir");
		std::fs::copy(keys.join("keys.json"), fresh.path().join("keys.json")).expect("copy keys");
		let capture = RpcCapture::start(node.rpc_port);
		let synced = run_ok(fresh.path(), &capture.ws_url(), &["sync", "--page-size", page_size]);
		assert_eq!(synced["received"], json!(received), "{synced}");
		assert_eq!(synced["spent"], json!([spent]), "{synced}");
		assert_eq!(
			run_ok(fresh.path(), &url, &["notes"]),
			run_ok(keys, &url, &["notes"]),
			"the same notes and spent flags as the wallet that spent them"
		);
		assert_names_no_nullifier(&capture, &nullifiers);
	}

	// The paid path (docs/zk.md, "Floods"): A sends 1 SBL to B through `zk.relay`, signed by
	// //Charlie, who pays the transaction fee and is paid the shielded fee (here 2 SBL, more
	// than the transaction fee). Prepared, it is a relay call for the relayer to sign.
	let (_, prepared) = sable(
		&a,
		&url,
		&["send", &b_address, &one, "--relay-from", "//Charlie", "--no-submit"],
		None,
	);
	assert_eq!(prepared["call"], "relay", "{prepared}");
	let charlie = sp_keyring::Sr25519Keyring::Charlie.to_account_id();
	let charlie_before = common::free_balance(&node, &charlie);
	let relay_fee = (2 * unit).to_string();
	let (code, relayed, log) = sable_full(
		&a,
		&url,
		&["send", &b_address, &one, "--fee", &relay_fee, "--relay-from", "//Charlie"],
	);
	assert_eq!(code, 0, "{relayed} {log}");
	assert_eq!(relayed["balance"], (6 * unit - fee - unit - 2 * unit).to_string());
	let charlie_gain = common::free_balance(&node, &charlie) as i128 - charlie_before as i128;
	assert!(
		charlie_gain > 0 && charlie_gain < 2 * UNITS as i128,
		"paid 2 SBL less its transaction fee: {charlie_gain}"
	);
	assert_eq!(run_ok(&b, &url, &["sync"])["balance"], (2 * unit - unshield_fee).to_string());

	// The chain these shields, transfers, unshields and relays left behind keeps the pool's
	// invariants (and the escrow's, untouched).
	assert!(common::state::assert_invariants(&node) > 0);
}

/// Asserts that the one sync `capture` recorded read the tree at one block hash and that
/// nothing it sent names any of `nullifiers` (hex, with or without `0x`, in any case, or as
/// raw bytes) or asks `zk_isSpent`.
fn assert_names_no_nullifier(capture: &RpcCapture, nullifiers: &[String]) {
	let requests = capture.requests();
	assert_eq!(requests.len(), 1, "one connection");
	let method = |request: &Value| request["method"].as_str().unwrap_or_default().to_string();
	let methods: Vec<String> = requests[0].iter().map(method).collect();
	// The capture reads the messages: the sync's own requests are there.
	for expected in ["chain_getFinalizedHead", "zk_leaves", "zk_treeState"] {
		assert!(methods.iter().any(|m| m == expected), "{expected} in {methods:?}");
	}
	let at: Vec<&Value> = requests[0]
		.iter()
		.filter_map(|request| match method(request).as_str() {
			"zk_leaves" => Some(&request["params"][2]),
			"zk_treeState" => Some(&request["params"][0]),
			_ => None,
		})
		.collect();
	assert!(at[0].as_str().is_some_and(|hash| hash.len() == 66), "a block hash: {at:?}");
	assert!(at.iter().all(|hash| *hash == at[0]), "one block for the whole sync: {at:?}");

	for (raw, plain) in capture.raw().iter().zip(capture.plain()) {
		let text = [raw.as_slice(), plain.as_slice()].concat();
		let text = String::from_utf8_lossy(&text).to_lowercase();
		assert!(!text.contains("zk_isspent"), "the sync asked zk_isSpent: {methods:?}");
		for nullifier in nullifiers {
			let hex = nullifier.trim_start_matches("0x").to_lowercase();
			assert!(!text.contains(&hex), "the node was sent nullifier {nullifier}");
			let bytes = common::hex_bytes(&json!(nullifier)).expect("hex");
			assert!(
				!plain.windows(bytes.len()).any(|window| window == bytes),
				"the node was sent nullifier {nullifier} as bytes"
			);
		}
	}
}

#[test]
fn the_capture_unmasks_websocket_frames() {
	let mask = [0x37, 0xfa, 0x21, 0x3d];
	let masked = |first: u8, payload: &[u8]| {
		let mut frame = vec![first, 0x80 | payload.len() as u8];
		frame.extend(mask);
		frame.extend(payload.iter().enumerate().map(|(i, byte)| byte ^ mask[i % 4]));
		frame
	};
	let head = b"GET / HTTP/1.1\r\nHost: x\r\n\r\n";
	let mut bytes = head.to_vec();
	bytes.extend(masked(0x81, b"{\"id\":1}"));
	bytes.extend(masked(0x89, b"ping"));
	bytes.extend(masked(0x01, b"{\"id\""));
	bytes.extend(masked(0x80, b":2}"));
	let mut long = vec![0x82, 0x80 | 126, 0, 200];
	long.extend(mask);
	long.extend((0..200).map(|i| (i as u8) ^ mask[i % 4]));
	bytes.extend(long);
	bytes.extend(&masked(0x81, b"{\"id\":3}")[..5]);
	let (read_head, messages) = websocket_messages(&bytes);
	assert_eq!(read_head, head);
	let long: Vec<u8> = (0..200).map(|i| i as u8).collect();
	assert_eq!(
		messages,
		vec![b"{\"id\":1}".to_vec(), b"{\"id\":2}".to_vec(), long],
		"pings skipped, fragments joined, the incomplete last frame left out"
	);
}

/// Submits the call of `sable ... --no-submit` with its anchor replaced by one the chain never
/// had, through the wallet's own submission code: unsigned, or signed by `signer`. Returns the
/// wallet's error.
fn submit_under_unknown_anchor(url: &str, prepared: &Value, signer: Option<&str>) -> WalletError {
	use codec::Decode;
	use sable_runtime::RuntimeCall;
	let call_data = common::hex_bytes(&prepared["call_data"]).expect("call_data");
	let mut call = RuntimeCall::decode(&mut &call_data[..]).expect("a runtime call");
	let payload = match &mut call {
		RuntimeCall::Zk(
			pallet_zk::Call::shield { payload }
			| pallet_zk::Call::transfer { payload }
			| pallet_zk::Call::unshield { payload, .. },
		) => payload,
		other => panic!("not a shielded call: {other:?}"),
	};
	payload.public_inputs.anchor = [7; 32];
	common::block_on(async {
		let node = NodeClient::connect(url).await.expect("connect");
		let extrinsic = match signer {
			Some(suri) => {
				let pair = submit::pair_from_suri(suri).expect("suri");
				submit::sign(&node, call, &pair).await.expect("signed")
			},
			None => sable_wallet::extrinsic::bare(call),
		};
		submit::submit(&node, &extrinsic).await.expect_err("an unknown anchor is refused")
	})
}

/// Leaves in the store at `path`, or 0 if there is none yet.
fn stored_leaves(path: &Path) -> usize {
	std::fs::read(path)
		.ok()
		.and_then(|bytes| serde_json::from_slice::<Value>(&bytes).ok())
		.and_then(|state| state["leaves"].as_array().map(Vec::len))
		.unwrap_or(0)
}

/// Runs `sable sync --page-size 1` in `data_dir`, SIGKILLs it as soon as a page has been saved,
/// and restarts it until a run completes. Returns how many runs were killed with the store
/// between the first and the last leaf. Starts over (up to 20 times) if every run completed
/// before it could be killed.
fn sync_killed_repeatedly(data_dir: &Path, url: &str) -> usize {
	let store = data_dir.join("wallet.json");
	for _ in 0..20 {
		let _ = std::fs::remove_file(&store);
		let mut interrupted = 0;
		loop {
			let before = stored_leaves(&store);
			let mut child = wallet::command(data_dir, url, &["sync", "--page-size", "1"])
				.stdout(std::process::Stdio::null())
				.stderr(std::process::Stdio::null())
				.spawn()
				.expect("sable starts");
			let finished = loop {
				if let Some(status) = child.try_wait().expect("wait") {
					break Some(status);
				}
				if stored_leaves(&store) > before {
					child.kill().expect("kill");
					child.wait().expect("reap");
					break None;
				}
				std::thread::sleep(Duration::from_millis(1));
			};
			match finished {
				Some(status) => {
					assert!(status.success(), "a resumed sync completes: {status}");
					break;
				},
				None if stored_leaves(&store) < 6 => interrupted += 1,
				None => {},
			}
		}
		if interrupted > 0 {
			return interrupted;
		}
	}
	0
}

/// `sable ARGS` in `wallet` against `url`, which must succeed; its JSON.
fn run_ok(wallet: &Path, url: &str, args: &[&str]) -> Value {
	let (code, value, log) = sable_full(wallet, url, args);
	assert_eq!(code, 0, "sable {args:?}: {value} {log}");
	value
}

/// `sable ARGS` in `wallet` against `url`, which must fail; its error.
fn run_err(wallet: &Path, url: &str, args: &[&str]) -> String {
	let (code, value, log) = sable_full(wallet, url, args);
	assert_eq!(code, 2, "sable {args:?} should fail: {value} {log}");
	error_of(&value).to_string()
}

fn amount(value: &Value) -> u128 {
	value.as_str().and_then(|s| s.parse().ok()).unwrap_or_else(|| panic!("an amount: {value}"))
}

#[test]
fn a_provider_registers_the_digits_model_and_proves_a_delivered_inference_from_the_cli() {
	use common::digits;
	use sable_runtime::UNITS;
	let node = Node::dev("dev-wallet-inference", &[]);
	let url = node.ws_url();
	let (dave, charlie) = (node.base_path.join("dave"), node.base_path.join("charlie"));
	let dave_account = Sr25519Keyring::Dave.to_account_id().to_string();
	let units = |n: u128| (n * UNITS).to_string();

	// Dave bonds 150 SBL, adds 50, starts unbonding 20, and cannot withdraw before the delay.
	let registered =
		run_ok(&dave, &url, &["provider", "register", &units(150), "--from", "//Dave"]);
	assert_eq!(registered["events"], json!(["ProviderRegistered"]));
	run_ok(&dave, &url, &["provider", "bond-extra", &units(50), "--from", "//Dave"]);
	run_ok(&dave, &url, &["provider", "unbond", &units(20), "--from", "//Dave"]);
	let shown = run_ok(&dave, &url, &["provider", "show", &dave_account]);
	assert_eq!(
		(shown["bond"].clone(), shown["unbonding"].clone()),
		(json!(units(200)), json!(units(20)))
	);
	let early = run_err(&dave, &url, &["provider", "withdraw", "--from", "//Dave"]);
	assert!(early.contains("UnbondingNotReady"), "{early}");

	// Dave registers the digits model with a random salt, kept in his wallet.
	let model_path = digits::model_path();
	let model_file = model_path.to_str().expect("utf-8");
	let registered = run_ok(
		&dave,
		&url,
		&[
			"model",
			"register",
			"--circuit",
			"inference-64x32x10",
			"--model-file",
			model_file,
			"--price",
			&units(1),
			"--from",
			"//Dave",
		],
	);
	let model_id = registered["model_id"].as_u64().expect("model id").to_string();
	let shown = run_ok(&dave, &url, &["model", "show", &model_id]);
	assert_eq!(shown["provider"], dave_account.as_str());
	assert_eq!(
		(shown["kind"].clone(), shown["circuitVersion"].clone()),
		(json!("inference"), json!(3))
	);
	assert_eq!(shown["commitment"], registered["commitment"]);
	assert_eq!(shown["encryptionKey"], registered["encryption_key"]);
	assert_eq!(shown["price"], units(1));
	let secrets = std::fs::read_to_string(dave.join("poi.json")).expect("poi.json");
	assert!(secrets.contains(registered["salt"].as_str().expect("salt")), "the salt is kept");
	#[cfg(unix)]
	{
		use std::os::unix::fs::PermissionsExt;
		let mode = std::fs::metadata(dave.join("poi.json")).expect("file").permissions().mode();
		assert_eq!(mode & 0o777, 0o600);
	}
	let unknown = run_err(
		&dave,
		&url,
		&[
			"model",
			"register",
			"--circuit",
			"inference-8x8x8",
			"--model-file",
			model_file,
			"--price",
			"1",
			"--from",
			"//Dave",
		],
	);
	assert!(unknown.contains("unknown circuit"), "{unknown}");

	// Charlie asks for one image below the price: refused before anything is sent; then at it.
	std::fs::create_dir_all(&charlie).expect("dir");
	let input = charlie.join("input.json");
	let x = digits::example_input();
	std::fs::write(&input, json!({ "input": x }).to_string()).expect("input");
	let input = input.to_str().expect("utf-8");
	let create = |payment: &str| {
		vec![
			"job",
			"create",
			"--model",
			&model_id,
			"--input",
			input,
			"--payment",
			payment,
			"--from",
			"//Charlie",
		]
		.into_iter()
		.map(String::from)
		.collect::<Vec<_>>()
	};
	let args = create("1000");
	let args: Vec<&str> = args.iter().map(String::as_str).collect();
	assert!(run_err(&charlie, &url, &args).contains("below model"));
	let args = create(&units(1));
	let args: Vec<&str> = args.iter().map(String::as_str).collect();
	let created = run_ok(&charlie, &url, &args);
	let job_id = created["job_id"].as_u64().expect("job id").to_string();

	// Only the model's provider accepts; Dave opens and checks the request, then accepts.
	let stranger = run_err(&dave, &url, &["job", "accept", &job_id, "--from", "//Eve"]);
	assert!(stranger.contains("--from is"), "{stranger}");
	run_ok(&dave, &url, &["job", "accept", &job_id, "--from", "//Dave"]);
	assert_eq!(run_ok(&dave, &url, &["job", "status", &job_id])["status"]["state"], "accepted");

	// A wrong salt does not open the model's commitment: nothing is proven or sent.
	let zero = format!("0x{}", "00".repeat(32));
	let wrong = run_err(
		&dave,
		&url,
		&["job", "prove", &job_id, "--model-file", model_file, "--salt", &zero, "--from", "//Dave"],
	);
	assert!(wrong.contains("does not open model"), "{wrong}");
	let proven = run_ok(
		&dave,
		&url,
		&["job", "prove", &job_id, "--model-file", model_file, "--from", "//Dave"],
	);
	assert_eq!(proven["state"], "completed", "{proven}");
	assert_eq!(proven["events"], json!(["JobCompleted"]));

	// Charlie decrypts the integer model's output on his image.
	let expected = digits::output(&digits::read_json(&model_path), &x);
	let result = run_ok(&charlie, &url, &["job", "result", &job_id]);
	assert_eq!(result["output"], json!(expected));
	assert_eq!(result["class"], digits::class(&expected));
	// The model file with salt zero does not open Dave's salted commitment.
	let unsalted = run_err(&charlie, &url, &["job", "result", &job_id, "--model-file", model_file]);
	assert!(unsalted.contains("does not open model"), "{unsalted}");
	let salted = run_ok(
		&charlie,
		&url,
		&[
			"job",
			"result",
			&job_id,
			"--model-file",
			model_file,
			"--salt",
			registered["salt"].as_str().expect("salt"),
		],
	);
	assert_eq!(salted["checked_locally"], true);

	// Retired with no open job, the model is removed; new jobs are refused.
	let record = run_ok(&dave, &url, &["provider", "show", &dave_account]);
	assert_eq!((record["completed"].clone(), record["locked"].clone()), (json!(1), json!("0")));
	let retired = run_ok(&dave, &url, &["model", "retire", &model_id, "--from", "//Dave"]);
	assert_eq!(retired["events"], json!(["ModelRetired", "ModelRemoved"]));
	assert_eq!(run_ok(&dave, &url, &["model", "show", &model_id]), Value::Null);
	let args = create(&units(1));
	let args: Vec<&str> = args.iter().map(String::as_str).collect();
	assert!(run_err(&charlie, &url, &args).contains(&format!("no model {model_id}")));

	// The chain this provider, its models and its jobs left behind keeps the escrow's
	// invariants: every hold is explained by a record, every record is backed by a hold.
	assert!(common::state::assert_invariants(&node) > 0);
}

/// A 16 x 16 x 16 base model in `model.json`'s format, `W1` in `[-60, 60]` so that small
/// adapters keep it int8.
fn base_model() -> Value {
	let entry = |i: usize, j: usize, m: i64, range: i64| ((i * 31 + j * 17) as i64 * m) % range;
	let w1: Vec<Vec<i64>> =
		(0..16).map(|i| (0..16).map(|j| entry(i, j, 7, 121) - 60).collect()).collect();
	let w2: Vec<Vec<i64>> =
		(0..16).map(|i| (0..16).map(|j| entry(i, j, 13, 255) - 127).collect()).collect();
	let b1: Vec<i64> = (0..16).map(|i| i * 97 - 700).collect();
	let b2: Vec<i64> = (0..16).map(|i| 300 - i * 41).collect();
	json!({
		"name": "a 16x16x16 base model",
		"shape": { "inputs": 16, "hidden": 16, "outputs": 16 },
		"w1": w1, "b1": b1, "w2": w2, "b2": b2, "divisor": 64,
	})
}

/// `model` with its first layer adapted as docs/poi-circuits.md defines it, computed here:
/// `W1_eff = W1 + floor(alpha (B A) / 2^16)`.
fn adapted_model(model: &Value, a: &[Vec<i64>], b: &[Vec<i64>], alpha: i64) -> Value {
	use common::digits::rows;
	let w1: Vec<Vec<i64>> = rows(&model["w1"])
		.iter()
		.enumerate()
		.map(|(i, row)| {
			row.iter()
				.enumerate()
				.map(|(j, w)| {
					let p: i64 = (0..a.len()).map(|k| b[i][k] * a[k][j]).sum();
					w + ((alpha * p) >> 16)
				})
				.collect()
		})
		.collect();
	let mut adapted = model.clone();
	adapted["w1"] = json!(w1);
	adapted
}

#[test]
fn a_client_runs_a_base_model_with_its_own_lora_adapter_from_the_cli() {
	use common::digits;
	use sable_runtime::UNITS;
	let node = Node::dev("dev-wallet-adapted", &[]);
	let url = node.ws_url();
	let (eve, alice) = (node.base_path.join("eve"), node.base_path.join("alice"));
	let units = |n: u128| (n * UNITS).to_string();
	let write = |dir: &Path, name: &str, value: &Value| {
		std::fs::create_dir_all(dir).expect("dir");
		let path = dir.join(name);
		std::fs::write(&path, value.to_string()).expect("file");
		path.to_str().expect("utf-8").to_string()
	};

	// Eve serves a 16x16x16 base model that clients adapt with a rank-4 adapter.
	let model = base_model();
	let model_file = write(&eve, "base.json", &model);
	run_ok(&eve, &url, &["provider", "register", &units(200), "--from", "//Eve"]);
	let registered = run_ok(
		&eve,
		&url,
		&[
			"model",
			"register",
			"--circuit",
			"adapted-16x16x16-r4",
			"--model-file",
			&model_file,
			"--price",
			&units(1),
			"--from",
			"//Eve",
		],
	);
	let model_id = registered["model_id"].as_u64().expect("model id").to_string();
	let shown = run_ok(&eve, &url, &["model", "show", &model_id]);
	assert_eq!((shown["kind"].clone(), shown["circuit"].clone()), (json!("adapted"), json!(5)));

	// Alice's input and adapter; one adapter that takes W1 out of int8, one that does not.
	let x: Vec<i64> = (0..16).map(|j| (j * 37 % 41) - 20).collect();
	let a: Vec<Vec<i64>> =
		(0..4).map(|k| (0..16).map(|j| ((k * 16 + j) % 9) as i64 - 4).collect()).collect();
	let b: Vec<Vec<i64>> =
		(0..16).map(|i| (0..4).map(|k| ((i + 3 * k) % 7) as i64 - 3).collect()).collect();
	let alpha = 20_000;
	let good = write(
		&alice,
		"good.json",
		&json!({ "input": x, "adapter": { "a": a, "b": b, "alpha": alpha } }),
	);
	let huge = json!({ "input": x, "adapter": { "a": vec![vec![127; 16]; 4], "b": vec![vec![127; 4]; 16], "alpha": 32767 } });
	let huge = write(&alice, "huge.json", &huge);
	let no_adapter = write(&alice, "plain.json", &json!({ "input": x }));
	let create = |input: &str| {
		run_ok(
			&alice,
			&url,
			&[
				"job",
				"create",
				"--model",
				&model_id,
				"--input",
				input,
				"--payment",
				&units(1),
				"--from",
				"//Alice",
			],
		)["job_id"]
			.as_u64()
			.expect("job id")
			.to_string()
	};
	let missing = run_err(
		&alice,
		&url,
		&[
			"job",
			"create",
			"--model",
			&model_id,
			"--input",
			&no_adapter,
			"--payment",
			&units(1),
			"--from",
			"//Alice",
		],
	);
	assert!(missing.contains("takes the client's adapter"), "{missing}");

	// Eve checks the adapter against her weights before accepting, and refuses the one that
	// could not be proven.
	let overflowing = create(&huge);
	let blind = run_err(&eve, &url, &["job", "accept", &overflowing, "--from", "//Eve"]);
	assert!(blind.contains("--model-file"), "{blind}");
	let refused = run_err(
		&eve,
		&url,
		&["job", "accept", &overflowing, "--from", "//Eve", "--model-file", &model_file],
	);
	assert!(
		refused.contains("adapter cannot be applied") && refused.contains("not an int8"),
		"{refused}"
	);
	assert_eq!(run_ok(&eve, &url, &["job", "status", &overflowing])["status"]["state"], "open");
	run_ok(&alice, &url, &["job", "cancel", &overflowing, "--from", "//Alice"]);

	// The good adapter: accepted, proven, and Alice decrypts the adapted model's output.
	let job_id = create(&good);
	run_ok(&eve, &url, &["job", "accept", &job_id, "--from", "//Eve", "--model-file", &model_file]);
	let proven = run_ok(
		&eve,
		&url,
		&["job", "prove", &job_id, "--model-file", &model_file, "--from", "//Eve"],
	);
	assert_eq!(
		(proven["state"].clone(), proven["circuit"].clone()),
		(json!("completed"), json!("poi_adapted_16x16x16_r4_v1"))
	);
	let expected = digits::output(&adapted_model(&model, &a, &b, alpha), &x);
	assert_ne!(expected, digits::output(&model, &x), "the adapter changes the output");
	let result = run_ok(&alice, &url, &["job", "result", &job_id]);
	assert_eq!(result["output"], json!(expected), "{result}");
	assert_eq!(result["class"], digits::class(&expected));
	// Eve's salt is hers: Alice cannot rerun the model without it.
	let unsalted = run_err(&alice, &url, &["job", "result", &job_id, "--model-file", &model_file]);
	assert!(unsalted.contains("does not open model"), "{unsalted}");
}

#[test]
fn a_commitment_job_is_disputed_and_resolved_and_an_unprovable_request_refused_from_the_cli() {
	use codec::{Decode, Encode};
	use frame_support::traits::PalletInfoAccess;
	use sable_inference_primitives::{commit_bytes, CommitmentKind};
	use sable_runtime::{RuntimeCall, UNITS};
	use sable_wallet::poi::chain::{self, PoiCall};
	use sable_zk_primitives::encoding::{fp_to_bytes, from_hex, from_hex_array, to_hex};

	let node = Node::dev("dev-wallet-commitment", &[]);
	let url = node.ws_url();
	let (bob, alice) = (node.base_path.join("bob"), node.base_path.join("alice"));
	let alice_account = Sr25519Keyring::Alice.to_account_id();
	let bob_account = Sr25519Keyring::Bob.to_account_id().to_string();
	let units = |n: u128| (n * UNITS).to_string();
	let file = |dir: &Path, name: &str, bytes: &[u8]| {
		std::fs::create_dir_all(dir).expect("dir");
		let path = dir.join(name);
		std::fs::write(&path, bytes).expect("file");
		path.to_str().expect("utf-8").to_string()
	};

	// Bob serves a model too large to prove: any file, bound by its digest.
	run_ok(&bob, &url, &["provider", "register", &units(200), "--from", "//Bob"]);
	let weights: Vec<u8> = (0..5000u32).map(|i| (i * 2_654_435_761u32 >> 24) as u8).collect();
	let model_file = file(&bob, "weights.bin", &weights);
	let registered = run_ok(
		&bob,
		&url,
		&[
			"model",
			"register",
			"--circuit",
			"commitment",
			"--model-file",
			&model_file,
			"--price",
			&units(1),
			"--from",
			"//Bob",
		],
	);
	let model_id = registered["model_id"].as_u64().expect("model id").to_string();
	assert_eq!(run_ok(&bob, &url, &["model", "show", &model_id])["kind"], "commitment");

	// Alice's prompt; a job with no delivery key; Bob accepts and commits to his answer.
	let prompt = file(&alice, "prompt.txt", b"Translate 'sable' into French.");
	let payment = 10 * UNITS;
	let created = run_ok(
		&alice,
		&url,
		&[
			"job",
			"create",
			"--model",
			&model_id,
			"--input",
			&prompt,
			"--payment",
			&payment.to_string(),
			"--from",
			"//Alice",
		],
	);
	let job_id = created["job_id"].as_u64().expect("job id");
	let id = job_id.to_string();
	assert_eq!(created["args"]["delivery"], Value::Null);
	let early = run_err(&alice, &url, &["job", "expire", &id, "--from", "//Alice"]);
	assert!(early.contains("its deadline is block #"), "{early}");
	run_ok(&bob, &url, &["job", "accept", &id, "--from", "//Bob"]);
	let answer = b"zibeline";
	let answer_file = file(&bob, "answer.txt", answer);
	let no_output =
		run_err(&bob, &url, &["job", "prove", &id, "--model-file", &model_file, "--from", "//Bob"]);
	assert!(no_output.contains("--output-file"), "{no_output}");
	let proven = run_ok(
		&bob,
		&url,
		&[
			"job",
			"prove",
			&id,
			"--model-file",
			&model_file,
			"--output-file",
			&answer_file,
			"--from",
			"//Bob",
		],
	);
	assert_eq!(proven["state"], "challenged", "{proven}");
	assert_eq!(proven["events"], json!(["ResultSubmitted"]));
	// The result is the commitment to the answer that Bob hands over with its opening.
	let salt: [u8; 32] =
		from_hex_array(proven["output_opening"]["salt"].as_str().expect("salt")).expect("hex");
	let salt = sable_zk_primitives::encoding::fp_from_bytes(&salt).expect("a field element");
	let commitment =
		commit_bytes(CommitmentKind::Output, &sable_wallet::poi::blake2_256(answer), salt);
	let status = run_ok(&alice, &url, &["job", "status", &id]);
	assert_eq!(status["result"], json!([to_hex(&commitment)]));
	assert!(status["status"]["ends"].is_u64());
	let result = run_ok(&alice, &url, &["job", "result", &id]);
	assert_eq!(result["output_commitment"], to_hex(&commitment));

	// The challenge window runs (10 minutes): the result cannot be finalized yet. Alice
	// disputes it, with a reason and a deposit of 10% of the payment.
	let running = run_err(&bob, &url, &["job", "finalize", &id, "--from", "//Bob"]);
	assert!(running.contains("its challenge window runs until block #"), "{running}");
	let no_reason =
		run_err(&alice, &url, &["job", "dispute", &id, "--reason", " ", "--from", "//Alice"]);
	assert!(no_reason.contains("needs a reason"), "{no_reason}");
	let disputed = run_ok(
		&alice,
		&url,
		&[
			"job",
			"dispute",
			&id,
			"--reason",
			"the answer is not what the model says",
			"--from",
			"//Alice",
		],
	);
	assert_eq!(disputed["events"], json!(["JobDisputed"]));
	let status = run_ok(&alice, &url, &["job", "status", &id]);
	assert_eq!(status["status"]["state"], "disputed");
	assert_eq!(status["status"]["disputeDeposit"], units(1));
	let collateral = amount(&status["collateral"]);
	assert_eq!(collateral, 2 * UNITS, "20% of the payment");

	// Root decides against Bob: Alice gets her payment, her deposit and Bob's collateral.
	let alice_before = common::free_balance(&node, &alice_account);
	let resolve =
		RuntimeCall::ProofOfInference(PoiCall::resolve_dispute { job_id, for_provider: false });
	let mut sudo = vec![<sable_runtime::Sudo as PalletInfoAccess>::index() as u8, 0];
	resolve.encode_to(&mut sudo);
	let sudo = RuntimeCall::decode(&mut &sudo[..]).expect("Sudo::sudo");
	assert!(matches!(sudo, RuntimeCall::Sudo(_)));
	let resolved = common::block_on(async {
		let client = NodeClient::connect(&url).await.expect("connect");
		let pair = submit::pair_from_suri("//Alice").expect("suri");
		submit::submit(&client, &submit::sign(&client, sudo, &pair).await.expect("signed"))
			.await
			.expect("resolved")
	});
	let status = run_ok(&alice, &url, &["job", "status", &id]);
	assert_eq!(
		(status["status"]["state"].clone(), status["status"]["slashed"].clone()),
		(json!("refunded"), json!(true))
	);
	assert_eq!(
		common::free_balance(&node, &alice_account),
		alice_before - chain::fee_paid(&resolved) + payment + UNITS + collateral
	);
	let record = run_ok(&bob, &url, &["provider", "show", &bob_account]);
	assert_eq!((record["slashed"].clone(), record["disputed"].clone()), (json!(1), json!(1)));
	assert_eq!(record["bond"], (200 * UNITS - collateral).to_string());
	assert_eq!(record["locked"], "0");

	// A job whose request does not match its input commitment: Bob refuses to accept it
	// (it could not be proven), and Alice cancels it.
	let prepared = run_ok(
		&alice,
		&url,
		&[
			"job",
			"create",
			"--model",
			&model_id,
			"--input",
			&prompt,
			"--payment",
			&units(1),
			"--no-submit",
		],
	);
	assert_eq!(prepared["call"], "create_job");
	let args = &prepared["args"];
	let request = from_hex(args["request"].as_str().expect("request")).expect("hex");
	let create_job = |input: [u8; 32]| PoiCall::create_job {
		model_id: args["model_id"].as_u64().expect("model") as u32,
		input,
		delivery: None,
		request: request.clone().try_into().expect("a request's length"),
		payment: UNITS,
		deadline: args["deadline"].as_u64().expect("deadline") as u32,
	};
	let genuine = from_hex_array(args["input"].as_str().expect("input")).expect("hex");
	assert_eq!(
		json!(to_hex(&RuntimeCall::ProofOfInference(create_job(genuine)).encode())),
		prepared["call_data"],
		"the printed arguments are the printed call's"
	);
	let create = create_job(fp_to_bytes(&sable_zk_primitives::Fp::from(7)));
	let created = common::block_on(async {
		let client = NodeClient::connect(&url).await.expect("connect");
		let pair = submit::pair_from_suri("//Alice").expect("suri");
		chain::send(&client, &pair, create).await.expect("created")
	});
	let forged = chain::poi_events(&created)
		.find_map(|event| match event {
			chain::PoiEvent::JobCreated { job_id, .. } => Some(*job_id),
			_ => None,
		})
		.expect("JobCreated")
		.to_string();
	let refused = run_err(&bob, &url, &["job", "accept", &forged, "--from", "//Bob"]);
	assert!(refused.contains("does not match its input commitment"), "{refused}");
	assert_eq!(run_ok(&bob, &url, &["job", "status", &forged])["status"]["state"], "open");
	let before_cancel = common::free_balance(&node, &alice_account);
	let cancelled = run_ok(&alice, &url, &["job", "cancel", &forged, "--from", "//Alice"]);
	assert_eq!(cancelled["events"], json!(["JobCancelled"]));
	assert_eq!(run_ok(&alice, &url, &["job", "status", &forged])["status"]["state"], "cancelled");
	assert_eq!(
		common::free_balance(&node, &alice_account),
		before_cancel - amount(&cancelled["fee"]) + UNITS,
		"the payment is released (the deposit stays until the job is pruned)"
	);
}
