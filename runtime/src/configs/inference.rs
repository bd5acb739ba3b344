//! Proof of inference (`pallet_proof_of_inference`): escrowed AI jobs paid on verified
//! proofs. Disputes are decided by root (sudo on the dev and local chains); the protocol fee
//! goes to a fee account owned by no key.

use frame_support::{
	parameter_types,
	traits::{ConstU128, ConstU32, Contains},
	PalletId,
};
use frame_system::EnsureRoot;
use sable_circuits::CircuitId;
use sp_runtime::{traits::AccountIdConversion, Perbill, Permill};

use crate::{
	deposit, AccountId, Balances, BlockNumber, Runtime, RuntimeEvent, RuntimeHoldReason, CENTS,
	DAYS, MINUTES, UNITS,
};

parameter_types! {
	pub const InferenceFeeId: PalletId = PalletId(*b"sbl/poif");
	pub InferenceFeeCollector: AccountId = InferenceFeeId::get().into_account_truncating();
	pub const InferenceProtocolFee: Permill = Permill::from_percent(2);
	/// An accepted job locks 20% of its payment (at least `MinimumCollateral`).
	pub const InferenceCollateralRatio: Perbill = Perbill::from_percent(20);
	/// A dispute holds 10% of the job's payment (at least `MinimumDisputeDeposit`).
	pub const InferenceDisputeDepositRatio: Perbill = Perbill::from_percent(10);
	pub const InferenceChallengePeriod: BlockNumber = 10 * MINUTES;
	pub const InferenceDisputePeriod: BlockNumber = DAYS;
	pub const InferenceRetentionPeriod: BlockNumber = 7 * DAYS;
	pub const InferenceUnbondingDelay: BlockNumber = DAYS;
	pub const InferenceMaxJobDuration: BlockNumber = 7 * DAYS;
}

/// The circuit versions models may be registered with: the job commitment circuit, the
/// inference shapes and the LoRA-adapted inference (`docs/poi.md`, "Circuits").
pub struct InferenceCircuits;
impl Contains<CircuitId> for InferenceCircuits {
	fn contains(circuit: &CircuitId) -> bool {
		matches!(
			(circuit.id, circuit.version),
			(sable_circuits::POI_COMMITMENT, 1)
				| (sable_circuits::POI_INFERENCE, 2..=4)
				| (sable_circuits::POI_ADAPTED, 1)
		)
	}
}

impl pallet_proof_of_inference::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Currency = Balances;
	type DisputeOrigin = EnsureRoot<AccountId>;
	type FeeCollector = InferenceFeeCollector;
	type AcceptedCircuits = InferenceCircuits;
	type ProtocolFee = InferenceProtocolFee;
	/// 100 SBL.
	type MinimumBond = ConstU128<{ 100 * UNITS }>;
	/// 1 SBL.
	type MinimumCollateral = ConstU128<{ UNITS }>;
	type CollateralRatio = InferenceCollateralRatio;
	/// 0.1 SBL.
	type MinimumPayment = ConstU128<{ 10 * CENTS }>;
	/// One stored item of about 200 bytes.
	type ModelDeposit = ConstU128<{ deposit(1, 200) }>;
	/// The job, its result and its request entries.
	type JobDepositBase = ConstU128<{ deposit(3, 300) }>;
	type JobDepositPerByte = ConstU128<{ deposit(0, 1) }>;
	/// 0.5 SBL.
	type MinimumDisputeDeposit = ConstU128<{ 50 * CENTS }>;
	type DisputeDepositRatio = InferenceDisputeDepositRatio;
	type ChallengePeriod = InferenceChallengePeriod;
	type DisputePeriod = InferenceDisputePeriod;
	type RetentionPeriod = InferenceRetentionPeriod;
	type UnbondingDelay = InferenceUnbondingDelay;
	type MaxJobDuration = InferenceMaxJobDuration;
	type MaxOpenJobsPerProvider = ConstU32<64>;
	type MaxJobsDuePerBlock = ConstU32<64>;
	type MaxDueProcessedPerBlock = ConstU32<64>;
	/// An input of 64 int8 entries with a LoRA adapter fits with room to spare.
	type MaxRequestLen = ConstU32<2048>;
	type MaxReasonLen = ConstU32<256>;
	type WeightInfo = crate::weights::pallet_proof_of_inference::WeightInfo<Runtime>;
}
