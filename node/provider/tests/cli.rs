//! The `sable-provider` binary's command line: a configuration that cannot be used stops it
//! at once with the reason, before it reaches for a node.

use std::process::Command;

fn provider(args: &[&str]) -> (i32, String) {
	let output = Command::new(env!("CARGO_BIN_EXE_sable-provider"))
		.args(args)
		.output()
		.expect("sable-provider runs");
	(output.status.code().unwrap_or(-1), String::from_utf8_lossy(&output.stderr).into())
}

#[test]
fn unusable_configurations_stop_it_with_the_reason() {
	let dir = tempfile::tempdir().expect("dir");
	let missing = dir.path().join("missing.toml");
	let (code, stderr) = provider(&["--config", missing.to_str().expect("path")]);
	assert_eq!(code, 1);
	assert!(stderr.contains("missing.toml") && stderr.contains("No such file"), "{stderr}");

	let example = include_str!("../../../scripts/release/provider.example.toml");
	let broken = dir.path().join("broken.toml");
	std::fs::write(&broken, example.replace("[[models]]", "[[model]]")).expect("write");
	let (code, stderr) = provider(&["--config", broken.to_str().expect("path")]);
	assert_eq!(code, 1);
	assert!(stderr.contains("unknown field `model`"), "{stderr}");

	// A key file that cannot be read stops it before any node is asked.
	let keyless = dir.path().join("keyless.toml");
	let key = dir.path().join("no.key");
	std::fs::write(
		&keyless,
		example.replace("/etc/sable/provider.key", key.to_str().expect("path")),
	)
	.expect("write");
	let (code, stderr) = provider(&["--config", keyless.to_str().expect("path")]);
	assert_eq!(code, 1);
	assert!(stderr.contains("key_file") && stderr.contains("no.key"), "{stderr}");

	let (code, stderr) = provider(&[]);
	assert_eq!(code, 2, "clap's usage error");
	assert!(stderr.contains("--config"), "{stderr}");
}

#[test]
fn it_names_itself() {
	let output =
		Command::new(env!("CARGO_BIN_EXE_sable-provider")).arg("--version").output().expect("runs");
	assert!(String::from_utf8_lossy(&output.stdout).starts_with("sable-provider "));
}
