//! Prometheus metrics of native verification (documented in `docs/OPERATOR.md`).
//!
//! [`register_metrics`] adds them to the node's registry so they are served on its Prometheus
//! endpoint, with a zero series for every circuit and result (and every circuit and mode)
//! from the start: alert rules and dashboards see `0`, not a missing series, until the
//! first verification.

use std::{sync::OnceLock, time::Duration};

use substrate_prometheus_endpoint::{
	exponential_buckets, Counter, CounterVec, Histogram, HistogramOpts, HistogramVec, Opts,
	PrometheusError, Registry, F64, U64,
};

use super::circuits;
use crate::VerifyError;

/// Label of a circuit id the host does not know.
const UNKNOWN_CIRCUIT: &str = "unknown";
/// Every `result` label.
const RESULTS: [&str; 5] =
	["ok", "invalid_proof", "malformed_public_inputs", "malformed_statement", "unknown_circuit"];
/// Every `mode` label.
const MODES: [&str; 2] = ["single", "batch"];

/// Sable's verification metrics.
#[derive(Clone)]
pub struct Metrics {
	/// `sable_zk_verifications_total{circuit, result}`.
	pub verifications: CounterVec<U64>,
	/// `sable_zk_verification_seconds{circuit, mode}`: one proof (`single`) or one batch.
	pub verification_time: HistogramVec,
	/// `sable_zk_batch_size`: statements per batch call.
	pub batch_size: Histogram,
	/// `sable_zk_cache_hits_total`.
	pub cache_hits: Counter<U64>,
	/// `sable_zk_cache_misses_total`.
	pub cache_misses: Counter<U64>,
	/// `sable_zk_pool_over_budget_total`: pool admissions refused unverified, the pool's
	/// verification budget spent (`docs/zk.md`, "Floods").
	pub pool_over_budget: Counter<U64>,
	/// `sable_zk_pool_verification_seconds_total`: verification time the pool's admissions
	/// spent.
	pub pool_verification_time: Counter<F64>,
}

static METRICS: OnceLock<Metrics> = OnceLock::new();

fn build() -> Result<Metrics, PrometheusError> {
	Ok(Metrics {
		verifications: CounterVec::new(
			Opts::new("sable_zk_verifications_total", "Proof verifications by circuit and result"),
			&["circuit", "result"],
		)?,
		verification_time: HistogramVec::new(
			HistogramOpts::new(
				"sable_zk_verification_seconds",
				"Time to verify one proof (mode=single) or one batch (mode=batch)",
			)
			.buckets(exponential_buckets(0.001, 2.0, 12)?),
			&["circuit", "mode"],
		)?,
		batch_size: Histogram::with_opts(
			HistogramOpts::new("sable_zk_batch_size", "Statements per batch verification")
				.buckets(exponential_buckets(1.0, 2.0, 9)?),
		)?,
		cache_hits: Counter::new(
			"sable_zk_cache_hits_total",
			"Statements found in the verified-statement cache",
		)?,
		cache_misses: Counter::new(
			"sable_zk_cache_misses_total",
			"Statements not in the verified-statement cache",
		)?,
		pool_over_budget: Counter::new(
			"sable_zk_pool_over_budget_total",
			"Unsigned shielded transactions refused unverified: the pool's verification budget \
			 was spent",
		)?,
		pool_verification_time: Counter::new(
			"sable_zk_pool_verification_seconds_total",
			"Verification time spent admitting unsigned shielded transactions into the pool",
		)?,
	})
}

/// The process-wide metrics, or `None` only if their definitions are invalid (a test
/// checks they are not).
pub(crate) fn get() -> Option<&'static Metrics> {
	if let Some(metrics) = METRICS.get() {
		return Some(metrics);
	}
	let built = build().ok()?;
	Some(METRICS.get_or_init(|| built))
}

/// Registers the metrics in the node's Prometheus registry.
pub fn register_metrics(registry: &Registry) -> Result<(), PrometheusError> {
	let metrics = get().ok_or_else(|| PrometheusError::Msg("invalid metric definitions".into()))?;
	registry.register(Box::new(metrics.verifications.clone()))?;
	registry.register(Box::new(metrics.verification_time.clone()))?;
	registry.register(Box::new(metrics.batch_size.clone()))?;
	registry.register(Box::new(metrics.cache_hits.clone()))?;
	registry.register(Box::new(metrics.cache_misses.clone()))?;
	registry.register(Box::new(metrics.pool_over_budget.clone()))?;
	registry.register(Box::new(metrics.pool_verification_time.clone()))?;
	for circuit in circuits::names() {
		for result in RESULTS {
			metrics.verifications.with_label_values(&[circuit, result]);
		}
		for mode in MODES {
			metrics.verification_time.with_label_values(&[circuit, mode]);
		}
	}
	metrics.verifications.with_label_values(&[UNKNOWN_CIRCUIT, "unknown_circuit"]);
	Ok(())
}

fn result_label(result: Result<(), VerifyError>) -> &'static str {
	match result {
		Ok(()) => RESULTS[0],
		Err(VerifyError::InvalidProof) => RESULTS[1],
		Err(VerifyError::MalformedPublicInputs) => RESULTS[2],
		Err(VerifyError::MalformedStatement) => RESULTS[3],
		Err(VerifyError::UnknownCircuit) => RESULTS[4],
	}
}

/// Recording helpers that do nothing when the metrics are absent.
pub(crate) trait Record {
	fn count_result(&self, circuit: Option<&str>, result: Result<(), VerifyError>);
	fn observe_time(&self, circuit: &str, mode: &str, elapsed: Duration);
	fn observe_batch_size(&self, size: usize);
	fn cache_hit(&self);
	fn cache_miss(&self);
	fn pool_over_budget(&self);
	fn pool_verification_time(&self, elapsed: Duration);
}

impl Record for Option<&'static Metrics> {
	fn count_result(&self, circuit: Option<&str>, result: Result<(), VerifyError>) {
		if let Some(metrics) = self {
			metrics
				.verifications
				.with_label_values(&[circuit.unwrap_or(UNKNOWN_CIRCUIT), result_label(result)])
				.inc();
		}
	}

	fn observe_time(&self, circuit: &str, mode: &str, elapsed: Duration) {
		if let Some(metrics) = self {
			metrics
				.verification_time
				.with_label_values(&[circuit, mode])
				.observe(elapsed.as_secs_f64());
		}
	}

	fn observe_batch_size(&self, size: usize) {
		if let Some(metrics) = self {
			metrics.batch_size.observe(size as f64);
		}
	}

	fn cache_hit(&self) {
		if let Some(metrics) = self {
			metrics.cache_hits.inc();
		}
	}

	fn cache_miss(&self) {
		if let Some(metrics) = self {
			metrics.cache_misses.inc();
		}
	}

	fn pool_over_budget(&self) {
		if let Some(metrics) = self {
			metrics.pool_over_budget.inc();
		}
	}

	fn pool_verification_time(&self, elapsed: Duration) {
		if let Some(metrics) = self {
			metrics.pool_verification_time.inc_by(elapsed.as_secs_f64());
		}
	}
}

/// The metrics, for tests and the node.
pub fn metrics() -> Option<&'static Metrics> {
	get()
}
