//! The `sable` wallet binary, run by tests.

use std::{
	path::{Path, PathBuf},
	process::Command,
};

use serde_json::Value;

use super::NODE;

/// The wallet binary, built beside the node by the workspace build.
pub fn sable_binary() -> PathBuf {
	let path = Path::new(NODE).with_file_name("sable");
	assert!(
		path.exists(),
		"{} missing: build the workspace (cargo build --workspace)",
		path.display()
	);
	path
}

/// `sable --data-dir DATA_DIR --node NODE_URL --output json ARGS`, with no passphrase in its
/// environment.
pub fn command(data_dir: &Path, node_url: &str, args: &[&str]) -> Command {
	let mut command = Command::new(sable_binary());
	command
		.arg("--data-dir")
		.arg(data_dir)
		.args(["--node", node_url, "--output", "json"])
		.args(args)
		.env_remove("SABLE_PASSPHRASE");
	command
}

/// Runs `sable ARGS` and returns its exit code and JSON output.
pub fn sable(
	data_dir: &Path,
	node_url: &str,
	args: &[&str],
	passphrase: Option<&str>,
) -> (i32, Value) {
	let mut command = command(data_dir, node_url, args);
	if let Some(passphrase) = passphrase {
		command.env("SABLE_PASSPHRASE", passphrase);
	}
	let output = command.output().expect("sable runs");
	let value = serde_json::from_slice(&output.stdout).unwrap_or_else(|_| {
		panic!("sable printed JSON: {}", String::from_utf8_lossy(&output.stdout))
	});
	(output.status.code().unwrap_or(-1), value)
}

/// Runs `sable ARGS` and returns its exit code, JSON output (`null` if none) and stderr.
pub fn sable_full(data_dir: &Path, node_url: &str, args: &[&str]) -> (i32, Value, String) {
	let output = command(data_dir, node_url, args).output().expect("sable runs");
	let value = serde_json::from_slice(&output.stdout).unwrap_or(Value::Null);
	(output.status.code().unwrap_or(-1), value, String::from_utf8_lossy(&output.stderr).into())
}
