//! # Proof-of-inference pallet
//!
//! A market for AI jobs whose payment is held in escrow and released to the provider only
//! when the provider's Halo2 proof verifies on chain, natively, through the `zk_verifier`
//! host functions (`docs/poi.md`).
//!
//! - Providers register with a bond held under [`HoldReason::ProviderBond`]; each accepted
//!   job locks [`Config::JobCollateral`] of it. They may top up, and unbond after
//!   [`Config::UnbondingDelay`] once no job of theirs is open. Each carries counters of
//!   completed, expired, disputed and slashed jobs.
//! - A client creates a job (kind, model and input commitments, payment, deadline, optional
//!   designated provider); the payment is held at once under [`HoldReason::JobPayment`].
//! - The provider submits an output commitment and a proof of the job kind's circuit for
//!   the statement (job id, provider, model, input, output). An invalid proof is refused
//!   and changes nothing; the provider may try again until the deadline.
//! - LoRA-step and inference proofs prove the computation: a valid one settles at once
//!   (payment minus [`Config::ProtocolFee`] to the provider). A commitment proof only binds
//!   hashes, so it opens a challenge window: the client accepts or disputes; when the
//!   window ends the job settles by itself (`on_idle`) or through [`Pallet::finalize`].
//! - A deadline without a valid proof refunds the client and slashes the accepted
//!   provider's collateral to the client, in `on_idle` or through [`Pallet::expire`].
//! - [`Config::DisputeOrigin`] resolves disputes either way.
//!
//! Escrow invariant (checked by a randomized test): what the pallet holds equals the
//! payments of open jobs plus every provider's bond.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;
pub use types::*;
pub use weights::WeightInfo;

#[cfg(any(test, feature = "runtime-benchmarks"))]
pub mod benchmark_fixture;
#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;
mod types;
pub mod weights;

use frame_support::{
	pallet_prelude::*,
	storage::with_storage_layer,
	traits::{
		fungible::{Inspect, InspectHold, Mutate, MutateHold},
		tokens::{Fortitude, Precision, Restriction},
	},
};
use frame_system::pallet_prelude::*;
use sable_inference_primitives::{statement::JobStatement, JobKind};
use sable_zk_host::{CircuitId, ProofError, Statement};
use sp_runtime::{
	traits::{Saturating, Zero},
	Permill,
};

/// Log target of this pallet.
pub const LOG_TARGET: &str = "runtime::proof-of-inference";

/// The currency's balance type.
pub type BalanceOf<T> =
	<<T as Config>::Currency as Inspect<<T as frame_system::Config>::AccountId>>::Balance;
/// A job as stored.
pub type JobOf<T> = Job<<T as frame_system::Config>::AccountId, BalanceOf<T>, BlockNumberFor<T>>;
/// A provider as stored.
pub type ProviderOf<T> = Provider<BalanceOf<T>, BlockNumberFor<T>>;
/// The proof bytes a provider submits (at most 8 KiB, the host functions' bound).
pub type ProofOf = sable_zk_primitives::public_inputs::ProofBytes;

#[frame_support::pallet]
pub mod pallet {
	use super::*;

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	/// Why this pallet holds funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// A client's payment for a job, held until the job ends.
		JobPayment,
		/// A provider's bond.
		ProviderBond,
	}

	#[pallet::config]
	pub trait Config: frame_system::Config {
		/// The overarching event type.
		#[allow(deprecated)]
		type RuntimeEvent: From<Event<Self>> + IsType<<Self as frame_system::Config>::RuntimeEvent>;

		/// The overarching hold reason.
		type RuntimeHoldReason: From<HoldReason>;

		/// Holds payments and bonds.
		type Currency: Inspect<Self::AccountId>
			+ Mutate<Self::AccountId>
			+ InspectHold<Self::AccountId, Reason = Self::RuntimeHoldReason>
			+ MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>;

		/// Resolves disputes (root on the dev chain).
		type DisputeOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// Receives the protocol fee. It holds its existential deposit from genesis.
		type FeeCollector: Get<Self::AccountId>;

		/// Part of each payment kept as protocol fee.
		#[pallet::constant]
		type ProtocolFee: Get<Permill>;

		/// Smallest bond a provider may register with or keep.
		#[pallet::constant]
		type MinimumBond: Get<BalanceOf<Self>>;

		/// Bond locked per accepted job, slashed to the client if the provider fails.
		#[pallet::constant]
		type JobCollateral: Get<BalanceOf<Self>>;

		/// Smallest payment of a job.
		#[pallet::constant]
		type MinimumPayment: Get<BalanceOf<Self>>;

		/// How long a client may dispute a commitment result.
		#[pallet::constant]
		type ChallengePeriod: Get<BlockNumberFor<Self>>;

		/// How long an unbonded amount stays held.
		#[pallet::constant]
		type UnbondingDelay: Get<BlockNumberFor<Self>>;

		/// Furthest a deadline may be from the job's creation.
		#[pallet::constant]
		type MaxJobDuration: Get<BlockNumberFor<Self>>;

		/// Most open jobs a provider may hold at once.
		#[pallet::constant]
		type MaxOpenJobsPerProvider: Get<u32>;

		/// Most jobs that may fall due (deadline or challenge end) in one block.
		#[pallet::constant]
		type MaxJobsDuePerBlock: Get<u32>;

		/// Most due jobs (and empty blocks) `on_idle` looks at in one block.
		#[pallet::constant]
		type MaxDueProcessedPerBlock: Get<u32>;

		/// The version of the job commitment circuit whose proofs are accepted (an entry of
		/// `sable_circuits::REGISTRY`; `docs/zk.md`, "Adding a circuit version").
		#[pallet::constant]
		type CommitmentCircuit: Get<CircuitId>;

		/// The version of the LoRA step circuit whose proofs are accepted.
		#[pallet::constant]
		type LoraCircuit: Get<CircuitId>;

		/// The version of the inference circuit whose proofs are accepted.
		#[pallet::constant]
		type InferenceCircuit: Get<CircuitId>;

		/// Weights of this pallet's calls.
		type WeightInfo: WeightInfo;
	}

	/// The id the next job gets.
	#[pallet::storage]
	pub type NextJobId<T: Config> = StorageValue<_, JobId, ValueQuery>;

	/// Every job, including ended ones.
	#[pallet::storage]
	pub type Jobs<T: Config> = StorageMap<_, Twox64Concat, JobId, JobOf<T>, OptionQuery>;

	/// How many jobs have not ended (status open, accepted, challenged or disputed). Nodes
	/// export it as the `sable_poi_open_jobs` metric.
	#[pallet::storage]
	pub type OpenJobs<T: Config> = StorageValue<_, u32, ValueQuery>;

	/// Registered providers.
	#[pallet::storage]
	pub type Providers<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, ProviderOf<T>, OptionQuery>;

	/// The open jobs of each provider.
	#[pallet::storage]
	pub type ProviderJobs<T: Config> = StorageMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		BoundedVec<JobId, T::MaxOpenJobsPerProvider>,
		ValueQuery,
	>;

	/// Jobs that fall due at a block: a deadline has passed (`deadline + 1`) or a challenge
	/// window ends. `on_idle` works through them in block order.
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

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		#[serde(skip)]
		pub _config: core::marker::PhantomData<T>,
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
		/// A job was created and its payment held.
		JobCreated {
			job_id: JobId,
			client: T::AccountId,
			kind: JobKind,
			payment: BalanceOf<T>,
			deadline: BlockNumberFor<T>,
			designated: Option<T::AccountId>,
		},
		/// The client cancelled an open job and got its payment back.
		JobCancelled { job_id: JobId },
		/// A provider accepted a job and locked `collateral`.
		JobAccepted { job_id: JobId, provider: T::AccountId, collateral: BalanceOf<T> },
		/// A valid proof of a commitment job: the challenge window runs until `ends`.
		ResultSubmitted { job_id: JobId, output: Commitment, challenge_ends: BlockNumberFor<T> },
		/// The provider was paid: `paid` to it, `fee` to the fee collector.
		JobCompleted {
			job_id: JobId,
			provider: T::AccountId,
			output: Commitment,
			paid: BalanceOf<T>,
			fee: BalanceOf<T>,
		},
		/// The client disputed a commitment result.
		JobDisputed { job_id: JobId },
		/// The dispute origin decided: `for_provider` pays the provider, otherwise the
		/// client is refunded and the provider slashed.
		DisputeResolved { job_id: JobId, for_provider: bool },
		/// The deadline passed without a valid proof: the client was refunded.
		JobExpired { job_id: JobId },
		/// `amount` of the provider's bond went to the client.
		ProviderSlashed { job_id: JobId, provider: T::AccountId, amount: BalanceOf<T> },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// No job has this id.
		UnknownJob,
		/// Only the job's client may do this.
		NotClient,
		/// Only the job's provider may do this.
		NotJobProvider,
		/// The job is not open (someone accepted it, or it ended).
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
		/// The challenge window is still running.
		ChallengeNotOver,
		/// The deadline is not in the future.
		DeadlineInPast,
		/// The deadline is further away than `MaxJobDuration`.
		DeadlineTooFar,
		/// Too many jobs already fall due at that block: choose another deadline.
		TooManyJobsDue,
		/// The payment is below the minimum.
		PaymentTooLow,
		/// The account cannot pay (or bond) this much.
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
		/// Another provider was designated for this job.
		NotDesignatedProvider,
		/// A client cannot take its own job.
		OwnJob,
		/// The provider has too many open jobs.
		TooManyOpenJobs,
		/// The provider has open jobs: unbonding waits until they end.
		ProviderHasOpenJobs,
		/// An unbonding is already in progress.
		AlreadyUnbonding,
		/// Nothing is unbonding.
		NotUnbonding,
		/// The unbonding delay has not passed.
		UnbondingNotReady,
		/// The proof does not verify for this job, provider and output.
		InvalidProof,
		/// The node does not know this job kind's circuit.
		UnknownCircuit,
		/// The statement could not be encoded for the verifier.
		MalformedStatement,
		/// Accounts of this runtime are not 32 bytes.
		UnsupportedAccount,
		/// The proof is not exactly as long as proofs of the job kind's accepted circuit
		/// version.
		WrongProofLength,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn on_idle(now: BlockNumberFor<T>, remaining: Weight) -> Weight {
			Self::process_due_jobs(now, remaining)
		}

		fn integrity_test() {
			assert!(T::MaxDueProcessedPerBlock::get() > 0, "on_idle must make progress");
			assert!(!T::ChallengePeriod::get().is_zero(), "a challenge window has a length");
			for kind in [JobKind::Commitment, JobKind::LoraStep, JobKind::Inference] {
				assert!(
					sable_zk_host::circuits::lookup(Pallet::<T>::circuit(kind)).is_some(),
					"the accepted circuit version of {kind:?} jobs is registered"
				);
			}
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Registers the caller as a provider, holding `bond`.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::register_provider())]
		pub fn register_provider(origin: OriginFor<T>, bond: BalanceOf<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			ensure!(!Providers::<T>::contains_key(&who), Error::<T>::AlreadyProvider);
			ensure!(bond >= T::MinimumBond::get(), Error::<T>::BondTooLow);
			T::Currency::hold(&HoldReason::ProviderBond.into(), &who, bond)
				.map_err(|_| Error::<T>::InsufficientBalance)?;
			Providers::<T>::insert(&who, Provider { bond, ..Default::default() });
			Self::deposit_event(Event::ProviderRegistered { provider: who, bond });
			Ok(())
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

		/// Starts unbonding `amount`; it stays held for `UnbondingDelay` blocks. Refused while
		/// any job of the caller is open. What remains must be zero or at least the minimum.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::unbond())]
		pub fn unbond(origin: OriginFor<T>, amount: BalanceOf<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let mut provider = Providers::<T>::get(&who).ok_or(Error::<T>::NotProvider)?;
			ensure!(provider.open_jobs == 0, Error::<T>::ProviderHasOpenJobs);
			ensure!(provider.unbonding.is_none(), Error::<T>::AlreadyUnbonding);
			ensure!(amount <= provider.bond && !amount.is_zero(), Error::<T>::InsufficientBond);
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
			let released = T::Currency::release(
				&HoldReason::ProviderBond.into(),
				&who,
				amount,
				Precision::BestEffort,
			)?;
			provider.bond.saturating_reduce(released);
			provider.unbonding = None;
			Providers::<T>::insert(&who, provider);
			Self::deposit_event(Event::Withdrawn { provider: who, amount: released });
			Ok(())
		}

		/// Creates a job and holds `payment` from the caller until it ends. A result is due
		/// by block `deadline`; only `designated` may accept it, if given.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::create_job())]
		pub fn create_job(
			origin: OriginFor<T>,
			kind: JobKind,
			model: Commitment,
			input: Commitment,
			payment: BalanceOf<T>,
			deadline: BlockNumberFor<T>,
			designated: Option<T::AccountId>,
		) -> DispatchResult {
			let client = ensure_signed(origin)?;
			ensure!(payment >= T::MinimumPayment::get(), Error::<T>::PaymentTooLow);
			let now = frame_system::Pallet::<T>::block_number();
			ensure!(deadline > now, Error::<T>::DeadlineInPast);
			ensure!(
				deadline <= now.saturating_add(T::MaxJobDuration::get()),
				Error::<T>::DeadlineTooFar
			);
			for commitment in [&model, &input] {
				ensure!(
					sable_zk_primitives::encoding::fp_from_bytes(commitment).is_some(),
					Error::<T>::NonCanonicalCommitment
				);
			}
			let job_id = NextJobId::<T>::get();
			Due::<T>::try_mutate(Self::expiry_block(deadline), |due| due.try_push(job_id))
				.map_err(|_| Error::<T>::TooManyJobsDue)?;
			T::Currency::hold(&HoldReason::JobPayment.into(), &client, payment)
				.map_err(|_| Error::<T>::InsufficientBalance)?;
			NextJobId::<T>::put(job_id.saturating_add(1));
			OpenJobs::<T>::mutate(|open| open.saturating_inc());
			Jobs::<T>::insert(
				job_id,
				Job {
					client: client.clone(),
					kind,
					model,
					input,
					payment,
					collateral: Zero::zero(),
					deadline,
					designated: designated.clone(),
					status: JobStatus::Open,
				},
			);
			Self::deposit_event(Event::JobCreated {
				job_id,
				client,
				kind,
				payment,
				deadline,
				designated,
			});
			Ok(())
		}

		/// Cancels a job nobody accepted yet and releases its payment.
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::cancel_job())]
		pub fn cancel_job(origin: OriginFor<T>, job_id: JobId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let mut job = Jobs::<T>::get(job_id).ok_or(Error::<T>::UnknownJob)?;
			ensure!(job.client == who, Error::<T>::NotClient);
			ensure!(job.status == JobStatus::Open, Error::<T>::NotOpen);
			Self::release_payment(&job)?;
			job.status = JobStatus::Cancelled;
			Self::store_ended(job_id, job);
			Self::deposit_event(Event::JobCancelled { job_id });
			Ok(())
		}

		/// Takes an open job (the designated provider, or anyone if none was named), locking
		/// `JobCollateral` of the caller's bond.
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::accept_job())]
		pub fn accept_job(origin: OriginFor<T>, job_id: JobId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let mut job = Jobs::<T>::get(job_id).ok_or(Error::<T>::UnknownJob)?;
			ensure!(job.status == JobStatus::Open, Error::<T>::NotOpen);
			ensure!(
				frame_system::Pallet::<T>::block_number() <= job.deadline,
				Error::<T>::DeadlinePassed
			);
			if let Some(designated) = &job.designated {
				ensure!(*designated == who, Error::<T>::NotDesignatedProvider);
			}
			ensure!(job.client != who, Error::<T>::OwnJob);
			let mut provider = Providers::<T>::get(&who).ok_or(Error::<T>::NotProvider)?;
			let collateral = T::JobCollateral::get();
			ensure!(Self::free_bond(&provider) >= collateral, Error::<T>::InsufficientBond);
			ProviderJobs::<T>::try_mutate(&who, |jobs| jobs.try_push(job_id))
				.map_err(|_| Error::<T>::TooManyOpenJobs)?;
			provider.locked.saturating_accrue(collateral);
			provider.open_jobs.saturating_inc();
			Providers::<T>::insert(&who, provider);
			job.collateral = collateral;
			job.status = JobStatus::Accepted { provider: who.clone() };
			Jobs::<T>::insert(job_id, job);
			Self::deposit_event(Event::JobAccepted { job_id, provider: who, collateral });
			Ok(())
		}

		/// Submits the result of an accepted job: its output commitment and a proof of the job
		/// kind's circuit, verified natively. An invalid proof changes nothing.
		#[pallet::call_index(7)]
		#[pallet::weight(T::WeightInfo::submit_result_max())]
		pub fn submit_result(
			origin: OriginFor<T>,
			job_id: JobId,
			output: Commitment,
			proof: ProofOf,
		) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			let mut job = Jobs::<T>::get(job_id).ok_or(Error::<T>::UnknownJob)?;
			let JobStatus::Accepted { provider } = &job.status else {
				return Err(Error::<T>::NotAccepted.into());
			};
			ensure!(*provider == who, Error::<T>::NotJobProvider);
			let now = frame_system::Pallet::<T>::block_number();
			ensure!(now <= job.deadline, Error::<T>::DeadlinePassed);
			let challenge_ends = now.saturating_add(T::ChallengePeriod::get());
			if job.kind == JobKind::Commitment {
				// Room in the due queue is checked before the expensive verification.
				ensure!(
					Due::<T>::decode_len(challenge_ends).unwrap_or(0)
						< T::MaxJobsDuePerBlock::get() as usize,
					Error::<T>::TooManyJobsDue
				);
			}
			Self::verify(job_id, &who, &job, output, proof)?;

			let kind = job.kind;
			if kind == JobKind::Commitment {
				Due::<T>::try_mutate(challenge_ends, |due| due.try_push(job_id))
					.map_err(|_| Error::<T>::TooManyJobsDue)?;
				job.status = JobStatus::Challenged { provider: who, output, ends: challenge_ends };
				Jobs::<T>::insert(job_id, job);
				Self::deposit_event(Event::ResultSubmitted { job_id, output, challenge_ends });
			} else {
				Self::settle(job_id, job, who, output)?;
			}
			Ok(Some(T::WeightInfo::submit_result(kind)).into())
		}

		/// The client accepts a commitment result before its challenge window ends.
		#[pallet::call_index(8)]
		#[pallet::weight(T::WeightInfo::accept_result())]
		pub fn accept_result(origin: OriginFor<T>, job_id: JobId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let job = Jobs::<T>::get(job_id).ok_or(Error::<T>::UnknownJob)?;
			ensure!(job.client == who, Error::<T>::NotClient);
			let JobStatus::Challenged { provider, output, .. } = job.status.clone() else {
				return Err(Error::<T>::NotChallenged.into());
			};
			Self::settle(job_id, job, provider, output)
		}

		/// The client disputes a commitment result inside its challenge window.
		#[pallet::call_index(9)]
		#[pallet::weight(T::WeightInfo::dispute())]
		pub fn dispute(origin: OriginFor<T>, job_id: JobId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let mut job = Jobs::<T>::get(job_id).ok_or(Error::<T>::UnknownJob)?;
			ensure!(job.client == who, Error::<T>::NotClient);
			let JobStatus::Challenged { provider, output, ends } = job.status.clone() else {
				return Err(Error::<T>::NotChallenged.into());
			};
			ensure!(frame_system::Pallet::<T>::block_number() < ends, Error::<T>::ChallengeOver);
			Providers::<T>::mutate(&provider, |p| {
				if let Some(p) = p {
					p.disputed.saturating_inc();
				}
			});
			job.status = JobStatus::Disputed { provider, output };
			Jobs::<T>::insert(job_id, job);
			Self::deposit_event(Event::JobDisputed { job_id });
			Ok(())
		}

		/// Decides a dispute: pay the provider, or refund the client and slash the provider's
		/// collateral to it.
		#[pallet::call_index(10)]
		#[pallet::weight(T::WeightInfo::resolve_dispute())]
		pub fn resolve_dispute(
			origin: OriginFor<T>,
			job_id: JobId,
			for_provider: bool,
		) -> DispatchResult {
			T::DisputeOrigin::ensure_origin(origin)?;
			let job = Jobs::<T>::get(job_id).ok_or(Error::<T>::UnknownJob)?;
			let JobStatus::Disputed { provider, output } = job.status.clone() else {
				return Err(Error::<T>::NotDisputed.into());
			};
			Self::deposit_event(Event::DisputeResolved { job_id, for_provider });
			if for_provider {
				Self::settle(job_id, job, provider, output)
			} else {
				Self::refund(job_id, job)
			}
		}

		/// Settles a commitment result whose challenge window has ended (anyone may call;
		/// `on_idle` does the same when blocks have room).
		#[pallet::call_index(11)]
		#[pallet::weight(T::WeightInfo::finalize())]
		pub fn finalize(origin: OriginFor<T>, job_id: JobId) -> DispatchResult {
			ensure_signed(origin)?;
			let job = Jobs::<T>::get(job_id).ok_or(Error::<T>::UnknownJob)?;
			let JobStatus::Challenged { provider, output, ends } = job.status.clone() else {
				return Err(Error::<T>::NotChallenged.into());
			};
			ensure!(
				frame_system::Pallet::<T>::block_number() >= ends,
				Error::<T>::ChallengeNotOver
			);
			Self::settle(job_id, job, provider, output)
		}

		/// Ends a job whose deadline passed without a valid proof: refunds the client and
		/// slashes the accepted provider's collateral to it (anyone may call; `on_idle` does
		/// the same when blocks have room).
		#[pallet::call_index(12)]
		#[pallet::weight(T::WeightInfo::expire())]
		pub fn expire(origin: OriginFor<T>, job_id: JobId) -> DispatchResult {
			ensure_signed(origin)?;
			let job = Jobs::<T>::get(job_id).ok_or(Error::<T>::UnknownJob)?;
			ensure!(
				matches!(job.status, JobStatus::Open | JobStatus::Accepted { .. }),
				Error::<T>::NotAccepted
			);
			ensure!(
				frame_system::Pallet::<T>::block_number() > job.deadline,
				Error::<T>::DeadlineNotPassed
			);
			Self::expire_job(job_id, job)
		}
	}
}

impl<T: Config> Pallet<T> {
	/// The block at which a job with `deadline` falls due if no proof came.
	fn expiry_block(deadline: BlockNumberFor<T>) -> BlockNumberFor<T> {
		deadline.saturating_add(1u32.into())
	}

	/// Bond neither locked by jobs nor unbonding.
	pub fn free_bond(provider: &ProviderOf<T>) -> BalanceOf<T> {
		let unbonding = provider.unbonding.map(|(amount, _)| amount).unwrap_or_default();
		provider.bond.saturating_sub(provider.locked).saturating_sub(unbonding)
	}

	/// The statement a result of `job` by `provider` with `output` proves.
	pub fn job_statement(
		job_id: JobId,
		provider: &T::AccountId,
		job: &JobOf<T>,
		output: Commitment,
	) -> Result<JobStatement, Error<T>> {
		let provider: [u8; 32] =
			provider.encode().try_into().map_err(|_| Error::<T>::UnsupportedAccount)?;
		Ok(JobStatement { job_id, provider, model: job.model, input: job.input, output })
	}

	/// Checks the proof through the host function.
	fn verify(
		job_id: JobId,
		provider: &T::AccountId,
		job: &JobOf<T>,
		output: Commitment,
		proof: ProofOf,
	) -> Result<(), Error<T>> {
		let statement = Self::job_statement(job_id, provider, job, output)?;
		let public_inputs = statement.public_inputs().ok_or(Error::<T>::NonCanonicalCommitment)?;
		let statement = Statement::new(Self::circuit(job.kind), &public_inputs, proof)?;
		sable_zk_host::verify(&[statement]).map_err(Error::<T>::from)
	}

	/// The circuit version whose proofs settle `kind` jobs (the runtime's choice).
	pub fn circuit(kind: JobKind) -> CircuitId {
		match kind {
			JobKind::Commitment => T::CommitmentCircuit::get(),
			JobKind::LoraStep => T::LoraCircuit::get(),
			JobKind::Inference => T::InferenceCircuit::get(),
		}
	}

	fn release_payment(job: &JobOf<T>) -> DispatchResult {
		T::Currency::release(
			&HoldReason::JobPayment.into(),
			&job.client,
			job.payment,
			Precision::Exact,
		)?;
		Ok(())
	}

	/// Ends a job's claim on its provider's bond.
	fn close_provider_job(
		job_id: JobId,
		provider: &T::AccountId,
		collateral: BalanceOf<T>,
		record: impl FnOnce(&mut ProviderOf<T>),
	) {
		Providers::<T>::mutate(provider, |p| {
			if let Some(p) = p {
				p.locked.saturating_reduce(collateral);
				p.open_jobs.saturating_dec();
				record(p);
			}
		});
		ProviderJobs::<T>::mutate(provider, |jobs| jobs.retain(|id| *id != job_id));
	}

	/// Stores a job that has just ended (its status set to a terminal one).
	fn store_ended(job_id: JobId, job: JobOf<T>) {
		OpenJobs::<T>::mutate(|open| open.saturating_dec());
		Jobs::<T>::insert(job_id, job);
	}

	/// Pays the provider (payment minus the protocol fee) and ends the job.
	fn settle(
		job_id: JobId,
		mut job: JobOf<T>,
		provider: T::AccountId,
		output: Commitment,
	) -> DispatchResult {
		let fee = T::ProtocolFee::get().mul_floor(job.payment);
		let paid = job.payment.saturating_sub(fee);
		let reason = HoldReason::JobPayment.into();
		for (to, amount) in [(&provider, paid), (&T::FeeCollector::get(), fee)] {
			if !amount.is_zero() {
				T::Currency::transfer_on_hold(
					&reason,
					&job.client,
					to,
					amount,
					Precision::Exact,
					Restriction::Free,
					Fortitude::Force,
				)?;
			}
		}
		Self::close_provider_job(job_id, &provider, job.collateral, |p| {
			p.completed.saturating_inc()
		});
		job.status = JobStatus::Completed { provider: provider.clone(), output };
		Self::store_ended(job_id, job);
		Self::deposit_event(Event::JobCompleted { job_id, provider, output, paid, fee });
		Ok(())
	}

	/// Refunds the client; if a provider had accepted, its collateral goes to the client.
	fn refund(job_id: JobId, mut job: JobOf<T>) -> DispatchResult {
		Self::release_payment(&job)?;
		let provider = match &job.status {
			JobStatus::Accepted { provider }
			| JobStatus::Challenged { provider, .. }
			| JobStatus::Disputed { provider, .. } => Some(provider.clone()),
			_ => None,
		};
		if let Some(provider) = &provider {
			let slashed = T::Currency::transfer_on_hold(
				&HoldReason::ProviderBond.into(),
				provider,
				&job.client,
				job.collateral,
				Precision::BestEffort,
				Restriction::Free,
				Fortitude::Force,
			)?;
			let expired = matches!(job.status, JobStatus::Accepted { .. });
			Self::close_provider_job(job_id, provider, job.collateral, |p| {
				p.bond.saturating_reduce(slashed);
				p.slashed.saturating_inc();
				if expired {
					p.expired.saturating_inc();
				}
			});
			Self::deposit_event(Event::ProviderSlashed {
				job_id,
				provider: provider.clone(),
				amount: slashed,
			});
		}
		job.status = JobStatus::Refunded { slashed: provider };
		Self::store_ended(job_id, job);
		Ok(())
	}

	fn expire_job(job_id: JobId, job: JobOf<T>) -> DispatchResult {
		Self::refund(job_id, job)?;
		Self::deposit_event(Event::JobExpired { job_id });
		Ok(())
	}

	/// Ends `job_id` if it is due at `now`: expired, or its challenge window over. A job
	/// that moved on since it was queued is left alone.
	fn process_due_job(job_id: JobId, now: BlockNumberFor<T>) -> DispatchResult {
		let Some(job) = Jobs::<T>::get(job_id) else { return Ok(()) };
		match job.status.clone() {
			JobStatus::Open | JobStatus::Accepted { .. } if now > job.deadline => {
				Self::expire_job(job_id, job)
			},
			JobStatus::Challenged { provider, output, ends } if now >= ends => {
				Self::settle(job_id, job, provider, output)
			},
			_ => Ok(()),
		}
	}

	/// Works through [`Due`] from the cursor up to `now`, within `remaining` weight and at
	/// most `MaxDueProcessedPerBlock` items (jobs and blocks looked at).
	pub(crate) fn process_due_jobs(now: BlockNumberFor<T>, remaining: Weight) -> Weight {
		let db = T::DbWeight::get();
		let per_block = db.reads_writes(1, 1);
		let per_job = T::WeightInfo::process_due_job();
		let mut used = db.reads_writes(1, 1);
		if !remaining.all_gte(used.saturating_add(per_block).saturating_add(per_job)) {
			return Weight::zero();
		}
		let mut budget = T::MaxDueProcessedPerBlock::get();
		let mut cursor = DueCursor::<T>::get();
		while cursor <= now && budget > 0 {
			if !remaining.all_gte(used.saturating_add(per_block).saturating_add(per_job)) {
				break;
			}
			budget -= 1;
			used.saturating_accrue(per_block);
			let mut due = Due::<T>::get(cursor);
			while budget > 0 && remaining.all_gte(used.saturating_add(per_job)) && !due.is_empty() {
				let job_id = due.remove(0);
				budget -= 1;
				used.saturating_accrue(per_job);
				// Each job in its own storage layer: a failure rolls back that job only.
				if let Err(error) = with_storage_layer(|| Self::process_due_job(job_id, now)) {
					log::warn!(target: LOG_TARGET, "due job {job_id} not processed: {error:?}");
				}
			}
			if due.is_empty() {
				Due::<T>::remove(cursor);
				cursor.saturating_inc();
			} else {
				Due::<T>::insert(cursor, due);
				break;
			}
		}
		DueCursor::<T>::put(cursor);
		used
	}

	/// A job, for the runtime API.
	pub fn job(job_id: JobId) -> Option<JobOf<T>> {
		Jobs::<T>::get(job_id)
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
			ProofError::InvalidProof | ProofError::InvalidProofInBatch { .. } => {
				Error::InvalidProof
			},
			ProofError::WrongProofLength => Error::WrongProofLength,
			ProofError::UnknownCircuit => Error::UnknownCircuit,
			ProofError::MalformedPublicInputs
			| ProofError::MalformedStatement
			| ProofError::BatchTooLarge => Error::MalformedStatement,
		}
	}
}
