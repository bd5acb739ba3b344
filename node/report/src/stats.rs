//! The statistics Sable's reports use: median, percentiles, least-squares line and rounding.

/// The median of `values`: the middle value of an odd count, the mean of the two middle
/// values of an even count; `None` for no values.
pub fn median(values: &[f64]) -> Option<f64> {
	let mut sorted = values.to_vec();
	sorted.sort_by(f64::total_cmp);
	let middle = sorted.len() / 2;
	match sorted.len() {
		0 => None,
		n if n % 2 == 1 => sorted.get(middle).copied(),
		_ => Some((sorted.get(middle - 1)? + sorted.get(middle)?) / 2.0),
	}
}

/// The `p`th percentile of `values` (0 < `p` <= 100) by the nearest-rank method: the
/// smallest value that at least `p`% of the values do not exceed; `None` for no values.
pub fn percentile(values: &[f64], p: f64) -> Option<f64> {
	let mut sorted = values.to_vec();
	sorted.sort_by(f64::total_cmp);
	let rank = (p / 100.0 * sorted.len() as f64).ceil() as usize;
	sorted.get(rank.clamp(1, sorted.len().max(1)) - 1).copied()
}

/// A straight line `y = intercept + slope * x`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Line {
	/// Change in `y` per unit of `x`.
	pub slope: f64,
	/// `y` at `x = 0`.
	pub intercept: f64,
}

impl Line {
	/// The line's `y` at `x`.
	pub fn at(&self, x: f64) -> f64 {
		self.intercept + self.slope * x
	}
}

/// The least-squares line through `points` (`(x, y)`); `None` unless there are at least two
/// distinct `x`.
pub fn fit_line(points: &[(f64, f64)]) -> Option<Line> {
	if points.is_empty() {
		return None;
	}
	let n = points.len() as f64;
	let mean_x = points.iter().map(|p| p.0).sum::<f64>() / n;
	let mean_y = points.iter().map(|p| p.1).sum::<f64>() / n;
	let spread: f64 = points.iter().map(|p| (p.0 - mean_x).powi(2)).sum();
	if spread == 0.0 {
		return None;
	}
	let covariance: f64 = points.iter().map(|p| (p.0 - mean_x) * (p.1 - mean_y)).sum();
	let slope = covariance / spread;
	Some(Line { slope, intercept: mean_y - slope * mean_x })
}

/// `value` rounded to `digits` decimal places.
pub fn round(value: f64, digits: i32) -> f64 {
	let scale = 10f64.powi(digits);
	(value * scale).round() / scale
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn median_of_an_odd_count_is_the_middle_value() {
		assert_eq!(median(&[9.0, 1.0, 5.0]), Some(5.0));
		assert_eq!(median(&[4.0]), Some(4.0));
	}

	#[test]
	fn median_of_an_even_count_is_the_mean_of_the_middle_two() {
		assert_eq!(median(&[8.0, 1.0, 3.0, 100.0]), Some(5.5));
		assert_eq!(median(&[2.0, 1.0]), Some(1.5));
	}

	#[test]
	fn median_of_nothing_is_none() {
		assert_eq!(median(&[]), None);
	}

	#[test]
	fn percentiles_are_nearest_rank() {
		let values: Vec<f64> = (1..=20).rev().map(f64::from).collect();
		assert_eq!(percentile(&values, 95.0), Some(19.0));
		assert_eq!(percentile(&values, 50.0), Some(10.0));
		assert_eq!(percentile(&values, 100.0), Some(20.0));
		assert_eq!(percentile(&[3.0], 95.0), Some(3.0));
		assert_eq!(percentile(&[], 95.0), None);
	}

	#[test]
	fn fit_recovers_an_exact_line() {
		// y = 3 + 2x.
		let points = [(1.0, 5.0), (4.0, 11.0), (16.0, 35.0), (32.0, 67.0)];
		assert_eq!(fit_line(&points), Some(Line { slope: 2.0, intercept: 3.0 }));
		assert_eq!(fit_line(&points).map(|line| line.at(64.0)), Some(131.0));
	}

	#[test]
	fn fit_is_least_squares() {
		// (0, 0), (1, 1), (2, 1), (3, 2): slope 0.6, intercept 0.1.
		let line = fit_line(&[(0.0, 0.0), (1.0, 1.0), (2.0, 1.0), (3.0, 2.0)]);
		let Some(line) = line else { panic!("no line") };
		assert!((line.slope - 0.6).abs() < 1e-12, "slope {}", line.slope);
		assert!((line.intercept - 0.1).abs() < 1e-12, "intercept {}", line.intercept);
	}

	#[test]
	fn fit_needs_two_distinct_x() {
		assert_eq!(fit_line(&[]), None);
		assert_eq!(fit_line(&[(1.0, 2.0)]), None);
		assert_eq!(fit_line(&[(1.0, 2.0), (1.0, 3.0)]), None);
	}

	#[test]
	fn rounds_to_decimal_places() {
		assert_eq!(round(25.4549, 2), 25.45);
		assert_eq!(round(13.33333, 1), 13.3);
		assert_eq!(round(2.5, 0), 3.0);
	}
}
