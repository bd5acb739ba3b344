//! Item 5 of the inference statement (`docs/poi-circuits.md`, "Commitments"): the model and
//! input commitments, hashed from the packed elements the entries gadget built while it
//! range-checked them, equal to statement rows 2 and 3.

use halo2_proofs::{
	circuit::{Layouter, Value},
	plonk::Error,
};
use sable_inference_primitives::{mlp::Shape, statement};
use sable_zk_primitives::{hash::DomainTag, Fp};
use sable_zk_proofs::circuit::poseidon::Cell;

use super::model::LoadedModel;
use crate::gadgets::{poseidon::Word, InferenceConfig};

fn words<'a>(parts: &'a [&'a [Cell]]) -> impl Iterator<Item = Word> + 'a {
	parts.iter().flat_map(|part| part.iter().cloned().map(Word::Cell))
}

/// Row 2 is `H(MlpModel, shape, packed W1, b1, W2, b2, divisor, salt)`; the shape is a
/// constant of the circuit.
pub fn model(
	config: &InferenceConfig,
	mut layouter: impl Layouter<Fp>,
	shape: Shape,
	loaded: &LoadedModel,
	salt: Option<Fp>,
) -> Result<(), Error> {
	let salt = config.witness(layouter.namespace(|| "model salt"), value(salt), "model salt")?;
	let parts: [&[Cell]; 6] = [
		&loaded.w1.packed,
		&loaded.b1.packed,
		&loaded.w2.packed,
		&loaded.b2.packed,
		&loaded.divisor.packed,
		core::slice::from_ref(&salt),
	];
	let message: Vec<Word> =
		core::iter::once(Word::Constant(shape.to_field())).chain(words(&parts)).collect();
	let commitment = config.hash.hash(
		layouter.namespace(|| "H(MlpModel, ...)"),
		DomainTag::MlpModel,
		&message,
	)?;
	layouter.constrain_instance(commitment.cell(), config.instance, statement::MODEL)
}

/// Row 3 is `H(tag, parts..., salt)`: `H(MlpInput, packed x, salt)` for inference.
pub fn input(
	config: &InferenceConfig,
	mut layouter: impl Layouter<Fp>,
	tag: DomainTag,
	parts: &[&[Cell]],
	salt: Option<Fp>,
) -> Result<(), Error> {
	let salt = config.witness(layouter.namespace(|| "input salt"), value(salt), "input salt")?;
	let message: Vec<Word> = words(parts).chain(core::iter::once(Word::Cell(salt))).collect();
	let commitment = config.hash.hash(layouter.namespace(|| "H(input)"), tag, &message)?;
	layouter.constrain_instance(commitment.cell(), config.instance, statement::INPUT)
}

/// A known value, or unknown when building keys.
pub(crate) fn value(value: Option<Fp>) -> Value<Fp> {
	value.map(Value::known).unwrap_or_else(Value::unknown)
}
