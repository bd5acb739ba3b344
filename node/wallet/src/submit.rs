//! Submitting an extrinsic and following it: signed calls from a secret URI, submit-and-watch
//! until finality, then the extrinsic's own events from the block (a failed dispatch is
//! reported with the runtime's error).

use codec::Decode;
use sable_runtime::{AccountId, RuntimeCall, RuntimeError, RuntimeEvent, UncheckedExtrinsic};
use sp_core::{sr25519, Pair, H256};

use crate::{
	error::{Result, WalletError},
	extrinsic::{self, ChainContext},
	node_client::NodeClient,
};

/// An extrinsic that was finalized and dispatched successfully.
#[derive(Debug)]
pub struct Finalized {
	/// The block holding it.
	pub block_hash: String,
	/// Its number.
	pub block_number: u64,
	/// The events the extrinsic emitted.
	pub events: Vec<RuntimeEvent>,
}

/// Parses a secret URI (`//Alice`, a mnemonic, a hex seed) into a key pair.
pub fn pair_from_suri(suri: &str) -> Result<sr25519::Pair> {
	sr25519::Pair::from_string(suri, None)
		.map_err(|e| WalletError::Input(format!("not a secret URI: {e:?}")))
}

/// `call` signed by `signer` with its next nonce, for the node's chain.
pub async fn sign(
	node: &NodeClient,
	call: RuntimeCall,
	signer: &sr25519::Pair,
) -> Result<UncheckedExtrinsic> {
	let account = AccountId::from(signer.public()).to_string();
	let nonce = node.next_index(&account).await?;
	let (spec_version, transaction_version) = node.runtime_version().await?;
	let genesis = sable_zk_proofs::json::bytes32(&node.genesis_hash().await?, "genesis hash")
		.map_err(WalletError::Rpc)?;
	let context = ChainContext { genesis_hash: H256(genesis), spec_version, transaction_version };
	Ok(extrinsic::signed(&context, call, signer, nonce))
}

/// Submits `extrinsic`, waits for finality, and returns its events; an extrinsic included but
/// failed is an error naming the runtime's reason.
pub async fn submit(node: &NodeClient, extrinsic: &UncheckedExtrinsic) -> Result<Finalized> {
	let hex = extrinsic::to_hex(extrinsic);
	eprintln!("submitting to {}", node.url());
	let block_hash = node.submit_and_wait(&hex, |status| eprintln!("  {status}")).await?;
	let extrinsics = node.block_extrinsics(&block_hash).await?;
	let index = extrinsics
		.iter()
		.position(|x| *x == hex)
		.ok_or_else(|| WalletError::Rpc(format!("the extrinsic is not in block {block_hash}")))?;
	let key = frame_support::storage::storage_prefix(b"System", b"Events");
	let bytes =
		node.storage(&sable_zk_proofs::json::to_hex(&key), &block_hash).await?.unwrap_or_default();
	let records = Vec::<frame_system::EventRecord<RuntimeEvent, H256>>::decode(&mut &bytes[..])
		.map_err(|e| WalletError::Rpc(format!("cannot decode the block's events: {e}")))?;
	let mut events = Vec::new();
	for record in records {
		if record.phase != frame_system::Phase::ApplyExtrinsic(index as u32) {
			continue;
		}
		if let RuntimeEvent::System(frame_system::Event::ExtrinsicFailed {
			dispatch_error, ..
		}) = record.event
		{
			let error = RuntimeError::from_dispatch_error(dispatch_error);
			let reason = match &error {
				Some(error) => format!("{error:?}"),
				None => format!("{dispatch_error:?}"),
			};
			return Err(WalletError::Failed { block_hash, error, reason });
		}
		events.push(record.event);
	}
	let block_number = node.block_number(&block_hash).await?;
	Ok(Finalized { block_hash, block_number, events })
}
