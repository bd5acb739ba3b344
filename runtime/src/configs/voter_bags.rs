//! The staking voters' bags: `pallet_bags_list` keeps nominators and validators sorted by
//! stake in bags, so the election reads the highest-staked voters first and the voter bound
//! (`ElectionBoundsOnChain`, 5,000) cuts off the smallest, never an arbitrary key range.
//!
//! The thresholds grow geometrically from the smallest nominator bond to `u64::MAX`, so that
//! every bag spans the same ratio of stake (about 6.3 %), computed here at compile time.

use frame_support::parameter_types;

use crate::{genesis_config_presets::MIN_NOMINATOR_BOND, Runtime, RuntimeEvent, Staking};

/// Number of bags.
pub const BAG_COUNT: usize = 200;

/// Upper bound of the lowest bag: the smallest nominator bond as a vote weight. Stake converts
/// one to one while total issuance is below `u64::MAX` (`U128CurrencyToVote`); on a chain with
/// more, voters land in lower bags, which only coarsens the order.
const LOWEST_THRESHOLD: u64 = MIN_NOMINATOR_BOND as u64;

/// The ratio between neighbouring thresholds, as a fraction: `(u64::MAX / LOWEST)^(1/199)`
/// is 1.06283 for a 100 SBL lowest bag.
const RATIO: (u128, u128) = (106_283, 100_000);

/// Thresholds `LOWEST * RATIO^i`, the last one `u64::MAX`.
const fn geometric_thresholds() -> [u64; BAG_COUNT] {
	let mut thresholds = [u64::MAX; BAG_COUNT];
	let mut current = LOWEST_THRESHOLD as u128;
	let mut i = 0;
	while i < BAG_COUNT - 1 {
		thresholds[i] = if current > u64::MAX as u128 { u64::MAX } else { current as u64 };
		current = current * RATIO.0 / RATIO.1;
		i += 1;
	}
	thresholds
}

/// Every bag's upper bound, strictly increasing (checked in `runtime/tests/voter_bags.rs`).
pub const VOTER_BAG_THRESHOLDS: [u64; BAG_COUNT] = geometric_thresholds();

parameter_types! {
	pub const BagThresholds: &'static [u64] = &VOTER_BAG_THRESHOLDS;
}

/// The one bags list: staking's voters.
pub type VoterBagsListInstance = pallet_bags_list::Instance1;

impl pallet_bags_list::Config<VoterBagsListInstance> for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type ScoreProvider = Staking;
	type WeightInfo = pallet_bags_list::weights::SubstrateWeight<Runtime>;
	type BagThresholds = BagThresholds;
	/// Voters move between bags when they bond or unbond, and anyone may `rebag` one whose
	/// stake changed otherwise (rewards, slashes); nothing is rebagged in `on_idle`.
	type MaxAutoRebagPerBlock = frame_support::traits::ConstU32<0>;
	type Score = frame_election_provider_support::VoteWeight;
}
