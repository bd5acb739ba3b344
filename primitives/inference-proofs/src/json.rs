//! JSON forms of job witnesses, statements and proofs, as `sable-zk-prover prove-job`,
//! `verify-job`, `job-commitments` and `decrypt` read and write them. Byte strings and field
//! elements are `0x` hex (canonical little-endian for field elements); matrices are arrays of
//! rows of integers.
//!
//! A provider's file for an inference job is its registered model (in the format of
//! `models/digits/model.json`, plus the model commitment's salt) and the client's request:
//!
//! ```json
//! {"kind": "inference", "job_id": 3, "provider": "0x<32 bytes>",
//!  "model": {"shape": {"inputs": 64, "hidden": 32, "outputs": 10},
//!            "w1": [[...64]...32], "b1": [...32], "w2": [[...32]...10], "b2": [...10],
//!            "divisor": 128, "salt": "0x.."},
//!  "request": {"x": [...64], "salt": "0x..", "delivery_key": "0x.."}}
//! ```
//!
//! The model's shape picks the circuit version; `"circuit": "poi_inference_64x32x16_v4"`
//! embeds a smaller model in a larger registered shape by zero padding. An adapted job
//! (`"kind": "adapted"`, a 16 x 16 x 16 base model) adds the client's adapter to the request:
//! `"adapter": {"a": [[...16]...4], "b": [[...4]...16], "alpha": 128}`. A commitment job has
//! `"kind": "commitment"` and `"commitment": {"model": {"digest": "0x..", "salt": "0x.."},
//! "input": {...}, "output": {...}}` instead of `model` and `request`.

use serde::{Deserialize, Serialize};

use sable_circuits::CircuitSpec;
use sable_inference_primitives::{
	adapted::Adapter,
	mlp::{pad_input, Matrix, QuantizedMlp, Shape},
	statement::JobStatement,
	JobKind,
};
use sable_zk_primitives::{
	encoding::{fp_to_bytes, to_hex},
	Fp,
};
use sable_zk_proofs::json::{bytes32, field};

use crate::{
	circuit::{
		adapted::{self, AdaptedWitness},
		commitment::{CommitmentWitness, Opening},
		inference::{self, InferenceWitness},
	},
	job::JobWitness,
};

/// A job kind in JSON: `commitment`, `inference` or `adapted`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KindJson {
	/// [`JobKind::Commitment`].
	Commitment,
	/// [`JobKind::Inference`].
	Inference,
	/// [`JobKind::Adapted`].
	Adapted,
}

impl From<KindJson> for JobKind {
	fn from(kind: KindJson) -> Self {
		match kind {
			KindJson::Commitment => JobKind::Commitment,
			KindJson::Inference => JobKind::Inference,
			KindJson::Adapted => JobKind::Adapted,
		}
	}
}

impl From<JobKind> for KindJson {
	fn from(kind: JobKind) -> Self {
		match kind {
			JobKind::Commitment => KindJson::Commitment,
			JobKind::Inference => KindJson::Inference,
			JobKind::Adapted => KindJson::Adapted,
		}
	}
}

/// The registered circuit version named `name` (`poi_inference_64x32x10_v3`).
pub fn circuit_by_name(name: &str) -> Result<CircuitSpec, String> {
	sable_circuits::REGISTRY
		.iter()
		.find(|spec| spec.name == name)
		.copied()
		.ok_or_else(|| format!("no registered circuit is named {name:?}"))
}

/// The opening of a digest commitment.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct OpeningJson {
	/// 32-byte digest, hex.
	pub digest: String,
	/// Salt, a field element in hex.
	pub salt: String,
}

/// Openings of a commitment job.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CommitmentJson {
	/// The model's opening.
	pub model: OpeningJson,
	/// The input's opening.
	pub input: OpeningJson,
	/// The output's opening.
	pub output: OpeningJson,
}

/// A model's shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShapeJson {
	/// Input length.
	pub inputs: usize,
	/// Hidden units.
	pub hidden: usize,
	/// Output length.
	pub outputs: usize,
}

/// A registered model: `models/digits/model.json`'s format (other fields are ignored) and
/// the model commitment's salt.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ModelJson {
	/// The shape.
	pub shape: ShapeJson,
	/// `W1`, `hidden` rows of `inputs` int8.
	pub w1: Vec<Vec<i8>>,
	/// `b1`, `hidden` int16.
	pub b1: Vec<i16>,
	/// `W2`, `outputs` rows of `hidden` int8.
	pub w2: Vec<Vec<i8>>,
	/// `b2`, `outputs` int16.
	pub b2: Vec<i16>,
	/// Requantization divisor in `[1, 256]`.
	pub divisor: u16,
	/// Salt of the model commitment, a field element in hex.
	pub salt: String,
}

/// A client's LoRA adapter of the first layer.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct AdapterJson {
	/// `A`, `rank` rows of `inputs` int8.
	pub a: Vec<Vec<i8>>,
	/// `B`, `hidden` rows of `rank` int8.
	pub b: Vec<Vec<i8>>,
	/// The scaling, int16.
	pub alpha: i16,
}

/// What the client gives the provider for an inference job.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct InferenceRequestJson {
	/// The input, `inputs` int8.
	pub x: Vec<i8>,
	/// The adapter (adapted jobs only).
	#[serde(default, skip_serializing_if = "Option::is_none")]
	pub adapter: Option<AdapterJson>,
	/// Salt of the input commitment, hex.
	pub salt: String,
	/// The one-time delivery key, hex.
	pub delivery_key: String,
}

/// What `prove-job` and `job-commitments` read.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct JobRequestJson {
	/// Which kind of job.
	pub kind: KindJson,
	/// The job's id on chain.
	pub job_id: u64,
	/// The provider's 32-byte account id, hex.
	pub provider: String,
	/// The circuit version to prove with, by registry name; by default the one of the
	/// model's shape.
	#[serde(default, skip_serializing_if = "Option::is_none")]
	pub circuit: Option<String>,
	/// The witness of a commitment job.
	#[serde(default, skip_serializing_if = "Option::is_none")]
	pub commitment: Option<CommitmentJson>,
	/// The provider's model (inference).
	#[serde(default, skip_serializing_if = "Option::is_none")]
	pub model: Option<ModelJson>,
	/// The client's request (inference).
	#[serde(default, skip_serializing_if = "Option::is_none")]
	pub request: Option<InferenceRequestJson>,
}

/// A job statement in JSON.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatementJson {
	/// Job id.
	pub job_id: u64,
	/// Provider account, hex.
	pub provider: String,
	/// Model commitment, hex.
	pub model: String,
	/// Input commitment, hex.
	pub input: String,
	/// The delivery commitment, hex (delivering kinds only).
	#[serde(default, skip_serializing_if = "Option::is_none")]
	pub delivery: Option<String>,
	/// The output elements, hex: the output commitment, or the ciphertext.
	pub output: Vec<String>,
}

/// What `verify-job` reads.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct VerifyJobJson {
	/// The circuit version, by registry name.
	pub circuit: String,
	/// The statement.
	pub statement: StatementJson,
	/// The proof, hex.
	pub proof: String,
}

/// What `decrypt` reads: the client's key, the statement the proof verified for and the
/// number of outputs of the model.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct DecryptJson {
	/// The one-time delivery key, hex.
	pub delivery_key: String,
	/// The statement (its job id and ciphertext are read).
	pub statement: StatementJson,
	/// How many outputs the model has.
	pub outputs: usize,
}

fn opening(json: &OpeningJson, what: &str) -> Result<Opening, String> {
	Ok(Opening { digest: bytes32(&json.digest, what)?, salt: field(&json.salt, what)? })
}

fn matrix(rows: &[Vec<i8>], shape: (usize, usize), what: &str) -> Result<Matrix, String> {
	let (expected_rows, columns) = shape;
	Matrix::from_rows(rows, columns)
		.filter(|m| m.rows() == expected_rows)
		.ok_or_else(|| format!("{what}: expected {expected_rows} rows of {columns} entries"))
}

impl ModelJson {
	/// The model, checked against its shape.
	pub fn to_model(&self) -> Result<QuantizedMlp, String> {
		let shape = Shape::new(self.shape.inputs, self.shape.hidden, self.shape.outputs);
		let w1 = matrix(&self.w1, (shape.hidden, shape.inputs), "w1")?;
		let w2 = matrix(&self.w2, (shape.outputs, shape.hidden), "w2")?;
		QuantizedMlp::new(shape, w1, self.b1.clone(), w2, self.b2.clone(), self.divisor)
			.map_err(|e| e.to_string())
	}

	/// A model and its salt.
	pub fn from_model(model: &QuantizedMlp, salt: &Fp) -> Self {
		let shape = model.shape();
		ModelJson {
			shape: ShapeJson { inputs: shape.inputs, hidden: shape.hidden, outputs: shape.outputs },
			w1: model.w1().iter_rows().map(<[i8]>::to_vec).collect(),
			b1: model.b1().to_vec(),
			w2: model.w2().iter_rows().map(<[i8]>::to_vec).collect(),
			b2: model.b2().to_vec(),
			divisor: model.divisor(),
			salt: hex_field(salt),
		}
	}
}

fn hex_field(x: &Fp) -> String {
	to_hex(&fp_to_bytes(x))
}

impl JobRequestJson {
	/// The provider's account bytes.
	pub fn provider(&self) -> Result<[u8; 32], String> {
		bytes32(&self.provider, "provider")
	}

	/// The witness of the requested job; refuses malformed or out-of-range values with a
	/// reason.
	pub fn witness(&self) -> Result<JobWitness, String> {
		let missing = |field: &str| format!("kind {:?} needs a {field:?} object", self.kind);
		match self.kind {
			KindJson::Commitment => {
				let c = self.commitment.as_ref().ok_or_else(|| missing("commitment"))?;
				Ok(JobWitness::Commitment(CommitmentWitness {
					model: opening(&c.model, "model")?,
					input: opening(&c.input, "input")?,
					output: opening(&c.output, "output")?,
				}))
			},
			KindJson::Inference => {
				let m = self.model.as_ref().ok_or_else(|| missing("model"))?;
				let r = self.request.as_ref().ok_or_else(|| missing("request"))?;
				let mut model = m.to_model()?;
				let inputs = model.shape().inputs;
				if r.x.len() != inputs {
					return Err(format!("x: expected {inputs} entries, got {}", r.x.len()));
				}
				let shape = match &self.circuit {
					Some(name) => inference::VERSIONS
						.iter()
						.find(|(spec, _)| spec.name == name)
						.map(|(_, shape)| *shape)
						.ok_or_else(|| format!("{name:?} is not an inference circuit version"))?,
					None => model.shape(),
				};
				if inference::version_of(shape).is_none() {
					return Err(format!(
						"no registered circuit proves a {shape} model; name a larger one in \
						 \"circuit\" to pad the model into it"
					));
				}
				model = model.pad(shape).map_err(|e| e.to_string())?;
				let witness = InferenceWitness::new(
					model,
					field(&m.salt, "model salt")?,
					pad_input(&r.x, shape.inputs),
					field(&r.salt, "input salt")?,
					field(&r.delivery_key, "delivery key")?,
				)
				.map_err(|e| e.to_string())?;
				Ok(JobWitness::Inference(witness))
			},
			KindJson::Adapted => {
				let m = self.model.as_ref().ok_or_else(|| missing("model"))?;
				let r = self.request.as_ref().ok_or_else(|| missing("request"))?;
				let adapter = r.adapter.as_ref().ok_or_else(|| missing("request.adapter"))?;
				let base = m.to_model()?;
				let shape = adapted::SHAPE;
				if base.shape() != shape {
					return Err(format!(
						"adapted inference needs a {shape} base model, not {}",
						base.shape()
					));
				}
				let rank = crate::gadgets::adapter::RANK;
				let adapter = Adapter::new(
					matrix(&adapter.a, (rank, shape.inputs), "a")?,
					matrix(&adapter.b, (shape.hidden, rank), "b")?,
					adapter.alpha,
				)
				.map_err(|e| e.to_string())?;
				let witness = AdaptedWitness::new(
					base,
					field(&m.salt, "model salt")?,
					r.x.clone(),
					adapter,
					field(&r.salt, "input salt")?,
					field(&r.delivery_key, "delivery key")?,
				)
				.map_err(|e| e.to_string())?;
				Ok(JobWitness::Adapted(witness))
			},
		}
	}
}

impl StatementJson {
	/// From a statement.
	pub fn from_statement(s: &JobStatement) -> Self {
		StatementJson {
			job_id: s.job_id,
			provider: to_hex(&s.provider),
			model: to_hex(&s.model),
			input: to_hex(&s.input),
			delivery: s.delivery.as_ref().map(|d| to_hex(d)),
			output: s.output.iter().map(|o| to_hex(o)).collect(),
		}
	}

	/// To a statement.
	pub fn to_statement(&self) -> Result<JobStatement, String> {
		Ok(JobStatement {
			job_id: self.job_id,
			provider: bytes32(&self.provider, "provider")?,
			model: bytes32(&self.model, "model")?,
			input: bytes32(&self.input, "input")?,
			delivery: self.delivery.as_ref().map(|d| bytes32(d, "delivery")).transpose()?,
			output: self.output.iter().map(|o| bytes32(o, "output")).collect::<Result<_, _>>()?,
		})
	}

	/// The output elements as field elements.
	pub fn output_elements(&self) -> Result<Vec<Fp>, String> {
		self.output.iter().map(|o| field(o, "output")).collect()
	}
}

/// A witness as request JSON (for demos: `samples` written out for users to edit).
pub fn request_from_witness(
	witness: &JobWitness,
	job_id: u64,
	provider: [u8; 32],
) -> JobRequestJson {
	let mut request = JobRequestJson {
		kind: witness.kind().into(),
		job_id,
		provider: to_hex(&provider),
		circuit: None,
		commitment: None,
		model: None,
		request: None,
	};
	match witness {
		JobWitness::Commitment(w) => {
			let o =
				|o: &Opening| OpeningJson { digest: to_hex(&o.digest), salt: hex_field(&o.salt) };
			request.commitment = Some(CommitmentJson {
				model: o(&w.model),
				input: o(&w.input),
				output: o(&w.output),
			});
		},
		JobWitness::Inference(w) => {
			request.model = Some(ModelJson::from_model(&w.model, &w.model_salt));
			request.request = Some(InferenceRequestJson {
				x: w.x.clone(),
				adapter: None,
				salt: hex_field(&w.input_salt),
				delivery_key: hex_field(&w.delivery_key),
			});
		},
		JobWitness::Adapted(w) => {
			let rows = |m: &Matrix| m.iter_rows().map(<[i8]>::to_vec).collect();
			request.model = Some(ModelJson::from_model(&w.base, &w.model_salt));
			request.request = Some(InferenceRequestJson {
				x: w.x.clone(),
				adapter: Some(AdapterJson {
					a: rows(w.adapter.a()),
					b: rows(w.adapter.b()),
					alpha: w.adapter.alpha(),
				}),
				salt: hex_field(&w.input_salt),
				delivery_key: hex_field(&w.delivery_key),
			});
		},
	}
	request
}
