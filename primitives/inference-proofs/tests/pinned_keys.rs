//! The three job circuits' verifying keys are pinned: any change to a circuit's layout, gates
//! or gadgets changes its digest, and this test fails until `circuit_data/<name>_vk.json` is
//! updated in the same change (and the circuit's version bumped in `JobKind::circuit`).

use halo2_proofs::plonk::Circuit;
use sable_inference_primitives::JobKind;
use sable_inference_proofs::{
	circuit::{commitment, lora, mlp},
	keys,
};
use sable_zk_primitives::Fp;
use sable_zk_proofs::keys::CircuitKeys;
use serde_json::Value;

fn hex(bytes: &[u8]) -> String {
	bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn check<C: Circuit<Fp> + Default>(name: &str, kind: JobKind, k: u32, keys: &CircuitKeys<C>) {
	let (id, version) = kind.circuit();
	let actual = serde_json::json!({
		"circuit_id": id,
		"circuit_version": version,
		"k": k,
		"vk_digest": hex(&keys.vk_digest()),
	});
	let path = format!("{}/circuit_data/{name}_vk.json", env!("CARGO_MANIFEST_DIR"));
	if std::env::var_os("SABLE_UPDATE_PINNED_VK").is_some() {
		std::fs::write(&path, serde_json::to_string_pretty(&actual).expect("json") + "\n")
			.expect("fixture written");
	}
	let expected: Value =
		serde_json::from_str(&std::fs::read_to_string(&path).expect("fixture exists"))
			.expect("fixture is JSON");
	assert_eq!(
		actual, expected,
		"the {name} circuit changed: review, bump its version, and rerun with \
		 SABLE_UPDATE_PINNED_VK=1"
	);
	assert_eq!(CircuitKeys::<C>::build_with(k).vk_digest(), keys.vk_digest(), "deterministic");
}

#[test]
fn commitment_key_is_pinned() {
	check("commitment", JobKind::Commitment, commitment::K, keys::commitment_keys());
}

#[test]
fn lora_key_is_pinned() {
	check("lora", JobKind::LoraStep, lora::K, keys::lora_keys());
}

#[test]
fn inference_key_is_pinned() {
	check("inference", JobKind::Inference, mlp::K, keys::mlp_keys());
}
