//! Benchmarks of `pallet_proof_of_inference`, with real proofs from the committed fixture
//! verified through the host function (the node turns its verified-statement cache off for
//! benchmarks, so every repetition pays for a full verification).
//!
//! Each benchmark sets up the worst case its call can meet: a provider whose open-job list
//! and a block whose due list are one short of full.

use super::*;
use crate::benchmark_fixture::{fixture, BenchmarkFixture};
use alloc::vec::Vec;
use frame_benchmarking::v2::*;
use frame_system::RawOrigin;

fn load() -> Result<BenchmarkFixture, BenchmarkError> {
	fixture().ok_or(BenchmarkError::Stop("benchmark fixture does not decode"))
}

fn funded<T: Config>(name: &'static str) -> T::AccountId {
	let who: T::AccountId = account(name, 0, 0);
	fund::<T>(&who);
	who
}

fn fund<T: Config>(who: &T::AccountId) {
	let amount = T::MinimumBond::get()
		.saturating_add(T::MinimumPayment::get())
		.saturating_add(T::JobCollateral::get())
		.saturating_mul(1_000u32.into());
	let _ = T::Currency::mint_into(who, amount);
}

/// The fixture's provider, funded and registered with room for every open job.
fn fixture_provider<T: Config>(fixture: &BenchmarkFixture) -> Result<T::AccountId, BenchmarkError> {
	let who = T::AccountId::decode(&mut &fixture.provider[..])
		.map_err(|_| BenchmarkError::Stop("accounts are not 32 bytes"))?;
	register::<T>(&who)?;
	Ok(who)
}

fn register<T: Config>(who: &T::AccountId) -> Result<(), BenchmarkError> {
	fund::<T>(who);
	let bond = T::MinimumBond::get().saturating_add(
		T::JobCollateral::get().saturating_mul(T::MaxOpenJobsPerProvider::get().into()),
	);
	Pallet::<T>::register_provider(RawOrigin::Signed(who.clone()).into(), bond)?;
	Ok(())
}

/// Fills `who`'s open-job list to one short of full with placeholder ids.
fn crowd_provider<T: Config>(who: &T::AccountId) {
	let filler: Vec<JobId> = (0..T::MaxOpenJobsPerProvider::get().saturating_sub(1))
		.map(|i| u64::MAX - u64::from(i))
		.collect();
	ProviderJobs::<T>::insert(who, BoundedVec::truncate_from(filler));
}

/// Fills the due list of `block` to one short of full.
fn crowd_due<T: Config>(block: BlockNumberFor<T>) {
	let filler: Vec<JobId> = (0..T::MaxJobsDuePerBlock::get().saturating_sub(1))
		.map(|i| u64::MAX - u64::from(i))
		.collect();
	Due::<T>::insert(block, BoundedVec::truncate_from(filler));
}

fn deadline<T: Config>() -> BlockNumberFor<T> {
	frame_system::Pallet::<T>::block_number().saturating_add(10u32.into())
}

/// A job of `kind` by a funded client with the fixture's commitments, numbered as the
/// fixture expects; returns its id and client.
fn job<T: Config>(
	fixture: &BenchmarkFixture,
	kind: JobKind,
) -> Result<(JobId, T::AccountId), BenchmarkError> {
	let result = fixture.result(kind).ok_or(BenchmarkError::Stop("fixture lacks a kind"))?;
	let client = funded::<T>("client");
	NextJobId::<T>::put(fixture.job_id);
	Pallet::<T>::create_job(
		RawOrigin::Signed(client.clone()).into(),
		kind,
		result.model,
		result.input,
		T::MinimumPayment::get().saturating_mul(100u32.into()),
		deadline::<T>(),
		None,
	)?;
	Ok((fixture.job_id, client))
}

/// A job of `kind` accepted by the fixture's provider.
fn accepted_job<T: Config>(
	fixture: &BenchmarkFixture,
	kind: JobKind,
) -> Result<(JobId, T::AccountId, T::AccountId), BenchmarkError> {
	let (job_id, client) = job::<T>(fixture, kind)?;
	let provider = fixture_provider::<T>(fixture)?;
	crowd_provider::<T>(&provider);
	Pallet::<T>::accept_job(RawOrigin::Signed(provider.clone()).into(), job_id)?;
	Ok((job_id, client, provider))
}

/// A commitment job whose result verified: in its challenge window.
fn challenged_job<T: Config>(
	fixture: &BenchmarkFixture,
) -> Result<(JobId, T::AccountId), BenchmarkError> {
	let (job_id, client, provider) = accepted_job::<T>(fixture, JobKind::Commitment)?;
	let result =
		fixture.result(JobKind::Commitment).ok_or(BenchmarkError::Stop("fixture lacks a kind"))?;
	let ends = frame_system::Pallet::<T>::block_number().saturating_add(T::ChallengePeriod::get());
	Jobs::<T>::mutate(job_id, |job| {
		if let Some(job) = job {
			job.status = JobStatus::Challenged { provider, output: result.output, ends };
		}
	});
	Ok((job_id, client))
}

/// An accepted job of `kind` and its fixture result, ready to submit; the due list of the
/// challenge end is one short of full.
fn ready_to_submit<T: Config>(
	kind: JobKind,
) -> Result<(T::AccountId, JobId, Commitment, ProofOf), BenchmarkError> {
	let fixture = load()?;
	let (job_id, _, provider) = accepted_job::<T>(&fixture, kind)?;
	let result = fixture.result(kind).ok_or(BenchmarkError::Stop("fixture lacks a kind"))?;
	let proof = ProofOf::try_from(result.proof.clone())
		.map_err(|_| BenchmarkError::Stop("proof too long"))?;
	crowd_due::<T>(
		frame_system::Pallet::<T>::block_number().saturating_add(T::ChallengePeriod::get()),
	);
	Ok((provider, job_id, result.output, proof))
}

fn assert_status<T: Config>(
	job_id: JobId,
	check: impl Fn(&JobStatus<T::AccountId, BlockNumberFor<T>>) -> bool,
) {
	assert!(Jobs::<T>::get(job_id).is_some_and(|job| check(&job.status)));
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn register_provider() {
		let who = funded::<T>("provider");
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), T::MinimumBond::get());
		assert!(Providers::<T>::contains_key(&who));
	}

	#[benchmark]
	fn bond_extra() -> Result<(), BenchmarkError> {
		let who = funded::<T>("provider");
		register::<T>(&who)?;
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), T::MinimumBond::get());
		Ok(())
	}

	#[benchmark]
	fn unbond() -> Result<(), BenchmarkError> {
		let who = funded::<T>("provider");
		register::<T>(&who)?;
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), T::JobCollateral::get());
		assert!(Providers::<T>::get(&who).is_some_and(|p| p.unbonding.is_some()));
		Ok(())
	}

	#[benchmark]
	fn withdraw_unbonded() -> Result<(), BenchmarkError> {
		let who = funded::<T>("provider");
		register::<T>(&who)?;
		Pallet::<T>::unbond(RawOrigin::Signed(who.clone()).into(), T::JobCollateral::get())?;
		frame_system::Pallet::<T>::set_block_number(
			frame_system::Pallet::<T>::block_number().saturating_add(T::UnbondingDelay::get()),
		);
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()));
		assert!(Providers::<T>::get(&who).is_some_and(|p| p.unbonding.is_none()));
		Ok(())
	}

	#[benchmark]
	fn create_job() -> Result<(), BenchmarkError> {
		let fixture = load()?;
		let result = fixture
			.result(JobKind::Inference)
			.ok_or(BenchmarkError::Stop("fixture lacks a kind"))?;
		let client = funded::<T>("client");
		let deadline = deadline::<T>();
		crowd_due::<T>(deadline.saturating_add(1u32.into()));
		#[extrinsic_call]
		_(
			RawOrigin::Signed(client),
			JobKind::Inference,
			result.model,
			result.input,
			T::MinimumPayment::get(),
			deadline,
			Some(account("designated", 0, 0)),
		);
		assert_eq!(NextJobId::<T>::get(), 1);
		Ok(())
	}

	#[benchmark]
	fn cancel_job() -> Result<(), BenchmarkError> {
		let (job_id, client) = job::<T>(&load()?, JobKind::Inference)?;
		#[extrinsic_call]
		_(RawOrigin::Signed(client), job_id);
		assert!(Jobs::<T>::get(job_id).is_some_and(|job| job.status == JobStatus::Cancelled));
		Ok(())
	}

	#[benchmark]
	fn accept_job() -> Result<(), BenchmarkError> {
		let fixture = load()?;
		let (job_id, _) = job::<T>(&fixture, JobKind::Inference)?;
		let provider = fixture_provider::<T>(&fixture)?;
		crowd_provider::<T>(&provider);
		#[extrinsic_call]
		_(RawOrigin::Signed(provider), job_id);
		assert!(Jobs::<T>::get(job_id).is_some_and(|job| job.status != JobStatus::Open));
		Ok(())
	}

	#[benchmark]
	fn submit_commitment_result() -> Result<(), BenchmarkError> {
		let (provider, job_id, output, proof) = ready_to_submit::<T>(JobKind::Commitment)?;
		#[extrinsic_call]
		submit_result(RawOrigin::Signed(provider), job_id, output, proof);
		assert_status::<T>(job_id, |status| matches!(status, JobStatus::Challenged { .. }));
		Ok(())
	}

	#[benchmark]
	fn submit_lora_result() -> Result<(), BenchmarkError> {
		let (provider, job_id, output, proof) = ready_to_submit::<T>(JobKind::LoraStep)?;
		#[extrinsic_call]
		submit_result(RawOrigin::Signed(provider), job_id, output, proof);
		assert_status::<T>(job_id, |status| matches!(status, JobStatus::Completed { .. }));
		Ok(())
	}

	#[benchmark]
	fn submit_inference_result() -> Result<(), BenchmarkError> {
		let (provider, job_id, output, proof) = ready_to_submit::<T>(JobKind::Inference)?;
		#[extrinsic_call]
		submit_result(RawOrigin::Signed(provider), job_id, output, proof);
		assert_status::<T>(job_id, |status| matches!(status, JobStatus::Completed { .. }));
		Ok(())
	}

	#[benchmark]
	fn accept_result() -> Result<(), BenchmarkError> {
		let (job_id, client) = challenged_job::<T>(&load()?)?;
		#[extrinsic_call]
		_(RawOrigin::Signed(client), job_id);
		assert!(Jobs::<T>::get(job_id)
			.is_some_and(|job| matches!(job.status, JobStatus::Completed { .. })));
		Ok(())
	}

	#[benchmark]
	fn dispute() -> Result<(), BenchmarkError> {
		let (job_id, client) = challenged_job::<T>(&load()?)?;
		#[extrinsic_call]
		_(RawOrigin::Signed(client), job_id);
		Ok(())
	}

	#[benchmark]
	fn resolve_dispute() -> Result<(), BenchmarkError> {
		let (job_id, client) = challenged_job::<T>(&load()?)?;
		Pallet::<T>::dispute(RawOrigin::Signed(client).into(), job_id)?;
		let origin =
			T::DisputeOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, job_id, false);
		assert!(Jobs::<T>::get(job_id)
			.is_some_and(|job| matches!(job.status, JobStatus::Refunded { .. })));
		Ok(())
	}

	#[benchmark]
	fn finalize() -> Result<(), BenchmarkError> {
		let (job_id, _) = challenged_job::<T>(&load()?)?;
		frame_system::Pallet::<T>::set_block_number(
			frame_system::Pallet::<T>::block_number().saturating_add(T::ChallengePeriod::get()),
		);
		let caller = funded::<T>("anyone");
		#[extrinsic_call]
		_(RawOrigin::Signed(caller), job_id);
		assert!(Jobs::<T>::get(job_id)
			.is_some_and(|job| matches!(job.status, JobStatus::Completed { .. })));
		Ok(())
	}

	#[benchmark]
	fn expire() -> Result<(), BenchmarkError> {
		let (job_id, _, _) = accepted_job::<T>(&load()?, JobKind::Inference)?;
		frame_system::Pallet::<T>::set_block_number(deadline::<T>().saturating_add(1u32.into()));
		let caller = funded::<T>("anyone");
		#[extrinsic_call]
		_(RawOrigin::Signed(caller), job_id);
		assert!(Jobs::<T>::get(job_id)
			.is_some_and(|job| matches!(job.status, JobStatus::Refunded { .. })));
		Ok(())
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
