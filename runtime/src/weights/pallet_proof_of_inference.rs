// Provisional weights of Sable, until `scripts/bench-weights.sh` regenerates this file.
// SPDX-License-Identifier: Apache-2.0

//! Provisional weights for `pallet_proof_of_inference` (the pallet's conservative test
//! weights); `scripts/bench-weights.sh` replaces them with benchmarked ones.

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens)]
#![allow(unused_imports)]
#![allow(missing_docs)]

use frame_support::{traits::Get, weights::Weight};
use core::marker::PhantomData;

/// Weight functions for `pallet_proof_of_inference`.
pub struct WeightInfo<T>(PhantomData<T>);
impl<T: frame_system::Config> pallet_proof_of_inference::WeightInfo for WeightInfo<T> {
	fn register_provider() -> Weight {
		Weight::from_parts(50_000_000, 4_000)
			.saturating_add(T::DbWeight::get().reads_writes(3, 3))
	}
	fn bond_extra() -> Weight {
		Weight::from_parts(50_000_000, 4_000)
			.saturating_add(T::DbWeight::get().reads_writes(3, 3))
	}
	fn unbond() -> Weight {
		Weight::from_parts(20_000_000, 2_000)
			.saturating_add(T::DbWeight::get().reads_writes(1, 1))
	}
	fn withdraw_unbonded() -> Weight {
		Weight::from_parts(50_000_000, 4_000)
			.saturating_add(T::DbWeight::get().reads_writes(3, 3))
	}
	fn register_model() -> Weight {
		Weight::from_parts(50_000_000, 4_000)
			.saturating_add(T::DbWeight::get().reads_writes(4, 4))
	}
	fn retire_model() -> Weight {
		Weight::from_parts(50_000_000, 4_000)
			.saturating_add(T::DbWeight::get().reads_writes(3, 3))
	}
	fn create_job(n: u32) -> Weight {
		Weight::from_parts(80_000_000, 8_000)
			.saturating_add(Weight::from_parts(10_000, 1).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads_writes(8, 8))
	}
	fn cancel_job() -> Weight {
		Weight::from_parts(60_000_000, 8_000)
			.saturating_add(T::DbWeight::get().reads_writes(8, 8))
	}
	fn accept_job() -> Weight {
		Weight::from_parts(50_000_000, 8_000)
			.saturating_add(T::DbWeight::get().reads_writes(4, 3))
	}
	fn submit_commitment_result() -> Weight {
		Weight::from_parts(15_000_000_000, 16_000)
			.saturating_add(T::DbWeight::get().reads_writes(6, 6))
	}
	fn submit_inference_v2_result() -> Weight {
		Weight::from_parts(40_000_000_000, 16_000)
			.saturating_add(T::DbWeight::get().reads_writes(10, 10))
	}
	fn submit_inference_v3_result() -> Weight {
		Weight::from_parts(80_000_000_000, 16_000)
			.saturating_add(T::DbWeight::get().reads_writes(10, 10))
	}
	fn submit_inference_v4_result() -> Weight {
		Weight::from_parts(80_000_000_000, 16_000)
			.saturating_add(T::DbWeight::get().reads_writes(10, 10))
	}
	fn submit_adapted_v1_result() -> Weight {
		Weight::from_parts(80_000_000_000, 16_000)
			.saturating_add(T::DbWeight::get().reads_writes(10, 10))
	}
	fn accept_result() -> Weight {
		Weight::from_parts(100_000_000, 8_000)
			.saturating_add(T::DbWeight::get().reads_writes(10, 10))
	}
	fn dispute(n: u32) -> Weight {
		Weight::from_parts(40_000_000, 4_000)
			.saturating_add(Weight::from_parts(10_000, 1).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads_writes(5, 5))
	}
	fn resolve_dispute() -> Weight {
		Weight::from_parts(120_000_000, 8_000)
			.saturating_add(T::DbWeight::get().reads_writes(12, 12))
	}
	fn finalize() -> Weight {
		Weight::from_parts(120_000_000, 8_000)
			.saturating_add(T::DbWeight::get().reads_writes(12, 12))
	}
	fn expire() -> Weight {
		Weight::from_parts(120_000_000, 8_000)
			.saturating_add(T::DbWeight::get().reads_writes(12, 12))
	}
	fn prune_job() -> Weight {
		Weight::from_parts(50_000_000, 4_000)
			.saturating_add(T::DbWeight::get().reads_writes(4, 4))
	}
}
