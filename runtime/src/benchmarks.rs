//! The pallets `sable-node benchmark pallet` can measure (built with `runtime-benchmarks`).

use alloc::{string::String, vec::Vec};
use frame_benchmarking::{BenchmarkBatch, BenchmarkConfig, BenchmarkList};
use frame_support::traits::StorageInfo;

use crate::*;

frame_benchmarking::define_benchmarks!(
	[frame_system, SystemBench::<Runtime>]
	[frame_system_extensions, SystemExtensionsBench::<Runtime>]
	[pallet_balances, Balances]
	[pallet_transaction_payment, TransactionPayment]
	[pallet_babe, Babe]
	[pallet_grandpa, Grandpa]
	[pallet_timestamp, Timestamp]
	[pallet_utility, Utility]
	[pallet_sudo, Sudo]
	[pallet_zk, Zk]
	[pallet_proof_of_inference, ProofOfInference]
);

type SystemBench<T> = frame_system_benchmarking::Pallet<T>;
type SystemExtensionsBench<T> = frame_system_benchmarking::extensions::Pallet<T>;

impl frame_system_benchmarking::Config for Runtime {}

/// Fees are burned (`OnChargeTransaction` pays no author), so the benchmark needs no set-up.
impl pallet_transaction_payment::BenchmarkConfig for Runtime {}

/// Lists every benchmark of the pallets above.
pub fn metadata(extra: bool) -> (Vec<BenchmarkList>, Vec<StorageInfo>) {
	use frame_support::traits::StorageInfoTrait;

	let mut list = Vec::<BenchmarkList>::new();
	list_benchmarks!(list, extra);
	(list, AllPalletsWithSystem::storage_info())
}

/// Runs the benchmarks `config` selects.
pub fn dispatch(config: BenchmarkConfig) -> Result<Vec<BenchmarkBatch>, String> {
	use frame_support::traits::WhitelistedStorageKeys;

	let whitelist = AllPalletsWithSystem::whitelisted_storage_keys();
	let mut batches = Vec::<BenchmarkBatch>::new();
	let params = (&config, &whitelist);
	add_benchmarks!(params, batches);
	Ok(batches)
}
