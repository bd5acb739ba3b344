//! `sable-zk-prover prove|verify`: JSON on stdin, JSON on stdout.
//!
//! `prove` reads a [`ProveRequestJson`] and writes the proof, the public inputs and the
//! output notes; `verify` reads a [`VerifyRequestJson`] and writes `{"valid": true}`. Bad
//! input gives `{"error": "..."}` on stdout and exit code 2; an invalid proof exit code 1.

use std::{io::Read, process::ExitCode, time::Instant};

use sable_zk_proofs::{
	json::{to_hex, NoteJson, ProveRequestJson, PublicInputsJson, VerifyRequestJson},
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
	let (proof, inputs) = match sable_zk_proofs::json::from_hex(&request.proof)
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

fn main() -> ExitCode {
	match std::env::args().nth(1).as_deref() {
		Some("prove") => run_prove(),
		Some("verify") => run_verify(),
		_ => fail(2, "usage: sable-zk-prover prove|verify  (JSON on stdin)"),
	}
}
