//! Chain-state metrics (documented in `docs/OPERATOR.md`): the shielded pool's size and value,
//! the proof-of-inference jobs still open, jobs created, ended by outcome, and provider
//! slashes. They follow finalized blocks: each newly finalized block's events are counted
//! once, the pool is read at the finalized head through the `ZkApi` runtime API and the open
//! jobs from the pallet's `OpenJobs` counter.
//!
//! Events are decoded with this node's runtime types: after a runtime upgrade that changes
//! them, a block whose events do not decode is skipped (logged at debug level) until the
//! node is upgraded too.

use std::sync::Arc;

use codec::Decode;
use futures::StreamExt;
use pallet_zk_rpc::ZkRuntimeApi;
use sable_runtime::{Hash, Runtime, RuntimeEvent};
use sc_client_api::{BlockchainEvents, StorageProvider};
use sp_api::ProvideRuntimeApi;
use sp_core::storage::StorageKey;
use substrate_prometheus_endpoint::{
	register, Counter, CounterVec, Gauge, Opts, PrometheusError, Registry, F64, U64,
};

use crate::service::FullClient;

type EventRecords = Vec<frame_system::EventRecord<RuntimeEvent, Hash>>;

/// The metrics, registered in the node's registry.
struct ChainMetrics {
	pool_leaves: Gauge<U64>,
	pool_value: Gauge<F64>,
	open_jobs: Gauge<U64>,
	jobs_created: Counter<U64>,
	jobs_ended: CounterVec<U64>,
	slashes: Counter<U64>,
}

impl ChainMetrics {
	fn register(registry: &Registry) -> Result<Self, PrometheusError> {
		let metrics = ChainMetrics {
			pool_leaves: register(
				Gauge::new(
					"sable_zk_pool_leaves",
					"Notes in the shielded pool's commitment tree at the finalized head",
				)?,
				registry,
			)?,
			pool_value: register(
				Gauge::new(
					"sable_zk_pool_value",
					"Value held by the shielded pool at the finalized head, in SBL",
				)?,
				registry,
			)?,
			open_jobs: register(
				Gauge::new(
					"sable_poi_open_jobs",
					"Proof-of-inference jobs not yet ended at the finalized head",
				)?,
				registry,
			)?,
			jobs_created: register(
				Counter::new(
					"sable_poi_jobs_created_total",
					"Proof-of-inference jobs created in blocks finalized since the node started",
				)?,
				registry,
			)?,
			jobs_ended: register(
				CounterVec::new(
					Opts::new(
						"sable_poi_jobs_ended_total",
						"Proof-of-inference jobs ended in blocks finalized since the node \
						 started, by outcome",
					),
					&["outcome"],
				)?,
				registry,
			)?,
			slashes: register(
				Counter::new(
					"sable_poi_slashes_total",
					"Provider slashes in blocks finalized since the node started",
				)?,
				registry,
			)?,
		};
		for outcome in Outcome::ALL {
			metrics.jobs_ended.with_label_values(&[outcome.label()]);
		}
		Ok(metrics)
	}

	/// Counts the events of the finalized block `hash`.
	fn count_events(&self, client: &FullClient, hash: Hash) {
		let key = StorageKey(sable_runtime::events_storage_key().to_vec());
		let records = match client.storage(hash, &key) {
			Ok(Some(data)) => match EventRecords::decode(&mut &data.0[..]) {
				Ok(records) => records,
				Err(error) => {
					log::debug!(target: "sable-metrics", "events of {hash} do not decode: {error}");
					return;
				},
			},
			Ok(None) => return,
			Err(error) => {
				log::debug!(target: "sable-metrics", "events of {hash} unavailable: {error}");
				return;
			},
		};
		for record in records {
			let RuntimeEvent::ProofOfInference(event) = record.event else { continue };
			match Outcome::of(&event) {
				Some(Outcome::Created) => self.jobs_created.inc(),
				Some(outcome) => self.jobs_ended.with_label_values(&[outcome.label()]).inc(),
				None => {},
			}
			if matches!(event, pallet_proof_of_inference::Event::ProviderSlashed { .. }) {
				self.slashes.inc();
			}
		}
	}

	/// Reads the open-jobs counter at `hash`.
	fn read_open_jobs(&self, client: &FullClient, hash: Hash) {
		let key = StorageKey(pallet_proof_of_inference::OpenJobs::<Runtime>::hashed_key().to_vec());
		match client.storage(hash, &key).map(|data| data.map(|d| u32::decode(&mut &d.0[..]))) {
			Ok(Some(Ok(open))) => self.open_jobs.set(open.into()),
			// A value query's default is not stored.
			Ok(None) => self.open_jobs.set(0),
			Ok(Some(Err(error))) => {
				log::debug!(target: "sable-metrics", "open jobs at {hash} do not decode: {error}")
			},
			Err(error) => log::debug!(target: "sable-metrics", "open jobs at {hash}: {error}"),
		}
	}

	/// Reads the pool at `hash`.
	fn read_pool(&self, client: &FullClient, hash: Hash) {
		let api = client.runtime_api();
		if let Ok(state) = api.tree_state(hash) {
			self.pool_leaves.set(state.leaf_count);
		}
		if let Ok(total) = api.pool_total(hash) {
			self.pool_value.set(total as f64 / sable_runtime::UNITS as f64);
		}
	}
}

/// What a proof-of-inference event means for the job counters.
#[derive(Clone, Copy)]
enum Outcome {
	Created,
	Completed,
	Expired,
	Cancelled,
	RefundedAfterDispute,
}

impl Outcome {
	/// The ends of a job.
	const ALL: [Outcome; 4] =
		[Outcome::Completed, Outcome::Expired, Outcome::Cancelled, Outcome::RefundedAfterDispute];

	fn of(event: &pallet_proof_of_inference::Event<Runtime>) -> Option<Outcome> {
		use pallet_proof_of_inference::Event;
		match event {
			Event::JobCreated { .. } => Some(Outcome::Created),
			Event::JobCompleted { .. } => Some(Outcome::Completed),
			Event::JobExpired { .. } => Some(Outcome::Expired),
			Event::JobCancelled { .. } => Some(Outcome::Cancelled),
			Event::DisputeResolved { for_provider: false, .. } => {
				Some(Outcome::RefundedAfterDispute)
			},
			_ => None,
		}
	}

	fn label(self) -> &'static str {
		match self {
			Outcome::Created => "created",
			Outcome::Completed => "completed",
			Outcome::Expired => "expired",
			Outcome::Cancelled => "cancelled",
			Outcome::RefundedAfterDispute => "refunded_after_dispute",
		}
	}
}

/// Registers the metrics and returns the task that keeps them up to date.
pub fn task(
	client: Arc<FullClient>,
	registry: &Registry,
) -> Result<impl std::future::Future<Output = ()>, PrometheusError> {
	let metrics = ChainMetrics::register(registry)?;
	Ok(async move {
		let mut finalized = client.finality_notification_stream();
		while let Some(notification) = finalized.next().await {
			for hash in notification.tree_route.iter().chain([&notification.hash]) {
				metrics.count_events(&client, *hash);
			}
			metrics.read_pool(&client, notification.hash);
			metrics.read_open_jobs(&client, notification.hash);
		}
	})
}
