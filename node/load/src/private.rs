//! Private transfers with proofs made in advance: `count` fresh wallets are each shielded one
//! note (signed by //Alice), then each proves a transfer to the next wallet. Only then are
//! the transfers submitted, all at once, and their inclusion and finality measured.

use std::{
	path::Path,
	time::{Duration, Instant},
};

use ff::Field;
use frame_support::traits::Get;
use pallet_zk::{ShieldedAction, ShieldedProof};
use sable_runtime::{AccountId, Runtime, RuntimeCall, UNITS};
use sable_wallet::{
	extrinsic::{self, ChainContext},
	node_client::NodeClient,
	shielded::{Operation, Spender},
	store::WalletState,
};
use sable_zk_primitives::{keys::SpendingKey, Fp};
use sable_zk_proofs::encryption::Address;
use serde_json::{json, Value};
use sp_core::{sr25519, Pair};

use crate::{
	observer::{self, Observer},
	report,
	rpc::{Rpc, Submitted},
};

/// Value of each wallet's note.
const NOTE: u64 = UNITS as u64;
/// Value each wallet sends.
const AMOUNT: u64 = (UNITS / 10) as u64;

/// Options of a run.
pub struct Options {
	/// Node WebSocket URL.
	pub url: String,
	/// Number of private transfers (and wallets).
	pub count: usize,
	/// How long to wait for them to be included after submitting.
	pub duration: Duration,
	/// Transfers per `zk.submit_batch` (1: each a `zk.transfer` of its own).
	pub batch: usize,
}

fn wallet<'a>(node: &'a NodeClient, dir: &Path, i: usize) -> Spender<'a> {
	let sk = SpendingKey::from_field(Fp::random(&mut rand::rng()));
	let store_path = dir.join(format!("wallet-{i}.json"));
	let state = WalletState { version: 1, ..Default::default() };
	Spender { node, sk, state, store_path, force: false }
}

/// Proves one shield per wallet, submits them signed by //Alice and waits until their notes
/// are finalized.
async fn shield_all(
	node: &NodeClient,
	rpc: &Rpc,
	context: &ChainContext,
	wallets: &mut [Spender<'_>],
) -> Result<(), String> {
	let alice = sr25519::Pair::from_string("//Alice", None).map_err(|e| format!("{e:?}"))?;
	let mut nonce = rpc.next_index(&AccountId::from(alice.public()).to_string()).await?;
	let leaves_before = node.tree_state(None).await.map_err(|e| e.to_string())?.leaf_count;
	let started = Instant::now();
	let mut shields = Vec::with_capacity(wallets.len());
	for wallet in wallets.iter_mut() {
		let prepared = wallet
			.prepare_only(&Operation::Shield { from: None, amount: NOTE })
			.await
			.map_err(|e| e.to_string())?;
		shields.push(extrinsic::signed(context, prepared.call, &alice, nonce));
		nonce += 1;
	}
	eprintln!(
		"private: proved {} shields in {:.0} s",
		shields.len(),
		started.elapsed().as_secs_f64()
	);
	for shield in &shields {
		match rpc.submit(&extrinsic::to_hex(shield)).await {
			Submitted::Accepted => {},
			other => return Err(format!("a shield was refused: {other:?}")),
		}
	}
	// The wallets sync from the finalized block: wait until it holds the new notes.
	let wanted = leaves_before + 2 * wallets.len() as u64;
	let deadline = Instant::now() + Duration::from_secs(300);
	loop {
		let finalized = node.finalized_head().await.map_err(|e| e.to_string())?;
		let state = node.tree_state(Some(finalized)).await.map_err(|e| e.to_string())?;
		let leaves = state.leaf_count;
		if leaves >= wanted {
			return Ok(());
		}
		if Instant::now() > deadline {
			return Err(format!("only {leaves} of {wanted} leaves after 300 s"));
		}
		tokio::time::sleep(Duration::from_secs(2)).await;
	}
}

/// The runtime's largest batch.
fn max_batch() -> u32 {
	<<Runtime as pallet_zk::Config>::MaxBatchSize as Get<u32>>::get()
}

/// The transfers as extrinsics (hex, with the number of transfers in each): one
/// `zk.transfer` each, or `zk.submit_batch`es of `batch`.
fn extrinsics(payloads: Vec<ShieldedProof>, batch: usize) -> Result<Vec<(String, usize)>, String> {
	if batch <= 1 {
		let calls = payloads.into_iter().map(|payload| {
			RuntimeCall::Zk(pallet_zk::Call::transfer { payload: Box::new(payload) })
		});
		return Ok(calls.map(|call| (extrinsic::to_hex(&extrinsic::bare(call)), 1)).collect());
	}
	payloads
		.chunks(batch)
		.map(|chunk| {
			let count = chunk.len();
			let actions = chunk.iter().cloned().map(ShieldedAction::Transfer).collect::<Vec<_>>();
			let actions = actions
				.try_into()
				.map_err(|_| format!("a batch holds at most {} transfers", max_batch()))?;
			let call = RuntimeCall::Zk(pallet_zk::Call::submit_batch { actions });
			Ok((extrinsic::to_hex(&extrinsic::bare(call)), count))
		})
		.collect()
}

/// Runs the load and returns its summary.
pub async fn run(options: Options, context: ChainContext) -> Result<Value, String> {
	let node = NodeClient::connect(&options.url).await.map_err(|e| e.to_string())?;
	let rpc = Rpc::connect(&options.url, 64).await?;
	let dir = std::env::temp_dir().join(format!("sable-load-{}", std::process::id()));
	std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
	let mut wallets: Vec<Spender> = (0..options.count).map(|i| wallet(&node, &dir, i)).collect();
	let addresses: Vec<Address> =
		wallets.iter().map(|w| Address::from_spending_key(&w.sk)).collect();
	shield_all(&node, &rpc, &context, &mut wallets).await?;

	// Each transfer pays the chain's price of a transfer (docs/zk.md, "Fees and priority").
	let fee = node.minimum_fee("transfer").await.map_err(|e| e.to_string())?;
	let started = Instant::now();
	let mut payloads = Vec::with_capacity(wallets.len());
	for (i, wallet) in wallets.iter_mut().enumerate() {
		let to = addresses[(i + 1) % addresses.len()].clone();
		let prepared = wallet
			.prepare_only(&Operation::Send { to, amount: AMOUNT, fee, relayer: None })
			.await
			.map_err(|e| e.to_string())?;
		payloads.push(prepared.payload);
	}
	let proving_s = started.elapsed().as_secs_f64();
	eprintln!("private: proved {} transfers in {proving_s:.0} s", payloads.len());
	let transfers = extrinsics(payloads, options.batch)?;
	let _ = std::fs::remove_dir_all(&dir);

	let observer = Observer::start(&options.url, observer::private_transfers).await?;
	tokio::time::sleep(Duration::from_secs(1)).await;
	let submitted = Instant::now();
	let results = futures::future::join_all(transfers.iter().map(|(hex, _)| rpc.submit(hex))).await;
	let accepted_extrinsics = results.iter().filter(|r| **r == Submitted::Accepted).count();
	// Transfers in the accepted extrinsics.
	let accepted: usize = results
		.iter()
		.zip(&transfers)
		.filter(|(result, _)| **result == Submitted::Accepted)
		.map(|(_, (_, count))| count)
		.sum();
	let first_refusal = results.iter().find_map(|r| match r {
		Submitted::Accepted => None,
		other => Some(format!("{other:?}")),
	});
	let submit_s = submitted.elapsed().as_secs_f64();
	// Until every accepted transfer is in a block, or the time is up.
	let deadline = submitted + options.duration;
	let mut included_at = Instant::now();
	while Instant::now() < deadline {
		let chain = observer.chain();
		let included: u64 =
			chain.blocks.values().filter(|b| b.seen >= submitted).map(|b| b.load).sum();
		if included as usize >= accepted {
			included_at = chain.blocks.values().map(|b| b.seen).max().unwrap_or(included_at);
			break;
		}
		tokio::time::sleep(Duration::from_millis(500)).await;
		included_at = Instant::now();
	}
	let last = observer.chain().blocks.keys().next_back().copied().unwrap_or(0);
	report::wait_finalized(&observer, last, Duration::from_secs(60)).await;
	let chain = observer.stop();
	let submission = json!({
		"transfers": options.count,
		"batch": options.batch,
		"proving_s_each": (proving_s / options.count.max(1) as f64 * 100.0).round() / 100.0,
		"extrinsics": transfers.len(),
		"accepted_by_pool": accepted_extrinsics,
		"pool_acceptance_s": (submit_s * 10.0).round() / 10.0,
		"refused": transfers.len() - accepted_extrinsics,
		"first_refusal": first_refusal,
	});
	Ok(report::summarize("private transfers", &chain, submitted, included_at, submission))
}
