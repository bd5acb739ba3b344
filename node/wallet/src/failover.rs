//! Several nodes for one chain: each call goes to the first endpoint whose circuit breaker
//! lets it through, and moves on to the next when an endpoint does not answer
//! (docs/PROVIDER.md, "Failover").
//!
//! A breaker is closed while its endpoint answers. After [`BreakerConfig::failures`]
//! consecutive calls without an answer it opens: the endpoint is skipped for
//! [`BreakerConfig::cool_down`]. Then it is half-open: one call is let through, and its
//! outcome closes the breaker or opens it again. A node that answers with an error (a
//! refused transaction, an unknown block) has answered: only a lost connection or a timeout
//! counts against it.

use std::{
	future::Future,
	sync::{Arc, Mutex},
	time::{Duration, Instant},
};

use crate::{
	error::{Result, WalletError},
	node_client::NodeClient,
};

/// Where a breaker stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BreakerState {
	/// Calls go through.
	Closed,
	/// One trial call goes through.
	HalfOpen,
	/// Calls are refused until the cool-down ends.
	Open,
}

impl BreakerState {
	/// The state as a gauge: 0 closed, 1 half-open, 2 open.
	pub fn gauge(self) -> i64 {
		match self {
			Self::Closed => 0,
			Self::HalfOpen => 1,
			Self::Open => 2,
		}
	}
}

/// When a breaker opens and for how long.
#[derive(Clone, Copy, Debug)]
pub struct BreakerConfig {
	/// Consecutive calls without an answer that open the breaker.
	pub failures: u32,
	/// How long an open breaker refuses calls before a trial.
	pub cool_down: Duration,
}

impl Default for BreakerConfig {
	fn default() -> BreakerConfig {
		BreakerConfig { failures: 3, cool_down: Duration::from_secs(5) }
	}
}

/// The circuit breaker of one endpoint.
#[derive(Debug)]
pub struct Breaker {
	config: BreakerConfig,
	state: BreakerState,
	failures: u32,
	opened_at: Option<Instant>,
	trial_in_flight: bool,
}

impl Breaker {
	/// A closed breaker.
	pub fn new(config: BreakerConfig) -> Breaker {
		Breaker {
			config,
			state: BreakerState::Closed,
			failures: 0,
			opened_at: None,
			trial_in_flight: false,
		}
	}

	/// The state at `now` (an open breaker whose cool-down has ended is half-open).
	pub fn state(&self, now: Instant) -> BreakerState {
		match (self.state, self.opened_at) {
			(BreakerState::Open, Some(at)) if now.duration_since(at) >= self.config.cool_down => {
				BreakerState::HalfOpen
			},
			(state, _) => state,
		}
	}

	/// Whether a call may go through at `now`; a half-open breaker lets one through.
	pub fn admit(&mut self, now: Instant) -> bool {
		match self.state(now) {
			BreakerState::Closed => true,
			BreakerState::Open => false,
			BreakerState::HalfOpen if self.trial_in_flight => false,
			BreakerState::HalfOpen => {
				self.state = BreakerState::HalfOpen;
				self.trial_in_flight = true;
				true
			},
		}
	}

	/// The endpoint answered.
	pub fn succeeded(&mut self) {
		self.state = BreakerState::Closed;
		self.failures = 0;
		self.opened_at = None;
		self.trial_in_flight = false;
	}

	/// The endpoint did not answer at `now`.
	pub fn failed(&mut self, now: Instant) {
		self.trial_in_flight = false;
		self.failures = self.failures.saturating_add(1);
		if self.state == BreakerState::HalfOpen || self.failures >= self.config.failures {
			self.state = BreakerState::Open;
			self.opened_at = Some(now);
		}
	}
}

/// What an [`Endpoints`] reports as it goes, for metrics and logs.
pub trait Observer: Send + Sync {
	/// A call to `url` got no answer: `error`.
	fn failed(&self, url: &str, error: &WalletError);
	/// The breaker of `url` is now `state`.
	fn breaker(&self, url: &str, state: BreakerState);
}

struct Endpoint {
	url: String,
	client: tokio::sync::Mutex<Option<Arc<NodeClient>>>,
	breaker: Mutex<Breaker>,
}

/// Nodes tried in order, each behind its circuit breaker.
pub struct Endpoints {
	endpoints: Vec<Endpoint>,
	observer: Option<Arc<dyn Observer>>,
}

impl Endpoints {
	/// The endpoints at `urls`, in the order they are tried.
	pub fn new(urls: &[String], config: BreakerConfig) -> Result<Endpoints> {
		if urls.is_empty() {
			return Err(WalletError::Input("no node endpoint given".into()));
		}
		let endpoints = urls
			.iter()
			.map(|url| Endpoint {
				url: url.clone(),
				client: tokio::sync::Mutex::new(None),
				breaker: Mutex::new(Breaker::new(config)),
			})
			.collect();
		Ok(Endpoints { endpoints, observer: None })
	}

	/// Reports failures and breaker changes to `observer`.
	pub fn with_observer(mut self, observer: Arc<dyn Observer>) -> Endpoints {
		self.observer = Some(observer);
		self
	}

	/// The endpoints' URLs and breaker states, in order.
	pub fn states(&self) -> Vec<(String, BreakerState)> {
		let now = Instant::now();
		self.endpoints
			.iter()
			.map(|endpoint| (endpoint.url.clone(), lock(&endpoint.breaker).state(now)))
			.collect()
	}

	/// Runs `call` on the first endpoint that answers. An answer, even an error, is the
	/// call's outcome; an endpoint that does not answer is left for the next one.
	pub async fn call<T, F, Fut>(&self, call: F) -> Result<T>
	where
		F: Fn(Arc<NodeClient>) -> Fut,
		Fut: Future<Output = Result<T>>,
	{
		let mut last = None;
		for endpoint in &self.endpoints {
			let (admitted, trial) = {
				let mut breaker = lock(&endpoint.breaker);
				let now = Instant::now();
				let half_open = breaker.state(now) == BreakerState::HalfOpen;
				let admitted = breaker.admit(now);
				(admitted, half_open && admitted)
			};
			if !admitted {
				continue;
			}
			if let (true, Some(observer)) = (trial, &self.observer) {
				observer.breaker(&endpoint.url, BreakerState::HalfOpen);
			}
			let outcome = match self.client(endpoint).await {
				Ok(client) => call(client).await,
				Err(e) => Err(e),
			};
			match outcome {
				Err(e @ WalletError::Unreachable(..)) => {
					*endpoint.client.lock().await = None;
					self.record(endpoint, Some(&e));
					last = Some(e);
				},
				outcome => {
					self.record(endpoint, None);
					return outcome;
				},
			}
		}
		Err(last.unwrap_or_else(|| {
			WalletError::Unreachable(
				self.endpoints.iter().map(|e| e.url.as_str()).collect::<Vec<_>>().join(", "),
				"every endpoint's circuit breaker is open".into(),
			)
		}))
	}

	async fn client(&self, endpoint: &Endpoint) -> Result<Arc<NodeClient>> {
		let mut client = endpoint.client.lock().await;
		if let Some(client) = client.as_ref() {
			return Ok(client.clone());
		}
		let connected = Arc::new(NodeClient::connect(&endpoint.url).await?);
		*client = Some(connected.clone());
		Ok(connected)
	}

	fn record(&self, endpoint: &Endpoint, failure: Option<&WalletError>) {
		let state = {
			let mut breaker = lock(&endpoint.breaker);
			let before = breaker.state(Instant::now());
			match failure {
				Some(_) => breaker.failed(Instant::now()),
				None => breaker.succeeded(),
			}
			let after = breaker.state(Instant::now());
			(before != after).then_some(after)
		};
		if let Some(observer) = &self.observer {
			if let Some(e) = failure {
				observer.failed(&endpoint.url, e);
			}
			if let Some(state) = state {
				observer.breaker(&endpoint.url, state);
			}
		}
	}
}

/// A poisoned lock only means another thread panicked while holding it; the breaker's
/// fields are always consistent, so its value is used as it is.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
	mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn a_breaker_opens_after_consecutive_failures_and_tries_once_after_its_cool_down() {
		let config = BreakerConfig { failures: 2, cool_down: Duration::from_secs(10) };
		let mut breaker = Breaker::new(config);
		let t0 = Instant::now();
		assert!(breaker.admit(t0));
		breaker.failed(t0);
		assert_eq!(breaker.state(t0), BreakerState::Closed);
		// A success in between resets the count.
		breaker.succeeded();
		breaker.failed(t0);
		assert_eq!(breaker.state(t0), BreakerState::Closed);
		breaker.failed(t0);
		assert_eq!(breaker.state(t0), BreakerState::Open);
		assert!(!breaker.admit(t0 + Duration::from_secs(9)));

		let later = t0 + Duration::from_secs(10);
		assert_eq!(breaker.state(later), BreakerState::HalfOpen);
		assert!(breaker.admit(later), "one trial");
		assert!(!breaker.admit(later), "only one trial at a time");
		breaker.failed(later);
		assert_eq!(breaker.state(later), BreakerState::Open, "a failed trial opens it again");
		assert!(!breaker.admit(later + Duration::from_secs(5)));

		let again = later + Duration::from_secs(10);
		assert!(breaker.admit(again));
		breaker.succeeded();
		assert_eq!(breaker.state(again), BreakerState::Closed);
		assert!(breaker.admit(again) && breaker.admit(again));
		assert_eq!(
			[BreakerState::Closed, BreakerState::HalfOpen, BreakerState::Open]
				.map(BreakerState::gauge),
			[0, 1, 2]
		);
	}

	#[test]
	fn endpoints_need_at_least_one_url() {
		assert!(Endpoints::new(&[], BreakerConfig::default()).is_err());
	}

	#[tokio::test]
	async fn a_call_moves_past_an_endpoint_that_does_not_answer() {
		// Nothing listens on these ports: every call fails to connect, each breaker opens
		// after its failures and the endpoints are then skipped without a connection.
		let urls = ["ws://127.0.0.1:9".to_string(), "ws://127.0.0.1:7".to_string()];
		let config = BreakerConfig { failures: 2, cool_down: Duration::from_secs(60) };
		let endpoints = Endpoints::new(&urls, config).expect("endpoints");
		for _ in 0..2 {
			let error = endpoints.call(|node| async move { node.best_number().await }).await;
			assert!(matches!(error, Err(WalletError::Unreachable(..))), "{error:?}");
		}
		let states: Vec<_> = endpoints.states().into_iter().map(|(_, state)| state).collect();
		assert_eq!(states, [BreakerState::Open, BreakerState::Open]);
		let error = endpoints.call(|node| async move { node.best_number().await }).await;
		match error {
			Err(WalletError::Unreachable(urls, why)) => {
				assert_eq!(urls, "ws://127.0.0.1:9, ws://127.0.0.1:7");
				assert!(why.contains("circuit breaker is open"), "{why}");
			},
			other => panic!("{other:?}"),
		}
	}
}
