//! The verifying key is pinned: any change to the circuit's layout, gates or gadgets changes
//! its digest, and this test fails until `circuit_data/transfer_vk.json` is updated in the
//! same change (and `TRANSFER_CIRCUIT_VERSION` bumped), so it shows in review.

use sable_zk_proofs::{
	circuit::K,
	keys::{TransferKeys, TRANSFER_CIRCUIT_VERSION},
};
use serde_json::Value;

/// Reads `name: N` out of the pinned key's debug form.
fn count(pinned: &str, name: &str) -> u64 {
	let start = pinned.find(&format!("{name}: ")).unwrap_or_else(|| panic!("{name} in pinned vk"));
	pinned[start + name.len() + 2..]
		.chars()
		.take_while(char::is_ascii_digit)
		.collect::<String>()
		.parse()
		.expect("a number")
}

fn hex(bytes: &[u8]) -> String {
	bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn verifying_key_matches_the_pinned_fixture() {
	let keys = TransferKeys::get();
	let pinned = format!("{:?}", keys.vk.pinned());
	let actual = serde_json::json!({
		"circuit_version": TRANSFER_CIRCUIT_VERSION,
		"k": K,
		"num_advice_columns": count(&pinned, "num_advice_columns"),
		"num_fixed_columns": count(&pinned, "num_fixed_columns"),
		"num_instance_columns": count(&pinned, "num_instance_columns"),
		"vk_digest": hex(&keys.vk_digest()),
	});
	let path = concat!(env!("CARGO_MANIFEST_DIR"), "/circuit_data/transfer_vk.json");
	if std::env::var_os("SABLE_UPDATE_PINNED_VK").is_some() {
		std::fs::write(path, serde_json::to_string_pretty(&actual).expect("json") + "\n")
			.expect("fixture written");
	}
	let expected: Value =
		serde_json::from_str(&std::fs::read_to_string(path).expect("fixture exists"))
			.expect("fixture is JSON");
	assert_eq!(
		actual, expected,
		"the transfer circuit changed: review, bump TRANSFER_CIRCUIT_VERSION, and rerun with \
		 SABLE_UPDATE_PINNED_VK=1"
	);
}

#[test]
fn keys_are_deterministic() {
	// Rebuilding from the circuit code gives the same key: nothing random enters keygen.
	assert_eq!(TransferKeys::build().vk_digest(), TransferKeys::get().vk_digest());
}
