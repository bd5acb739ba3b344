//! Genesis presets: `development` (one validator), `local_testnet` (four) and `staging`.
//!
//! Every validator bonds from its stash, which is also its controller and the owner of its
//! session keys, so staking, session, BABE and GRANDPA agree on the authority set at genesis.

use alloc::{vec, vec::Vec};
use frame_support::build_struct_json_patch;
use pallet_staking::{Forcing, StakerStatus};
use sp_consensus_babe::AuthorityId as BabeId;
use sp_consensus_grandpa::AuthorityId as GrandpaId;
use sp_core::crypto::UncheckedFrom;
use sp_genesis_builder::{PresetId, DEV_RUNTIME_PRESET, LOCAL_TESTNET_RUNTIME_PRESET};
use sp_keyring::{Ed25519Keyring, Sr25519Keyring};
use sp_runtime::Perbill;

use crate::{
	AccountId, BabeConfig, Balance, BalancesConfig, ProofOfInferenceConfig, RuntimeGenesisConfig,
	SessionConfig, SessionKeys, StakingConfig, SudoConfig, BABE_GENESIS_EPOCH_CONFIG, UNITS,
};

/// Name of the staging preset (`--chain staging`).
pub const STAGING_RUNTIME_PRESET: &str = "staging";

/// Free balance of every endowed account.
pub const ENDOWMENT: Balance = 1_000_000 * UNITS;
/// What each genesis validator bonds.
pub const VALIDATOR_BOND: Balance = 100_000 * UNITS;
/// Smallest bond that lets an account validate.
pub const MIN_VALIDATOR_BOND: Balance = 10_000 * UNITS;
/// Smallest bond that lets an account nominate.
pub const MIN_NOMINATOR_BOND: Balance = 100 * UNITS;

/// The handwritten-digits model (`models/digits/`), which Ferdie serves as model 0 on the
/// dev and local chains (`docs/poi.md`, "Model registry"). `node/tests/chain_specs.rs`
/// recomputes every value from the committed model file and `//Ferdie`.
pub mod dev_model {
	use crate::{Balance, UNITS};

	/// Circuit `poi_inference_64x32x10_v3`: id 4, version 3.
	pub const CIRCUIT: (u16, u16) = (4, 3);
	/// The model commitment of `models/digits/model.json` with salt 0 (public weights).
	pub const COMMITMENT: [u8; 32] =
		sp_core::hex2array!("3f213fc315db4ec4bfddd56c42951b373c58604a35337e8511d56551d30bb723");
	/// BLAKE2b-256 of `models/digits/model.json`.
	pub const METADATA: [u8; 32] =
		sp_core::hex2array!("f01ad20bb469acb2d683d4dc7ce92128ce67a3d533b634dae08f9488e085cb2d");
	/// Ferdie's request key, derived from `//Ferdie` as the wallet derives it.
	pub const ENCRYPTION_KEY: [u8; 32] =
		sp_core::hex2array!("3c23f94c068251986626a2af38c2121c549c623932c60009f090aef5318be199");
	/// Price of one classification.
	pub const PRICE: Balance = UNITS;
	/// Ferdie's provider bond.
	pub const PROVIDER_BOND: Balance = 1_000 * UNITS;
}

/// A genesis validator: its stash account and its session keys.
#[derive(Clone)]
pub struct GenesisValidator {
	pub stash: AccountId,
	pub babe: BabeId,
	pub grandpa: GrandpaId,
}

impl GenesisValidator {
	/// The validator a dev keyring name (`Alice`, `Bob`, ...) controls.
	pub fn from_keyring(sr: Sr25519Keyring, ed: Ed25519Keyring) -> Self {
		Self { stash: sr.to_account_id(), babe: sr.public().into(), grandpa: ed.public().into() }
	}
}

/// Builds the genesis patch shared by every preset.
fn sable_genesis(
	validators: Vec<GenesisValidator>,
	endowed: Vec<AccountId>,
	sudo: Option<AccountId>,
	minimum_validator_count: u32,
) -> serde_json::Value {
	let mut balances: Vec<(AccountId, Balance)> =
		endowed.into_iter().map(|account| (account, ENDOWMENT)).collect();
	for validator in &validators {
		if !balances.iter().any(|(account, _)| *account == validator.stash) {
			balances.push((validator.stash.clone(), ENDOWMENT));
		}
	}
	let session_keys = validators
		.iter()
		.map(|v| {
			let keys = SessionKeys { babe: v.babe.clone(), grandpa: v.grandpa.clone() };
			(v.stash.clone(), v.stash.clone(), keys)
		})
		.collect::<Vec<_>>();
	let stakers = validators
		.iter()
		.map(|v| (v.stash.clone(), v.stash.clone(), VALIDATOR_BOND, StakerStatus::Validator))
		.collect::<Vec<_>>();
	let validator_count = validators.len() as u32;

	let mut patch = build_struct_json_patch!(RuntimeGenesisConfig {
		balances: BalancesConfig { balances },
		session: SessionConfig { keys: session_keys },
		staking: StakingConfig {
			validator_count,
			minimum_validator_count,
			stakers,
			force_era: Forcing::NotForcing,
			slash_reward_fraction: Perbill::from_percent(10),
			min_validator_bond: MIN_VALIDATOR_BOND,
			min_nominator_bond: MIN_NOMINATOR_BOND,
		},
		babe: BabeConfig { epoch_config: BABE_GENESIS_EPOCH_CONFIG },
	});
	if let Some(key) = sudo {
		let sudo_patch =
			build_struct_json_patch!(RuntimeGenesisConfig { sudo: SudoConfig { key: Some(key) } });
		if let (Some(patch), serde_json::Value::Object(sudo)) = (patch.as_object_mut(), sudo_patch)
		{
			patch.extend(sudo);
		}
	}
	patch
}

/// Adds Ferdie as a provider serving the digits model ([`dev_model`]) to a genesis patch.
fn with_digits_model(mut patch: serde_json::Value) -> serde_json::Value {
	let ferdie = Sr25519Keyring::Ferdie.to_account_id();
	let poi_patch = build_struct_json_patch!(RuntimeGenesisConfig {
		proof_of_inference: ProofOfInferenceConfig {
			providers: vec![(ferdie.clone(), dev_model::PROVIDER_BOND)],
			models: vec![(
				ferdie,
				dev_model::CIRCUIT,
				dev_model::COMMITMENT,
				dev_model::PRICE,
				dev_model::METADATA,
				dev_model::ENCRYPTION_KEY,
			)],
		}
	});
	if let (Some(patch), serde_json::Value::Object(poi)) = (patch.as_object_mut(), poi_patch) {
		patch.extend(poi);
	}
	patch
}

/// The well-known development accounts, all endowed on dev and local chains.
fn dev_accounts() -> Vec<AccountId> {
	Sr25519Keyring::iter().map(|k| k.to_account_id()).collect()
}

/// `development`: Alice validates alone and holds the sudo key; Ferdie serves the digits
/// model.
pub fn development_config_genesis() -> serde_json::Value {
	with_digits_model(sable_genesis(
		vec![GenesisValidator::from_keyring(Sr25519Keyring::Alice, Ed25519Keyring::Alice)],
		dev_accounts(),
		Some(Sr25519Keyring::Alice.to_account_id()),
		1,
	))
}

/// `local_testnet`: Alice, Bob, Charlie and Dave validate; Alice holds the sudo key; Ferdie
/// serves the digits model.
pub fn local_testnet_genesis() -> serde_json::Value {
	let validators = [
		(Sr25519Keyring::Alice, Ed25519Keyring::Alice),
		(Sr25519Keyring::Bob, Ed25519Keyring::Bob),
		(Sr25519Keyring::Charlie, Ed25519Keyring::Charlie),
		(Sr25519Keyring::Dave, Ed25519Keyring::Dave),
	]
	.into_iter()
	.map(|(sr, ed)| GenesisValidator::from_keyring(sr, ed))
	.collect();
	with_digits_model(sable_genesis(
		validators,
		dev_accounts(),
		Some(Sr25519Keyring::Alice.to_account_id()),
		2,
	))
}

/// Public keys of the staging validators: (stash sr25519, BABE sr25519, GRANDPA ed25519).
/// Their secrets are held by the operators, never by this repository; there is no sudo key.
const STAGING_VALIDATORS: [([u8; 32], [u8; 32], [u8; 32]); 3] = include!("staging_keys.in");

/// `staging`: three operator-run validators, no sudo, no dev accounts.
pub fn staging_genesis() -> serde_json::Value {
	let validators: Vec<GenesisValidator> = STAGING_VALIDATORS
		.iter()
		.map(|(stash, babe, grandpa)| GenesisValidator {
			stash: AccountId::from(*stash),
			babe: BabeId::unchecked_from(*babe),
			grandpa: GrandpaId::unchecked_from(*grandpa),
		})
		.collect();
	sable_genesis(validators, Vec::new(), None, 2)
}

/// The JSON patch of preset `id`, or `None` for an unknown preset.
pub fn get_preset(id: &PresetId) -> Option<Vec<u8>> {
	let patch = match id.as_ref() {
		DEV_RUNTIME_PRESET => development_config_genesis(),
		LOCAL_TESTNET_RUNTIME_PRESET => local_testnet_genesis(),
		STAGING_RUNTIME_PRESET => staging_genesis(),
		_ => return None,
	};
	serde_json::to_vec(&patch).ok()
}

/// Names of the presets this runtime offers.
pub fn preset_names() -> Vec<PresetId> {
	vec![
		PresetId::from(DEV_RUNTIME_PRESET),
		PresetId::from(LOCAL_TESTNET_RUNTIME_PRESET),
		PresetId::from(STAGING_RUNTIME_PRESET),
	]
}
