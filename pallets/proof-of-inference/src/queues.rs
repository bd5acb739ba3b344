//! When jobs fall due, and the `on_idle` work that ends them (`docs/poi.md`, "Queues").
//!
//! - Deadlines are chosen by clients, so they are kept by block in [`Due`], at most
//!   `MaxJobsDuePerBlock` a block. Creation fails when a block is full (the client picks
//!   another deadline); a job leaves its block as soon as it is cancelled or its result
//!   arrives, so filler jobs hold a slot only while their payment stays held.
//! - Challenge windows, dispute windows and retention all end a fixed time after the job
//!   enters them, so each [`Timeline`] is a first-in first-out queue ordered by due block.
//!   Appending never fails, so no one can make a valid result, a dispute or an ending fail by
//!   filling a queue.

use frame_support::{pallet_prelude::*, storage::with_storage_layer};
use sp_runtime::traits::Saturating;

use crate::*;

impl<T: Config> Pallet<T> {
	/// The block at which a job with `deadline` falls due if no proof came.
	pub(crate) fn expiry_block(deadline: BlockNumberFor<T>) -> BlockNumberFor<T> {
		deadline.saturating_add(1u32.into())
	}

	/// Takes `job_id` out of its deadline's block, freeing the slot.
	pub(crate) fn leave_due(job_id: JobId, deadline: BlockNumberFor<T>) {
		Due::<T>::mutate_exists(Self::expiry_block(deadline), |due| {
			if let Some(jobs) = due {
				jobs.retain(|id| *id != job_id);
				if jobs.is_empty() {
					*due = None;
				}
			}
		});
	}

	/// Appends `job_id`, due at block `at`, to `timeline`.
	pub(crate) fn schedule(timeline: Timeline, at: BlockNumberFor<T>, job_id: JobId) {
		TimelineBounds::<T>::mutate(timeline, |(_, next)| {
			TimelineEntries::<T>::insert(timeline, *next, (at, job_id));
			next.saturating_inc();
		});
	}

	/// Ends `job_id` if its deadline has passed at `now` (a job that moved on since is left
	/// alone).
	fn process_deadline(job_id: JobId, now: BlockNumberFor<T>) -> DispatchResult {
		let Some(job) = Jobs::<T>::get(job_id) else { return Ok(()) };
		match job.status {
			JobStatus::Open | JobStatus::Accepted if now > job.deadline => {
				Self::expire_job(job_id, job)
			},
			_ => Ok(()),
		}
	}

	/// Does what `timeline`'s entry for `job_id` calls for, if the job is still there.
	fn process_entry(timeline: Timeline, job_id: JobId, now: BlockNumberFor<T>) -> DispatchResult {
		let Some(job) = Jobs::<T>::get(job_id) else { return Ok(()) };
		match (timeline, &job.status) {
			(Timeline::Challenges, JobStatus::Challenged { ends })
			| (Timeline::Disputes, JobStatus::Disputed { ends, .. })
				if now >= *ends =>
			{
				Self::end_window(job_id, job)
			},
			(Timeline::Retention, status) => match status.ended_at() {
				Some(ended) if now >= ended.saturating_add(T::RetentionPeriod::get()) => {
					Self::prune(job_id, job)
				},
				_ => Ok(()),
			},
			_ => Ok(()),
		}
	}

	/// Runs one item of `on_idle` work in its own storage layer: a failure rolls back that
	/// item only.
	fn process_isolated(what: &str, job_id: JobId, f: impl FnOnce() -> DispatchResult) {
		if let Err(error) = with_storage_layer(f) {
			log::warn!(target: LOG_TARGET, "{what} of job {job_id} not processed: {error:?}");
		}
	}

	/// Works through [`Due`] from the cursor up to `now`, then through each [`Timeline`]'s
	/// due entries, within `remaining` weight and at most `MaxDueProcessedPerBlock` items
	/// (jobs, entries and blocks looked at).
	pub(crate) fn process_due(now: BlockNumberFor<T>, remaining: Weight) -> Weight {
		let db = T::DbWeight::get();
		let per_step = db.reads_writes(1, 1);
		let per_job = T::WeightInfo::process_due_job();
		let mut used = db.reads_writes(1, 1);
		let fits = |used: Weight| remaining.all_gte(used.saturating_add(per_step).saturating_add(per_job));
		if !fits(used) {
			return Weight::zero();
		}
		let mut budget = T::MaxDueProcessedPerBlock::get();

		let mut cursor = DueCursor::<T>::get();
		while cursor <= now && budget > 0 && fits(used) {
			budget -= 1;
			used.saturating_accrue(per_step);
			let mut due = Due::<T>::get(cursor);
			while budget > 0 && fits(used) && !due.is_empty() {
				let job_id = due.remove(0);
				budget -= 1;
				used.saturating_accrue(per_job);
				Self::process_isolated("deadline", job_id, || Self::process_deadline(job_id, now));
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

		for timeline in Timeline::ALL {
			let (mut head, next) = TimelineBounds::<T>::get(timeline);
			while head < next && budget > 0 && fits(used) {
				budget -= 1;
				used.saturating_accrue(per_step);
				let Some((at, job_id)) = TimelineEntries::<T>::get(timeline, head) else {
					head.saturating_inc();
					continue;
				};
				if at > now {
					break;
				}
				used.saturating_accrue(per_job);
				TimelineEntries::<T>::remove(timeline, head);
				head.saturating_inc();
				Self::process_isolated("timeline entry", job_id, || {
					Self::process_entry(timeline, job_id, now)
				});
			}
			TimelineBounds::<T>::insert(timeline, (head, next));
		}
		used
	}
}
