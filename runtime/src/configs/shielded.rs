//! The shielded pool (`pallet_zk`): private transfers are priced and ordered as signed
//! transactions of the same length and weight, and their fees are burned as signed fees are
//! (validators are paid by era rewards). An author paid by the shielded fees it includes
//! could fill its own blocks with transfers to itself at no cost but the state they add.

use frame_support::{
	dispatch::{DispatchClass, DispatchInfo, Pays},
	parameter_types,
	traits::{ConstU32, ConstU64},
	weights::Weight,
	PalletId,
};
use pallet_transaction_payment::ChargeTransactionPayment;
use sp_runtime::transaction_validity::TransactionPriority;

use crate::{Balances, Runtime, RuntimeEvent, TransactionPayment, CENTS};

parameter_types! {
	pub const ShieldedPoolId: PalletId = PalletId(*b"sbl/zkpl");
	/// The transfer circuit version whose proofs the pool accepts.
	pub const ShieldedTransferCircuit: sable_circuits::CircuitId = sable_circuits::TRANSFER_V1.id;
}

/// Prices an unsigned shielded transaction as `pallet_transaction_payment` prices a signed,
/// untipped, normal transaction of the same length and weight (base fee, length fee, weight
/// fee under the current multiplier), and orders it by the fee it offers above that as
/// `ChargeTransactionPayment` orders by tip: a shielded transaction paying only the price
/// ranks with untipped signed ones.
pub struct AsSignedTransactions;

impl AsSignedTransactions {
	fn info(weight: Weight) -> DispatchInfo {
		DispatchInfo {
			call_weight: weight,
			extension_weight: Weight::zero(),
			class: DispatchClass::Normal,
			pays_fee: Pays::Yes,
		}
	}
}

impl pallet_zk::ShieldedFees for AsSignedTransactions {
	fn minimum_fee(len: u32, weight: Weight) -> u64 {
		let fee = TransactionPayment::compute_fee(len, &Self::info(weight), 0);
		u64::try_from(fee).unwrap_or(u64::MAX)
	}

	fn priority(len: u32, weight: Weight, surplus: u64) -> TransactionPriority {
		let info = Self::info(weight);
		let tip = u128::from(surplus);
		let with_tip = TransactionPayment::compute_fee(len, &info, tip);
		ChargeTransactionPayment::<Runtime>::get_priority(&info, len as usize, tip, with_tip)
	}
}

impl pallet_zk::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type Currency = Balances;
	/// Burned: dropping the credit reduces the total issuance.
	type OnFee = ();
	type PalletId = ShieldedPoolId;
	/// 0.01 SBL, below which no shielded transaction goes whatever bytes cost.
	type MinimumFee = ConstU64<{ CENTS as u64 }>;
	/// Anchors stay valid for the last 256 blocks that added notes.
	type RootHistorySize = ConstU32<256>;
	type Fees = AsSignedTransactions;
	type MaxBatchSize = ConstU32<32>;
	/// More than a block's length holds (a transfer is about 5 KiB of a 3.75 MiB normal share).
	type MaxBlockProofs = ConstU32<1024>;
	type TransferCircuit = ShieldedTransferCircuit;
	type WeightInfo = crate::weights::pallet_zk::WeightInfo<Runtime>;
}
