//! Circuit 2, the job commitment proof (`docs/poi.md`, "Job commitment proof").
//!
//! Statement ([`sable_inference_primitives::statement`]): the prover knows digests and salts
//! `(d_lo, d_hi, salt)` with
//!
//! 1. `model  = H4(ModelCommitment,  model_lo,  model_hi,  model_salt)`;
//! 2. `input  = H4(InputCommitment,  input_lo,  input_hi,  input_salt)`;
//! 3. `output = H4(OutputCommitment, output_lo, output_hi, output_salt)`;
//! 4. job id and provider are copied into the witness, so the permutation argument ties the
//!    proof to them: it verifies for no other job and no other provider.
//!
//! It binds hashes. It does not show that any model was run.

use halo2_proofs::{
	circuit::{floor_planner::V1, Layouter, Value},
	plonk::{Advice, Circuit, Column, ConstraintSystem, Error, Instance},
};
use sable_inference_primitives::{limbs, statement};
use sable_zk_primitives::{hash::DomainTag, Fp};
use sable_zk_proofs::circuit::poseidon::{Cell, PoseidonConfig};

use super::known;

/// The registered version this code is: `2^k` rows: three length-4 hashes (two permutations, about 80 rows, each).
pub const SPEC: sable_circuits::CircuitSpec = sable_circuits::POI_COMMITMENT_V1;

/// `2^K` rows ([`SPEC`]'s `k`).
pub const K: u32 = SPEC.k;

/// The opening of one commitment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Opening {
	/// The 32-byte digest (for example SHA-256 of a file).
	pub digest: [u8; 32],
	/// The commitment's salt.
	pub salt: Fp,
}

/// The three openings of a job.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommitmentWitness {
	/// Opens the model commitment.
	pub model: Opening,
	/// Opens the input commitment.
	pub input: Opening,
	/// Opens the output commitment.
	pub output: Opening,
}

/// The commitment circuit with its witness (`None` when building keys).
#[derive(Clone, Debug, Default)]
pub struct CommitmentCircuit {
	/// The openings.
	pub witness: Option<CommitmentWitness>,
}

/// One Poseidon lane and the instance column.
#[derive(Clone, Debug)]
pub struct CommitmentConfig {
	advices: [Column<Advice>; 5],
	poseidon: PoseidonConfig,
	instance: Column<Instance>,
}

impl Circuit<Fp> for CommitmentCircuit {
	type Config = CommitmentConfig;
	type FloorPlanner = V1;

	fn without_witnesses(&self) -> Self {
		Self::default()
	}

	fn configure(meta: &mut ConstraintSystem<Fp>) -> CommitmentConfig {
		let advices = [(); 5].map(|_| meta.advice_column());
		for column in advices {
			meta.enable_equality(column);
		}
		let instance = meta.instance_column();
		meta.enable_equality(instance);
		let constants = meta.fixed_column();
		meta.enable_constant(constants);
		let poseidon = PoseidonConfig::configure(meta, advices);
		CommitmentConfig { advices, poseidon, instance }
	}

	fn synthesize(
		&self,
		config: CommitmentConfig,
		mut layouter: impl Layouter<Fp>,
	) -> Result<(), Error> {
		let openings = [
			(DomainTag::ModelCommitment, statement::MODEL, self.witness.as_ref().map(|w| &w.model)),
			(DomainTag::InputCommitment, statement::INPUT, self.witness.as_ref().map(|w| &w.input)),
			(
				DomainTag::OutputCommitment,
				statement::OUTPUT,
				self.witness.as_ref().map(|w| &w.output),
			),
		];
		for (tag, row, opening) in openings {
			let mut layouter = layouter.namespace(|| format!("commitment {row}"));
			let opening = known(opening, |o| (limbs(&o.digest), o.salt));
			let lo = witness(&config, &mut layouter, opening.map(|(l, _)| l[0]), "digest_lo")?;
			let hi = witness(&config, &mut layouter, opening.map(|(l, _)| l[1]), "digest_hi")?;
			let salt = witness(&config, &mut layouter, opening.map(|(_, s)| s), "salt")?;
			// Items 1-3.
			let commitment = config.poseidon.hash_tagged::<4>(
				layouter.namespace(|| "H4"),
				tag,
				&[lo, hi, salt],
			)?;
			layouter.constrain_instance(commitment.cell(), config.instance, row)?;
		}
		// Item 4.
		for (row, name) in [(statement::JOB_ID, "job id"), (statement::PROVIDER, "provider")] {
			layouter.assign_region(
				|| format!("public {name}"),
				|mut region| {
					region.assign_advice_from_instance(
						|| name,
						config.instance,
						row,
						config.advices[4],
						0,
					)
				},
			)?;
		}
		Ok(())
	}
}

fn witness(
	config: &CommitmentConfig,
	layouter: &mut impl Layouter<Fp>,
	value: Value<Fp>,
	name: &'static str,
) -> Result<Cell, Error> {
	layouter.assign_region(
		|| format!("witness {name}"),
		|mut region| region.assign_advice(|| name, config.advices[0], 0, || value),
	)
}
