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
//! `pallet_transaction_payment.rs`) keep the measured execution times;
//! `runtime/tests/extension_weights.rs` checks that the storage booked here is the storage
//! those benchmarks recorded. Whether a full
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

/// The estimated proof size of one `System::Account` entry, as the benchmarks record it
/// (checked against them by the test).
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
