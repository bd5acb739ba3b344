//! Moving the escrowed funds when a job ends or a window closes (`docs/poi.md`, "Settlement").

use frame_support::{
	pallet_prelude::*,
	traits::{
		fungible::MutateHold,
		tokens::{Fortitude, Precision, Restriction},
	},
};
use sp_runtime::traits::{Saturating, Zero};

use crate::*;

impl<T: Config> Pallet<T> {
	pub(crate) fn release_payment(job: &JobOf<T>) -> DispatchResult {
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
		job: &JobOf<T>,
		record: impl FnOnce(&mut ProviderOf<T>),
	) {
		Providers::<T>::mutate(&job.provider, |p| {
			if let Some(p) = p {
				p.locked.saturating_reduce(job.collateral);
				p.open_jobs.saturating_dec();
				record(p);
			}
		});
		ProviderJobs::<T>::mutate(&job.provider, |jobs| jobs.retain(|id| *id != job_id));
	}

	/// Stores a job that has just reached a terminal status: it leaves the open count and its
	/// model's jobs, its request is dropped, and its retention starts.
	pub(crate) fn end_job(job_id: JobId, job: JobOf<T>) -> DispatchResult {
		OpenJobs::<T>::mutate(|open| open.saturating_dec());
		Requests::<T>::remove(job_id);
		if let Some(mut model) = Models::<T>::get(job.model) {
			model.open_jobs.saturating_dec();
			Self::store_model(job.model, model)?;
		}
		let prune_at = Self::now().saturating_add(T::RetentionPeriod::get());
		Self::schedule(Timeline::Retention, prune_at, job_id);
		Jobs::<T>::insert(job_id, job);
		Ok(())
	}

	/// Pays the provider (payment minus the protocol fee), stores the result and ends the job.
	pub(crate) fn settle(job_id: JobId, mut job: JobOf<T>, output: OutputOf) -> DispatchResult {
		let fee = T::ProtocolFee::get().mul_floor(job.payment);
		let paid = job.payment.saturating_sub(fee);
		let reason = HoldReason::JobPayment.into();
		for (to, amount) in [(&job.provider, paid), (&T::FeeCollector::get(), fee)] {
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
		Self::close_provider_job(job_id, &job, |p| p.completed.saturating_inc());
		let provider = job.provider.clone();
		job.status = JobStatus::Completed { at: Self::now() };
		Results::<T>::insert(job_id, output.clone());
		Self::end_job(job_id, job)?;
		Self::deposit_event(Event::JobCompleted { job_id, provider, output, paid, fee });
		Ok(())
	}

	/// Settles a commitment job with the result stored when its proof verified.
	pub(crate) fn settle_stored(job_id: JobId, job: JobOf<T>) -> DispatchResult {
		let output = Results::<T>::get(job_id).unwrap_or_default();
		Self::settle(job_id, job, output)
	}

	/// Refunds the client; if the provider had accepted, the job's collateral goes to the
	/// client.
	pub(crate) fn refund(job_id: JobId, mut job: JobOf<T>) -> DispatchResult {
		Self::release_payment(&job)?;
		let accepted = !matches!(job.status, JobStatus::Open);
		if accepted {
			let slashed = T::Currency::transfer_on_hold(
				&HoldReason::ProviderBond.into(),
				&job.provider,
				&job.client,
				job.collateral,
				Precision::BestEffort,
				Restriction::Free,
				Fortitude::Force,
			)?;
			let expired = matches!(job.status, JobStatus::Accepted);
			Self::close_provider_job(job_id, &job, |p| {
				p.bond.saturating_reduce(slashed);
				p.slashed.saturating_inc();
				if expired {
					p.expired.saturating_inc();
				}
			});
			Self::deposit_event(Event::ProviderSlashed {
				job_id,
				provider: job.provider.clone(),
				amount: slashed,
			});
		}
		job.status = JobStatus::Refunded { slashed: accepted, at: Self::now() };
		Self::end_job(job_id, job)
	}

	pub(crate) fn expire_job(job_id: JobId, job: JobOf<T>) -> DispatchResult {
		Self::leave_due(job_id, job.deadline);
		Self::refund(job_id, job)?;
		Self::deposit_event(Event::JobExpired { job_id });
		Ok(())
	}

	/// The dispute was frivolous: its deposit goes to the provider.
	pub(crate) fn forfeit_dispute_deposit(
		job: &JobOf<T>,
		deposit: BalanceOf<T>,
	) -> DispatchResult {
		T::Currency::transfer_on_hold(
			&HoldReason::DisputeDeposit.into(),
			&job.client,
			&job.provider,
			deposit,
			Precision::BestEffort,
			Restriction::Free,
			Fortitude::Force,
		)?;
		Ok(())
	}

	pub(crate) fn release_dispute_deposit(
		job: &JobOf<T>,
		deposit: BalanceOf<T>,
	) -> DispatchResult {
		T::Currency::release(
			&HoldReason::DisputeDeposit.into(),
			&job.client,
			deposit,
			Precision::BestEffort,
		)?;
		Ok(())
	}

	/// Closes a window that is over: a challenge window settles the result; a dispute
	/// window nobody decided lapses, so the result stands and the deposit returns.
	pub(crate) fn end_window(job_id: JobId, job: JobOf<T>) -> DispatchResult {
		if let JobStatus::Disputed { deposit, .. } = job.status {
			Self::release_dispute_deposit(&job, deposit)?;
			Self::deposit_event(Event::DisputeLapsed { job_id });
		}
		Self::settle_stored(job_id, job)
	}

	/// Removes an ended job and returns its deposit.
	pub(crate) fn prune(job_id: JobId, job: JobOf<T>) -> DispatchResult {
		let deposit = T::Currency::release(
			&HoldReason::JobDeposit.into(),
			&job.client,
			job.deposit,
			Precision::BestEffort,
		)?;
		Jobs::<T>::remove(job_id);
		Results::<T>::remove(job_id);
		Self::deposit_event(Event::JobPruned { job_id, deposit });
		Ok(())
	}
}
