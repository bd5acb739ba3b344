//! A runtime with system, balances and the proof-of-inference pallet, for the pallet's
//! tests. Proofs are real and verified natively by the `zk_verifier` host functions.

use frame_support::{
	derive_impl, parameter_types,
	traits::{ConstU128, ConstU32, ConstU64, Contains, Hooks},
	weights::Weight,
};
use frame_system::EnsureRoot;
use sable_zk_host::{circuits, CircuitId};
use sp_core::crypto::AccountId32;
use sp_runtime::{traits::IdentityLookup, BuildStorage, Perbill, Permill};

use crate as pallet_proof_of_inference;

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
	pub type Inference = pallet_proof_of_inference;
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

pub const EXISTENTIAL_DEPOSIT: Balance = 10;
pub const MINIMUM_BOND: Balance = 1_000;
/// Collateral is 10% of the payment, at least this.
pub const MINIMUM_COLLATERAL: Balance = 300;
pub const MINIMUM_PAYMENT: Balance = 100;
pub const MODEL_DEPOSIT: Balance = 50;
pub const JOB_DEPOSIT_BASE: Balance = 20;
pub const JOB_DEPOSIT_PER_BYTE: Balance = 1;
/// A dispute deposit is 5% of the payment, at least this.
pub const MINIMUM_DISPUTE_DEPOSIT: Balance = 200;
pub const CHALLENGE_PERIOD: u64 = 5;
pub const DISPUTE_PERIOD: u64 = 7;
pub const RETENTION_PERIOD: u64 = 20;
pub const UNBONDING_DELAY: u64 = 10;
pub const MAX_JOB_DURATION: u64 = 100;
pub const MAX_OPEN_JOBS: u32 = 4;
pub const MAX_DUE_PER_BLOCK: u32 = 8;
pub const MAX_DUE_PROCESSED: u32 = 16;
pub const MAX_REQUEST_LEN: u32 = 256;
pub const MAX_REASON_LEN: u32 = 64;
pub const INITIAL_BALANCE: Balance = 1_000_000;

/// Clients.
pub fn alice() -> AccountId {
	AccountId32::new([1; 32])
}
pub fn bob() -> AccountId {
	AccountId32::new([2; 32])
}
/// Providers.
pub fn carol() -> AccountId {
	AccountId32::new([3; 32])
}
pub fn dave() -> AccountId {
	AccountId32::new([4; 32])
}
/// Receives protocol fees.
pub fn collector() -> AccountId {
	AccountId32::new([9; 32])
}

parameter_types! {
	pub Collector: AccountId = collector();
	pub const Fee: Permill = Permill::from_percent(10);
	pub const CollateralRatio: Perbill = Perbill::from_percent(10);
	pub const DisputeDepositRatio: Perbill = Perbill::from_percent(5);
	/// A test may stop accepting a circuit version.
	pub storage Refused: Option<CircuitId> = None;
}

/// Every registered job circuit version except the one a test refuses.
pub struct AcceptedCircuits;
impl Contains<CircuitId> for AcceptedCircuits {
	fn contains(circuit: &CircuitId) -> bool {
		circuits::lookup(*circuit).is_some() && Refused::get() != Some(*circuit)
	}
}

impl pallet_proof_of_inference::Config for Test {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Currency = Balances;
	type DisputeOrigin = EnsureRoot<AccountId>;
	type FeeCollector = Collector;
	type AcceptedCircuits = AcceptedCircuits;
	type ProtocolFee = Fee;
	type MinimumBond = ConstU128<MINIMUM_BOND>;
	type MinimumCollateral = ConstU128<MINIMUM_COLLATERAL>;
	type CollateralRatio = CollateralRatio;
	type MinimumPayment = ConstU128<MINIMUM_PAYMENT>;
	type ModelDeposit = ConstU128<MODEL_DEPOSIT>;
	type JobDepositBase = ConstU128<JOB_DEPOSIT_BASE>;
	type JobDepositPerByte = ConstU128<JOB_DEPOSIT_PER_BYTE>;
	type MinimumDisputeDeposit = ConstU128<MINIMUM_DISPUTE_DEPOSIT>;
	type DisputeDepositRatio = DisputeDepositRatio;
	type ChallengePeriod = ConstU64<CHALLENGE_PERIOD>;
	type DisputePeriod = ConstU64<DISPUTE_PERIOD>;
	type RetentionPeriod = ConstU64<RETENTION_PERIOD>;
	type UnbondingDelay = ConstU64<UNBONDING_DELAY>;
	type MaxJobDuration = ConstU64<MAX_JOB_DURATION>;
	type MaxOpenJobsPerProvider = ConstU32<MAX_OPEN_JOBS>;
	type MaxJobsDuePerBlock = ConstU32<MAX_DUE_PER_BLOCK>;
	type MaxDueProcessedPerBlock = ConstU32<MAX_DUE_PROCESSED>;
	type MaxRequestLen = ConstU32<MAX_REQUEST_LEN>;
	type MaxReasonLen = ConstU32<MAX_REASON_LEN>;
	type WeightInfo = ();
}

/// Alice, Bob, Carol and Dave hold `INITIAL_BALANCE` each; the collector gets its
/// existential deposit from the pallet's genesis.
pub fn new_test_ext() -> sp_io::TestExternalities {
	let mut storage =
		frame_system::GenesisConfig::<Test>::default().build_storage().expect("system genesis");
	pallet_balances::GenesisConfig::<Test> {
		balances: [alice(), bob(), carol(), dave()]
			.into_iter()
			.map(|who| (who, INITIAL_BALANCE))
			.collect(),
		..Default::default()
	}
	.assimilate_storage(&mut storage)
	.expect("balances genesis");
	pallet_proof_of_inference::GenesisConfig::<Test>::default()
		.assimilate_storage(&mut storage)
		.expect("pallet genesis");
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(1));
	ext
}

/// Ends the current block with idle weight for due jobs (`idle`), and starts the next.
pub fn next_block_with_idle(idle: Weight) {
	let number = System::block_number();
	Inference::on_idle(number, idle);
	if let Err(error) = Inference::do_try_state() {
		panic!("invariants after block {number}: {error:?}");
	}
	System::set_block_number(number + 1);
}

/// Ends the current block with plenty of idle weight, and starts the next.
pub fn next_block() {
	next_block_with_idle(Weight::from_parts(u64::MAX, u64::MAX));
}

/// Ends blocks until `number` is the current one.
pub fn run_to(number: u64) {
	while System::block_number() < number {
		next_block();
	}
}

/// Ends blocks with `idle` weight until `number` is the current one.
pub fn run_to_with_idle(number: u64, idle: Weight) {
	while System::block_number() < number {
		next_block_with_idle(idle);
	}
}
