//! Builds signed extrinsics for the Sable runtime the way a wallet does: from the chain's
//! genesis hash, the runtime version and the account nonce, signed with a dev key.

use codec::Encode;
use sable_runtime::{RuntimeCall, UncheckedExtrinsic};
use sable_wallet::extrinsic;
use sp_core::{sr25519, Pair, H256};

/// Everything about the chain that a signature commits to.
pub struct ChainContext {
	pub genesis_hash: H256,
	pub spec_version: u32,
	pub transaction_version: u32,
}

impl ChainContext {
	/// Reads the context from a running node.
	pub fn of(node: &super::Node) -> ChainContext {
		let genesis = node.rpc("chain_getBlockHash", serde_json::json!([0])).expect("genesis hash");
		let genesis_bytes = super::hex_bytes(&genesis).expect("hash is hex");
		let version = node.rpc("state_getRuntimeVersion", serde_json::json!([])).expect("version");
		ChainContext {
			genesis_hash: H256::from_slice(&genesis_bytes),
			spec_version: version["specVersion"].as_u64().expect("specVersion") as u32,
			transaction_version: version["transactionVersion"].as_u64().expect("txVersion") as u32,
		}
	}
}

/// `call` signed by `signer_key` but claiming to come from `sender`; a wallet passes the
/// same pair twice, a forger does not. Built by the wallet's own extrinsic builder.
pub fn signed(
	context: &ChainContext,
	call: RuntimeCall,
	sender: &sr25519::Pair,
	signer_key: &sr25519::Pair,
	nonce: u32,
) -> UncheckedExtrinsic {
	let context = extrinsic::ChainContext {
		genesis_hash: context.genesis_hash,
		spec_version: context.spec_version,
		transaction_version: context.transaction_version,
	};
	extrinsic::signed_as(&context, call, sender.public().into(), signer_key, nonce)
}

/// An unsigned (bare) extrinsic, as shielded transfers and unshields are sent.
pub fn bare(call: RuntimeCall) -> UncheckedExtrinsic {
	extrinsic::bare(call)
}

/// The hex form `author_submitExtrinsic` takes.
pub fn to_rpc_hex(extrinsic: &UncheckedExtrinsic) -> String {
	super::to_hex(&extrinsic.encode())
}
