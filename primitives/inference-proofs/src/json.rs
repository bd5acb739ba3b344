//! JSON forms of job witnesses, statements and proofs, as `sable-zk-prover prove-job`,
//! `verify-job` and `job-commitments` read and write them. Byte strings and field elements
//! are `0x` hex (canonical little-endian for field elements); matrices are arrays of rows of
//! integers.
//!
//! ```json
//! {"kind": "inference", "job_id": 3, "provider": "0x<32 bytes>",
//!  "inference": {"w1": [[...16]...], "b1": [...], "w2": [[...]], "b2": [...], "divisor": 64,
//!                "x": [...16], "salts": ["0x..", "0x..", "0x.."]}}
//! {"kind": "commitment", ..., "commitment": {"model": {"digest": "0x..", "salt": "0x.."},
//!                "input": {...}, "output": {...}}}
//! ```

use serde::{Deserialize, Serialize};

use sable_inference_primitives::{
	mlp::{QuantizedMlp, N},
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
		commitment::{CommitmentWitness, Opening},
		mlp::MlpWitness,
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

/// A quantized model and its input.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct InferenceJson {
	/// `W1`, 16 rows of 16 int8.
	pub w1: Vec<Vec<i8>>,
	/// `b1`, 16 int16.
	pub b1: Vec<i16>,
	/// `W2`, 16 rows of 16 int8.
	pub w2: Vec<Vec<i8>>,
	/// `b2`, 16 int16.
	pub b2: Vec<i16>,
	/// Requantization divisor in `[1, 256]`.
	pub divisor: u16,
	/// Input, 16 int8.
	pub x: Vec<i8>,
	/// Salts of the model, input and output commitments.
	pub salts: [String; 3],
}

/// What `prove-job` and `job-commitments` read.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct JobRequestJson {
	/// Which circuit.
	pub kind: KindJson,
	/// The job's id on chain.
	pub job_id: u64,
	/// The provider's 32-byte account id, hex.
	pub provider: String,
	/// The witness of a commitment job.
	#[serde(default, skip_serializing_if = "Option::is_none")]
	pub commitment: Option<CommitmentJson>,
	/// The witness of an inference job.
	#[serde(default, skip_serializing_if = "Option::is_none")]
	pub inference: Option<InferenceJson>,
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
	/// Which circuit.
	pub kind: KindJson,
	/// The statement.
	pub statement: StatementJson,
	/// The proof, hex.
	pub proof: String,
}

fn matrix<T: Copy, const ROWS: usize, const COLUMNS: usize>(
	rows: &[Vec<T>],
	what: &str,
) -> Result<[[T; COLUMNS]; ROWS], String> {
	if rows.len() != ROWS || rows.iter().any(|row| row.len() != COLUMNS) {
		return Err(format!("{what}: expected {ROWS} rows of {COLUMNS} entries"));
	}
	Ok(core::array::from_fn(|i| core::array::from_fn(|j| rows[i][j])))
}

fn vector<T: Copy, const LEN: usize>(entries: &[T], what: &str) -> Result<[T; LEN], String> {
	entries.try_into().map_err(|_| format!("{what}: expected {LEN} entries"))
}

fn salts(salts: &[String; 3]) -> Result<[Fp; 3], String> {
	Ok([field(&salts[0], "salt 0")?, field(&salts[1], "salt 1")?, field(&salts[2], "salt 2")?])
}

fn opening(json: &OpeningJson, what: &str) -> Result<Opening, String> {
	Ok(Opening { digest: bytes32(&json.digest, what)?, salt: field(&json.salt, what)? })
}

impl JobRequestJson {
	/// The provider's account bytes.
	pub fn provider(&self) -> Result<[u8; 32], String> {
		bytes32(&self.provider, "provider")
	}

	/// The witness of the requested kind; refuses malformed or out-of-range values with a
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
				let m = self.inference.as_ref().ok_or_else(|| missing("inference"))?;
				let model = QuantizedMlp {
					w1: matrix::<_, N, N>(&m.w1, "w1")?,
					b1: vector::<_, N>(&m.b1, "b1")?,
					w2: matrix::<_, N, N>(&m.w2, "w2")?,
					b2: vector::<_, N>(&m.b2, "b2")?,
					divisor: m.divisor,
				};
				let x = vector::<_, N>(&m.x, "x")?;
				let witness = MlpWitness::new(model, x, salts(&m.salts)?)
					.map_err(|_| "divisor must be in [1, 256]".to_string())?;
				Ok(JobWitness::Inference(witness))
			},
			KindJson::Adapted => Err("adapted inference is not proven by this build".into()),
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
}

/// A witness as request JSON (for demos: `samples` written out for users to edit).
pub fn request_from_witness(
	witness: &JobWitness,
	job_id: u64,
	provider: [u8; 32],
) -> JobRequestJson {
	let hex_field = |x: &Fp| to_hex(&fp_to_bytes(x));
	let salts = |s: &[Fp; 3]| [hex_field(&s[0]), hex_field(&s[1]), hex_field(&s[2])];
	let mut request = JobRequestJson {
		kind: witness.kind().into(),
		job_id,
		provider: to_hex(&provider),
		commitment: None,
		inference: None,
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
			request.inference = Some(InferenceJson {
				w1: w.model.w1.iter().map(|r| r.to_vec()).collect(),
				b1: w.model.b1.to_vec(),
				w2: w.model.w2.iter().map(|r| r.to_vec()).collect(),
				b2: w.model.b2.to_vec(),
				divisor: w.model.divisor,
				x: w.x.to_vec(),
				salts: salts(&w.salts),
			});
		},
	}
	request
}
