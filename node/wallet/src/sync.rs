//! Syncing from the last finalized block: fetch the leaves from the last synced one,
//! trial-decrypt each ciphertext with the viewing key and keep the notes that open, and mark
//! spent the notes whose nullifier a later leaf reveals. The node is asked for every leaf
//! from a position, never about a note or a nullifier of the wallet (docs/zk.md, "Wallet
//! sync"). The store is saved after every page.

use std::{collections::HashMap, path::Path};

use pallet_zk_rpc::LeafJson;
use sable_zk_primitives::{
	encoding::{fp_to_bytes, from_hex_array, to_hex},
	keys::SpendingKey,
};
use sable_zk_proofs::{encryption::IncomingViewingKey, json::NoteJson};

use crate::{
	error::{Result, WalletError},
	node_client::NodeClient,
	store::{HistoryEntry, OwnedNote, WalletState},
};

/// Leaves per `zk_leaves` request.
pub const PAGE: u32 = 256;

/// What a sync did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SyncReport {
	/// Leaves fetched.
	pub leaves: u64,
	/// Notes found.
	pub received: Vec<u64>,
	/// Notes newly seen spent.
	pub spent: Vec<u64>,
}

impl SyncReport {
	/// Adds what one more page did.
	fn extend(&mut self, page: SyncReport) {
		self.leaves += page.leaves;
		self.received.extend(page.received);
		self.spent.extend(page.spent);
	}
}

/// The wallet's unspent notes by nullifier, to their index in `state.notes`.
fn unspent_by_nullifier(state: &WalletState) -> Result<HashMap<[u8; 32], usize>> {
	state
		.notes
		.iter()
		.enumerate()
		.filter(|(_, note)| !note.spent)
		.map(|(index, note)| {
			let nullifier =
				from_hex_array(&note.nullifier).map_err(WalletError::corrupt_hex("nullifier"))?;
			Ok((nullifier, index))
		})
		.collect()
}

/// Appends a page of leaves (which must start at the next position), keeps the notes `sk`
/// can open and marks spent the notes whose nullifier a leaf of the page reveals. Returns
/// what the page did. A page that does not start at the next position changes nothing.
pub fn ingest(state: &mut WalletState, sk: &SpendingKey, page: &[LeafJson]) -> Result<SyncReport> {
	for (offset, leaf) in page.iter().enumerate() {
		let expected = state.synced() + offset as u64;
		if leaf.index != expected {
			return Err(WalletError::Rpc(format!(
				"leaf {} arrived where leaf {expected} was expected",
				leaf.index
			)));
		}
	}
	let ivk = IncomingViewingKey::from_spending_key(sk);
	let nk = sk.nullifier_key();
	let mut unspent = unspent_by_nullifier(state)?;
	let mut report = SyncReport::default();
	for leaf in page {
		// The action that appended this leaf spent a note that was already in the tree under
		// its anchor: one at a lower position, so one this loop has already seen.
		if let Some(index) = unspent.remove(&leaf.nullifier.0) {
			let note = &mut state.notes[index];
			note.spent = true;
			state
				.history
				.push(HistoryEntry::Spent { position: note.position, value: note.note.value });
			report.spent.push(note.position);
		}
		if let Some((note, _memo)) = ivk.decrypt(sk.owner(), &leaf.ciphertext) {
			// A ciphertext can claim any note: keep it only if it is the committed one. Zero-value
			// notes (padding outputs) are worth nothing and are not kept.
			if note.commitment().0 == leaf.commitment.0 && note.value > 0 {
				let nullifier = note.nullifier(&nk).0;
				unspent.insert(nullifier, state.notes.len());
				state.notes.push(OwnedNote {
					position: leaf.index,
					note: NoteJson::from_note(&note),
					nullifier: to_hex(&nullifier),
					spent: false,
				});
				state
					.history
					.push(HistoryEntry::Received { position: leaf.index, value: note.value });
				report.received.push(leaf.index);
			}
		}
		state.leaves.push(to_hex(leaf.commitment.as_bytes()));
		report.leaves += 1;
	}
	Ok(report)
}

/// Syncs `state` (saved at `path` after each page) from `node`.
pub async fn sync(
	node: &NodeClient,
	state: &mut WalletState,
	path: &Path,
	sk: &SpendingKey,
) -> Result<SyncReport> {
	sync_pages(node, state, path, sk, PAGE).await
}

/// [`sync`] with `page_size` leaves per request.
///
/// Every query of one sync reads the state of the finalized block the sync started at: a
/// reorganisation cannot take back a leaf the store holds, and the tree's root, which the
/// next proof uses as its anchor, is a finalized root.
pub async fn sync_pages(
	node: &NodeClient,
	state: &mut WalletState,
	path: &Path,
	sk: &SpendingKey,
	page_size: u32,
) -> Result<SyncReport> {
	let genesis = to_hex(node.genesis_hash().await?.as_bytes());
	match &state.genesis_hash {
		Some(store) if *store != genesis => {
			return Err(WalletError::WrongChain { store: store.clone(), node: genesis })
		},
		Some(_) => {},
		None => state.genesis_hash = Some(genesis),
	}
	let at = Some(node.finalized_head().await?);
	let mut report = SyncReport::default();
	loop {
		let page = node.leaves(state.synced(), page_size.max(1), at).await?;
		report.extend(ingest(state, sk, &page.leaves)?);
		state.save(path)?;
		if page.next.is_none() || page.leaves.is_empty() {
			break;
		}
	}
	// The rebuilt tree must be the chain's at the same block. A store ahead of it (synced
	// from a node further along) is checked by a later sync that ends level with the chain.
	let chain = node.tree_state(at).await?;
	if chain.leaf_count == state.synced() && chain.root.0 != fp_to_bytes(&state.tree()?.root()) {
		return Err(WalletError::Corrupt(format!(
			"the rebuilt note tree's root differs from the chain's ({}); delete the store and sync again",
			to_hex(chain.root.as_bytes())
		)));
	}
	Ok(report)
}

#[cfg(test)]
mod tests {
	use super::*;
	use sable_zk_primitives::{
		note::{Note, Rho},
		Fp,
	};
	use sable_zk_proofs::encryption::{Address, MEMO_LEN};
	use sp_core::{Bytes, H256};

	/// Leaf `index` holding `note` encrypted to `to`, appended by an action that revealed
	/// `nullifier` in the same slot.
	fn leaf(index: u64, note: &Note, to: &Address, nullifier: [u8; 32]) -> LeafJson {
		let ciphertext = to.encrypt(note, &[0; MEMO_LEN], &mut rand::rng());
		LeafJson {
			index,
			commitment: H256(note.commitment().0),
			ciphertext: Bytes(ciphertext),
			nullifier: H256(nullifier),
		}
	}

	fn note(value: u64, owner: &SpendingKey, seed: u64) -> Note {
		Note { value, owner: owner.owner(), rho: Rho(Fp::from(seed)), rcm: Fp::from(seed + 100) }
	}

	/// A nullifier no note of these tests has.
	const FOREIGN: [u8; 32] = [0xee; 32];

	#[test]
	fn ingest_keeps_own_notes_only_and_resumes_without_loss_or_duplicates() {
		let alice = SpendingKey::from_field(Fp::from(1));
		let bob = SpendingKey::from_field(Fp::from(2));
		let (to_alice, to_bob) =
			(Address::from_spending_key(&alice), Address::from_spending_key(&bob));
		let leaves = vec![
			leaf(0, &note(5, &alice, 1), &to_alice, FOREIGN),
			leaf(1, &note(7, &bob, 2), &to_bob, FOREIGN),
			leaf(2, &note(9, &alice, 3), &to_alice, FOREIGN),
		];
		let mut state = WalletState::default();
		assert_eq!(ingest(&mut state, &alice, &leaves[..2]).expect("page 1").received, vec![0]);
		// Saved after page 1, the process dies; a new run loads and resumes from leaf 2.
		let dir = tempfile::tempdir().expect("dir");
		let path = dir.path().join("wallet.json");
		state.save(&path).expect("save");
		let mut resumed = WalletState::load(&path).expect("load");
		assert_eq!(resumed.synced(), 2);
		// The node serving an already-seen leaf again is refused, not counted twice.
		assert!(ingest(&mut resumed, &alice, &leaves[1..2]).is_err());
		assert_eq!(resumed.synced(), 2, "a refused page changes nothing");
		assert_eq!(ingest(&mut resumed, &alice, &leaves[2..]).expect("page 2").received, vec![2]);
		assert_eq!(resumed.notes.iter().map(|n| n.position).collect::<Vec<_>>(), vec![0, 2]);
		assert_eq!(resumed.balance(), 14);
		// Bob sees only his note.
		let mut bobs = WalletState::default();
		assert_eq!(ingest(&mut bobs, &bob, &leaves).expect("all").received, vec![1]);
		assert_eq!(bobs.balance(), 7);
		// A ciphertext that opens to a note other than the committed one is not kept.
		let mut forged = leaf(0, &note(1_000, &alice, 4), &to_alice, FOREIGN);
		forged.commitment = H256(note(1, &alice, 5).commitment().0);
		let mut state = WalletState::default();
		assert_eq!(
			ingest(&mut state, &alice, &[forged]).expect("ingest").received,
			Vec::<u64>::new()
		);
		// Witnesses come from the rebuilt tree.
		let path = resumed.path(2).expect("path");
		assert_eq!(
			path.root(note(9, &alice, 3).commitment_field()),
			resumed.tree().expect("tree").root()
		);
	}

	#[test]
	fn a_note_is_spent_exactly_when_a_later_leaf_reveals_its_nullifier() {
		let alice = SpendingKey::from_field(Fp::from(1));
		let bob = SpendingKey::from_field(Fp::from(2));
		let (to_alice, to_bob) =
			(Address::from_spending_key(&alice), Address::from_spending_key(&bob));
		let (a, b, c, d, e) = (
			note(5, &alice, 1),
			note(7, &bob, 2),
			note(9, &alice, 3),
			note(3, &bob, 4),
			note(11, &alice, 5),
		);
		let spends = |note: &Note, owner: &SpendingKey| note.nullifier(&owner.nullifier_key()).0;
		// Page 1: leaves 0-1. Page 2: leaves 2-5, spending a (page 1), b (Bob's) and c (page
		// 2). Page 3, after a restart: leaf 6, spending e (page 2).
		let leaves = vec![
			leaf(0, &a, &to_alice, FOREIGN),
			// a's note under Bob's nullifier key: not a's nullifier.
			leaf(1, &b, &to_bob, spends(&a, &bob)),
			leaf(2, &c, &to_alice, spends(&a, &alice)),
			leaf(3, &d, &to_bob, spends(&b, &bob)),
			leaf(4, &note(0, &alice, 6), &to_alice, spends(&c, &alice)),
			leaf(5, &e, &to_alice, FOREIGN),
			leaf(6, &note(0, &bob, 7), &to_bob, spends(&e, &alice)),
		];
		let spent = |state: &WalletState| {
			state.notes.iter().filter(|n| n.spent).map(|n| n.position).collect::<Vec<_>>()
		};

		let mut state = WalletState::default();
		let page = ingest(&mut state, &alice, &leaves[..2]).expect("page 1");
		assert_eq!((page.received, page.spent), (vec![0], vec![]), "foreign nullifiers");
		assert_eq!(spent(&state), Vec::<u64>::new());

		// c is received and spent in the same page, a in the page after its own.
		let page = ingest(&mut state, &alice, &leaves[2..6]).expect("page 2");
		assert_eq!((page.received, page.spent), (vec![2, 5], vec![0, 2]));
		assert_eq!(spent(&state), vec![0, 2]);
		assert_eq!(state.balance(), 11, "e is unspent");
		assert_eq!(
			state.history,
			vec![
				HistoryEntry::Received { position: 0, value: 5 },
				HistoryEntry::Spent { position: 0, value: 5 },
				HistoryEntry::Received { position: 2, value: 9 },
				HistoryEntry::Spent { position: 2, value: 9 },
				HistoryEntry::Received { position: 5, value: 11 },
			]
		);

		// Saved, loaded by a new run: e's spend on the next page is found from the store.
		let dir = tempfile::tempdir().expect("dir");
		let path = dir.path().join("wallet.json");
		state.save(&path).expect("save");
		let mut resumed = WalletState::load(&path).expect("load");
		let page = ingest(&mut resumed, &alice, &leaves[6..]).expect("page 3");
		assert_eq!((page.received, page.spent), (vec![], vec![5]));
		assert_eq!(spent(&resumed), vec![0, 2, 5]);
		assert_eq!(resumed.balance(), 0);
		assert_eq!(resumed.history.len(), 6, "each note spent once");

		// The same leaves in one page, and one leaf a page: the same store.
		for page_size in [leaves.len(), 1] {
			let mut state = WalletState::default();
			for page in leaves.chunks(page_size) {
				ingest(&mut state, &alice, page).expect("page");
			}
			assert_eq!(spent(&state), vec![0, 2, 5], "pages of {page_size}");
			assert_eq!(state.history, resumed.history, "pages of {page_size}");
		}

		// Bob: his note b spent by leaf 3, d kept; Alice's nullifiers mark nothing of his.
		let mut bobs = WalletState::default();
		let page = ingest(&mut bobs, &bob, &leaves).expect("all");
		assert_eq!((page.received, page.spent), (vec![1, 3], vec![1]));
		assert_eq!(bobs.balance(), 3);
	}
}
