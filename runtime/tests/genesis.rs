//! Genesis presets build, and at genesis staking, session, BABE and GRANDPA name the same
//! validators.

mod common;

use common::new_test_ext;
use sable_runtime::{
	genesis_config_presets::{preset_names, STAGING_RUNTIME_PRESET},
	AccountId, SessionKeys,
};
use sp_genesis_builder::{DEV_RUNTIME_PRESET, LOCAL_TESTNET_RUNTIME_PRESET};
use frame_support::traits::Get;
use sp_keyring::Sr25519Keyring;

/// The validator sets of the four consensus pallets, as session keys of the session set.
fn authority_sets() -> (Vec<AccountId>, Vec<AccountId>, Vec<SessionKeys>) {
	let staking: Vec<AccountId> =
		pallet_staking::ErasStakersOverview::<sable_runtime::Runtime>::iter_prefix(0)
			.map(|(validator, _)| validator)
			.collect();
	let session = pallet_session::Validators::<sable_runtime::Runtime>::get();
	let keys = session
		.iter()
		.map(|v| {
			pallet_session::NextKeys::<sable_runtime::Runtime>::get(v)
				.expect("every session validator has keys")
		})
		.collect();
	(staking, session, keys)
}

fn assert_consensus_agrees(expected: &[AccountId]) {
	let (mut staking, session, keys) = authority_sets();
	staking.sort();
	let mut sorted_session = session.clone();
	sorted_session.sort();
	let mut expected = expected.to_vec();
	expected.sort();
	assert_eq!(staking, expected, "staking's elected validators of era 0");
	assert_eq!(sorted_session, expected, "session validators");

	let babe: Vec<_> = pallet_babe::Authorities::<sable_runtime::Runtime>::get()
		.into_iter()
		.map(|(id, weight)| {
			assert_eq!(weight, 1);
			id
		})
		.collect();
	let grandpa: Vec<_> = pallet_grandpa::Pallet::<sable_runtime::Runtime>::grandpa_authorities()
		.into_iter()
		.map(|(id, weight)| {
			assert_eq!(weight, 1);
			id
		})
		.collect();
	let babe_from_session: Vec<_> = keys.iter().map(|k| k.babe.clone()).collect();
	let grandpa_from_session: Vec<_> = keys.iter().map(|k| k.grandpa.clone()).collect();
	assert_eq!(babe, babe_from_session, "BABE authorities are the session validators' keys");
	assert_eq!(
		grandpa, grandpa_from_session,
		"GRANDPA authorities are the session validators' keys"
	);
	assert_eq!(babe.len(), expected.len());
}

#[test]
fn every_preset_builds() {
	let names: Vec<String> = preset_names()
		.into_iter()
		.map(|id| <sp_genesis_builder::PresetId as AsRef<str>>::as_ref(&id).to_string())
		.collect();
	assert_eq!(
		names,
		vec![DEV_RUNTIME_PRESET, LOCAL_TESTNET_RUNTIME_PRESET, STAGING_RUNTIME_PRESET]
	);
	for name in &names {
		new_test_ext(name).execute_with(|| {
			assert!(
				!pallet_session::Validators::<sable_runtime::Runtime>::get().is_empty(),
				"{name}"
			);
		});
	}
	assert!(sable_runtime::genesis_config_presets::get_preset(&"no-such-preset".into()).is_none());
}

#[test]
fn development_has_alice_alone_and_sudo() {
	new_test_ext(DEV_RUNTIME_PRESET).execute_with(|| {
		assert_consensus_agrees(&[Sr25519Keyring::Alice.to_account_id()]);
		assert_eq!(
			pallet_sudo::Key::<sable_runtime::Runtime>::get(),
			Some(Sr25519Keyring::Alice.to_account_id())
		);
	});
}

#[test]
fn local_testnet_has_four_validators_that_agree() {
	new_test_ext(LOCAL_TESTNET_RUNTIME_PRESET).execute_with(|| {
		let validators = [
			Sr25519Keyring::Alice,
			Sr25519Keyring::Bob,
			Sr25519Keyring::Charlie,
			Sr25519Keyring::Dave,
		]
		.map(|k| k.to_account_id());
		assert_consensus_agrees(&validators);
		for stash in &validators {
			// stash = controller, bonded with the preset's bond
			assert_eq!(
				pallet_staking::Bonded::<sable_runtime::Runtime>::get(stash).as_ref(),
				Some(stash)
			);
			let ledger =
				pallet_staking::Ledger::<sable_runtime::Runtime>::get(stash).expect("bonded");
			assert_eq!(ledger.active, sable_runtime::genesis_config_presets::VALIDATOR_BOND);
		}
		assert_eq!(pallet_staking::ValidatorCount::<sable_runtime::Runtime>::get(), 4);
	});
}

#[test]
fn staging_has_four_validators_a_governance_multisig_and_production_durations() {
	use sable_runtime::{
		genesis_config_presets::{
			staging_governance_signatories, staging_sudo_account, STAGING_GOVERNANCE_THRESHOLD,
		},
		Runtime, PRODUCTION_DURATIONS, TEST_DURATIONS,
	};
	new_test_ext(STAGING_RUNTIME_PRESET).execute_with(|| {
		// Root is the operators' multisig: no single key, and none of the dev accounts.
		let signatories = staging_governance_signatories();
		assert_eq!(signatories.len(), 4);
		assert_eq!(STAGING_GOVERNANCE_THRESHOLD, 3);
		let sudo = pallet_sudo::Key::<Runtime>::get().expect("staging has Root");
		assert_eq!(sudo, staging_sudo_account());
		assert_eq!(
			sudo,
			pallet_multisig::Pallet::<Runtime>::multi_account_id(&signatories, 3),
			"the sudo key is the 3-of-4 multisig of the governance keys"
		);
		assert!(!signatories.contains(&sudo));
		for signatory in &signatories {
			assert!(pallet_balances::Pallet::<Runtime>::free_balance(signatory) > 0, "can pay fees");
		}
		for keyring in Sr25519Keyring::iter() {
			let account = keyring.to_account_id();
			assert_eq!(pallet_balances::Pallet::<Runtime>::free_balance(&account), 0);
			assert_ne!(account, sudo);
		}

		let validators = pallet_session::Validators::<Runtime>::get();
		assert_eq!(validators.len(), 4, "GRANDPA tolerates one faulty validator");
		assert_consensus_agrees(&validators);
		assert_eq!(pallet_staking::ValidatorCount::<Runtime>::get(), 4);

		assert_eq!(pallet_durations::Durations::<Runtime>::get(), PRODUCTION_DURATIONS);
		assert_ne!(PRODUCTION_DURATIONS, TEST_DURATIONS);
		let epoch: u64 = <Runtime as pallet_babe::Config>::EpochDuration::get();
		assert_eq!(epoch, 1_800, "one-hour epochs of 2 s slots");
		let periods: [u32; 4] = [
			<Runtime as pallet_staking::Config>::SessionsPerEra::get(),
			<Runtime as pallet_staking::Config>::BondingDuration::get(),
			<Runtime as pallet_staking::Config>::SlashDeferDuration::get(),
			<Runtime as pallet_staking::Config>::HistoryDepth::get(),
		];
		assert_eq!(periods, [6, 28, 27, 84], "sessions per era, bonding, deferral, history");
		// Reports of equivocations stay valid for the whole bonding period: 7 days of slots.
		let longevity: u64 = sable_runtime::configs::ReportLongevity::get();
		assert_eq!(longevity, 7 * 24 * 3_600 / 2);
	});
}

#[test]
fn test_networks_keep_the_test_durations() {
	use sable_runtime::{Runtime, TEST_DURATIONS};
	for preset in [DEV_RUNTIME_PRESET, LOCAL_TESTNET_RUNTIME_PRESET] {
		new_test_ext(preset).execute_with(|| {
			assert_eq!(pallet_durations::Durations::<Runtime>::get(), TEST_DURATIONS, "{preset}");
			let epoch: u64 = <Runtime as pallet_babe::Config>::EpochDuration::get();
			assert_eq!(epoch, 30, "{preset}: one-minute epochs of 2 s slots");
			let bonding: u32 = <Runtime as pallet_staking::Config>::BondingDuration::get();
			assert_eq!(bonding, 4);
		});
	}
}
