//! Item 7 of the inference statement (`docs/poi-circuits.md`, "Delivery"): the delivery key
//! opens the client's delivery commitment (row 4), and each ciphertext element (rows 5 ..)
//! is a packed element of `y` plus its keystream element:
//!
//! ```text
//! D    = H3(DeliveryKey, key, 0)
//! ct_j = p_j + H4(DeliveryStream, key, job_id, j)
//! ```
//!
//! `job_id` is the cell copied from row 0, `j` and the zero are circuit constants, and `p_j`
//! is the packed element the entries gadget computed from the range-checked `y`.

use halo2_proofs::{circuit::Layouter, plonk::Error};
use sable_inference_primitives::statement;
use sable_zk_primitives::{hash::DomainTag, Fp};
use sable_zk_proofs::circuit::poseidon::Cell;

use super::commitments::value;
use crate::gadgets::{poseidon::Word, InferenceConfig};

/// Enforces rows 4 and `5 ..` for the packed output `packed` of job `job_id`.
pub fn deliver(
	config: &InferenceConfig,
	mut layouter: impl Layouter<Fp>,
	packed: &[Cell],
	job_id: &Cell,
	key: Option<Fp>,
) -> Result<(), Error> {
	let key = config.witness(layouter.namespace(|| "delivery key"), value(key), "key")?;
	let commitment = config.hash.hash(
		layouter.namespace(|| "D = H3(DeliveryKey, key, 0)"),
		DomainTag::DeliveryKey,
		&[Word::Cell(key.clone()), Word::Constant(Fp::zero())],
	)?;
	layouter.constrain_instance(commitment.cell(), config.instance, statement::DELIVERY)?;
	for (j, p) in packed.iter().enumerate() {
		let mut layouter = layouter.namespace(|| format!("ciphertext {j}"));
		let stream = config.hash.hash(
			layouter.namespace(|| "s_j = H4(DeliveryStream, key, job_id, j)"),
			DomainTag::DeliveryStream,
			&[
				Word::Cell(key.clone()),
				Word::Cell(job_id.clone()),
				Word::Constant(Fp::from(j as u64)),
			],
		)?;
		let ciphertext = config.add.add(layouter.namespace(|| "ct_j = p_j + s_j"), p, &stream)?;
		layouter.constrain_instance(
			ciphertext.cell(),
			config.instance,
			statement::CIPHERTEXT + j,
		)?;
	}
	Ok(())
}
