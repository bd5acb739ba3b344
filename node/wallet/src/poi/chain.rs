//! The pallet's calls, signed from a secret URI and followed to finality, and what their
//! events say.

use pallet_proof_of_inference_rpc::{JobJson, ModelJson};
use sable_runtime::{Balance, Runtime, RuntimeCall, RuntimeEvent};
use serde_json::{json, Value};
use sp_core::sr25519;

use crate::{
	error::{Result, WalletError},
	node_client::NodeClient,
	submit::{self, Finalized},
};

/// A call of the proof-of-inference pallet.
pub type PoiCall = pallet_proof_of_inference::Call<Runtime>;
/// An event of the proof-of-inference pallet.
pub type PoiEvent = pallet_proof_of_inference::Event<Runtime>;

/// Signs `call` as `signer`, submits it and follows it to finality.
pub async fn send(node: &NodeClient, signer: &sr25519::Pair, call: PoiCall) -> Result<Finalized> {
	submit::submit(node, &submit::sign(node, RuntimeCall::ProofOfInference(call), signer).await?)
		.await
}

/// The pallet's events among an extrinsic's.
pub fn poi_events(finalized: &Finalized) -> impl Iterator<Item = &PoiEvent> {
	finalized.events.iter().filter_map(|event| match event {
		RuntimeEvent::ProofOfInference(event) => Some(event),
		_ => None,
	})
}

/// The transaction fee the extrinsic's signer paid.
pub fn fee_paid(finalized: &Finalized) -> Balance {
	finalized
		.events
		.iter()
		.filter_map(|event| match event {
			RuntimeEvent::TransactionPayment(
				pallet_transaction_payment::Event::TransactionFeePaid { actual_fee, .. },
			) => Some(*actual_fee),
			_ => None,
		})
		.sum()
}

/// The name of an event (its variant), from the pallet's type information.
fn event_name(event: &PoiEvent) -> String {
	use codec::Encode;
	use scale_info::{TypeDef, TypeInfo};
	let index = event.encode().first().copied();
	match PoiEvent::type_info().type_def {
		TypeDef::Variant(variants) => variants
			.variants
			.iter()
			.find(|variant| Some(variant.index) == index)
			.map(|variant| variant.name.to_string()),
		_ => None,
	}
	.unwrap_or_else(|| "unknown".into())
}

/// A finalized call for scripts: its block, the fee its signer paid and the pallet's events
/// by name.
pub fn finalized_json(finalized: &Finalized) -> Value {
	json!({
		"block_hash": finalized.block_hash,
		"block_number": finalized.block_number,
		"fee": fee_paid(finalized).to_string(),
		"events": poi_events(finalized).map(event_name).collect::<Vec<_>>(),
	})
}

/// Model `model_id` as the node reports it; an error if there is none.
pub async fn model(node: &NodeClient, model_id: u32) -> Result<ModelJson> {
	node.model(model_id)
		.await?
		.ok_or_else(|| WalletError::Input(format!("the chain has no model {model_id}")))
}

/// Job `job_id` as the node reports it; an error if there is none.
pub async fn job(node: &NodeClient, job_id: u64) -> Result<JobJson> {
	node.job(job_id).await?.ok_or_else(|| {
		WalletError::Input(format!("the chain has no job {job_id} (never created, or pruned)"))
	})
}

/// An error unless job `job_id` is in `state`.
pub fn expect_state(job_id: u64, job: &JobJson, state: &str) -> Result<()> {
	if job.status.state != state {
		return Err(WalletError::Input(format!(
			"job {job_id} is {}, not {state}",
			job.status.state
		)));
	}
	Ok(())
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn events_are_named_by_their_variant() {
		let event = PoiEvent::JobCancelled { job_id: 3 };
		assert_eq!(event_name(&event), "JobCancelled");
		let finalized = Finalized {
			block_hash: "0xab".into(),
			block_number: 5,
			events: vec![
				RuntimeEvent::ProofOfInference(event),
				RuntimeEvent::TransactionPayment(
					pallet_transaction_payment::Event::TransactionFeePaid {
						who: sp_core::crypto::AccountId32::new([1; 32]),
						actual_fee: 7,
						tip: 0,
					},
				),
			],
		};
		assert_eq!(
			finalized_json(&finalized),
			json!({ "block_hash": "0xab", "block_number": 5, "fee": "7", "events": ["JobCancelled"] })
		);
	}
}
