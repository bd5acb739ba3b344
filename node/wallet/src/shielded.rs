//! Shield, private send and unshield: pick notes, build the witness from the synced tree,
//! prove, submit, wait for finality and check the extrinsic's outcome in the block's events.

use std::{
	io::{IsTerminal, Write},
	path::PathBuf,
	sync::atomic::{AtomicBool, Ordering},
	time::{Duration, Instant},
};

use sable_runtime::{AccountId, RuntimeCall};
use sable_zk_primitives::{
	binding::CallKind, encoding::from_hex_array, keys::SpendingKey, payload::ShieldedProof,
};
use sable_zk_proofs::{
	encryption::Address,
	keys::TransferKeys,
	shielded::{prove_shielded, BindingContext, ShieldedRequest},
	witness::Spend,
};
use sp_core::sr25519;

use crate::{
	error::{Result, WalletError},
	extrinsic,
	node_client::NodeClient,
	store::{HistoryEntry, WalletState},
	submit::{self, Finalized},
	sync::sync,
};

/// What the user asked for.
#[derive(Clone)]
pub enum Operation {
	/// Move `amount` from the transparent account of `from` into a new note of ours.
	Shield {
		/// Pays the amount and signs (not needed to prepare without submitting).
		from: Option<sr25519::Pair>,
		/// Value.
		amount: u64,
	},
	/// Send `amount` to `to`, paying `fee` from shielded value.
	Send {
		/// Recipient address.
		to: Address,
		/// Value.
		amount: u64,
		/// Fee.
		fee: u64,
		/// Relays it (`zk.relay`), signing and paid the fee; `None`: an unsigned transfer.
		relayer: Option<sr25519::Pair>,
	},
	/// Move `amount` out of the pool to the transparent account `to`.
	Unshield {
		/// Recipient account.
		to: AccountId,
		/// Value.
		amount: u64,
		/// Fee.
		fee: u64,
		/// Relays it (`zk.relay`), signing and paid the fee; `None`: an unsigned unshield.
		relayer: Option<sr25519::Pair>,
	},
}

impl Operation {
	/// The account relaying a transfer or an unshield (docs/zk.md, "Floods").
	pub fn relayer(&self) -> Option<&sr25519::Pair> {
		match self {
			Operation::Shield { .. } => None,
			Operation::Send { relayer, .. } | Operation::Unshield { relayer, .. } => {
				relayer.as_ref()
			},
		}
	}
}

/// What a finalized operation did.
#[derive(Clone, Debug)]
pub struct Outcome {
	/// The finalized block that holds the extrinsic.
	pub block_hash: String,
	/// Its number.
	pub block_number: u64,
	/// Positions of the notes spent.
	pub spent: Vec<u64>,
	/// Time spent proving.
	pub proving: Duration,
}

/// A proven call, not yet submitted.
pub struct Prepared {
	/// The call: `zk.shield`, `zk.transfer` or `zk.unshield`.
	pub call: RuntimeCall,
	/// Its payload (also inside `call`).
	pub payload: ShieldedProof,
	/// Indices (in the store) of the notes it spends.
	selected: Vec<usize>,
	/// Time spent proving.
	pub proving: Duration,
}

/// A wallet opened for spending.
pub struct Spender<'a> {
	/// The node.
	pub node: &'a NodeClient,
	/// The wallet's spending key.
	pub sk: SpendingKey,
	/// The store.
	pub state: WalletState,
	/// Where the store lives.
	pub store_path: PathBuf,
	/// Whether to let the chain, not the wallet, refuse notes the wallet knows are spent.
	pub force: bool,
}

/// Prints progress on stderr: a ticking line on a terminal, plain lines otherwise.
fn progress<T>(what: &str, work: impl FnOnce() -> T) -> (T, Duration) {
	let started = Instant::now();
	let terminal = std::io::stderr().is_terminal();
	let done = AtomicBool::new(false);
	let result = std::thread::scope(|scope| {
		if terminal {
			scope.spawn(|| {
				let frames = ['|', '/', '-', '\\'];
				let mut i = 0;
				while !done.load(Ordering::Relaxed) {
					eprint!("\r{} {what} {:.1}s", frames[i % 4], started.elapsed().as_secs_f32());
					let _ = std::io::stderr().flush();
					i += 1;
					std::thread::sleep(Duration::from_millis(100));
				}
			});
		} else {
			eprintln!("{what}...");
		}
		let result = work();
		done.store(true, Ordering::Relaxed);
		result
	});
	if terminal {
		eprintln!("\r{what}: done in {:.1}s", started.elapsed().as_secs_f32());
	} else {
		eprintln!("{what}: done in {} ms", started.elapsed().as_millis());
	}
	(result, started.elapsed())
}

impl Spender<'_> {
	/// Picks at most two unspent notes worth at least `needed`, largest first.
	pub fn select(&self, needed: u64) -> Result<Vec<usize>> {
		let mut candidates: Vec<usize> = (0..self.state.notes.len())
			.filter(|&i| self.force || !self.state.notes[i].spent)
			.filter(|&i| self.state.notes[i].note.value > 0)
			.collect();
		candidates.sort_by_key(|&i| std::cmp::Reverse(self.state.notes[i].note.value));
		candidates.truncate(2);
		let total: u128 =
			candidates.iter().map(|&i| u128::from(self.state.notes[i].note.value)).sum();
		if total < u128::from(needed) {
			return Err(WalletError::Input(format!(
				"insufficient shielded funds: {needed} needed, the two largest unspent notes hold \
				 {total} (balance {}); shield more or wait for incoming notes",
				self.state.balance()
			)));
		}
		// One note is enough when the largest covers it.
		if u128::from(self.state.notes[candidates[0]].note.value) >= u128::from(needed) {
			candidates.truncate(1);
		}
		Ok(candidates)
	}

	fn genesis(&self) -> Result<[u8; 32]> {
		let genesis = self
			.state
			.genesis_hash
			.as_deref()
			.ok_or_else(|| WalletError::Corrupt("store never synced".into()))?;
		from_hex_array(genesis).map_err(WalletError::corrupt_hex("genesis hash"))
	}

	/// Syncs and proves `operation` without submitting it: for another client (polkadot.js,
	/// a script) to sign or submit. The store does not mark the inputs spent; the next sync
	/// does once the chain has the nullifiers.
	pub async fn prepare_only(&mut self, operation: &Operation) -> Result<Prepared> {
		sync(self.node, &mut self.state, &self.store_path, &self.sk).await?;
		self.prepare(operation)
	}

	/// Proves and submits `operation`; re-syncs and proves once more if the anchor expired.
	pub async fn run(&mut self, operation: &Operation) -> Result<Outcome> {
		sync(self.node, &mut self.state, &self.store_path, &self.sk).await?;
		match self.attempt(operation).await {
			Err(error) if error.is_expired_anchor() => {
				eprintln!("the anchor expired while proving: syncing and proving again");
				sync(self.node, &mut self.state, &self.store_path, &self.sk).await?;
				self.attempt(operation).await
			},
			other => other,
		}
	}

	fn prepare(&self, operation: &Operation) -> Result<Prepared> {
		let own = Address::from_spending_key(&self.sk);
		let mut rng = rand::rng();
		let tree = self.state.tree()?;
		let (selected, kind, value_in, value_out, fee, outputs, recipient) = match operation {
			Operation::Shield { amount, .. } => (
				vec![],
				CallKind::Shield,
				*amount,
				0,
				0,
				[(own.clone(), *amount), (own.clone(), 0)],
				None,
			),
			Operation::Send { to, amount, fee, .. } => {
				let selected = self.select(amount.saturating_add(*fee))?;
				let change = self.input_value(&selected) - amount - fee;
				(
					selected,
					CallKind::Transfer,
					0,
					0,
					*fee,
					[(to.clone(), *amount), (own.clone(), change)],
					None,
				)
			},
			Operation::Unshield { to, amount, fee, .. } => {
				let selected = self.select(amount.saturating_add(*fee))?;
				let change = self.input_value(&selected) - amount - fee;
				let recipient: [u8; 32] = *to.as_ref();
				(
					selected,
					CallKind::Unshield,
					0,
					*amount,
					*fee,
					[(own.clone(), change), (own.clone(), 0)],
					Some(recipient),
				)
			},
		};
		let mut inputs = Vec::with_capacity(2);
		for &index in &selected {
			let owned = &self.state.notes[index];
			let note = owned.note.to_note().map_err(WalletError::Corrupt)?;
			let path = tree
				.path(owned.position)
				.ok_or_else(|| WalletError::Corrupt(format!("no leaf at {}", owned.position)))?;
			inputs.push(Spend { sk: self.sk, note, path });
		}
		while inputs.len() < 2 {
			inputs.push(Spend::dummy(&mut rng));
		}
		let inputs: [Spend; 2] =
			inputs.try_into().map_err(|_| WalletError::Corrupt("inputs".into()))?;
		let request = ShieldedRequest::new(inputs, outputs, tree.root(), value_in, value_out, fee);
		let context =
			BindingContext {
				genesis_hash: self.genesis()?,
				kind,
				unshield_recipient: recipient,
				fee_payee: operation.relayer().map(|pair| sp_core::Pair::public(pair).0),
			};
		let (proven, proving) = progress("proving", || {
			prove_shielded(TransferKeys::get(), &request, &context, &mut rng)
		});
		let proven = proven.map_err(|e| WalletError::Input(format!("cannot prove: {e}")))?;

		let payload = proven.payload;
		let boxed = Box::new(payload.clone());
		let call = match operation {
			Operation::Shield { .. } => pallet_zk::Call::shield { payload: boxed },
			Operation::Send { relayer: Some(_), .. } => pallet_zk::Call::relay {
				action: Box::new(pallet_zk::ShieldedAction::Transfer(payload.clone())),
			},
			Operation::Unshield { to, relayer: Some(_), .. } => pallet_zk::Call::relay {
				action: Box::new(pallet_zk::ShieldedAction::Unshield {
					payload: payload.clone(),
					recipient: to.clone(),
				}),
			},
			Operation::Send { .. } => pallet_zk::Call::transfer { payload: boxed },
			Operation::Unshield { to, .. } => {
				pallet_zk::Call::unshield { payload: boxed, recipient: to.clone() }
			},
		};
		let call = RuntimeCall::Zk(call);
		Ok(Prepared { call, payload, selected, proving })
	}

	async fn attempt(&mut self, operation: &Operation) -> Result<Outcome> {
		let Prepared { call, selected, proving, .. } = self.prepare(operation)?;
		let extrinsic = match operation {
			Operation::Shield { from: Some(from), .. } => {
				submit::sign(self.node, call, from).await?
			},
			Operation::Shield { from: None, .. } => {
				return Err(WalletError::Input("a shield is signed and paid: give --from".into()))
			},
			Operation::Send { relayer: Some(relayer), .. } |
			Operation::Unshield { relayer: Some(relayer), .. } => {
				submit::sign(self.node, call, relayer).await?
			},
			Operation::Send { .. } | Operation::Unshield { .. } => extrinsic::bare(call),
		};
		let Finalized { block_hash, block_number, .. } =
			submit::submit(self.node, &extrinsic).await?;

		let mut spent = Vec::new();
		for &index in &selected {
			let note = &mut self.state.notes[index];
			if !note.spent {
				note.spent = true;
				self.state
					.history
					.push(HistoryEntry::Spent { position: note.position, value: note.note.value });
			}
			spent.push(note.position);
		}
		self.state.save(&self.store_path)?;
		// Pick up the new notes (change, or the shielded note).
		sync(self.node, &mut self.state, &self.store_path, &self.sk).await?;
		Ok(Outcome { block_hash, block_number, spent, proving })
	}

	fn input_value(&self, selected: &[usize]) -> u64 {
		selected.iter().map(|&i| self.state.notes[i].note.value).sum()
	}
}
