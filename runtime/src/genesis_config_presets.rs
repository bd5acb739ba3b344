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
	AccountId, BabeConfig, Balance, BalancesConfig, DurationsConfig, ProofOfInferenceConfig,
	Runtime, RuntimeGenesisConfig, SessionConfig, SessionKeys, StakingConfig, SudoConfig,
	BABE_GENESIS_EPOCH_CONFIG, PRODUCTION_DURATIONS, UNITS,
};

/// Name of the staging preset (`--chain staging`).
pub const STAGING_RUNTIME_PRESET: &str = "staging";

/// Free balance of every endowed account.
pub const ENDOWMENT: Balance = 1_000_000 * UNITS;
/// Free balance of each staging governance key: fees and multisig deposits.
pub const GOVERNANCE_ENDOWMENT: Balance = 1_000 * UNITS;
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

/// What distinguishes one preset's genesis from another's.
struct Network {
	validators: Vec<GenesisValidator>,
	/// Accounts endowed with [`ENDOWMENT`] (validators' stashes always are).
	endowed: Vec<AccountId>,
	/// Accounts endowed with less, and their balances.
	extra_balances: Vec<(AccountId, Balance)>,
	/// Who holds Root.
	sudo: Option<AccountId>,
	/// The fewest validators an election may return.
	minimum_validator_count: u32,
	/// `None`: the test durations (`TEST_DURATIONS`).
	durations: Option<pallet_durations::ChainDurations>,
}

/// Merges a second patch's top-level sections into `patch`.
fn merge(mut patch: serde_json::Value, extra: serde_json::Value) -> serde_json::Value {
	if let (Some(patch), serde_json::Value::Object(extra)) = (patch.as_object_mut(), extra) {
		patch.extend(extra);
	}
	patch
}

/// Builds the genesis patch of a preset.
fn sable_genesis(network: Network) -> serde_json::Value {
	let Network { validators, endowed, extra_balances, sudo, minimum_validator_count, durations } =
		network;
	let mut balances: Vec<(AccountId, Balance)> =
		endowed.into_iter().map(|account| (account, ENDOWMENT)).collect();
	for validator in &validators {
		if !balances.iter().any(|(account, _)| *account == validator.stash) {
			balances.push((validator.stash.clone(), ENDOWMENT));
		}
	}
	balances.extend(extra_balances);
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
		patch = merge(
			patch,
			build_struct_json_patch!(RuntimeGenesisConfig { sudo: SudoConfig { key: Some(key) } }),
		);
	}
	if let Some(durations) = durations {
		patch = merge(
			patch,
			build_struct_json_patch!(RuntimeGenesisConfig {
				durations: DurationsConfig { durations: Some(durations) }
			}),
		);
	}
	patch
}

/// Adds Ferdie as a provider serving the digits model ([`dev_model`]) to a genesis patch.
fn with_digits_model(patch: serde_json::Value) -> serde_json::Value {
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
	merge(patch, poi_patch)
}

/// The well-known development accounts, all endowed on dev and local chains.
fn dev_accounts() -> Vec<AccountId> {
	Sr25519Keyring::iter().map(|k| k.to_account_id()).collect()
}

/// A test network: `validators`, every dev account endowed, Alice holding the sudo key.
fn test_network(validators: Vec<GenesisValidator>, minimum_validator_count: u32) -> Network {
	Network {
		validators,
		endowed: dev_accounts(),
		extra_balances: Vec::new(),
		sudo: Some(Sr25519Keyring::Alice.to_account_id()),
		minimum_validator_count,
		durations: None,
	}
}

/// `development`: Alice validates alone and holds the sudo key; Ferdie serves the digits
/// model.
pub fn development_config_genesis() -> serde_json::Value {
	let alice = GenesisValidator::from_keyring(Sr25519Keyring::Alice, Ed25519Keyring::Alice);
	with_digits_model(sable_genesis(test_network(vec![alice], 1)))
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
	with_digits_model(sable_genesis(test_network(validators, 2)))
}

/// Public keys of the staging validators: (stash sr25519, BABE sr25519, GRANDPA ed25519).
/// Their secrets are held by the operators, never by this repository.
const STAGING_VALIDATORS: [([u8; 32], [u8; 32], [u8; 32]); 4] = include!("staging_keys.in");

/// The operators' governance keys (sr25519 public keys, one per operator): together they hold
/// the staging sudo key as a multisig account.
const STAGING_GOVERNANCE: [[u8; 32]; 4] = include!("staging_governance_keys.in");

/// Approvals the staging governance multisig needs: any three of the four operators, so one
/// absent or compromised operator can neither block Root nor wield it.
pub const STAGING_GOVERNANCE_THRESHOLD: u16 = 3;

/// The staging governance signatories, sorted as `pallet_multisig` orders them.
pub fn staging_governance_signatories() -> Vec<AccountId> {
	let mut signatories: Vec<AccountId> =
		STAGING_GOVERNANCE.iter().map(|key| AccountId::from(*key)).collect();
	signatories.sort();
	signatories
}

/// The account that holds the staging sudo key: the multisig of the operators' governance
/// keys with [`STAGING_GOVERNANCE_THRESHOLD`].
pub fn staging_sudo_account() -> AccountId {
	pallet_multisig::Pallet::<Runtime>::multi_account_id(
		&staging_governance_signatories(),
		STAGING_GOVERNANCE_THRESHOLD,
	)
}

/// `staging`: four operator-run validators, sudo held by the operators' 3-of-4 multisig,
/// production durations, no dev accounts.
pub fn staging_genesis() -> serde_json::Value {
	let validators: Vec<GenesisValidator> = STAGING_VALIDATORS
		.iter()
		.map(|(stash, babe, grandpa)| GenesisValidator {
			stash: AccountId::from(*stash),
			babe: BabeId::unchecked_from(*babe),
			grandpa: GrandpaId::unchecked_from(*grandpa),
		})
		.collect();
	let governance =
		staging_governance_signatories().into_iter().map(|key| (key, GOVERNANCE_ENDOWMENT));
	sable_genesis(Network {
		validators,
		endowed: Vec::new(),
		extra_balances: governance.collect(),
		sudo: Some(staging_sudo_account()),
		minimum_validator_count: 3,
		durations: Some(PRODUCTION_DURATIONS),
	})
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
