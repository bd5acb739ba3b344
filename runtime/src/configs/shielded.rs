//! The shielded pool (`pallet_zk`): fees of private transfers go to the block author.

use frame_support::{
	parameter_types,
	traits::{
		fungible::{Balanced, Credit},
		ConstU32, ConstU64, OnUnbalanced,
	},
	PalletId,
};
use sp_runtime::transaction_validity::TransactionPriority;

use crate::{AccountId, Authorship, Balances, Runtime, RuntimeEvent, CENTS};

parameter_types! {
	pub const ShieldedPoolId: PalletId = PalletId(*b"sbl/zkpl");
	/// Unsigned shielded transactions start above ordinary ones; their fee is added.
	pub const ShieldedPriority: TransactionPriority = 1 << 20;
	/// The transfer circuit version whose proofs the pool accepts.
	pub const ShieldedTransferCircuit: sable_circuits::CircuitId = sable_circuits::TRANSFER_V1.id;
}

/// Pays a shielded fee to the author of the block that includes it (as a tip would be); if
/// no author is known the fee is burned.
pub struct ToBlockAuthor;

impl OnUnbalanced<Credit<AccountId, Balances>> for ToBlockAuthor {
	fn on_nonzero_unbalanced(fee: Credit<AccountId, Balances>) {
		if let Some(author) = Authorship::author() {
			// A deposit below the existential deposit to a new account fails: the credit is
			// then dropped, which burns it.
			let _ = Balances::resolve(&author, fee);
		}
	}
}

impl pallet_zk::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type Currency = Balances;
	type OnFee = ToBlockAuthor;
	type PalletId = ShieldedPoolId;
	/// 0.01 SBL.
	type MinimumFee = ConstU64<{ CENTS as u64 }>;
	/// Anchors stay valid for the last 256 blocks that added notes.
	type RootHistorySize = ConstU32<256>;
	type MaxBatchSize = ConstU32<32>;
	type TransferCircuit = ShieldedTransferCircuit;
	type UnsignedPriority = ShieldedPriority;
	type WeightInfo = crate::weights::pallet_zk::WeightInfo<Runtime>;
}
