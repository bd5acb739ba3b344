//! What a shielded extrinsic carries: the proof, its public inputs and the two outputs'
//! ciphertexts (`docs/zk.md`, "Extrinsics").

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

use crate::{
	binding::{ciphertext_hash, BindingData, CallKind},
	public_inputs::{ProofBytes, TransferPublicInputs},
};

/// Bytes of a note ciphertext: ephemeral key (32), encrypted value, rho, rcm and memo
/// (8 + 32 + 32 + 32), authentication tag (16).
pub const CIPHERTEXT_LEN: usize = 152;

/// A note encrypted for its recipient.
pub type NoteCiphertext = [u8; CIPHERTEXT_LEN];

/// A transfer proof with everything the chain needs to check and apply it.
#[derive(
	Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct ShieldedProof {
	/// The Halo2 proof.
	pub proof: ProofBytes,
	/// Its public inputs.
	pub public_inputs: TransferPublicInputs,
	/// The two new notes, encrypted for their recipients (same order as the commitments).
	pub ciphertexts: [NoteCiphertext; 2],
}

impl ShieldedProof {
	/// The binding data of this proof used as `kind` on the chain with `genesis_hash`, its
	/// fee paid to `fee_payee` (a relayer) or, without one, burned.
	pub fn binding_data(
		&self,
		genesis_hash: [u8; 32],
		kind: CallKind,
		unshield_recipient: Option<[u8; 32]>,
		fee_payee: Option<[u8; 32]>,
	) -> BindingData {
		binding_data(genesis_hash, kind, unshield_recipient, fee_payee, &self.ciphertexts)
	}
}

/// The binding data of a shielded extrinsic: unsigned (`fee_payee: None`, the fee is burned)
/// or relayed by a signed transaction whose signer the fee is paid to.
pub fn binding_data(
	genesis_hash: [u8; 32],
	kind: CallKind,
	unshield_recipient: Option<[u8; 32]>,
	fee_payee: Option<[u8; 32]>,
	ciphertexts: &[NoteCiphertext; 2],
) -> BindingData {
	BindingData {
		genesis_hash,
		kind,
		unshield_recipient,
		fee_payee,
		ciphertext_hashes: [ciphertext_hash(&ciphertexts[0]), ciphertext_hash(&ciphertexts[1])],
	}
}
