//! `sable sync`: fetch new leaves from the node, keep the wallet's notes and mark the spent
//! ones.

use sable_wallet::{
	error::Result,
	store::WalletState,
	sync::{sync_pages, SyncReport},
};
use serde_json::json;

use super::{keys, Context, Reply};

/// Syncs the store with `page_size` leaves per request.
pub(crate) async fn run(context: &Context, page_size: u32) -> Result<Reply> {
	let sk = keys::unlock(&context.dir)?;
	let node = context.connect().await?;
	let path = context.store_path();
	let mut state = WalletState::load(&path)?;
	let report = sync_pages(&node, &mut state, &path, &sk, page_size).await?;
	Ok(reply(&report, &state))
}

/// What a sync did, and where it left the store.
fn reply(report: &SyncReport, state: &WalletState) -> Reply {
	let json = json!({
		"leaves_fetched": report.leaves,
		"synced_to": state.synced(),
		"received": report.received,
		"spent": report.spent,
		"balance": state.balance().to_string(),
	});
	let text = format!(
		"synced {} leaves (tree has {}); {} new notes, {} spent; balance {}",
		report.leaves,
		state.synced(),
		report.received.len(),
		report.spent.len(),
		state.balance()
	);
	Reply::new(json, text)
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn an_empty_sync_reads_as_docs_wallet_md_shows_it() {
		let reply = reply(&SyncReport::default(), &WalletState::default());
		assert_eq!(reply.text, "synced 0 leaves (tree has 0); 0 new notes, 0 spent; balance 0");
		assert_eq!(
			reply.json,
			json!({ "leaves_fetched": 0, "synced_to": 0, "received": [], "spent": [], "balance": "0" })
		);
	}
}
