//! What the wallet must remember of the market, `poi.json` in the data directory (mode 0600,
//! written atomically like the note store): for each job it created, the request's plaintext
//! (input, input salt, one-time delivery key), without which its result cannot be decrypted;
//! for each model it registered, the commitment's salt, without which its jobs cannot be
//! proven.
//!
//! Entries are found by their commitments, as the chain reports them, not by ids alone: a
//! request is recorded before its job exists (and may be submitted by another client, with
//! `--no-submit`), and a dev chain started again reuses job ids.

use std::path::{Path, PathBuf};

use sable_zk_primitives::encoding::{from_hex, to_hex};
use serde::{Deserialize, Serialize};

use crate::{
	error::{Result, WalletError},
	files,
};

/// The file's name in the data directory.
pub const SECRETS_FILE: &str = "poi.json";

/// One request the wallet sealed, and the job it became.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestSecret {
	/// The job, once known.
	pub job_id: Option<u64>,
	/// The model it was sealed for.
	pub model_id: u32,
	/// Registry name of the model's circuit version.
	pub circuit: String,
	/// The job's input commitment, hex.
	pub input_commitment: String,
	/// The job's delivery commitment, hex (jobs with delivery).
	pub delivery_commitment: Option<String>,
	/// The request's plaintext, hex: format version, input salt, delivery key, payload.
	pub plaintext: String,
}

/// One model the wallet registered.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelSecret {
	/// The model, once known.
	pub model_id: Option<u32>,
	/// Registry name of its circuit version.
	pub circuit: String,
	/// Its commitment, hex.
	pub commitment: String,
	/// The commitment's salt, hex.
	pub salt: String,
}

/// The store.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Secrets {
	/// Format version (1).
	pub version: u32,
	/// Requests, oldest first.
	#[serde(default)]
	pub requests: Vec<RequestSecret>,
	/// Models, oldest first.
	#[serde(default)]
	pub models: Vec<ModelSecret>,
}

/// Where the store of the data directory `dir` is.
pub fn path(dir: &Path) -> PathBuf {
	dir.join(SECRETS_FILE)
}

impl Secrets {
	/// Loads the store of `dir`, or an empty one if there is none.
	pub fn load(dir: &Path) -> Result<Secrets> {
		let path = path(dir);
		match files::read_optional(&path)? {
			None => Ok(Secrets { version: 1, ..Default::default() }),
			Some(bytes) => {
				let secrets: Secrets = serde_json::from_slice(&bytes)
					.map_err(|e| WalletError::Corrupt(format!("{}: {e}", path.display())))?;
				if secrets.version != 1 {
					return Err(WalletError::Corrupt(format!(
						"{}: format version {} (this wallet reads 1)",
						path.display(),
						secrets.version
					)));
				}
				Ok(secrets)
			},
		}
	}

	/// Saves the store of `dir` atomically, readable by its owner only.
	pub fn save(&self, dir: &Path) -> Result<()> {
		let bytes = serde_json::to_vec_pretty(self)
			.map_err(|e| WalletError::Corrupt(format!("cannot encode the store: {e}")))?;
		files::write_atomic(&path(dir), &bytes, true)
	}

	/// The request whose job has these commitments.
	pub fn request(&self, input: &[u8; 32], delivery: Option<&[u8; 32]>) -> Option<&RequestSecret> {
		let (input, delivery) = (to_hex(input), delivery.map(|d| to_hex(d)));
		self.requests
			.iter()
			.rev()
			.find(|r| r.input_commitment == input && r.delivery_commitment == delivery)
	}

	/// Records that the request with input commitment `input` became job `job_id`.
	pub fn set_job_id(&mut self, input: &[u8; 32], job_id: u64) {
		let input = to_hex(input);
		if let Some(request) = self.requests.iter_mut().rev().find(|r| r.input_commitment == input)
		{
			request.job_id = Some(job_id);
		}
	}

	/// The salt recorded for the model commitment `commitment`, hex.
	pub fn model_salt(&self, commitment: &[u8; 32]) -> Option<&str> {
		let commitment = to_hex(commitment);
		self.models.iter().rev().find(|m| m.commitment == commitment).map(|m| m.salt.as_str())
	}

	/// Records that the model with `commitment` got the id `model_id`.
	pub fn set_model_id(&mut self, commitment: &[u8; 32], model_id: u32) {
		let commitment = to_hex(commitment);
		if let Some(model) = self.models.iter_mut().rev().find(|m| m.commitment == commitment) {
			model.model_id = Some(model_id);
		}
	}
}

impl RequestSecret {
	/// The plaintext's bytes.
	pub fn plaintext(&self) -> Result<Vec<u8>> {
		from_hex(&self.plaintext).map_err(WalletError::corrupt_hex("a request's plaintext"))
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn requests_and_models_are_found_by_their_commitments_and_kept_private() {
		let dir = tempfile::tempdir().expect("temp dir");
		let empty = Secrets::load(dir.path()).expect("no store yet");
		assert!(empty.requests.is_empty() && empty.version == 1);

		let mut secrets = empty.clone();
		let request = |input: u8, delivery: Option<u8>| RequestSecret {
			job_id: None,
			model_id: 0,
			circuit: "poi_inference_64x32x10_v3".into(),
			input_commitment: to_hex(&[input; 32]),
			delivery_commitment: delivery.map(|d| to_hex(&[d; 32])),
			plaintext: "0x01".into(),
		};
		secrets.requests.push(request(1, Some(2)));
		secrets.requests.push(request(3, None));
		secrets.set_job_id(&[1; 32], 7);
		assert_eq!(secrets.request(&[1; 32], Some(&[2; 32])).and_then(|r| r.job_id), Some(7));
		assert_eq!(secrets.request(&[1; 32], None), None, "the delivery commitment must match");
		assert_eq!(secrets.request(&[3; 32], None).map(|r| r.job_id), Some(None));
		assert_eq!(secrets.request(&[9; 32], None), None);

		secrets.models.push(ModelSecret {
			model_id: None,
			circuit: "poi_commitment_v1".into(),
			commitment: to_hex(&[5; 32]),
			salt: to_hex(&[6; 32]),
		});
		secrets.set_model_id(&[5; 32], 4);
		assert_eq!(secrets.model_salt(&[5; 32]), Some(to_hex(&[6; 32]).as_str()));
		assert_eq!(secrets.models[0].model_id, Some(4));
		assert_eq!(secrets.model_salt(&[6; 32]), None);

		secrets.save(dir.path()).expect("saved");
		assert_eq!(Secrets::load(dir.path()).expect("loads"), secrets);
		#[cfg(unix)]
		{
			use std::os::unix::fs::PermissionsExt;
			let mode = std::fs::metadata(path(dir.path())).expect("file").permissions().mode();
			assert_eq!(mode & 0o777, 0o600);
		}
		std::fs::write(path(dir.path()), b"{\"version\": 2}").expect("write");
		let error = Secrets::load(dir.path()).expect_err("a later format");
		assert!(error.to_string().contains("format version 2"), "{error}");
	}
}
