//! The proof-of-inference market's acceptance test, on a `--dev` node over RPC and through
//! the `sable` CLI (docs/poi.md): Ferdie serves the handwritten-digits model from genesis as
//! model 0; Alice sends it one test image, nothing but the input, sealed to the model's
//! key; Ferdie opens and checks the request, accepts, runs the model and proves; the
//! result settles on the proof alone, and Alice decrypts exactly the integer model's output
//! on her image, whose class is the image's label. Ferdie is paid the payment minus the 2%
//! protocol fee and his collateral is unlocked. A result whose ciphertext has one element
//! changed is refused and changes nothing.

mod common;

use std::path::Path;

use common::{
	digits::{self, ints, read_json, rows},
	free_balance,
	wallet::sable_full,
	Node,
};
use sable_inference_primitives::mlp::{self, Matrix, QuantizedMlp, Shape};
use sable_inference_proofs::request::RequestKey;
use sable_runtime::{AccountId, RuntimeError, UNITS};
use sable_wallet::{
	error::WalletError,
	node_client::NodeClient,
	poi::chain::{self, PoiCall},
};
use sable_zk_primitives::{
	encoding::{fp_from_bytes, fp_to_bytes, from_hex, from_hex_array, to_hex},
	Fp,
};
use serde_json::{json, Value};
use sp_core::Pair;
use sp_keyring::Sr25519Keyring;
use sp_runtime::traits::{BlakeTwo256, Hash};

/// The quantized model of `model.json`, for its commitment.
fn digits_mlp(model: &Value) -> QuantizedMlp {
	let matrix = |value: &Value| {
		let rows: Vec<Vec<i8>> = rows(value)
			.iter()
			.map(|row| row.iter().map(|&v| i8::try_from(v).expect("int8")).collect())
			.collect();
		Matrix::from_rows(&rows, rows[0].len()).expect("a matrix")
	};
	let vector = |value: &Value| -> Vec<i16> {
		ints(value).iter().map(|&v| i16::try_from(v).expect("int16")).collect()
	};
	QuantizedMlp::new(
		Shape::new(64, 32, 10),
		matrix(&model["w1"]),
		vector(&model["b1"]),
		matrix(&model["w2"]),
		vector(&model["b2"]),
		model["divisor"].as_u64().expect("divisor") as u16,
	)
	.expect("the digits model is well formed")
}

fn job(node: &Node, job_id: u64) -> Value {
	node.rpc("poi_job", json!([job_id])).expect("poi_job")
}

fn balance(value: &Value) -> u128 {
	value.as_str().and_then(|s| s.parse().ok()).unwrap_or_else(|| panic!("a balance: {value}"))
}

#[test]
fn a_client_decrypts_exactly_the_digits_models_output_and_the_provider_is_paid() {
	let started = std::time::Instant::now();
	let node = Node::dev("dev-poi", &[]);
	let url = node.ws_url();
	let (alice, ferdie) = (Sr25519Keyring::Alice, Sr25519Keyring::Ferdie);
	let (alice_account, ferdie_account) = (alice.to_account_id(), ferdie.to_account_id());
	let run = |wallet: &Path, args: &[&str]| {
		let (code, value, log) = sable_full(wallet, &url, args);
		assert_eq!(code, 0, "sable {args:?}: {value} {log}");
		value
	};
	let (alice_wallet, ferdie_wallet) =
		(node.base_path.join("alice-wallet"), node.base_path.join("ferdie-wallet"));

	// Model 0 from genesis: Ferdie's digits model, circuit 4.3, committed with salt 0, its
	// metadata the hash of model.json, its key Ferdie's request key as the wallet derives it.
	let model_path = digits::model_path();
	let model_file = model_path.to_str().expect("utf-8 path");
	let model_json = read_json(&model_path);
	let model = node.rpc("poi_model", json!([0])).expect("poi_model");
	assert_eq!(model["provider"], ferdie_account.to_string(), "{model}");
	assert_eq!((model["kind"].clone(), model["circuit"].clone()), (json!("inference"), json!(4)));
	assert_eq!(model["circuitVersion"], 3);
	let commitment = mlp::model_commitment(&digits_mlp(&model_json), Fp::zero());
	assert_eq!(model["commitment"], to_hex(&fp_to_bytes(&commitment)));
	let file_bytes = std::fs::read(&model_path).expect("model.json");
	assert_eq!(model["metadata"], to_hex(&BlakeTwo256::hash(&file_bytes).0));
	let ferdie_key = RequestKey::from_seed(&BlakeTwo256::hash(&ferdie.pair().to_raw_vec()).0);
	assert_eq!(model["encryptionKey"], to_hex(&ferdie_key.public()));
	assert_eq!(model["retired"], false);

	// Alice's input file holds example_input.json's input and nothing else.
	let x = digits::example_input();
	assert_eq!(x.len(), 64);
	std::fs::create_dir_all(&alice_wallet).expect("wallet dir");
	let input_path = alice_wallet.join("input.json");
	std::fs::write(&input_path, json!({ "input": x }).to_string()).expect("input file");
	let written = read_json(&input_path);
	let keys: Vec<&String> = written.as_object().expect("an object").keys().collect();
	assert_eq!(keys, ["input"], "no weights, no model fields in the client's file");
	let expected = digits::output(&model_json, &x);
	let label = model_json["example"]["label"].as_u64().expect("label") as usize;
	assert_eq!(
		digits::class(&expected),
		label,
		"the integer model classifies the example as its label"
	);

	let collector = sable_runtime::configs::InferenceFeeCollector::get();
	let free = |who: &AccountId| free_balance(&node, who);
	let (alice_before, collector_before) = (free(&alice_account), free(&collector));
	let ferdie_provider =
		|| node.rpc("poi_provider", json!([ferdie_account.to_string()])).expect("poi_provider");
	let bond = ferdie_provider()["bond"].clone();

	// Alice creates the job: 10 SBL, her input sealed to model 0's key.
	let payment = 10 * UNITS;
	let created = run(
		&alice_wallet,
		&[
			"job",
			"create",
			"--model",
			"0",
			"--input",
			input_path.to_str().expect("utf-8"),
			"--payment",
			&payment.to_string(),
			"--from",
			"//Alice",
		],
	);
	let job_id = created["job_id"].as_u64().expect("job id");
	let id = job_id.to_string();
	let open = job(&node, job_id);
	assert_eq!(open["status"]["state"], "open", "{open}");
	assert_eq!(open["client"], alice_account.to_string());
	assert_eq!(open["provider"], ferdie_account.to_string());
	assert_eq!(
		(open["modelId"].clone(), open["payment"].clone()),
		(json!(0), json!(payment.to_string()))
	);
	assert_eq!(open["input"], created["args"]["input"]);
	assert_eq!(open["delivery"], created["args"]["delivery"]);
	assert!(open["delivery"].is_string(), "an inference job commits to a delivery key");
	assert_eq!(open["request"], created["args"]["request"]);
	assert_eq!((open["collateral"].clone(), open["result"].clone()), (json!("0"), Value::Null));
	let deposit = balance(&open["deposit"]);
	assert!(deposit > 0);
	let create_fee = balance(&created["fee"]);
	assert_eq!(free(&alice_account), alice_before - create_fee - payment - deposit);
	// The request is sealed: nothing in it reads as the input.
	let request = from_hex(open["request"].as_str().expect("hex")).expect("bytes");
	let pixels: Vec<u8> = x.iter().map(|&v| v as u8).collect();
	assert!(!request.windows(16).any(|w| pixels.windows(16).any(|p| p == w)));

	// Ferdie opens and checks the request, and accepts: 20% of the payment is locked.
	let ferdie_before = free(&ferdie_account);
	let accepted = run(&ferdie_wallet, &["job", "accept", &id, "--from", "//Ferdie"]);
	let collateral = payment / 5;
	assert_eq!(accepted["collateral"], collateral.to_string());
	let state = job(&node, job_id);
	assert_eq!(state["status"]["state"], "accepted");
	assert_eq!(state["collateral"], collateral.to_string());
	assert_eq!(ferdie_provider()["locked"], collateral.to_string());
	assert_eq!(
		node.rpc("poi_providerJobs", json!([ferdie_account.to_string()])).expect("jobs"),
		json!([job_id])
	);
	let accept_fee = balance(&accepted["fee"]);
	assert_eq!(free(&ferdie_account), ferdie_before - accept_fee);

	// Ferdie runs the model and proves, writing the proof file without submitting it.
	let proof_path = ferdie_wallet.join("proof.json");
	let proof_file = proof_path.to_str().expect("utf-8");
	let proven = run(
		&ferdie_wallet,
		&[
			"job",
			"prove",
			&id,
			"--model-file",
			model_file,
			"--from",
			"//Ferdie",
			"--out",
			proof_file,
		],
	);
	assert_eq!(proven["circuit"], "poi_inference_64x32x10_v3");
	assert_eq!(
		proven["output"].as_array().map(Vec::len),
		Some(1),
		"10 outputs pack into one element"
	);
	assert_eq!(job(&node, job_id), state, "--out submits nothing");

	// A ciphertext with its element changed: refused (InvalidProof), and nothing changes.
	let refused_before = (free(&ferdie_account), free(&alice_account), ferdie_provider());
	let element: [u8; 32] =
		from_hex_array(proven["output"][0].as_str().expect("hex")).expect("32 bytes");
	let changed = fp_from_bytes(&element).expect("canonical") + Fp::one();
	let proof = from_hex(proven["proof"].as_str().expect("hex")).expect("proof bytes");
	let tampered = PoiCall::submit_result {
		job_id,
		output: vec![fp_to_bytes(&changed)].try_into().expect("one element"),
		proof: proof.clone().try_into().expect("a proof's length"),
	};
	let refusal = common::block_on(async {
		let client = NodeClient::connect(&url).await.expect("connect");
		chain::send(&client, &ferdie.pair(), tampered).await.expect_err("refused")
	});
	assert!(
		matches!(
			&refusal,
			WalletError::Failed {
				error: Some(RuntimeError::ProofOfInference(
					pallet_proof_of_inference::Error::InvalidProof
				)),
				..
			}
		),
		"{refusal}"
	);
	assert_eq!(job(&node, job_id), state, "the job is unchanged");
	assert_eq!(ferdie_provider(), refused_before.2);
	assert_eq!(free(&alice_account), refused_before.1);
	let refused_fee = refused_before.0 - free(&ferdie_account);
	assert!(refused_fee > 0 && refused_fee < UNITS, "only the transaction fee: {refused_fee}");

	// The proof as made: verified, and the job settles at once.
	let ferdie_before = free(&ferdie_account);
	let submitted = run(&ferdie_wallet, &["job", "submit", proof_file, "--from", "//Ferdie"]);
	assert_eq!(submitted["state"], "completed", "{submitted}");
	let fee = payment * 2 / 100;
	assert_eq!(submitted["protocol_fee"], fee.to_string());
	assert_eq!(submitted["paid"], (payment - fee).to_string());
	let completed = job(&node, job_id);
	assert_eq!(completed["status"]["state"], "completed");
	assert_eq!(completed["result"], proven["output"]);
	assert_eq!(completed["request"], Value::Null, "the request is gone once the job ended");
	assert!(completed["status"]["endedAt"].is_u64());

	// Paid: the payment minus 2% to Ferdie, 2% to the fee account; the collateral unlocked.
	let submit_fee = balance(&submitted["fee"]);
	assert_eq!(free(&ferdie_account), ferdie_before - submit_fee + payment - fee);
	assert_eq!(free(&collector), collector_before + fee);
	let record = ferdie_provider();
	assert_eq!((record["locked"].clone(), record["bond"].clone()), (json!("0"), bond));
	assert_eq!((record["completed"].clone(), record["openJobs"].clone()), (json!(1), json!(0)));
	assert_eq!(
		node.rpc("poi_providerJobs", json!([ferdie_account.to_string()])).expect("jobs"),
		json!([])
	);
	assert_eq!(free(&alice_account), alice_before - create_fee - payment - deposit);

	// Alice decrypts exactly the model's output on her image, and its class is the label; with
	// the public model file the wallet also recomputes it.
	let result = run(&alice_wallet, &["job", "result", &id]);
	assert_eq!(result["output"], json!(expected), "{result}");
	assert_eq!(result["class"], label);
	let checked = run(&alice_wallet, &["job", "result", &id, "--model-file", model_file]);
	assert_eq!(
		(checked["output"].clone(), checked["checked_locally"].clone()),
		(json!(expected), json!(true))
	);
	// Only the wallet that made the request can read it.
	let (code, other, _) = sable_full(&ferdie_wallet, &url, &["job", "result", &id]);
	assert_eq!(code, 2);
	assert!(
		other["error"].as_str().unwrap_or_default().contains("holds no request of job"),
		"{other}"
	);
	eprintln!("acceptance test took {:?}", started.elapsed());
}
