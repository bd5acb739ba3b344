//! A token bucket per client address: `per_minute` requests a minute, in bursts of up to
//! `per_minute`.

use std::{
	collections::HashMap,
	net::IpAddr,
	sync::Mutex,
	time::{Duration, Instant},
};

/// The most clients remembered; the fullest buckets are forgotten first beyond it.
const MAX_CLIENTS: usize = 65_536;

struct Bucket {
	tokens: f64,
	at: Instant,
}

/// Per-address rate limits.
pub struct RateLimiter {
	per_minute: f64,
	buckets: Mutex<HashMap<IpAddr, Bucket>>,
}

impl RateLimiter {
	/// A limit of `per_minute` requests a minute per address.
	pub fn new(per_minute: u32) -> RateLimiter {
		RateLimiter {
			per_minute: f64::from(per_minute.max(1)),
			buckets: Mutex::new(HashMap::new()),
		}
	}

	/// Takes a token for `client` at `now`; `Err` with the wait until the next one if there
	/// is none.
	pub fn take(&self, client: IpAddr, now: Instant) -> Result<(), Duration> {
		let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
		if buckets.len() >= MAX_CLIENTS && !buckets.contains_key(&client) {
			let per_second = self.per_minute / 60.0;
			let capacity = self.per_minute;
			buckets.retain(|_, b| {
				b.tokens + now.duration_since(b.at).as_secs_f64() * per_second < capacity
			});
		}
		let bucket = buckets.entry(client).or_insert(Bucket { tokens: self.per_minute, at: now });
		let refill = now.duration_since(bucket.at).as_secs_f64() * self.per_minute / 60.0;
		bucket.tokens = (bucket.tokens + refill).min(self.per_minute);
		bucket.at = now;
		if bucket.tokens >= 1.0 {
			bucket.tokens -= 1.0;
			return Ok(());
		}
		let missing = 1.0 - bucket.tokens;
		Err(Duration::from_secs_f64(missing * 60.0 / self.per_minute))
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn a_client_gets_its_burst_then_one_request_per_refill() {
		let limiter = RateLimiter::new(3);
		let (a, b): (IpAddr, IpAddr) = ("10.0.0.1".parse().unwrap(), "10.0.0.2".parse().unwrap());
		let t0 = Instant::now();
		for _ in 0..3 {
			assert_eq!(limiter.take(a, t0), Ok(()));
		}
		let wait = limiter.take(a, t0).expect_err("limited");
		assert_eq!(wait.as_secs(), 20, "one token per 20 s at 3 a minute");
		assert_eq!(limiter.take(b, t0), Ok(()), "another client has its own bucket");
		assert!(limiter.take(a, t0 + Duration::from_secs(19)).is_err());
		assert_eq!(limiter.take(a, t0 + Duration::from_secs(21)), Ok(()));
		assert!(limiter.take(a, t0 + Duration::from_secs(21)).is_err());
	}
}
