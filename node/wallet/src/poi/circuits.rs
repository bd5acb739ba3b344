//! The circuit versions the wallet proves jobs with, model files and their commitments, and
//! a provider's request key (docs/poi.md, "Model registry" and "Requests").
//!
//! A model is registered with a circuit version, named on the command line as `commitment`
//! (the job commitment circuit: the model is any file, committed to by its BLAKE2b-256
//! digest), `inference-IxHxO` (the inference circuit of that shape: the model is a
//! `model.json` of a quantized two-layer model, committed to weight by weight) or
//! `adapted-IxHxO-rR` (inference of such a base model with the client's rank-R LoRA adapter
//! on its first layer). The registry's own names (`poi_inference_64x32x10_v3`) and
//! `ID.VERSION` (`4.3`) are accepted too.

use std::path::{Path, PathBuf};

use sable_inference_proofs::{
	circuit::{adapted, inference},
	gadgets::adapter::RANK,
	job,
	primitives::{
		commit_bytes,
		mlp::{self, Matrix, QuantizedMlp, Shape},
		CommitmentKind, JobKind,
	},
	request::{PayloadShape, RequestKey},
};
use sable_zk_primitives::{encoding::fp_to_bytes, Fp};
use serde::Deserialize;
use sp_core::{sr25519, Pair};

use super::blake2_256;
use crate::error::{Result, WalletError};

/// A circuit version this wallet can prove jobs with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Circuit {
	/// The circuit's id (2: commitment, 4: inference, 5: adapted inference).
	pub id: u16,
	/// Its version.
	pub version: u16,
	/// Its registry name, such as `poi_inference_64x32x10_v3`.
	pub name: &'static str,
	/// The kind of job it proves.
	pub kind: JobKind,
	/// For inference and adapted inference: the (base) model shape it proves.
	pub shape: Option<Shape>,
	/// For adapted inference: the adapter's rank.
	pub rank: Option<usize>,
}

/// Bytes of a request's plaintext before its payload: format version, input salt, delivery
/// key (docs/poi.md, "Requests").
const REQUEST_HEADER: usize = 1 + 32 + 32;

impl Circuit {
	/// Every job circuit version this build proves, in registry order.
	pub fn all() -> Vec<Circuit> {
		job::circuits()
			.into_iter()
			.filter_map(|spec| {
				let kind = JobKind::of(spec.id)?;
				let (shape, rank) = if spec.id == adapted::SPEC.id {
					(Some(adapted::SHAPE), Some(RANK))
				} else {
					let shape = inference::VERSIONS
						.iter()
						.find(|(version, _)| version.id == spec.id)
						.map(|(_, shape)| *shape);
					(shape, None)
				};
				let (id, version, name) = (spec.id.id, spec.id.version, spec.name);
				Some(Circuit { id, version, name, kind, shape, rank })
			})
			.collect()
	}

	/// Circuit version `id.version`, if this build proves it.
	pub fn of(id: u16, version: u16) -> Option<Circuit> {
		Self::all().into_iter().find(|c| c.id == id && c.version == version)
	}

	/// The circuit version of a model as `poi_model` reports it; an error names what to do
	/// when this build does not prove it.
	pub fn of_model(model_id: u32, id: u16, version: u16) -> Result<Circuit> {
		Self::of(id, version).ok_or_else(|| {
			WalletError::Input(format!(
				"model {model_id} is proven by circuit {id}.{version}, which this wallet does not \
				 know: upgrade sable"
			))
		})
	}

	/// The circuit version a command line names: `commitment`, `inference-IxHxO`,
	/// `adapted-IxHxO-rR`, a registry name or `ID.VERSION`.
	pub fn parse(name: &str) -> Result<Circuit> {
		let all = Self::all();
		let labelled = |c: &&Circuit| c.label() == name;
		let found = if name == "commitment" {
			all.iter().rev().find(|c| c.kind == JobKind::Commitment).copied()
		} else if let Some((id, version)) = name.split_once('.') {
			match (id.parse(), version.parse()) {
				(Ok(id), Ok(version)) => Self::of(id, version),
				_ => None,
			}
		} else {
			all.iter().find(labelled).or_else(|| all.iter().find(|c| c.name == name)).copied()
		};
		found.ok_or_else(|| {
			let known: Vec<String> = all.iter().map(Circuit::label).collect();
			WalletError::Input(format!(
				"unknown circuit {name:?}: this wallet proves {}",
				known.join(", ")
			))
		})
	}

	/// The registry id of this circuit version, as the pallet's calls take it.
	pub fn circuit_id(&self) -> sable_inference_proofs::CircuitId {
		sable_inference_proofs::CircuitId::new(self.id, self.version)
	}

	/// Its command-line name: `commitment`, `inference-IxHxO` or `adapted-IxHxO-rR`.
	pub fn label(&self) -> String {
		match (self.kind, self.shape, self.rank) {
			(JobKind::Inference, Some(shape), _) => format!("inference-{shape}"),
			(JobKind::Adapted, Some(shape), Some(rank)) => format!("adapted-{shape}-r{rank}"),
			(JobKind::Commitment, _, _) => "commitment".into(),
			_ => self.name.into(),
		}
	}

	/// The (base) model shape of an inference or adapted-inference circuit; an error for
	/// commitment circuits.
	pub fn model_shape(&self) -> Result<Shape> {
		match (self.kind, self.shape) {
			(JobKind::Inference | JobKind::Adapted, Some(shape)) => Ok(shape),
			_ => Err(WalletError::Input(format!("{} runs no model of its own", self.name))),
		}
	}

	/// The rank of an adapted-inference circuit's adapter, and the entries of its `A`
	/// (`rank x inputs`) and `B` (`hidden x rank`).
	pub fn adapter_sizes(&self) -> Result<(usize, usize, usize)> {
		match (self.kind, self.shape, self.rank) {
			(JobKind::Adapted, Some(shape), Some(rank)) => {
				Ok((rank, rank * shape.inputs, shape.hidden * rank))
			},
			_ => Err(WalletError::Input(format!("{} takes no adapter", self.name))),
		}
	}

	/// What the payload of a request of this circuit's jobs holds, given the sealed box's
	/// length: an input (and adapter) of the circuit's shape, or for commitment jobs whatever
	/// bytes the client sent.
	pub fn payload_shape(&self, boxed_len: usize) -> Result<PayloadShape> {
		match self.kind {
			JobKind::Inference => {
				Ok(PayloadShape { inputs: self.model_shape()?.inputs, adapter: None })
			},
			JobKind::Adapted => {
				let (_, a, b) = self.adapter_sizes()?;
				Ok(PayloadShape { inputs: self.model_shape()?.inputs, adapter: Some((a, b)) })
			},
			JobKind::Commitment => {
				let overhead = sable_zk_proofs::sealed::OVERHEAD + REQUEST_HEADER;
				let inputs = boxed_len.checked_sub(overhead).ok_or_else(|| {
					WalletError::Input(format!("the request is too short ({boxed_len} bytes)"))
				})?;
				Ok(PayloadShape { inputs, adapter: None })
			},
		}
	}
}

/// A model's file: the weights of an inference model (`model.json`), or any file for a
/// commitment model.
#[derive(Clone, Debug)]
pub struct ModelFile {
	/// Where it was read from.
	pub path: PathBuf,
	/// Its bytes.
	pub bytes: Vec<u8>,
}

/// `model.json`: a quantized two-layer model (other fields are ignored).
#[derive(Deserialize)]
struct MlpJson {
	#[serde(default)]
	shape: Option<ShapeJson>,
	w1: Vec<Vec<i8>>,
	b1: Vec<i16>,
	w2: Vec<Vec<i8>>,
	b2: Vec<i16>,
	divisor: u16,
}

#[derive(Deserialize)]
struct ShapeJson {
	inputs: usize,
	hidden: usize,
	outputs: usize,
}

fn matrix(rows: &[Vec<i8>], what: &str, path: &Path) -> Result<Matrix> {
	let columns = rows.first().map_or(0, Vec::len);
	Matrix::from_rows(rows, columns).ok_or_else(|| {
		WalletError::Input(format!("{}: the rows of {what} differ in length", path.display()))
	})
}

impl ModelFile {
	/// Reads the file at `path`.
	pub fn read(path: &Path) -> Result<ModelFile> {
		let bytes =
			std::fs::read(path).map_err(|e| WalletError::Io(path.display().to_string(), e))?;
		Ok(ModelFile { path: path.to_path_buf(), bytes })
	}

	/// BLAKE2b-256 of the file: the model's metadata hash, and the digest a commitment model
	/// commits to.
	pub fn digest(&self) -> [u8; 32] {
		blake2_256(&self.bytes)
	}

	/// The quantized model the file holds.
	pub fn mlp(&self) -> Result<QuantizedMlp> {
		let path = self.path.display();
		let json: MlpJson = serde_json::from_slice(&self.bytes).map_err(|e| {
			WalletError::Input(format!("{path}: not a quantized model (model.json): {e}"))
		})?;
		let w1 = matrix(&json.w1, "w1", &self.path)?;
		let w2 = matrix(&json.w2, "w2", &self.path)?;
		let shape = match json.shape {
			Some(s) => Shape::new(s.inputs, s.hidden, s.outputs),
			None => Shape::new(w1.columns(), w1.rows(), w2.rows()),
		};
		QuantizedMlp::new(shape, w1, json.b1, w2, json.b2, json.divisor)
			.map_err(|e| WalletError::Input(format!("{path}: {e}")))
	}

	/// The model as `circuit` proves it: padded with zeroes into the circuit's shape.
	pub fn mlp_for(&self, circuit: &Circuit) -> Result<QuantizedMlp> {
		let shape = circuit.model_shape()?;
		self.mlp()?.pad(shape).map_err(|e| {
			WalletError::Input(format!(
				"{}: {e} (circuit {})",
				self.path.display(),
				circuit.label()
			))
		})
	}

	/// The model commitment registered for this file with `salt` under `circuit`.
	pub fn commitment(&self, circuit: &Circuit, salt: Fp) -> Result<[u8; 32]> {
		match circuit.kind {
			JobKind::Commitment => Ok(commit_bytes(CommitmentKind::Model, &self.digest(), salt)),
			JobKind::Inference | JobKind::Adapted => {
				Ok(fp_to_bytes(&mlp::model_commitment(&self.mlp_for(circuit)?, salt)))
			},
		}
	}
}

/// The request key of the provider account `pair` (docs/poi.md, "Requests"): derived from
/// the BLAKE2b-256 hash of the account's raw sr25519 secret, so that it needs no key file of
/// its own and stays with the account.
pub fn request_key(pair: &sr25519::Pair) -> RequestKey {
	RequestKey::from_account_secret(&pair.to_raw_vec())
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn circuits_are_named_by_kind_and_shape() {
		let digits = Circuit::parse("inference-64x32x10").expect("the digits circuit");
		assert_eq!((digits.id, digits.kind), (4, JobKind::Inference));
		assert_eq!(digits.shape, Some(Shape::new(64, 32, 10)));
		assert_eq!(digits.label(), "inference-64x32x10");
		assert_eq!(Circuit::parse(digits.name).ok(), Some(digits));
		assert_eq!(Circuit::parse(&format!("{}.{}", digits.id, digits.version)).ok(), Some(digits));
		let adapted = Circuit::parse("adapted-16x16x16-r4").expect("the adapted circuit");
		assert_eq!((adapted.id, adapted.kind, adapted.rank), (5, JobKind::Adapted, Some(4)));
		assert_eq!(adapted.label(), "adapted-16x16x16-r4");
		assert_eq!(adapted.adapter_sizes().ok(), Some((4, 64, 64)));
		assert!(digits.adapter_sizes().is_err());
		let commitment = Circuit::parse("commitment").expect("the commitment circuit");
		assert_eq!((commitment.id, commitment.kind), (2, JobKind::Commitment));
		let unknown = ["inference-1x2x3", "inference-64x32", "adapted-16x16x16-r3", "lora", "9.9"];
		for unknown in unknown {
			let error = Circuit::parse(unknown).expect_err(unknown).to_string();
			assert!(error.contains("commitment, inference-"), "{error}");
		}
	}
}
