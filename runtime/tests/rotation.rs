//! Sessions follow BABE epochs and eras follow sessions, at the block numbers the constants
//! promise.

mod common;

use common::{new_test_ext, run_to_block};
use sable_runtime::{BlockNumber, Runtime, Session, TEST_DURATIONS};
use sp_genesis_builder::DEV_RUNTIME_PRESET;

const EPOCH: BlockNumber = TEST_DURATIONS.epoch_slots as BlockNumber;

fn active_era() -> Option<u32> {
	pallet_staking::ActiveEra::<Runtime>::get().map(|era| era.index)
}

#[test]
fn sessions_rotate_every_epoch_and_eras_every_sessions_per_era() {
	new_test_ext(DEV_RUNTIME_PRESET).execute_with(|| {
		run_to_block(1, 0);
		assert_eq!(Session::current_index(), 0);
		assert_eq!(active_era(), Some(0));

		// The first epoch lasts EPOCH slots from the genesis slot; the session ends with it.
		run_to_block(EPOCH, 0);
		assert_eq!(Session::current_index(), 0, "still in the first session at block {EPOCH}");
		run_to_block(EPOCH + 1, 0);
		assert_eq!(Session::current_index(), 1, "session 1 starts at block {}", EPOCH + 1);
		assert_eq!(pallet_babe::EpochIndex::<Runtime>::get(), 1, "BABE epoch follows the session");

		let sessions_per_era = TEST_DURATIONS.sessions_per_era;
		let era_one_start = EPOCH * sessions_per_era + 1;
		run_to_block(era_one_start - 1, 0);
		assert_eq!(active_era(), Some(0), "era 0 is active until session {sessions_per_era}");
		run_to_block(era_one_start, 0);
		assert_eq!(Session::current_index(), sessions_per_era);
		assert_eq!(active_era(), Some(1), "era 1 starts with session {sessions_per_era}");

		// Alice authored every block, so she earned the era's reward points.
		let points = pallet_staking::ErasRewardPoints::<Runtime>::get(0);
		assert!(points.total > 0);
	});
}
