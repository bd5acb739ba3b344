//! The handwritten-digits model of `models/digits`, read the way its README defines it,
//! without the crates under test: for tests to compare the market's outputs against.

use std::path::{Path, PathBuf};

use serde_json::Value;

/// `models/digits` in the repository.
pub fn dir() -> PathBuf {
	Path::new(env!("CARGO_MANIFEST_DIR")).join("../models/digits")
}

/// `models/digits/model.json`.
pub fn model_path() -> PathBuf {
	dir().join("model.json")
}

/// A JSON file.
pub fn read_json(path: &Path) -> Value {
	let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
	serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A JSON array of integers.
pub fn ints(value: &Value) -> Vec<i64> {
	value.as_array().expect("an array").iter().map(|v| v.as_i64().expect("an integer")).collect()
}

/// A JSON array of rows of integers.
pub fn rows(value: &Value) -> Vec<Vec<i64>> {
	value.as_array().expect("rows").iter().map(ints).collect()
}

/// The input of `example_input.json`: test image 0, 64 pixels.
pub fn example_input() -> Vec<i64> {
	ints(&read_json(&dir().join("example_input.json"))["input"])
}

/// The integer model of `model` (`model.json`) on `x`, as its README defines it:
/// `y = W2 min(floor(max(W1 x + b1, 0) / divisor), 127) + b2`.
pub fn output(model: &Value, x: &[i64]) -> Vec<i64> {
	let divisor = model["divisor"].as_i64().expect("divisor");
	let hidden: Vec<i64> = rows(&model["w1"])
		.iter()
		.zip(ints(&model["b1"]))
		.map(|(row, b)| {
			let a = b + row.iter().zip(x).map(|(w, v)| w * v).sum::<i64>();
			(a.max(0) / divisor).min(127)
		})
		.collect();
	rows(&model["w2"])
		.iter()
		.zip(ints(&model["b2"]))
		.map(|(row, b)| b + row.iter().zip(&hidden).map(|(w, h)| w * h).sum::<i64>())
		.collect()
}

/// `argmax y`, the lowest index on ties.
pub fn class(y: &[i64]) -> usize {
	(0..y.len()).fold(0, |best, k| if y[k] > y[best] { k } else { best })
}
