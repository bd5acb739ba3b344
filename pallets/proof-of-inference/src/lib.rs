//! # Proof-of-inference pallet
//!
//! A market for AI jobs between parties that do not trust each other (`docs/poi.md`). A
//! client's payment is held in escrow and released to the provider only when the provider's
//! Halo2 proof verifies on chain, natively, through the `zk_verifier` host functions.
//!
//! - **Providers** register with a bond held under [`HoldReason::ProviderBond`]. Each accepted
//!   job locks collateral that grows with its payment ([`Pallet::collateral`]); the rest of
//!   the bond can be unbonded at any time, after [`Config::UnbondingDelay`], as long as what
//!   stays is zero or at least [`Config::MinimumBond`].
//! - **Models** are registered by providers with a deposit: the circuit version that proves
//!   their jobs, a commitment to the weights, a price, a metadata hash and the key clients
//!   encrypt requests to. A retired model takes no new jobs and no results, and is removed
//!   with its deposit returned once its last job has ended.
//! - **Jobs** name a model, the client's input commitment, its encrypted request and, for
//!   inference, a commitment to a one-time delivery key. Payment and a storage deposit are
//!   held at once. Only the model's provider may accept.
//! - **Results** of inference jobs carry the output encrypted under the delivery key, and the
//!   proof shows it is the model's output on the committed input: a valid one settles at once
//!   (payment minus [`Config::ProtocolFee`] to the provider). A commitment proof only binds
//!   hashes, so it opens a challenge window in which the client may accept or dispute, with a
//!   deposit and a reason. [`Config::DisputeOrigin`] decides a dispute within
//!   [`Config::DisputePeriod`]; after that the result stands. Only the job's collateral is
//!   ever at stake.
//! - A deadline without a valid proof refunds the client and slashes the accepted provider's
//!   collateral to it. Ended jobs are pruned after [`Config::RetentionPeriod`] and their
//!   deposit returned; their history stays in events.
//!
//! `on_idle` does the time-driven work (expiries, settlements, default dispute outcomes,
//! pruning) within the block's spare weight; every such step can also be triggered by anyone
//! through a call.
//!
//! Escrow invariant (checked by a randomized test): what the pallet holds equals the payments
//! of open jobs, every provider's bond, the deposits of stored models and jobs, and the
//! deposits of running disputes.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;
pub use types::*;
pub use weights::WeightInfo;

#[cfg(any(test, feature = "runtime-benchmarks"))]
pub mod benchmark_fixture;
#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(any(feature = "try-runtime", feature = "std"))]
mod invariants;
#[cfg(test)]
mod mock;
mod queues;
mod settlement;
#[cfg(test)]
mod tests;
mod types;
pub mod weights;

use frame_support::{
	pallet_prelude::*,
	traits::{
		fungible::{Inspect, InspectHold, Mutate, MutateHold},
		tokens::Precision,
		Contains,
	},
};
use frame_system::pallet_prelude::*;
use sable_inference_primitives::{statement::JobStatement, JobKind};
use sable_zk_host::{CircuitId, ProofError, Statement};
use sp_runtime::{
	traits::{Saturating, Zero},
	Perbill, Permill,
};

/// Log target of this pallet.
pub const LOG_TARGET: &str = "runtime::proof-of-inference";

/// The currency's balance type.
pub type BalanceOf<T> =
	<<T as Config>::Currency as Inspect<<T as frame_system::Config>::AccountId>>::Balance;
/// A model as stored.
pub type ModelOf<T> = Model<<T as frame_system::Config>::AccountId, BalanceOf<T>>;
/// A job as stored.
pub type JobOf<T> = Job<<T as frame_system::Config>::AccountId, BalanceOf<T>, BlockNumberFor<T>>;
/// A job's status as stored.
pub type JobStatusOf<T> = JobStatus<BalanceOf<T>, BlockNumberFor<T>>;
/// A provider as stored.
pub type ProviderOf<T> = Provider<BalanceOf<T>, BlockNumberFor<T>>;
/// The proof bytes a provider submits (at most the longest registered proof).
pub type ProofOf = sable_zk_primitives::public_inputs::ProofBytes;
/// Most field elements a result carries: every instance row after job, provider, model and
/// input.
pub type MaxOutputElements = ConstU32<{ sable_zk_host::circuits::MAX_PUBLIC_INPUTS - 4 }>;
/// A result as submitted and stored: the output commitment of a commitment job, or the
/// output ciphertext of a job with delivery.
pub type OutputOf = BoundedVec<Commitment, MaxOutputElements>;
/// A client's encrypted request.
pub type RequestOf<T> = BoundedVec<u8, <T as Config>::MaxRequestLen>;
/// A dispute's reason.
pub type ReasonOf<T> = BoundedVec<u8, <T as Config>::MaxReasonLen>;

#[frame_support::pallet]
pub mod pallet {
	use super::*;

	/// The version of this pallet's storage layout: 0 is the layout the chain launched with,
	/// and each migration bumps it (`docs/OPERATOR.md`, "Runtime upgrades").
	pub const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	/// Why this pallet holds funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// A client's payment for a job, held until the job ends.
		JobPayment,
		/// A provider's bond.
		ProviderBond,
		/// A job's storage deposit, held from its client until the job is pruned.
		JobDeposit,
		/// A model's storage deposit, held from its provider until the model is removed.
		ModelDeposit,
		/// A client's dispute deposit, held until the dispute ends.
		DisputeDeposit,
	}

	#[pallet::config]
	pub trait Config: frame_system::Config {
		/// The overarching event type.
		#[allow(deprecated)]
		type RuntimeEvent: From<Event<Self>> + IsType<<Self as frame_system::Config>::RuntimeEvent>;

		/// The overarching hold reason.
		type RuntimeHoldReason: From<HoldReason>;

		/// Holds payments, bonds and deposits.
		type Currency: Inspect<Self::AccountId>
			+ Mutate<Self::AccountId>
			+ InspectHold<Self::AccountId, Reason = Self::RuntimeHoldReason>
			+ MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>;

		/// Resolves disputes (root on the dev chain).
		type DisputeOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// Receives the protocol fee. It holds its existential deposit from genesis.
		type FeeCollector: Get<Self::AccountId>;

		/// The circuit versions models may be registered with (each an entry of
		/// `sable_circuits::REGISTRY` of a job kind; `docs/zk.md`, "Adding a circuit version").
		type AcceptedCircuits: Contains<CircuitId>;

		/// Part of each payment kept as protocol fee.
		#[pallet::constant]
		type ProtocolFee: Get<Permill>;

		/// Smallest bond a provider may register with or keep.
		#[pallet::constant]
		type MinimumBond: Get<BalanceOf<Self>>;

		/// Smallest collateral an accepted job locks.
		#[pallet::constant]
		type MinimumCollateral: Get<BalanceOf<Self>>;

		/// Collateral an accepted job locks, as a part of its payment (above the minimum).
		#[pallet::constant]
		type CollateralRatio: Get<Perbill>;

		/// Smallest payment of a job.
		#[pallet::constant]
		type MinimumPayment: Get<BalanceOf<Self>>;

		/// Deposit held for each stored model.
		#[pallet::constant]
		type ModelDeposit: Get<BalanceOf<Self>>;

		/// Deposit held for each stored job.
		#[pallet::constant]
		type JobDepositBase: Get<BalanceOf<Self>>;

		/// Deposit held for each byte of a job's request.
		#[pallet::constant]
		type JobDepositPerByte: Get<BalanceOf<Self>>;

		/// Smallest dispute deposit.
		#[pallet::constant]
		type MinimumDisputeDeposit: Get<BalanceOf<Self>>;

		/// Dispute deposit as a part of the job's payment (above the minimum).
		#[pallet::constant]
		type DisputeDepositRatio: Get<Perbill>;

		/// How long a client may dispute a commitment result.
		#[pallet::constant]
		type ChallengePeriod: Get<BlockNumberFor<Self>>;

		/// How long the dispute origin has to decide a dispute.
		#[pallet::constant]
		type DisputePeriod: Get<BlockNumberFor<Self>>;

		/// How long an ended job stays stored before it is pruned.
		#[pallet::constant]
		type RetentionPeriod: Get<BlockNumberFor<Self>>;

		/// How long an unbonded amount stays held.
		#[pallet::constant]
		type UnbondingDelay: Get<BlockNumberFor<Self>>;

		/// Furthest a deadline may be from the job's creation.
		#[pallet::constant]
		type MaxJobDuration: Get<BlockNumberFor<Self>>;

		/// Most open jobs a provider may hold at once.
		#[pallet::constant]
		type MaxOpenJobsPerProvider: Get<u32>;

		/// Most jobs whose deadline may fall on one block.
		#[pallet::constant]
		type MaxJobsDuePerBlock: Get<u32>;

		/// Most queue entries (and empty blocks) `on_idle` looks at in one block.
		#[pallet::constant]
		type MaxDueProcessedPerBlock: Get<u32>;

		/// Longest encrypted request a job may carry.
		#[pallet::constant]
		type MaxRequestLen: Get<u32>;

		/// Longest dispute reason.
		#[pallet::constant]
		type MaxReasonLen: Get<u32>;

		/// Weights of this pallet's calls.
		type WeightInfo: WeightInfo;
	}

	/// The id the next model gets.
	#[pallet::storage]
	pub type NextModelId<T: Config> = StorageValue<_, ModelId, ValueQuery>;

	/// Registered models, until retired and no longer used.
	#[pallet::storage]
	pub type Models<T: Config> = StorageMap<_, Twox64Concat, ModelId, ModelOf<T>, OptionQuery>;

	/// The id the next job gets.
	#[pallet::storage]
	pub type NextJobId<T: Config> = StorageValue<_, JobId, ValueQuery>;

	/// Every job until it is pruned.
	#[pallet::storage]
	pub type Jobs<T: Config> = StorageMap<_, Twox64Concat, JobId, JobOf<T>, OptionQuery>;

	/// Each open job's request, encrypted to its model's key, until the job ends.
	#[pallet::storage]
	pub type Requests<T: Config> =
		StorageMap<_, Twox64Concat, JobId, RequestOf<T>, OptionQuery>;

	/// Each job's result (output commitment or output ciphertext) until the job is pruned.
	#[pallet::storage]
	pub type Results<T: Config> = StorageMap<_, Twox64Concat, JobId, OutputOf, OptionQuery>;

	/// How many jobs have not ended. Nodes export it as the `sable_poi_open_jobs` metric.
	#[pallet::storage]
	pub type OpenJobs<T: Config> = StorageValue<_, u32, ValueQuery>;

	/// Registered providers.
	#[pallet::storage]
	pub type Providers<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, ProviderOf<T>, OptionQuery>;

	/// The accepted, not yet ended jobs of each provider.
	#[pallet::storage]
	pub type ProviderJobs<T: Config> = StorageMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		BoundedVec<JobId, T::MaxOpenJobsPerProvider>,
		ValueQuery,
	>;

	/// Open and accepted jobs by the block at which their deadline has passed
	/// (`deadline + 1`). A job leaves its block when it is cancelled or its result arrives.
	#[pallet::storage]
	pub type Due<T: Config> = StorageMap<
		_,
		Twox64Concat,
		BlockNumberFor<T>,
		BoundedVec<JobId, T::MaxJobsDuePerBlock>,
		ValueQuery,
	>;

	/// The first block of [`Due`] not yet fully processed.
	#[pallet::storage]
	pub type DueCursor<T: Config> = StorageValue<_, BlockNumberFor<T>, ValueQuery>;

	/// The entries of each [`Timeline`] by position: the block the job falls due and its id.
	#[pallet::storage]
	pub type TimelineEntries<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		Timeline,
		Twox64Concat,
		u64,
		(BlockNumberFor<T>, JobId),
		OptionQuery,
	>;

	/// Each [`Timeline`]'s first unprocessed position and next free position.
	#[pallet::storage]
	pub type TimelineBounds<T: Config> =
		StorageMap<_, Twox64Concat, Timeline, (u64, u64), ValueQuery>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// Providers and their bonds (each held from the account's balance).
		pub providers: alloc::vec::Vec<(T::AccountId, BalanceOf<T>)>,
		/// Models: provider, circuit (id and version), commitment, price, metadata hash,
		/// encryption key.
		#[allow(clippy::type_complexity)]
		pub models: alloc::vec::Vec<(
			T::AccountId,
			(u16, u16),
			Commitment,
			BalanceOf<T>,
			[u8; 32],
			[u8; 32],
		)>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			// The fee collector exists from genesis, so fees of any size can be paid to it.
			let collector = T::FeeCollector::get();
			let minimum = T::Currency::minimum_balance();
			if T::Currency::balance(&collector) < minimum {
				let _ = T::Currency::mint_into(&collector, minimum);
			}
			for (who, bond) in &self.providers {
				let registered = Pallet::<T>::do_register_provider(who, *bond);
				assert!(registered.is_ok(), "genesis provider registers: {registered:?}");
			}
			for (provider, circuit, commitment, price, metadata, key) in &self.models {
				let registered = Pallet::<T>::do_register_model(
					provider,
					CircuitId::new(circuit.0, circuit.1),
					*commitment,
					*price,
					*metadata,
					*key,
				);
				assert!(registered.is_ok(), "genesis model registers: {registered:?}");
			}
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A provider registered with `bond`.
		ProviderRegistered { provider: T::AccountId, bond: BalanceOf<T> },
		/// A provider added to its bond.
		BondIncreased { provider: T::AccountId, amount: BalanceOf<T> },
		/// A provider started unbonding `amount`, withdrawable from block `at`.
		Unbonding { provider: T::AccountId, amount: BalanceOf<T>, at: BlockNumberFor<T> },
		/// An unbonded amount was released to the provider.
		Withdrawn { provider: T::AccountId, amount: BalanceOf<T> },
		/// A provider registered a model.
		ModelRegistered {
			model_id: ModelId,
			provider: T::AccountId,
			circuit: CircuitId,
			commitment: Commitment,
			price: BalanceOf<T>,
			metadata: [u8; 32],
		},
		/// A model was retired: it takes no new jobs and no results.
		ModelRetired { model_id: ModelId },
		/// A retired model's last job ended: it was removed and its deposit returned.
		ModelRemoved { model_id: ModelId },
		/// A job was created and its payment and deposit held.
		JobCreated {
			job_id: JobId,
			client: T::AccountId,
			model_id: ModelId,
			payment: BalanceOf<T>,
			deadline: BlockNumberFor<T>,
		},
		/// The client cancelled an open job and got its payment back.
		JobCancelled { job_id: JobId },
		/// The provider accepted a job and locked `collateral`.
		JobAccepted { job_id: JobId, provider: T::AccountId, collateral: BalanceOf<T> },
		/// A valid proof of a commitment job: the challenge window runs until `ends`.
		ResultSubmitted { job_id: JobId, output: OutputOf, challenge_ends: BlockNumberFor<T> },
		/// The provider was paid: `paid` to it, `fee` to the fee collector. `output` is the
		/// output commitment, or the output encrypted to the client's delivery key.
		JobCompleted {
			job_id: JobId,
			provider: T::AccountId,
			output: OutputOf,
			paid: BalanceOf<T>,
			fee: BalanceOf<T>,
		},
		/// The client disputed a commitment result, holding `deposit`; the dispute origin may
		/// decide until `ends`.
		JobDisputed {
			job_id: JobId,
			deposit: BalanceOf<T>,
			reason: ReasonOf<T>,
			ends: BlockNumberFor<T>,
		},
		/// The dispute origin decided: `for_provider` pays the provider (and gives it the
		/// dispute deposit), otherwise the client is refunded and the provider slashed.
		DisputeResolved { job_id: JobId, for_provider: bool },
		/// Nobody decided the dispute in time: the result stands and the client's deposit was
		/// returned.
		DisputeLapsed { job_id: JobId },
		/// The deadline passed without a valid proof: the client was refunded.
		JobExpired { job_id: JobId },
		/// `amount` of the provider's bond went to the client.
		ProviderSlashed { job_id: JobId, provider: T::AccountId, amount: BalanceOf<T> },
		/// An ended job was removed from storage and `deposit` returned to its client.
		JobPruned { job_id: JobId, deposit: BalanceOf<T> },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// No job has this id.
		UnknownJob,
		/// Only the job's client may do this.
		NotClient,
		/// Only the job's provider may do this.
		NotJobProvider,
		/// The job is not open (it was accepted, or it ended).
		NotOpen,
		/// The job is not waiting for a result.
		NotAccepted,
		/// The job has no result in its challenge window.
		NotChallenged,
		/// The job is not disputed.
		NotDisputed,
		/// The deadline has passed.
		DeadlinePassed,
		/// The deadline has not passed yet.
		DeadlineNotPassed,
		/// The challenge window is over.
		ChallengeOver,
		/// The challenge or dispute window is still running.
		WindowNotOver,
		/// The dispute can no longer be decided: its window is over.
		DisputeOver,
		/// The deadline is not in the future.
		DeadlineInPast,
		/// The deadline is further away than `MaxJobDuration`.
		DeadlineTooFar,
		/// Too many jobs already have their deadline at that block: choose another deadline.
		TooManyJobsDue,
		/// The payment is below the model's price or the minimum.
		PaymentTooLow,
		/// The account cannot pay (or bond, or deposit) this much.
		InsufficientBalance,
		/// A commitment is not a canonical field element.
		NonCanonicalCommitment,
		/// The account is already a provider.
		AlreadyProvider,
		/// The account is not a provider.
		NotProvider,
		/// The bond is below the minimum.
		BondTooLow,
		/// Not enough unlocked bond for this.
		InsufficientBond,
		/// A client cannot order a job from its own model.
		OwnJob,
		/// The provider has too many open jobs.
		TooManyOpenJobs,
		/// An unbonding is already in progress.
		AlreadyUnbonding,
		/// Nothing is unbonding.
		NotUnbonding,
		/// The unbonding delay has not passed.
		UnbondingNotReady,
		/// No model has this id.
		UnknownModel,
		/// Only the model's provider may do this.
		NotModelProvider,
		/// The model is retired.
		ModelRetired,
		/// This runtime does not accept models of this circuit version.
		CircuitNotAccepted,
		/// A delivery-key commitment is required for this model's jobs, or given for a model
		/// whose jobs have none.
		DeliveryMismatch,
		/// The result has the wrong number of elements for the model's circuit.
		WrongOutputLength,
		/// A dispute needs a reason.
		EmptyReason,
		/// The job has not ended, or its retention period has not passed.
		NotPrunable,
		/// The proof does not verify for this job, provider and output.
		InvalidProof,
		/// The node does not know the model's circuit.
		UnknownCircuit,
		/// The statement could not be encoded for the verifier.
		MalformedStatement,
		/// Accounts of this runtime are not 32 bytes.
		UnsupportedAccount,
		/// The proof is not exactly as long as proofs of the model's circuit version.
		WrongProofLength,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn on_idle(now: BlockNumberFor<T>, remaining: Weight) -> Weight {
			Self::process_due(now, remaining)
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}

		fn integrity_test() {
			assert!(T::MaxDueProcessedPerBlock::get() > 0, "on_idle must make progress");
			assert!(!T::ChallengePeriod::get().is_zero(), "a challenge window has a length");
			assert!(!T::DisputePeriod::get().is_zero(), "a dispute window has a length");
			assert!(
				!T::MinimumCollateral::get().is_zero(),
				"every accepted job puts collateral at stake"
			);
			assert!(
				!T::MinimumDisputeDeposit::get().is_zero(),
				"every dispute costs its client a deposit"
			);
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Registers the caller as a provider, holding `bond`.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::register_provider())]
		pub fn register_provider(origin: OriginFor<T>, bond: BalanceOf<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_register_provider(&who, bond)
		}

		/// Adds `amount` to the caller's bond.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::bond_extra())]
		pub fn bond_extra(origin: OriginFor<T>, amount: BalanceOf<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let mut provider = Providers::<T>::get(&who).ok_or(Error::<T>::NotProvider)?;
			T::Currency::hold(&HoldReason::ProviderBond.into(), &who, amount)
				.map_err(|_| Error::<T>::InsufficientBalance)?;
			provider.bond.saturating_accrue(amount);
			Providers::<T>::insert(&who, provider);
			Self::deposit_event(Event::BondIncreased { provider: who, amount });
			Ok(())
		}

		/// Starts unbonding `amount` of the bond no job locks; it stays held for
		/// `UnbondingDelay` blocks. What remains must be zero or at least the minimum bond.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::unbond())]
		pub fn unbond(origin: OriginFor<T>, amount: BalanceOf<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let mut provider = Providers::<T>::get(&who).ok_or(Error::<T>::NotProvider)?;
			ensure!(provider.unbonding.is_none(), Error::<T>::AlreadyUnbonding);
			ensure!(
				!amount.is_zero() && amount <= Self::free_bond(&provider),
				Error::<T>::InsufficientBond
			);
			let remaining = provider.bond.saturating_sub(amount);
			ensure!(
				remaining.is_zero() || remaining >= T::MinimumBond::get(),
				Error::<T>::BondTooLow
			);
			let at =
				frame_system::Pallet::<T>::block_number().saturating_add(T::UnbondingDelay::get());
			provider.unbonding = Some((amount, at));
			Providers::<T>::insert(&who, provider);
			Self::deposit_event(Event::Unbonding { provider: who, amount, at });
			Ok(())
		}

		/// Releases an unbonded amount once its delay has passed.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::withdraw_unbonded())]
		pub fn withdraw_unbonded(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let mut provider = Providers::<T>::get(&who).ok_or(Error::<T>::NotProvider)?;
			let (amount, at) = provider.unbonding.ok_or(Error::<T>::NotUnbonding)?;
			ensure!(frame_system::Pallet::<T>::block_number() >= at, Error::<T>::UnbondingNotReady);
			// A slash since the unbonding started may have left less than `amount` held.
			let released = T::Currency::release(
				&HoldReason::ProviderBond.into(),
				&who,
				amount.min(provider.bond.saturating_sub(provider.locked)),
				Precision::BestEffort,
			)?;
			provider.bond.saturating_reduce(released);
			provider.unbonding = None;
			Providers::<T>::insert(&who, provider);
			Self::deposit_event(Event::Withdrawn { provider: who, amount: released });
			Ok(())
		}

		/// Registers a model the caller (a provider) serves, holding `ModelDeposit`.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::register_model())]
		pub fn register_model(
			origin: OriginFor<T>,
			circuit: CircuitId,
			commitment: Commitment,
			price: BalanceOf<T>,
			metadata: [u8; 32],
			encryption_key: [u8; 32],
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_register_model(&who, circuit, commitment, price, metadata, encryption_key)
		}

		/// Retires one of the caller's models: no new jobs, no results. It is removed, and its
		/// deposit returned, when its last job ends (at once if none is open).
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::retire_model())]
		pub fn retire_model(origin: OriginFor<T>, model_id: ModelId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let mut model = Models::<T>::get(model_id).ok_or(Error::<T>::UnknownModel)?;
			ensure!(model.provider == who, Error::<T>::NotModelProvider);
			ensure!(!model.retired, Error::<T>::ModelRetired);
			model.retired = true;
			Self::deposit_event(Event::ModelRetired { model_id });
			Self::store_model(model_id, model)
		}

		/// Creates a job for `model_id` and holds `payment` and the job's deposit from the
		/// caller. `input` commits to the client's input, `delivery` to its one-time delivery
		/// key (required exactly for models whose output is delivered in the proof), and
		/// `request` carries both encrypted to the model's key. A result is due by block
		/// `deadline`.
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::create_job(request.len() as u32))]
		pub fn create_job(
			origin: OriginFor<T>,
			model_id: ModelId,
			input: Commitment,
			delivery: Option<Commitment>,
			request: RequestOf<T>,
			payment: BalanceOf<T>,
			deadline: BlockNumberFor<T>,
		) -> DispatchResult {
			let client = ensure_signed(origin)?;
			let mut model = Models::<T>::get(model_id).ok_or(Error::<T>::UnknownModel)?;
			ensure!(!model.retired, Error::<T>::ModelRetired);
			ensure!(model.provider != client, Error::<T>::OwnJob);
			ensure!(
				payment >= model.price && payment >= T::MinimumPayment::get(),
				Error::<T>::PaymentTooLow
			);
			let now = frame_system::Pallet::<T>::block_number();
			ensure!(deadline > now, Error::<T>::DeadlineInPast);
			ensure!(
				deadline <= now.saturating_add(T::MaxJobDuration::get()),
				Error::<T>::DeadlineTooFar
			);
			ensure!(
				Self::kind(&model)?.delivers() == delivery.is_some(),
				Error::<T>::DeliveryMismatch
			);
			for commitment in core::iter::once(&input).chain(delivery.iter()) {
				ensure!(
					sable_zk_primitives::encoding::fp_from_bytes(commitment).is_some(),
					Error::<T>::NonCanonicalCommitment
				);
			}

			let job_id = NextJobId::<T>::get();
			Due::<T>::try_mutate(Self::expiry_block(deadline), |due| due.try_push(job_id))
				.map_err(|_| Error::<T>::TooManyJobsDue)?;
			let deposit = Self::job_deposit(request.len());
			T::Currency::hold(&HoldReason::JobPayment.into(), &client, payment)
				.map_err(|_| Error::<T>::InsufficientBalance)?;
			T::Currency::hold(&HoldReason::JobDeposit.into(), &client, deposit)
				.map_err(|_| Error::<T>::InsufficientBalance)?;
			NextJobId::<T>::put(job_id.saturating_add(1));
			OpenJobs::<T>::mutate(|open| open.saturating_inc());
			model.open_jobs.saturating_inc();
			let provider = model.provider.clone();
			Models::<T>::insert(model_id, model);
			Requests::<T>::insert(job_id, request);
			Jobs::<T>::insert(
				job_id,
				Job {
					client: client.clone(),
					model: model_id,
					provider,
					input,
					delivery,
					payment,
					collateral: Zero::zero(),
					deposit,
					deadline,
					status: JobStatus::Open,
				},
			);
			Self::deposit_event(Event::JobCreated { job_id, client, model_id, payment, deadline });
			Ok(())
		}

		/// Cancels a job its provider has not accepted and releases its payment.
		#[pallet::call_index(7)]
		#[pallet::weight(T::WeightInfo::cancel_job())]
		pub fn cancel_job(origin: OriginFor<T>, job_id: JobId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let mut job = Jobs::<T>::get(job_id).ok_or(Error::<T>::UnknownJob)?;
			ensure!(job.client == who, Error::<T>::NotClient);
			ensure!(job.status == JobStatus::Open, Error::<T>::NotOpen);
			Self::release_payment(&job)?;
			Self::leave_due(job_id, job.deadline);
			job.status = JobStatus::Cancelled { at: Self::now() };
			Self::end_job(job_id, job)?;
			Self::deposit_event(Event::JobCancelled { job_id });
			Ok(())
		}

		/// The model's provider takes an open job, locking [`Pallet::collateral`] of its
		/// bond. Providers decrypt the request and check it against the job's commitments
		/// before accepting (`docs/poi.md`, "Requests").
		#[pallet::call_index(8)]
		#[pallet::weight(T::WeightInfo::accept_job())]
		pub fn accept_job(origin: OriginFor<T>, job_id: JobId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let mut job = Jobs::<T>::get(job_id).ok_or(Error::<T>::UnknownJob)?;
			ensure!(job.provider == who, Error::<T>::NotJobProvider);
			ensure!(job.status == JobStatus::Open, Error::<T>::NotOpen);
			ensure!(Self::now() <= job.deadline, Error::<T>::DeadlinePassed);
			let model = Models::<T>::get(job.model).ok_or(Error::<T>::UnknownModel)?;
			ensure!(!model.retired, Error::<T>::ModelRetired);
			let mut provider = Providers::<T>::get(&who).ok_or(Error::<T>::NotProvider)?;
			ensure!(provider.bond >= T::MinimumBond::get(), Error::<T>::BondTooLow);
			let collateral = Self::collateral(job.payment);
			ensure!(Self::free_bond(&provider) >= collateral, Error::<T>::InsufficientBond);
			ProviderJobs::<T>::try_mutate(&who, |jobs| jobs.try_push(job_id))
				.map_err(|_| Error::<T>::TooManyOpenJobs)?;
			provider.locked.saturating_accrue(collateral);
			provider.open_jobs.saturating_inc();
			Providers::<T>::insert(&who, provider);
			job.collateral = collateral;
			job.status = JobStatus::Accepted;
			Jobs::<T>::insert(job_id, job);
			Self::deposit_event(Event::JobAccepted { job_id, provider: who, collateral });
			Ok(())
		}

		/// Submits the result of an accepted job and a proof of the model's circuit for it,
		/// verified natively: the output commitment of a commitment job, or the output
		/// ciphertext of a job with delivery. An invalid proof changes nothing.
		#[pallet::call_index(9)]
		#[pallet::weight(T::WeightInfo::submit_result_max())]
		pub fn submit_result(
			origin: OriginFor<T>,
			job_id: JobId,
			output: OutputOf,
			proof: ProofOf,
		) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			let mut job = Jobs::<T>::get(job_id).ok_or(Error::<T>::UnknownJob)?;
			ensure!(job.status == JobStatus::Accepted, Error::<T>::NotAccepted);
			ensure!(job.provider == who, Error::<T>::NotJobProvider);
			ensure!(Self::now() <= job.deadline, Error::<T>::DeadlinePassed);
			let model = Models::<T>::get(job.model).ok_or(Error::<T>::UnknownModel)?;
			ensure!(!model.retired, Error::<T>::ModelRetired);
			let kind = Self::kind(&model)?;
			Self::verify(job_id, &job, &model, &output, proof)?;

			Self::leave_due(job_id, job.deadline);
			if kind.delivers() {
				Self::settle(job_id, job, output)?;
			} else {
				let ends = Self::now().saturating_add(T::ChallengePeriod::get());
				Self::schedule(Timeline::Challenges, ends, job_id);
				job.status = JobStatus::Challenged { ends };
				Jobs::<T>::insert(job_id, job);
				Results::<T>::insert(job_id, output.clone());
				Self::deposit_event(Event::ResultSubmitted {
					job_id,
					output,
					challenge_ends: ends,
				});
			}
			Ok(Some(T::WeightInfo::submit_result(model.circuit)).into())
		}

		/// The client accepts a commitment result before its challenge window ends.
		#[pallet::call_index(10)]
		#[pallet::weight(T::WeightInfo::accept_result())]
		pub fn accept_result(origin: OriginFor<T>, job_id: JobId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let job = Jobs::<T>::get(job_id).ok_or(Error::<T>::UnknownJob)?;
			ensure!(job.client == who, Error::<T>::NotClient);
			ensure!(
				matches!(job.status, JobStatus::Challenged { .. }),
				Error::<T>::NotChallenged
			);
			Self::settle_stored(job_id, job)
		}

		/// The client disputes a commitment result inside its challenge window, giving a
		/// reason and holding [`Pallet::dispute_deposit`]. The dispute origin may decide it
		/// within `DisputePeriod`; after that the result stands.
		#[pallet::call_index(11)]
		#[pallet::weight(T::WeightInfo::dispute(reason.len() as u32))]
		pub fn dispute(origin: OriginFor<T>, job_id: JobId, reason: ReasonOf<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let mut job = Jobs::<T>::get(job_id).ok_or(Error::<T>::UnknownJob)?;
			ensure!(job.client == who, Error::<T>::NotClient);
			let JobStatus::Challenged { ends } = job.status else {
				return Err(Error::<T>::NotChallenged.into());
			};
			let now = Self::now();
			ensure!(now < ends, Error::<T>::ChallengeOver);
			ensure!(!reason.is_empty(), Error::<T>::EmptyReason);
			let deposit = Self::dispute_deposit(job.payment);
			T::Currency::hold(&HoldReason::DisputeDeposit.into(), &who, deposit)
				.map_err(|_| Error::<T>::InsufficientBalance)?;
			Providers::<T>::mutate(&job.provider, |p| {
				if let Some(p) = p {
					p.disputed.saturating_inc();
				}
			});
			let ends = now.saturating_add(T::DisputePeriod::get());
			Self::schedule(Timeline::Disputes, ends, job_id);
			job.status = JobStatus::Disputed { ends, deposit };
			Jobs::<T>::insert(job_id, job);
			Self::deposit_event(Event::JobDisputed { job_id, deposit, reason, ends });
			Ok(())
		}

		/// Decides a dispute before its window ends: pay the provider and give it the dispute
		/// deposit, or refund the client (and its deposit) and slash the job's collateral to
		/// it.
		#[pallet::call_index(12)]
		#[pallet::weight(T::WeightInfo::resolve_dispute())]
		pub fn resolve_dispute(
			origin: OriginFor<T>,
			job_id: JobId,
			for_provider: bool,
		) -> DispatchResult {
			T::DisputeOrigin::ensure_origin(origin)?;
			let job = Jobs::<T>::get(job_id).ok_or(Error::<T>::UnknownJob)?;
			let JobStatus::Disputed { ends, deposit } = job.status else {
				return Err(Error::<T>::NotDisputed.into());
			};
			ensure!(Self::now() < ends, Error::<T>::DisputeOver);
			Self::deposit_event(Event::DisputeResolved { job_id, for_provider });
			if for_provider {
				Self::forfeit_dispute_deposit(&job, deposit)?;
				Self::settle_stored(job_id, job)
			} else {
				Self::release_dispute_deposit(&job, deposit)?;
				Self::refund(job_id, job)
			}
		}

		/// Ends a window that is over (anyone may call; `on_idle` does the same when blocks
		/// have room): a commitment result past its challenge window settles, and a dispute
		/// nobody decided in time lapses, so the result stands and the client's deposit
		/// returns.
		#[pallet::call_index(13)]
		#[pallet::weight(T::WeightInfo::finalize())]
		pub fn finalize(origin: OriginFor<T>, job_id: JobId) -> DispatchResult {
			ensure_signed(origin)?;
			let job = Jobs::<T>::get(job_id).ok_or(Error::<T>::UnknownJob)?;
			match job.status {
				JobStatus::Challenged { ends } | JobStatus::Disputed { ends, .. } => {
					ensure!(Self::now() >= ends, Error::<T>::WindowNotOver);
					Self::end_window(job_id, job)
				},
				_ => Err(Error::<T>::NotChallenged.into()),
			}
		}

		/// Ends a job whose deadline passed without a valid proof: refunds the client and
		/// slashes the accepted provider's collateral to it (anyone may call; `on_idle` does
		/// the same when blocks have room).
		#[pallet::call_index(14)]
		#[pallet::weight(T::WeightInfo::expire())]
		pub fn expire(origin: OriginFor<T>, job_id: JobId) -> DispatchResult {
			ensure_signed(origin)?;
			let job = Jobs::<T>::get(job_id).ok_or(Error::<T>::UnknownJob)?;
			ensure!(
				matches!(job.status, JobStatus::Open | JobStatus::Accepted),
				Error::<T>::NotAccepted
			);
			ensure!(Self::now() > job.deadline, Error::<T>::DeadlineNotPassed);
			Self::expire_job(job_id, job)
		}

		/// Removes an ended job whose retention period has passed and returns its deposit to
		/// the client (anyone may call; `on_idle` does the same when blocks have room).
		#[pallet::call_index(15)]
		#[pallet::weight(T::WeightInfo::prune_job())]
		pub fn prune_job(origin: OriginFor<T>, job_id: JobId) -> DispatchResult {
			ensure_signed(origin)?;
			let job = Jobs::<T>::get(job_id).ok_or(Error::<T>::UnknownJob)?;
			let ended = job.status.ended_at().ok_or(Error::<T>::NotPrunable)?;
			ensure!(
				Self::now() >= ended.saturating_add(T::RetentionPeriod::get()),
				Error::<T>::NotPrunable
			);
			Self::prune(job_id, job)
		}
	}
}

impl<T: Config> Pallet<T> {
	fn now() -> BlockNumberFor<T> {
		frame_system::Pallet::<T>::block_number()
	}

	/// Bond neither locked by jobs nor unbonding.
	pub fn free_bond(provider: &ProviderOf<T>) -> BalanceOf<T> {
		let unbonding = provider.unbonding.map(|(amount, _)| amount).unwrap_or_default();
		provider.bond.saturating_sub(provider.locked).saturating_sub(unbonding)
	}

	/// The collateral a job paying `payment` locks when accepted: `CollateralRatio` of the
	/// payment, at least `MinimumCollateral`.
	pub fn collateral(payment: BalanceOf<T>) -> BalanceOf<T> {
		T::CollateralRatio::get().mul_ceil(payment).max(T::MinimumCollateral::get())
	}

	/// The deposit a dispute of a job paying `payment` holds: `DisputeDepositRatio` of the
	/// payment, at least `MinimumDisputeDeposit`.
	pub fn dispute_deposit(payment: BalanceOf<T>) -> BalanceOf<T> {
		T::DisputeDepositRatio::get().mul_ceil(payment).max(T::MinimumDisputeDeposit::get())
	}

	/// The storage deposit of a job whose request is `request_len` bytes.
	pub fn job_deposit(request_len: usize) -> BalanceOf<T> {
		let bytes: BalanceOf<T> = (request_len as u32).into();
		T::JobDepositBase::get().saturating_add(T::JobDepositPerByte::get().saturating_mul(bytes))
	}

	/// The kind of `model`'s jobs.
	fn kind(model: &ModelOf<T>) -> Result<JobKind, Error<T>> {
		JobKind::of(model.circuit).ok_or(Error::<T>::UnknownCircuit)
	}

	pub(crate) fn do_register_provider(who: &T::AccountId, bond: BalanceOf<T>) -> DispatchResult {
		ensure!(!Providers::<T>::contains_key(who), Error::<T>::AlreadyProvider);
		ensure!(bond >= T::MinimumBond::get(), Error::<T>::BondTooLow);
		T::Currency::hold(&HoldReason::ProviderBond.into(), who, bond)
			.map_err(|_| Error::<T>::InsufficientBalance)?;
		Providers::<T>::insert(who, Provider { bond, ..Default::default() });
		Self::deposit_event(Event::ProviderRegistered { provider: who.clone(), bond });
		Ok(())
	}

	pub(crate) fn do_register_model(
		who: &T::AccountId,
		circuit: CircuitId,
		commitment: Commitment,
		price: BalanceOf<T>,
		metadata: [u8; 32],
		encryption_key: [u8; 32],
	) -> DispatchResult {
		ensure!(Providers::<T>::contains_key(who), Error::<T>::NotProvider);
		ensure!(
			T::AcceptedCircuits::contains(&circuit) &&
				JobKind::of(circuit).is_some() &&
				sable_zk_host::circuits::lookup(circuit).is_some(),
			Error::<T>::CircuitNotAccepted
		);
		ensure!(
			sable_zk_primitives::encoding::fp_from_bytes(&commitment).is_some(),
			Error::<T>::NonCanonicalCommitment
		);
		let deposit = T::ModelDeposit::get();
		T::Currency::hold(&HoldReason::ModelDeposit.into(), who, deposit)
			.map_err(|_| Error::<T>::InsufficientBalance)?;
		let model_id = NextModelId::<T>::get();
		NextModelId::<T>::put(model_id.saturating_add(1));
		Models::<T>::insert(
			model_id,
			Model {
				provider: who.clone(),
				circuit,
				commitment,
				price,
				metadata,
				encryption_key,
				deposit,
				retired: false,
				open_jobs: 0,
			},
		);
		Self::deposit_event(Event::ModelRegistered {
			model_id,
			provider: who.clone(),
			circuit,
			commitment,
			price,
			metadata,
		});
		Ok(())
	}

	/// Stores `model`, or removes it and returns its deposit if it is retired and unused.
	fn store_model(model_id: ModelId, model: ModelOf<T>) -> DispatchResult {
		if model.retired && model.open_jobs == 0 {
			T::Currency::release(
				&HoldReason::ModelDeposit.into(),
				&model.provider,
				model.deposit,
				Precision::BestEffort,
			)?;
			Models::<T>::remove(model_id);
			Self::deposit_event(Event::ModelRemoved { model_id });
		} else {
			Models::<T>::insert(model_id, model);
		}
		Ok(())
	}

	/// The statement a result `output` of `job` proves.
	pub fn job_statement(
		job_id: JobId,
		job: &JobOf<T>,
		model: &ModelOf<T>,
		output: &[Commitment],
	) -> Result<JobStatement, Error<T>> {
		let provider: [u8; 32] =
			job.provider.encode().try_into().map_err(|_| Error::<T>::UnsupportedAccount)?;
		Ok(JobStatement {
			job_id,
			provider,
			model: model.commitment,
			input: job.input,
			delivery: job.delivery,
			output: output.to_vec(),
		})
	}

	/// Checks the proof through the host function. The result's length is checked against
	/// the circuit's instance length before anything is hashed or verified.
	fn verify(
		job_id: JobId,
		job: &JobOf<T>,
		model: &ModelOf<T>,
		output: &[Commitment],
		proof: ProofOf,
	) -> Result<(), Error<T>> {
		let spec =
			sable_zk_host::circuits::lookup(model.circuit).ok_or(Error::<T>::UnknownCircuit)?;
		let rows = 4 + usize::from(job.delivery.is_some()) + output.len();
		ensure!(rows == spec.public_inputs as usize, Error::<T>::WrongOutputLength);
		let statement = Self::job_statement(job_id, job, model, output)?;
		let public_inputs = statement.public_inputs().ok_or(Error::<T>::NonCanonicalCommitment)?;
		let statement = Statement::new(model.circuit, &public_inputs, proof)?;
		sable_zk_host::verify(&[statement]).map_err(Error::<T>::from)
	}

	/// A model, for the runtime API.
	pub fn model(model_id: ModelId) -> Option<ModelOf<T>> {
		Models::<T>::get(model_id)
	}

	/// A job, for the runtime API.
	pub fn job(job_id: JobId) -> Option<JobOf<T>> {
		Jobs::<T>::get(job_id)
	}

	/// A job's encrypted request, for the runtime API.
	pub fn request(job_id: JobId) -> Option<alloc::vec::Vec<u8>> {
		Requests::<T>::get(job_id).map(BoundedVec::into_inner)
	}

	/// A job's result, for the runtime API.
	pub fn result(job_id: JobId) -> Option<alloc::vec::Vec<Commitment>> {
		Results::<T>::get(job_id).map(BoundedVec::into_inner)
	}

	/// A provider, for the runtime API.
	pub fn provider(who: &T::AccountId) -> Option<ProviderOf<T>> {
		Providers::<T>::get(who)
	}

	/// A provider's open jobs, for the runtime API.
	pub fn provider_jobs(who: &T::AccountId) -> alloc::vec::Vec<JobId> {
		ProviderJobs::<T>::get(who).into_inner()
	}
}

impl<T: Config> From<ProofError> for Error<T> {
	fn from(error: ProofError) -> Self {
		match error {
			// `OverBudget` is answered by the pool's `admit` only, which this pallet never calls.
			ProofError::InvalidProof |
			ProofError::InvalidProofInBatch { .. } |
			ProofError::OverBudget => Error::InvalidProof,
			ProofError::WrongProofLength => Error::WrongProofLength,
			ProofError::UnknownCircuit => Error::UnknownCircuit,
			ProofError::MalformedPublicInputs
			| ProofError::MalformedStatement
			| ProofError::BatchTooLarge => Error::MalformedStatement,
		}
	}
}
