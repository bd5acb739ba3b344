//! The JSON forms of requests, proofs and public inputs that the prover binary reads and
//! writes and that wallets and scripts exchange. Field elements and byte strings are `0x`
//! hex of their canonical little-endian encoding (`docs/zk.md`, "Encodings").

use serde::{Deserialize, Serialize};

use sable_zk_primitives::{
	encoding::{fp_from_bytes, fp_to_bytes, from_hex_array, to_hex},
	keys::{OwnerId, SpendingKey},
	note::{Note, NoteCommitment, Nullifier, Rho},
	payload::ShieldedProof,
	public_inputs::TransferPublicInputs,
	tree::{MerklePath, TREE_DEPTH},
	Fp,
};

use crate::{
	encryption::{Address, ADDRESS_PREFIX},
	witness::{Recipient, Spend, TransferRequest},
};

/// Parses 32 bytes of hex; `what` names the value in the error.
pub fn bytes32(text: &str, what: &str) -> Result<[u8; 32], String> {
	from_hex_array(text).map_err(|e| format!("{what}: {e}"))
}

/// Parses a canonical field element from hex; `what` names the value in the error.
pub fn field(text: &str, what: &str) -> Result<Fp, String> {
	fp_from_bytes(&bytes32(text, what)?)
		.ok_or_else(|| format!("{what}: not a canonical field element"))
}

fn field_hex(x: &Fp) -> String {
	to_hex(&fp_to_bytes(x))
}

/// A note in JSON.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct NoteJson {
	/// Value in the smallest unit.
	pub value: u64,
	/// Owner id (hex field element).
	pub owner: String,
	/// Uniqueness seed (hex field element).
	pub rho: String,
	/// Commitment randomness (hex field element).
	pub rcm: String,
}

/// A Merkle path in JSON.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PathJson {
	/// Leaf position.
	pub position: u64,
	/// 32 siblings from the leaf up (hex field elements).
	pub siblings: Vec<String>,
}

/// One input of a request: a real note or a dummy.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(untagged)]
pub enum InputJson {
	/// A note being spent.
	Real {
		/// The owner's spending key.
		spending_key: String,
		/// The note.
		note: NoteJson,
		/// Its path to the anchor.
		path: PathJson,
	},
	/// A zero-value dummy (`{"dummy": true}`).
	Dummy {
		/// Must be `true`.
		dummy: bool,
	},
}

/// One output of a request, to an owner id or to a `sable1...` address.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct OutputJson {
	/// Recipient: a `sable1...` address or a hex owner id.
	pub to: String,
	/// Value.
	pub value: u64,
}

/// A prove request.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ProveRequestJson {
	/// Exactly two inputs.
	pub inputs: Vec<InputJson>,
	/// Exactly two outputs.
	pub outputs: Vec<OutputJson>,
	/// Tree root (hex field element).
	pub anchor: String,
	/// Value entering the pool.
	#[serde(default)]
	pub value_in: u64,
	/// Value leaving the pool.
	#[serde(default)]
	pub value_out: u64,
	/// Fee.
	#[serde(default)]
	pub fee: u64,
	/// Binding (hex field element).
	pub binding: String,
}

/// Public inputs in JSON.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicInputsJson {
	/// Anchor.
	pub anchor: String,
	/// Two nullifiers.
	pub nullifiers: Vec<String>,
	/// Two output commitments.
	pub commitments: Vec<String>,
	/// Value entering the pool.
	pub value_in: u64,
	/// Value leaving the pool.
	pub value_out: u64,
	/// Fee.
	pub fee: u64,
	/// Binding.
	pub binding: String,
}

/// The payload of a shielded extrinsic (`zk.shield`, `zk.transfer`, `zk.unshield`), field for
/// field as in the runtime metadata, so polkadot.js takes it as the call's argument.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShieldedProofJson {
	/// Proof bytes (hex).
	pub proof: String,
	/// Public inputs.
	pub public_inputs: PublicInputsJson,
	/// The two note ciphertexts (hex).
	pub ciphertexts: Vec<String>,
}

impl ShieldedProofJson {
	/// The JSON form of `payload`.
	pub fn from_payload(payload: &ShieldedProof) -> Self {
		ShieldedProofJson {
			proof: to_hex(&payload.proof),
			public_inputs: PublicInputsJson::from_inputs(&payload.public_inputs),
			ciphertexts: payload.ciphertexts.iter().map(|c| to_hex(c)).collect(),
		}
	}
}

/// A verify request: a proof and the public inputs it claims.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct VerifyRequestJson {
	/// Proof bytes (hex).
	pub proof: String,
	/// Public inputs.
	pub public_inputs: PublicInputsJson,
}

impl ProveRequestJson {
	/// Converts to a [`TransferRequest`]; dummies draw their keys from `rng`.
	pub fn to_request(&self, rng: &mut impl rand::Rng) -> Result<TransferRequest, String> {
		let inputs: Vec<Spend> = self
			.inputs
			.iter()
			.enumerate()
			.map(|(i, input)| input.to_spend(rng).map_err(|e| format!("inputs[{i}]: {e}")))
			.collect::<Result<_, _>>()?;
		let outputs: Vec<Recipient> = self
			.outputs
			.iter()
			.enumerate()
			.map(|(j, output)| output.to_recipient().map_err(|e| format!("outputs[{j}]: {e}")))
			.collect::<Result<_, _>>()?;
		Ok(TransferRequest {
			inputs: inputs.try_into().map_err(|_| "exactly two inputs are required".to_string())?,
			outputs: outputs
				.try_into()
				.map_err(|_| "exactly two outputs are required".to_string())?,
			anchor: field(&self.anchor, "anchor")?,
			value_in: self.value_in,
			value_out: self.value_out,
			fee: self.fee,
			binding: field(&self.binding, "binding")?,
		})
	}
}

impl InputJson {
	fn to_spend(&self, rng: &mut impl rand::Rng) -> Result<Spend, String> {
		match self {
			InputJson::Dummy { dummy: true } => Ok(Spend::dummy(rng)),
			InputJson::Dummy { dummy: false } => Err("`dummy` must be true".into()),
			InputJson::Real { spending_key, note, path } => {
				let sk = SpendingKey::from_bytes(&bytes32(spending_key, "spending_key")?)
					.ok_or("spending_key: not a canonical field element")?;
				if path.siblings.len() != TREE_DEPTH {
					return Err(format!("path: expected {TREE_DEPTH} siblings"));
				}
				let mut siblings = [Fp::zero(); TREE_DEPTH];
				for (slot, text) in siblings.iter_mut().zip(&path.siblings) {
					*slot = field(text, "path sibling")?;
				}
				Ok(Spend {
					sk,
					note: note.to_note()?,
					path: MerklePath { position: path.position, siblings },
				})
			},
		}
	}
}

impl NoteJson {
	/// The note.
	pub fn to_note(&self) -> Result<Note, String> {
		Ok(Note {
			value: self.value,
			owner: OwnerId(field(&self.owner, "owner")?),
			rho: Rho(field(&self.rho, "rho")?),
			rcm: field(&self.rcm, "rcm")?,
		})
	}

	/// The JSON form of `note`.
	pub fn from_note(note: &Note) -> Self {
		NoteJson {
			value: note.value,
			owner: field_hex(&note.owner.0),
			rho: field_hex(&note.rho.0),
			rcm: field_hex(&note.rcm),
		}
	}
}

impl OutputJson {
	fn to_recipient(&self) -> Result<Recipient, String> {
		let prefix = ADDRESS_PREFIX.as_bytes();
		let is_address =
			self.to.as_bytes().get(..prefix.len()).is_some_and(|p| p.eq_ignore_ascii_case(prefix));
		let owner = if is_address {
			Address::decode(&self.to).map_err(|e| e.to_string())?.owner
		} else {
			OwnerId(field(&self.to, "to")?)
		};
		Ok(Recipient { owner, value: self.value })
	}
}

impl PublicInputsJson {
	/// The JSON form of `inputs`.
	pub fn from_inputs(inputs: &TransferPublicInputs) -> Self {
		PublicInputsJson {
			anchor: to_hex(&inputs.anchor),
			nullifiers: inputs.nullifiers.iter().map(|n| to_hex(&n.0)).collect(),
			commitments: inputs.commitments.iter().map(|c| to_hex(&c.0)).collect(),
			value_in: inputs.value_in,
			value_out: inputs.value_out,
			fee: inputs.fee,
			binding: to_hex(&inputs.binding),
		}
	}

	/// The public inputs (32-byte values need not be canonical here; verification says so).
	pub fn to_inputs(&self) -> Result<TransferPublicInputs, String> {
		let pair = |values: &[String], what: &str| -> Result<[[u8; 32]; 2], String> {
			match values {
				[a, b] => Ok([bytes32(a, what)?, bytes32(b, what)?]),
				_ => Err(format!("{what}: exactly two values are required")),
			}
		};
		Ok(TransferPublicInputs {
			anchor: bytes32(&self.anchor, "anchor")?,
			nullifiers: pair(&self.nullifiers, "nullifiers")?.map(Nullifier),
			commitments: pair(&self.commitments, "commitments")?.map(NoteCommitment),
			value_in: self.value_in,
			value_out: self.value_out,
			fee: self.fee,
			binding: bytes32(&self.binding, "binding")?,
		})
	}
}
