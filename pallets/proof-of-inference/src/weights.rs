//! Weights of `pallet_proof_of_inference`: the trait and a fallback for tests. The runtime
//! uses the benchmarked weights in `runtime/src/weights/pallet_proof_of_inference.rs`, made
//! by `scripts/bench-weights.sh` (`sable-node benchmark pallet`), proof verification
//! included.

#![allow(unused_parens, unused_imports, missing_docs)]

use core::marker::PhantomData;
use frame_support::{
	traits::Get,
	weights::{constants::RocksDbWeight, Weight},
};
use sable_inference_primitives::JobKind;

/// Weight functions needed for `pallet_proof_of_inference`.
pub trait WeightInfo {
	fn register_provider() -> Weight;
	fn bond_extra() -> Weight;
	fn unbond() -> Weight;
	fn withdraw_unbonded() -> Weight;
	fn create_job() -> Weight;
	fn cancel_job() -> Weight;
	fn accept_job() -> Weight;
	fn submit_commitment_result() -> Weight;
	fn submit_lora_result() -> Weight;
	fn submit_inference_result() -> Weight;
	fn accept_result() -> Weight;
	fn dispute() -> Weight;
	fn resolve_dispute() -> Weight;
	fn finalize() -> Weight;
	fn expire() -> Weight;

	/// `submit_result` for a job of `kind` (its circuit decides the verification cost).
	fn submit_result(kind: JobKind) -> Weight {
		match kind {
			JobKind::Commitment => Self::submit_commitment_result(),
			JobKind::LoraStep => Self::submit_lora_result(),
			JobKind::Inference => Self::submit_inference_result(),
		}
	}

	/// What `submit_result` is charged before the job's kind is known; the difference is
	/// refunded.
	fn submit_result_max() -> Weight {
		Self::submit_commitment_result()
			.max(Self::submit_lora_result())
			.max(Self::submit_inference_result())
	}

	/// One due job processed by `on_idle`: an expiry or a settlement.
	fn process_due_job() -> Weight {
		Self::expire().max(Self::finalize())
	}
}

/// Conservative weights for tests and mocks: a full verification for each result (at most
/// about 40 ms on the reference machine) and the storage each call touches.
impl WeightInfo for () {
	fn register_provider() -> Weight {
		Weight::from_parts(50_000_000, 4_000)
			.saturating_add(RocksDbWeight::get().reads_writes(3, 3))
	}
	fn bond_extra() -> Weight {
		Weight::from_parts(50_000_000, 4_000)
			.saturating_add(RocksDbWeight::get().reads_writes(3, 3))
	}
	fn unbond() -> Weight {
		Weight::from_parts(20_000_000, 2_000)
			.saturating_add(RocksDbWeight::get().reads_writes(1, 1))
	}
	fn withdraw_unbonded() -> Weight {
		Weight::from_parts(50_000_000, 4_000)
			.saturating_add(RocksDbWeight::get().reads_writes(3, 3))
	}
	fn create_job() -> Weight {
		Weight::from_parts(60_000_000, 8_000)
			.saturating_add(RocksDbWeight::get().reads_writes(5, 5))
	}
	fn cancel_job() -> Weight {
		Weight::from_parts(50_000_000, 4_000)
			.saturating_add(RocksDbWeight::get().reads_writes(3, 3))
	}
	fn accept_job() -> Weight {
		Weight::from_parts(50_000_000, 8_000)
			.saturating_add(RocksDbWeight::get().reads_writes(3, 3))
	}
	fn submit_commitment_result() -> Weight {
		Weight::from_parts(15_000_000_000, 16_000)
			.saturating_add(RocksDbWeight::get().reads_writes(4, 4))
	}
	fn submit_lora_result() -> Weight {
		Weight::from_parts(50_000_000_000, 16_000)
			.saturating_add(RocksDbWeight::get().reads_writes(8, 8))
	}
	fn submit_inference_result() -> Weight {
		Weight::from_parts(30_000_000_000, 16_000)
			.saturating_add(RocksDbWeight::get().reads_writes(8, 8))
	}
	fn accept_result() -> Weight {
		Weight::from_parts(100_000_000, 8_000)
			.saturating_add(RocksDbWeight::get().reads_writes(8, 8))
	}
	fn dispute() -> Weight {
		Weight::from_parts(20_000_000, 4_000)
			.saturating_add(RocksDbWeight::get().reads_writes(2, 2))
	}
	fn resolve_dispute() -> Weight {
		Weight::from_parts(100_000_000, 8_000)
			.saturating_add(RocksDbWeight::get().reads_writes(8, 8))
	}
	fn finalize() -> Weight {
		Weight::from_parts(100_000_000, 8_000)
			.saturating_add(RocksDbWeight::get().reads_writes(8, 8))
	}
	fn expire() -> Weight {
		Weight::from_parts(100_000_000, 8_000)
			.saturating_add(RocksDbWeight::get().reads_writes(8, 8))
	}
}
