//! Signed balance transfers from many pre-funded accounts: each account `//Load//i` sends
//! to the next, nonces in order, submitted as fast as the pool takes them for a fixed time.

use std::{
	sync::{
		atomic::{AtomicU64, AtomicUsize, Ordering},
		Arc,
	},
	time::{Duration, Instant},
};

use sable_runtime::{AccountId, Balance, Runtime, RuntimeCall, UNITS};
use sable_wallet::extrinsic::{self, ChainContext};
use serde_json::{json, Value};
use sp_core::{sr25519, Pair};

use crate::{
	observer::{self, Observer},
	report,
	rpc::{Rpc, Submitted},
};

/// What each load account is given.
const FUNDING: Balance = 100 * UNITS;
/// What each transfer moves.
const AMOUNT: Balance = UNITS / 1_000;
/// Accounts funded by one `utility.batch_all`.
const FUND_BATCH: usize = 200;

/// Options of a run.
pub struct Options {
	/// Node WebSocket URL.
	pub url: String,
	/// Number of sending accounts.
	pub accounts: usize,
	/// How long to submit.
	pub duration: Duration,
	/// Transactions signed in advance per second of `duration`: more than the chain can take.
	pub presign_rate: usize,
	/// Concurrent submissions.
	pub in_flight: usize,
	/// Transfers offered per second (0: as fast as the pool takes them).
	pub rate: u32,
}

fn transfer(to: &AccountId, value: Balance) -> RuntimeCall {
	RuntimeCall::Balances(pallet_balances::Call::transfer_keep_alive {
		dest: to.clone().into(),
		value,
	})
}

async fn free_balance(rpc: &Rpc, account: &AccountId) -> Result<Balance, String> {
	let key = frame_system::Account::<Runtime>::hashed_key_for(account);
	let info: Option<frame_system::AccountInfo<u32, pallet_balances::AccountData<Balance>>> =
		rpc.storage(&key, None).await?;
	Ok(info.map(|i| i.data.free).unwrap_or(0))
}

/// Gives every account without funds `FUNDING` from //Alice, and waits until they have it.
async fn fund(rpc: &Rpc, context: &ChainContext, accounts: &[AccountId]) -> Result<(), String> {
	let Some(last) = accounts.last() else { return Ok(()) };
	if free_balance(rpc, last).await? >= FUNDING / 2 {
		eprintln!("transfers: the {} load accounts are already funded", accounts.len());
		return Ok(());
	}
	let alice = sr25519::Pair::from_string("//Alice", None).map_err(|e| format!("{e:?}"))?;
	let alice_account = AccountId::from(alice.public());
	let mut nonce = rpc.next_index(&alice_account.to_string()).await?;
	for chunk in accounts.chunks(FUND_BATCH) {
		let calls = chunk.iter().map(|to| transfer(to, FUNDING)).collect();
		let batch = RuntimeCall::Utility(pallet_utility::Call::batch_all { calls });
		let xt = extrinsic::signed(context, batch, &alice, nonce);
		match rpc.submit(&extrinsic::to_hex(&xt)).await {
			Submitted::Accepted => nonce += 1,
			other => return Err(format!("funding batch refused: {other:?}")),
		}
	}
	eprintln!("transfers: funding {} accounts from //Alice...", accounts.len());
	let deadline = Instant::now() + Duration::from_secs(120);
	while free_balance(rpc, last).await? < FUNDING / 2 {
		if Instant::now() > deadline {
			return Err("the load accounts were not funded within 120 s".into());
		}
		tokio::time::sleep(Duration::from_secs(1)).await;
	}
	Ok(())
}

/// Signs `per_account` transfers for each account, ordered round by round (every account's
/// nonce n before any account's nonce n + 1), as hex.
fn presign(
	context: &ChainContext,
	pairs: &[sr25519::Pair],
	accounts: &[AccountId],
	first_nonces: &[u32],
	per_account: usize,
) -> Vec<String> {
	let mut signed = Vec::with_capacity(per_account * pairs.len());
	for round in 0..per_account {
		for (i, pair) in pairs.iter().enumerate() {
			let to = &accounts[(i + 1) % accounts.len()];
			let nonce = first_nonces[i] + round as u32;
			let xt = extrinsic::signed(context, transfer(to, AMOUNT), pair, nonce);
			signed.push(extrinsic::to_hex(&xt));
		}
	}
	signed
}

/// Runs the load and returns its summary.
pub async fn run(options: Options, context: ChainContext) -> Result<Value, String> {
	let rpc = Arc::new(Rpc::connect(&options.url, options.in_flight).await?);
	let pairs: Vec<sr25519::Pair> = (0..options.accounts)
		.map(|i| sr25519::Pair::from_string(&format!("//Load//{i}"), None))
		.collect::<Result<_, _>>()
		.map_err(|e| format!("{e:?}"))?;
	let accounts: Vec<AccountId> = pairs.iter().map(|p| AccountId::from(p.public())).collect();
	fund(&rpc, &context, &accounts).await?;
	let mut first_nonces = Vec::with_capacity(accounts.len());
	for account in &accounts {
		first_nonces.push(rpc.next_index(&account.to_string()).await?);
	}

	let total = options.presign_rate * options.duration.as_secs() as usize;
	let per_account = total.div_ceil(options.accounts.max(1));
	let signing = Instant::now();
	let signed = Arc::new(presign(&context, &pairs, &accounts, &first_nonces, per_account));
	eprintln!(
		"transfers: signed {} transfers from {} accounts in {:.1} s",
		signed.len(),
		accounts.len(),
		signing.elapsed().as_secs_f64()
	);

	let observer = Observer::start(&options.url, observer::balance_transfers).await?;
	tokio::time::sleep(Duration::from_secs(1)).await;
	let started = Instant::now();
	let end = started + options.duration;
	let next = Arc::new(AtomicUsize::new(0));
	let (accepted, refused, pool_full) =
		(Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
	let mut workers = Vec::new();
	let rate = options.rate;
	for _ in 0..options.in_flight {
		let (rpc, signed, next) = (rpc.clone(), signed.clone(), next.clone());
		let (accepted, refused, pool_full) = (accepted.clone(), refused.clone(), pool_full.clone());
		workers.push(tokio::spawn(async move {
			let mut first_refusal = None;
			loop {
				let index = next.fetch_add(1, Ordering::Relaxed);
				let Some(hex) = signed.get(index) else { break };
				if rate > 0 {
					// Transfer `index` is offered at `index / rate` seconds into the run.
					let due = started + Duration::from_secs_f64(index as f64 / f64::from(rate));
					tokio::time::sleep_until(due.into()).await;
				}
				// A transaction the pool has no room for is retried: the account's later
				// nonces depend on it.
				loop {
					if Instant::now() >= end {
						return first_refusal;
					}
					match rpc.submit(hex).await {
						Submitted::Accepted => {
							accepted.fetch_add(1, Ordering::Relaxed);
							break;
						},
						Submitted::PoolFull => {
							pool_full.fetch_add(1, Ordering::Relaxed);
							tokio::time::sleep(Duration::from_millis(250)).await;
						},
						Submitted::Refused(message) => {
							refused.fetch_add(1, Ordering::Relaxed);
							first_refusal.get_or_insert(message);
							break;
						},
					}
				}
			}
			first_refusal
		}));
	}
	let mut first_refusal = None;
	for worker in workers {
		if let Ok(Some(message)) = worker.await {
			first_refusal.get_or_insert(message);
		}
	}
	let stopped = Instant::now();
	let accepted = accepted.load(Ordering::Relaxed);
	if accepted as usize >= signed.len() {
		eprintln!("transfers: all {accepted} signed transfers went out before the time was up");
	}
	// Let the blocks of the window be finalized.
	let last = observer.chain().blocks.keys().next_back().copied().unwrap_or(0);
	report::wait_finalized(&observer, last, Duration::from_secs(60)).await;
	let chain = observer.stop();
	let submission = json!({
		"accounts": options.accounts,
		"offered_per_s": options.rate,
		"duration_s": options.duration.as_secs(),
		"accepted_by_pool": accepted,
		"accepted_per_s": (accepted as f64 / stopped.duration_since(started).as_secs_f64()).round(),
		"pool_full_retries": pool_full.load(Ordering::Relaxed),
		"refused": refused.load(Ordering::Relaxed),
		"first_refusal": first_refusal,
	});
	Ok(report::summarize("balance transfers", &chain, started, stopped, submission))
}
