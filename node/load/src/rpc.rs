//! The few JSON-RPC calls the load generator and its observer make, over one WebSocket
//! connection each (jsonrpsee multiplexes concurrent requests on it).

use std::time::Duration;

use codec::Decode;
use jsonrpsee::{
	core::{client::ClientT, client::Subscription, client::SubscriptionClientT, ClientError},
	rpc_params,
	ws_client::{WsClient, WsClientBuilder},
};
use sable_zk_primitives::encoding::{from_hex, to_hex};
use serde_json::Value;

/// How a submission ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Submitted {
	/// In the pool.
	Accepted,
	/// Refused for lack of room (`1014 Priority is too low`, `1016 Immediately Dropped`):
	/// worth retrying once blocks have made room.
	PoolFull,
	/// Refused for good, with the node's message.
	Refused(String),
}

/// A connection to a node.
pub struct Rpc {
	client: WsClient,
}

impl Rpc {
	/// Connects to `url` with room for `in_flight` concurrent requests.
	pub async fn connect(url: &str, in_flight: usize) -> Result<Rpc, String> {
		let client = WsClientBuilder::default()
			.max_concurrent_requests(in_flight.max(1))
			.request_timeout(Duration::from_secs(120))
			.max_request_size(16 * 1024 * 1024)
			.max_response_size(64 * 1024 * 1024)
			.build(url)
			.await
			.map_err(|e| format!("cannot connect to {url}: {e}"))?;
		Ok(Rpc { client })
	}

	async fn call<T: serde::de::DeserializeOwned>(
		&self,
		method: &str,
		params: jsonrpsee::core::params::ArrayParams,
	) -> Result<T, String> {
		self.client.request(method, params).await.map_err(|e| format!("{method}: {e}"))
	}

	/// `author_submitExtrinsic` of hex bytes.
	pub async fn submit(&self, extrinsic: &str) -> Submitted {
		let result: Result<Value, ClientError> =
			self.client.request("author_submitExtrinsic", rpc_params![extrinsic]).await;
		match result {
			Ok(_) => Submitted::Accepted,
			Err(ClientError::Call(error)) if matches!(error.code(), 1014 | 1016) => {
				Submitted::PoolFull
			},
			Err(error) => Submitted::Refused(error.to_string()),
		}
	}

	/// The hash of block `number` on the best chain.
	pub async fn block_hash(&self, number: u64) -> Result<String, String> {
		let hash: Option<String> = self.call("chain_getBlockHash", rpc_params![number]).await?;
		hash.ok_or_else(|| format!("no block #{number}"))
	}

	/// The hex extrinsics of block `hash`.
	pub async fn block_extrinsics(&self, hash: &str) -> Result<Vec<String>, String> {
		let block: Value = self.call("chain_getBlock", rpc_params![hash]).await?;
		Ok(block["block"]["extrinsics"]
			.as_array()
			.map(|xs| xs.iter().filter_map(|x| x.as_str().map(String::from)).collect())
			.unwrap_or_default())
	}

	/// The value at storage `key`, decoded, in block `hash` (the best block if `None`).
	pub async fn storage<T: Decode>(
		&self,
		key: &[u8],
		hash: Option<&str>,
	) -> Result<Option<T>, String> {
		let value: Option<String> =
			self.call("state_getStorage", rpc_params![to_hex(key), hash]).await?;
		value
			.map(|hex| {
				let bytes = from_hex(&hex).map_err(|e| format!("storage {}: {e}", to_hex(key)))?;
				T::decode(&mut &bytes[..]).map_err(|e| format!("storage {}: {e}", to_hex(key)))
			})
			.transpose()
	}

	/// The next nonce of `account` (SS58), counting the pool.
	pub async fn next_index(&self, account: &str) -> Result<u32, String> {
		self.call("system_accountNextIndex", rpc_params![account]).await
	}

	/// Subscribes to new best (`finalized` false) or finalized block headers.
	pub async fn heads(&self, finalized: bool) -> Result<Subscription<Value>, String> {
		let (subscribe, unsubscribe) = if finalized {
			("chain_subscribeFinalizedHeads", "chain_unsubscribeFinalizedHeads")
		} else {
			("chain_subscribeNewHeads", "chain_unsubscribeNewHeads")
		};
		self.client
			.subscribe(subscribe, rpc_params![], unsubscribe)
			.await
			.map_err(|e| format!("{subscribe}: {e}"))
	}
}

/// The block number of a header as the RPC returns it.
pub fn header_number(header: &Value) -> Option<u64> {
	let hex = header["number"].as_str()?;
	u64::from_str_radix(hex.trim_start_matches("0x"), 16).ok()
}
