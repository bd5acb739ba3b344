//! The commands, one module each; every command returns a [`Reply`] that
//! [`crate::output`] prints as text or JSON.

pub(crate) mod infer;
pub(crate) mod job;
pub(crate) mod keys;
pub(crate) mod model;
pub(crate) mod notes;
pub(crate) mod provider;
pub(crate) mod spend;
pub(crate) mod sync;

use std::path::PathBuf;

use sable_runtime::AccountId;
use sable_wallet::{
	error::{Result, WalletError},
	node_client::NodeClient,
	poi::chain::{self, PoiCall},
	submit::{self, Finalized},
};
use serde_json::Value;
use sp_core::crypto::Ss58Codec;

/// What a command prints: `json` with `--output json`, `text` otherwise.
pub(crate) struct Reply {
	/// For scripts.
	pub(crate) json: Value,
	/// For people.
	pub(crate) text: String,
}

impl Reply {
	/// A reply of `json` for scripts and `text` for people.
	pub(crate) fn new(json: Value, text: impl Into<String>) -> Reply {
		Reply { json, text: text.into() }
	}
}

/// Where a command works: the data directory and the node.
pub(crate) struct Context {
	/// The data directory (key file and note store).
	pub(crate) dir: PathBuf,
	/// The nodes' WebSocket RPC endpoints, in the order they are tried.
	pub(crate) nodes: Vec<String>,
}

impl Context {
	/// The note store's path.
	pub(crate) fn store_path(&self) -> PathBuf {
		self.dir.join("wallet.json")
	}

	/// Connects to the first node.
	pub(crate) async fn connect(&self) -> Result<NodeClient> {
		let url = self.nodes.first().ok_or_else(|| WalletError::Input("no --node".into()))?;
		NodeClient::connect(url).await
	}
}

/// Parses a transparent account given in SS58.
pub(crate) fn account(ss58: &str) -> Result<AccountId> {
	AccountId::from_ss58check(ss58)
		.map_err(|e| WalletError::Input(format!("{ss58} is not an SS58 account: {e:?}")))
}

/// The reply to a market call that ended with `finalized`: its block, fee and events, and
/// `done` in text.
pub(crate) fn finalized_reply(finalized: &Finalized, done: &str) -> Reply {
	Reply::new(
		chain::finalized_json(finalized),
		format!("{done} in block #{}", finalized.block_number),
	)
}

/// Signs a market call with the secret URI `from`, follows it to finality and replies `done`.
pub(crate) async fn send_poi(
	context: &Context,
	from: &str,
	call: PoiCall,
	done: &str,
) -> Result<Reply> {
	let signer = submit::pair_from_suri(from)?;
	let finalized = chain::send(&context.connect().await?, &signer, call).await?;
	Ok(finalized_reply(&finalized, done))
}

/// Serializes a value the wallet made for JSON output.
pub(crate) fn to_json(value: &impl serde::Serialize) -> Result<Value> {
	serde_json::to_value(value).map_err(|e| WalletError::Corrupt(e.to_string()))
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn accounts_are_read_from_ss58() {
		let alice = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";
		assert_eq!(account(alice).expect("alice").to_ss58check(), alice);
		let error = account("5GrwvaEF").expect_err("too short");
		assert!(error.to_string().starts_with("5GrwvaEF is not an SS58 account"), "{error}");
	}

	#[test]
	fn a_finalized_market_call_replies_with_its_block() {
		let finalized =
			Finalized { block_hash: "0xab".into(), block_number: 5, events: Vec::new() };
		let reply = finalized_reply(&finalized, "job 1 accepted");
		assert_eq!(reply.text, "job 1 accepted in block #5");
		assert_eq!(reply.json["block_number"], 5);
		assert_eq!(reply.json["fee"], "0");
	}
}
