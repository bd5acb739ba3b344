//! Weights for `pallet_zk`: placeholder until `scripts/bench-weights.sh` writes this file.

#![allow(unused_parens, unused_imports, missing_docs)]

use core::marker::PhantomData;
use frame_support::{traits::Get, weights::Weight};

/// Weights for `pallet_zk` on the reference machine.
pub struct WeightInfo<T>(PhantomData<T>);

impl<T: frame_system::Config> pallet_zk::WeightInfo for WeightInfo<T> {
	fn shield() -> Weight {
		<() as pallet_zk::WeightInfo>::shield()
	}
	fn transfer() -> Weight {
		<() as pallet_zk::WeightInfo>::transfer()
	}
	fn unshield() -> Weight {
		<() as pallet_zk::WeightInfo>::unshield()
	}
	fn submit_batch(n: u32) -> Weight {
		<() as pallet_zk::WeightInfo>::submit_batch(n)
	}
	fn set_enabled() -> Weight {
		<() as pallet_zk::WeightInfo>::set_enabled()
	}
	fn update_root() -> Weight {
		<() as pallet_zk::WeightInfo>::update_root()
	}
}
