//! The provider daemon against real nodes (docs/PROVIDER.md): inference bought over HTTP
//! with x402 settles on chain with the model's output; bad, oversized, replayed and
//! too-frequent requests get their answers and change nothing; a daemon killed between
//! accepting and submitting finishes the job once; provider and client carry on when one of
//! their two nodes stops.

mod common;

use std::{path::Path, time::Duration};

use codec::Decode;
use common::{
	digits,
	provider::{Provider, SBL},
	wallet, Node,
};
use pallet_proof_of_inference_rpc::JobJson;
use sable_runtime::{AccountId, RuntimeCall, UncheckedExtrinsic};
use sable_wallet::{
	extrinsic,
	http_client::{self, Answer},
	node_client::NodeClient,
	poi::{
		chain::{self, PoiCall},
		circuits::Circuit,
		client,
	},
	submit,
	x402::{
		self, EscrowPayload, InferResponse, PaymentPayload, PaymentRequired, SettlementResponse,
	},
};
use sable_zk_primitives::encoding::to_hex;
use serde_json::{json, Value};
use sp_core::Pair;

fn post(url: &str, headers: &[(&str, String)], body: Vec<u8>) -> Answer {
	common::block_on(http_client::post(url, headers, body, Duration::from_secs(300)))
		.unwrap_or_else(|e| panic!("POST {url}: {e}"))
}

fn decode<T: serde::de::DeserializeOwned>(answer: &Answer, header: &str) -> T {
	let value = answer.header(header).unwrap_or_else(|| panic!("no {header} in {answer:?}"));
	x402::decode_header(value.as_bytes()).unwrap_or_else(|e| panic!("{header}: {e}"))
}

fn reason(answer: &Answer) -> String {
	let body: Value = serde_json::from_slice(&answer.body).expect("a JSON error body");
	body["invalidReason"].as_str().expect("invalidReason").to_string()
}

fn account(suri: &str) -> AccountId {
	AccountId::from(submit::pair_from_suri(suri).expect("a dev key").public())
}

fn job(node: &Node, job_id: u64) -> Option<JobJson> {
	let value = node.rpc("poi_job", json!([job_id, null])).expect("poi_job");
	serde_json::from_value(value).expect("a job or null")
}

fn next_index(node: &Node, who: &AccountId) -> u64 {
	node.rpc("system_accountNextIndex", json!([who.to_string()]))
		.expect("next index")
		.as_u64()
		.expect("a number")
}

/// A `sable-escrow` payment by `payer` on `terms`, for `amount` to `pay_to`, with the digits
/// example input sealed to the model's key: the header and the body.
fn payment(
	node: &Node,
	required: &PaymentRequired,
	payer: &str,
	amount: u128,
	pay_to: Option<String>,
) -> (String, Vec<u8>) {
	let mut terms = required.accepts[0].clone();
	let model_id = terms.extra.model_id;
	let signer = submit::pair_from_suri(payer).expect("a dev key");
	let (model, context, nonce) = common::block_on(async {
		let client = NodeClient::connect(&node.ws_url()).await?;
		let model = client.model(model_id).await?.expect("the model");
		let nonce = client.next_index(&AccountId::from(signer.public())).await?;
		Ok::<_, sable_wallet::error::WalletError>((model, client.chain_context().await?, nonce))
	})
	.expect("the chain");
	let circuit =
		Circuit::of_model(model_id, model.circuit, model.circuit_version).expect("circuit");
	let input = std::fs::read(digits::dir().join("example_input.json")).expect("input");
	let prepared =
		client::prepare(model_id, &model, &circuit, &input, &mut rand::rng()).expect("prepared");
	let call = prepared.off_chain_call(model_id, amount, terms.extra.deadline);
	let signed = extrinsic::signed(&context, RuntimeCall::ProofOfInference(call), &signer, nonce);
	if let Some(pay_to) = pay_to {
		terms.pay_to = pay_to;
	}
	let payload = PaymentPayload {
		x402_version: x402::VERSION,
		resource: Some(required.resource.clone()),
		accepted: terms,
		payload: EscrowPayload { extrinsic: extrinsic::to_hex(&signed) },
	};
	let body = json!({ "request": to_hex(&prepared.request) }).to_string().into_bytes();
	(x402::encode_header(&payload), body)
}

/// Creates a job for `model_id` from `payer` directly on chain, due `deadline_in` blocks
/// after the best, carrying `request` (or the real sealed request if `None`), with a real
/// input and delivery commitment; returns its id once finalized.
fn on_chain_job(
	node: &Node,
	model_id: u32,
	payer: &str,
	request: Option<Vec<u8>>,
	deadline_in: u32,
) -> u64 {
	let signer = submit::pair_from_suri(payer).expect("a dev key");
	let input = std::fs::read(digits::dir().join("example_input.json")).expect("input");
	let finalized = common::block_on(async {
		let client = NodeClient::connect(&node.ws_url()).await?;
		let model = client.model(model_id).await?.expect("the model");
		let circuit = Circuit::of_model(model_id, model.circuit, model.circuit_version)?;
		let prepared = client::prepare(model_id, &model, &circuit, &input, &mut rand::rng())?;
		let deadline = client.best_number().await? as u32 + deadline_in;
		let request = request.unwrap_or(prepared.request);
		let call = PoiCall::create_job {
			model_id,
			input: prepared.input,
			delivery: prepared.delivery,
			request: request.try_into().expect("within the bound"),
			payment: SBL,
			deadline,
		};
		chain::send(&client, &signer, call).await
	})
	.expect("the job is created");
	let job_id = chain::poi_events(&finalized).find_map(|event| match event {
		chain::PoiEvent::JobCreated { job_id, .. } => Some(*job_id),
		_ => None,
	});
	job_id.expect("JobCreated")
}

/// The digits model's output on the example input, as the model's README defines it.
fn expected_output() -> Vec<i64> {
	digits::output(&digits::read_json(&digits::model_path()), &digits::example_input())
}

/// `sable infer` from `suri` through `nodes` (comma-separated): its exit code and JSON.
fn infer(dir: &Path, nodes: &str, url: &str, suri: &str) -> (i32, Value, String) {
	let input = digits::dir().join("example_input.json");
	let input = input.to_str().expect("a path");
	wallet::sable_full(dir, nodes, &["infer", url, input, "--from", suri])
}

fn assert_inferred(outcome: &(i32, Value, String)) -> u64 {
	let (code, json, stderr) = outcome;
	assert_eq!(*code, 0, "sable infer failed: {json}\n{stderr}");
	let output: Vec<i64> = json["output"]
		.as_array()
		.expect("output")
		.iter()
		.map(|v| v.as_i64().expect("int"))
		.collect();
	let expected = expected_output();
	assert_eq!(output, expected, "the model's output on the example input");
	assert_eq!(json["class"].as_u64(), Some(digits::class(&expected) as u64));
	assert_eq!(json["checked_on_chain"], true);
	json["job_id"].as_u64().expect("a job id")
}

#[test]
fn http_inference_settles_on_chain_and_bad_requests_change_nothing() {
	let node = Node::dev("provider-http", &[]);
	let provider = Provider::start(&[node.ws_url()], 40);
	let model_id = provider.model_id();
	let url = format!("{}/v1/infer/{model_id}", provider.url());
	let bob = account("//Bob");

	// An unpaid request learns the terms, whatever its body.
	let unpaid = post(&url, &[], b"not even JSON".to_vec());
	assert_eq!(unpaid.status, 402);
	assert_eq!(reason(&unpaid), "payment_required");
	let required: PaymentRequired = decode(&unpaid, x402::PAYMENT_REQUIRED);
	let genesis = node.rpc("chain_getBlockHash", json!([0])).expect("genesis");
	let genesis = genesis.as_str().expect("hex");
	assert_eq!(required.x402_version, 2);
	assert_eq!(required.resource.url, url);
	assert_eq!(required.accepts.len(), 1);
	let terms = &required.accepts[0];
	assert_eq!(terms.scheme, "sable-escrow");
	assert_eq!(terms.network, format!("polkadot:{}", &genesis[2..34]));
	assert_eq!((terms.amount.as_str(), terms.asset.as_str()), (SBL.to_string().as_str(), "SBL"));
	assert_eq!(terms.pay_to, bob.to_string());
	assert_eq!(terms.extra.model_id, model_id);
	assert!(u64::from(terms.extra.deadline) > node.best_number().expect("best"));

	// The whole exchange from the wallet: the output is the model's, checked on chain.
	let alice_dir = tempfile::tempdir().expect("dir");
	let alice_before = common::free_balance(&node, &account("//Alice"));
	let first = assert_inferred(&infer(alice_dir.path(), &node.ws_url(), &url, "//Alice"));
	let settled = job(&node, first).expect("the job");
	assert_eq!(settled.status.state, "completed");
	assert_eq!(settled.provider, bob.to_string());
	assert!(common::free_balance(&node, &account("//Alice")) <= alice_before - SBL, "Alice paid");

	// The same payment sent twice creates one job and gets the same answer twice.
	let (header, body) = payment(&node, &required, "//Charlie", SBL, None);
	let headers = [(x402::PAYMENT_SIGNATURE, header)];
	let paid = post(&url, &headers, body.clone());
	assert_eq!(paid.status, 200, "{}", String::from_utf8_lossy(&paid.body));
	let served: InferResponse = serde_json::from_slice(&paid.body).expect("an answer");
	let settlement: SettlementResponse = decode(&paid, x402::PAYMENT_RESPONSE);
	assert!(settlement.success);
	assert_eq!(settlement.job_id, Some(served.job_id));
	assert_eq!(settlement.payer.as_deref(), Some(account("//Charlie").to_string().as_str()));
	assert_eq!(served.output.iter().map(|&y| i64::from(y)).collect::<Vec<_>>(), expected_output());
	assert_eq!(job(&node, served.job_id).expect("the job").status.state, "completed");
	let replay = post(&url, &headers, body);
	assert_eq!(replay.status, 200);
	let replayed: SettlementResponse = decode(&replay, x402::PAYMENT_RESPONSE);
	assert_eq!(replayed, settlement, "the same settlement");
	assert!(job(&node, served.job_id + 1).is_none(), "no second job");

	// A lower amount or another payee is refused before anything is submitted.
	let dave = account("//Dave");
	let dave_nonce = next_index(&node, &dave);
	let (lower, lower_body) = payment(&node, &required, "//Dave", SBL - 1, None);
	let refused = post(&url, &[(x402::PAYMENT_SIGNATURE, lower.clone())], lower_body.clone());
	assert_eq!((refused.status, reason(&refused).as_str()), (402, "invalid_amount"));
	let again: PaymentRequired = decode(&refused, x402::PAYMENT_REQUIRED);
	assert!(again.error.as_deref().is_some_and(|e| e.contains("costs")), "{again:?}");
	let alice_address = account("//Alice").to_string();
	let (other, other_body) = payment(&node, &required, "//Dave", SBL, Some(alice_address));
	let refused = post(&url, &[(x402::PAYMENT_SIGNATURE, other)], other_body);
	assert_eq!((refused.status, reason(&refused).as_str()), (402, "invalid_pay_to"));

	// Malformed and oversized requests.
	let malformed = post(&url, &[(x402::PAYMENT_SIGNATURE, "%%%".into())], Vec::new());
	assert_eq!((malformed.status, reason(&malformed).as_str()), (400, "invalid_payload"));
	let bad_body = post(&url, &[(x402::PAYMENT_SIGNATURE, lower.clone())], b"{\"x\": 1}".to_vec());
	assert_eq!((bad_body.status, reason(&bad_body).as_str()), (400, "invalid_payload"));
	let huge_body = post(&url, &[(x402::PAYMENT_SIGNATURE, lower)], vec![b' '; 9 * 1024]);
	assert_eq!(huge_body.status, 413);
	let huge_header = post(&url, &[(x402::PAYMENT_SIGNATURE, "A".repeat(9 * 1024))], lower_body);
	assert_eq!(huge_header.status, 431);
	assert_eq!(next_index(&node, &dave), dave_nonce, "nothing of Dave's was submitted");
	assert!(job(&node, served.job_id + 1).is_none(), "no job from a refused payment");

	// Past its rate limit a client is told to wait.
	let limited: Vec<Answer> =
		(0..50).map(|_| post(&url, &[], Vec::new())).filter(|a| a.status == 429).collect();
	assert!(!limited.is_empty(), "50 requests at once pass a limit of 40 a minute");
	assert_eq!(reason(&limited[0]), "rate_limited");
	let wait: u64 =
		limited[0].header("retry-after").expect("Retry-After").parse().expect("seconds");
	assert!((1..=2).contains(&wait), "one token per 1.5 s: {wait}");

	// A job created on chain with a request that does not open is refused, never accepted.
	let garbage = on_chain_job(&node, model_id, "//Eve", Some(vec![7; 300]), 40);
	assert_eq!(garbage, served.job_id + 1);
	let refused_metric = |provider: &Provider| {
		let (_, metrics) = provider.get("/metrics").expect("metrics");
		common::metric_sum(&metrics, "sable_provider_jobs_total", &["outcome=\"refused\""])
	};
	let started = std::time::Instant::now();
	while refused_metric(&provider) < 1.0 {
		assert!(
			started.elapsed() < Duration::from_secs(120),
			"job {garbage} refused:\n{}",
			provider.log_tail()
		);
		std::thread::sleep(Duration::from_millis(500));
	}
	assert_eq!(job(&node, garbage).expect("the job").status.state, "open", "never accepted");
	let log = std::fs::read_to_string(&provider.log).expect("log");
	assert!(log.contains(&format!("job {garbage}: refused")), "{log}");
	// So is a job whose deadline leaves no time to serve it: accepting it would only put
	// collateral at stake. (Created with 6 blocks to go, it has at most 5 once included,
	// and serving takes 6.)
	let hurried = on_chain_job(&node, model_id, "//Ferdie", None, 6);
	let started = std::time::Instant::now();
	while refused_metric(&provider) < 2.0 {
		assert!(
			started.elapsed() < Duration::from_secs(120),
			"job {hurried} refused:\n{}",
			provider.log_tail()
		);
		std::thread::sleep(Duration::from_millis(500));
	}
	assert_eq!(job(&node, hurried).expect("the job").status.state, "open", "never accepted");
	let log = std::fs::read_to_string(&provider.log).expect("log");
	assert!(log.contains(&format!("job {hurried}: refused: its deadline")), "{log}");

	let (_, metrics) = provider.get("/metrics").expect("metrics");
	assert_eq!(
		common::metric_sum(&metrics, "sable_provider_jobs_total", &["outcome=\"settled\""]),
		2.0
	);
	assert_eq!(
		common::metric_sum(&metrics, "sable_provider_jobs_total", &["outcome=\"refused\""]),
		2.0
	);
	assert!(
		common::metric_sum(&metrics, "sable_provider_http_requests_total", &["status=\"429\""])
			>= 1.0
	);
	let (status, health) = provider.get("/health").expect("health");
	assert_eq!(status, 200, "{health}");
}

/// The provider's extrinsics in blocks 1 ..= best whose call `matches`.
fn count_calls(node: &Node, who: &AccountId, matches: impl Fn(&PoiCall) -> bool) -> usize {
	let best = node.best_number().expect("best");
	let mut count = 0;
	for number in 1..=best {
		let hash = node.rpc("chain_getBlockHash", json!([number])).expect("hash");
		let block = node.rpc("chain_getBlock", json!([hash])).expect("block");
		for hex in common::extrinsics_of(&block) {
			let bytes = common::hex_bytes(hex).expect("hex");
			let Ok(extrinsic) = UncheckedExtrinsic::decode(&mut &bytes[..]) else { continue };
			let signer = match &extrinsic.preamble {
				sp_runtime::generic::Preamble::Signed(sp_runtime::MultiAddress::Id(a), ..) => a,
				_ => continue,
			};
			if let RuntimeCall::ProofOfInference(call) = &extrinsic.function {
				if signer == who && matches(call) {
					count += 1;
				}
			}
		}
	}
	count
}

#[test]
fn a_provider_killed_between_accept_and_submit_finishes_the_job_once() {
	let node = Node::dev("provider-kill", &[]);
	let mut provider = Provider::start(&[node.ws_url()], 60);
	let url = format!("{}/v1/infer/{}", provider.url(), provider.model_id());
	let alice_dir = tempfile::tempdir().expect("dir");
	let input = digits::dir().join("example_input.json");
	let client = wallet::command(
		alice_dir.path(),
		&node.ws_url(),
		&["infer", &url, input.to_str().expect("path"), "--from", "//Alice"],
	)
	.stdout(std::process::Stdio::piped())
	.stderr(std::process::Stdio::piped())
	.spawn()
	.expect("sable infer starts");

	// Job 0 is the first of this chain's jobs (the dev genesis has none).
	let started = std::time::Instant::now();
	loop {
		if job(&node, 0).is_some_and(|job| job.status.state == "accepted") {
			break;
		}
		assert!(
			started.elapsed() < Duration::from_secs(240),
			"job 0 accepted:\n{}",
			provider.log_tail()
		);
		std::thread::sleep(Duration::from_millis(50));
	}
	provider.kill();
	let at_kill = job(&node, 0).expect("job 0");
	assert_eq!(at_kill.status.state, "accepted", "killed after accepting, before the result");
	assert!(at_kill.result.is_none());

	provider.restart();
	let output = client.wait_with_output().expect("sable infer ends");
	let json: Value = serde_json::from_slice(&output.stdout).unwrap_or(Value::Null);
	let stderr = String::from_utf8_lossy(&output.stderr).to_string();
	let job_id = assert_inferred(&(output.status.code().unwrap_or(-1), json, stderr));
	assert_eq!(job_id, 0);
	let done = job(&node, 0).expect("job 0");
	assert_eq!(done.status.state, "completed");
	assert!(done.status.ended_at.expect("ended") <= done.deadline, "settled before its deadline");

	let bob = account("//Bob");
	let submits =
		count_calls(&node, &bob, |call| matches!(call, PoiCall::submit_result { job_id: 0, .. }));
	let accepts =
		count_calls(&node, &bob, |call| matches!(call, PoiCall::accept_job { job_id: 0 }));
	assert_eq!(
		(accepts, submits),
		(1, 1),
		"one accept and one result on chain:\n{}",
		provider.log_tail()
	);
}

/// Node key of the validator, so that its peer id is known in advance.
const VALIDATOR_NODE_KEY: &str = "0000000000000000000000000000000000000000000000000000000000000001";
/// The libp2p peer id of `VALIDATOR_NODE_KEY`.
const VALIDATOR_PEER_ID: &str = "12D3KooWEyoppNCUx8Yx66oV9fJnriXwCcXwDDUA2kj6vnc6iDEp";

#[test]
fn provider_and_client_carry_on_when_one_of_two_nodes_stops() {
	let validator = Node::dev("failover-validator", &["--node-key", VALIDATOR_NODE_KEY]);
	let bootnode = format!("/ip4/127.0.0.1/tcp/{}/p2p/{VALIDATOR_PEER_ID}", validator.p2p_port);
	let dir = tempfile::Builder::new().prefix("sable-failover-").tempdir().expect("dir");
	let key = format!("{:064x}", 2);
	let mut follower = Node::start(
		"failover-follower",
		dir.path(),
		&["--chain", "dev", "--node-key", &key, "--bootnodes", &bootnode],
	);
	follower.wait_for("the follower to sync", Duration::from_secs(120), |n| {
		n.best_number().unwrap_or(0) >= 2
	});

	// The follower is everyone's first endpoint.
	let nodes = [follower.ws_url(), validator.ws_url()];
	let provider = Provider::start(&nodes, 60);
	let url = format!("{}/v1/infer/{}", provider.url(), provider.model_id());
	follower.stop();

	let alice_dir = tempfile::tempdir().expect("dir");
	let job_id = assert_inferred(&infer(alice_dir.path(), &nodes.join(","), &url, "//Alice"));
	assert_eq!(job(&validator, job_id).expect("the job").status.state, "completed");

	let (_, metrics) = provider.get("/metrics").expect("metrics");
	let endpoint = format!("endpoint=\"{}\"", follower.ws_url());
	assert!(
		common::metric_sum(&metrics, "sable_provider_rpc_errors_total", &[&endpoint]) >= 1.0,
		"{metrics}"
	);
	assert!(
		common::metric_sum(&metrics, "sable_provider_breaker_state", &[&endpoint]) >= 1.0,
		"the stopped node's breaker is not closed: {metrics}"
	);
	let (status, health) = provider.get("/health").expect("health");
	assert_eq!(status, 200, "one node still answers: {health}");
	assert!(health.contains("\"open\"") || health.contains("\"halfopen\""), "{health}");
}
