//! Two versions of one circuit side by side (`docs/zk.md`, "Adding a circuit version"): a
//! verifier that holds both keeps accepting version 1 proofs after version 2 is added, a
//! verifier set to version 2 refuses a version 1 proof before any verification work, and a
//! key is only accepted when it matches its pinned digest.
//!
//! The circuit is a toy: version 1 proves knowledge of `a` with `a^2 = x`, version 2 of `a`
//! with `a^3 = x` (one more advice column, so its proofs are longer).

use ff::Field;
use halo2_proofs::{
	circuit::{Layouter, SimpleFloorPlanner, Value},
	plonk::{Advice, Circuit, Column, ConstraintSystem, Error, Instance, Selector},
	poly::Rotation,
};
use rand::{rngs::StdRng, SeedableRng};
use sable_circuits::{CircuitId, CircuitSpec};
use sable_zk_primitives::Fp;
use sable_zk_proofs::{
	keys::{vk_digest, CircuitKeys},
	proof::{prove_instance, verify_instance, VerifyError},
};

/// `a^POWER = x`, with `x` the one public input.
#[derive(Clone, Default)]
struct Power<const POWER: usize> {
	a: Value<Fp>,
}

#[derive(Clone)]
struct PowerConfig {
	powers: Vec<Column<Advice>>,
	instance: Column<Instance>,
	selector: Selector,
}

impl<const POWER: usize> Circuit<Fp> for Power<POWER> {
	type Config = PowerConfig;
	type FloorPlanner = SimpleFloorPlanner;

	fn without_witnesses(&self) -> Self {
		Self::default()
	}

	fn configure(meta: &mut ConstraintSystem<Fp>) -> PowerConfig {
		// Column i holds a^(i+1); each gate multiplies by `a` once more.
		let powers: Vec<Column<Advice>> = (0..POWER).map(|_| meta.advice_column()).collect();
		let instance = meta.instance_column();
		meta.enable_equality(powers[POWER - 1]);
		meta.enable_equality(instance);
		let selector = meta.selector();
		meta.create_gate("a^(i+1) = a^i * a", |meta| {
			let s = meta.query_selector(selector);
			let a = meta.query_advice(powers[0], Rotation::cur());
			(1..POWER)
				.map(|i| {
					let previous = meta.query_advice(powers[i - 1], Rotation::cur());
					let next = meta.query_advice(powers[i], Rotation::cur());
					s.clone() * (next - previous * a.clone())
				})
				.collect::<Vec<_>>()
		});
		PowerConfig { powers, instance, selector }
	}

	fn synthesize(
		&self,
		config: PowerConfig,
		mut layouter: impl Layouter<Fp>,
	) -> Result<(), Error> {
		let last = layouter.assign_region(
			|| "powers",
			|mut region| {
				config.selector.enable(&mut region, 0)?;
				let mut power = self.a;
				let mut cell = region.assign_advice(|| "a", config.powers[0], 0, || power)?;
				for column in &config.powers[1..] {
					power = power * self.a;
					cell = region.assign_advice(|| "power", *column, 0, || power)?;
				}
				Ok(cell)
			},
		)?;
		layouter.constrain_instance(last.cell(), config.instance, 0)
	}
}

/// A test circuit version's registry entry; its pinned digest is the key's own unless
/// `pinned` says otherwise.
fn spec(version: u16, proof_len: u32, pinned: [u8; 32]) -> CircuitSpec {
	CircuitSpec {
		id: CircuitId::new(0x7e57, version),
		name: if version == 1 { "test_power_v1" } else { "test_power_v2" },
		k: 4,
		public_inputs: 1,
		proof_len,
		vk_digest: pinned,
	}
}

/// Keys of `Power<POWER>` as version `version`, pinned to their own digest and proof length.
fn keys<const POWER: usize>(version: u16) -> CircuitKeys<Power<POWER>> {
	let unpinned = CircuitKeys::<Power<POWER>>::build(spec(version, 0, [0; 32]));
	let digest = vk_digest(&unpinned.vk);
	let mut rng = StdRng::seed_from_u64(1);
	let probe =
		prove_instance(&unpinned, &Power { a: Value::known(Fp::ONE) }, &[Fp::ONE], &mut rng)
			.expect("proves");
	CircuitKeys::build(spec(version, probe.len() as u32, digest))
}

#[test]
fn a_version_1_proof_keeps_verifying_beside_version_2_and_is_refused_by_it() {
	let mut rng = StdRng::seed_from_u64(7);
	let a = Fp::from(5);
	let v1 = keys::<2>(1);
	let v1_proof =
		prove_instance(&v1, &Power { a: Value::known(a) }, &[a * a], &mut rng).expect("v1 proves");
	assert_eq!(verify_instance((&v1).into(), &v1_proof, &[a * a]), Ok(()));

	// Version 2 is added: a verifier now holds both keys.
	let v2 = keys::<3>(2);
	assert_ne!(v2.vk_digest(), v1.vk_digest(), "a changed circuit has another key");
	let v2_proof = prove_instance(&v2, &Power { a: Value::known(a) }, &[a * a * a], &mut rng)
		.expect("v2 proves");
	assert_eq!(verify_instance((&v2).into(), &v2_proof, &[a * a * a]), Ok(()));
	assert_eq!(
		verify_instance((&v1).into(), &v1_proof, &[a * a]),
		Ok(()),
		"old proofs (old blocks) stay verifiable"
	);

	// A verifier set to version 2 refuses the version 1 proof: its length is not v2's.
	assert_eq!(
		verify_instance((&v2).into(), &v1_proof, &[a * a]),
		Err(VerifyError::WrongProofLength { expected: v2.spec.proof_len, actual: v1_proof.len() })
	);
	// Cut or padded to v2's length, it is no v2 proof either.
	let mut resized = v1_proof.clone();
	resized.resize(v2.spec.proof_len as usize, 0);
	assert_eq!(verify_instance((&v2).into(), &resized, &[a * a]), Err(VerifyError::InvalidProof));
	// And a v2 proof of the wrong statement fails.
	assert_eq!(verify_instance((&v2).into(), &v2_proof, &[a * a]), Err(VerifyError::InvalidProof));
}

#[test]
fn a_key_must_match_its_pinned_digest() {
	let v1 = keys::<2>(1);
	assert_eq!(v1.check_pinned(), Ok(()));
	let mut pinned = v1.spec.vk_digest;
	pinned[0] ^= 1;
	let drifted = CircuitKeys::<Power<2>>::build(spec(1, v1.spec.proof_len, pinned));
	let mismatch = drifted.check_pinned().expect_err("the key is not the pinned one");
	assert_eq!(mismatch.built, v1.vk_digest());
	let message = mismatch.to_string();
	assert!(message.contains("test_power_v1 (32343.1)"), "{message}");
	// The circuit itself is unchanged: the digests differ only because the pin does.
	assert_eq!(drifted.vk_digest(), v1.vk_digest());
}
