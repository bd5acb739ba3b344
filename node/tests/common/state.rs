//! The runtime's invariants checked on a real chain: the whole state at a node's finalized head,
//! read over RPC, in externalities where the pallets' `do_try_state` runs natively (the checks
//! `try_state` runs in try-runtime builds; `docs/zk.md` and `docs/poi.md`, "Invariants").

use frame_support::traits::{GetStorageVersion, StorageVersion};
use serde_json::{json, Value};
use sp_core::storage::Storage;
use sp_state_machine::BasicExternalities;

use super::{hex_bytes, Node};

/// Keys per `state_getKeysPaged` page (the RPC's most).
const PAGE: usize = 1_000;

/// Every top-level key and value of the state at block `at`.
fn state_at(node: &Node, at: &Value) -> Storage {
	let mut storage = Storage::default();
	let mut start: Option<String> = None;
	loop {
		let keys = node
			.rpc("state_getKeysPaged", json!(["0x", PAGE, start, at]))
			.unwrap_or_else(|e| panic!("state_getKeysPaged: {e}"));
		let keys: Vec<String> = serde_json::from_value(keys).expect("a list of keys");
		let changes = node
			.rpc("state_queryStorageAt", json!([keys, at]))
			.unwrap_or_else(|e| panic!("state_queryStorageAt: {e}"));
		for change in changes[0]["changes"].as_array().expect("changes") {
			let key = hex_bytes(&change[0]).expect("a key");
			let value = hex_bytes(&change[1]).expect("every listed key has a value");
			storage.top.insert(key, value);
		}
		if keys.len() < PAGE {
			return storage;
		}
		start = keys.last().cloned();
	}
}

/// Checks, on the state of `node`'s finalized head, the pool's and the escrow's invariants and
/// that every Sable pallet's storage is at the version its code declares. Returns how many
/// storage entries were checked.
pub fn assert_invariants(node: &Node) -> usize {
	use sable_runtime::{Durations, ProofOfInference, Zk};
	let head = node.rpc("chain_getFinalizedHead", json!([])).expect("finalized head");
	let storage = state_at(node, &head);
	let entries = storage.top.len();
	BasicExternalities::new(storage).execute_with(|| {
		if let Err(error) = Zk::do_try_state() {
			panic!("pallet-zk invariants at {head}: {error:?}");
		}
		if let Err(error) = ProofOfInference::do_try_state() {
			panic!("pallet-proof-of-inference invariants at {head}: {error:?}");
		}
		let versions: [(StorageVersion, StorageVersion); 3] = [
			(Zk::on_chain_storage_version(), Zk::in_code_storage_version()),
			(ProofOfInference::on_chain_storage_version(), ProofOfInference::in_code_storage_version()),
			(Durations::on_chain_storage_version(), Durations::in_code_storage_version()),
		];
		for (on_chain, in_code) in versions {
			assert_eq!(on_chain, in_code, "a pallet's storage is not at its code's version");
		}
	});
	entries
}
