//! What the transaction extensions book: the storage they touch, not their execution.
//!
//! `ExtrinsicBaseWeight` is measured on signed `system.remark`s inside a block (`benchmark
//! overhead`), so it already holds the execution of every extension a signed extrinsic runs;
//! booking the extensions' benchmarked execution on top counts it twice (polkadot-sdk issue
//! 9981). What the overhead measurement does not see is their storage: its remarks all come
//! from one account, which stays in the block's overlay after the first, while a block of
//! transfers from distinct senders reads each sender's account from the database and writes
//! it back. So each extension books the reads and writes its own benchmark recorded, and the
//! proof size, but no execution time. The generated files (`frame_system_extensions.rs`,
//! `pallet_transaction_payment.rs`) keep the measured execution times; a test below checks
//! that the storage booked here is the storage those benchmarks recorded. Whether a full
//! block of transfers still imports within what it books is measured with `benchmark block`
//! (docs/OPERATOR.md, "Weights").

use frame_support::weights::Weight;

use crate::Runtime;

/// Reads and writes of `System::Account`, proof included, at the runtime's database weights.
fn account_read_write() -> Weight {
	<Runtime as frame_system::Config>::DbWeight::get()
		.reads_writes(1, 1)
		.saturating_add(Weight::from_parts(0, ACCOUNT_PROOF_SIZE))
}

/// The estimated proof size of one `System::Account` entry, as the benchmarks record it.
const ACCOUNT_PROOF_SIZE: u64 = 3593;

/// frame-system's extensions: only `CheckNonce` touches storage (the sender's account).
pub struct SystemExtensions;

impl frame_system::ExtensionsWeightInfo for SystemExtensions {
	fn check_genesis() -> Weight {
		Weight::zero()
	}
	fn check_mortality_mortal_transaction() -> Weight {
		Weight::zero()
	}
	fn check_mortality_immortal_transaction() -> Weight {
		Weight::zero()
	}
	fn check_non_zero_sender() -> Weight {
		Weight::zero()
	}
	fn check_nonce() -> Weight {
		account_read_write()
	}
	fn check_spec_version() -> Weight {
		Weight::zero()
	}
	fn check_tx_version() -> Weight {
		Weight::zero()
	}
	fn check_weight() -> Weight {
		Weight::zero()
	}
	fn weight_reclaim() -> Weight {
		Weight::zero()
	}
}

/// `ChargeTransactionPayment`: withdraws the fee from the sender's account.
pub struct TransactionPaymentExtension;

impl pallet_transaction_payment::WeightInfo for TransactionPaymentExtension {
	fn charge_transaction_payment() -> Weight {
		account_read_write()
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use frame_system::ExtensionsWeightInfo;
	use pallet_transaction_payment::WeightInfo as _;

	/// The reads and writes each function of a generated weight file records in its
	/// `/// Storage: ... (r:R w:W)` comments.
	fn recorded_storage(generated: &str) -> Vec<(String, u64, u64)> {
		let mut functions = Vec::new();
		let (mut reads, mut writes) = (0, 0);
		for line in generated.lines().map(str::trim) {
			if let Some(counts) = line.strip_prefix("/// Storage:").and_then(|l| l.rsplit_once("(r:")) {
				let (r, w) = counts.1.trim_end_matches(')').split_once(" w:").expect("r:R w:W");
				reads += r.parse::<u64>().expect("a read count");
				writes += w.parse::<u64>().expect("a write count");
			} else if let Some(name) = line.strip_prefix("fn ").and_then(|l| l.split_once('(')) {
				functions.push((name.0.to_string(), reads, writes));
				(reads, writes) = (0, 0);
			}
		}
		functions
	}

	fn booked(extension: &str) -> Weight {
		match extension {
			"check_genesis" => SystemExtensions::check_genesis(),
			"check_mortality_mortal_transaction" =>
				SystemExtensions::check_mortality_mortal_transaction(),
			"check_mortality_immortal_transaction" =>
				SystemExtensions::check_mortality_immortal_transaction(),
			"check_non_zero_sender" => SystemExtensions::check_non_zero_sender(),
			"check_nonce" => SystemExtensions::check_nonce(),
			"check_spec_version" => SystemExtensions::check_spec_version(),
			"check_tx_version" => SystemExtensions::check_tx_version(),
			"check_weight" => SystemExtensions::check_weight(),
			"weight_reclaim" => SystemExtensions::weight_reclaim(),
			"charge_transaction_payment" =>
				TransactionPaymentExtension::charge_transaction_payment(),
			other => panic!("no booked weight for the benchmarked extension {other}"),
		}
	}

	#[test]
	fn each_extension_books_the_storage_its_benchmark_recorded() {
		let db = <Runtime as frame_system::Config>::DbWeight::get();
		let generated = [
			include_str!("frame_system_extensions.rs"),
			include_str!("pallet_transaction_payment.rs"),
		];
		let mut checked = 0;
		for (name, reads, writes) in generated.iter().flat_map(|file| recorded_storage(file)) {
			let booked = booked(&name);
			assert_eq!(booked.ref_time(), db.reads_writes(reads, writes).ref_time(), "{name}");
			assert_eq!(booked.proof_size() > 0, reads > 0, "{name}: proof size");
			checked += 1;
		}
		// Every extension of frame-system's `ExtensionsWeightInfo` and transaction payment's.
		assert_eq!(checked, 10);
	}

	#[test]
	fn the_parser_counts_every_storage_comment_of_a_function() {
		let file = "\
			/// Storage: `A::B` (r:1 w:0)\n\
			/// Proof: `A::B` (`max_values`: None)\n\
			/// Storage: `C::D` (r:2 w:1)\n\
			fn two() -> Weight {\n\
			}\n\
			fn none() -> Weight {\n";
		assert_eq!(
			recorded_storage(file),
			vec![("two".to_string(), 3, 1), ("none".to_string(), 0, 0)]
		);
	}
}
