//! A node whose verifying key differs from the digest pinned in its circuit registry refuses
//! to start, naming the circuit (`docs/zk.md`, "Circuit registry").
//!
//! The node under test is the real binary with one pinned digest altered: every copy of the
//! digits inference circuit's 32-byte digest in the executable gets one bit flipped, what a
//! release would look like whose circuit code or halo2 dependency drifted from the registry.

use std::{
	os::unix::fs::PermissionsExt,
	process::{Command, Stdio},
	time::{Duration, Instant},
};

mod common;

/// Every offset at which `needle` occurs in `haystack`.
fn occurrences(haystack: &[u8], needle: &[u8]) -> Vec<usize> {
	haystack
		.windows(needle.len())
		.enumerate()
		.filter(|(_, window)| *window == needle)
		.map(|(offset, _)| offset)
		.collect()
}

#[test]
fn a_node_whose_pinned_digest_differs_from_its_key_refuses_to_start() {
	let dir = tempfile::tempdir().expect("temp dir");
	let mut binary = std::fs::read(common::NODE).expect("the node binary");
	let spec = sable_circuits::POI_INFERENCE_64X32X10_V3;
	let pinned = spec.vk_digest;
	let offsets = occurrences(&binary, &pinned);
	assert!(!offsets.is_empty(), "the pinned digest is stored verbatim in the binary");
	for offset in &offsets {
		binary[offset + 7] ^= 0x01;
	}
	assert!(occurrences(&binary, &pinned).is_empty());
	let altered = dir.path().join("sable-node-altered");
	std::fs::write(&altered, &binary).expect("write the altered binary");
	std::fs::set_permissions(&altered, std::fs::Permissions::from_mode(0o755))
		.expect("make it executable");

	let log_path = dir.path().join("node.log");
	let log_file = std::fs::File::create(&log_path).expect("log file");
	let mut child = Command::new(&altered)
		.args(["--dev", "--tmp", "--no-telemetry", "--no-mdns", "--no-prometheus"])
		.args(["--rpc-port", &common::free_port().to_string()])
		.args(["--port", &common::free_port().to_string()])
		.stdout(Stdio::null())
		.stderr(log_file)
		.spawn()
		.expect("the altered node starts");
	let deadline = Instant::now() + Duration::from_secs(180);
	let status = loop {
		if let Some(status) = child.try_wait().expect("wait") {
			break Some(status);
		}
		if Instant::now() > deadline {
			let _ = child.kill();
			break None;
		}
		std::thread::sleep(Duration::from_millis(200));
	};
	let log = std::fs::read_to_string(&log_path).unwrap_or_default();
	let status = status.unwrap_or_else(|| panic!("the node kept running:\n{log}"));
	assert!(!status.success(), "the node must exit with an error:\n{log}");
	assert!(
		log.contains(&format!(
			"the verifying key of circuit {} (4.3) is not the registered one",
			spec.name
		)),
		"the error names the circuit:\n{log}"
	);
	assert!(
		!log.contains(&format!("{} (4.3) ready", spec.name)),
		"the altered key is never reported ready:\n{log}"
	);
}
