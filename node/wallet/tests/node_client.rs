//! The wallet's node client against a stand-in node that answers with the node's own types:
//! the pallets' generated RPC servers (over fixed data) and polkadot-sdk's types for the
//! standard methods, so a wire format the wallet misreads fails here rather than on a chain.

use std::sync::{Arc, Mutex};

use codec::Encode;
use jsonrpsee::{
	core::{RpcResult, SubscriptionResult},
	server::{PendingSubscriptionSink, RpcModule, Server, ServerHandle, SubscriptionMessage},
	types::{ErrorObject, ErrorObjectOwned, Params},
};
use pallet_proof_of_inference_rpc::{
	JobJson, ModelJson, ProofOfInferenceApiServer, ProviderJson, StatusJson,
};
use pallet_zk_rpc::{LeafJson, LeavesPage, TreeStateJson, ZkApiServer};
use sable_runtime::{
	opaque::{Block, UncheckedExtrinsic as OpaqueExtrinsic},
	AccountId, Hash, Header, Runtime, RuntimeCall, RuntimeEvent,
};
use sable_wallet::{
	error::WalletError, extrinsic, node_client::NodeClient, store::WalletState, submit,
	sync::sync_pages,
};
use sable_zk_primitives::{
	encoding::{fp_from_bytes, fp_to_bytes},
	keys::SpendingKey,
	tree::CommitmentTree,
	Fp,
};
use sc_transaction_pool_api::TransactionStatus;
use sp_core::{
	storage::{StorageData, StorageKey},
	Bytes, H256,
};
use sp_io::hashing::twox_128;
use sp_runtime::{generic::SignedBlock, traits::Header as _, DispatchError};

type EventRecord = frame_system::EventRecord<RuntimeEvent, H256>;

const GENESIS: H256 = H256::repeat_byte(0x11);
const BLOCK: H256 = H256::repeat_byte(0x22);
const NUMBER: u32 = 7;
const NONCE: u32 = 4;
const FINALIZED: H256 = H256::repeat_byte(0x55);

/// What the stand-in node holds: one block with `extrinsics` and their `events`, and
/// `refusal` for every submission when set.
struct Chain {
	extrinsics: Vec<OpaqueExtrinsic>,
	events: Vec<EventRecord>,
	refusal: Option<(i32, &'static str, &'static str)>,
}

/// `System::Events` as polkadot-sdk lays it out (twox128 of the pallet, then of the item),
/// written here independently of the wallet's own definition.
fn events_storage_key() -> Vec<u8> {
	[twox_128(b"System"), twox_128(b"Events")].concat()
}

fn header() -> Header {
	Header::new(NUMBER, H256::zero(), H256::zero(), H256::zero(), Default::default())
}

/// Leaves in the stand-in tree at `at`: 3 at [`BLOCK`] or the best block, 2 at
/// [`FINALIZED`], 1 at any other.
fn leaf_count_at(at: Option<Hash>) -> u64 {
	match at {
		None => 3,
		Some(hash) if hash == BLOCK => 3,
		Some(hash) if hash == FINALIZED => 2,
		Some(_) => 1,
	}
}

/// The root of the stand-in tree of `leaf_count` leaves, leaf `i` being `[i; 32]`.
fn root_of(leaf_count: u64) -> H256 {
	let mut tree = CommitmentTree::default();
	for index in 0..leaf_count {
		tree.append(fp_from_bytes(&[index as u8; 32]).expect("canonical")).expect("room");
	}
	H256(fp_to_bytes(&tree.root()))
}

/// The stand-in shielded pool; `asked` records each call's method and block.
#[derive(Clone, Default)]
struct Pool {
	asked: Arc<Mutex<Vec<(&'static str, Option<Hash>)>>>,
}

impl Pool {
	fn ask(&self, method: &'static str, at: Option<Hash>) {
		self.asked.lock().expect("not poisoned").push((method, at));
	}
}

impl ZkApiServer<Hash> for Pool {
	fn tree_state(&self, at: Option<Hash>) -> RpcResult<TreeStateJson> {
		self.ask("zk_treeState", at);
		let leaf_count = leaf_count_at(at);
		Ok(TreeStateJson { root: root_of(leaf_count), leaf_count, anchor_history: 100 })
	}

	fn leaves(&self, from: u64, limit: u32, at: Option<Hash>) -> RpcResult<LeavesPage> {
		self.ask("zk_leaves", at);
		let leaf_count = leaf_count_at(at);
		let leaves: Vec<LeafJson> = (from..leaf_count.min(from + u64::from(limit)))
			.map(|index| LeafJson {
				index,
				commitment: H256::repeat_byte(index as u8),
				ciphertext: Bytes(vec![index as u8; 5]),
				nullifier: H256::repeat_byte(0x90 + index as u8),
			})
			.collect();
		let end = from + leaves.len() as u64;
		Ok(LeavesPage { from, leaves, next: (end < leaf_count).then_some(end), leaf_count })
	}

	fn is_spent(&self, _: H256, at: Option<Hash>) -> RpcResult<bool> {
		self.ask("zk_isSpent", at);
		Ok(false)
	}

	fn is_known_anchor(&self, _: H256, _: Option<Hash>) -> RpcResult<bool> {
		Ok(false)
	}

	fn pool_total(&self, _: Option<Hash>) -> RpcResult<String> {
		Ok("0".into())
	}

	fn minimum_fee(&self, _: String, _: Option<Hash>) -> RpcResult<String> {
		Ok("10000000000".into())
	}
}

struct Jobs;

const FERDIE: &str = "5CiPPseXPECbkjWCa6MnjNokrgYjMqmKndv2rSnekmSK2DjL";

fn job_zero() -> JobJson {
	JobJson {
		job_id: 0,
		client: "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY".into(),
		model_id: 0,
		provider: FERDIE.into(),
		input: H256::repeat_byte(2),
		delivery: Some(H256::repeat_byte(4)),
		payment: "50000000000000".into(),
		collateral: "10000000000000".into(),
		deposit: "3000000000".into(),
		deadline: 104,
		status: StatusJson {
			state: "completed".into(),
			ends: None,
			dispute_deposit: None,
			slashed: None,
			ended_at: Some(90),
		},
		request: None,
		result: Some(vec![H256::repeat_byte(3)]),
	}
}

fn model_zero() -> ModelJson {
	ModelJson {
		model_id: 0,
		provider: FERDIE.into(),
		kind: "inference".into(),
		circuit: 4,
		circuit_version: 3,
		commitment: H256::repeat_byte(5),
		price: "1000000000000".into(),
		metadata: H256::repeat_byte(6),
		encryption_key: H256::repeat_byte(7),
		retired: false,
		open_jobs: 1,
	}
}

fn ferdie() -> ProviderJson {
	ProviderJson {
		bond: "1000000000000000".into(),
		locked: "2000000000000".into(),
		unbonding: Some("1".into()),
		unbonding_at: Some(500),
		open_jobs: 1,
		completed: 3,
		expired: 0,
		disputed: 1,
		slashed: 0,
	}
}

impl ProofOfInferenceApiServer<Hash, AccountId> for Jobs {
	fn model(&self, model_id: u32, _: Option<Hash>) -> RpcResult<Option<ModelJson>> {
		Ok((model_id == 0).then(model_zero))
	}

	fn job(&self, job_id: u64, _: Option<Hash>) -> RpcResult<Option<JobJson>> {
		Ok((job_id == 0).then(job_zero))
	}

	fn provider(&self, who: AccountId, _: Option<Hash>) -> RpcResult<Option<ProviderJson>> {
		Ok((who.to_string() == FERDIE).then(ferdie))
	}

	fn provider_jobs(&self, who: AccountId, _: Option<Hash>) -> RpcResult<Vec<u64>> {
		Ok(if who.to_string() == FERDIE { vec![0] } else { Vec::new() })
	}
}

fn invalid_params(e: impl std::fmt::Display) -> ErrorObjectOwned {
	ErrorObject::owned(-32602, e.to_string(), None::<()>)
}

/// The block hash parameter of `params` (`[hash]` or `[null]`), checked to be [`BLOCK`] or
/// absent; `Ok(false)` for another block.
fn at_block(params: &Params) -> Result<bool, ErrorObjectOwned> {
	let (hash,): (Option<H256>,) = params.parse()?;
	Ok(hash.is_none_or(|hash| hash == BLOCK))
}

fn standard_methods(chain: Chain) -> RpcModule<Chain> {
	let mut module = RpcModule::new(chain);
	let methods: [(&'static str, fn(Params, &Chain) -> RpcResult<serde_json::Value>); 7] = [
		("chain_getBlockHash", |params, _| {
			let (number,): (Option<u32>,) = params.parse()?;
			Ok(serde_json::json!((number == Some(0)).then_some(GENESIS)))
		}),
		("chain_getHeader", |params, _| Ok(serde_json::json!(at_block(&params)?.then(header)))),
		("chain_getFinalizedHead", |_, _| Ok(serde_json::json!(FINALIZED))),
		("chain_getBlock", |params, chain| {
			let block = at_block(&params)?.then(|| SignedBlock::<Block> {
				block: Block { header: header(), extrinsics: chain.extrinsics.clone() },
				justifications: None,
			});
			serde_json::to_value(block).map_err(invalid_params)
		}),
		("state_getStorage", |params, chain| {
			let (key, hash): (StorageKey, Option<H256>) = params.parse()?;
			let value = (key.0 == events_storage_key() && hash == Some(BLOCK))
				.then(|| StorageData(chain.events.encode()));
			serde_json::to_value(value).map_err(invalid_params)
		}),
		("state_getRuntimeVersion", |_, _| {
			serde_json::to_value(sable_runtime::VERSION).map_err(invalid_params)
		}),
		("system_accountNextIndex", |params, _| {
			let (_account,): (AccountId,) = params.parse()?;
			Ok(serde_json::json!(NONCE))
		}),
	];
	for (name, method) in methods {
		module
			.register_method(name, move |params, chain, _| method(params, chain))
			.expect("a new method");
	}
	module
		.register_subscription(
			"author_submitAndWatchExtrinsic",
			"author_extrinsicUpdate",
			"author_unwatchExtrinsic",
			|params, pending: PendingSubscriptionSink, chain, _| async move {
				let (_extrinsic,): (Bytes,) = params.parse()?;
				if let Some((code, message, data)) = chain.refusal {
					pending.reject(ErrorObject::owned(code, message, Some(data))).await;
					return Ok(());
				}
				let sink = pending.accept().await?;
				for status in [
					TransactionStatus::Ready,
					TransactionStatus::Broadcast(vec!["peer".into()]),
					TransactionStatus::InBlock((BLOCK, 1)),
					TransactionStatus::Finalized((BLOCK, 1)),
				] {
					let status: TransactionStatus<H256, H256> = status;
					sink.send(SubscriptionMessage::from_json(&status)?).await?;
				}
				SubscriptionResult::Ok(())
			},
		)
		.expect("a new subscription");
	module
}

/// Serves `chain` on a free local port.
async fn serve(chain: Chain) -> (ServerHandle, String) {
	serve_pool(chain, Pool::default()).await
}

/// Serves `chain` and `pool` on a free local port.
async fn serve_pool(chain: Chain, pool: Pool) -> (ServerHandle, String) {
	let server = Server::builder().build("127.0.0.1:0").await.expect("a local port");
	let url = format!("ws://{}", server.local_addr().expect("address"));
	let mut module = standard_methods(chain);
	module.merge(ZkApiServer::<Hash>::into_rpc(pool)).expect("zk methods");
	module.merge(ProofOfInferenceApiServer::<Hash, AccountId>::into_rpc(Jobs)).expect("poi");
	(server.start(module), url)
}

fn sp_keyring_alice() -> AccountId {
	AccountId::from(sp_core::Pair::public(&submit::pair_from_suri("//Alice").expect("alice")))
}

fn runtime() -> tokio::runtime::Runtime {
	tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime")
}

fn remark(byte: u8) -> sable_runtime::UncheckedExtrinsic {
	extrinsic::bare(RuntimeCall::System(frame_system::Call::remark { remark: vec![byte] }))
}

fn opaque(extrinsic: &sable_runtime::UncheckedExtrinsic) -> OpaqueExtrinsic {
	OpaqueExtrinsic::try_from_encoded_extrinsic(&extrinsic.encode()).expect("opaque")
}

fn record(index: u32, event: RuntimeEvent) -> EventRecord {
	EventRecord { phase: frame_system::Phase::ApplyExtrinsic(index), event, topics: Vec::new() }
}

fn success() -> RuntimeEvent {
	RuntimeEvent::System(frame_system::Event::ExtrinsicSuccess {
		dispatch_info: Default::default(),
	})
}

fn failure(error: DispatchError) -> RuntimeEvent {
	RuntimeEvent::System(frame_system::Event::ExtrinsicFailed {
		dispatch_error: error,
		dispatch_info: Default::default(),
	})
}

/// A block holding another extrinsic first and then `remark(1)`, with `events`.
fn chain(events: Vec<EventRecord>) -> Chain {
	Chain { extrinsics: vec![opaque(&remark(0)), opaque(&remark(1))], events, refusal: None }
}

#[test]
fn the_chain_queries_read_the_nodes_types() {
	runtime().block_on(async {
		let (_server, url) = serve(chain(Vec::new())).await;
		let node = NodeClient::connect(&url).await.expect("connects");
		assert_eq!(node.genesis_hash().await.expect("genesis"), GENESIS);
		let context = node.chain_context().await.expect("context");
		assert_eq!(context.genesis_hash, GENESIS);
		assert_eq!(context.spec_version, sable_runtime::VERSION.spec_version);
		assert_eq!(context.transaction_version, sable_runtime::VERSION.transaction_version);
		let alice = submit::pair_from_suri("//Alice").expect("alice");
		let account = AccountId::from(sp_core::Pair::public(&alice));
		assert_eq!(node.next_index(&account).await.expect("nonce"), NONCE);
		assert_eq!(node.best_number().await.expect("best"), u64::from(NUMBER));
		assert_eq!(node.block_number(BLOCK).await.expect("number"), u64::from(NUMBER));
		let unknown = node.block_number(H256::repeat_byte(0x44)).await.expect_err("no block");
		assert!(unknown.to_string().contains(&format!("no block 0x{}", "44".repeat(32))));
		assert_eq!(node.block(BLOCK).await.expect("block").block.extrinsics.len(), 2);
	});
}

#[test]
fn the_pallets_methods_come_through_their_generated_clients() {
	runtime().block_on(async {
		let (_server, url) = serve(chain(Vec::new())).await;
		let node = NodeClient::connect(&url).await.expect("connects");
		let page = node.leaves(1, 1, None).await.expect("leaves");
		assert_eq!((page.from, page.next, page.leaf_count), (1, Some(2), 3));
		assert_eq!(page.leaves[0].commitment, H256::repeat_byte(1));
		assert_eq!(page.leaves[0].ciphertext.0, vec![1; 5]);
		assert_eq!(page.leaves[0].nullifier, H256::repeat_byte(0x91));
		assert_eq!(node.leaves(2, 1024, Some(BLOCK)).await.expect("last page").next, None);
		// The block asked for reaches the node.
		let older = Some(H256::repeat_byte(0x44));
		assert_eq!(node.leaves(0, 1024, older).await.expect("older").leaves.len(), 1);
		let state = node.tree_state(None).await.expect("tree state");
		assert_eq!((state.root, state.leaf_count), (root_of(3), 3));
		assert_eq!(node.tree_state(older).await.expect("older").leaf_count, 1);
		assert_eq!(node.job(0).await.expect("job"), Some(job_zero()));
		assert_eq!(node.job(1).await.expect("no job"), None);
		assert_eq!(node.model(0).await.expect("model"), Some(model_zero()));
		assert_eq!(node.model(1).await.expect("no model"), None);
		let ferdie_account: AccountId =
			sp_core::crypto::Ss58Codec::from_ss58check(FERDIE).expect("ss58");
		assert_eq!(node.provider(&ferdie_account).await.expect("provider"), Some(ferdie()));
		assert_eq!(node.provider_jobs(&ferdie_account).await.expect("jobs"), vec![0]);
		let alice = sp_keyring_alice();
		assert_eq!(node.provider(&alice).await.expect("not a provider"), None);
		assert_eq!(node.provider_jobs(&alice).await.expect("no jobs"), Vec::<u64>::new());
	});
}

#[test]
fn a_sync_reads_the_tree_at_the_finalized_head_and_never_asks_about_a_nullifier() {
	runtime().block_on(async {
		let pool = Pool::default();
		let (_server, url) = serve_pool(chain(Vec::new()), pool.clone()).await;
		let node = NodeClient::connect(&url).await.expect("connects");
		let dir = tempfile::tempdir().expect("dir");
		let path = dir.path().join("wallet.json");
		let mut state = WalletState::load(&path).expect("empty store");
		let sk = SpendingKey::from_field(Fp::from(1));
		let report = sync_pages(&node, &mut state, &path, &sk, 1).await.expect("synced");
		// Two leaves at the finalized head (three at the best block), one page each, and the
		// root checked against the finalized tree's.
		assert_eq!((report.leaves, state.synced()), (2, 2));
		let asked = pool.asked.lock().expect("not poisoned").clone();
		let at = Some(FINALIZED);
		let expected = vec![("zk_leaves", at), ("zk_leaves", at), ("zk_treeState", at)];
		assert_eq!(asked, expected, "every zk query at the finalized head, no zk_isSpent");
	});
}

#[test]
fn a_submission_is_followed_to_its_own_events() {
	runtime().block_on(async {
		let other = record(0, failure(DispatchError::BadOrigin));
		let events = vec![other, record(1, success())];
		let (_server, url) = serve(chain(events)).await;
		let node = NodeClient::connect(&url).await.expect("connects");
		let finalized = submit::submit(&node, &remark(1)).await.expect("finalized");
		assert_eq!(finalized.block_hash, format!("0x{}", "22".repeat(32)));
		assert_eq!(finalized.block_number, u64::from(NUMBER));
		assert_eq!(finalized.events, vec![success()], "only its own events");

		let missing = submit::submit(&node, &remark(2)).await.expect_err("not in the block");
		assert!(missing.to_string().contains("the extrinsic is not in block 0x2222"), "{missing}");
	});
}

#[test]
fn a_failed_dispatch_is_reported_with_the_runtimes_error() {
	runtime().block_on(async {
		let anchor = DispatchError::from(pallet_zk::Error::<Runtime>::UnknownAnchor);
		let (_server, url) = serve(chain(vec![record(1, failure(anchor))])).await;
		let node = NodeClient::connect(&url).await.expect("connects");
		let failed = submit::submit(&node, &remark(1)).await.expect_err("failed");
		assert!(matches!(failed, WalletError::Failed { .. }) && failed.is_expired_anchor());
		assert!(failed.to_string().contains("but failed: Zk(UnknownAnchor)"), "{failed}");
	});
}

#[test]
fn a_refusal_by_the_pool_is_read_as_one() {
	runtime().block_on(async {
		let mut refusing = chain(Vec::new());
		refusing.refusal = Some((1010, "Invalid Transaction", "Custom error: 4"));
		let (_server, url) = serve(refusing).await;
		let node = NodeClient::connect(&url).await.expect("connects");
		let refused = submit::submit(&node, &remark(1)).await.expect_err("refused");
		assert!(matches!(&refused, WalletError::Refused(r) if r.code == 1010), "{refused}");
		assert!(refused.is_expired_anchor(), "{refused}");
	});
}

#[test]
fn an_unreachable_node_is_named() {
	runtime().block_on(async {
		let error = NodeClient::connect("ws://127.0.0.1:1").await.err().expect("unreachable");
		assert!(error.to_string().starts_with("cannot reach the node at ws://127.0.0.1:1"));
	});
}
