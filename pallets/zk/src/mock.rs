//! A runtime with system, balances and the shielded pool, for the pallet's tests.

use frame_support::{
	derive_impl, parameter_types,
	traits::{fungible, tokens::imbalance::ResolveTo, ConstU32, ConstU64},
	PalletId,
};
use sable_zk_host::CircuitId;
use sp_core::crypto::AccountId32;
use sp_runtime::{traits::IdentityLookup, BuildStorage};

use crate as pallet_zk;

pub type AccountId = AccountId32;
pub type Balance = u128;
type Block = frame_system::mocking::MockBlock<Test>;

#[frame_support::runtime]
mod runtime {
	#[runtime::runtime]
	#[runtime::derive(
		RuntimeCall,
		RuntimeEvent,
		RuntimeError,
		RuntimeOrigin,
		RuntimeFreezeReason,
		RuntimeHoldReason,
		RuntimeSlashReason,
		RuntimeLockId,
		RuntimeTask,
		RuntimeViewFunction
	)]
	pub struct Test;

	#[runtime::pallet_index(0)]
	pub type System = frame_system;
	#[runtime::pallet_index(1)]
	pub type Balances = pallet_balances;
	#[runtime::pallet_index(2)]
	pub type Zk = pallet_zk;
}

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountId = AccountId;
	type Lookup = IdentityLookup<AccountId>;
	type AccountData = pallet_balances::AccountData<Balance>;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type Balance = Balance;
	type ExistentialDeposit = ConstU128<EXISTENTIAL_DEPOSIT>;
	type AccountStore = System;
}

use frame_support::traits::ConstU128;

/// Existential deposit of the mock.
pub const EXISTENTIAL_DEPOSIT: Balance = 10;
/// Minimum fee of shielded transfers.
pub const MINIMUM_FEE: u64 = 2;
/// Roots accepted as anchors.
pub const ROOT_HISTORY: u32 = 4;

/// Transparent accounts of the tests.
pub fn alice() -> AccountId {
	AccountId32::new([1; 32])
}
pub fn bob() -> AccountId {
	AccountId32::new([2; 32])
}
/// Receives shielded fees.
pub fn fee_sink() -> AccountId {
	AccountId32::new([9; 32])
}

parameter_types! {
	pub const ZkPalletId: PalletId = PalletId(*b"sbl/pool");
	pub FeeSink: AccountId = fee_sink();
	/// A test may switch the accepted circuit version.
	pub storage TransferCircuit: CircuitId = sable_zk_host::circuits::TRANSFER_V1.id;
	/// The mock's price of bytes: one fee unit per this many bytes, `0` for free bytes (tests
	/// lower it, as the chain's fee multiplier would raise prices).
	pub storage BytesPerFeeUnit: u32 = 0;
}

/// Prices as a signed transaction of the mock would: one unit per [`BytesPerFeeUnit`]
/// bytes, and one priority point per unit of surplus.
pub struct MockFees;

impl crate::ShieldedFees for MockFees {
	fn minimum_fee(len: u32, _weight: frame_support::weights::Weight) -> u64 {
		u64::from(len.checked_div(BytesPerFeeUnit::get()).unwrap_or(0))
	}
	fn priority(_len: u32, _weight: frame_support::weights::Weight, surplus: u64) -> u64 {
		surplus
	}
}

impl pallet_zk::Config for Test {
	type RuntimeEvent = RuntimeEvent;
	type Currency = Balances;
	type OnFee = ResolveTo<FeeSink, Balances>;
	type PalletId = ZkPalletId;
	type MinimumFee = ConstU64<MINIMUM_FEE>;
	type RootHistorySize = ConstU32<ROOT_HISTORY>;
	type MaxBatchSize = ConstU32<8>;
	type TransferCircuit = TransferCircuit;
	type Fees = MockFees;
	type MaxBlockProofs = ConstU32<256>;
	type WeightInfo = ();
}

/// Alice and Bob hold 1,000,000 each; the fee sink exists.
pub fn new_test_ext() -> sp_io::TestExternalities {
	// Tests run in parallel and share the process's pool verification budget: lift it, so
	// that no test's admission depends on another's timing.
	sable_zk_host::native::set_pool_budget(u32::MAX);
	let mut storage =
		frame_system::GenesisConfig::<Test>::default().build_storage().expect("system genesis");
	pallet_balances::GenesisConfig::<Test> {
		balances: vec![(alice(), 1_000_000), (bob(), 1_000_000), (fee_sink(), EXISTENTIAL_DEPOSIT)],
		..Default::default()
	}
	.assimilate_storage(&mut storage)
	.expect("balances genesis");
	pallet_zk::GenesisConfig::<Test>::default()
		.assimilate_storage(&mut storage)
		.expect("zk genesis");
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(1));
	ext
}

/// Ends the block (verifying its proofs, recording its root), checks the pool's invariants
/// and starts the next.
pub fn next_block() {
	use frame_support::traits::Hooks;
	let number = System::block_number();
	Zk::on_finalize(number);
	if let Err(error) = Zk::do_try_state() {
		panic!("invariants after block {number}: {error:?}");
	}
	System::set_block_number(number + 1);
	Zk::on_initialize(number + 1);
}

/// Free balance.
pub fn free(who: &AccountId) -> Balance {
	<Balances as fungible::Inspect<AccountId>>::balance(who)
}
