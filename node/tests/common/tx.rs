//! Builds signed extrinsics for the Sable runtime the way a wallet does: from the chain's
//! genesis hash, the runtime version and the account nonce, signed with a dev key.

use codec::Encode;
use sable_runtime::{
	Balance, Runtime, RuntimeCall, SignedPayload, TxExtension, UncheckedExtrinsic,
};
use sp_core::{sr25519, Pair, H256};
use sp_runtime::{generic::Era, MultiSignature};

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

fn extensions(nonce: u32, tip: Balance) -> TxExtension {
	(
		frame_system::CheckNonZeroSender::<Runtime>::new(),
		frame_system::CheckSpecVersion::<Runtime>::new(),
		frame_system::CheckTxVersion::<Runtime>::new(),
		frame_system::CheckGenesis::<Runtime>::new(),
		frame_system::CheckEra::<Runtime>::from(Era::Immortal),
		frame_system::CheckNonce::<Runtime>::from(nonce),
		frame_system::CheckWeight::<Runtime>::new(),
		pallet_transaction_payment::ChargeTransactionPayment::<Runtime>::from(tip),
		frame_system::WeightReclaim::<Runtime>::new(),
	)
}

/// `call` signed by `signer_key` but claiming to come from `sender`; a wallet passes the
/// same pair twice, a forger does not.
pub fn signed(
	context: &ChainContext,
	call: RuntimeCall,
	sender: &sr25519::Pair,
	signer_key: &sr25519::Pair,
	nonce: u32,
) -> UncheckedExtrinsic {
	let extensions = extensions(nonce, 0);
	let implicit = (
		(),
		context.spec_version,
		context.transaction_version,
		context.genesis_hash,
		context.genesis_hash,
		(),
		(),
		(),
		(),
	);
	let payload = SignedPayload::from_raw(call.clone(), extensions.clone(), implicit);
	let signature = payload.using_encoded(|bytes| signer_key.sign(bytes));
	UncheckedExtrinsic::new_signed(
		call,
		sp_runtime::AccountId32::from(sender.public()).into(),
		MultiSignature::Sr25519(signature),
		extensions,
	)
}

/// The hex form `author_submitExtrinsic` takes.
pub fn to_rpc_hex(extrinsic: &UncheckedExtrinsic) -> String {
	super::to_hex(&extrinsic.encode())
}

/// An unsigned (bare) extrinsic, as shielded transfers and unshields are sent.
pub fn bare(call: RuntimeCall) -> UncheckedExtrinsic {
	UncheckedExtrinsic::new_bare(call)
}
