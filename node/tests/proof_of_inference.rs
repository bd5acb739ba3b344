//! One proof-of-inference job end to end on a `--dev` node over RPC: Bob registers as a
//! provider, Alice creates an inference job naming him, Bob accepts, proves the inference
//! and submits the result; the payment reaches Bob minus the protocol fee, which reaches the
//! fee account. The job's state is read through `poi_job` and `poi_provider` at each step.

mod common;

use std::time::Duration;

use common::{free_balance, tx, Node};
use rand::{rngs::StdRng, SeedableRng};
use sable_inference_primitives::JobKind;
use sable_inference_proofs::samples;
use sable_runtime::{AccountId, RuntimeCall, UNITS};
use sable_wallet::extrinsic::signed;
use sable_zk_primitives::encoding::to_hex;
use serde_json::{json, Value};
use sp_keyring::Sr25519Keyring;

fn finalized_hash(node: &Node) -> Value {
	node.rpc("chain_getFinalizedHead", json!([])).expect("finalized head")
}

/// `poi_job(0)` at the finalized head.
fn job_at_finalized(node: &Node) -> Value {
	node.rpc("poi_job", json!([0, finalized_hash(node)])).unwrap_or(Value::Null)
}

fn wait_for_state(node: &Node, state: &str) -> Value {
	node.wait_for(&format!("job 0 {state} and finalized"), Duration::from_secs(120), |n| {
		job_at_finalized(n)["status"]["state"] == state
	});
	job_at_finalized(node)
}

#[test]
fn an_inference_job_is_created_accepted_proven_and_paid_on_a_dev_node() {
	let node = Node::dev("dev-poi", &[]);
	let context = tx::chain_context(&node);
	let (alice, bob) = (Sr25519Keyring::Alice.pair(), Sr25519Keyring::Bob.pair());
	let bob_account: AccountId = Sr25519Keyring::Bob.to_account_id();
	let collector = sable_runtime::configs::InferenceFeeCollector::get();
	let collector_before = free_balance(&node, &collector);

	// Bob bonds 200 SBL; Alice pays 50 SBL for an inference job only Bob may take.
	let witness = samples::inference(1);
	let statement = witness.statement(0, bob_account.clone().into());
	let payment = 50 * UNITS;
	let register =
		RuntimeCall::ProofOfInference(pallet_proof_of_inference::Call::register_provider {
			bond: 200 * UNITS,
		});
	node.submit(&signed(&context, register, &bob, 0)).expect("register_provider in the pool");
	let deadline = node.best_number().expect("best") as u32 + 200;
	let create = RuntimeCall::ProofOfInference(pallet_proof_of_inference::Call::create_job {
		kind: JobKind::Inference,
		model: statement.model,
		input: statement.input,
		payment,
		deadline,
		designated: Some(bob_account.clone()),
	});
	node.submit(&signed(&context, create, &alice, 0)).expect("create_job in the pool");
	let job = wait_for_state(&node, "open");
	assert_eq!(job["kind"], "inference");
	assert_eq!(job["payment"], payment.to_string());
	assert_eq!(job["designated"], bob_account.to_string());
	assert_eq!(job["model"], to_hex(&statement.model));

	// Bob accepts, locking 10 SBL of collateral.
	let accept =
		RuntimeCall::ProofOfInference(pallet_proof_of_inference::Call::accept_job { job_id: 0 });
	node.submit(&signed(&context, accept, &bob, 1)).expect("accept_job in the pool");
	let job = wait_for_state(&node, "accepted");
	assert_eq!(job["status"]["provider"], bob_account.to_string());
	let provider = node.rpc("poi_provider", json!([bob_account.to_string()])).expect("provider");
	assert_eq!(provider["locked"], (10 * UNITS).to_string());
	assert_eq!(
		node.rpc("poi_providerJobs", json!([bob_account.to_string()])).expect("jobs"),
		json!([0])
	);
	// Once finalized, the job counts as open in the chain metrics (back to 0 when paid).
	node.wait_for("the open job in the chain metrics", Duration::from_secs(60), |n| {
		common::metric_sum(&n.metrics().unwrap_or_default(), "sable_poi_open_jobs", &[]) == 1.0
	});

	// Bob proves the inference for job 0 as himself and submits the result.
	let proven = witness
		.prove(0, bob_account.clone().into(), &mut StdRng::seed_from_u64(3))
		.expect("proves");
	let result = RuntimeCall::ProofOfInference(pallet_proof_of_inference::Call::submit_result {
		job_id: 0,
		output: proven.statement.output,
		proof: proven.proof.try_into().expect("proof fits"),
	});
	node.submit(&signed(&context, result, &bob, 2)).expect("submit_result in the pool");
	let job = wait_for_state(&node, "completed");
	assert_eq!(job["status"]["output"], to_hex(&statement.output));

	// Paid: 2% to the fee account, the rest to Bob; the collateral is unlocked.
	assert_eq!(free_balance(&node, &collector), collector_before + payment / 50);
	let provider = node.rpc("poi_provider", json!([bob_account.to_string()])).expect("provider");
	assert_eq!(provider["completed"], 1);
	assert_eq!(provider["locked"], "0");
	assert_eq!(
		node.rpc("poi_providerJobs", json!([bob_account.to_string()])).expect("jobs"),
		json!([])
	);
	// The verification went through the host function, as the metrics show.
	let metrics = node.metrics().expect("metrics");
	let inference_ok = ["circuit=\"poi_inference_v1\"", "result=\"ok\""];
	assert!(
		common::metric_sum(&metrics, "sable_zk_verifications_total", &inference_ok) >= 1.0,
		"inference verifications in metrics"
	);
	// The chain metrics count the job once its blocks are finalized.
	node.wait_for("the job in the chain metrics", Duration::from_secs(60), |n| {
		let metrics = n.metrics().unwrap_or_default();
		common::metric_sum(&metrics, "sable_poi_jobs_created_total", &[]) >= 1.0
			&& common::metric_sum(
				&metrics,
				"sable_poi_jobs_ended_total",
				&["outcome=\"completed\""],
			) >= 1.0 && common::metric_sum(&metrics, "sable_poi_open_jobs", &[]) == 0.0
	});
}
