//! Proof-of-inference jobs from the CLI (docs/poi.md): a client creates a job from a job
//! request file (the model and input commitments are computed from it, the witness never
//! leaves the machine), a provider accepts, proves locally and submits; the client accepts a
//! commitment result before its challenge window ends, or cancels a job nobody accepted;
//! anyone reads its state through `poi_job`.

use std::path::Path;

use sable_inference_proofs::json::{JobRequestJson, StatementJson};
use sable_runtime::{AccountId, Balance, RuntimeCall, RuntimeEvent};
use sable_zk_primitives::encoding::{from_hex, to_hex};
use serde::{Deserialize, Serialize};
use sp_core::sr25519;

use crate::{
	error::{Result, WalletError},
	node_client::NodeClient,
	submit::{self, Finalized},
};

/// A proven result, as `sable job prove` writes it and `sable job submit` reads it (the same
/// form as `sable-zk-prover prove-job`).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ProofFile {
	/// The job kind.
	pub kind: sable_inference_proofs::json::KindJson,
	/// What the proof shows.
	pub statement: StatementJson,
	/// The proof, hex.
	pub proof: String,
}

/// Reads a job request (`sable-zk-prover sample-job KIND` writes an example).
pub fn read_request(path: &Path) -> Result<JobRequestJson> {
	let bytes = std::fs::read(path).map_err(|e| WalletError::Io(path.display().to_string(), e))?;
	serde_json::from_slice(&bytes)
		.map_err(|e| WalletError::Input(format!("{}: not a job request: {e}", path.display())))
}

/// Creates a job for `request`'s model and input; returns its id.
pub async fn create(
	node: &NodeClient,
	signer: &sr25519::Pair,
	request: &JobRequestJson,
	payment: Balance,
	deadline_in: u32,
	designated: Option<AccountId>,
) -> Result<(u64, Finalized)> {
	let witness = request.witness().map_err(WalletError::Input)?;
	let statement = witness.statement(0, [0; 32]);
	let deadline = (node.best_number().await? as u32).saturating_add(deadline_in.max(1));
	let create = pallet_proof_of_inference::Call::create_job {
		kind: witness.kind(),
		model: statement.model,
		input: statement.input,
		payment,
		deadline,
		designated,
	};
	let finalized = send(node, signer, create).await?;
	let job_id = finalized
		.events
		.iter()
		.find_map(|event| match event {
			RuntimeEvent::ProofOfInference(pallet_proof_of_inference::Event::JobCreated {
				job_id,
				..
			}) => Some(*job_id),
			_ => None,
		})
		.ok_or_else(|| WalletError::Rpc("no JobCreated event".into()))?;
	Ok((job_id, finalized))
}

/// Signs `call` as `signer`, submits it and follows it to finality (every job call goes
/// through here).
pub async fn send(
	node: &NodeClient,
	signer: &sr25519::Pair,
	call: pallet_proof_of_inference::Call<sable_runtime::Runtime>,
) -> Result<Finalized> {
	submit::submit(node, &submit::sign(node, RuntimeCall::ProofOfInference(call), signer).await?)
		.await
}

/// Proves `request`'s result for job `job_id` and `provider`.
pub fn prove(request: &JobRequestJson, job_id: u64, provider: &AccountId) -> Result<ProofFile> {
	let witness = request.witness().map_err(WalletError::Input)?;
	let proven = witness
		.prove(job_id, *provider.as_ref(), &mut rand::rng())
		.map_err(|e| WalletError::Input(format!("cannot prove: {e}")))?;
	Ok(ProofFile {
		kind: witness.kind().into(),
		statement: StatementJson::from_statement(&proven.statement),
		proof: to_hex(&proven.proof),
	})
}

/// Submits a proven result as `signer` (who must be the provider it was proven for).
pub async fn submit_result(
	node: &NodeClient,
	signer: &sr25519::Pair,
	file: &ProofFile,
) -> Result<Finalized> {
	let statement = file.statement.to_statement().map_err(WalletError::Input)?;
	let signer_account = AccountId::from(sp_core::Pair::public(signer));
	if AsRef::<[u8; 32]>::as_ref(&signer_account) != &statement.provider {
		return Err(WalletError::Input(
			"the proof was made for another provider account than the signer".into(),
		));
	}
	let proof = from_hex(&file.proof)
		.map_err(|e| WalletError::Input(format!("the proof is not hex: {e}")))?
		.try_into()
		.map_err(|_| WalletError::Input("the proof is longer than 8 KiB".into()))?;
	let result = pallet_proof_of_inference::Call::submit_result {
		job_id: statement.job_id,
		output: statement.output,
		proof,
	};
	send(node, signer, result).await
}
