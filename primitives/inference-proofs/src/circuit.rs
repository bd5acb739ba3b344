//! The job circuits. Each cites, item by item, the statement it enforces.

pub mod adapted;
pub mod commitment;
pub mod inference;

use halo2_proofs::{
	circuit::{Layouter, Value},
	plonk::Error,
};
use sable_inference_primitives::statement;
use sable_zk_primitives::Fp;
use sable_zk_proofs::circuit::poseidon::Cell;

use crate::gadgets::InferenceConfig;

/// `f(witness)`, or unknown when building keys.
pub(crate) fn known<W, T>(witness: Option<&W>, f: impl FnOnce(&W) -> T) -> Value<T> {
	match witness {
		Some(witness) => Value::known(f(witness)),
		None => Value::unknown(),
	}
}

/// Copies the job id and the provider into the witness: the permutation argument then ties
/// the proof to both, so it verifies for no other job and no other provider. Returns the job
/// id's cell (the keystream hashes it).
pub(crate) fn bind_job(
	config: &InferenceConfig,
	mut layouter: impl Layouter<Fp>,
) -> Result<Cell, Error> {
	let job_id = config.public(layouter.namespace(|| "job id"), statement::JOB_ID, "job id")?;
	config.public(layouter.namespace(|| "provider"), statement::PROVIDER, "provider")?;
	Ok(job_id)
}
