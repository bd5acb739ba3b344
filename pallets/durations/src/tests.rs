use frame_support::{construct_runtime, derive_impl, parameter_types, traits::Get};
use sp_runtime::BuildStorage;

use crate::{self as pallet_durations, *};

type Block = frame_system::mocking::MockBlock<Test>;

construct_runtime!(
	pub enum Test {
		System: frame_system,
		Durations: pallet_durations,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
}

const FAST: ChainDurations = ChainDurations {
	epoch_slots: 30,
	sessions_per_era: 3,
	bonding_eras: 4,
	slash_defer_eras: 2,
	history_depth_eras: 84,
};

parameter_types! {
	pub const Fast: ChainDurations = FAST;
}

impl Config for Test {
	type Default = Fast;
}

/// A duration as a `u64`, whatever the type the consuming pallet asks for.
fn get<G: Get<u64>>() -> u64 {
	G::get()
}

fn chain(durations: Option<ChainDurations>) -> sp_io::TestExternalities {
	RuntimeGenesisConfig {
		system: Default::default(),
		durations: pallet_durations::GenesisConfig { durations, ..Default::default() },
	}
	.build_storage()
	.expect("valid genesis")
	.into()
}

#[test]
fn a_genesis_without_durations_keeps_the_default() {
	chain(None).execute_with(|| {
		assert_eq!(crate::Durations::<Test>::get(), FAST);
		assert_eq!(get::<EpochDuration<Test>>(), 30);
		assert_eq!(get::<SessionsPerEra<Test>>(), 3);
		assert_eq!(get::<BondingDuration<Test>>(), 4);
		assert_eq!(get::<SlashDeferDuration<Test>>(), 2);
		assert_eq!(get::<HistoryDepth<Test>>(), 84);
		// Reports stay valid for the 12 slashable sessions of 30 slots.
		assert_eq!(get::<SlashableSessions<Test>>(), 12);
		assert_eq!(get::<ReportLongevity<Test>>(), 360);
	});
}

#[test]
fn a_genesis_sets_its_own_durations_and_the_getters_read_them() {
	let production = ChainDurations {
		epoch_slots: 1_800,
		sessions_per_era: 6,
		bonding_eras: 28,
		slash_defer_eras: 27,
		history_depth_eras: 84,
	};
	chain(Some(production)).execute_with(|| {
		assert_eq!(crate::Durations::<Test>::get(), production);
		assert_eq!(get::<EpochDuration<Test>>(), 1_800);
		assert_eq!(get::<SessionsPerEra<Test>>(), 6);
		assert_eq!(get::<BondingDuration<Test>>(), 28);
		assert_eq!(get::<SlashDeferDuration<Test>>(), 27);
		assert_eq!(get::<SlashableSessions<Test>>(), 168);
		assert_eq!(get::<ReportLongevity<Test>>(), 168 * 1_800);
	});
}

#[test]
fn durations_that_break_staking_rules_are_refused() {
	let check = |change: fn(&mut ChainDurations)| {
		let mut durations = FAST;
		change(&mut durations);
		durations.validate()
	};
	assert_eq!(check(|_| {}), Ok(()));
	assert_eq!(check(|d| d.epoch_slots = 0), Err(InvalidDurations::EmptyPeriod));
	assert_eq!(check(|d| d.sessions_per_era = 0), Err(InvalidDurations::EmptyPeriod));
	assert_eq!(check(|d| d.bonding_eras = 0), Err(InvalidDurations::NoBonding));
	assert_eq!(
		check(|d| d.slash_defer_eras = d.bonding_eras),
		Err(InvalidDurations::DeferralNotShorterThanBonding)
	);
	assert_eq!(
		check(|d| d.history_depth_eras = d.bonding_eras - 1),
		Err(InvalidDurations::HistoryShorterThanBonding)
	);
}

#[test]
#[should_panic(expected = "invalid genesis durations")]
fn a_genesis_with_invalid_durations_does_not_build() {
	chain(Some(ChainDurations { slash_defer_eras: 4, ..FAST }));
}

#[test]
fn the_durations_parse_from_a_chain_spec_and_refuse_unknown_fields() {
	let json = r#"{"epochSlots":1800,"sessionsPerEra":6,"bondingEras":28,"slashDeferEras":27,"historyDepthEras":84}"#;
	let parsed: ChainDurations = serde_json::from_str(json).expect("parses");
	assert_eq!(parsed.epoch_slots, 1_800);
	assert_eq!(parsed.history_depth_eras, 84);
	let typo = r#"{"epochSlot":1800,"sessionsPerEra":6,"bondingEras":28,"slashDeferEras":27,"historyDepthEras":84}"#;
	assert!(serde_json::from_str::<ChainDurations>(typo).is_err());
}

#[test]
fn the_default_passes_the_integrity_test() {
	use frame_support::traits::Hooks;
	<Durations as Hooks<u64>>::integrity_test();
}
