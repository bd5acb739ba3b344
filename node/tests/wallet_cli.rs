//! The `sable` wallet CLI against a `--dev` node: keys (plain and passphrase-encrypted, 0600
//! files, no overwrite), sync over WebSocket RPC into a store that matches the chain's tree,
//! clear errors for a wrong chain, an unreachable node and a locked key file; two wallets
//! shielding, sending and unshielding with exact balances, double-spend refusal, a sync killed
//! between pages and resumed; proofs under an unknown anchor read as expired; and
//! proof-of-inference jobs of all three kinds (prove, submit, accept a commitment result,
//! cancel). polkadot.js submitting the CLI's proofs is tested in `scripts/e2e`.

mod common;

use std::{path::Path, time::Duration};

use common::{
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
	let (fee, unit) = (CENTS as u64, UNITS as u64);

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
	assert_eq!(unshielded["balance"], (unit - fee).to_string());
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

#[test]
fn proof_of_inference_jobs_of_every_kind_from_the_cli() {
	use sable_inference_primitives::JobKind;
	let node = Node::dev("dev-wallet-job", &[]);
	let url = node.ws_url();
	// A client and a provider of their own for each kind, so that the three run side by side.
	let parties = [
		(JobKind::Commitment, Sr25519Keyring::Alice, Sr25519Keyring::Bob),
		(JobKind::LoraStep, Sr25519Keyring::Charlie, Sr25519Keyring::Dave),
		(JobKind::Inference, Sr25519Keyring::Eve, Sr25519Keyring::Ferdie),
	];
	std::thread::scope(|scope| {
		for (kind, client, provider) in parties {
			let work = node.base_path.join(format!("{kind:?}"));
			let url = &url;
			scope.spawn(move || job_of_kind(kind, client, provider, &work, url));
		}
	});
}

/// One job of `kind` through the CLI: `provider` registers, `client` creates the job from a
/// request file naming `provider`, who accepts, proves and submits; a commitment result is
/// then accepted by the client, and the commitment client also cancels a second job.
fn job_of_kind(
	kind: sable_inference_primitives::JobKind,
	client: Sr25519Keyring,
	provider: Sr25519Keyring,
	work: &Path,
	url: &str,
) {
	use sable_inference_primitives::JobKind;
	use sable_inference_proofs::{
		json::{request_from_witness, KindJson},
		samples,
	};
	use sable_runtime::UNITS;
	std::fs::create_dir_all(work).expect("work dir");
	let request = work.join("job.json");
	let witness = samples::of_kind(kind, 4);
	std::fs::write(
		&request,
		serde_json::to_string(&request_from_witness(&witness, 0, [0; 32])).expect("json"),
	)
	.expect("request written");
	let request = request.to_str().expect("utf-8 path");
	let [client_uri, provider_uri] = [client, provider].map(|k| format!("//{k:?}"));
	let provider_account = provider.to_account_id().to_string();
	let wallet = work.join("wallet");
	let run = |args: &[&str]| {
		let (code, value, log) = sable_full(&wallet, url, args);
		assert_eq!(code, 0, "{kind:?} {args:?}: {value} {log}");
		value
	};
	let create = || {
		let payment = (50 * UNITS).to_string();
		let created = run(&[
			"job",
			"create",
			request,
			&payment,
			"--from",
			&client_uri,
			"--provider",
			&provider_account,
		]);
		created["job_id"].as_u64().expect("job id").to_string()
	};
	let state = |job_id: &str| run(&["job", "status", job_id])["status"]["state"].clone();

	run(&["job", "register", &(200 * UNITS).to_string(), "--from", &provider_uri]);
	let job_id = create();
	assert_eq!(state(&job_id), "open");
	run(&["job", "accept", &job_id, "--from", &provider_uri]);
	assert_eq!(state(&job_id), "accepted");
	let proof_path = work.join("proof.json");
	let proof_file = proof_path.to_str().expect("utf-8");
	let proof = run(&[
		"job",
		"prove",
		&job_id,
		request,
		"--provider",
		&provider_account,
		"--out",
		proof_file,
	]);
	assert_eq!(proof["kind"], json!(KindJson::from(kind)));
	// Only the provider it was proven for may submit it: refused before anything is sent.
	let (code, refused, _) =
		sable_full(&wallet, url, &["job", "submit", proof_file, "--from", &client_uri]);
	assert_eq!(code, 2);
	assert!(error_of(&refused).contains("another provider"), "{refused}");

	let submitted = run(&["job", "submit", proof_file, "--from", &provider_uri]);
	if kind == JobKind::Commitment {
		// A commitment binds hashes only: the result waits out a challenge window, which
		// the client may end early.
		assert_eq!(submitted["state"], "challenged");
		run(&["job", "accept-result", &job_id, "--from", &client_uri]);
		// Nobody accepted the second job: its client takes the payment back.
		let unaccepted = create();
		run(&["job", "cancel", &unaccepted, "--from", &client_uri]);
		assert_eq!(state(&unaccepted), "cancelled");
	} else {
		assert_eq!(submitted["state"], "completed");
	}
	let status = run(&["job", "status", &job_id]);
	assert_eq!(status["status"]["state"], "completed");
	assert_eq!(status["status"]["output"], proof["statement"]["output"]);
	assert_eq!(status["status"]["provider"], provider_account.as_str());
}
