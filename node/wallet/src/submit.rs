//! Submitting an extrinsic and following it: signed calls from a secret URI, submit-and-watch
//! until finality, then the extrinsic's own events from the block (a failed dispatch is
//! reported with the runtime's error).

use codec::Encode;
use sable_runtime::{AccountId, RuntimeCall, RuntimeError, RuntimeEvent, UncheckedExtrinsic};
use sable_zk_primitives::encoding::to_hex;
use sp_core::{sr25519, Pair};

use crate::{
	error::{Result, WalletError},
	extrinsic,
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
	let nonce = node.next_index(&AccountId::from(signer.public())).await?;
	let context = node.chain_context().await?;
	Ok(extrinsic::signed(&context, call, signer, nonce))
}

/// Submits `extrinsic`, waits for finality, and returns its events; an extrinsic included but
/// failed is an error naming the runtime's reason.
pub async fn submit(node: &NodeClient, extrinsic: &UncheckedExtrinsic) -> Result<Finalized> {
	eprintln!("submitting to {}", node.url());
	let hash = node.submit_and_wait(extrinsic, |status| eprintln!("  {status}")).await?;
	let block_hash = to_hex(hash.as_bytes());
	let encoded = extrinsic.encode();
	let index = node
		.block(hash)
		.await?
		.block
		.extrinsics
		.iter()
		.position(|x| x.encode() == encoded)
		.ok_or_else(|| WalletError::Rpc(format!("the extrinsic is not in block {block_hash}")))?;
	let records = node.events(hash).await?;
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
	let block_number = node.block_number(hash).await?;
	Ok(Finalized { block_hash, block_number, events })
}

#[cfg(test)]
mod tests {
	use super::*;
	use codec::Decode;
	use sable_runtime::{Runtime, System};
	use sp_core::H256;

	#[test]
	fn the_events_key_is_where_frame_system_keeps_the_events() {
		sp_io::TestExternalities::default().execute_with(|| {
			System::set_block_number(1);
			System::deposit_event(frame_system::Event::<Runtime>::CodeUpdated {
				hash: H256::repeat_byte(1),
			});
			let raw = sp_io::storage::get(&sable_runtime::events_storage_key())
				.expect("events under the key");
			let records =
				Vec::<frame_system::EventRecord<RuntimeEvent, H256>>::decode(&mut &raw[..])
					.expect("event records");
			assert_eq!(records, System::events());
			assert_eq!(records.len(), 1);
		});
	}
}
