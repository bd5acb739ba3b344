//! The committed chain specs are exactly what `scripts/build-chain-specs.sh` writes from the
//! runtime's presets (the wasm blob aside, see docs/BUILD.md), and each loads as a chain.

mod common;

use serde_json::Value;
use std::{path::Path, process::Command};

fn repo_root() -> &'static Path {
	Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("node/ is inside the repository")
}

/// The spec without `genesis.runtimeGenesis.code`: the blob embeds the build directory's
/// paths, so it is compared by its runtime version instead.
fn without_code(mut spec: Value) -> Value {
	if let Some(genesis) =
		spec.pointer_mut("/genesis/runtimeGenesis").and_then(Value::as_object_mut)
	{
		let code = genesis.remove("code");
		assert!(code.is_some_and(|c| c.as_str().is_some_and(|c| c.len() > 1000)), "spec has code");
	}
	spec
}

fn read_json(path: &Path) -> Value {
	let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
	serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn committed_chain_specs_match_the_presets() {
	let out = tempfile::tempdir().expect("temp dir");
	let status = Command::new(repo_root().join("scripts/build-chain-specs.sh"))
		.arg(out.path())
		.env("SABLE_NODE_BIN", common::NODE)
		.status()
		.expect("the script runs");
	assert!(status.success(), "build-chain-specs.sh failed");

	for chain in ["local", "staging"] {
		let fresh = read_json(&out.path().join(format!("{chain}.json")));
		let committed = read_json(&repo_root().join(format!("chain-specs/{chain}.json")));
		assert_eq!(fresh["properties"]["tokenSymbol"], "SBL");
		assert_eq!(
			without_code(committed),
			without_code(fresh),
			"chain-specs/{chain}.json is stale: run scripts/build-chain-specs.sh"
		);
	}
}

#[test]
fn committed_specs_load_and_name_their_genesis() {
	for chain in ["local", "staging"] {
		let path = repo_root().join(format!("chain-specs/{chain}.json"));
		let output = Command::new(common::NODE)
			.args(["export-chain-spec", "--raw", "--chain", path.to_str().expect("utf8")])
			.output()
			.expect("sable-node runs");
		assert!(output.status.success(), "{chain}: {}", String::from_utf8_lossy(&output.stderr));
		let raw: Value = serde_json::from_slice(&output.stdout).expect("raw spec is JSON");
		let top = raw.pointer("/genesis/raw/top").and_then(Value::as_object).expect("raw storage");
		// `:code` is the runtime; a spec that lost it could not start a chain.
		assert!(top.contains_key("0x3a636f6465"), "{chain}: raw genesis has :code");
	}
}

/// The digits model that Ferdie serves on dev and local chains is exactly the committed
/// `models/digits/model.json` (public weights, salt 0), under Ferdie's request key
/// (`sable_runtime::genesis_config_presets::dev_model`).
#[test]
fn the_dev_digits_model_is_the_committed_model_under_ferdies_key() {
	use sable_inference_proofs::{json::ModelJson, request::RequestKey};
	use sable_runtime::genesis_config_presets::dev_model;
	use sable_zk_primitives::{encoding::fp_to_bytes, Fp};
	use sp_core::Pair;

	let path = repo_root().join("models/digits/model.json");
	let bytes = std::fs::read(&path).expect("the digits model");
	// Public weights: the commitment's salt is zero.
	let mut model: Value = serde_json::from_slice(&bytes).expect("a model file");
	model["salt"] = Value::String(sable_zk_primitives::encoding::to_hex(&[0u8; 32]));
	let model: ModelJson = serde_json::from_value(model).expect("a model file");
	let model = model.to_model().expect("a well-formed model");
	let commitment =
		fp_to_bytes(&sable_inference_primitives::mlp::model_commitment(&model, Fp::zero()));
	let metadata = sable_wallet::poi::blake2_256(&bytes);
	let ferdie = sp_keyring::Sr25519Keyring::Ferdie.pair();
	let key = RequestKey::from_account_secret(&ferdie.to_raw_vec()).public();
	let spec = sable_inference_proofs::circuit::inference::version_of(model.shape())
		.expect("a registered shape");
	let hex = |b: &[u8; 32]| sable_zk_primitives::encoding::to_hex(b);
	assert_eq!(
		(hex(&commitment), hex(&metadata), hex(&key), (spec.id.id, spec.id.version)),
		(
			hex(&dev_model::COMMITMENT),
			hex(&dev_model::METADATA),
			hex(&dev_model::ENCRYPTION_KEY),
			dev_model::CIRCUIT
		)
	);
}
