//! Weights of BABE's and GRANDPA's calls, written by hand (docs/OPERATOR.md, "Weights").
//!
//! Neither pallet benchmarks its calls whole: each benchmarks only the check of an
//! equivocation proof (and GRANDPA `note_stalled`), and composes `report_equivocation` from
//! that check, a membership-proof check and an offence report. These weights use that same
//! composition with the checks measured on this machine by `scripts/bench-weights.sh
//! pallet_babe pallet_grandpa` (`check_equivocation_proof`, x = 1) and Sable's database
//! weights; the membership-proof and offence-report terms are polkadot-sdk's own estimates,
//! since nothing benchmarks them.

use core::marker::PhantomData;

use frame_support::{
	traits::Get,
	weights::{
		constants::{WEIGHT_REF_TIME_PER_MICROS, WEIGHT_REF_TIME_PER_NANOS},
		Weight,
	},
};

/// `pallet_babe::check_equivocation_proof`: two header signatures verified.
const BABE_EQUIVOCATION_PROOF_CHECK: Weight =
	Weight::from_parts(101_200 * WEIGHT_REF_TIME_PER_NANOS, 0);
/// `pallet_grandpa::check_equivocation_proof`: two vote signatures verified.
const GRANDPA_EQUIVOCATION_PROOF_CHECK: Weight =
	Weight::from_parts(85_700 * WEIGHT_REF_TIME_PER_NANOS, 0);
/// `pallet_grandpa::note_stalled`, its one write excluded.
const GRANDPA_NOTE_STALLED: Weight = Weight::from_parts(4_400 * WEIGHT_REF_TIME_PER_NANOS, 0);

/// A report of an equivocation whose proof costs `proof_check` to check: the key-ownership
/// proof checked against the historical session (at least 100 validators are assumed, as
/// upstream does), then the offence reported and its slashes computed for every nominator.
fn report_equivocation<T: frame_system::Config>(
	proof_check: Weight,
	validator_count: u32,
	max_nominators_per_validator: u32,
) -> Weight {
	let db = T::DbWeight::get();
	let validators = u64::from(validator_count.max(100));
	let nominators = u64::from(max_nominators_per_validator);
	let membership_proof = Weight::from_parts(35 * WEIGHT_REF_TIME_PER_MICROS, 0)
		.saturating_add(
			Weight::from_parts(175 * WEIGHT_REF_TIME_PER_NANOS, 0).saturating_mul(validators),
		)
		.saturating_add(db.reads(5));
	let offence_report = Weight::from_parts(110 * WEIGHT_REF_TIME_PER_MICROS, 0)
		.saturating_add(
			Weight::from_parts(25 * WEIGHT_REF_TIME_PER_MICROS, 0).saturating_mul(nominators),
		)
		.saturating_add(db.reads(14 + 3 * nominators))
		.saturating_add(db.writes(10 + 3 * nominators));
	membership_proof.saturating_add(proof_check).saturating_add(offence_report)
}

/// `pallet_babe::WeightInfo` for Sable.
pub struct BabeWeight<T>(PhantomData<T>);

impl<T: frame_system::Config> pallet_babe::WeightInfo for BabeWeight<T> {
	fn plan_config_change() -> Weight {
		T::DbWeight::get().writes(1)
	}

	fn report_equivocation(validator_count: u32, max_nominators_per_validator: u32) -> Weight {
		report_equivocation::<T>(
			BABE_EQUIVOCATION_PROOF_CHECK,
			validator_count,
			max_nominators_per_validator,
		)
	}
}

/// `pallet_grandpa::WeightInfo` for Sable.
pub struct GrandpaWeight<T>(PhantomData<T>);

impl<T: frame_system::Config> pallet_grandpa::WeightInfo for GrandpaWeight<T> {
	fn report_equivocation(validator_count: u32, max_nominators_per_validator: u32) -> Weight {
		// GRANDPA also reads the set id's session (two reads) to find the offender's set.
		report_equivocation::<T>(
			GRANDPA_EQUIVOCATION_PROOF_CHECK,
			validator_count,
			max_nominators_per_validator,
		)
		.saturating_add(T::DbWeight::get().reads(2))
	}

	fn note_stalled() -> Weight {
		GRANDPA_NOTE_STALLED.saturating_add(T::DbWeight::get().writes(1))
	}
}
