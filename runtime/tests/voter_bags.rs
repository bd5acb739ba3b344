//! Staking's voters live in a bags list sorted by stake (`configs/voter_bags.rs`): the
//! election's voter bound cuts off the smallest stakes, not an arbitrary key range.

mod common;

use common::new_test_ext;
use frame_election_provider_support::SortedListProvider;
use frame_support::assert_ok;
use sable_runtime::{
	configs::{BAG_COUNT, VOTER_BAG_THRESHOLDS},
	genesis_config_presets::MIN_NOMINATOR_BOND,
	Runtime, RuntimeOrigin, Staking, VoterList,
};
use sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET;
use sp_keyring::Sr25519Keyring;

#[test]
fn the_thresholds_rise_geometrically_from_the_smallest_nominator_bond_to_the_top() {
	let thresholds = &VOTER_BAG_THRESHOLDS;
	assert_eq!(thresholds.len(), BAG_COUNT);
	assert_eq!(thresholds[0] as u128, MIN_NOMINATOR_BOND);
	assert_eq!(thresholds[BAG_COUNT - 1], u64::MAX);
	for pair in thresholds.windows(2) {
		assert!(pair[0] < pair[1], "{} then {}", pair[0], pair[1]);
		// Every bag but the last spans the same ratio, within rounding.
		if pair[1] != u64::MAX {
			let ratio = pair[1] as f64 / pair[0] as f64;
			assert!((ratio - 1.06283).abs() < 1e-4, "ratio {ratio}");
		}
	}
}

#[test]
fn voters_are_listed_by_stake_and_a_nominator_enters_its_bag() {
	new_test_ext(LOCAL_TESTNET_RUNTIME_PRESET).execute_with(|| {
		// The four genesis validators are voters (their self-vote).
		assert_eq!(VoterList::count(), 4);

		// Eve bonds far more and nominates: she comes first; Ferdie bonds the minimum: last.
		let eve = Sr25519Keyring::Eve.to_account_id();
		let ferdie = Sr25519Keyring::Ferdie.to_account_id();
		let alice = Sr25519Keyring::Alice.to_account_id();
		for (who, bond) in [(&eve, 500_000 * sable_runtime::UNITS), (&ferdie, MIN_NOMINATOR_BOND)] {
			assert_ok!(Staking::bond(
				RuntimeOrigin::signed(who.clone()),
				bond,
				pallet_staking::RewardDestination::Stash
			));
			assert_ok!(Staking::nominate(
				RuntimeOrigin::signed(who.clone()),
				vec![alice.clone().into()]
			));
		}
		let order: Vec<_> = <Runtime as pallet_staking::Config>::VoterList::iter().collect();
		assert_eq!(order.len(), 6);
		assert_eq!(order.first(), Some(&eve));
		assert_eq!(order.last(), Some(&ferdie));
	});
}
