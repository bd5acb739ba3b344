//! The Sable runtime: a solo chain whose validators produce blocks with BABE, finalize them
//! with GRANDPA and are elected by nominated proof of stake.
//!
//! Pallet configuration lives in [`configs`], runtime APIs in [`apis`], genesis presets in
//! [`genesis_config_presets`].

#![cfg_attr(not(feature = "std"), no_std)]
// `construct_runtime` expands to deeply nested types.
#![recursion_limit = "256"]

extern crate alloc;

#[cfg(feature = "std")]
include!(concat!(env!("OUT_DIR"), "/wasm_binary.rs"));

/// The runtime one `spec_version` later, which the upgrade test enacts (build.rs).
#[cfg(feature = "std")]
pub mod next_spec {
	include!(concat!(env!("OUT_DIR"), "/sable_runtime_next_spec"));
}

pub mod apis;
#[cfg(feature = "runtime-benchmarks")]
mod benchmarks;
pub mod configs;
pub mod constants;
pub mod genesis_config_presets;
pub mod migrations;
pub mod weights;

use alloc::{borrow::Cow, vec::Vec};
use sp_runtime::{
	generic, impl_opaque_keys,
	traits::{BlakeTwo256, IdentifyAccount, Verify},
	MultiAddress, MultiSignature,
};
use sp_version::RuntimeVersion;

pub use constants::{currency::*, time::*};
#[cfg(feature = "std")]
pub use pallet_balances::Call as BalancesCall;
pub use pallet_staking::StakerStatus;

/// An index to a block.
pub type BlockNumber = u32;
/// Alias to 512-bit hash when used in the context of a transaction signature on the chain.
pub type Signature = MultiSignature;
/// Some way of identifying an account on the chain.
pub type AccountId = <<Signature as Verify>::Signer as IdentifyAccount>::AccountId;
/// Balance of an account.
pub type Balance = u128;
/// Index of a transaction in the chain.
pub type Nonce = u32;
/// A hash of some data used by the chain.
pub type Hash = sp_core::H256;
/// Milliseconds since the Unix epoch.
pub type Moment = u64;

/// Types the node needs without knowing the runtime's extrinsic format.
pub mod opaque {
	use super::*;
	pub use sp_runtime::OpaqueExtrinsic as UncheckedExtrinsic;

	/// Opaque block header type.
	pub type Header = generic::Header<BlockNumber, BlakeTwo256>;
	/// Opaque block type.
	pub type Block = generic::Block<Header, UncheckedExtrinsic>;
	/// Opaque block identifier type.
	pub type BlockId = generic::BlockId<Block>;
}

impl_opaque_keys! {
	/// The keys a validator registers with `session.set_keys`.
	pub struct SessionKeys {
		pub babe: Babe,
		pub grandpa: Grandpa,
	}
}

/// Declares [`VERSION`] with the given `spec_version`. The token is passed through as is:
/// `runtime_version` reads the field as a literal to embed it in the wasm.
macro_rules! declare_runtime_version {
	($spec_version:tt) => {
		/// Runtime version. Bump `spec_version` whenever behaviour changes.
		#[sp_version::runtime_version]
		pub const VERSION: RuntimeVersion = RuntimeVersion {
			spec_name: Cow::Borrowed("sable"),
			impl_name: Cow::Borrowed("sable-node"),
			authoring_version: 1,
			spec_version: $spec_version,
			impl_version: 0,
			apis: apis::RUNTIME_API_VERSIONS,
			transaction_version: 1,
			system_version: 1,
		};
	};
}
#[cfg(not(feature = "spec-version-next"))]
declare_runtime_version!(106);
// The upgrade test's runtime: the same code one spec version later (build.rs).
#[cfg(feature = "spec-version-next")]
declare_runtime_version!(107);

/// The BABE epoch configuration at genesis: primary VRF slots with probability 1/4, and
/// secondary plain slots so that every slot has an author while validators are online.
pub const BABE_GENESIS_EPOCH_CONFIG: sp_consensus_babe::BabeEpochConfiguration =
	sp_consensus_babe::BabeEpochConfiguration {
		c: PRIMARY_PROBABILITY,
		allowed_slots: sp_consensus_babe::AllowedSlots::PrimaryAndSecondaryPlainSlots,
	};

/// The address format for describing accounts.
pub type Address = MultiAddress<AccountId, ()>;
/// Block header type as expected by this runtime.
pub type Header = generic::Header<BlockNumber, BlakeTwo256>;
/// Block type as expected by this runtime.
pub type Block = generic::Block<Header, UncheckedExtrinsic>;
/// The transaction extensions every signed extrinsic carries, in order.
pub type TxExtension = (
	frame_system::CheckNonZeroSender<Runtime>,
	frame_system::CheckSpecVersion<Runtime>,
	frame_system::CheckTxVersion<Runtime>,
	frame_system::CheckGenesis<Runtime>,
	frame_system::CheckEra<Runtime>,
	frame_system::CheckNonce<Runtime>,
	frame_system::CheckWeight<Runtime>,
	pallet_transaction_payment::ChargeTransactionPayment<Runtime>,
	frame_metadata_hash_extension::CheckMetadataHash<Runtime>,
	frame_system::WeightReclaim<Runtime>,
);
/// The extensions of a signed extrinsic with `nonce` and `tip`, valid forever (immortal era),
/// without the metadata hash (`CheckMetadataHash` mode 0, as polkadot.js signs by default):
/// the one place the wallet, the node's tests and the runtime's tests build them.
pub fn tx_extension(nonce: Nonce, tip: Balance) -> TxExtension {
	(
		frame_system::CheckNonZeroSender::<Runtime>::new(),
		frame_system::CheckSpecVersion::<Runtime>::new(),
		frame_system::CheckTxVersion::<Runtime>::new(),
		frame_system::CheckGenesis::<Runtime>::new(),
		frame_system::CheckEra::<Runtime>::from(generic::Era::Immortal),
		frame_system::CheckNonce::<Runtime>::from(nonce),
		frame_system::CheckWeight::<Runtime>::new(),
		pallet_transaction_payment::ChargeTransactionPayment::<Runtime>::from(tip),
		frame_metadata_hash_extension::CheckMetadataHash::<Runtime>::new(false),
		frame_system::WeightReclaim::<Runtime>::new(),
	)
}
/// Unchecked extrinsic type as expected by this runtime.
pub type UncheckedExtrinsic =
	generic::UncheckedExtrinsic<Address, RuntimeCall, Signature, TxExtension>;
/// The payload being signed in transactions.
pub type SignedPayload = generic::SignedPayload<RuntimeCall, TxExtension>;
/// Executive: handles dispatch to the various modules, and runs [`migrations::Migrations`]
/// on the first block of a new runtime.
pub type Executive = frame_executive::Executive<
	Runtime,
	Block,
	frame_system::ChainContext<Runtime>,
	Runtime,
	AllPalletsWithSystem,
	migrations::Migrations,
>;

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
	pub struct Runtime;

	#[runtime::pallet_index(0)]
	pub type System = frame_system;
	// Before every pallet that reads the durations, so that their genesis builds see the
	// chain's own.
	#[runtime::pallet_index(13)]
	pub type Durations = pallet_durations;
	#[runtime::pallet_index(1)]
	pub type Babe = pallet_babe;
	#[runtime::pallet_index(2)]
	pub type Timestamp = pallet_timestamp;
	#[runtime::pallet_index(3)]
	pub type Balances = pallet_balances;
	#[runtime::pallet_index(4)]
	pub type TransactionPayment = pallet_transaction_payment;
	#[runtime::pallet_index(5)]
	pub type Authorship = pallet_authorship;
	#[runtime::pallet_index(6)]
	pub type Staking = pallet_staking;
	#[runtime::pallet_index(15)]
	pub type VoterList = pallet_bags_list<Instance1>;
	#[runtime::pallet_index(7)]
	pub type Offences = pallet_offences;
	#[runtime::pallet_index(8)]
	pub type Historical = pallet_session::historical;
	#[runtime::pallet_index(9)]
	pub type Session = pallet_session;
	#[runtime::pallet_index(10)]
	pub type Grandpa = pallet_grandpa;
	#[runtime::pallet_index(11)]
	pub type Utility = pallet_utility;
	#[runtime::pallet_index(12)]
	pub type Sudo = pallet_sudo;
	#[runtime::pallet_index(14)]
	pub type Multisig = pallet_multisig;
	#[runtime::pallet_index(20)]
	pub type Zk = pallet_zk;
	#[runtime::pallet_index(21)]
	pub type ProofOfInference = pallet_proof_of_inference;
}

/// The storage key of `System::Events` (the events of a block), for readers outside the
/// runtime: the node's chain metrics and the wallet. `frame_system` keeps the storage item
/// private, so this is its one public definition.
pub fn events_storage_key() -> [u8; 32] {
	use frame_support::traits::PalletInfoAccess;
	frame_support::storage::storage_prefix(System::name().as_bytes(), b"Events")
}
