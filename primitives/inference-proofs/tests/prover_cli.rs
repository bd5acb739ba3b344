//! The JSON prover binary: a shield request in, a proof out that its `verify` command
//! accepts; bad input gives a JSON error and a non-zero exit code.

use std::{
	io::Write,
	process::{Command, Output, Stdio},
};

use sable_zk_primitives::{encoding::to_hex, keys::SpendingKey};
use sable_zk_proofs::encryption::Address;
use serde_json::{json, Value};

fn run(command: &str, stdin: &str) -> (Output, Value) {
	let mut child = Command::new(env!("CARGO_BIN_EXE_sable-zk-prover"))
		.arg(command)
		.stdin(Stdio::piped())
		.stdout(Stdio::piped())
		.spawn()
		.expect("prover starts");
	child.stdin.take().expect("stdin").write_all(stdin.as_bytes()).expect("write");
	let output = child.wait_with_output().expect("prover finishes");
	let value = serde_json::from_slice(&output.stdout).expect("stdout is JSON");
	(output, value)
}

fn hex32(x: u64) -> String {
	let mut bytes = [0u8; 32];
	bytes[..8].copy_from_slice(&x.to_le_bytes());
	to_hex(&bytes)
}

#[test]
fn shield_proof_round_trip_and_errors() {
	let address = Address::from_spending_key(&SpendingKey::from_field(7u64.into())).encode();
	let request = json!({
		"inputs": [{"dummy": true}, {"dummy": true}],
		"outputs": [{"to": address, "value": 700}, {"to": hex32(5), "value": 300}],
		"anchor": hex32(0),
		"value_in": 1000,
		"binding": hex32(99),
	});
	let (output, proved) = run("prove", &request.to_string());
	assert!(output.status.success(), "{proved}");
	assert_eq!(proved["public_inputs"]["value_in"], 1000);
	assert_eq!(proved["output_notes"][0]["value"], 700);
	let proof_hex = proved["proof"].as_str().expect("proof hex");
	assert!(proof_hex.len() > 1000);

	let verify_request = json!({"proof": proof_hex, "public_inputs": proved["public_inputs"]});
	let (output, verdict) = run("verify", &verify_request.to_string());
	assert!(output.status.success(), "{verdict}");
	assert_eq!(verdict["valid"], true);

	let mut wrong = verify_request.clone();
	wrong["public_inputs"]["value_in"] = json!(1001);
	let (output, verdict) = run("verify", &wrong.to_string());
	assert_eq!(output.status.code(), Some(1));
	assert_eq!(verdict["valid"], false);

	// Unbalanced: refused before proving, with a readable reason.
	let mut unbalanced = request.clone();
	unbalanced["value_in"] = json!(999);
	let (output, error) = run("prove", &unbalanced.to_string());
	assert_eq!(output.status.code(), Some(2));
	assert!(error["error"].as_str().expect("message").contains("unbalanced"), "{error}");

	let (output, error) = run("prove", "{not json");
	assert_eq!(output.status.code(), Some(2));
	assert!(error["error"].as_str().expect("message").contains("invalid request JSON"));

	let (output, _) = run("verify", &json!({"proof": "0x00", "public_inputs": {}}).to_string());
	assert_eq!(output.status.code(), Some(2));

	// Proof hex with a sign or a non-ASCII character: a reason, not a crash.
	for proof in ["0x+0", "0xé"] {
		let request = json!({"proof": proof, "public_inputs": proved["public_inputs"]});
		let (output, error) = run("verify", &request.to_string());
		assert_eq!(output.status.code(), Some(2), "{error}");
		assert!(error["error"].as_str().expect("message").contains("proof: not a hex digit"));
	}

	// An address in the hex form of before bech32m: refused with what to do instead.
	let mut old_address = request.clone();
	old_address["outputs"][0]["to"] = json!(format!("sable1{}", "0".repeat(136)));
	let (output, error) = run("prove", &old_address.to_string());
	assert_eq!(output.status.code(), Some(2));
	let message = error["error"].as_str().expect("message");
	assert!(message.contains("old hex format") && message.contains("sable keys show"), "{message}");
}

#[test]
fn job_proofs_of_every_kind_round_trip_and_errors() {
	let provider = to_hex(&[5u8; 32]);
	for (kind, circuit) in [("commitment", None), ("inference", Some("poi_inference_16x16x16_v2"))]
	{
		let mut args = vec!["sample-job", kind];
		args.extend(circuit);
		let output =
			Command::new(env!("CARGO_BIN_EXE_sable-zk-prover")).args(&args).output().expect("runs");
		assert!(output.status.success());
		let mut request: Value = serde_json::from_slice(&output.stdout).expect("JSON");
		request["job_id"] = json!(9);
		request["provider"] = json!(provider);

		let (output, commitments) = run("job-commitments", &request.to_string());
		assert!(output.status.success(), "{commitments}");
		let (output, proved) = run("prove-job", &request.to_string());
		assert!(output.status.success(), "{proved}");
		assert_eq!(proved["statement"], commitments, "{kind}: same statement");
		assert_eq!(proved["statement"]["job_id"], 9);
		let name = proved["circuit"].as_str().expect("a circuit name").to_string();
		if let Some(circuit) = circuit {
			assert_eq!(name, circuit);
		}

		let verify =
			json!({"circuit": name, "statement": proved["statement"], "proof": proved["proof"]});
		let (output, verdict) = run("verify-job", &verify.to_string());
		assert!(output.status.success(), "{verdict}");
		assert_eq!(verdict["valid"], true);

		let mut other_job = verify.clone();
		other_job["statement"]["job_id"] = json!(10);
		let (output, verdict) = run("verify-job", &other_job.to_string());
		assert_eq!(output.status.code(), Some(1), "{kind}: {verdict}");
		assert_eq!(verdict["valid"], false);

		if kind != "commitment" {
			// The client decrypts the output with its delivery key.
			let key = request["request"]["delivery_key"].clone();
			let decrypt =
				json!({"delivery_key": key, "statement": proved["statement"], "outputs": 16});
			let (output, decrypted) = run("decrypt", &decrypt.to_string());
			assert!(output.status.success(), "{decrypted}");
			assert_eq!(decrypted["output"].as_array().expect("outputs").len(), 16);
			let wrong =
				json!({"delivery_key": hex32(1), "statement": proved["statement"], "outputs": 16});
			let (output, error) = run("decrypt", &wrong.to_string());
			assert_eq!(output.status.code(), Some(1), "{error}");
		}
	}

	// A malformed witness is refused with a reason, before proving.
	let output = Command::new(env!("CARGO_BIN_EXE_sable-zk-prover"))
		.args(["sample-job", "inference"])
		.output()
		.expect("prover runs");
	let mut request: Value = serde_json::from_slice(&output.stdout).expect("JSON");
	request["model"]["divisor"] = json!(0);
	let (output, error) = run("prove-job", &request.to_string());
	assert_eq!(output.status.code(), Some(2));
	assert!(error["error"].as_str().expect("message").contains("divisor"), "{error}");
	request["model"]["divisor"] = json!(64);
	request["request"]["x"] = json!([1, 2, 3]);
	let (output, error) = run("prove-job", &request.to_string());
	assert_eq!(output.status.code(), Some(2));
	assert!(error["error"].as_str().expect("message").contains("x: expected 16"), "{error}");
	// A 16-input model padded into the 64-input version.
	request["request"]["x"] = json!(vec![1; 16]);
	request["circuit"] = json!("poi_inference_64x32x16_v4");
	let (output, statement) = run("job-commitments", &request.to_string());
	assert!(output.status.success(), "{statement}");
	assert_eq!(statement["output"].as_array().expect("ciphertext").len(), 2);
	request["circuit"] = json!("transfer_v1");
	let (output, error) = run("prove-job", &request.to_string());
	assert_eq!(output.status.code(), Some(2));
	assert!(error["error"].as_str().expect("message").contains("not an inference"), "{error}");
}
