//! Root: sudo, whose key is held by a multisig of the operators on staging and by Alice on the
//! dev and local chains (`docs/OPERATOR.md`, "Governance").
//!
//! Root upgrades the runtime (`system.authorize_upgrade`), turns shielded calls off
//! (`zk.set_enabled`), cancels deferred slashes (`staking.cancel_deferred_slash`) and sets the
//! validator count.

use frame_support::{parameter_types, traits::ConstU32};

use crate::{
	constants::currency::deposit, Balance, Balances, Runtime, RuntimeCall, RuntimeEvent, System,
};

impl pallet_sudo::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeCall = RuntimeCall;
	type WeightInfo = crate::weights::pallet_sudo::WeightInfo<Runtime>;
}

/// Most signatories of one multisig account.
pub const MAX_SIGNATORIES: u32 = 16;

parameter_types! {
	/// Reserved from the first approver while a multisig operation is pending: one entry of
	/// up to 88 bytes (the call hash, the timepoint, the depositor and the deposit)...
	pub const MultisigDepositBase: Balance = deposit(1, 88);
	/// ...plus 32 bytes for each approval.
	pub const MultisigDepositFactor: Balance = deposit(0, 32);
}

impl pallet_multisig::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeCall = RuntimeCall;
	type Currency = Balances;
	type DepositBase = MultisigDepositBase;
	type DepositFactor = MultisigDepositFactor;
	type MaxSignatories = ConstU32<MAX_SIGNATORIES>;
	type WeightInfo = pallet_multisig::weights::SubstrateWeight<Runtime>;
	type BlockNumberProvider = System;
}
