//! Genesis presets build, and at genesis staking, session, BABE and GRANDPA name the same
//! validators.

mod common;

use common::new_test_ext;
use sable_runtime::{
	genesis_config_presets::{preset_names, STAGING_RUNTIME_PRESET},
	AccountId, SessionKeys,
};
use sp_genesis_builder::{DEV_RUNTIME_PRESET, LOCAL_TESTNET_RUNTIME_PRESET};
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
fn staging_has_no_sudo_and_no_dev_accounts() {
	new_test_ext(STAGING_RUNTIME_PRESET).execute_with(|| {
		assert_eq!(pallet_sudo::Key::<sable_runtime::Runtime>::get(), None);
		let alice = Sr25519Keyring::Alice.to_account_id();
		assert_eq!(pallet_balances::Pallet::<sable_runtime::Runtime>::free_balance(&alice), 0);
		let validators = pallet_session::Validators::<sable_runtime::Runtime>::get();
		assert_eq!(validators.len(), 3);
		assert_consensus_agrees(&validators);
	});
}
