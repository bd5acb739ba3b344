//! Proof of inference (`pallet_proof_of_inference`): escrowed AI jobs paid on verified
//! proofs. Disputes are decided by root (sudo on the dev and local chains); the protocol fee
//! goes to a fee account owned by no key.

use frame_support::{
	parameter_types,
	traits::{ConstU128, ConstU32},
	PalletId,
};
use frame_system::EnsureRoot;
use sable_circuits::CircuitId;
use sp_runtime::{traits::AccountIdConversion, Permill};

use crate::{
	AccountId, Balances, BlockNumber, Runtime, RuntimeEvent, RuntimeHoldReason, CENTS, DAYS,
	MINUTES, UNITS,
};

parameter_types! {
	pub const InferenceFeeId: PalletId = PalletId(*b"sbl/poif");
	pub InferenceFeeCollector: AccountId = InferenceFeeId::get().into_account_truncating();
	pub const InferenceProtocolFee: Permill = Permill::from_percent(2);
	pub const InferenceChallengePeriod: BlockNumber = 10 * MINUTES;
	pub const InferenceUnbondingDelay: BlockNumber = DAYS;
	pub const InferenceMaxJobDuration: BlockNumber = 7 * DAYS;
	pub const InferenceCommitmentCircuit: CircuitId = sable_circuits::POI_COMMITMENT_V1.id;
	pub const InferenceLoraCircuit: CircuitId = sable_circuits::POI_LORA_V1.id;
	pub const InferenceModelCircuit: CircuitId = sable_circuits::POI_INFERENCE_V1.id;
}

impl pallet_proof_of_inference::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Currency = Balances;
	type DisputeOrigin = EnsureRoot<AccountId>;
	type FeeCollector = InferenceFeeCollector;
	type ProtocolFee = InferenceProtocolFee;
	/// 100 SBL.
	type MinimumBond = ConstU128<{ 100 * UNITS }>;
	/// 10 SBL per accepted job.
	type JobCollateral = ConstU128<{ 10 * UNITS }>;
	/// 0.1 SBL.
	type MinimumPayment = ConstU128<{ 10 * CENTS }>;
	type ChallengePeriod = InferenceChallengePeriod;
	type UnbondingDelay = InferenceUnbondingDelay;
	type MaxJobDuration = InferenceMaxJobDuration;
	type MaxOpenJobsPerProvider = ConstU32<64>;
	type MaxJobsDuePerBlock = ConstU32<64>;
	type MaxDueProcessedPerBlock = ConstU32<64>;
	type CommitmentCircuit = InferenceCommitmentCircuit;
	type LoraCircuit = InferenceLoraCircuit;
	type InferenceCircuit = InferenceModelCircuit;
	type WeightInfo = crate::weights::pallet_proof_of_inference::WeightInfo<Runtime>;
}
