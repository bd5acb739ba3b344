//! Syncing: fetch leaves from the last synced one, trial-decrypt each ciphertext with the
//! viewing key, keep the notes that open, then refresh spent status. The store is saved
//! after every page.

use std::path::Path;

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

/// Appends a page of leaves (which must start at the next position) and keeps the notes
/// `sk` can open. Returns the positions of the notes found.
pub fn ingest(state: &mut WalletState, sk: &SpendingKey, page: &[LeafJson]) -> Result<Vec<u64>> {
	let ivk = IncomingViewingKey::from_spending_key(sk);
	let nk = sk.nullifier_key();
	let mut found = Vec::new();
	for leaf in page {
		if leaf.index != state.synced() {
			return Err(WalletError::Rpc(format!(
				"leaf {} arrived where leaf {} was expected",
				leaf.index,
				state.synced()
			)));
		}
		if let Some((note, _memo)) = ivk.decrypt(sk.owner(), &leaf.ciphertext) {
			// A ciphertext can claim any note: keep it only if it is the committed one. Zero-value
			// notes (padding outputs) are worth nothing and are not kept.
			if note.commitment().0 == leaf.commitment.0 && note.value > 0 {
				state.notes.push(OwnedNote {
					position: leaf.index,
					note: NoteJson::from_note(&note),
					nullifier: to_hex(&note.nullifier(&nk).0),
					spent: false,
				});
				state
					.history
					.push(HistoryEntry::Received { position: leaf.index, value: note.value });
				found.push(leaf.index);
			}
		}
		state.leaves.push(to_hex(leaf.commitment.as_bytes()));
	}
	Ok(found)
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
	let mut report = SyncReport::default();
	loop {
		let page = node.leaves(state.synced(), page_size.max(1)).await?;
		report.leaves += page.leaves.len() as u64;
		report.received.extend(ingest(state, sk, &page.leaves)?);
		state.save(path)?;
		if page.next.is_none() || page.leaves.is_empty() {
			break;
		}
	}
	let WalletState { notes, history, .. } = &mut *state;
	for note in notes.iter_mut().filter(|note| !note.spent) {
		let nullifier =
			from_hex_array(&note.nullifier).map_err(WalletError::corrupt_hex("nullifier"))?;
		if node.is_spent(nullifier).await? {
			note.spent = true;
			history.push(HistoryEntry::Spent { position: note.position, value: note.note.value });
			report.spent.push(note.position);
		}
	}
	state.save(path)?;
	// The rebuilt tree must be the chain's (when no leaf arrived in between).
	let chain = node.tree_state().await?;
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

	fn leaf(index: u64, note: &Note, to: &Address) -> LeafJson {
		let ciphertext = to.encrypt(note, &[0; MEMO_LEN], &mut rand::rng());
		LeafJson { index, commitment: H256(note.commitment().0), ciphertext: Bytes(ciphertext) }
	}

	#[test]
	fn ingest_keeps_own_notes_only_and_resumes_without_loss_or_duplicates() {
		let alice = SpendingKey::from_field(Fp::from(1));
		let bob = SpendingKey::from_field(Fp::from(2));
		let (to_alice, to_bob) =
			(Address::from_spending_key(&alice), Address::from_spending_key(&bob));
		let note = |value, owner: &SpendingKey, seed| Note {
			value,
			owner: owner.owner(),
			rho: Rho(Fp::from(seed)),
			rcm: Fp::from(seed + 100),
		};
		let leaves = vec![
			leaf(0, &note(5, &alice, 1), &to_alice),
			leaf(1, &note(7, &bob, 2), &to_bob),
			leaf(2, &note(9, &alice, 3), &to_alice),
		];
		let mut state = WalletState::default();
		assert_eq!(ingest(&mut state, &alice, &leaves[..2]).expect("page 1"), vec![0]);
		// Saved after page 1, the process dies; a new run loads and resumes from leaf 2.
		let dir = tempfile::tempdir().expect("dir");
		let path = dir.path().join("wallet.json");
		state.save(&path).expect("save");
		let mut resumed = WalletState::load(&path).expect("load");
		assert_eq!(resumed.synced(), 2);
		// The node serving an already-seen leaf again is refused, not counted twice.
		assert!(ingest(&mut resumed, &alice, &leaves[1..2]).is_err());
		assert_eq!(ingest(&mut resumed, &alice, &leaves[2..]).expect("page 2"), vec![2]);
		assert_eq!(resumed.notes.iter().map(|n| n.position).collect::<Vec<_>>(), vec![0, 2]);
		assert_eq!(resumed.balance(), 14);
		// Bob sees only his note.
		let mut bobs = WalletState::default();
		assert_eq!(ingest(&mut bobs, &bob, &leaves).expect("all"), vec![1]);
		assert_eq!(bobs.balance(), 7);
		// A ciphertext that opens to a note other than the committed one is not kept.
		let mut forged = leaf(0, &note(1_000, &alice, 4), &to_alice);
		forged.commitment = H256(note(1, &alice, 5).commitment().0);
		let mut state = WalletState::default();
		assert_eq!(ingest(&mut state, &alice, &[forged]).expect("ingest"), Vec::<u64>::new());
		// Witnesses come from the rebuilt tree.
		let path = resumed.path(2).expect("path");
		assert_eq!(
			path.root(note(9, &alice, 3).commitment_field()),
			resumed.tree().expect("tree").root()
		);
	}
}
