//! # Shielded pool pallet
//!
//! Value enters the pool with [`Pallet::shield`], moves inside it with private
//! [`Pallet::transfer`]s and leaves it with [`Pallet::unshield`]; [`Pallet::submit_batch`]
//! carries many transfers and unshields whose proofs are checked together. Every call
//! carries a Halo2 proof of the transfer statement (`docs/zk.md`), verified in native code
//! through the `sable-zk-host` host functions.
//!
//! ## State
//! - the spent nullifiers;
//! - the note-commitment tree: every leaf (commitment, ciphertext and the nullifier revealed
//!   beside it, for wallets), a [`Frontier`], and the roots of the last
//!   [`Config::RootHistorySize`] blocks that appended leaves (the anchors a proof may use).
//!   Calls only store their leaves; `on_finalize` hashes the block's leaves into the frontier
//!   and records the root, once per block;
//! - the pool total, equal to the pool account's balance above its existential deposit;
//! - a switch that turns shielded calls off.
//!
//! ## Order of checks
//! Every call checks, in this order and before any state is touched: the switch, the values
//! allowed for the call kind and the minimum fee, the anchor, the nullifiers (unspent and
//! pairwise distinct within the call or batch), the pool's funds, the binding recomputed from
//! the call's own data, room in the tree, the proof's exact length; then it writes. An error
//! leaves the state as it was. When the proof itself is checked depends on the path
//! (`docs/zk.md`, "One batch per block").
//!
//! ## Unsigned calls
//! `transfer`, `unshield` and `submit_batch` have no signer, so they reveal no transparent
//! account.
//! - [`ValidateUnsigned::validate_unsigned`] (the transaction pool) runs every check above,
//!   the fee rule and the proof; the node caches the verified statement. The fee must cover
//!   what a signed transaction of the same length and weight pays ([`ShieldedFees`]), the
//!   priority is computed from the fee above that as `ChargeTransactionPayment` computes it
//!   from a tip, transactions are kept only while their anchor is in the history, and they
//!   are tagged with their nullifiers so that two spending one note cannot both enter a block.
//! - `pre_dispatch` and the call itself run the checks but not the proof: the call appends its
//!   statements to [`BlockProofs`], and `on_finalize` verifies all of the block's statements
//!   in one batch per host call. A block with an invalid one is invalid: `on_finalize` panics,
//!   which is how a runtime refuses a block, as `pallet_timestamp` does for a missing
//!   timestamp. Honest authors never build one, because their pool verified every proof.
//! - Each call is weighed at its share of that batch ([`Pallet::deferred_weight`]).
//!
//! - The pool verifies through the node's pool verification budget
//!   (`sable_zk_host::admit`): while a flood has spent it, unsigned calls whose proofs the
//!   node has not verified before are refused unverified, as
//!   `UnknownTransaction::Custom(`[`POOL_BUSY`]`)`, which the pool does not ban
//!   (`docs/zk.md`, "Floods").
//!
//! ## Signed calls
//! A `shield` and a [`Pallet::relay`] are signed and pay the transaction fee, even when their
//! proofs are invalid, so their proofs are verified when they are dispatched and a bad one
//! fails only that call. `relay` is the paid path for transfers and unshields: the signer
//! (a relayer, or the user's own transparent account) pays the transaction fee, at the price
//! of a full verification, and is paid the shielded fee, to which the proof is bound.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;

#[cfg(any(feature = "runtime-benchmarks", test))]
pub mod benchmark_fixture;
#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(any(feature = "try-runtime", feature = "std"))]
mod invariants;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;
pub mod weights;

pub use sable_zk_primitives::{
	binding::CallKind,
	note::{NoteCommitment, Nullifier},
	payload::{NoteCiphertext, ShieldedProof, CIPHERTEXT_LEN},
	public_inputs::TransferPublicInputs,
};
pub use weights::WeightInfo;

use alloc::{boxed::Box, collections::BTreeSet, vec::Vec};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{
	dispatch::GetDispatchInfo,
	traits::{
		fungible::{Balanced, Credit, Inspect, Mutate},
		tokens::{DepositConsequence, Fortitude, Precision, Preservation, Provenance},
		Get, OnUnbalanced,
	},
	weights::Weight,
	PalletId,
};
use sable_zk_host::{CircuitId, ProofError, Statement};
use sable_zk_primitives::{encoding::fp_from_bytes, tree::Frontier, Fp};
use scale_info::TypeInfo;
use sp_runtime::{
	traits::{AccountIdConversion, Saturating, Zero},
	transaction_validity::{
		InvalidTransaction, TransactionPriority, TransactionSource, TransactionValidity,
		TransactionValidityError, ValidTransaction,
	},
	DispatchError,
};

/// Log target of this pallet.
pub const LOG_TARGET: &str = "runtime::zk";

/// The balance type of the pool's currency.
pub type BalanceOf<T> =
	<<T as Config>::Currency as Inspect<<T as frame_system::Config>::AccountId>>::Balance;
/// Funds withdrawn from the pool to pay a fee.
pub type CreditOf<T> = Credit<<T as frame_system::Config>::AccountId, <T as Config>::Currency>;

/// One item of a [`Pallet::submit_batch`].
#[derive(
	Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub enum ShieldedAction<AccountId> {
	/// A private transfer.
	Transfer(ShieldedProof),
	/// An unshield to `recipient`.
	Unshield {
		/// The proof and its payload.
		payload: ShieldedProof,
		/// The account credited; must be the one the proof is bound to.
		recipient: AccountId,
	},
}

/// Notes appended to the tree by one call, as wallets read them from events.
#[derive(
	Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct NewNotes {
	/// Tree position of the first commitment; the second is at `first_index + 1`.
	pub first_index: u64,
	/// The two commitments.
	pub commitments: [NoteCommitment; 2],
	/// Their ciphertexts.
	pub ciphertexts: [NoteCiphertext; 2],
}

/// One leaf of the note-commitment tree as stored for wallets.
///
/// Every action spends two notes and appends two, so leaf `2k + i` also records nullifier
/// `i` of the action that appended it. A wallet learns which of its notes are spent from
/// the leaves it downloads anyway, without ever naming its own nullifiers to a node
/// (`docs/zk.md`, "Wallet sync").
#[derive(
	Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct NoteRecord {
	/// The note commitment (the leaf).
	pub commitment: NoteCommitment,
	/// The note encrypted for its recipient.
	pub ciphertext: NoteCiphertext,
	/// The nullifier revealed in the same slot by the action that appended this leaf.
	pub nullifier: Nullifier,
}

/// The tree as wallets need it: the latest anchor and the number of leaves under it.
#[derive(
	Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct TreeState {
	/// The most recent root (a valid anchor).
	pub root: [u8; 32],
	/// Leaves under that root.
	pub leaf_count: u64,
	/// How many recent roots are accepted as anchors.
	pub anchor_history: u32,
}

/// The 32 bytes a value (an account, a block hash) is bound to in a proof: its encoding when
/// that is 32 bytes (as for `AccountId32` and `H256`), otherwise the BLAKE2b-256 of it.
pub fn binding_bytes<T: Encode>(value: &T) -> [u8; 32] {
	value.using_encoded(|bytes| {
		<[u8; 32]>::try_from(bytes).unwrap_or_else(|_| sp_io::hashing::blake2_256(bytes))
	})
}

/// The 32 bytes an unshield recipient is bound to (see [`binding_bytes`]).
pub fn account_binding_bytes<AccountId: Encode>(account: &AccountId) -> [u8; 32] {
	binding_bytes(account)
}

/// How unsigned shielded transactions are priced and ordered: as signed transactions of the
/// same length and weight (`docs/zk.md`, "Fees and priority").
pub trait ShieldedFees {
	/// The fee a signed transaction of `len` bytes and `weight` pays now, without a tip (the
	/// chain's fee multiplier included).
	fn minimum_fee(len: u32, weight: Weight) -> u64;
	/// The pool priority of such a transaction offering `surplus` above that fee, as for a
	/// signed one offering it as a tip.
	fn priority(len: u32, weight: Weight, surplus: u64) -> TransactionPriority;
}

/// The `UnknownTransaction::Custom` code of an unsigned shielded transaction the pool did not
/// verify because the node's pool verification budget is spent (`docs/zk.md`, "Floods"):
/// not a judgement of the transaction, which may be sent again later or through
/// [`Pallet::relay`].
pub const POOL_BUSY: u8 = 1;

/// A shielded call's data as the checks see it.
struct Action<'a, AccountId> {
	kind: CallKind,
	payload: &'a ShieldedProof,
	recipient: Option<&'a AccountId>,
	/// The relayer paid the fee; `None`: the fee is burned.
	fee_payee: Option<&'a AccountId>,
}

impl<'a, AccountId> Action<'a, AccountId> {
	fn new(kind: CallKind, payload: &'a ShieldedProof, recipient: Option<&'a AccountId>) -> Self {
		Action { kind, payload, recipient, fee_payee: None }
	}

	fn from_batch_item(item: &'a ShieldedAction<AccountId>) -> Self {
		match item {
			ShieldedAction::Transfer(payload) => Action::new(CallKind::Transfer, payload, None),
			ShieldedAction::Unshield { payload, recipient } => {
				Action::new(CallKind::Unshield, payload, Some(recipient))
			},
		}
	}

	fn inputs(&self) -> &TransferPublicInputs {
		&self.payload.public_inputs
	}
}

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::pallet_prelude::*;
	use frame_system::pallet_prelude::*;

	/// The version of this pallet's storage layout: 0 is the layout the chain launched with,
	/// and each migration bumps it (`docs/OPERATOR.md`, "Runtime upgrades").
	pub const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config {
		/// The overarching event type.
		#[allow(deprecated)]
		type RuntimeEvent: From<Event<Self>> + IsType<<Self as frame_system::Config>::RuntimeEvent>;

		/// The currency that enters and leaves the pool (amounts in proofs are `u64`).
		type Currency: Inspect<Self::AccountId, Balance: From<u64>>
			+ Mutate<Self::AccountId>
			+ Balanced<Self::AccountId>;

		/// Receives the fees of transfers and unshields (the runtime pays the block author).
		type OnFee: OnUnbalanced<CreditOf<Self>>;

		/// Derives the pool account.
		#[pallet::constant]
		type PalletId: Get<PalletId>;

		/// Smallest fee a transfer or unshield may pay, in the smallest unit, whatever
		/// [`Config::Fees`] asks.
		#[pallet::constant]
		type MinimumFee: Get<u64>;

		/// Prices and orders unsigned shielded transactions as signed ones.
		type Fees: ShieldedFees;

		/// How many recent roots are accepted as anchors (one root per block that appended
		/// notes).
		#[pallet::constant]
		type RootHistorySize: Get<u32>;

		/// Most actions one `submit_batch` may carry.
		#[pallet::constant]
		type MaxBatchSize: Get<u32>;

		/// Most proofs of unsigned calls one block may carry (they are verified together in
		/// `on_finalize`).
		#[pallet::constant]
		type MaxBlockProofs: Get<u32>;

		/// The version of the transfer circuit whose proofs are accepted (an entry of
		/// `sable_circuits::REGISTRY` that the nodes verify; `docs/zk.md`, "Adding a circuit
		/// version").
		#[pallet::constant]
		type TransferCircuit: Get<CircuitId>;

		/// Weights of this pallet's calls.
		type WeightInfo: WeightInfo;
	}

	/// Spent nullifiers, with the block that spent them.
	#[pallet::storage]
	pub type Nullifiers<T: Config> =
		StorageMap<_, Blake2_128Concat, Nullifier, BlockNumberFor<T>, OptionQuery>;

	/// The note-commitment tree's frontier.
	#[pallet::storage]
	pub type TreeFrontier<T: Config> = StorageValue<_, Frontier, ValueQuery>;

	/// Every leaf of the tree, with its ciphertext, by position.
	#[pallet::storage]
	pub type Leaves<T: Config> = StorageMap<_, Twox64Concat, u64, NoteRecord, OptionQuery>;

	/// Leaves appended so far, this block's included; the frontier holds those of earlier
	/// blocks, and `on_finalize` hashes in the rest.
	#[pallet::storage]
	pub type LeafCount<T: Config> = StorageValue<_, u64, ValueQuery>;

	/// Accepted anchors: root to its sequence number.
	#[pallet::storage]
	pub type RootHistory<T: Config> = StorageMap<_, Identity, [u8; 32], u64, OptionQuery>;

	/// Ring buffer of the last `RootHistorySize` roots, by sequence number modulo the size.
	#[pallet::storage]
	pub type RootRing<T: Config> = StorageMap<_, Twox64Concat, u32, [u8; 32], OptionQuery>;

	/// Number of roots ever recorded (the next root's sequence number).
	#[pallet::storage]
	pub type RootCount<T: Config> = StorageValue<_, u64, ValueQuery>;

	/// The statements of this block's unsigned calls by position, verified together and
	/// removed in `on_finalize` (never written to the database). One entry per statement,
	/// not one growing value: reading a value makes the host copy all of it, so a block of
	/// calls each reading the whole list would cost the square of its length.
	#[pallet::storage]
	pub type BlockProofs<T: Config> = StorageMap<_, Twox64Concat, u32, Statement, OptionQuery>;

	/// How many statements [`BlockProofs`] holds: at most `MaxBlockProofs`. Read and taken in
	/// every block, so it lives in the block's overlay (whitelisted from benchmarks' database
	/// accounting, like `frame_system`'s per-block items).
	#[pallet::storage]
	#[pallet::whitelist_storage]
	pub type BlockProofCount<T: Config> = StorageValue<_, u32, ValueQuery>;

	/// Value held by the pool: every `value_in` minus every `value_out` and fee.
	#[pallet::storage]
	pub type PoolTotal<T: Config> = StorageValue<_, BalanceOf<T>, ValueQuery>;

	#[pallet::type_value]
	pub fn DefaultEnabled() -> bool {
		true
	}

	/// Whether shielded calls are accepted.
	#[pallet::storage]
	pub type VerifierEnabled<T: Config> = StorageValue<_, bool, ValueQuery, DefaultEnabled>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// Start with shielded calls turned off.
		pub disabled: bool,
		#[serde(skip)]
		pub _config: core::marker::PhantomData<T>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			VerifierEnabled::<T>::put(!self.disabled);
			Pallet::<T>::record_root(Frontier::empty_root(), 0);
			// The pool account holds its existential deposit from genesis, so that any
			// shield, however small, can be credited to it.
			let pool = Pallet::<T>::pool_account();
			let minimum = T::Currency::minimum_balance();
			if T::Currency::balance(&pool) < minimum {
				let _ = T::Currency::mint_into(&pool, minimum);
			}
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// `value` moved from `who` into the pool.
		Shielded {
			who: T::AccountId,
			value: BalanceOf<T>,
			nullifiers: [Nullifier; 2],
			notes: NewNotes,
		},
		/// A private transfer.
		Transferred { nullifiers: [Nullifier; 2], fee: BalanceOf<T>, notes: NewNotes },
		/// `value` left the pool to `recipient`.
		Unshielded {
			recipient: T::AccountId,
			value: BalanceOf<T>,
			nullifiers: [Nullifier; 2],
			fee: BalanceOf<T>,
			notes: NewNotes,
		},
		/// A batch of `count` actions was verified together and applied.
		BatchApplied { count: u32 },
		/// The tree's root after this block's appends; it is now an accepted anchor.
		AnchorAdded { root: [u8; 32], leaf_count: u64 },
		/// Shielded calls were turned on or off.
		VerifierSwitched { enabled: bool },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// Shielded calls are turned off.
		VerifierDisabled,
		/// `value_in`, `value_out` or `fee` is not allowed for this call (a shield has only
		/// `value_in`; a transfer neither; an unshield only `value_out`).
		ValuesNotAllowed,
		/// The fee is below the minimum.
		FeeTooLow,
		/// The anchor is not one of the recent roots (unknown or too old: sync and prove
		/// again).
		UnknownAnchor,
		/// A nullifier was already spent.
		NullifierAlreadySpent,
		/// The same nullifier appears twice in the call or the batch.
		DuplicateNullifier,
		/// The proof's binding does not match this chain, call, recipient and ciphertexts.
		BindingMismatch,
		/// The unshield recipient cannot receive the amount (for example below the
		/// existential deposit for a new account).
		RecipientCannotReceive,
		/// The pool holds less than the call takes out.
		PoolInsufficient,
		/// The note-commitment tree is full.
		TreeFull,
		/// The batch is empty.
		EmptyBatch,
		/// A public input is not a canonical field element.
		MalformedPublicInputs,
		/// The proof does not verify.
		InvalidProof,
		/// The proof of the batch item at `index` does not verify.
		InvalidProofInBatch { index: u16 },
		/// The verifier does not know the transfer circuit (node and runtime disagree).
		UnknownCircuit,
		/// The shield's signer cannot pay `value_in` and stay alive.
		InsufficientBalance,
		/// The proof is not exactly as long as proofs of the accepted transfer circuit version.
		WrongProofLength,
		/// The block holds as many proofs of unsigned calls as it may.
		BlockProofsFull,
	}

	impl<T: Config> Error<T> {
		/// The `InvalidTransaction::Custom` code of this error when an unsigned shielded
		/// transaction is refused by the pool (`docs/zk.md`, "Refusal codes").
		pub fn code(&self) -> u8 {
			match self {
				Error::VerifierDisabled => 1,
				Error::ValuesNotAllowed => 2,
				Error::FeeTooLow => 3,
				Error::UnknownAnchor => 4,
				Error::NullifierAlreadySpent => 5,
				Error::DuplicateNullifier => 6,
				Error::BindingMismatch => 7,
				Error::RecipientCannotReceive => 8,
				Error::PoolInsufficient => 9,
				Error::TreeFull => 10,
				Error::EmptyBatch => 11,
				Error::MalformedPublicInputs => 12,
				Error::InvalidProof | Error::InvalidProofInBatch { .. } => 13,
				Error::UnknownCircuit => 14,
				Error::InsufficientBalance => 15,
				Error::WrongProofLength => 16,
				Error::BlockProofsFull => 17,
				Error::__Ignore(..) => 0,
			}
		}
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn integrity_test() {
			assert!(
				T::MaxBatchSize::get() <= sable_zk_host::MAX_BATCH_LEN,
				"a batch must fit one host call"
			);
			assert!(
				T::MaxBlockProofs::get() <= sable_zk_host::MAX_BATCH_LEN,
				"a block's proofs must fit one host call"
			);
			assert!(
				sable_zk_host::circuits::lookup(T::TransferCircuit::get()).is_some(),
				"the accepted transfer circuit version is registered"
			);
		}

		fn on_initialize(_: BlockNumberFor<T>) -> Weight {
			// Reserve the fixed parts of what `on_finalize` may do: the tree update and the
			// block's one host batch call (`MaxBlockProofs` fits one: `integrity_test`). Each
			// call pays for its own leaves and its proofs' shares of the batch, so its
			// declared weight is what it books and the last call of a full block needs no
			// room for a fixed cost it will not use (docs/zk.md, "One batch per block").
			T::WeightInfo::update_root(0).saturating_add(T::WeightInfo::verify_block_proofs(0))
		}

		fn on_finalize(_: BlockNumberFor<T>) {
			Self::verify_block_proofs();
			Self::update_tree();
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Moves `payload.public_inputs.value_in` from the signer into the pool and adds the
		/// two new notes.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::shield().saturating_add(Pallet::<T>::tree_weight(2)))]
		pub fn shield(origin: OriginFor<T>, payload: Box<ShieldedProof>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			// The signer can pay: checked before the proof, which costs far more.
			let value: BalanceOf<T> = payload.public_inputs.value_in.into();
			let spendable =
				T::Currency::reducible_balance(&who, Preservation::Preserve, Fortitude::Polite);
			ensure!(spendable >= value, Error::<T>::InsufficientBalance);
			let action = Action::new(CallKind::Shield, &payload, None);
			let statements = Self::check(core::slice::from_ref(&action))?;
			sable_zk_host::verify(&statements).map_err(Error::<T>::from)?;
			Self::apply(&action, Some(&who))
		}

		/// A private transfer: spends two notes, adds two, pays the fee from shielded value.
		/// Unsigned: see the pallet documentation.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::transfer().saturating_add(Pallet::<T>::deferred_weight(1)))]
		pub fn transfer(
			origin: OriginFor<T>,
			payload: Box<ShieldedProof>,
		) -> DispatchResult {
			ensure_none(origin)?;
			let action = Action::new(CallKind::Transfer, &payload, None);
			Self::check_apply_and_defer(core::slice::from_ref(&action))?;
			Ok(())
		}

		/// Moves `payload.public_inputs.value_out` from the pool to `recipient` (the account
		/// the proof is bound to). Unsigned.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::unshield().saturating_add(Pallet::<T>::deferred_weight(1)))]
		pub fn unshield(
			origin: OriginFor<T>,
			payload: Box<ShieldedProof>,
			recipient: T::AccountId,
		) -> DispatchResult {
			ensure_none(origin)?;
			let action = Action::new(CallKind::Unshield, &payload, Some(&recipient));
			Self::check_apply_and_defer(core::slice::from_ref(&action))?;
			Ok(())
		}

		/// Transfers and unshields sent as one transaction. All are applied, in order, or none.
		/// Unsigned.
		#[pallet::call_index(3)]
		#[pallet::weight(
			T::WeightInfo::submit_batch(actions.len() as u32)
				.saturating_add(Pallet::<T>::deferred_weight(actions.len() as u32))
		)]
		pub fn submit_batch(
			origin: OriginFor<T>,
			actions: BoundedVec<ShieldedAction<T::AccountId>, T::MaxBatchSize>,
		) -> DispatchResult {
			ensure_none(origin)?;
			let count = actions.len() as u32;
			let actions: Vec<_> = actions.iter().map(Action::from_batch_item).collect();
			Self::check_apply_and_defer(&actions)?;
			Self::deposit_event(Event::BatchApplied { count });
			Ok(())
		}

		/// A transfer or an unshield sent by a signed relayer, the signer: the paid path of
		/// `docs/zk.md`, "Floods". The signer pays the transaction fee at the price of a full
		/// verification, even when the proof is invalid, and is paid the shielded fee; the
		/// proof is bound to the signer as the fee payee, so no one else can relay it. It is
		/// verified when dispatched, so a bad one fails this call only.
		#[pallet::call_index(5)]
		#[pallet::weight(Pallet::<T>::relay_weight(action))]
		pub fn relay(
			origin: OriginFor<T>,
			action: Box<ShieldedAction<T::AccountId>>,
		) -> DispatchResult {
			let relayer = ensure_signed(origin)?;
			let action = Action { fee_payee: Some(&relayer), ..Action::from_batch_item(&action) };
			let statements = Self::check(core::slice::from_ref(&action))?;
			sable_zk_host::verify(&statements).map_err(Error::<T>::from)?;
			Self::apply(&action, None)
		}

		/// Turns shielded calls on or off.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::set_enabled())]
		pub fn set_enabled(origin: OriginFor<T>, enabled: bool) -> DispatchResult {
			ensure_root(origin)?;
			VerifierEnabled::<T>::put(enabled);
			Self::deposit_event(Event::VerifierSwitched { enabled });
			Ok(())
		}
	}

	#[allow(deprecated)]
	#[pallet::validate_unsigned]
	impl<T: Config> ValidateUnsigned for Pallet<T> {
		type Call = Call<T>;

		fn validate_unsigned(_source: TransactionSource, call: &Self::Call) -> TransactionValidity {
			let actions = Self::unsigned_actions(call)?;
			let statements = Self::check(&actions).map_err(Self::refusal)?;
			let surplus = Self::fee_surplus(call, &actions)?;
			sable_zk_host::admit(&statements).map_err(|error| match error {
				ProofError::OverBudget => UnknownTransaction::Custom(POOL_BUSY).into(),
				error => Self::refusal(Error::<T>::from(error)),
			})?;
			let longevity = actions
				.iter()
				.filter_map(|action| Self::anchor_remaining(&action.inputs().anchor))
				.min()
				.unwrap_or(1)
				.max(1);
			let (len, weight) = Self::fee_basis(call, actions.len() as u32);
			let mut builder = ValidTransaction::with_tag_prefix("SableZk")
				.priority(T::Fees::priority(len, weight, surplus))
				.longevity(longevity)
				.propagate(true);
			for action in &actions {
				for nullifier in &action.inputs().nullifiers {
					builder = builder.and_provides(nullifier.0);
				}
			}
			builder.build()
		}

		fn pre_dispatch(call: &Self::Call) -> Result<(), TransactionValidityError> {
			// The checks of the pool against the state of this block, the proof excepted (it
			// joins the block's batch): a transaction whose note was spent earlier in the
			// block, or that no longer pays the fee, is left out of it.
			let actions = Self::unsigned_actions(call)?;
			Self::check(&actions).map_err(Self::refusal)?;
			Self::fee_surplus(call, &actions)?;
			if Self::block_proof_count_with(actions.len()).is_none() {
				return Err(InvalidTransaction::ExhaustsResources.into());
			}
			Ok(())
		}
	}
}

impl<T: Config> Pallet<T> {
	/// The account holding the pool's funds.
	pub fn pool_account() -> T::AccountId {
		T::PalletId::get().into_account_truncating()
	}

	/// The latest root and the number of leaves under it.
	pub fn tree_state() -> TreeState {
		let count = RootCount::<T>::get();
		let history = T::RootHistorySize::get();
		let latest = count.saturating_sub(1);
		let root = RootRing::<T>::get((latest % u64::from(history.max(1))) as u32)
			.unwrap_or_else(Frontier::empty_root);
		let leaf_count = TreeFrontier::<T>::get().next_index;
		TreeState { root, leaf_count, anchor_history: history }
	}

	/// Leaves from position `from`, at most `limit` of them.
	pub fn leaves(from: u64, limit: u32) -> Vec<NoteRecord> {
		let end = TreeFrontier::<T>::get().next_index.min(from.saturating_add(u64::from(limit)));
		(from..end).filter_map(Leaves::<T>::get).collect()
	}

	/// The fee an unsigned call of `kind` must offer now: what a signed transaction of its
	/// length and weight pays, and at least [`Config::MinimumFee`]. Every such call has the
	/// same length (a proof of the accepted circuit version, fixed-size inputs and
	/// ciphertexts), so a representative call prices them all. `None` for a shield, which is
	/// signed and pays the transaction fee.
	pub fn minimum_fee(kind: CallKind) -> Option<u64> {
		let proof_len = sable_zk_host::circuits::lookup(T::TransferCircuit::get())?.proof_len;
		let payload = Box::new(ShieldedProof {
			proof: alloc::vec![0u8; proof_len as usize].try_into().ok()?,
			public_inputs: TransferPublicInputs {
				anchor: [0; 32],
				nullifiers: [Nullifier([0; 32]); 2],
				commitments: [NoteCommitment([0; 32]); 2],
				value_in: 0,
				value_out: 0,
				fee: 0,
				binding: [0; 32],
			},
			ciphertexts: [[0; CIPHERTEXT_LEN]; 2],
		});
		let call = match kind {
			CallKind::Shield => return None,
			CallKind::Transfer => Call::<T>::transfer { payload },
			CallKind::Unshield => Call::<T>::unshield { payload, recipient: Self::pool_account() },
		};
		let (len, weight) = Self::fee_basis(&call, 1);
		Some(T::Fees::minimum_fee(len, weight).max(T::MinimumFee::get()))
	}

	/// Whether a nullifier was spent.
	pub fn is_spent(nullifier: &Nullifier) -> bool {
		Nullifiers::<T>::contains_key(nullifier)
	}

	/// Whether `root` is an accepted anchor.
	pub fn is_known_anchor(root: &[u8; 32]) -> bool {
		RootHistory::<T>::contains_key(root)
	}

	/// The genesis hash the proofs of this chain are bound to.
	pub fn genesis_hash() -> [u8; 32] {
		binding_bytes(&frame_system::BlockHash::<T>::get(
			frame_system::pallet_prelude::BlockNumberFor::<T>::zero(),
		))
	}

	/// How many more roots may be recorded before `root` stops being an anchor.
	fn anchor_remaining(root: &[u8; 32]) -> Option<u64> {
		let sequence = RootHistory::<T>::get(root)?;
		let age = RootCount::<T>::get().saturating_sub(1).saturating_sub(sequence);
		Some(u64::from(T::RootHistorySize::get()).saturating_sub(age))
	}

	fn record_root(root: [u8; 32], leaf_count: u64) {
		let history = u64::from(T::RootHistorySize::get().max(1));
		let sequence = RootCount::<T>::get();
		let slot = (sequence % history) as u32;
		if let Some(evicted) = RootRing::<T>::take(slot) {
			RootHistory::<T>::remove(evicted);
		}
		RootRing::<T>::insert(slot, root);
		RootHistory::<T>::insert(root, sequence);
		RootCount::<T>::put(sequence.saturating_add(1));
		Self::deposit_event(Event::AnchorAdded { root, leaf_count });
	}

	fn unsigned_actions(
		call: &Call<T>,
	) -> Result<Vec<Action<'_, T::AccountId>>, TransactionValidityError> {
		match call {
			Call::transfer { payload } => {
				Ok(alloc::vec![Action::new(CallKind::Transfer, payload, None)])
			},
			Call::unshield { payload, recipient } => {
				Ok(alloc::vec![Action::new(CallKind::Unshield, payload, Some(recipient))])
			},
			Call::submit_batch { actions } => {
				Ok(actions.iter().map(Action::from_batch_item).collect())
			},
			_ => Err(InvalidTransaction::Call.into()),
		}
	}

	fn refusal(error: Error<T>) -> TransactionValidityError {
		InvalidTransaction::Custom(error.code()).into()
	}

	/// Every check of the pallet documentation's "Order of checks"; returns the statements
	/// whose proofs remain to be verified.
	fn check(actions: &[Action<'_, T::AccountId>]) -> Result<Vec<Statement>, Error<T>> {
		frame_support::ensure!(VerifierEnabled::<T>::get(), Error::<T>::VerifierDisabled);
		frame_support::ensure!(!actions.is_empty(), Error::<T>::EmptyBatch);
		let genesis_hash = Self::genesis_hash();
		let mut seen = BTreeSet::new();
		let mut taken_out: u128 = 0;
		for action in actions {
			let inputs = action.inputs();
			let (value_in, value_out, fee) = (inputs.value_in, inputs.value_out, inputs.fee);
			let allowed = match action.kind {
				CallKind::Shield => value_in > 0 && value_out == 0 && fee == 0,
				CallKind::Transfer => value_in == 0 && value_out == 0,
				CallKind::Unshield => value_in == 0 && value_out > 0,
			};
			frame_support::ensure!(allowed, Error::<T>::ValuesNotAllowed);
			if action.kind != CallKind::Shield {
				frame_support::ensure!(fee >= T::MinimumFee::get(), Error::<T>::FeeTooLow);
			}
			frame_support::ensure!(
				Self::is_known_anchor(&inputs.anchor),
				Error::<T>::UnknownAnchor
			);
			for nullifier in &inputs.nullifiers {
				frame_support::ensure!(
					!Self::is_spent(nullifier),
					Error::<T>::NullifierAlreadySpent
				);
				frame_support::ensure!(seen.insert(nullifier.0), Error::<T>::DuplicateNullifier);
			}
			taken_out =
				taken_out.saturating_add(u128::from(value_out)).saturating_add(u128::from(fee));
			let recipient = action.recipient.map(account_binding_bytes);
			if let Some(recipient) = action.recipient {
				let deposit =
					T::Currency::can_deposit(recipient, value_out.into(), Provenance::Extant);
				frame_support::ensure!(
					deposit == DepositConsequence::Success,
					Error::<T>::RecipientCannotReceive
				);
			}
			let fee_payee = action.fee_payee.map(account_binding_bytes);
			let binding = action
				.payload
				.binding_data(genesis_hash, action.kind, recipient, fee_payee)
				.to_bytes();
			frame_support::ensure!(binding == inputs.binding, Error::<T>::BindingMismatch);
		}
		let pool: u128 = PoolTotal::<T>::get().try_into().unwrap_or(u128::MAX);
		frame_support::ensure!(taken_out <= pool, Error::<T>::PoolInsufficient);
		let leaves = LeafCount::<T>::get().saturating_add(2 * actions.len() as u64);
		frame_support::ensure!(
			leaves <= sable_zk_primitives::tree::TREE_CAPACITY,
			Error::<T>::TreeFull
		);

		actions.iter().map(|action| Self::statement(action.payload)).collect()
	}

	/// How many statements the block holds once `more` join it, if that is within
	/// `MaxBlockProofs`: the one capacity rule of the pool and of dispatch.
	fn block_proof_count_with(more: usize) -> Option<u32> {
		u32::try_from(more)
			.ok()
			.and_then(|more| BlockProofCount::<T>::get().checked_add(more))
			.filter(|count| *count <= T::MaxBlockProofs::get())
	}

	/// An unsigned call's checks and writes, its statements queued for the block's batch.
	fn check_apply_and_defer(actions: &[Action<'_, T::AccountId>]) -> Result<(), DispatchError> {
		let statements = Self::check(actions)?;
		let queued = BlockProofCount::<T>::get();
		let count =
			Self::block_proof_count_with(statements.len()).ok_or(Error::<T>::BlockProofsFull)?;
		for action in actions {
			Self::apply(action, None)?;
		}
		for (position, statement) in (queued..).zip(statements) {
			BlockProofs::<T>::insert(position, statement);
		}
		BlockProofCount::<T>::put(count);
		Ok(())
	}

	/// Verifies every statement of this block's unsigned calls, one host batch call per
	/// [`sable_zk_host::MAX_BATCH_LEN`] of them, and forgets them.
	///
	/// # Panics
	/// When one does not verify: the block is invalid (`docs/zk.md`, "One batch per block").
	/// Every such proof was verified by the author's transaction pool, so an honest author
	/// never builds such a block.
	fn verify_block_proofs() {
		let count = BlockProofCount::<T>::take();
		let statements: Vec<Statement> = (0..count).filter_map(BlockProofs::<T>::take).collect();
		for chunk in statements.chunks(sable_zk_host::MAX_BATCH_LEN as usize) {
			if let Err(error) = sable_zk_host::verify(chunk) {
				log::error!(target: LOG_TARGET, "block proof batch refused: {error:?}");
				#[allow(clippy::panic)]
				{
					panic!("a shielded proof in this block is invalid: {error:?}");
				}
			}
		}
	}

	/// The weight, beyond the call's own work, of what `count` actions leave to the end of
	/// the block: their proofs verified in the block's batch (`count` times the batch's cost
	/// per proof; the batch call's fixed cost is reserved by `on_initialize`) and their
	/// leaves hashed into the tree.
	pub fn deferred_weight(count: u32) -> Weight {
		let (_, per_proof) = Self::batch_costs();
		per_proof
			.saturating_mul(count.into())
			.saturating_add(Self::tree_weight(count.saturating_mul(2)))
	}

	/// The weight of [`Pallet::relay`]: the call's own work, one proof verified alone (as a
	/// host batch call of one, which costs more than a single verification) and its leaves.
	pub fn relay_weight(action: &ShieldedAction<T::AccountId>) -> Weight {
		let own = match action {
			ShieldedAction::Transfer(_) => T::WeightInfo::transfer(),
			ShieldedAction::Unshield { .. } => T::WeightInfo::unshield(),
		};
		own.saturating_add(T::WeightInfo::verify_block_proofs(1))
			.saturating_add(Self::tree_weight(2))
	}

	/// The weight of hashing `leaves` leaves into the tree in `on_finalize` (the root and the
	/// fixed part are reserved by `on_initialize`).
	pub fn tree_weight(leaves: u32) -> Weight {
		let fixed = T::WeightInfo::update_root(0);
		T::WeightInfo::update_root(1).saturating_sub(fixed).saturating_mul(leaves.into())
	}

	/// Hashes this block's leaves into the frontier and records the new root as an anchor.
	fn update_tree() {
		let mut frontier = TreeFrontier::<T>::get();
		let count = LeafCount::<T>::get();
		if count <= frontier.next_index {
			return;
		}
		// Every leaf was checked to be a field element when its call was dispatched.
		let leaves: Option<Vec<Fp>> = (frontier.next_index..count)
			.map(|index| fp_from_bytes(&Leaves::<T>::get(index)?.commitment.0))
			.collect();
		let updated = leaves
			.ok_or(sable_zk_primitives::tree::TreeError::NonCanonicalNode)
			.and_then(|leaves| frontier.append(&leaves))
			.and_then(|_| frontier.root());
		match updated {
			Ok(root) => {
				TreeFrontier::<T>::put(&frontier);
				Self::record_root(root, frontier.next_index);
			},
			Err(error) => log::error!(target: LOG_TARGET, "tree update: {error:?}"),
		}
	}

	/// The fixed cost of one host batch call and the cost of each proof in it.
	fn batch_costs() -> (Weight, Weight) {
		let fixed = T::WeightInfo::verify_block_proofs(0);
		(fixed, T::WeightInfo::verify_block_proofs(1).saturating_sub(fixed))
	}

	/// The length and the weight an unsigned call is priced at: its encoded length, its
	/// declared weight (its own work, its proofs' share of the batch, its leaves) and a
	/// `1 / MAX_BATCH_LEN` share per proof of the batch call's fixed cost.
	fn fee_basis(call: &Call<T>, count: u32) -> (u32, Weight) {
		let (fixed, _) = Self::batch_costs();
		let share = fixed
			.saturating_mul(count.into())
			.checked_div(u64::from(sable_zk_host::MAX_BATCH_LEN))
			.unwrap_or(fixed);
		(call.encoded_size() as u32, call.get_dispatch_info().call_weight.saturating_add(share))
	}

	/// How much the call's shielded fees exceed what a signed transaction of its length and
	/// weight pays; refused when they fall short.
	fn fee_surplus(
		call: &Call<T>,
		actions: &[Action<'_, T::AccountId>],
	) -> Result<u64, TransactionValidityError> {
		let offered =
			actions.iter().fold(0u64, |sum, action| sum.saturating_add(action.inputs().fee));
		let (len, weight) = Self::fee_basis(call, actions.len() as u32);
		let required = T::Fees::minimum_fee(len, weight);
		offered.checked_sub(required).ok_or(Self::refusal(Error::<T>::FeeTooLow))
	}

	/// The host-function statement of a transfer payload, for the accepted circuit version.
	pub fn statement(payload: &ShieldedProof) -> Result<Statement, Error<T>> {
		Statement::new(
			T::TransferCircuit::get(),
			&payload.public_inputs.to_instance_bytes(),
			payload.proof.clone(),
		)
		.map_err(Error::<T>::from)
	}

	/// Applies one checked and verified action.
	fn apply(
		action: &Action<'_, T::AccountId>,
		signer: Option<&T::AccountId>,
	) -> frame_support::dispatch::DispatchResult {
		let inputs = action.inputs();
		let block = frame_system::Pallet::<T>::block_number();
		for nullifier in &inputs.nullifiers {
			Nullifiers::<T>::insert(nullifier, block);
		}
		let notes = Self::append_notes(action.payload)?;
		let pool = Self::pool_account();
		let fee: BalanceOf<T> = inputs.fee.into();
		match (action.kind, signer, action.recipient) {
			(CallKind::Shield, Some(who), _) => {
				let value: BalanceOf<T> = inputs.value_in.into();
				T::Currency::transfer(who, &pool, value, Preservation::Preserve)?;
				PoolTotal::<T>::mutate(|total| *total = total.saturating_add(value));
				Self::deposit_event(Event::Shielded {
					who: who.clone(),
					value,
					nullifiers: inputs.nullifiers,
					notes,
				});
			},
			(CallKind::Transfer, None, None) => {
				Self::pay_fee(&pool, fee, action.fee_payee)?;
				Self::deposit_event(Event::Transferred {
					nullifiers: inputs.nullifiers,
					fee,
					notes,
				});
			},
			(CallKind::Unshield, None, Some(recipient)) => {
				let value: BalanceOf<T> = inputs.value_out.into();
				T::Currency::transfer(&pool, recipient, value, Preservation::Preserve)?;
				PoolTotal::<T>::mutate(|total| *total = total.saturating_sub(value));
				Self::pay_fee(&pool, fee, action.fee_payee)?;
				Self::deposit_event(Event::Unshielded {
					recipient: recipient.clone(),
					value,
					nullifiers: inputs.nullifiers,
					fee,
					notes,
				});
			},
			_ => return Err(Error::<T>::ValuesNotAllowed.into()),
		}
		Ok(())
	}

	/// Pays `fee` out of the pool to the relayer `payee`, or without one to `T::OnFee`.
	fn pay_fee(
		pool: &T::AccountId,
		fee: BalanceOf<T>,
		payee: Option<&T::AccountId>,
	) -> frame_support::dispatch::DispatchResult {
		if fee.is_zero() {
			return Ok(());
		}
		if let Some(payee) = payee {
			T::Currency::transfer(pool, payee, fee, Preservation::Preserve)?;
			PoolTotal::<T>::mutate(|total| *total = total.saturating_sub(fee));
			return Ok(());
		}
		let credit = T::Currency::withdraw(
			pool,
			fee,
			Precision::Exact,
			Preservation::Preserve,
			Fortitude::Polite,
		)?;
		T::OnFee::on_unbalanced(credit);
		PoolTotal::<T>::mutate(|total| *total = total.saturating_sub(fee));
		Ok(())
	}

	/// Stores the payload's two leaves (hashed into the tree in `on_finalize`).
	fn append_notes(payload: &ShieldedProof) -> Result<NewNotes, Error<T>> {
		let commitments = payload.public_inputs.commitments;
		for commitment in &commitments {
			fp_from_bytes(&commitment.0).ok_or(Error::<T>::MalformedPublicInputs)?;
		}
		let first_index = LeafCount::<T>::get();
		let next = first_index.saturating_add(2);
		frame_support::ensure!(
			next <= sable_zk_primitives::tree::TREE_CAPACITY,
			Error::<T>::TreeFull
		);
		let revealed = payload.public_inputs.nullifiers;
		for (offset, ((commitment, ciphertext), nullifier)) in
			commitments.iter().zip(payload.ciphertexts.iter()).zip(revealed.iter()).enumerate()
		{
			Leaves::<T>::insert(
				first_index + offset as u64,
				NoteRecord {
					commitment: *commitment,
					ciphertext: *ciphertext,
					nullifier: *nullifier,
				},
			);
		}
		LeafCount::<T>::put(next);
		Ok(NewNotes { first_index, commitments, ciphertexts: payload.ciphertexts })
	}
}

impl<T: Config> From<ProofError> for Error<T> {
	fn from(error: ProofError) -> Self {
		match error {
			ProofError::InvalidProof => Error::InvalidProof,
			ProofError::InvalidProofInBatch { index } => {
				Error::InvalidProofInBatch { index: u16::try_from(index).unwrap_or(u16::MAX) }
			},
			ProofError::WrongProofLength => Error::WrongProofLength,
			ProofError::MalformedPublicInputs | ProofError::MalformedStatement => {
				Error::MalformedPublicInputs
			},
			ProofError::UnknownCircuit => Error::UnknownCircuit,
			// Unreachable: `integrity_test` keeps `MaxBatchSize` within the host's bound, and
			// only the pool's admission (handled by `validate_unsigned`) answers `OverBudget`.
			ProofError::BatchTooLarge | ProofError::OverBudget => Error::InvalidProof,
		}
	}
}
