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
use sable_zk_host::{circuits, CircuitId};

/// Weight functions needed for `pallet_proof_of_inference`.
pub trait WeightInfo {
	fn register_provider() -> Weight;
	fn bond_extra() -> Weight;
	fn unbond() -> Weight;
	fn withdraw_unbonded() -> Weight;
	fn register_model() -> Weight;
	fn retire_model() -> Weight;
	/// `n`: bytes of the request.
	fn create_job(n: u32) -> Weight;
	fn cancel_job() -> Weight;
	fn accept_job() -> Weight;
	fn submit_commitment_result() -> Weight;
	/// Inference, 16 x 16 x 16 (`poi_inference` version 2).
	fn submit_inference_v2_result() -> Weight;
	/// Inference, 64 x 32 x 10 (`poi_inference` version 3).
	fn submit_inference_v3_result() -> Weight;
	/// Inference, 64 x 32 x 16 (`poi_inference` version 4).
	fn submit_inference_v4_result() -> Weight;
	/// LoRA-adapted inference (`poi_adapted` version 1).
	fn submit_adapted_v1_result() -> Weight;
	fn accept_result() -> Weight;
	/// `n`: bytes of the reason.
	fn dispute(n: u32) -> Weight;
	fn resolve_dispute() -> Weight;
	fn finalize() -> Weight;
	fn expire() -> Weight;
	fn prune_job() -> Weight;

	/// `submit_result` for a model of `circuit` (its circuit decides the verification
	/// cost); a version without its own benchmark is charged the most expensive one.
	fn submit_result(circuit: CircuitId) -> Weight {
		match (circuit.id, circuit.version) {
			(circuits::POI_COMMITMENT, 1) => Self::submit_commitment_result(),
			(circuits::POI_INFERENCE, 2) => Self::submit_inference_v2_result(),
			(circuits::POI_INFERENCE, 3) => Self::submit_inference_v3_result(),
			(circuits::POI_INFERENCE, 4) => Self::submit_inference_v4_result(),
			(circuits::POI_ADAPTED, 1) => Self::submit_adapted_v1_result(),
			_ => Self::submit_result_max(),
		}
	}

	/// What `submit_result` is charged before the model's circuit is known; the difference
	/// is refunded.
	fn submit_result_max() -> Weight {
		Self::submit_commitment_result()
			.max(Self::submit_inference_v2_result())
			.max(Self::submit_inference_v3_result())
			.max(Self::submit_inference_v4_result())
			.max(Self::submit_adapted_v1_result())
	}

	/// One queue entry processed by `on_idle`: an expiry, a settlement, a lapsed dispute or
	/// a pruning.
	fn process_due_job() -> Weight {
		Self::expire().max(Self::finalize()).max(Self::prune_job())
	}
}

/// Conservative weights for tests and mocks: a full verification for each result (at most
/// about 100 ms on the reference machine) and the storage each call touches.
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
	fn register_model() -> Weight {
		Weight::from_parts(50_000_000, 4_000)
			.saturating_add(RocksDbWeight::get().reads_writes(4, 4))
	}
	fn retire_model() -> Weight {
		Weight::from_parts(50_000_000, 4_000)
			.saturating_add(RocksDbWeight::get().reads_writes(3, 3))
	}
	fn create_job(n: u32) -> Weight {
		Weight::from_parts(80_000_000, 8_000)
			.saturating_add(Weight::from_parts(10_000, 1).saturating_mul(n.into()))
			.saturating_add(RocksDbWeight::get().reads_writes(8, 8))
	}
	fn cancel_job() -> Weight {
		Weight::from_parts(60_000_000, 8_000)
			.saturating_add(RocksDbWeight::get().reads_writes(8, 8))
	}
	fn accept_job() -> Weight {
		Weight::from_parts(50_000_000, 8_000)
			.saturating_add(RocksDbWeight::get().reads_writes(4, 3))
	}
	fn submit_commitment_result() -> Weight {
		Weight::from_parts(15_000_000_000, 16_000)
			.saturating_add(RocksDbWeight::get().reads_writes(6, 6))
	}
	fn submit_inference_v2_result() -> Weight {
		Weight::from_parts(40_000_000_000, 16_000)
			.saturating_add(RocksDbWeight::get().reads_writes(10, 10))
	}
	fn submit_inference_v3_result() -> Weight {
		Weight::from_parts(80_000_000_000, 16_000)
			.saturating_add(RocksDbWeight::get().reads_writes(10, 10))
	}
	fn submit_inference_v4_result() -> Weight {
		Weight::from_parts(80_000_000_000, 16_000)
			.saturating_add(RocksDbWeight::get().reads_writes(10, 10))
	}
	fn submit_adapted_v1_result() -> Weight {
		Weight::from_parts(80_000_000_000, 16_000)
			.saturating_add(RocksDbWeight::get().reads_writes(10, 10))
	}
	fn accept_result() -> Weight {
		Weight::from_parts(100_000_000, 8_000)
			.saturating_add(RocksDbWeight::get().reads_writes(10, 10))
	}
	fn dispute(n: u32) -> Weight {
		Weight::from_parts(40_000_000, 4_000)
			.saturating_add(Weight::from_parts(10_000, 1).saturating_mul(n.into()))
			.saturating_add(RocksDbWeight::get().reads_writes(5, 5))
	}
	fn resolve_dispute() -> Weight {
		Weight::from_parts(120_000_000, 8_000)
			.saturating_add(RocksDbWeight::get().reads_writes(12, 12))
	}
	fn finalize() -> Weight {
		Weight::from_parts(120_000_000, 8_000)
			.saturating_add(RocksDbWeight::get().reads_writes(12, 12))
	}
	fn expire() -> Weight {
		Weight::from_parts(120_000_000, 8_000)
			.saturating_add(RocksDbWeight::get().reads_writes(12, 12))
	}
	fn prune_job() -> Weight {
		Weight::from_parts(50_000_000, 4_000)
			.saturating_add(RocksDbWeight::get().reads_writes(4, 4))
	}
}
