//! Tests of the proof-of-inference pallet with real Halo2 proofs verified natively through
//! the `zk_verifier` host functions. Each economic rule is tested as the attack it stops
//! (`docs/poi.md`, "Attacks").

use std::{
	collections::HashMap,
	sync::{Mutex, OnceLock},
};

use frame_support::{
	assert_noop, assert_ok,
	traits::{
		fungible::{Inspect, InspectHold},
		Get,
	},
	weights::{RuntimeDbWeight, Weight},
};
use rand::{rngs::StdRng, RngExt, SeedableRng};
use sable_inference_proofs::{job::JobWitness, samples};
use sable_zk_host::{circuits, CircuitId};
use sp_runtime::{traits::BadOrigin, DispatchError};

use crate::{
	mock::*, Commitment, Error, Event, HoldReason, JobId, JobStatus, ModelId, OutputOf, ProofOf,
	Timeline,
};

mod inference;

const PAYMENT: Balance = 10_000;
/// 10% of `PAYMENT`, above the minimum collateral.
const COLLATERAL: Balance = 1_000;
/// 5% of `PAYMENT`, above the minimum dispute deposit.
const DISPUTE_DEPOSIT: Balance = PAYMENT / 20;
const BOND: Balance = 3_000;
const PRICE: Balance = 500;
const REQUEST: [u8; 16] = [7; 16];
const JOB_DEPOSIT: Balance = JOB_DEPOSIT_BASE + 16 * JOB_DEPOSIT_PER_BYTE;

/// The sample commitment job: its model, input and output openings.
fn witness() -> &'static JobWitness {
	static WITNESS: OnceLock<JobWitness> = OnceLock::new();
	WITNESS.get_or_init(|| samples::commitment(1))
}

/// `(model, input, output)` commitments of the sample commitment job.
fn commitments() -> (Commitment, Commitment, Commitment) {
	let s = witness().statement(0, [0; 32]);
	(s.model, s.input, s.output[0])
}

fn output() -> OutputOf {
	OutputOf::truncate_from(vec![commitments().2])
}

/// A real proof of the sample commitment job for `job_id` and `provider` (cached per run).
fn proof(job_id: JobId, provider: &AccountId) -> ProofOf {
	type ProofCache = Mutex<HashMap<(JobId, [u8; 32]), Vec<u8>>>;
	static PROOFS: OnceLock<ProofCache> = OnceLock::new();
	let provider: [u8; 32] = *provider.as_ref();
	let cache = PROOFS.get_or_init(Default::default);
	if let Some(proof) = cache.lock().expect("cache").get(&(job_id, provider)) {
		return proof.clone().try_into().expect("fits");
	}
	let mut rng = StdRng::seed_from_u64(job_id);
	let proven = witness().prove(job_id, provider, &mut rng).expect("proves");
	cache.lock().expect("cache").insert((job_id, provider), proven.proof.clone());
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

/// Registers `provider` (if needed) and a commitment model of it.
fn commitment_model(provider: &AccountId) -> ModelId {
	if crate::Providers::<Test>::get(provider).is_none() {
		register(provider);
	}
	let id = crate::NextModelId::<Test>::get();
	assert_ok!(Inference::register_model(
		RuntimeOrigin::signed(provider.clone()),
		circuits::POI_COMMITMENT_V1.id,
		commitments().0,
		PRICE,
		[1; 32],
		[2; 32],
	));
	id
}

fn create_paying(client: &AccountId, model: ModelId, payment: Balance, deadline: u64) -> JobId {
	let id = crate::NextJobId::<Test>::get();
	assert_ok!(Inference::create_job(
		RuntimeOrigin::signed(client.clone()),
		model,
		commitments().1,
		None,
		REQUEST.to_vec().try_into().expect("fits"),
		payment,
		deadline,
	));
	id
}

fn create(client: &AccountId, model: ModelId, deadline: u64) -> JobId {
	create_paying(client, model, PAYMENT, deadline)
}

fn accept(provider: &AccountId, job_id: JobId) {
	assert_ok!(Inference::accept_job(RuntimeOrigin::signed(provider.clone()), job_id));
}

fn submit(provider: &AccountId, job_id: JobId) -> frame_support::dispatch::DispatchResultWithPostInfo {
	Inference::submit_result(
		RuntimeOrigin::signed(provider.clone()),
		job_id,
		output(),
		proof(job_id, provider),
	)
}

fn status(job_id: JobId) -> JobStatus<Balance, u64> {
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

fn reason(text: &str) -> crate::ReasonOf<Test> {
	text.as_bytes().to_vec().try_into().expect("fits")
}

/// Carol serves a commitment model; Alice's job for it is accepted and proven. Returns the
/// job and the block its challenge window ends.
fn challenged_job() -> (JobId, u64) {
	let model = commitment_model(&carol());
	let job = create(&alice(), model, 20);
	accept(&carol(), job);
	assert_ok!(submit(&carol(), job));
	let JobStatus::Challenged { ends } = status(job) else { panic!("challenged") };
	(job, ends)
}

/// Alice paid Carol for `job`: payment minus fee to Carol, fee to the collector, Carol's
/// bond unlocked, Alice's job deposit still held until pruning.
fn assert_paid(job: JobId) {
	assert!(matches!(status(job), JobStatus::Completed { .. }));
	assert_eq!(held(HoldReason::JobPayment, &alice()), 0);
	assert_eq!(held(HoldReason::JobDeposit, &alice()), JOB_DEPOSIT);
	assert_eq!(free(&collector()), EXISTENTIAL_DEPOSIT + fee(PAYMENT));
	assert_eq!(held(HoldReason::ProviderBond, &carol()), BOND);
	let provider = crate::Providers::<Test>::get(carol()).expect("provider");
	assert_eq!((provider.locked, provider.open_jobs, provider.completed), (0, 0, 1));
	assert!(crate::ProviderJobs::<Test>::get(carol()).is_empty());
	assert_eq!(crate::Results::<Test>::get(job), Some(output()));
	assert!(events().contains(&Event::JobCompleted {
		job_id: job,
		provider: carol(),
		output: output(),
		paid: PAYMENT - fee(PAYMENT),
		fee: fee(PAYMENT),
	}));
}

// Models.

#[test]
fn models_are_registered_by_providers_with_a_deposit() {
	new_test_ext().execute_with(|| {
		let register_model = |who: AccountId, circuit: CircuitId, commitment: Commitment| {
			Inference::register_model(
				RuntimeOrigin::signed(who),
				circuit,
				commitment,
				PRICE,
				[1; 32],
				[2; 32],
			)
		};
		let circuit = circuits::POI_COMMITMENT_V1.id;
		let model = commitments().0;
		assert_noop!(register_model(carol(), circuit, model), Error::<Test>::NotProvider);
		register(&carol());
		assert_noop!(
			register_model(carol(), circuits::TRANSFER_V1.id, model),
			Error::<Test>::CircuitNotAccepted
		);
		assert_noop!(
			register_model(carol(), CircuitId::new(circuits::POI_COMMITMENT, 99), model),
			Error::<Test>::CircuitNotAccepted
		);
		Refused::set(&Some(circuit));
		assert_noop!(register_model(carol(), circuit, model), Error::<Test>::CircuitNotAccepted);
		Refused::set(&None);
		assert_noop!(
			register_model(carol(), circuit, [0xff; 32]),
			Error::<Test>::NonCanonicalCommitment
		);
		assert_ok!(register_model(carol(), circuit, model));
		assert_eq!(held(HoldReason::ModelDeposit, &carol()), MODEL_DEPOSIT);
		let stored = crate::Models::<Test>::get(0).expect("stored");
		assert_eq!((stored.provider, stored.circuit, stored.price), (carol(), circuit, PRICE));
		assert_eq!((stored.retired, stored.open_jobs, stored.deposit), (false, 0, MODEL_DEPOSIT));
	});
}

#[test]
fn a_retired_model_takes_no_jobs_or_results_and_disappears_after_its_last_job() {
	new_test_ext().execute_with(|| {
		let model = commitment_model(&carol());
		let job = create(&alice(), model, 20);
		accept(&carol(), job);
		assert_noop!(
			Inference::retire_model(RuntimeOrigin::signed(dave()), model),
			Error::<Test>::NotModelProvider
		);
		assert_ok!(Inference::retire_model(RuntimeOrigin::signed(carol()), model));
		// A result for a retired model is refused and changes nothing.
		assert_noop!(submit(&carol(), job), Error::<Test>::ModelRetired);
		assert_noop!(
			Inference::create_job(
				RuntimeOrigin::signed(bob()),
				model,
				commitments().1,
				None,
				Default::default(),
				PAYMENT,
				20
			),
			Error::<Test>::ModelRetired
		);
		// Still stored while its job is open; removed with the deposit back when it ends.
		assert!(crate::Models::<Test>::contains_key(model));
		assert_eq!(held(HoldReason::ModelDeposit, &carol()), MODEL_DEPOSIT);
		run_to(22);
		assert!(matches!(status(job), JobStatus::Refunded { slashed: true, .. }));
		assert!(!crate::Models::<Test>::contains_key(model));
		assert_eq!(held(HoldReason::ModelDeposit, &carol()), 0);
		assert!(events().contains(&Event::ModelRemoved { model_id: model }));
		// An unused model goes at once.
		let unused = commitment_model(&carol());
		assert_ok!(Inference::retire_model(RuntimeOrigin::signed(carol()), unused));
		assert!(!crate::Models::<Test>::contains_key(unused));
	});
}

// Jobs.

#[test]
fn job_creation_checks_its_arguments_before_holding_anything() {
	new_test_ext().execute_with(|| {
		let model = commitment_model(&carol());
		let (_, input, _) = commitments();
		let attempt = |who: AccountId, model, input, delivery, payment, deadline| {
			Inference::create_job(
				RuntimeOrigin::signed(who),
				model,
				input,
				delivery,
				REQUEST.to_vec().try_into().expect("fits"),
				payment,
				deadline,
			)
		};
		assert_noop!(attempt(alice(), 9, input, None, PAYMENT, 20), Error::<Test>::UnknownModel);
		assert_noop!(attempt(carol(), model, input, None, PAYMENT, 20), Error::<Test>::OwnJob);
		assert_noop!(
			attempt(alice(), model, input, None, PRICE - 1, 20),
			Error::<Test>::PaymentTooLow
		);
		assert_noop!(attempt(alice(), model, input, None, PAYMENT, 1), Error::<Test>::DeadlineInPast);
		assert_noop!(
			attempt(alice(), model, input, None, PAYMENT, 2 + MAX_JOB_DURATION),
			Error::<Test>::DeadlineTooFar
		);
		assert_noop!(
			attempt(alice(), model, input, Some(input), PAYMENT, 20),
			Error::<Test>::DeliveryMismatch
		);
		assert_noop!(
			attempt(alice(), model, [0xff; 32], None, PAYMENT, 20),
			Error::<Test>::NonCanonicalCommitment
		);
		assert_noop!(
			attempt(alice(), model, input, None, INITIAL_BALANCE * 2, 20),
			Error::<Test>::InsufficientBalance
		);
		let job = create_paying(&alice(), model, PAYMENT, 20);
		assert_eq!(held(HoldReason::JobPayment, &alice()), PAYMENT);
		assert_eq!(held(HoldReason::JobDeposit, &alice()), JOB_DEPOSIT);
		assert_eq!(crate::Requests::<Test>::get(job).map(|r| r.into_inner()), Some(REQUEST.to_vec()));
		assert_eq!(crate::Models::<Test>::get(model).map(|m| m.open_jobs), Some(1));
		for _ in 1..MAX_DUE_PER_BLOCK {
			create(&alice(), model, 20);
		}
		assert_noop!(attempt(alice(), model, input, None, PAYMENT, 20), Error::<Test>::TooManyJobsDue);
		create(&alice(), model, 21);
	});
}

#[test]
fn only_the_models_provider_accepts_with_collateral_scaled_to_the_payment() {
	new_test_ext().execute_with(|| {
		let model = commitment_model(&carol());
		register(&dave());
		let job = create(&alice(), model, 20);
		assert_noop!(
			Inference::accept_job(RuntimeOrigin::signed(dave()), job),
			Error::<Test>::NotJobProvider
		);
		accept(&carol(), job);
		assert_eq!(crate::Jobs::<Test>::get(job).map(|j| j.collateral), Some(COLLATERAL));
		assert_noop!(Inference::accept_job(RuntimeOrigin::signed(carol()), job), Error::<Test>::NotOpen);
		// A small job locks the minimum collateral.
		let small = create_paying(&alice(), model, PRICE, 20);
		accept(&carol(), small);
		assert_eq!(crate::Jobs::<Test>::get(small).map(|j| j.collateral), Some(MINIMUM_COLLATERAL));
		let late = create(&bob(), model, 3);
		run_to(4);
		assert_noop!(
			Inference::accept_job(RuntimeOrigin::signed(carol()), late),
			Error::<Test>::DeadlinePassed
		);
	});
}

/// Attack on flat collateral (one fixed amount whatever the payment): a provider takes a
/// large job, keeps the work or never does it, and loses only the flat amount. Now what is
/// at stake grows with the payment, so a bond that covers small jobs cannot take big ones.
#[test]
fn attack_collateral_not_scaled_to_the_payment() {
	new_test_ext().execute_with(|| {
		let model = commitment_model(&carol());
		let big_payment = 50 * PAYMENT;
		let big = create_paying(&alice(), model, big_payment, 20);
		// Carol's 3,000 bond would cover a flat collateral, but not 10% of 500,000.
		assert_noop!(
			Inference::accept_job(RuntimeOrigin::signed(carol()), big),
			Error::<Test>::InsufficientBond
		);
		assert_ok!(Inference::bond_extra(RuntimeOrigin::signed(carol()), big_payment / 10));
		accept(&carol(), big);
		// If Carol lets it expire, Alice receives the scaled collateral.
		let before = free(&alice());
		run_to(22);
		assert_eq!(free(&alice()), before + big_payment + big_payment / 10);
		assert!(events().contains(&Event::ProviderSlashed {
			job_id: big,
			provider: carol(),
			amount: big_payment / 10
		}));
	});
}

#[test]
fn a_missed_deadline_refunds_the_client_and_slashes_only_the_jobs_collateral() {
	new_test_ext().execute_with(|| {
		let model = commitment_model(&carol());
		let job = create(&alice(), model, 5);
		accept(&carol(), job);
		assert_noop!(Inference::expire(RuntimeOrigin::signed(bob()), job), Error::<Test>::DeadlineNotPassed);
		run_to(6);
		assert_noop!(submit(&carol(), job), Error::<Test>::DeadlinePassed);
		// Anyone may expire it when on_idle had no room.
		assert_ok!(Inference::expire(RuntimeOrigin::signed(bob()), job));
		assert!(matches!(status(job), JobStatus::Refunded { slashed: true, .. }));
		assert_eq!(free(&alice()), INITIAL_BALANCE - JOB_DEPOSIT + COLLATERAL);
		assert_eq!(held(HoldReason::ProviderBond, &carol()), BOND - COLLATERAL);
		let provider = crate::Providers::<Test>::get(carol()).expect("provider");
		assert_eq!((provider.bond, provider.locked, provider.expired, provider.slashed), (BOND - COLLATERAL, 0, 1, 1));
	});
}

#[test]
fn cancel_refunds_an_open_job_only() {
	new_test_ext().execute_with(|| {
		let model = commitment_model(&carol());
		let job = create(&alice(), model, 20);
		assert_noop!(Inference::cancel_job(RuntimeOrigin::signed(bob()), job), Error::<Test>::NotClient);
		assert_ok!(Inference::cancel_job(RuntimeOrigin::signed(alice()), job));
		assert!(matches!(status(job), JobStatus::Cancelled { .. }));
		assert_eq!(held(HoldReason::JobPayment, &alice()), 0);
		assert_eq!(crate::Requests::<Test>::get(job), None);
		let accepted = create(&alice(), model, 20);
		accept(&carol(), accepted);
		assert_noop!(
			Inference::cancel_job(RuntimeOrigin::signed(alice()), accepted),
			Error::<Test>::NotOpen
		);
	});
}

#[test]
fn an_invalid_proof_changes_nothing_and_the_provider_may_resubmit() {
	new_test_ext().execute_with(|| {
		let model = commitment_model(&carol());
		let job = create(&alice(), model, 20);
		accept(&carol(), job);
		let submit_with = |output: OutputOf, proof: ProofOf| {
			Inference::submit_result(RuntimeOrigin::signed(carol()), job, output, proof)
		};
		assert_noop!(submit_with(output(), tampered(proof(job, &carol()))), Error::<Test>::InvalidProof);
		// Another job's proof, another provider's proof, another output.
		assert_noop!(submit_with(output(), proof(job + 1, &carol())), Error::<Test>::InvalidProof);
		assert_noop!(submit_with(output(), proof(job, &dave())), Error::<Test>::InvalidProof);
		let other = OutputOf::truncate_from(vec![commitments().1]);
		assert_noop!(submit_with(other, proof(job, &carol())), Error::<Test>::InvalidProof);
		// The wrong number of output elements is refused before verification.
		let two = OutputOf::truncate_from(vec![commitments().2; 2]);
		assert_noop!(submit_with(two, proof(job, &carol())), Error::<Test>::WrongOutputLength);
		assert_noop!(submit_with(Default::default(), proof(job, &carol())), Error::<Test>::WrongOutputLength);
		// Proofs of any other length.
		let exact = proof(job, &carol()).to_vec();
		let mut longer = exact.clone();
		longer.push(0);
		for bad in [longer, exact[..exact.len() - 1].to_vec()] {
			assert_noop!(
				submit_with(output(), bad.try_into().expect("fits")),
				Error::<Test>::WrongProofLength
			);
		}
		assert_noop!(
			Inference::submit_result(RuntimeOrigin::signed(dave()), job, output(), proof(job, &dave())),
			Error::<Test>::NotJobProvider
		);
		assert_ok!(submit(&carol(), job));
	});
}

// Commitment results: challenge windows and disputes.

#[test]
fn a_commitment_result_settles_when_accepted_or_after_its_window() {
	new_test_ext().execute_with(|| {
		let (job, ends) = challenged_job();
		assert_eq!(ends, 1 + CHALLENGE_PERIOD);
		assert_noop!(
			Inference::accept_result(RuntimeOrigin::signed(bob()), job),
			Error::<Test>::NotClient
		);
		assert_ok!(Inference::accept_result(RuntimeOrigin::signed(alice()), job));
		assert_paid(job);
	});
	new_test_ext().execute_with(|| {
		let (job, ends) = challenged_job();
		assert_noop!(Inference::finalize(RuntimeOrigin::signed(bob()), job), Error::<Test>::WindowNotOver);
		run_to_with_idle(ends + 1, Weight::zero());
		// Blocks were full: anyone may finalize.
		assert_ok!(Inference::finalize(RuntimeOrigin::signed(bob()), job));
		assert_paid(job);
	});
	new_test_ext().execute_with(|| {
		let (job, ends) = challenged_job();
		run_to(ends + 1);
		assert_paid(job);
	});
}

#[test]
fn disputes_are_decided_either_way_within_their_window() {
	new_test_ext().execute_with(|| {
		let (job, _) = challenged_job();
		assert_ok!(Inference::dispute(RuntimeOrigin::signed(alice()), job, reason("wrong")));
		assert_noop!(
			Inference::resolve_dispute(RuntimeOrigin::signed(alice()), job, false),
			BadOrigin
		);
		assert_ok!(Inference::resolve_dispute(RuntimeOrigin::root(), job, true));
		// The provider is paid and receives the frivolous dispute's deposit.
		assert_paid(job);
		assert_eq!(held(HoldReason::DisputeDeposit, &alice()), 0);
		assert_eq!(free(&carol()), INITIAL_BALANCE - BOND - MODEL_DEPOSIT + PAYMENT - fee(PAYMENT) + DISPUTE_DEPOSIT);
	});
	new_test_ext().execute_with(|| {
		let (job, _) = challenged_job();
		assert_ok!(Inference::dispute(RuntimeOrigin::signed(alice()), job, reason("wrong")));
		assert_ok!(Inference::resolve_dispute(RuntimeOrigin::root(), job, false));
		// Refunded, deposit back, and the job's collateral (only it) slashed to the client.
		assert!(matches!(status(job), JobStatus::Refunded { slashed: true, .. }));
		assert_eq!(free(&alice()), INITIAL_BALANCE - JOB_DEPOSIT + COLLATERAL);
		assert_eq!(held(HoldReason::ProviderBond, &carol()), BOND - COLLATERAL);
		assert_eq!(crate::Providers::<Test>::get(carol()).map(|p| p.disputed), Some(1));
	});
}

/// Attack on free, endless disputes (no deposit, no deadline, only root ends them): a client
/// disputes every honest result to delay payment forever at no cost. Now a dispute needs a
/// reason and a deposit, and when nobody decides it in time the result stands.
#[test]
fn attack_free_dispute() {
	new_test_ext().execute_with(|| {
		let (job, _) = challenged_job();
		assert_noop!(
			Inference::dispute(RuntimeOrigin::signed(alice()), job, reason("")),
			Error::<Test>::EmptyReason
		);
		assert_noop!(
			Inference::dispute(RuntimeOrigin::signed(bob()), job, reason("no")),
			Error::<Test>::NotClient
		);
		let before = free(&alice());
		assert_ok!(Inference::dispute(RuntimeOrigin::signed(alice()), job, reason("no reason")));
		assert_eq!(held(HoldReason::DisputeDeposit, &alice()), DISPUTE_DEPOSIT);
		assert_eq!(free(&alice()), before - DISPUTE_DEPOSIT);
		let JobStatus::Disputed { ends, deposit } = status(job) else { panic!("disputed") };
		assert_eq!((ends, deposit), (1 + DISPUTE_PERIOD, DISPUTE_DEPOSIT));
		assert_noop!(Inference::finalize(RuntimeOrigin::signed(carol()), job), Error::<Test>::WindowNotOver);
		// Nobody decides: after the window the result stands, by itself.
		run_to(ends + 1);
		assert_paid(job);
		assert!(events().contains(&Event::DisputeLapsed { job_id: job }));
		assert_eq!(held(HoldReason::DisputeDeposit, &alice()), 0);
		assert_noop!(
			Inference::resolve_dispute(RuntimeOrigin::root(), job, false),
			Error::<Test>::NotDisputed
		);
	});
	new_test_ext().execute_with(|| {
		// The dispute origin is too late once the window is over.
		let (job, _) = challenged_job();
		assert_ok!(Inference::dispute(RuntimeOrigin::signed(alice()), job, reason("r")));
		run_to_with_idle(2 + DISPUTE_PERIOD, Weight::zero());
		assert_noop!(
			Inference::resolve_dispute(RuntimeOrigin::root(), job, false),
			Error::<Test>::DisputeOver
		);
		// The deposit scales with the payment: 5% of a large job.
		let model = crate::Jobs::<Test>::get(job).expect("job").model;
		assert_ok!(Inference::bond_extra(RuntimeOrigin::signed(carol()), 40_000));
		let big = create_paying(&bob(), model, 40 * PAYMENT, 40);
		accept(&carol(), big);
		assert_ok!(submit(&carol(), big));
		assert_ok!(Inference::dispute(RuntimeOrigin::signed(bob()), big, reason("r")));
		assert_eq!(held(HoldReason::DisputeDeposit, &bob()), 40 * PAYMENT / 20);
	});
}

/// Attack on the bond freeze (unbonding refused while any job is open): a 0.1 SBL job
/// disputed forever kept a provider's whole bond locked. Now only the job's collateral is
/// locked, for at most the dispute window.
#[test]
fn attack_bond_freeze_by_an_open_job() {
	new_test_ext().execute_with(|| {
		let (job, _) = challenged_job();
		assert_ok!(Inference::dispute(RuntimeOrigin::signed(alice()), job, reason("r")));
		// Carol unbonds everything the job does not lock, keeping the minimum bond.
		let provider = crate::Providers::<Test>::get(carol()).expect("provider");
		assert_eq!(Inference::free_bond(&provider), BOND - COLLATERAL);
		assert_noop!(
			Inference::unbond(RuntimeOrigin::signed(carol()), BOND - COLLATERAL + 1),
			Error::<Test>::InsufficientBond
		);
		assert_ok!(Inference::unbond(RuntimeOrigin::signed(carol()), BOND - MINIMUM_BOND));
		run_to_with_idle(1 + UNBONDING_DELAY, Weight::zero());
		assert_ok!(Inference::withdraw_unbonded(RuntimeOrigin::signed(carol())));
		assert_eq!(held(HoldReason::ProviderBond, &carol()), MINIMUM_BOND);
		// The job still runs, with its collateral intact.
		assert!(matches!(status(job), JobStatus::Disputed { .. }));
		assert_ok!(Inference::finalize(RuntimeOrigin::signed(carol()), job));
		assert!(matches!(status(job), JobStatus::Completed { .. }));
		assert_eq!(crate::Providers::<Test>::get(carol()).map(|p| p.locked), Some(0));
	});
}

/// The minimum bond holds after partial withdrawals and after slashes.
#[test]
fn the_minimum_bond_holds_after_withdrawals_and_slashes() {
	new_test_ext().execute_with(|| {
		let model = commitment_model(&carol());
		assert_noop!(
			Inference::unbond(RuntimeOrigin::signed(carol()), BOND - MINIMUM_BOND + 1),
			Error::<Test>::BondTooLow
		);
		assert_noop!(Inference::unbond(RuntimeOrigin::signed(carol()), 0), Error::<Test>::InsufficientBond);
		// Two slashes of 1,200 take Carol's bond below the minimum: she can take no more
		// jobs, although her free bond would cover a small one's collateral.
		for deadline in [3, 4] {
			let job = create_paying(&alice(), model, 12_000, deadline);
			accept(&carol(), job);
		}
		run_to(6);
		let bond = crate::Providers::<Test>::get(carol()).expect("provider").bond;
		assert_eq!(bond, BOND - 2 * 1_200);
		assert!(bond < MINIMUM_BOND);
		let job = create_paying(&alice(), model, PRICE, 20);
		assert_noop!(Inference::accept_job(RuntimeOrigin::signed(carol()), job), Error::<Test>::BondTooLow);
		// She may top up, or leave with all of it.
		assert_noop!(Inference::unbond(RuntimeOrigin::signed(carol()), bond - 1), Error::<Test>::BondTooLow);
		assert_ok!(Inference::unbond(RuntimeOrigin::signed(carol()), bond));
	});
}

#[test]
fn bonds_register_top_up_and_withdraw_after_the_delay() {
	new_test_ext().execute_with(|| {
		assert_noop!(
			Inference::register_provider(RuntimeOrigin::signed(carol()), MINIMUM_BOND - 1),
			Error::<Test>::BondTooLow
		);
		register(&carol());
		assert_noop!(
			Inference::register_provider(RuntimeOrigin::signed(carol()), BOND),
			Error::<Test>::AlreadyProvider
		);
		assert_ok!(Inference::bond_extra(RuntimeOrigin::signed(carol()), 500));
		assert_ok!(Inference::unbond(RuntimeOrigin::signed(carol()), 500));
		assert_noop!(Inference::unbond(RuntimeOrigin::signed(carol()), 1), Error::<Test>::AlreadyUnbonding);
		assert_noop!(
			Inference::withdraw_unbonded(RuntimeOrigin::signed(carol())),
			Error::<Test>::UnbondingNotReady
		);
		run_to(1 + UNBONDING_DELAY);
		assert_ok!(Inference::withdraw_unbonded(RuntimeOrigin::signed(carol())));
		assert_eq!(held(HoldReason::ProviderBond, &carol()), BOND);
		assert_noop!(Inference::withdraw_unbonded(RuntimeOrigin::signed(carol())), Error::<Test>::NotUnbonding);
	});
}

// Queues.

/// Attack on the expiry queue (cancelled jobs kept their slot; a commitment result needed a
/// slot at its challenge end): filler jobs created and cancelled at no cost filled the
/// block where an honest result's window would end, so `submit_result` failed with
/// `TooManyJobsDue`, the job expired and the client took the provider's collateral.
#[test]
fn attack_expiry_queue_filling_by_create_and_cancel() {
	new_test_ext().execute_with(|| {
		let model = commitment_model(&carol());
		let job = create(&alice(), model, 20);
		accept(&carol(), job);
		// Bob fills the block where the window would end, and the next, then cancels all.
		let window_end = 1 + CHALLENGE_PERIOD;
		let fillers: Vec<_> = (0..MAX_DUE_PER_BLOCK)
			.flat_map(|_| [create(&bob(), model, window_end - 1), create(&bob(), model, window_end)])
			.collect();
		assert_eq!(crate::Due::<Test>::get(window_end).len() as u32, MAX_DUE_PER_BLOCK);
		for filler in &fillers {
			assert_ok!(Inference::cancel_job(RuntimeOrigin::signed(bob()), *filler));
		}
		// Cancelling freed every slot.
		assert!(crate::Due::<Test>::get(window_end).is_empty());
		for _ in 0..MAX_DUE_PER_BLOCK {
			create(&bob(), model, window_end - 1);
		}
		// Bob holds a full block with live jobs: Carol's result is still accepted.
		assert_eq!(crate::Due::<Test>::get(window_end).len() as u32, MAX_DUE_PER_BLOCK);
		assert_ok!(submit(&carol(), job));
		assert_eq!(status(job), JobStatus::Challenged { ends: window_end });
		// Its deadline slot was freed when the result arrived.
		assert!(!crate::Due::<Test>::get(21).contains(&job));
		run_to(window_end + 1);
		assert_paid(job);
	});
}

#[test]
fn ended_jobs_are_pruned_after_the_retention_period_and_their_deposit_returned() {
	new_test_ext().execute_with(|| {
		let model = commitment_model(&carol());
		let job = create(&alice(), model, 20);
		assert_ok!(Inference::cancel_job(RuntimeOrigin::signed(alice()), job));
		assert_noop!(Inference::prune_job(RuntimeOrigin::signed(bob()), job), Error::<Test>::NotPrunable);
		let open = create(&alice(), model, 30);
		assert_noop!(Inference::prune_job(RuntimeOrigin::signed(bob()), open), Error::<Test>::NotPrunable);
		run_to_with_idle(1 + RETENTION_PERIOD, Weight::zero());
		assert_ok!(Inference::prune_job(RuntimeOrigin::signed(bob()), job));
		assert!(!crate::Jobs::<Test>::contains_key(job));
		assert!(events().contains(&Event::JobPruned { job_id: job, deposit: JOB_DEPOSIT }));
		// The stale retention entry is skipped; the other job is pruned by on_idle.
		assert_ok!(Inference::cancel_job(RuntimeOrigin::signed(alice()), open));
		run_to(2 + 2 * RETENTION_PERIOD);
		assert!(!crate::Jobs::<Test>::contains_key(open));
		assert_eq!(held(HoldReason::JobDeposit, &alice()), 0);
		assert_eq!(free(&alice()), INITIAL_BALANCE);
		let (head, next) = crate::TimelineBounds::<Test>::get(Timeline::Retention);
		assert_eq!((head, next), (2, 2));
	});
}

#[test]
fn on_idle_work_is_bounded_and_resumes() {
	use crate::WeightInfo;
	new_test_ext().execute_with(|| {
		let model = commitment_model(&carol());
		// Eight jobs fall due at block 4 and eight at block 5.
		let jobs: Vec<_> = (0..MAX_DUE_PER_BLOCK)
			.flat_map(|_| [create(&alice(), model, 3), create(&bob(), model, 4)])
			.collect();
		let ended = || jobs.iter().filter(|job| !status(**job).is_open()).count();
		run_to_with_idle(6, Weight::zero());
		assert_eq!(ended(), 0);
		// At most MAX_DUE_PROCESSED items per call: blocks 0..=5 (six) and ten jobs.
		let unlimited = Weight::from_parts(u64::MAX, u64::MAX);
		crate::Pallet::<Test>::process_due(6, unlimited);
		assert_eq!(ended(), MAX_DUE_PROCESSED as usize - 6);
		let per_job = <() as WeightInfo>::process_due_job();
		let db = <<Test as frame_system::Config>::DbWeight as Get<RuntimeDbWeight>>::get();
		let per_step = db.reads_writes(1, 1);
		crate::Pallet::<Test>::process_due(6, per_job.saturating_add(per_step).saturating_mul(3));
		assert!(ended() > MAX_DUE_PROCESSED as usize - 6);
		assert!(ended() <= MAX_DUE_PROCESSED as usize - 6 + 3);
		run_to(8);
		assert!(jobs.iter().all(|job| matches!(status(*job), JobStatus::Refunded { slashed: false, .. })));
		assert_eq!(crate::DueCursor::<Test>::get(), 8);
		assert_eq!(crate::Pallet::<Test>::process_due(8, Weight::zero()), Weight::zero());
	});
}

#[test]
fn unsigned_origins_are_refused() {
	new_test_ext().execute_with(|| {
		assert_noop!(Inference::register_provider(RuntimeOrigin::none(), BOND), BadOrigin);
		assert_noop!(Inference::finalize(RuntimeOrigin::none(), 0), DispatchError::BadOrigin);
		assert_noop!(Inference::prune_job(RuntimeOrigin::none(), 0), DispatchError::BadOrigin);
	});
}

// The escrow invariant.

const REASONS: [HoldReason; 5] = [
	HoldReason::JobPayment,
	HoldReason::ProviderBond,
	HoldReason::JobDeposit,
	HoldReason::ModelDeposit,
	HoldReason::DisputeDeposit,
];

/// What the pallet holds, over every account that can hold.
fn total_held() -> Balance {
	[alice(), bob(), carol(), dave()]
		.iter()
		.flat_map(|who| REASONS.map(|reason| held(reason, who)))
		.sum()
}

/// Payments of jobs that have not ended, every provider's bond, the deposits of stored jobs
/// and models, and the deposits of running disputes.
fn owed() -> Balance {
	let jobs: Balance = crate::Jobs::<Test>::iter_values()
		.map(|job| {
			let payment = if job.status.is_open() { job.payment } else { 0 };
			let dispute = match job.status {
				JobStatus::Disputed { deposit, .. } => deposit,
				_ => 0,
			};
			payment + dispute + job.deposit
		})
		.sum();
	let bonds: Balance = crate::Providers::<Test>::iter_values().map(|p| p.bond).sum();
	let models: Balance = crate::Models::<Test>::iter_values().map(|m| m.deposit).sum();
	jobs + bonds + models
}

#[test]
fn the_invariant_checks_catch_each_kind_of_corruption() {
	use frame_support::traits::fungible::MutateHold;
	// Alice's job is accepted by Carol: a payment, a deposit, a bond, collateral and a model.
	let populated = || {
		let mut ext = new_test_ext();
		ext.execute_with(|| {
			let model = commitment_model(&carol());
			let job = create(&alice(), model, 5);
			assert_ok!(Inference::accept_job(RuntimeOrigin::signed(carol()), job));
			assert_ok!(Inference::do_try_state());
		});
		ext
	};
	// Changes Carol's provider record in place.
	let edit_carol = |change: fn(&mut crate::ProviderOf<Test>)| {
		crate::Providers::<Test>::mutate(carol(), |p| p.as_mut().map(change));
	};
	let fails_with = |corrupt: &dyn Fn(), expected: &'static str| {
		populated().execute_with(|| {
			corrupt();
			assert_eq!(Inference::do_try_state(), Err(DispatchError::Other(expected)));
		});
	};
	fails_with(
		&|| {
			assert_ok!(Balances::hold(&HoldReason::JobPayment.into(), &alice(), 1));
		},
		"poi: held payments differ from open jobs' payments",
	);
	fails_with(
		&|| {
			assert_ok!(Balances::hold(&HoldReason::JobDeposit.into(), &bob(), 1));
		},
		"poi: held job deposits differ from stored jobs' deposits",
	);
	fails_with(&|| edit_carol(|p| p.bond += 1), "poi: held bond differs from the provider's record");
	fails_with(
		&|| crate::OpenJobs::<Test>::mutate(|n| *n += 1),
		"poi: OpenJobs differs from the jobs not ended",
	);
	fails_with(&|| edit_carol(|p| p.locked += 1), "poi: a provider's locked bond differs from its jobs' collateral");
}

#[test]
fn escrow_invariant_holds_under_random_operation_sequences() {
	// Random sequences of every call (valid or not), with real proofs of commitment jobs.
	// After each step: what the pallet holds equals what it owes, total issuance is
	// unchanged, locked collateral matches the provider's open jobs, `OpenJobs` and each
	// model's count match the jobs that have not ended, and each job ends at most once.
	let clients = [alice(), bob()];
	let providers = [carol(), dave()];
	let mut outcomes: HashMap<&'static str, u32> = HashMap::new();
	for seed in 0..24u64 {
		new_test_ext().execute_with(|| {
			let mut rng = StdRng::seed_from_u64(seed);
			let issuance = Balances::total_issuance();
			let models = providers.clone().map(|p| commitment_model(&p));
			for _step in 0..70 {
				let jobs = crate::NextJobId::<Test>::get();
				let job = if jobs == 0 { 0 } else { rng.random_range(0..jobs) };
				let stored = crate::Jobs::<Test>::get(job);
				let client = match &stored {
					Some(j) if rng.random_bool(0.8) => j.client.clone(),
					_ => clients[rng.random_range(0..2)].clone(),
				};
				let provider = match &stored {
					Some(j) if rng.random_bool(0.8) => j.provider.clone(),
					_ => providers[rng.random_range(0..2)].clone(),
				};
				// Mostly the step that moves the chosen job on, sometimes any call at all.
				let meaningful = match stored.map(|j| j.status) {
					Some(JobStatus::Open) => [2, 7],
					Some(JobStatus::Accepted) => [3, 8],
					Some(JobStatus::Challenged { .. }) => [4, 5],
					Some(JobStatus::Disputed { .. }) => [6, 9],
					_ => [0, 11],
				};
				let op = if rng.random_bool(0.7) {
					meaningful[rng.random_range(0..2)]
				} else {
					rng.random_range(0..15)
				};
				let _: Result<(), DispatchError> = match op {
					0 | 1 if jobs < 10 => {
						let deadline = System::block_number() + rng.random_range(1..6);
						let model = models[rng.random_range(0..2)];
						let payment = [PRICE, PAYMENT, 3 * PAYMENT][rng.random_range(0..3)];
						Inference::create_job(
							RuntimeOrigin::signed(client),
							model,
							commitments().1,
							None,
							REQUEST[..rng.random_range(0..16)].to_vec().try_into().expect("fits"),
							payment,
							deadline,
						)
					},
					2 => Inference::accept_job(RuntimeOrigin::signed(provider), job),
					3 => Inference::submit_result(
						RuntimeOrigin::signed(provider.clone()),
						job,
						output(),
						proof(job, &provider),
					)
					.map(|_| ())
					.map_err(|e| e.error),
					4 => Inference::accept_result(RuntimeOrigin::signed(client), job),
					5 => Inference::dispute(RuntimeOrigin::signed(client), job, reason("r")),
					6 => Inference::resolve_dispute(RuntimeOrigin::root(), job, rng.random()),
					7 => Inference::cancel_job(RuntimeOrigin::signed(client), job),
					8 => Inference::expire(RuntimeOrigin::signed(client), job),
					9 => Inference::finalize(RuntimeOrigin::signed(client), job),
					10 => Inference::bond_extra(RuntimeOrigin::signed(provider), 700),
					12 => Inference::unbond(RuntimeOrigin::signed(provider), 400),
					13 => Inference::withdraw_unbonded(RuntimeOrigin::signed(provider)),
					14 => Inference::prune_job(RuntimeOrigin::signed(client), job),
					_ => {
						for _ in 0..rng.random_range(1..4) {
							next_block_with_idle(if rng.random() {
								Weight::from_parts(u64::MAX, u64::MAX)
							} else {
								Weight::zero()
							});
						}
						Ok(())
					},
				};
				assert_eq!(total_held(), owed(), "seed {seed}: escrow");
				if let Err(error) = Inference::do_try_state() {
					panic!("seed {seed}: {error:?}");
				}
				let open: Vec<_> =
					crate::Jobs::<Test>::iter_values().filter(|j| j.status.is_open()).collect();
				assert_eq!(crate::OpenJobs::<Test>::get() as usize, open.len(), "seed {seed}");
				for model in models {
					let count = open.iter().filter(|j| j.model == model).count() as u32;
					assert_eq!(crate::Models::<Test>::get(model).map(|m| m.open_jobs), Some(count));
				}
				assert_eq!(Balances::total_issuance(), issuance, "seed {seed}: issuance");
				for provider in &providers {
					let p = crate::Providers::<Test>::get(provider).expect("provider");
					let open = crate::ProviderJobs::<Test>::get(provider).len() as u32;
					assert_eq!(p.open_jobs, open, "seed {seed}");
					assert!(p.locked <= p.bond, "seed {seed}");
				}
			}
			let mut ended: HashMap<JobId, u32> = HashMap::new();
			for event in events() {
				let outcome = match &event {
					Event::JobCompleted { .. } => "completed",
					Event::ProviderSlashed { .. } => "slashed",
					Event::JobCancelled { .. } => "cancelled",
					Event::JobExpired { .. } => "expired",
					Event::JobDisputed { .. } => "disputed",
					Event::DisputeLapsed { .. } => "lapsed",
					Event::JobPruned { .. } => "pruned",
					_ => "other",
				};
				*outcomes.entry(outcome).or_default() += 1;
				match event {
					Event::JobCompleted { job_id, .. }
					| Event::JobCancelled { job_id }
					| Event::JobExpired { job_id } => *ended.entry(job_id).or_default() += 1,
					Event::DisputeResolved { job_id, for_provider: false } => {
						*ended.entry(job_id).or_default() += 1
					},
					_ => {},
				}
			}
			assert!(ended.values().all(|count| *count == 1), "seed {seed}: a job ended twice: {ended:?}");
		});
	}
	// The sequences reached every way a job ends.
	for outcome in ["completed", "slashed", "cancelled", "expired", "disputed", "lapsed", "pruned"] {
		assert!(outcomes.get(outcome).copied().unwrap_or(0) > 0, "no {outcome} in {outcomes:?}");
	}
}
