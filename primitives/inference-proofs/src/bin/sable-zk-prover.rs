//! `sable-zk-prover prove|verify|prove-job|verify-job|job-commitments|decrypt|sample-job`: JSON on
//! stdin, JSON on stdout.
//!
//! - `prove` reads a shielded-transfer [`ProveRequestJson`] and writes the proof, the public
//!   inputs and the output notes; `verify` reads a [`VerifyRequestJson`] and writes
//!   `{"valid": true}`.
//! - `prove-job` reads a proof-of-inference [`JobRequestJson`] (any kind) and writes
//!   `{"circuit", "statement", "proof", "prove_ms"}` (`circuit` is the registry name of the
//!   version that proved it); `verify-job` reads a [`VerifyJobJson`]; `job-commitments`
//!   writes the statement of a request without proving (its model, input and delivery
//!   commitments are what a job on chain holds).
//! - `decrypt` reads a [`DecryptJson`] (the client's delivery key, the statement, the number
//!   of outputs) and writes `{"output": [...]}`, the model's output.
//! - `sample-job KIND [CIRCUIT]` writes an example request of that kind (and circuit version,
//!   by registry name) to edit.
//!
//! Bad input gives `{"error": "..."}` on stdout and exit code 2; an invalid proof exit code 1.

use std::{io::Read, process::ExitCode, time::Instant};

use sable_inference_primitives::delivery;
use sable_inference_proofs::{
	job,
	json::{
		circuit_by_name, request_from_witness, DecryptJson, JobRequestJson, KindJson,
		StatementJson, VerifyJobJson,
	},
	samples,
};
use sable_zk_primitives::encoding::{from_hex, to_hex};
use sable_zk_proofs::json::field;
use sable_zk_proofs::{
	json::{NoteJson, ProveRequestJson, PublicInputsJson, VerifyRequestJson},
	keys::TransferKeys,
	proof::{prove, verify},
};
use serde_json::json;

fn fail(code: u8, message: impl std::fmt::Display) -> ExitCode {
	println!("{}", json!({ "error": message.to_string() }));
	ExitCode::from(code)
}

fn read_stdin() -> Result<String, String> {
	let mut text = String::new();
	std::io::stdin().read_to_string(&mut text).map_err(|e| format!("reading stdin: {e}"))?;
	Ok(text)
}

fn run_prove() -> ExitCode {
	let request: ProveRequestJson = match read_stdin().and_then(|text| {
		serde_json::from_str(&text).map_err(|e| format!("invalid request JSON: {e}"))
	}) {
		Ok(request) => request,
		Err(e) => return fail(2, e),
	};
	let mut rng = rand::rng();
	let witness = match request
		.to_request(&mut rng)
		.and_then(|r| r.build(&mut rng).map_err(|e| e.to_string()))
	{
		Ok(witness) => witness,
		Err(e) => return fail(2, e),
	};
	let keys = TransferKeys::get();
	let started = Instant::now();
	let proof = match prove(keys, &witness.circuit, &witness.public_inputs, &mut rng) {
		Ok(proof) => proof,
		Err(e) => return fail(2, e),
	};
	println!(
		"{}",
		json!({
			"proof": to_hex(&proof),
			"public_inputs": PublicInputsJson::from_inputs(&witness.public_inputs),
			"output_notes": witness.output_notes.iter().map(NoteJson::from_note).collect::<Vec<_>>(),
			"prove_ms": started.elapsed().as_millis() as u64,
		})
	);
	ExitCode::SUCCESS
}

fn run_verify() -> ExitCode {
	let request: VerifyRequestJson = match read_stdin().and_then(|text| {
		serde_json::from_str(&text).map_err(|e| format!("invalid request JSON: {e}"))
	}) {
		Ok(request) => request,
		Err(e) => return fail(2, e),
	};
	let (proof, inputs) = match from_hex(&request.proof)
		.map_err(|e| format!("proof: {e}"))
		.and_then(|proof| Ok((proof, request.public_inputs.to_inputs()?)))
	{
		Ok(parts) => parts,
		Err(e) => return fail(2, e),
	};
	match verify(TransferKeys::get(), &proof, &inputs) {
		Ok(()) => {
			println!("{}", json!({ "valid": true }));
			ExitCode::SUCCESS
		},
		Err(e) => {
			println!("{}", json!({ "valid": false, "error": e.to_string() }));
			ExitCode::from(1)
		},
	}
}

fn read_json<T: serde::de::DeserializeOwned>() -> Result<T, String> {
	read_stdin().and_then(|text| {
		serde_json::from_str(&text).map_err(|e| format!("invalid request JSON: {e}"))
	})
}

fn run_prove_job() -> ExitCode {
	let request: JobRequestJson = match read_json() {
		Ok(request) => request,
		Err(e) => return fail(2, e),
	};
	let (witness, provider) = match request.witness().and_then(|w| Ok((w, request.provider()?))) {
		Ok(parts) => parts,
		Err(e) => return fail(2, e),
	};
	let started = Instant::now();
	match witness.prove(request.job_id, provider, &mut rand::rng()) {
		Ok(result) => {
			println!(
				"{}",
				json!({
					"circuit": result.circuit.name,
					"statement": StatementJson::from_statement(&result.statement),
					"proof": to_hex(&result.proof),
					"prove_ms": started.elapsed().as_millis() as u64,
				})
			);
			ExitCode::SUCCESS
		},
		Err(e) => fail(2, e),
	}
}

fn run_verify_job() -> ExitCode {
	let request: VerifyJobJson = match read_json() {
		Ok(request) => request,
		Err(e) => return fail(2, e),
	};
	let parts = circuit_by_name(&request.circuit).and_then(|circuit| {
		let proof = from_hex(&request.proof).map_err(|e| format!("proof: {e}"))?;
		Ok((circuit, proof, request.statement.to_statement()?))
	});
	let (circuit, proof, statement) = match parts {
		Ok(parts) => parts,
		Err(e) => return fail(2, e),
	};
	match job::verify(circuit.id, &proof, &statement) {
		Ok(()) => {
			println!("{}", json!({ "valid": true }));
			ExitCode::SUCCESS
		},
		Err(e) => {
			println!("{}", json!({ "valid": false, "error": e.to_string() }));
			ExitCode::from(1)
		},
	}
}

fn run_job_commitments() -> ExitCode {
	let request: JobRequestJson = match read_json() {
		Ok(request) => request,
		Err(e) => return fail(2, e),
	};
	match request.witness().and_then(|w| Ok((w, request.provider()?))) {
		Ok((witness, provider)) => {
			let statement = witness.statement(request.job_id, provider);
			println!("{}", json!(StatementJson::from_statement(&statement)));
			ExitCode::SUCCESS
		},
		Err(e) => fail(2, e),
	}
}

fn run_decrypt() -> ExitCode {
	let request: DecryptJson = match read_json() {
		Ok(request) => request,
		Err(e) => return fail(2, e),
	};
	let parts = field(&request.delivery_key, "delivery key")
		.and_then(|key| Ok((key, request.statement.output_elements()?)));
	let (key, ciphertext) = match parts {
		Ok(parts) => parts,
		Err(e) => return fail(2, e),
	};
	match delivery::decrypt(key, request.statement.job_id, &ciphertext, request.outputs) {
		Ok(output) => {
			println!("{}", json!({ "output": output }));
			ExitCode::SUCCESS
		},
		Err(e) => fail(1, e),
	}
}

fn run_sample_job(kind: Option<&str>, circuit: Option<&str>) -> ExitCode {
	const USAGE: &str = "usage: sable-zk-prover sample-job commitment|inference|adapted [CIRCUIT]";
	let Some(Ok(kind)) = kind.map(|k| serde_json::from_value::<KindJson>(json!(k))) else {
		return fail(2, USAGE);
	};
	let witness = match circuit {
		None => samples::of_kind(kind.into(), 1),
		Some(name) => match circuit_by_name(name) {
			Ok(spec) => samples::of_circuit(spec.id, 1),
			Err(e) => return fail(2, e),
		},
	};
	let Some(witness) = witness.filter(|w| KindJson::from(w.kind()) == kind) else {
		return fail(2, "this build has no sample of that kind and circuit");
	};
	let request = request_from_witness(&witness, 0, [0; 32]);
	println!("{}", json!(request));
	ExitCode::SUCCESS
}

fn main() -> ExitCode {
	let args: Vec<String> = std::env::args().collect();
	match args.get(1).map(String::as_str) {
		Some("prove") => run_prove(),
		Some("verify") => run_verify(),
		Some("prove-job") => run_prove_job(),
		Some("verify-job") => run_verify_job(),
		Some("job-commitments") => run_job_commitments(),
		Some("decrypt") => run_decrypt(),
		Some("sample-job") => {
			run_sample_job(args.get(2).map(String::as_str), args.get(3).map(String::as_str))
		},
		_ => fail(
			2,
			"usage: sable-zk-prover prove|verify|prove-job|verify-job|job-commitments|decrypt \
			 (JSON on stdin) | sample-job KIND [CIRCUIT]",
		),
	}
}
