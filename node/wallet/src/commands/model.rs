//! `sable model ...`: registering, retiring and reading proof-of-inference models
//! (docs/poi.md, "Model registry").

use sable_wallet::{
	error::{Result, WalletError},
	poi::{
		chain::{self, PoiCall, PoiEvent},
		circuits::{request_key, Circuit, ModelFile},
		field_hex, parse_field, random_field,
		secrets::{ModelSecret, Secrets},
	},
	submit,
};
use sable_zk_primitives::encoding::to_hex;
use serde_json::json;

use super::{send_poi, to_json, Context, Reply};
use crate::cli::ModelCommand;

/// Runs a `model` command.
pub(crate) async fn run(context: &Context, command: &ModelCommand) -> Result<Reply> {
	match command {
		ModelCommand::Register { circuit, model_file, price, salt, from } => {
			let circuit = Circuit::parse(circuit)?;
			let file = ModelFile::read(model_file)?;
			let salt = match salt {
				Some(hex) => parse_field(hex, "salt")?,
				None => random_field(&mut rand::rng()),
			};
			let commitment = file.commitment(&circuit, salt)?;
			let metadata = file.digest();
			let signer = submit::pair_from_suri(from)?;
			let encryption_key = request_key(&signer).public();
			let circuit_id = circuit.circuit_id();
			// The salt is recorded before anything is submitted: without it the model's jobs
			// cannot be proven.
			let mut secrets = Secrets::load(&context.dir)?;
			secrets.models.push(ModelSecret {
				model_id: None,
				circuit: circuit.name.into(),
				commitment: to_hex(&commitment),
				salt: field_hex(&salt),
			});
			secrets.save(&context.dir)?;

			let call = PoiCall::register_model {
				circuit: circuit_id,
				commitment,
				price: *price,
				metadata,
				encryption_key,
			};
			let finalized = chain::send(&context.connect().await?, &signer, call).await?;
			let model_id = chain::poi_events(&finalized)
				.find_map(|event| match event {
					PoiEvent::ModelRegistered { model_id, .. } => Some(*model_id),
					_ => None,
				})
				.ok_or_else(|| WalletError::Rpc("no ModelRegistered event".into()))?;
			secrets.set_model_id(&commitment, model_id);
			secrets.save(&context.dir)?;
			let mut json = chain::finalized_json(&finalized);
			json["model_id"] = json!(model_id);
			json["circuit"] = json!(circuit.label());
			json["commitment"] = json!(to_hex(&commitment));
			json["metadata"] = json!(to_hex(&metadata));
			json["encryption_key"] = json!(to_hex(&encryption_key));
			json["salt"] = json!(field_hex(&salt));
			let text = format!(
				"model {model_id} registered (circuit {}, commitment {}) in block #{}; its salt \
				 is kept in {}",
				circuit.label(),
				to_hex(&commitment),
				finalized.block_number,
				sable_wallet::poi::secrets::path(&context.dir).display()
			);
			Ok(Reply::new(json, text))
		},
		ModelCommand::Retire { model_id, from } => {
			let call = PoiCall::retire_model { model_id: *model_id };
			send_poi(context, from, call, &format!("model {model_id} retired")).await
		},
		ModelCommand::Show { model_id } => {
			let model = context.connect().await?.model(*model_id).await?;
			let text = match &model {
				None => format!("no model {model_id}"),
				Some(m) => format!(
					"model {model_id}: {} (circuit {}.{}) by {}, price {}, {} open jobs{}",
					m.kind,
					m.circuit,
					m.circuit_version,
					m.provider,
					m.price,
					m.open_jobs,
					if m.retired { ", retired" } else { "" }
				),
			};
			Ok(Reply::new(to_json(&model)?, text))
		},
	}
}
