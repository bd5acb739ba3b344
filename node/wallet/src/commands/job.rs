//! `sable job ...`: proof-of-inference jobs (docs/poi.md) — create, register, accept, prove,
//! submit, accept-result, cancel and status.

use sable_wallet::{
	error::{Result, WalletError},
	files, jobs,
	node_client::NodeClient,
	submit::{self, Finalized},
};
use serde_json::{json, Value};

use super::{account, Context, Reply};
use crate::cli::JobCommand;

type PoiCall = pallet_proof_of_inference::Call<sable_runtime::Runtime>;

/// Runs a `job` command.
pub(crate) async fn run(context: &Context, command: &JobCommand) -> Result<Reply> {
	match command {
		JobCommand::Create { request, payment, from, deadline_in, provider } => {
			let node = context.connect().await?;
			let request = jobs::read_request(request)?;
			let designated = provider.as_deref().map(account).transpose()?;
			let signer = submit::pair_from_suri(from)?;
			let (job_id, finalized) =
				jobs::create(&node, &signer, &request, *payment, *deadline_in, designated).await?;
			let mut json = finalized_json(&finalized);
			json["job_id"] = json!(job_id);
			Ok(Reply::new(
				json,
				format!("job {job_id} created in block #{}", finalized.block_number),
			))
		},
		JobCommand::Register { bond, from } => {
			let call = PoiCall::register_provider { bond: *bond };
			send(&context.connect().await?, from, call, "registered").await
		},
		JobCommand::Accept { job_id, from } => {
			let call = PoiCall::accept_job { job_id: *job_id };
			send(&context.connect().await?, from, call, &format!("job {job_id} accepted")).await
		},
		JobCommand::AcceptResult { job_id, from } => {
			let call = PoiCall::accept_result { job_id: *job_id };
			let done = format!("job {job_id}'s result accepted");
			send(&context.connect().await?, from, call, &done).await
		},
		JobCommand::Cancel { job_id, from } => {
			let call = PoiCall::cancel_job { job_id: *job_id };
			send(&context.connect().await?, from, call, &format!("job {job_id} cancelled")).await
		},
		JobCommand::Submit { proof, from } => {
			let node = context.connect().await?;
			let bytes = std::fs::read(proof)
				.map_err(|e| WalletError::Io(proof.display().to_string(), e))?;
			let file: jobs::ProofFile = serde_json::from_slice(&bytes).map_err(|e| {
				WalletError::Input(format!("{}: not a proof file: {e}", proof.display()))
			})?;
			let finalized =
				jobs::submit_result(&node, &submit::pair_from_suri(from)?, &file).await?;
			// A commitment result waits out its challenge window; the others settle at once.
			let job_id = file.statement.job_id;
			let state = node.job(job_id).await?.map(|job| job.status.state);
			let state = state.as_deref().unwrap_or("unknown");
			let Reply { mut json, text } = finalized_reply(&finalized, "result submitted");
			json["state"] = json!(state);
			Ok(Reply::new(json, format!("{text}; job {job_id}: {state}")))
		},
		JobCommand::Status { job_id } => {
			let job = context.connect().await?.job(*job_id).await?;
			let state = job.as_ref().map(|job| job.status.state.as_str());
			let text = format!("job {job_id}: {}", state.unwrap_or("unknown"));
			let json = serde_json::to_value(job).map_err(|e| WalletError::Rpc(e.to_string()))?;
			Ok(Reply::new(json, text))
		},
		JobCommand::Prove { job_id, request, provider, out } => {
			let request = jobs::read_request(request)?;
			let proof = jobs::prove(&request, *job_id, &account(provider)?)?;
			let json =
				serde_json::to_value(&proof).map_err(|e| WalletError::Corrupt(e.to_string()))?;
			if let Some(out) = out {
				files::write_atomic(out, json.to_string().as_bytes(), false)?;
			}
			let text = format!("proved job {job_id}; output commitment {}", proof.statement.output);
			Ok(Reply::new(json, text))
		},
	}
}

fn finalized_json(finalized: &Finalized) -> Value {
	json!({ "block_hash": finalized.block_hash, "block_number": finalized.block_number })
}

/// The reply to a job command that ended with `finalized`: its block, and `done` in text.
fn finalized_reply(finalized: &Finalized, done: &str) -> Reply {
	Reply::new(finalized_json(finalized), format!("{done} in block #{}", finalized.block_number))
}

/// Signs `call` with the secret URI `from`, follows it to finality and replies `done`.
async fn send(node: &NodeClient, from: &str, call: PoiCall, done: &str) -> Result<Reply> {
	let finalized = jobs::send(node, &submit::pair_from_suri(from)?, call).await?;
	Ok(finalized_reply(&finalized, done))
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn a_finalized_job_call_replies_with_its_block() {
		let finalized =
			Finalized { block_hash: "0xab".into(), block_number: 5, events: Vec::new() };
		let reply = finalized_reply(&finalized, "job 1 accepted");
		assert_eq!(reply.text, "job 1 accepted in block #5");
		assert_eq!(reply.json, json!({ "block_hash": "0xab", "block_number": 5 }));
	}
}
