//! Benchmarks of `pallet_proof_of_inference`, with real proofs from the committed fixture
//! verified through the host function (the node turns its verified-statement cache off for
//! benchmarks, so every repetition pays for a full verification).
//!
//! Each benchmark sets up the worst case its call can meet: a provider whose open-job list,
//! a block whose deadline list and a model's retained results are one short of full, the
//! longest request and reason.

use super::*;
use crate::benchmark_fixture::{fixture, BenchmarkFixture, FixtureResult};
use alloc::vec::Vec;
use frame_benchmarking::v2::*;
use frame_system::RawOrigin;
use sable_zk_host::circuits;

fn load() -> Result<BenchmarkFixture, BenchmarkError> {
	fixture().ok_or(BenchmarkError::Stop("benchmark fixture does not decode"))
}

fn result(fixture: &BenchmarkFixture, circuit: CircuitId) -> Result<FixtureResult, BenchmarkError> {
	fixture.result(circuit).cloned().ok_or(BenchmarkError::Stop("fixture lacks a circuit"))
}

/// A large job's payment: far above every minimum.
fn payment<T: Config>() -> BalanceOf<T> {
	T::MinimumPayment::get().saturating_mul(100u32.into())
}

fn fund<T: Config>(who: &T::AccountId) {
	let amount = T::MinimumBond::get()
		.saturating_add(payment::<T>())
		.saturating_add(Pallet::<T>::collateral(payment::<T>()))
		.saturating_add(T::ModelDeposit::get())
		.saturating_add(Pallet::<T>::job_deposit(T::MaxRequestLen::get() as usize))
		.saturating_add(Pallet::<T>::dispute_deposit(payment::<T>()))
		.saturating_mul(1_000u32.into());
	let _ = T::Currency::mint_into(who, amount);
}

fn funded<T: Config>(name: &'static str) -> T::AccountId {
	let who: T::AccountId = account(name, 0, 0);
	fund::<T>(&who);
	who
}

fn register<T: Config>(who: &T::AccountId) -> Result<(), BenchmarkError> {
	fund::<T>(who);
	let bond = T::MinimumBond::get().saturating_add(
		Pallet::<T>::collateral(payment::<T>())
			.saturating_mul(T::MaxOpenJobsPerProvider::get().into()),
	);
	Pallet::<T>::register_provider(RawOrigin::Signed(who.clone()).into(), bond)?;
	Ok(())
}

/// The fixture's provider, funded, registered, with a model of `circuit` (the fixture's
/// commitment); returns it and the model's id.
fn fixture_model<T: Config>(
	fixture: &BenchmarkFixture,
	circuit: CircuitId,
) -> Result<(T::AccountId, ModelId), BenchmarkError> {
	let who = T::AccountId::decode(&mut &fixture.provider[..])
		.map_err(|_| BenchmarkError::Stop("accounts are not 32 bytes"))?;
	register::<T>(&who)?;
	let model_id = NextModelId::<T>::get();
	Pallet::<T>::register_model(
		RawOrigin::Signed(who.clone()).into(),
		circuit,
		result(fixture, circuit)?.model,
		T::MinimumPayment::get(),
		[1; 32],
		[2; 32],
	)?;
	Ok((who, model_id))
}

/// Fills `who`'s open-job list to one short of full with placeholder ids.
fn crowd_provider<T: Config>(who: &T::AccountId) {
	let filler: Vec<JobId> = (0..T::MaxOpenJobsPerProvider::get().saturating_sub(1))
		.map(|i| u64::MAX - u64::from(i))
		.collect();
	ProviderJobs::<T>::insert(who, BoundedVec::truncate_from(filler));
}

/// Fills the deadline list of `block` to one short of full, the job's own entry last.
fn crowd_due<T: Config>(block: BlockNumberFor<T>) {
	let filler: Vec<JobId> = (0..T::MaxJobsDuePerBlock::get().saturating_sub(1))
		.map(|i| u64::MAX - u64::from(i))
		.collect();
	Due::<T>::insert(block, BoundedVec::truncate_from(filler));
}

fn deadline<T: Config>() -> BlockNumberFor<T> {
	frame_system::Pallet::<T>::block_number().saturating_add(10u32.into())
}

fn longest_request<T: Config>() -> RequestOf<T> {
	BoundedVec::truncate_from(alloc::vec![7u8; T::MaxRequestLen::get() as usize])
}

/// A job of the fixture's `circuit` model by a funded client, numbered as the fixture
/// expects, with the longest request and a crowded deadline block.
fn job<T: Config>(
	fixture: &BenchmarkFixture,
	circuit: CircuitId,
) -> Result<(JobId, T::AccountId, T::AccountId), BenchmarkError> {
	let (provider, model_id) = fixture_model::<T>(fixture, circuit)?;
	let result = result(fixture, circuit)?;
	let client = funded::<T>("client");
	crowd_due::<T>(Pallet::<T>::expiry_block(deadline::<T>()));
	NextJobId::<T>::put(fixture.job_id);
	Pallet::<T>::create_job(
		RawOrigin::Signed(client.clone()).into(),
		model_id,
		result.input,
		result.delivery,
		longest_request::<T>(),
		payment::<T>(),
		deadline::<T>(),
	)?;
	Ok((fixture.job_id, client, provider))
}

/// A job of `circuit` accepted by the fixture's provider.
fn accepted_job<T: Config>(
	fixture: &BenchmarkFixture,
	circuit: CircuitId,
) -> Result<(JobId, T::AccountId, T::AccountId), BenchmarkError> {
	let (job_id, client, provider) = job::<T>(fixture, circuit)?;
	crowd_provider::<T>(&provider);
	Pallet::<T>::accept_job(RawOrigin::Signed(provider.clone()).into(), job_id)?;
	Ok((job_id, client, provider))
}

/// A commitment job whose result verified: in its challenge window.
fn challenged_job<T: Config>(
	fixture: &BenchmarkFixture,
) -> Result<(JobId, T::AccountId), BenchmarkError> {
	let circuit = circuits::POI_COMMITMENT_V1.id;
	let (job_id, client, provider) = accepted_job::<T>(fixture, circuit)?;
	let result = result(fixture, circuit)?;
	let proof = ProofOf::try_from(result.proof).map_err(|_| BenchmarkError::Stop("too long"))?;
	Pallet::<T>::submit_result(
		RawOrigin::Signed(provider).into(),
		job_id,
		BoundedVec::truncate_from(result.output),
		proof,
	)
	.map_err(|e| e.error)?;
	Ok((job_id, client))
}

/// A disputed commitment job.
fn disputed_job<T: Config>(
	fixture: &BenchmarkFixture,
) -> Result<(JobId, T::AccountId), BenchmarkError> {
	let (job_id, client) = challenged_job::<T>(fixture)?;
	Pallet::<T>::dispute(RawOrigin::Signed(client.clone()).into(), job_id, longest_reason::<T>())?;
	Ok((job_id, client))
}

fn longest_reason<T: Config>() -> ReasonOf<T> {
	BoundedVec::truncate_from(alloc::vec![b'r'; T::MaxReasonLen::get() as usize])
}

/// An accepted job of `circuit` and its fixture result, ready to submit.
fn ready_to_submit<T: Config>(
	circuit: CircuitId,
) -> Result<(T::AccountId, JobId, OutputOf, ProofOf), BenchmarkError> {
	let fixture = load()?;
	let (job_id, _, provider) = accepted_job::<T>(&fixture, circuit)?;
	let result = result(&fixture, circuit)?;
	let proof = ProofOf::try_from(result.proof).map_err(|_| BenchmarkError::Stop("too long"))?;
	Ok((provider, job_id, BoundedVec::truncate_from(result.output), proof))
}

fn status<T: Config>(job_id: JobId) -> Option<JobStatusOf<T>> {
	Jobs::<T>::get(job_id).map(|job| job.status)
}

fn completed<T: Config>(job_id: JobId) -> bool {
	matches!(status::<T>(job_id), Some(JobStatus::Completed { .. }))
}

fn refunded<T: Config>(job_id: JobId) -> bool {
	matches!(status::<T>(job_id), Some(JobStatus::Refunded { .. }))
}

fn advance<T: Config>(blocks: BlockNumberFor<T>) {
	frame_system::Pallet::<T>::set_block_number(
		frame_system::Pallet::<T>::block_number().saturating_add(blocks),
	);
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
		_(RawOrigin::Signed(who.clone()), T::MinimumCollateral::get());
		assert!(Providers::<T>::get(&who).is_some_and(|p| p.unbonding.is_some()));
		Ok(())
	}

	#[benchmark]
	fn withdraw_unbonded() -> Result<(), BenchmarkError> {
		let who = funded::<T>("provider");
		register::<T>(&who)?;
		Pallet::<T>::unbond(RawOrigin::Signed(who.clone()).into(), T::MinimumCollateral::get())?;
		advance::<T>(T::UnbondingDelay::get());
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()));
		assert!(Providers::<T>::get(&who).is_some_and(|p| p.unbonding.is_none()));
		Ok(())
	}

	#[benchmark]
	fn register_model() -> Result<(), BenchmarkError> {
		let who = funded::<T>("provider");
		register::<T>(&who)?;
		let circuit = circuits::POI_COMMITMENT_V1.id;
		let commitment = result(&load()?, circuit)?.model;
		#[extrinsic_call]
		_(RawOrigin::Signed(who), circuit, commitment, T::MinimumPayment::get(), [1; 32], [2; 32]);
		assert!(Models::<T>::contains_key(0));
		Ok(())
	}

	#[benchmark]
	fn retire_model() -> Result<(), BenchmarkError> {
		// The worst case removes the model and releases its deposit.
		let (provider, model_id) = fixture_model::<T>(&load()?, circuits::POI_COMMITMENT_V1.id)?;
		#[extrinsic_call]
		_(RawOrigin::Signed(provider), model_id);
		assert!(!Models::<T>::contains_key(model_id));
		Ok(())
	}

	#[benchmark]
	fn create_job(n: Linear<0, { T::MaxRequestLen::get() }>) -> Result<(), BenchmarkError> {
		let fixture = load()?;
		let circuit = circuits::POI_COMMITMENT_V1.id;
		let (_, model_id) = fixture_model::<T>(&fixture, circuit)?;
		let result = result(&fixture, circuit)?;
		let client = funded::<T>("client");
		let deadline = deadline::<T>();
		crowd_due::<T>(Pallet::<T>::expiry_block(deadline));
		let request = BoundedVec::truncate_from(alloc::vec![7u8; n as usize]);
		#[extrinsic_call]
		_(
			RawOrigin::Signed(client),
			model_id,
			result.input,
			result.delivery,
			request,
			payment::<T>(),
			deadline,
		);
		assert_eq!(NextJobId::<T>::get(), 1);
		Ok(())
	}

	#[benchmark]
	fn cancel_job() -> Result<(), BenchmarkError> {
		let (job_id, client, _) = job::<T>(&load()?, circuits::POI_COMMITMENT_V1.id)?;
		#[extrinsic_call]
		_(RawOrigin::Signed(client), job_id);
		assert!(matches!(status::<T>(job_id), Some(JobStatus::Cancelled { .. })));
		Ok(())
	}

	#[benchmark]
	fn accept_job() -> Result<(), BenchmarkError> {
		let (job_id, _, provider) = job::<T>(&load()?, circuits::POI_COMMITMENT_V1.id)?;
		crowd_provider::<T>(&provider);
		#[extrinsic_call]
		_(RawOrigin::Signed(provider), job_id);
		assert_eq!(status::<T>(job_id), Some(JobStatus::Accepted));
		Ok(())
	}

	#[benchmark]
	fn submit_commitment_result() -> Result<(), BenchmarkError> {
		let (provider, job_id, output, proof) =
			ready_to_submit::<T>(circuits::POI_COMMITMENT_V1.id)?;
		#[extrinsic_call]
		submit_result(RawOrigin::Signed(provider), job_id, output, proof);
		assert!(matches!(status::<T>(job_id), Some(JobStatus::Challenged { .. })));
		Ok(())
	}

	#[benchmark]
	fn submit_inference_v2_result() -> Result<(), BenchmarkError> {
		let circuit = CircuitId::new(circuits::POI_INFERENCE, 2);
		let (provider, job_id, output, proof) = ready_to_submit::<T>(circuit)?;
		#[extrinsic_call]
		submit_result(RawOrigin::Signed(provider), job_id, output, proof);
		assert!(completed::<T>(job_id));
		Ok(())
	}

	#[benchmark]
	fn submit_inference_v3_result() -> Result<(), BenchmarkError> {
		let circuit = CircuitId::new(circuits::POI_INFERENCE, 3);
		let (provider, job_id, output, proof) = ready_to_submit::<T>(circuit)?;
		#[extrinsic_call]
		submit_result(RawOrigin::Signed(provider), job_id, output, proof);
		assert!(completed::<T>(job_id));
		Ok(())
	}

	#[benchmark]
	fn submit_inference_v4_result() -> Result<(), BenchmarkError> {
		let circuit = CircuitId::new(circuits::POI_INFERENCE, 4);
		let (provider, job_id, output, proof) = ready_to_submit::<T>(circuit)?;
		#[extrinsic_call]
		submit_result(RawOrigin::Signed(provider), job_id, output, proof);
		assert!(completed::<T>(job_id));
		Ok(())
	}

	#[benchmark]
	fn submit_adapted_v1_result() -> Result<(), BenchmarkError> {
		let circuit = CircuitId::new(circuits::POI_ADAPTED, 1);
		let (provider, job_id, output, proof) = ready_to_submit::<T>(circuit)?;
		#[extrinsic_call]
		submit_result(RawOrigin::Signed(provider), job_id, output, proof);
		assert!(completed::<T>(job_id));
		Ok(())
	}

	#[benchmark]
	fn accept_result() -> Result<(), BenchmarkError> {
		let (job_id, client) = challenged_job::<T>(&load()?)?;
		#[extrinsic_call]
		_(RawOrigin::Signed(client), job_id);
		assert!(completed::<T>(job_id));
		Ok(())
	}

	#[benchmark]
	fn dispute(n: Linear<1, { T::MaxReasonLen::get() }>) -> Result<(), BenchmarkError> {
		let (job_id, client) = challenged_job::<T>(&load()?)?;
		let reason = BoundedVec::truncate_from(alloc::vec![b'r'; n as usize]);
		#[extrinsic_call]
		_(RawOrigin::Signed(client), job_id, reason);
		assert!(matches!(status::<T>(job_id), Some(JobStatus::Disputed { .. })));
		Ok(())
	}

	#[benchmark]
	fn resolve_dispute() -> Result<(), BenchmarkError> {
		let (job_id, _) = disputed_job::<T>(&load()?)?;
		let origin =
			T::DisputeOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, job_id, false);
		assert!(refunded::<T>(job_id));
		Ok(())
	}

	#[benchmark]
	fn finalize() -> Result<(), BenchmarkError> {
		// The worst case: a lapsed dispute (the deposit returns, then the result settles).
		let (job_id, _) = disputed_job::<T>(&load()?)?;
		advance::<T>(T::DisputePeriod::get());
		let caller = funded::<T>("anyone");
		#[extrinsic_call]
		_(RawOrigin::Signed(caller), job_id);
		assert!(completed::<T>(job_id));
		Ok(())
	}

	#[benchmark]
	fn expire() -> Result<(), BenchmarkError> {
		let (job_id, _, _) = accepted_job::<T>(&load()?, circuits::POI_COMMITMENT_V1.id)?;
		frame_system::Pallet::<T>::set_block_number(deadline::<T>().saturating_add(1u32.into()));
		let caller = funded::<T>("anyone");
		#[extrinsic_call]
		_(RawOrigin::Signed(caller), job_id);
		assert!(refunded::<T>(job_id));
		Ok(())
	}

	#[benchmark]
	fn prune_job() -> Result<(), BenchmarkError> {
		let (job_id, _) = challenged_job::<T>(&load()?)?;
		advance::<T>(T::ChallengePeriod::get());
		Pallet::<T>::finalize(RawOrigin::Signed(funded::<T>("anyone")).into(), job_id)?;
		advance::<T>(T::RetentionPeriod::get());
		let caller = funded::<T>("anyone");
		#[extrinsic_call]
		_(RawOrigin::Signed(caller), job_id);
		assert!(!Jobs::<T>::contains_key(job_id));
		Ok(())
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
