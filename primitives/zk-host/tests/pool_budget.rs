//! The transaction pool's verification budget (`zk_verifier::admit`, `docs/zk.md`,
//! "Floods"), in a test binary of its own: the budget is process-wide.

mod common;

use codec::Encode;
use common::statements;
use sable_zk_host::{
	admit, native, zk_verifier, AdmitRefusal, BatchFailure, ProofError, Statement, VerifyError,
};

fn host_admit(statements: &[Statement]) -> Result<(), AdmitRefusal> {
	zk_verifier::admit(&statements.encode())
}

fn over_budget() -> u64 {
	native::metrics().expect("metrics").pool_over_budget.get()
}

fn pool_seconds() -> f64 {
	native::metrics().expect("metrics").pool_verification_time.get()
}

#[test]
fn the_pool_verifies_within_its_budget_and_admits_what_verified_before() {
	let [good, other] = statements();
	// Real proofs with a changed public input: each costs a full verification to refuse, as a
	// flood's transactions do (a flipped proof byte is often refused far sooner).
	let wrong_input = |statement: &Statement| {
		let mut wrong = statement.clone();
		wrong.public_inputs[7][0] ^= 1;
		wrong
	};
	let (bad, other_bad) = (wrong_input(good), wrong_input(other));
	// One millisecond a second: the burst (two milliseconds) pays for one failure.
	native::set_pool_budget(1);
	native::clear_cache();
	// Verifications that succeed are not charged: any number of them.
	let spent = pool_seconds();
	assert_eq!(host_admit(std::slice::from_ref(good)), Ok(()));
	assert_eq!(host_admit(&[good.clone(), other.clone()]), Ok(()));
	assert!(pool_seconds() > spent, "their time is counted");
	native::clear_cache();
	let spent = pool_seconds();
	assert_eq!(
		host_admit(std::slice::from_ref(&bad)),
		Err(AdmitRefusal::Failed(BatchFailure { index: 0, error: VerifyError::InvalidProof })),
		"a first invalid proof is verified and refused"
	);
	assert!(pool_seconds() > spent, "its verification time is counted, and charged");

	// The budget is now owed for seconds: the next unverified statements, valid or not, single
	// or in a batch, are refused unverified, and counted.
	let refused = over_budget();
	assert_eq!(host_admit(std::slice::from_ref(&other_bad)), Err(AdmitRefusal::OverBudget));
	assert_eq!(host_admit(std::slice::from_ref(other)), Err(AdmitRefusal::OverBudget));
	assert_eq!(host_admit(&[good.clone(), other.clone()]), Err(AdmitRefusal::OverBudget));
	assert_eq!(admit(std::slice::from_ref(other)), Err(ProofError::OverBudget));
	assert_eq!(over_budget(), refused + 4);
	assert!(!native::is_cached(other), "nothing was verified");

	// A statement that verified before (here: by block import, which has no budget) costs
	// nothing and is admitted.
	assert_eq!(zk_verifier::verify(&good.encode()), Ok(()));
	assert_eq!(host_admit(std::slice::from_ref(good)), Ok(()));

	// A new budget: verification resumes, a batch's failure keeps its index.
	native::set_pool_budget(10_000);
	assert_eq!(host_admit(&[good.clone(), other.clone()]), Ok(()));
	assert_eq!(
		admit(&[good.clone(), other_bad.clone()]),
		Err(ProofError::InvalidProof),
		"a failed combined check names no item"
	);

	// The malicious-peer switch admits anything, unverified.
	native::set_admit_unverified(true);
	assert_eq!(host_admit(std::slice::from_ref(&bad)), Ok(()));
	native::set_admit_unverified(false);
	assert!(host_admit(std::slice::from_ref(&bad)).is_err());
}
