//! `sable balance`, `sable notes` and `sable history`: read from the note store alone, no
//! node and no key needed.

use sable_wallet::store::WalletState;
use serde_json::json;

use super::Reply;

/// Unspent shielded value, and how far the store is synced.
pub(crate) fn balance(state: &WalletState) -> Reply {
	let json = json!({ "balance": state.balance().to_string(), "synced_to": state.synced() });
	Reply::new(json, format!("{} (synced to leaf {})", state.balance(), state.synced()))
}

/// The wallet's notes, one line each.
pub(crate) fn notes(state: &WalletState) -> Reply {
	let text = state
		.notes
		.iter()
		.map(|n| {
			format!(
				"#{} value {}{}",
				n.position,
				n.note.value,
				if n.spent { " (spent)" } else { "" }
			)
		})
		.collect::<Vec<_>>()
		.join("\n");
	Reply::new(json!({ "notes": state.notes }), text)
}

/// Notes received and spent, oldest first.
pub(crate) fn history(state: &WalletState) -> Reply {
	let text = state.history.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n");
	Reply::new(json!({ "history": state.history }), text)
}

#[cfg(test)]
mod tests {
	use super::*;
	use sable_wallet::store::{HistoryEntry, OwnedNote};
	use sable_zk_proofs::json::NoteJson;

	fn state() -> WalletState {
		let note = |position, value, spent| OwnedNote {
			position,
			note: NoteJson { value, owner: "0x".into(), rho: "0x".into(), rcm: "0x".into() },
			nullifier: "0x".into(),
			spent,
		};
		WalletState {
			version: 1,
			leaves: vec!["0x".into(); 4],
			notes: vec![note(0, 10, true), note(3, 6, false)],
			history: vec![
				HistoryEntry::Received { position: 0, value: 10 },
				HistoryEntry::Spent { position: 0, value: 10 },
				HistoryEntry::Received { position: 3, value: 6 },
			],
			..Default::default()
		}
	}

	#[test]
	fn the_store_is_shown_as_docs_wallet_md_shows_it() {
		let balance = balance(&state());
		assert_eq!(balance.text, "6 (synced to leaf 4)");
		assert_eq!(balance.json, json!({ "balance": "6", "synced_to": 4 }));
		let notes = notes(&state());
		assert_eq!(notes.text, "#0 value 10 (spent)\n#3 value 6");
		assert_eq!(notes.json["notes"][1]["position"], 3);
		let history = history(&state());
		assert_eq!(
			history.text,
			"received 10 (note #0)\nspent    10 (note #0)\nreceived 6 (note #3)"
		);
		assert_eq!(
			history.json["history"][1],
			json!({ "event": "spent", "position": 0, "value": 10 })
		);
	}
}
