//! The escrow's invariants, checked between blocks by `try_state` (try-runtime builds) and by
//! the tests of this pallet and of the runtime (`docs/poi.md`, "Invariants").
//!
//! They read every job, model and provider, so they run off chain only.

use alloc::collections::{BTreeMap, BTreeSet};
use frame_support::{ensure, traits::fungible::InspectHold};
use sp_runtime::{
	traits::{Saturating, Zero},
	TryRuntimeError,
};

use crate::{
	BalanceOf, Config, HoldReason, JobStatus, Jobs, Models, OpenJobs, Pallet, ProviderJobs,
	Providers,
};

/// What the pallet should hold from one account, by reason.
struct Owed<Balance> {
	payments: Balance,
	job_deposits: Balance,
	dispute_deposits: Balance,
	bond: Balance,
	model_deposits: Balance,
}

impl<Balance: Zero> Default for Owed<Balance> {
	fn default() -> Self {
		Owed {
			payments: Zero::zero(),
			job_deposits: Zero::zero(),
			dispute_deposits: Zero::zero(),
			bond: Zero::zero(),
			model_deposits: Zero::zero(),
		}
	}
}

impl<T: Config> Pallet<T> {
	/// Checks every invariant of the escrow; call it between blocks.
	pub fn do_try_state() -> Result<(), TryRuntimeError> {
		Self::check_holds()?;
		Self::check_open_counts()?;
		Self::check_collateral()
	}

	/// For every account and every hold reason of this pallet, what is held is exactly what
	/// the stored jobs, models and providers say is owed: the payments of jobs that have not
	/// ended, the deposits of stored jobs, of running disputes and of stored models, and each
	/// provider's bond. Nothing is held that no record explains, and nothing recorded is
	/// unbacked.
	fn check_holds() -> Result<(), TryRuntimeError> {
		// Every account, so that a hold on one that no record names is found too.
		let mut owed: BTreeMap<T::AccountId, Owed<BalanceOf<T>>> =
			frame_system::Account::<T>::iter_keys().map(|who| (who, Owed::default())).collect();
		for job in Jobs::<T>::iter_values() {
			let client = owed.entry(job.client.clone()).or_default();
			client.job_deposits.saturating_accrue(job.deposit);
			if job.status.is_open() {
				client.payments.saturating_accrue(job.payment);
			}
			if let JobStatus::Disputed { deposit, .. } = job.status {
				client.dispute_deposits.saturating_accrue(deposit);
			}
			owed.entry(job.provider).or_default();
		}
		for (who, provider) in Providers::<T>::iter() {
			owed.entry(who).or_default().bond = provider.bond;
		}
		for model in Models::<T>::iter_values() {
			owed.entry(model.provider).or_default().model_deposits.saturating_accrue(model.deposit);
		}
		for (who, expected) in owed {
			let held = |reason: HoldReason| T::Currency::balance_on_hold(&reason.into(), &who);
			ensure!(held(HoldReason::JobPayment) == expected.payments, "poi: held payments differ from open jobs' payments");
			ensure!(held(HoldReason::JobDeposit) == expected.job_deposits, "poi: held job deposits differ from stored jobs' deposits");
			ensure!(held(HoldReason::DisputeDeposit) == expected.dispute_deposits, "poi: held dispute deposits differ from running disputes");
			ensure!(held(HoldReason::ProviderBond) == expected.bond, "poi: held bond differs from the provider's record");
			ensure!(held(HoldReason::ModelDeposit) == expected.model_deposits, "poi: held model deposits differ from stored models");
		}
		Ok(())
	}

	/// `OpenJobs` and each model's count are the jobs that have not ended.
	fn check_open_counts() -> Result<(), TryRuntimeError> {
		let mut open = 0u32;
		let mut by_model: BTreeMap<_, u32> = BTreeMap::new();
		for job in Jobs::<T>::iter_values().filter(|job| job.status.is_open()) {
			open.saturating_inc();
			by_model.entry(job.model).or_default().saturating_inc();
		}
		ensure!(OpenJobs::<T>::get() == open, "poi: OpenJobs differs from the jobs not ended");
		for (id, model) in Models::<T>::iter() {
			ensure!(
				model.open_jobs == by_model.get(&id).copied().unwrap_or(0),
				"poi: a model's open_jobs differs from its jobs not ended"
			);
		}
		let stored: BTreeSet<_> = Models::<T>::iter_keys().collect();
		ensure!(
			by_model.keys().all(|id| stored.contains(id)),
			"poi: a job that has not ended belongs to a removed model"
		);
		Ok(())
	}

	/// Each provider's locked bond is the collateral of its accepted jobs that have not ended,
	/// which are exactly the jobs it lists, and never more than its bond.
	fn check_collateral() -> Result<(), TryRuntimeError> {
		for (who, provider) in Providers::<T>::iter() {
			let jobs = ProviderJobs::<T>::get(&who);
			ensure!(provider.open_jobs as usize == jobs.len(), "poi: a provider's open_jobs differs from its job list");
			let mut collateral = BalanceOf::<T>::zero();
			for id in jobs.iter() {
				let job = Jobs::<T>::get(id).ok_or("poi: a provider lists a job that is not stored")?;
				ensure!(job.provider == who, "poi: a provider lists another provider's job");
				ensure!(
					job.status.is_open() && !matches!(job.status, JobStatus::Open),
					"poi: a provider lists a job it has not accepted or that has ended"
				);
				collateral.saturating_accrue(job.collateral);
			}
			ensure!(provider.locked == collateral, "poi: a provider's locked bond differs from its jobs' collateral");
			ensure!(provider.locked <= provider.bond, "poi: a provider's locked bond exceeds its bond");
		}
		Ok(())
	}
}
