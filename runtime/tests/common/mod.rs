#![allow(dead_code)]

//! Shared helpers for the runtime tests: genesis from a preset, and block production with
//! BABE pre-digests (the runtime trusts the digest; the node checks the seal).

use codec::Encode;
use frame_support::traits::{OnFinalize, OnInitialize};
use sable_runtime::{
	AllPalletsWithSystem, BlockNumber, RuntimeGenesisConfig, RuntimeOrigin, System, Timestamp,
	SLOT_DURATION,
};
use sp_consensus_babe::digests::{PreDigest, SecondaryPlainPreDigest};
use sp_runtime::{BuildStorage, Digest, DigestItem};

/// The full genesis config of preset `name`: the preset's patch merged into the default
/// config by sc-chain-spec's own merge, as the node builds a chain spec from a preset.
pub fn genesis_config(name: &str) -> RuntimeGenesisConfig {
	let patch = sable_runtime::genesis_config_presets::get_preset(&name.into())
		.unwrap_or_else(|| panic!("preset {name} exists"));
	let patch: serde_json::Value = serde_json::from_slice(&patch).expect("preset is JSON");
	let mut config = serde_json::to_value(RuntimeGenesisConfig::default()).expect("serializes");
	sc_chain_spec::json_merge(&mut config, patch);
	serde_json::from_value(config).expect("preset deserializes into the genesis config")
}

/// Externalities holding the genesis state of preset `name`.
pub fn new_test_ext(name: &str) -> sp_io::TestExternalities {
	let storage = genesis_config(name).build_storage().expect("genesis builds");
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(0));
	ext
}

/// Produces blocks up to `target`, one per slot, authored by the validator at `author_index`.
pub fn run_to_block(target: BlockNumber, author_index: u32) {
	while System::block_number() < target {
		let number = System::block_number();
		if number > 0 {
			AllPalletsWithSystem::on_finalize(number);
		}
		let next = number + 1;
		// Slots start at 100 so that the genesis slot is not zero, as on a real chain.
		let slot = 100 + u64::from(next);
		let pre_digest = PreDigest::SecondaryPlain(SecondaryPlainPreDigest {
			authority_index: author_index,
			slot: slot.into(),
		});
		let digest = Digest {
			logs: vec![DigestItem::PreRuntime(
				sp_consensus_babe::BABE_ENGINE_ID,
				pre_digest.encode(),
			)],
		};
		System::reset_events();
		System::initialize(&next, &System::parent_hash(), &digest);
		AllPalletsWithSystem::on_initialize(next);
		Timestamp::set(RuntimeOrigin::none(), slot * SLOT_DURATION).expect("timestamp is set");
	}
}
