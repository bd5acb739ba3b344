//! `sable-node check-runtime` accepts the runtimes this repository builds and refuses one that
//! imports a host function the node does not provide: the check an operator runs before
//! proposing an upgrade (`docs/OPERATOR.md`, "Runtime upgrades").

mod common;

use std::{path::Path, process::Command};

use common::NODE;

/// Runs `sable-node check-runtime <wasm>`: (succeeded, stdout, stderr).
fn check(wasm: &Path) -> (bool, String, String) {
	let output = Command::new(NODE).arg("check-runtime").arg(wasm).output().expect("sable-node runs");
	let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
	(output.status.success(), text(&output.stdout), text(&output.stderr))
}

fn write(dir: &Path, name: &str, code: &[u8]) -> std::path::PathBuf {
	let path = dir.join(name);
	std::fs::write(&path, code).expect("writes the wasm");
	path
}

/// The runtime's wasm, uncompressed.
fn uncompressed_runtime() -> Vec<u8> {
	let code = sable_runtime::WASM_BINARY.expect("the wasm runtime is built");
	sp_maybe_compressed_blob::decompress(code, sp_maybe_compressed_blob::CODE_BLOB_BOMB_LIMIT)
		.expect("decompresses")
		.into_owned()
}

/// The runtime's uncompressed wasm with the import `from` renamed to `to` (same length, so the
/// module stays valid: import names are length-prefixed strings).
fn with_import_renamed(from: &str, to: &str) -> Vec<u8> {
	assert_eq!(from.len(), to.len());
	let mut wasm = uncompressed_runtime();
	let at = wasm
		.windows(from.len())
		.position(|window| window == from.as_bytes())
		.unwrap_or_else(|| panic!("the runtime imports {from}"));
	wasm[at..at + to.len()].copy_from_slice(to.as_bytes());
	wasm
}

#[test]
fn the_built_runtimes_pass() {
	let dir = tempfile::tempdir().expect("temp dir");
	let shipped = sable_runtime::WASM_BINARY.expect("the wasm runtime is built");
	let (ok, stdout, stderr) = check(&write(dir.path(), "runtime.wasm", shipped));
	assert!(ok, "{stderr}");
	let spec = sable_runtime::VERSION.spec_version;
	assert!(stdout.contains(&format!("sable spec_version {spec}: all ")), "{stdout}");

	// The upgrade test's runtime, one spec version later, passes too.
	let next = sable_runtime::next_spec::WASM_BINARY.expect("the next-spec runtime is built");
	let (ok, stdout, stderr) = check(&write(dir.path(), "next.wasm", next));
	assert!(ok, "{stderr}");
	assert!(stdout.contains(&format!("sable spec_version {}: all ", spec + 1)), "{stdout}");

	// Uncompressed, the same.
	let (ok, _, stderr) = check(&write(dir.path(), "plain.wasm", &uncompressed_runtime()));
	assert!(ok, "{stderr}");
}

#[test]
fn a_runtime_importing_an_unknown_host_function_is_refused() {
	let dir = tempfile::tempdir().expect("temp dir");
	// A runtime built against host functions the nodes do not have yet: Sable's verifier and
	// a Substrate one, each at a version this node does not provide.
	for (from, to) in [
		("ext_zk_verifier_admit_version_1", "ext_zk_verifier_admit_version_2"),
		("ext_storage_get_version_1", "ext_storage_get_version_9"),
	] {
		let wasm = with_import_renamed(from, to);
		let (ok, stdout, stderr) = check(&write(dir.path(), "new.wasm", &wasm));
		assert!(!ok, "{to}: accepted: {stdout}");
		assert!(
			stderr.contains("imports host functions this node does not provide") &&
				stderr.contains(to),
			"{to}: {stderr}"
		);
	}

	// Not a runtime at all.
	let (ok, _, stderr) = check(&write(dir.path(), "junk.wasm", b"not wasm"));
	assert!(!ok);
	assert!(stderr.contains("not a runtime"), "{stderr}");
	let (ok, _, stderr) = check(&dir.path().join("missing.wasm"));
	assert!(!ok);
	assert!(stderr.contains("cannot read"), "{stderr}");
}
