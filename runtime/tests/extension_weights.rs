//! The transaction extensions book the storage their benchmarks recorded and nothing of their
//! execution, which `ExtrinsicBaseWeight` already holds (`runtime/src/weights/extensions.rs`,
//! docs/OPERATOR.md "Weights").

use frame_support::weights::Weight;
use frame_system::ExtensionsWeightInfo;
use pallet_transaction_payment::WeightInfo as _;
use sable_runtime::{
	weights::{
		extensions::{SystemExtensions, TransactionPaymentExtension},
		frame_system_extensions::WeightInfo as MeasuredSystem,
		pallet_transaction_payment::WeightInfo as MeasuredPayment,
	},
	Runtime,
};

/// The reads and writes each function of a generated weight file records in its
/// `/// Storage: ... (r:R w:W)` comments.
fn recorded_storage(generated: &str) -> Vec<(String, u64, u64)> {
	let mut functions = Vec::new();
	let (mut reads, mut writes) = (0, 0);
	for line in generated.lines().map(str::trim) {
		if let Some((_, counts)) =
			line.strip_prefix("/// Storage:").and_then(|l| l.rsplit_once("(r:"))
		{
			let (r, w) = counts.trim_end_matches(')').split_once(" w:").expect("r:R w:W");
			reads += r.parse::<u64>().expect("a read count");
			writes += w.parse::<u64>().expect("a write count");
		} else if let Some((name, _)) = line.strip_prefix("fn ").and_then(|l| l.split_once('(')) {
			functions.push((name.to_string(), reads, writes));
			(reads, writes) = (0, 0);
		}
	}
	functions
}

/// What the runtime books for a benchmarked extension, and what its benchmark measured.
fn booked_and_measured(extension: &str) -> (Weight, Weight) {
	type System = MeasuredSystem<Runtime>;
	match extension {
		"check_genesis" => (SystemExtensions::check_genesis(), System::check_genesis()),
		"check_mortality_mortal_transaction" => (
			SystemExtensions::check_mortality_mortal_transaction(),
			System::check_mortality_mortal_transaction(),
		),
		"check_mortality_immortal_transaction" => (
			SystemExtensions::check_mortality_immortal_transaction(),
			System::check_mortality_immortal_transaction(),
		),
		"check_non_zero_sender" =>
			(SystemExtensions::check_non_zero_sender(), System::check_non_zero_sender()),
		"check_nonce" => (SystemExtensions::check_nonce(), System::check_nonce()),
		"check_spec_version" =>
			(SystemExtensions::check_spec_version(), System::check_spec_version()),
		"check_tx_version" => (SystemExtensions::check_tx_version(), System::check_tx_version()),
		"check_weight" => (SystemExtensions::check_weight(), System::check_weight()),
		"weight_reclaim" => (SystemExtensions::weight_reclaim(), System::weight_reclaim()),
		"charge_transaction_payment" => (
			TransactionPaymentExtension::charge_transaction_payment(),
			MeasuredPayment::<Runtime>::charge_transaction_payment(),
		),
		other => panic!("no booked weight for the benchmarked extension {other}"),
	}
}

#[test]
fn each_extension_books_the_storage_its_benchmark_recorded_and_no_execution() {
	let db = <Runtime as frame_system::Config>::DbWeight::get();
	let generated = [
		include_str!("../src/weights/frame_system_extensions.rs"),
		include_str!("../src/weights/pallet_transaction_payment.rs"),
	];
	let mut checked = 0;
	for (name, reads, writes) in generated.iter().flat_map(|file| recorded_storage(file)) {
		let (booked, measured) = booked_and_measured(&name);
		let storage = db.reads_writes(reads, writes);
		assert_eq!(booked.ref_time(), storage.ref_time(), "{name}: its recorded storage");
		assert_eq!(booked.proof_size(), measured.proof_size(), "{name}: its proof size");
		assert!(
			measured.ref_time() > booked.ref_time(),
			"{name}: the benchmark measured execution on top of the storage"
		);
		checked += 1;
	}
	// Every function of frame-system's `ExtensionsWeightInfo` and of transaction payment's.
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
