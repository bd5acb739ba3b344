//! The models the daemon serves (docs/PROVIDER.md, "Models"): read from their files,
//! checked against the chain, and registered once if they are not (the commitment's salt is
//! written to the state before the registration is sent).

use std::sync::Arc;

use pallet_proof_of_inference_rpc::ModelJson;
use sable_inference_proofs::primitives::JobKind;
use sable_wallet::{
	error::{Result, WalletError},
	poi::{
		chain::{PoiCall, PoiEvent},
		circuits::{request_key, Circuit, ModelFile},
		field_hex, parse_field, random_field,
	},
};
use sable_zk_primitives::{encoding::to_hex, Fp};

use crate::{
	chain::Chain,
	config::{Config, ModelConfig},
	state::ModelRecord,
	Shared,
};

/// A model the daemon serves.
pub struct Served {
	/// Its id on chain.
	pub model_id: u32,
	/// Its circuit.
	pub circuit: Circuit,
	/// Its file.
	pub file: ModelFile,
	/// Its commitment's salt.
	pub salt: Fp,
	/// Its price, from the chain.
	pub price: u128,
	/// The model as the chain reports it.
	pub on_chain: ModelJson,
}

/// Makes the account a provider if it is not one, with `config.bond`.
pub async fn ensure_provider(chain: &Chain, config: &Config) -> Result<()> {
	if chain.provider().await?.is_some() {
		return Ok(());
	}
	eprintln!("registering {} as a provider with a bond of {}", chain.account, config.bond);
	chain.send_and_finalize(PoiCall::register_provider { bond: config.bond }).await?;
	Ok(())
}

/// Every configured model, registered.
pub async fn load(chain: &Chain, config: &Config, shared: &Arc<Shared>) -> Result<Vec<Served>> {
	let mut served = Vec::new();
	for model in &config.models {
		served.push(load_one(chain, model, shared).await?);
	}
	Ok(served)
}

fn parse_salt(hex: &str) -> Result<Fp> {
	parse_field(hex, "a model salt")
}

async fn load_one(chain: &Chain, config: &ModelConfig, shared: &Arc<Shared>) -> Result<Served> {
	let circuit = Circuit::parse(&config.circuit)?;
	if circuit.kind == JobKind::Commitment {
		return Err(WalletError::Input(format!(
			"{}: the daemon serves models whose output it computes and delivers (inference and \
			 adapted inference); a commitment model's output comes from outside: serve it with \
			 `sable job` commands",
			config.file.display()
		)));
	}
	let file = ModelFile::read(&config.file)?;
	let file_digest = to_hex(&file.digest());
	let key = request_key(&chain.pair).public();

	if let Some(model_id) = config.model_id {
		let salt = config.salt.as_deref().map(parse_salt).transpose()?.unwrap_or(Fp::zero());
		let on_chain =
			registered(chain, model_id, &circuit, &file, salt, &key).await?.ok_or_else(|| {
				WalletError::Input(format!(
					"model {model_id} is not {}'s under this account and salt, or is retired",
					config.file.display()
				))
			})?;
		return served(model_id, circuit, file, salt, on_chain);
	}

	let record = shared.with_state(|state| {
		state
			.models
			.iter()
			.find(|m| m.file_digest == file_digest && m.circuit == config.circuit)
			.cloned()
	});
	let record = match record {
		Some(record) => record,
		None => {
			let record = ModelRecord {
				file_digest: file_digest.clone(),
				circuit: config.circuit.clone(),
				salt: field_hex(&random_field(&mut rand::rng())),
				model_id: None,
			};
			shared.update(|state| state.models.push(record.clone()))?;
			record
		},
	};
	let salt = parse_salt(&record.salt)?;
	if let Some(model_id) = record.model_id {
		if let Some(on_chain) = registered(chain, model_id, &circuit, &file, salt, &key).await? {
			return served(model_id, circuit, file, salt, on_chain);
		}
		eprintln!(
			"model {model_id} is gone or retired; registering {} again",
			config.file.display()
		);
	}
	// A registration sent before a crash, whose id was never recorded, is found by its
	// commitment among the newest models rather than registered twice.
	let commitment = file.commitment(&circuit, salt)?;
	let model_id = match find_by_commitment(chain, &commitment).await? {
		Some(model_id) => model_id,
		None => {
			let call = PoiCall::register_model {
				circuit: circuit.circuit_id(),
				commitment,
				price: config.price.0,
				metadata: file.digest(),
				encryption_key: key,
			};
			let finalized = chain.send_and_finalize(call).await?;
			finalized
				.events
				.iter()
				.find_map(|event| match event {
					sable_runtime::RuntimeEvent::ProofOfInference(PoiEvent::ModelRegistered {
						model_id,
						..
					}) => Some(*model_id),
					_ => None,
				})
				.ok_or_else(|| WalletError::Rpc("no ModelRegistered event".into()))?
		},
	};
	shared.update(|state| {
		if let Some(m) = state
			.models
			.iter_mut()
			.find(|m| m.file_digest == file_digest && m.circuit == config.circuit)
		{
			m.model_id = Some(model_id);
		}
	})?;
	eprintln!(
		"serving {} as model {model_id} ({}, commitment {})",
		config.file.display(),
		circuit.label(),
		to_hex(&commitment)
	);
	let on_chain = registered(chain, model_id, &circuit, &file, salt, &key)
		.await?
		.ok_or_else(|| WalletError::Rpc(format!("model {model_id} is not on chain")))?;
	served(model_id, circuit, file, salt, on_chain)
}

fn served(
	model_id: u32,
	circuit: Circuit,
	file: ModelFile,
	salt: Fp,
	on_chain: ModelJson,
) -> Result<Served> {
	let price = on_chain.price.parse().map_err(|_| {
		WalletError::Rpc(format!("model {model_id}'s price {:?} is not a number", on_chain.price))
	})?;
	Ok(Served { model_id, circuit, file, salt, price, on_chain })
}

/// Model `model_id` if it is this account's live model of `file` with `salt` and `key`.
async fn registered(
	chain: &Chain,
	model_id: u32,
	circuit: &Circuit,
	file: &ModelFile,
	salt: Fp,
	key: &[u8; 32],
) -> Result<Option<ModelJson>> {
	let Some(model) = chain.model(model_id).await? else { return Ok(None) };
	let ours = model.provider == chain.account.to_string()
		&& !model.retired
		&& (model.circuit, model.circuit_version) == (circuit.id, circuit.version)
		&& model.commitment.0 == file.commitment(circuit, salt)?
		&& &model.encryption_key.0 == key;
	Ok(ours.then_some(model))
}

/// How far back a lost registration is looked for.
const RECENT_MODELS: u32 = 64;

/// The newest of this account's live models with `commitment`, among the last
/// [`RECENT_MODELS`] registered.
async fn find_by_commitment(chain: &Chain, commitment: &[u8; 32]) -> Result<Option<u32>> {
	let next = next_model_id(chain).await?;
	for model_id in (next.saturating_sub(RECENT_MODELS)..next).rev() {
		if let Some(model) = chain.model(model_id).await? {
			if &model.commitment.0 == commitment
				&& model.provider == chain.account.to_string()
				&& !model.retired
			{
				return Ok(Some(model_id));
			}
		}
	}
	Ok(None)
}

async fn next_model_id(chain: &Chain) -> Result<u32> {
	use codec::Decode;
	let key = pallet_proof_of_inference::NextModelId::<sable_runtime::Runtime>::hashed_key();
	let raw = chain
		.endpoints
		.call(|node| async move {
			let at = node.finalized_head().await?;
			node.storage(&key, at).await
		})
		.await?;
	match raw {
		None => Ok(0),
		Some(bytes) => u32::decode(&mut &bytes[..])
			.map_err(|e| WalletError::Rpc(format!("NextModelId does not decode: {e}"))),
	}
}
