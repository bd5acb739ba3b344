//! Tests of the proof-of-inference pallet with real Halo2 proofs verified natively through
//! the `zk_verifier` host functions.

use std::{
	collections::HashMap,
	sync::{Mutex, OnceLock},
};

use frame_support::{
	assert_noop, assert_ok,
	traits::fungible::{Inspect, InspectHold},
	weights::Weight,
};
use rand::{rngs::StdRng, RngExt, SeedableRng};
use sable_inference_primitives::JobKind;
use sable_inference_proofs::{job::JobWitness, samples};
use sable_zk_host::CircuitId;
use sp_runtime::{traits::BadOrigin, DispatchError};

use crate::{mock::*, Commitment, Error, Event, HoldReason, JobId, JobStatus, ProofOf};

const KINDS: [JobKind; 3] = [JobKind::Commitment, JobKind::LoraStep, JobKind::Inference];
const PAYMENT: Balance = 10_000;
const BOND: Balance = 2_000;

fn witness(kind: JobKind) -> &'static JobWitness {
	static WITNESSES: OnceLock<[JobWitness; 3]> = OnceLock::new();
	let all = WITNESSES.get_or_init(|| KINDS.map(|kind| samples::of_kind(kind, 1)));
	&all[KINDS.iter().position(|k| *k == kind).expect("a kind")]
}

/// `(model, input, output)` commitments of the sample job of `kind`.
fn commitments(kind: JobKind) -> (Commitment, Commitment, Commitment) {
	let s = witness(kind).statement(0, [0; 32]);
	(s.model, s.input, s.output)
}

/// A real proof of the sample job of `kind` for `job_id` and `provider` (cached per run).
fn proof(kind: JobKind, job_id: JobId, provider: &AccountId) -> ProofOf {
	type ProofCache = Mutex<HashMap<(u8, JobId, [u8; 32]), Vec<u8>>>;
	static PROOFS: OnceLock<ProofCache> = OnceLock::new();
	let provider: [u8; 32] = *provider.as_ref();
	let key = (kind as u8, job_id, provider);
	let cache = PROOFS.get_or_init(Default::default);
	if let Some(proof) = cache.lock().expect("cache").get(&key) {
		return proof.clone().try_into().expect("fits");
	}
	let mut rng = StdRng::seed_from_u64(job_id);
	let proven = witness(kind).prove(job_id, provider, &mut rng).expect("proves");
	cache.lock().expect("cache").insert(key, proven.proof.clone());
	proven.proof.try_into().expect("fits")
}

fn tampered(mut proof: ProofOf) -> ProofOf {
	let middle = proof.len() / 2;
	proof[middle] ^= 1;
	proof
}

fn register(provider: &AccountId) {
	assert_ok!(Inference::register_provider(RuntimeOrigin::signed(provider.clone()), BOND));
}

fn create(
	client: &AccountId,
	kind: JobKind,
	deadline: u64,
	designated: Option<AccountId>,
) -> JobId {
	let (model, input, _) = commitments(kind);
	let id = crate::NextJobId::<Test>::get();
	assert_ok!(Inference::create_job(
		RuntimeOrigin::signed(client.clone()),
		kind,
		model,
		input,
		PAYMENT,
		deadline,
		designated
	));
	id
}

fn accept(provider: &AccountId, job_id: JobId) {
	assert_ok!(Inference::accept_job(RuntimeOrigin::signed(provider.clone()), job_id));
}

fn submit(
	provider: &AccountId,
	job_id: JobId,
	kind: JobKind,
) -> frame_support::dispatch::DispatchResultWithPostInfo {
	Inference::submit_result(
		RuntimeOrigin::signed(provider.clone()),
		job_id,
		commitments(kind).2,
		proof(kind, job_id, provider),
	)
}

fn status(job_id: JobId) -> JobStatus<AccountId, u64> {
	crate::Jobs::<Test>::get(job_id).expect("job exists").status
}

fn held(reason: HoldReason, who: &AccountId) -> Balance {
	Balances::balance_on_hold(&reason.into(), who)
}

fn free(who: &AccountId) -> Balance {
	Balances::balance(who)
}

fn fee(payment: Balance) -> Balance {
	payment / 10
}

fn events() -> Vec<Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|record| match record.event {
			RuntimeEvent::Inference(event) => Some(event),
			_ => None,
		})
		.collect()
}

/// Carol is a provider; Alice creates, Carol accepts and proves a job of `kind`.
fn proven_job(kind: JobKind) -> JobId {
	register(&carol());
	let job = create(&alice(), kind, 20, None);
	accept(&carol(), job);
	assert_ok!(submit(&carol(), job, kind));
	job
}

fn assert_paid(job: JobId, kind: JobKind) {
	let (_, _, output) = commitments(kind);
	assert_eq!(status(job), JobStatus::Completed { provider: carol(), output });
	assert_eq!(free(&alice()), INITIAL_BALANCE - PAYMENT);
	assert_eq!(free(&carol()), INITIAL_BALANCE - BOND + PAYMENT - fee(PAYMENT));
	assert_eq!(free(&collector()), EXISTENTIAL_DEPOSIT + fee(PAYMENT));
	assert_eq!(held(HoldReason::JobPayment, &alice()), 0);
	assert_eq!(held(HoldReason::ProviderBond, &carol()), BOND);
	let provider = crate::Providers::<Test>::get(carol()).expect("provider");
	assert_eq!((provider.locked, provider.open_jobs, provider.completed), (0, 0, 1));
	assert!(crate::ProviderJobs::<Test>::get(carol()).is_empty());
	assert!(events().contains(&Event::JobCompleted {
		job_id: job,
		provider: carol(),
		output,
		paid: PAYMENT - fee(PAYMENT),
		fee: fee(PAYMENT),
	}));
}

#[test]
fn inference_and_lora_results_settle_at_once() {
	for kind in [JobKind::Inference, JobKind::LoraStep] {
		new_test_ext().execute_with(|| {
			let job = create(&alice(), kind, 20, None);
			assert_eq!(held(HoldReason::JobPayment, &alice()), PAYMENT, "held at creation");
			register(&carol());
			accept(&carol(), job);
			assert_eq!(
				crate::Providers::<Test>::get(carol()).expect("provider").locked,
				COLLATERAL
			);
			assert_eq!(crate::ProviderJobs::<Test>::get(carol()).into_inner(), vec![job]);
			assert_ok!(submit(&carol(), job, kind));
			assert_paid(job, kind);
		});
	}
}

#[test]
fn commitment_result_settles_when_the_client_accepts_early() {
	new_test_ext().execute_with(|| {
		let job = proven_job(JobKind::Commitment);
		let (_, _, output) = commitments(JobKind::Commitment);
		let ends = 1 + CHALLENGE_PERIOD;
		assert_eq!(status(job), JobStatus::Challenged { provider: carol(), output, ends });
		assert_eq!(held(HoldReason::JobPayment, &alice()), PAYMENT, "still in escrow");
		assert_noop!(
			Inference::accept_result(RuntimeOrigin::signed(bob()), job),
			Error::<Test>::NotClient
		);
		assert_ok!(Inference::accept_result(RuntimeOrigin::signed(alice()), job));
		assert_paid(job, JobKind::Commitment);
		// Settled once: nothing more can pay out.
		assert_noop!(
			Inference::accept_result(RuntimeOrigin::signed(alice()), job),
			Error::<Test>::NotChallenged
		);
		assert_noop!(
			Inference::finalize(RuntimeOrigin::signed(bob()), job),
			Error::<Test>::NotChallenged
		);
		assert_noop!(submit(&carol(), job, JobKind::Commitment), Error::<Test>::NotAccepted);
		run_to(ends + 2);
		assert_paid(job, JobKind::Commitment);
	});
}

#[test]
fn commitment_result_settles_after_the_window_by_itself_or_by_anyone() {
	new_test_ext().execute_with(|| {
		let job = proven_job(JobKind::Commitment);
		let ends = 1 + CHALLENGE_PERIOD;
		run_to(ends - 1);
		assert_noop!(
			Inference::finalize(RuntimeOrigin::signed(bob()), job),
			Error::<Test>::ChallengeNotOver
		);
		// The block at `ends` settles it in on_idle.
		run_to(ends + 1);
		assert_paid(job, JobKind::Commitment);
	});
	new_test_ext().execute_with(|| {
		let job = proven_job(JobKind::Commitment);
		// Full blocks: no idle weight, so only a permissionless call settles.
		for _ in 0..CHALLENGE_PERIOD {
			next_block_with_idle(Weight::zero());
		}
		assert!(matches!(status(job), JobStatus::Challenged { .. }));
		assert_ok!(Inference::finalize(RuntimeOrigin::signed(bob()), job));
		assert_paid(job, JobKind::Commitment);
	});
}

#[test]
fn disputes_are_resolved_by_the_dispute_origin_either_way() {
	// For the provider: paid as if accepted.
	new_test_ext().execute_with(|| {
		let job = proven_job(JobKind::Commitment);
		assert_ok!(Inference::dispute(RuntimeOrigin::signed(alice()), job));
		assert!(matches!(status(job), JobStatus::Disputed { .. }));
		// A disputed job does not settle by itself.
		run_to(20);
		assert!(matches!(status(job), JobStatus::Disputed { .. }));
		assert_noop!(
			Inference::resolve_dispute(RuntimeOrigin::signed(alice()), job, false),
			BadOrigin
		);
		assert_ok!(Inference::resolve_dispute(RuntimeOrigin::root(), job, true));
		assert_paid(job, JobKind::Commitment);
		assert_eq!(crate::Providers::<Test>::get(carol()).expect("provider").disputed, 1);
	});
	// Against the provider: refund and slash to the client.
	new_test_ext().execute_with(|| {
		let job = proven_job(JobKind::Commitment);
		assert_ok!(Inference::dispute(RuntimeOrigin::signed(alice()), job));
		assert_ok!(Inference::resolve_dispute(RuntimeOrigin::root(), job, false));
		assert_eq!(status(job), JobStatus::Refunded { slashed: Some(carol()) });
		assert_eq!(free(&alice()), INITIAL_BALANCE + COLLATERAL);
		assert_eq!(held(HoldReason::ProviderBond, &carol()), BOND - COLLATERAL);
		let provider = crate::Providers::<Test>::get(carol()).expect("provider");
		assert_eq!((provider.bond, provider.locked, provider.open_jobs), (BOND - COLLATERAL, 0, 0));
		assert_eq!((provider.disputed, provider.slashed, provider.completed), (1, 1, 0));
		assert_noop!(
			Inference::resolve_dispute(RuntimeOrigin::root(), job, true),
			Error::<Test>::NotDisputed
		);
	});
	// Only inside the window.
	new_test_ext().execute_with(|| {
		let job = proven_job(JobKind::Commitment);
		for _ in 0..CHALLENGE_PERIOD {
			next_block_with_idle(Weight::zero());
		}
		assert_noop!(
			Inference::dispute(RuntimeOrigin::signed(alice()), job),
			Error::<Test>::ChallengeOver
		);
	});
}

#[test]
fn cancel_refunds_an_open_job_only() {
	new_test_ext().execute_with(|| {
		let job = create(&alice(), JobKind::Inference, 20, None);
		assert_noop!(
			Inference::cancel_job(RuntimeOrigin::signed(bob()), job),
			Error::<Test>::NotClient
		);
		assert_ok!(Inference::cancel_job(RuntimeOrigin::signed(alice()), job));
		assert_eq!(status(job), JobStatus::Cancelled);
		assert_eq!(free(&alice()), INITIAL_BALANCE);
		assert_eq!(held(HoldReason::JobPayment, &alice()), 0);
		assert_noop!(
			Inference::cancel_job(RuntimeOrigin::signed(alice()), job),
			Error::<Test>::NotOpen
		);

		let accepted = create(&alice(), JobKind::Inference, 20, None);
		register(&carol());
		accept(&carol(), accepted);
		assert_noop!(
			Inference::cancel_job(RuntimeOrigin::signed(alice()), accepted),
			Error::<Test>::NotOpen
		);
	});
}

#[test]
fn a_missed_deadline_refunds_the_client_and_slashes_the_provider() {
	new_test_ext().execute_with(|| {
		register(&carol());
		let job = create(&alice(), JobKind::LoraStep, 5, None);
		accept(&carol(), job);
		let unaccepted = create(&bob(), JobKind::LoraStep, 5, None);
		assert_noop!(
			Inference::expire(RuntimeOrigin::signed(dave()), job),
			Error::<Test>::DeadlineNotPassed
		);
		run_to(6);
		// A result after the deadline is refused.
		assert_noop!(submit(&carol(), job, JobKind::LoraStep), Error::<Test>::DeadlinePassed);
		run_to(7);
		assert_eq!(status(job), JobStatus::Refunded { slashed: Some(carol()) });
		assert_eq!(status(unaccepted), JobStatus::Refunded { slashed: None });
		assert_eq!(free(&alice()), INITIAL_BALANCE + COLLATERAL);
		assert_eq!(free(&bob()), INITIAL_BALANCE);
		assert_eq!(free(&carol()), INITIAL_BALANCE - BOND);
		let provider = crate::Providers::<Test>::get(carol()).expect("provider");
		assert_eq!(
			(provider.bond, provider.locked, provider.expired, provider.slashed),
			(BOND - COLLATERAL, 0, 1, 1)
		);
		assert!(events().contains(&Event::ProviderSlashed {
			job_id: job,
			provider: carol(),
			amount: COLLATERAL
		}));
		assert_noop!(
			Inference::expire(RuntimeOrigin::signed(dave()), job),
			Error::<Test>::NotAccepted
		);
	});
}

#[test]
fn expire_is_permissionless_when_blocks_are_full() {
	new_test_ext().execute_with(|| {
		register(&carol());
		let job = create(&alice(), JobKind::Inference, 3, Some(carol()));
		accept(&carol(), job);
		for _ in 0..5 {
			next_block_with_idle(Weight::zero());
		}
		assert!(matches!(status(job), JobStatus::Accepted { .. }));
		assert_ok!(Inference::expire(RuntimeOrigin::signed(dave()), job));
		assert_eq!(status(job), JobStatus::Refunded { slashed: Some(carol()) });
		// on_idle later finds it done and leaves it alone.
		next_block();
		assert_eq!(free(&alice()), INITIAL_BALANCE + COLLATERAL);
	});
}

#[test]
fn an_invalid_proof_changes_nothing_and_the_provider_may_resubmit() {
	new_test_ext().execute_with(|| {
		register(&carol());
		let job = create(&alice(), JobKind::Inference, 20, None);
		accept(&carol(), job);
		let (_, _, output) = commitments(JobKind::Inference);
		assert_noop!(
			Inference::submit_result(
				RuntimeOrigin::signed(carol()),
				job,
				output,
				tampered(proof(JobKind::Inference, job, &carol()))
			),
			Error::<Test>::InvalidProof
		);
		// A wrong output commitment with a valid proof of another output is refused too.
		let mut other_output = output;
		other_output[0] ^= 1;
		assert_noop!(
			Inference::submit_result(
				RuntimeOrigin::signed(carol()),
				job,
				other_output,
				proof(JobKind::Inference, job, &carol())
			),
			Error::<Test>::InvalidProof
		);
		assert_noop!(
			Inference::submit_result(
				RuntimeOrigin::signed(carol()),
				job,
				[0xff; 32],
				proof(JobKind::Inference, job, &carol())
			),
			Error::<Test>::NonCanonicalCommitment
		);
		assert_ok!(submit(&carol(), job, JobKind::Inference));
		assert_paid(job, JobKind::Inference);
	});
}

#[test]
fn proofs_for_another_job_provider_model_input_or_circuit_are_refused() {
	new_test_ext().execute_with(|| {
		register(&carol());
		register(&dave());
		let kind = JobKind::Inference;
		let (model, input, output) = commitments(kind);
		let job = create(&alice(), kind, 20, None);
		accept(&carol(), job);
		let refuse = |proof: ProofOf| {
			assert_noop!(
				Inference::submit_result(RuntimeOrigin::signed(carol()), job, output, proof),
				Error::<Test>::InvalidProof
			);
		};
		// Made for another job id.
		refuse(proof(kind, job + 7, &carol()));
		// Made by another provider (stolen from the mempool).
		refuse(proof(kind, job, &dave()));
		// Dave cannot submit for Carol's job at all.
		assert_noop!(
			Inference::submit_result(
				RuntimeOrigin::signed(dave()),
				job,
				output,
				proof(kind, job, &dave())
			),
			Error::<Test>::NotJobProvider
		);

		// Another model, another input: jobs whose commitments differ from the proof's.
		let mut other = model;
		other[0] ^= 1;
		for (m, i) in [(other, input), (model, other)] {
			let id = crate::NextJobId::<Test>::get();
			assert_ok!(Inference::create_job(
				RuntimeOrigin::signed(alice()),
				kind,
				m,
				i,
				PAYMENT,
				20,
				None
			));
			accept(&carol(), id);
			assert_noop!(
				Inference::submit_result(
					RuntimeOrigin::signed(carol()),
					id,
					output,
					proof(kind, id, &carol())
				),
				Error::<Test>::InvalidProof
			);
		}

		// A proof of a different circuit: a LoRA job carrying the inference job's commitments.
		let id = crate::NextJobId::<Test>::get();
		assert_ok!(Inference::create_job(
			RuntimeOrigin::signed(bob()),
			JobKind::LoraStep,
			model,
			input,
			PAYMENT,
			20,
			None
		));
		accept(&dave(), id);
		// Refused before verification: an inference proof is not a LoRA proof's length.
		assert_noop!(
			Inference::submit_result(
				RuntimeOrigin::signed(dave()),
				id,
				output,
				proof(kind, id, &dave())
			),
			Error::<Test>::WrongProofLength
		);
	});
}

#[test]
fn acceptance_rules() {
	new_test_ext().execute_with(|| {
		let job = create(&alice(), JobKind::Inference, 20, Some(dave()));
		register(&carol());
		assert_noop!(
			Inference::accept_job(RuntimeOrigin::signed(carol()), job),
			Error::<Test>::NotDesignatedProvider
		);
		assert_noop!(
			Inference::accept_job(RuntimeOrigin::signed(dave()), job),
			Error::<Test>::NotProvider
		);
		register(&dave());
		accept(&dave(), job);
		assert_noop!(
			Inference::accept_job(RuntimeOrigin::signed(dave()), job),
			Error::<Test>::NotOpen
		);

		// A client cannot take its own job.
		let own = create(&carol(), JobKind::Inference, 20, None);
		assert_noop!(
			Inference::accept_job(RuntimeOrigin::signed(carol()), own),
			Error::<Test>::OwnJob
		);

		// Collateral comes from the free part of the bond: BOND covers six jobs at most, and
		// MAX_OPEN_JOBS caps them at four.
		let jobs: Vec<_> = (0..5).map(|_| create(&alice(), JobKind::Inference, 20, None)).collect();
		for job in &jobs[..4] {
			accept(&carol(), *job);
		}
		assert_noop!(
			Inference::accept_job(RuntimeOrigin::signed(carol()), jobs[4]),
			Error::<Test>::TooManyOpenJobs
		);
		// Unbonding is refused while jobs are open.
		assert_noop!(
			Inference::unbond(RuntimeOrigin::signed(carol()), BOND),
			Error::<Test>::ProviderHasOpenJobs
		);
		// An expired deadline cannot be accepted.
		let late = create(&bob(), JobKind::Inference, 2, None);
		run_to(3);
		assert_noop!(
			Inference::accept_job(RuntimeOrigin::signed(dave()), late),
			Error::<Test>::DeadlinePassed
		);
	});
}

#[test]
fn collateral_must_be_covered_by_the_free_bond() {
	new_test_ext().execute_with(|| {
		assert_ok!(Inference::register_provider(RuntimeOrigin::signed(carol()), MINIMUM_BOND));
		let jobs: Vec<_> = (0..4).map(|_| create(&alice(), JobKind::Inference, 20, None)).collect();
		// 1,000 covers three collaterals of 300.
		for job in &jobs[..3] {
			accept(&carol(), *job);
		}
		assert_noop!(
			Inference::accept_job(RuntimeOrigin::signed(carol()), jobs[3]),
			Error::<Test>::InsufficientBond
		);
		assert_ok!(Inference::bond_extra(RuntimeOrigin::signed(carol()), 200));
		accept(&carol(), jobs[3]);
		assert_eq!(held(HoldReason::ProviderBond, &carol()), MINIMUM_BOND + 200);
	});
}

#[test]
fn bonds_register_top_up_and_unbond_after_the_delay() {
	new_test_ext().execute_with(|| {
		assert_noop!(
			Inference::register_provider(RuntimeOrigin::signed(carol()), MINIMUM_BOND - 1),
			Error::<Test>::BondTooLow
		);
		assert_noop!(
			Inference::register_provider(RuntimeOrigin::signed(carol()), INITIAL_BALANCE * 2),
			Error::<Test>::InsufficientBalance
		);
		register(&carol());
		assert_noop!(
			Inference::register_provider(RuntimeOrigin::signed(carol()), BOND),
			Error::<Test>::AlreadyProvider
		);
		assert_ok!(Inference::bond_extra(RuntimeOrigin::signed(carol()), 500));
		// What stays must be zero or at least the minimum.
		assert_noop!(
			Inference::unbond(RuntimeOrigin::signed(carol()), BOND),
			Error::<Test>::BondTooLow
		);
		assert_ok!(Inference::unbond(RuntimeOrigin::signed(carol()), 1_500));
		assert_noop!(
			Inference::unbond(RuntimeOrigin::signed(carol()), 100),
			Error::<Test>::AlreadyUnbonding
		);
		// The unbonding part cannot back jobs: 1,000 free covers three collaterals.
		assert_eq!(
			crate::Pallet::<Test>::free_bond(&crate::Providers::<Test>::get(carol()).expect("p")),
			1_000
		);
		assert_noop!(
			Inference::withdraw_unbonded(RuntimeOrigin::signed(carol())),
			Error::<Test>::UnbondingNotReady
		);
		run_to(1 + UNBONDING_DELAY);
		assert_ok!(Inference::withdraw_unbonded(RuntimeOrigin::signed(carol())));
		assert_eq!(held(HoldReason::ProviderBond, &carol()), 1_000);
		assert_eq!(free(&carol()), INITIAL_BALANCE - 1_000);
		assert_noop!(
			Inference::withdraw_unbonded(RuntimeOrigin::signed(carol())),
			Error::<Test>::NotUnbonding
		);
	});
}

#[test]
fn job_creation_checks_its_arguments_before_holding_anything() {
	new_test_ext().execute_with(|| {
		let (model, input, _) = commitments(JobKind::Inference);
		let create = |model, payment, deadline| {
			Inference::create_job(
				RuntimeOrigin::signed(alice()),
				JobKind::Inference,
				model,
				input,
				payment,
				deadline,
				None,
			)
		};
		assert_noop!(create(model, MINIMUM_PAYMENT - 1, 20), Error::<Test>::PaymentTooLow);
		assert_noop!(create(model, PAYMENT, 1), Error::<Test>::DeadlineInPast);
		assert_noop!(create(model, PAYMENT, 2 + MAX_JOB_DURATION), Error::<Test>::DeadlineTooFar);
		assert_noop!(create([0xff; 32], PAYMENT, 20), Error::<Test>::NonCanonicalCommitment);
		assert_noop!(create(model, INITIAL_BALANCE * 2, 20), Error::<Test>::InsufficientBalance);
		for _ in 0..MAX_DUE_PER_BLOCK {
			assert_ok!(create(model, PAYMENT, 20));
		}
		assert_noop!(create(model, PAYMENT, 20), Error::<Test>::TooManyJobsDue);
		assert_ok!(create(model, PAYMENT, 21));
	});
}

#[test]
fn on_idle_work_is_bounded_and_resumes() {
	use crate::WeightInfo;
	new_test_ext().execute_with(|| {
		// Eight jobs fall due at block 4 and eight at block 5.
		let jobs: Vec<_> = (0..MAX_DUE_PER_BLOCK)
			.flat_map(|_| {
				[
					create(&alice(), JobKind::Inference, 3, None),
					create(&bob(), JobKind::Inference, 4, None),
				]
			})
			.collect();
		let ended = || jobs.iter().filter(|job| !status(**job).is_open()).count();
		// Full blocks: nothing is processed.
		run_to_with_idle(6, Weight::zero());
		assert_eq!(ended(), 0);
		assert_eq!(crate::DueCursor::<Test>::get(), 0);
		// At most MAX_DUE_PROCESSED items per call: blocks 0..=5 (six) and ten jobs.
		let unlimited = Weight::from_parts(u64::MAX, u64::MAX);
		crate::Pallet::<Test>::process_due_jobs(6, unlimited);
		assert_eq!(ended(), MAX_DUE_PROCESSED as usize - 6);
		// Weight for three more jobs only.
		let per_job = <() as WeightInfo>::process_due_job();
		crate::Pallet::<Test>::process_due_jobs(6, per_job.saturating_mul(3));
		assert_eq!(ended(), MAX_DUE_PROCESSED as usize - 6 + 3);
		// Later blocks finish the rest.
		run_to(8);
		assert!(jobs.iter().all(|job| status(*job) == JobStatus::Refunded { slashed: None }));
		assert_eq!(free(&alice()), INITIAL_BALANCE);
		assert_eq!(free(&bob()), INITIAL_BALANCE);
		assert_eq!(crate::DueCursor::<Test>::get(), 8);
		assert_eq!(crate::Pallet::<Test>::process_due_jobs(8, Weight::zero()), Weight::zero());
	});
}

/// What the pallet holds, over every account that can hold.
fn total_held() -> Balance {
	[alice(), bob(), carol(), dave()]
		.iter()
		.map(|who| held(HoldReason::JobPayment, who) + held(HoldReason::ProviderBond, who))
		.sum()
}

/// Payments of jobs that have not ended, plus every provider's bond.
fn owed() -> Balance {
	let payments: Balance = crate::Jobs::<Test>::iter_values()
		.filter(|job| job.status.is_open())
		.map(|job| job.payment)
		.sum();
	let bonds: Balance = crate::Providers::<Test>::iter_values().map(|p| p.bond).sum();
	payments + bonds
}

#[test]
fn escrow_invariant_holds_under_random_operation_sequences() {
	// Random sequences of every call (valid or not), with real proofs of commitment jobs.
	// After each step: what the pallet holds equals open payments plus bonds, total
	// issuance is unchanged, locked collateral matches the provider's open jobs, `OpenJobs`
	// counts the jobs that have not ended, and each job is paid out at most once.
	let clients = [alice(), bob()];
	let providers = [carol(), dave()];
	let mut outcomes: HashMap<&'static str, u32> = HashMap::new();
	for seed in 0..24u64 {
		new_test_ext().execute_with(|| {
			let mut rng = StdRng::seed_from_u64(seed);
			let issuance = Balances::total_issuance();
			for provider in &providers {
				assert_ok!(Inference::register_provider(
					RuntimeOrigin::signed(provider.clone()),
					BOND
				));
			}
			for _step in 0..60 {
				let jobs = crate::NextJobId::<Test>::get();
				let job = if jobs == 0 { 0 } else { rng.random_range(0..jobs) };
				let client = clients[rng.random_range(0..2)].clone();
				let provider = providers[rng.random_range(0..2)].clone();
				let kind = JobKind::Commitment;
				// Mostly the step that moves the chosen job on, sometimes any call at all.
				let meaningful = match crate::Jobs::<Test>::get(job).map(|j| j.status) {
					Some(JobStatus::Open) => [2, 7],
					Some(JobStatus::Accepted { .. }) => [3, 8],
					Some(JobStatus::Challenged { .. }) => [4, 5],
					Some(JobStatus::Disputed { .. }) => [6, 9],
					_ => [0, 11],
				};
				let op = if rng.random_bool(0.7) {
					meaningful[rng.random_range(0..2)]
				} else {
					rng.random_range(0..12)
				};
				let provider = match crate::Jobs::<Test>::get(job).map(|j| j.status) {
					Some(JobStatus::Accepted { provider }) if rng.random_bool(0.8) => provider,
					_ => provider,
				};
				let client = match crate::Jobs::<Test>::get(job) {
					Some(j) if rng.random_bool(0.8) => j.client,
					_ => client,
				};
				let _: Result<(), DispatchError> = match op {
					0 | 1 if jobs < 8 => {
						let (model, input, _) = commitments(kind);
						let deadline = System::block_number() + rng.random_range(1..6);
						Inference::create_job(
							RuntimeOrigin::signed(client),
							kind,
							model,
							input,
							PAYMENT,
							deadline,
							None,
						)
					},
					2 => Inference::accept_job(RuntimeOrigin::signed(provider), job),
					3 => Inference::submit_result(
						RuntimeOrigin::signed(provider.clone()),
						job,
						commitments(kind).2,
						proof(kind, job, &provider),
					)
					.map(|_| ())
					.map_err(|e| e.error),
					4 => Inference::accept_result(RuntimeOrigin::signed(client), job),
					5 => Inference::dispute(RuntimeOrigin::signed(client), job),
					6 => Inference::resolve_dispute(RuntimeOrigin::root(), job, rng.random()),
					7 => Inference::cancel_job(RuntimeOrigin::signed(client), job),
					8 => Inference::expire(RuntimeOrigin::signed(client), job),
					9 => Inference::finalize(RuntimeOrigin::signed(client), job),
					10 => Inference::bond_extra(RuntimeOrigin::signed(provider), 100),
					_ => {
						next_block_with_idle(if rng.random() {
							Weight::from_parts(u64::MAX, u64::MAX)
						} else {
							Weight::zero()
						});
						Ok(())
					},
				};
				assert_eq!(total_held(), owed(), "seed {seed}: escrow");
				let open = crate::Jobs::<Test>::iter_values().filter(|j| j.status.is_open());
				assert_eq!(crate::OpenJobs::<Test>::get() as usize, open.count(), "seed {seed}");
				assert_eq!(Balances::total_issuance(), issuance, "seed {seed}: issuance");
				for provider in &providers {
					let p = crate::Providers::<Test>::get(provider).expect("provider");
					let open = crate::ProviderJobs::<Test>::get(provider).len() as u32;
					assert_eq!(p.open_jobs, open, "seed {seed}");
					assert!(p.locked <= p.bond, "seed {seed}");
				}
			}
			let mut paid: HashMap<JobId, u32> = HashMap::new();
			for event in events() {
				let outcome = match &event {
					Event::JobCompleted { .. } => "completed",
					Event::ProviderSlashed { .. } => "slashed",
					Event::JobCancelled { .. } => "cancelled",
					Event::JobExpired { .. } => "expired",
					Event::JobDisputed { .. } => "disputed",
					_ => "other",
				};
				*outcomes.entry(outcome).or_default() += 1;
				match event {
					Event::JobCompleted { job_id, .. }
					| Event::JobCancelled { job_id }
					| Event::JobExpired { job_id } => *paid.entry(job_id).or_default() += 1,
					Event::DisputeResolved { job_id, for_provider: false } => {
						*paid.entry(job_id).or_default() += 1
					},
					_ => {},
				}
			}
			assert!(
				paid.values().all(|count| *count == 1),
				"seed {seed}: a job ended twice: {paid:?}"
			);
		});
	}
	// The sequences reached every way a job ends.
	for outcome in ["completed", "slashed", "cancelled", "expired", "disputed"] {
		assert!(outcomes.get(outcome).copied().unwrap_or(0) > 0, "no {outcome} in {outcomes:?}");
	}
}

#[test]
fn unsigned_origins_are_refused() {
	new_test_ext().execute_with(|| {
		assert_noop!(Inference::register_provider(RuntimeOrigin::none(), BOND), BadOrigin);
		assert_noop!(Inference::finalize(RuntimeOrigin::none(), 0), DispatchError::BadOrigin);
	});
}

#[test]
fn a_result_proof_of_any_other_length_is_refused() {
	new_test_ext().execute_with(|| {
		register(&carol());
		for kind in KINDS {
			let job = create(&alice(), kind, 20, None);
			accept(&carol(), job);
			let (_, _, output) = commitments(kind);
			let exact = proof(kind, job, &carol()).to_vec();
			let mut padded_1 = exact.clone();
			padded_1.push(0);
			let mut padded_100 = exact.clone();
			padded_100.extend([0u8; 100]);
			let short = exact[..exact.len() - 1].to_vec();
			for bad in [padded_1, padded_100, short] {
				// A commitment proof with 100 bytes appended still fits the bound; the
				// longer ones do not even decode.
				let Ok(bad) = ProofOf::try_from(bad) else {
					assert_ne!(kind, JobKind::Commitment);
					continue;
				};
				assert_noop!(
					Inference::submit_result(RuntimeOrigin::signed(carol()), job, output, bad),
					Error::<Test>::WrongProofLength
				);
			}
			assert_ok!(submit(&carol(), job, kind));
		}
	});
}

#[test]
fn the_runtime_chooses_each_kinds_circuit_version() {
	new_test_ext().execute_with(|| {
		register(&carol());
		let job = create(&alice(), JobKind::Inference, 20, None);
		accept(&carol(), job);
		assert_eq!(Inference::circuit(JobKind::Inference), InferenceCircuit::get());
		// An inference proof checked as version 2, which no node verifies: refused clearly.
		InferenceCircuit::set(&CircuitId::new(sable_zk_host::circuits::POI_INFERENCE, 2));
		assert_noop!(submit(&carol(), job, JobKind::Inference), Error::<Test>::UnknownCircuit);
		InferenceCircuit::set(&sable_zk_host::circuits::POI_INFERENCE_V1.id);
		assert_ok!(submit(&carol(), job, JobKind::Inference));
	});
}
