//! The four-validator `local` chain as four processes on loopback: every node finalizes;
//! with one validator down the other three (3 of 4 > 2/3) still finalize; the restarted
//! validator catches up with their finalized head.

mod common;

use common::Node;
use std::time::Duration;

/// Node key of Alice, the bootnode, so that its peer id is known in advance.
const ALICE_NODE_KEY: &str = "0000000000000000000000000000000000000000000000000000000000000001";
/// The libp2p peer id of `ALICE_NODE_KEY`.
const ALICE_PEER_ID: &str = "12D3KooWEyoppNCUx8Yx66oV9fJnriXwCcXwDDUA2kj6vnc6iDEp";

fn start_validator(
	name: &str,
	seed_flag: &str,
	node_key: &str,
	dir: &std::path::Path,
	bootnode: Option<&str>,
) -> Node {
	let mut args = vec!["--chain", "local", "--validator", seed_flag, "--node-key", node_key];
	if let Some(bootnode) = bootnode {
		args.extend(["--bootnodes", bootnode]);
	}
	Node::start(name, &dir.join(name), &args)
}

fn min_finalized(nodes: &[&Node]) -> u64 {
	nodes.iter().map(|n| n.finalized_number().unwrap_or(0)).min().unwrap_or(0)
}

#[test]
fn four_validators_finalize_survive_one_down_and_catch_up() {
	let dir = tempfile::Builder::new().prefix("sable-local-").tempdir().expect("temp dir");
	let alice = start_validator("alice", "--alice", ALICE_NODE_KEY, dir.path(), None);
	let bootnode = format!("/ip4/127.0.0.1/tcp/{}/p2p/{}", alice.p2p_port, ALICE_PEER_ID);
	let bob = start_validator("bob", "--bob", &format!("{:064x}", 2), dir.path(), Some(&bootnode));
	let charlie = start_validator(
		"charlie",
		"--charlie",
		&format!("{:064x}", 3),
		dir.path(),
		Some(&bootnode),
	);
	let mut dave =
		start_validator("dave", "--dave", &format!("{:064x}", 4), dir.path(), Some(&bootnode));

	// 1. Every node finalizes.
	for node in [&alice, &bob, &charlie, &dave] {
		node.wait_for("finalized >= 3", Duration::from_secs(240), |n| {
			n.finalized_number().unwrap_or(0) >= 3
		});
	}

	// 2. Dave goes down; the other three keep finalizing.
	dave.stop();
	let others = [&alice, &bob, &charlie];
	let finalized_at_stop =
		others.iter().map(|n| n.finalized_number().unwrap_or(0)).max().unwrap_or(0);
	for node in others {
		node.wait_for("finality to advance by 3 without Dave", Duration::from_secs(180), |n| {
			n.finalized_number().unwrap_or(0) >= finalized_at_stop + 3
		});
	}

	// 3. Dave comes back with his database and catches up with the others' finalized head.
	dave.restart();
	let target = min_finalized(&others);
	dave.wait_for("Dave to reach the others' finalized head", Duration::from_secs(180), |n| {
		n.finalized_number().unwrap_or(0) >= target
	});
	// And he keeps following: his finalized head passes the target.
	dave.wait_for("Dave to keep finalizing", Duration::from_secs(120), |n| {
		n.finalized_number().unwrap_or(0) > target
	});
	// No node's finalized block at the target height differs from Alice's.
	let hash_at = |n: &Node| n.rpc("chain_getBlockHash", serde_json::json!([target])).ok();
	let alice_hash = hash_at(&alice).expect("alice has the block");
	for node in [&bob, &charlie, &dave] {
		assert_eq!(
			hash_at(node),
			Some(alice_hash.clone()),
			"{} agrees on block {target}",
			node.name
		);
	}
}
