//! The node's JSON-RPC over WebSocket (jsonrpsee): chain identity and the shielded pool's
//! wallet queries (`zk_*`, docs/zk.md).

use jsonrpsee::{
	core::client::{ClientT, Subscription, SubscriptionClientT},
	rpc_params,
	ws_client::{WsClient, WsClientBuilder},
};
use sable_zk_proofs::json::{bytes32, from_hex};
use serde::Deserialize;
use serde_json::Value;

use crate::error::{Refusal, Result, WalletError};

/// One leaf of `zk_leaves`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Leaf {
	/// Position in the tree.
	pub index: u64,
	/// Note commitment.
	pub commitment: [u8; 32],
	/// Note ciphertext.
	pub ciphertext: Vec<u8>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct LeafJson {
	index: u64,
	commitment: String,
	ciphertext: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PageJson {
	leaves: Vec<LeafJson>,
	next: Option<u64>,
}

/// A connection to a node.
pub struct NodeClient {
	client: WsClient,
	url: String,
}

fn rpc_error(e: impl std::fmt::Display) -> WalletError {
	WalletError::Rpc(e.to_string())
}

/// A submission's error: the node's refusal when it answered with one.
fn refusal(e: jsonrpsee::core::client::Error) -> WalletError {
	match e {
		jsonrpsee::core::client::Error::Call(error) => WalletError::Refused(Refusal::new(
			error.code(),
			error.message(),
			error.data().map(|data| data.get()),
		)),
		other => rpc_error(other),
	}
}

impl NodeClient {
	/// Connects to `url` (`ws://host:port`).
	pub async fn connect(url: &str) -> Result<NodeClient> {
		let client = WsClientBuilder::default()
			.build(url)
			.await
			.map_err(|e| WalletError::Unreachable(url.into(), e.to_string()))?;
		Ok(NodeClient { client, url: url.into() })
	}

	/// Where this client is connected.
	pub fn url(&self) -> &str {
		&self.url
	}

	/// The chain's genesis hash, hex.
	pub async fn genesis_hash(&self) -> Result<String> {
		self.client.request("chain_getBlockHash", rpc_params![0]).await.map_err(rpc_error)
	}

	/// Up to `limit` leaves from `from`, and where the next page starts.
	pub async fn leaves(&self, from: u64, limit: u32) -> Result<(Vec<Leaf>, Option<u64>)> {
		let page: PageJson =
			self.client.request("zk_leaves", rpc_params![from, limit]).await.map_err(rpc_error)?;
		let leaves = page
			.leaves
			.into_iter()
			.map(|leaf| {
				Ok(Leaf {
					index: leaf.index,
					commitment: bytes32(&leaf.commitment, "commitment")
						.map_err(WalletError::Rpc)?,
					ciphertext: from_hex(&leaf.ciphertext).map_err(WalletError::Rpc)?,
				})
			})
			.collect::<Result<_>>()?;
		Ok((leaves, page.next))
	}

	/// The latest anchor (hex) and the number of leaves under it.
	pub async fn tree_state(&self) -> Result<(String, u64)> {
		#[derive(Deserialize)]
		#[serde(rename_all = "camelCase")]
		struct State {
			root: String,
			leaf_count: u64,
		}
		let state: State =
			self.client.request("zk_treeState", rpc_params![]).await.map_err(rpc_error)?;
		Ok((state.root, state.leaf_count))
	}

	/// The account's next nonce, counting transactions in the pool.
	pub async fn next_index(&self, account: &str) -> Result<u32> {
		self.client
			.request("system_accountNextIndex", rpc_params![account])
			.await
			.map_err(rpc_error)
	}

	/// `(spec_version, transaction_version)` of the runtime at the best block.
	pub async fn runtime_version(&self) -> Result<(u32, u32)> {
		let version: Value = self
			.client
			.request("state_getRuntimeVersion", rpc_params![])
			.await
			.map_err(rpc_error)?;
		let field = |name: &str| {
			version[name]
				.as_u64()
				.map(|v| v as u32)
				.ok_or_else(|| WalletError::Rpc(format!("runtime version without {name}")))
		};
		Ok((field("specVersion")?, field("transactionVersion")?))
	}

	/// The number of the block with `hash`.
	pub async fn block_number(&self, hash: &str) -> Result<u64> {
		let header: Value =
			self.client.request("chain_getHeader", rpc_params![hash]).await.map_err(rpc_error)?;
		header["number"]
			.as_str()
			.and_then(|n| u64::from_str_radix(n.trim_start_matches("0x"), 16).ok())
			.ok_or_else(|| WalletError::Rpc(format!("header of {hash} without a number")))
	}

	/// The number of the best block.
	pub async fn best_number(&self) -> Result<u64> {
		let header: Value =
			self.client.request("chain_getHeader", rpc_params![]).await.map_err(rpc_error)?;
		header["number"]
			.as_str()
			.and_then(|n| u64::from_str_radix(n.trim_start_matches("0x"), 16).ok())
			.ok_or_else(|| WalletError::Rpc("best header without a number".into()))
	}

	/// `poi_job(job_id)`: the job as the node reports it (`null` if unknown).
	pub async fn job(&self, job_id: u64) -> Result<Value> {
		self.client.request("poi_job", rpc_params![job_id]).await.map_err(rpc_error)
	}

	/// The hex extrinsics of the block with `hash`.
	pub async fn block_extrinsics(&self, hash: &str) -> Result<Vec<String>> {
		let block: Value =
			self.client.request("chain_getBlock", rpc_params![hash]).await.map_err(rpc_error)?;
		Ok(block["block"]["extrinsics"]
			.as_array()
			.map(|xs| xs.iter().filter_map(|x| x.as_str().map(String::from)).collect())
			.unwrap_or_default())
	}

	/// Raw storage at `key` (hex) in the block with `hash`.
	pub async fn storage(&self, key: &str, hash: &str) -> Result<Option<Vec<u8>>> {
		let value: Option<String> = self
			.client
			.request("state_getStorage", rpc_params![key, hash])
			.await
			.map_err(rpc_error)?;
		value.map(|v| from_hex(&v).map_err(WalletError::Rpc)).transpose()
	}

	/// Submits `extrinsic` (hex) and waits until it is finalized; returns the hash of the
	/// block that holds it. A refusal by the pool (for example a spent note or an expired
	/// anchor) comes back as [`WalletError::Refused`].
	pub async fn submit_and_wait(
		&self,
		extrinsic: &str,
		mut on_status: impl FnMut(&str),
	) -> Result<String> {
		let mut subscription: Subscription<Value> = self
			.client
			.subscribe(
				"author_submitAndWatchExtrinsic",
				rpc_params![extrinsic],
				"author_unwatchExtrinsic",
			)
			.await
			.map_err(refusal)?;
		while let Some(status) = subscription.next().await {
			let status = status.map_err(rpc_error)?;
			if let Some(hash) = status.get("inBlock").and_then(Value::as_str) {
				on_status(&format!("in block {hash}"));
			} else if let Some(hash) = status.get("finalized").and_then(Value::as_str) {
				return Ok(hash.to_string());
			} else if let Some(name) = status.as_str() {
				if matches!(name, "invalid" | "dropped") {
					return Err(WalletError::Rpc(format!("the transaction was {name}")));
				}
				on_status(name);
			} else if status.get("usurped").is_some() || status.get("finalityTimeout").is_some() {
				return Err(WalletError::Rpc(format!(
					"the transaction did not finalize: {status}"
				)));
			}
		}
		Err(WalletError::Rpc("the node closed the subscription before finality".into()))
	}

	/// Whether a nullifier (hex) is spent.
	pub async fn is_spent(&self, nullifier: &str) -> Result<bool> {
		self.client.request("zk_isSpent", rpc_params![nullifier]).await.map_err(rpc_error)
	}
}
