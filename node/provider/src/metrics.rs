//! The daemon's Prometheus metrics, `sable_provider_*` (docs/PROVIDER.md, "Metrics"),
//! served at `GET /metrics`; `scripts/monitoring/provider-alerts.yml` alerts on them.

use prometheus::{
	Encoder, HistogramOpts, HistogramVec, IntCounterVec, IntGauge, IntGaugeVec, Opts, Registry,
	TextEncoder,
};
use sable_wallet::{
	error::WalletError,
	failover::{BreakerState, Observer},
};

/// Job states the `sable_provider_jobs` gauge counts.
pub const JOB_STATES: [&str; 4] = ["open", "accepted", "proving", "submitted"];
/// Outcomes the `sable_provider_jobs_total` counter counts.
pub const OUTCOMES: [&str; 4] = ["settled", "refused", "expired", "failed"];

/// Every metric of the daemon.
pub struct Metrics {
	registry: Registry,
	/// 1 while the daemon runs.
	pub up: IntGauge,
	/// Jobs tracked, by state.
	pub jobs: IntGaugeVec,
	/// Jobs ended, by outcome.
	pub jobs_total: IntCounterVec,
	/// Seconds per proof, by circuit.
	pub prove_seconds: HistogramVec,
	/// Calls without an answer, by endpoint.
	pub rpc_errors: IntCounterVec,
	/// Breaker state by endpoint: 0 closed, 1 half-open, 2 open.
	pub breaker_state: IntGaugeVec,
	/// The last finalized block processed.
	pub finalized_block: IntGauge,
	/// HTTP requests by route and status.
	pub http_requests: IntCounterVec,
}

fn opts(name: &str, help: &str) -> Opts {
	Opts::new(format!("sable_provider_{name}"), help)
}

impl Metrics {
	/// The metrics, registered, with every job state, outcome and endpoint at zero (so that
	/// `increase()` sees the first event).
	pub fn new(endpoints: &[String]) -> prometheus::Result<Metrics> {
		let registry = Registry::new();
		let up = IntGauge::with_opts(opts("up", "1 while the provider daemon runs"))?;
		let jobs = IntGaugeVec::new(opts("jobs", "Jobs the daemon tracks, by state"), &["state"])?;
		let jobs_total = IntCounterVec::new(
			opts("jobs_total", "Jobs ended, by outcome (settled, refused, expired, failed)"),
			&["outcome"],
		)?;
		let prove_seconds = HistogramVec::new(
			HistogramOpts::new("sable_provider_prove_seconds", "Seconds to prove a result")
				.buckets(vec![0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0]),
			&["circuit"],
		)?;
		let rpc_errors = IntCounterVec::new(
			opts("rpc_errors_total", "Node calls that got no answer, by endpoint"),
			&["endpoint"],
		)?;
		let breaker_state = IntGaugeVec::new(
			opts("breaker_state", "Circuit breaker per endpoint: 0 closed, 1 half-open, 2 open"),
			&["endpoint"],
		)?;
		let finalized_block =
			IntGauge::with_opts(opts("finalized_block", "The last finalized block processed"))?;
		let http_requests = IntCounterVec::new(
			opts("http_requests_total", "HTTP requests, by route and status"),
			&["route", "status"],
		)?;
		registry.register(Box::new(up.clone()))?;
		registry.register(Box::new(jobs.clone()))?;
		registry.register(Box::new(jobs_total.clone()))?;
		registry.register(Box::new(prove_seconds.clone()))?;
		registry.register(Box::new(rpc_errors.clone()))?;
		registry.register(Box::new(breaker_state.clone()))?;
		registry.register(Box::new(finalized_block.clone()))?;
		registry.register(Box::new(http_requests.clone()))?;
		for state in JOB_STATES {
			jobs.with_label_values(&[state]).set(0);
		}
		for outcome in OUTCOMES {
			jobs_total.with_label_values(&[outcome]).reset();
		}
		for endpoint in endpoints {
			rpc_errors.with_label_values(&[endpoint]).reset();
			breaker_state.with_label_values(&[endpoint]).set(0);
		}
		up.set(1);
		Ok(Metrics {
			registry,
			up,
			jobs,
			jobs_total,
			prove_seconds,
			rpc_errors,
			breaker_state,
			finalized_block,
			http_requests,
		})
	}

	/// The metrics in Prometheus' text format.
	pub fn render(&self) -> String {
		let mut buffer = Vec::new();
		// Encoding gathered metrics into a vector cannot fail.
		let _ = TextEncoder::new().encode(&self.registry.gather(), &mut buffer);
		String::from_utf8(buffer).unwrap_or_default()
	}
}

impl Observer for Metrics {
	fn failed(&self, url: &str, error: &WalletError) {
		self.rpc_errors.with_label_values(&[url]).inc();
		eprintln!("node {url}: {error}");
	}

	fn breaker(&self, url: &str, state: BreakerState) {
		self.breaker_state.with_label_values(&[url]).set(state.gauge());
		eprintln!("node {url}: circuit breaker {state:?}");
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn every_series_exists_from_the_start() {
		let metrics = Metrics::new(&["ws://a:1".into()]).expect("metrics");
		metrics.failed("ws://a:1", &WalletError::Rpc("x".into()));
		metrics.breaker("ws://a:1", BreakerState::Open);
		metrics.prove_seconds.with_label_values(&["inference-64x32x10"]).observe(2.5);
		let text = metrics.render();
		for line in [
			"sable_provider_up 1",
			"sable_provider_jobs{state=\"proving\"} 0",
			"sable_provider_jobs_total{outcome=\"expired\"} 0",
			"sable_provider_rpc_errors_total{endpoint=\"ws://a:1\"} 1",
			"sable_provider_breaker_state{endpoint=\"ws://a:1\"} 2",
			"sable_provider_prove_seconds_bucket{circuit=\"inference-64x32x10\",le=\"4\"} 1",
			"sable_provider_prove_seconds_bucket{circuit=\"inference-64x32x10\",le=\"2\"} 0",
		] {
			assert!(text.lines().any(|l| l == line), "{line} missing from:\n{text}");
		}
	}
}
