//! The shipped handwritten-digits model (`models/digits/`): its integer accuracy on the
//! held-out test split, recomputed with `QuantizedMlp`, is the one `model.json` records; and
//! a real proof of one inference (circuit `poi_inference_64x32x10_v3`) verifies and decrypts
//! to the recorded class of the example input.

use rand::{rngs::StdRng, SeedableRng};
use sable_inference_primitives::{
	delivery,
	mlp::{Matrix, QuantizedMlp, Shape},
};
use sable_inference_proofs::{
	circuit::inference::{InferenceVersion, InferenceWitness, V3},
	job::{verify, JobWitness},
};
use sable_zk_primitives::{encoding::fp_from_bytes, Fp};
use serde::Deserialize;

const MODEL: &str = include_str!("../../../models/digits/model.json");
const TEST_SPLIT: &str = include_str!("../../../models/digits/test_split.json");
const EXAMPLE: &str = include_str!("../../../models/digits/example_input.json");

#[derive(Deserialize)]
struct ShapeFile {
	inputs: usize,
	hidden: usize,
	outputs: usize,
}

#[derive(Deserialize)]
struct Example {
	label: u8,
	class: u8,
}

#[derive(Deserialize)]
struct ModelFile {
	shape: ShapeFile,
	w1: Vec<Vec<i8>>,
	b1: Vec<i16>,
	w2: Vec<Vec<i8>>,
	b2: Vec<i16>,
	divisor: u16,
	integer_accuracy: f64,
	example: Example,
}

#[derive(Deserialize)]
struct TestSplit {
	inputs: Vec<Vec<i8>>,
	labels: Vec<u8>,
}

#[derive(Deserialize)]
struct ExampleInput {
	input: Vec<i8>,
}

fn model() -> (QuantizedMlp, ModelFile) {
	let file: ModelFile = serde_json::from_str(MODEL).expect("model.json");
	let shape = Shape::new(file.shape.inputs, file.shape.hidden, file.shape.outputs);
	let w1 = Matrix::from_rows(&file.w1, shape.inputs).expect("w1 rows");
	let w2 = Matrix::from_rows(&file.w2, shape.hidden).expect("w2 rows");
	let model = QuantizedMlp::new(shape, w1, file.b1.clone(), w2, file.b2.clone(), file.divisor)
		.expect("a well-formed model");
	(model, file)
}

/// `argmax_k y_k`, ties to the lowest `k` (`models/digits/README.md`).
fn class(y: &[i32]) -> u8 {
	let best = y.iter().copied().max().expect("outputs");
	y.iter().position(|&v| v == best).expect("the maximum") as u8
}

#[test]
fn the_recorded_integer_accuracy_is_the_models() {
	let (model, file) = model();
	assert_eq!(model.shape(), V3::SHAPE, "the digits model is version 3's shape");
	let split: TestSplit = serde_json::from_str(TEST_SPLIT).expect("test_split.json");
	assert_eq!(split.inputs.len(), split.labels.len());
	let correct = split
		.inputs
		.iter()
		.zip(&split.labels)
		.filter(|(x, &label)| class(&model.infer(x).expect("64 pixels").output) == label)
		.count();
	let accuracy = correct as f64 / split.labels.len() as f64;
	assert_eq!(
		(accuracy * 1e4).round() / 1e4,
		file.integer_accuracy,
		"{correct} of {} correct",
		split.labels.len()
	);
}

#[test]
fn a_proven_digit_decrypts_to_its_class() {
	let (model, file) = model();
	let x = serde_json::from_str::<ExampleInput>(EXAMPLE).expect("example_input.json").input;
	let key = Fp::from(0xd161_7500);
	let witness =
		InferenceWitness::new(model.clone(), Fp::from(1), x.clone(), Fp::from(2), key).expect("64");
	let result = JobWitness::Inference(witness)
		.prove(7, [4; 32], &mut StdRng::seed_from_u64(7))
		.expect("proves");
	assert_eq!(result.circuit, V3::SPEC);
	assert_eq!(result.statement.instance_len(), 6);
	assert_eq!(verify(V3::SPEC.id, &result.proof, &result.statement), Ok(()));
	let ciphertext: Vec<Fp> =
		result.statement.output.iter().map(|b| fp_from_bytes(b).expect("canonical")).collect();
	let y = delivery::decrypt(key, 7, &ciphertext, 10).expect("decrypts");
	assert_eq!(y, model.infer(&x).expect("64").output);
	assert_eq!(class(&y), file.example.class);
	assert_eq!(file.example.class, file.example.label);
}
