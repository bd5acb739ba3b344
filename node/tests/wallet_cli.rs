//! The `sable` wallet CLI against a `--dev` node: keys (plain and passphrase-encrypted, 0600
//! files, no overwrite), sync over WebSocket RPC into a store that matches the chain's tree,
//! and clear errors for a wrong chain, an unreachable node and a locked key file. (Shielded
//! sends come with the rest of issue 6.)

mod common;

use std::{
	path::{Path, PathBuf},
	process::Command,
	time::Duration,
};

use common::{free_port, Node, NODE};
use serde_json::{json, Value};

/// The wallet binary, built beside the node by the workspace build.
fn sable_binary() -> PathBuf {
	let path = Path::new(NODE).with_file_name("sable");
	assert!(
		path.exists(),
		"{} missing: build the workspace (cargo build --workspace)",
		path.display()
	);
	path
}

/// Runs `sable --output json ARGS` and returns its exit code and JSON output.
fn sable(data_dir: &Path, node_url: &str, args: &[&str], passphrase: Option<&str>) -> (i32, Value) {
	let mut command = Command::new(sable_binary());
	command
		.arg("--data-dir")
		.arg(data_dir)
		.args(["--node", node_url, "--output", "json"])
		.args(args);
	command.env_remove("SABLE_PASSPHRASE");
	if let Some(passphrase) = passphrase {
		command.env("SABLE_PASSPHRASE", passphrase);
	}
	let output = command.output().expect("sable runs");
	let value = serde_json::from_slice(&output.stdout).unwrap_or_else(|_| {
		panic!("sable printed JSON: {}", String::from_utf8_lossy(&output.stdout))
	});
	(output.status.code().unwrap_or(-1), value)
}

fn error_of(value: &Value) -> &str {
	value["error"].as_str().unwrap_or_default()
}

#[test]
fn keys_sync_and_errors_against_a_dev_node() {
	let dir = tempfile::Builder::new().prefix("sable-wallet-").tempdir().expect("temp dir");
	let node = Node::start("dev-wallet", dir.path(), &["--dev"]);
	node.wait_for("block 1", Duration::from_secs(90), |n| n.best_number().unwrap_or(0) >= 1);
	let url = format!("ws://127.0.0.1:{}", node.rpc_port);
	let (alice, bob) = (dir.path().join("alice"), dir.path().join("bob"));

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
