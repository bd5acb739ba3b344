//! Every job circuit version is what the registry says: its keys match the pinned digest,
//! its instance column has the registered length and its proofs the registered exact length.
//! `cargo test --release -p sable-inference-proofs --test registry -- --ignored --nocapture`
//! prints, for a changed circuit, the smallest k each version fits in and its entry's values.

use halo2_proofs::{
	dev::CircuitCost,
	plonk::{keygen_vk, Circuit},
	poly::commitment::Params,
};
use pasta_curves::vesta;
use rand::{rngs::StdRng, SeedableRng};
use sable_circuits::CircuitSpec;
use sable_inference_proofs::{
	circuit::{
		adapted::{self, AdaptedCircuit},
		inference::{InferenceCircuit, InferenceVersion, V2, V3, V4},
	},
	job::{self, JobWitness},
	samples,
};
use sable_zk_primitives::{encoding::to_hex, Fp};
use sable_zk_proofs::{keys::CircuitKeys, proof::prove_instance};

#[test]
fn every_job_version_matches_its_registry_entry() {
	let mut rng = StdRng::seed_from_u64(3);
	for spec in job::circuits() {
		assert_eq!(sable_circuits::lookup(spec.id), Some(&spec), "{} is registered", spec.name);
		let witness = samples::of_circuit(spec.id, 1).expect("a sample");
		assert_eq!(witness.circuit(), Some(spec));
		let result = witness.prove(1, [3; 32], &mut rng).expect("proves");
		assert_eq!(result.circuit, spec);
		assert_eq!(result.statement.instance_len(), spec.public_inputs as usize, "{}", spec.name);
		assert_eq!(result.proof.len(), spec.proof_len as usize, "{}", spec.name);
		let keys = sable_inference_proofs::keys::verifier_keys(spec.id).expect("keys");
		assert_eq!(sable_zk_proofs::keys::vk_digest(keys.vk), spec.vk_digest, "{}", spec.name);
	}
}

fn fits<C: Circuit<Fp> + Default>(k: u32) -> bool {
	keygen_vk(&Params::<vesta::Affine>::new(k), &C::default()).is_ok()
}

/// Prints the entry of `base` (its name and id) for circuit `C` proving `witness`.
fn entry<C: Circuit<Fp> + Default + std::fmt::Debug>(
	base: CircuitSpec,
	circuit: C,
	witness: JobWitness,
) {
	let k = (8..=16).find(|&k| fits::<C>(k)).expect("fits in 2^16 rows");
	let spec = CircuitSpec { k, ..base };
	let keys = CircuitKeys::<C>::build(spec);
	let statement = witness.statement(1, [3; 32]);
	let instance = statement.to_instance().expect("canonical");
	let proof =
		prove_instance(&keys, &circuit, &instance, &mut StdRng::seed_from_u64(1)).expect("proves");
	let cost = format!("{:?}", CircuitCost::<vesta::Point, C>::measure(k, &C::default()));
	let rows = cost.split("max_rows: ").nth(1).and_then(|r| r.split(',').next()).unwrap_or("?");
	println!(
		"{}: k {k} ({rows} rows used), public_inputs {}, proof_len {}, vk_digest {}",
		spec.name,
		instance.len(),
		proof.len(),
		to_hex(&keys.vk_digest()).trim_start_matches("0x"),
	);
}

fn inference<V: InferenceVersion + std::fmt::Debug>() {
	let witness = samples::inference(V::SHAPE, 1);
	let JobWitness::Inference(w) = &witness else { unreachable!("an inference sample") };
	entry(V::SPEC, InferenceCircuit::<V>::new(w.clone()), witness.clone());
}

#[test]
#[ignore = "prints registry entries for a changed circuit"]
fn print_registry_entries() {
	inference::<V2>();
	inference::<V3>();
	inference::<V4>();
	let witness = samples::adapted(1);
	let JobWitness::Adapted(w) = &witness else { unreachable!("an adapted sample") };
	entry(adapted::SPEC, AdaptedCircuit { witness: Some(w.clone()) }, witness.clone());
}
