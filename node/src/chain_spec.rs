//! The chains `--chain` can name: `dev`, `local` and `staging`, each built from the runtime's
//! genesis preset of the same purpose, or any chain-spec JSON file.

use sable_runtime::{
	genesis_config_presets::STAGING_RUNTIME_PRESET, DECIMALS, SS58_PREFIX, TOKEN_SYMBOL,
	WASM_BINARY,
};
use sc_service::ChainType;
use sp_genesis_builder::{DEV_RUNTIME_PRESET, LOCAL_TESTNET_RUNTIME_PRESET};

/// The chain specification of Sable (no extensions). Genesis is built by running the runtime, so the chain spec's executor gets Sable's host
/// functions too.
pub type ChainSpec = sc_service::GenericChainSpec<
	sc_chain_spec::NoExtension,
	sable_zk_host::zk_verifier::HostFunctions,
>;

/// `tokenSymbol`, `tokenDecimals` and `ss58Format`, which wallets read from `system_properties`.
fn properties() -> sc_chain_spec::Properties {
	let mut properties = sc_chain_spec::Properties::new();
	properties.insert("tokenSymbol".into(), TOKEN_SYMBOL.into());
	properties.insert("tokenDecimals".into(), DECIMALS.into());
	properties.insert("ss58Format".into(), SS58_PREFIX.into());
	properties
}

fn from_preset(
	name: &str,
	id: &str,
	chain_type: ChainType,
	preset: &str,
	protocol_id: Option<&str>,
) -> Result<ChainSpec, String> {
	let wasm = WASM_BINARY.ok_or_else(|| {
		"the runtime's wasm blob is not in this binary: rebuild without SKIP_WASM_BUILD".to_string()
	})?;
	let mut builder = ChainSpec::builder(wasm, None)
		.with_name(name)
		.with_id(id)
		.with_chain_type(chain_type)
		.with_genesis_config_preset_name(preset)
		.with_properties(properties());
	if let Some(protocol_id) = protocol_id {
		builder = builder.with_protocol_id(protocol_id);
	}
	Ok(builder.build())
}

/// One validator, Alice; for `--dev`.
pub fn development_chain_spec() -> Result<ChainSpec, String> {
	from_preset("Sable Development", "sable_dev", ChainType::Development, DEV_RUNTIME_PRESET, None)
}

/// Four validators, Alice, Bob, Charlie and Dave; for local multi-node networks.
pub fn local_chain_spec() -> Result<ChainSpec, String> {
	from_preset(
		"Sable Local Testnet",
		"sable_local",
		ChainType::Local,
		LOCAL_TESTNET_RUNTIME_PRESET,
		Some("sable-local"),
	)
}

/// Operator-run validators, no sudo.
pub fn staging_chain_spec() -> Result<ChainSpec, String> {
	from_preset(
		"Sable Staging",
		"sable_staging",
		ChainType::Live,
		STAGING_RUNTIME_PRESET,
		Some("sable-staging"),
	)
}

/// Resolves a `--chain` argument: a built-in name or a path to a chain-spec JSON file.
pub fn load(id: &str) -> Result<Box<dyn sc_service::ChainSpec>, String> {
	Ok(match id {
		"" | "dev" => Box::new(development_chain_spec()?),
		"local" => Box::new(local_chain_spec()?),
		"staging" => Box::new(staging_chain_spec()?),
		path => Box::new(ChainSpec::from_json_file(std::path::PathBuf::from(path))?),
	})
}
