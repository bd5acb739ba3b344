//! The node service: database and client, BABE block production and import, GRANDPA finality
//! with the warp-sync provider, transaction pool, offchain workers, networking and RPC.

use std::{sync::Arc, time::Duration};

use futures::FutureExt;
use sable_runtime::{apis::RuntimeApi, opaque::Block};
use sc_client_api::{Backend, BlockBackend};
use sc_consensus_babe::{BabeWorkerHandle, SlotProportion};
use sc_consensus_grandpa::SharedVoterState;
use sc_network::config::FullNetworkConfiguration;
use sc_service::{error::Error as ServiceError, Configuration, TaskManager, WarpSyncConfig};
use sc_telemetry::{Telemetry, TelemetryWorker};
use sc_transaction_pool_api::OffchainTransactionPoolFactory;
use sp_inherents::CreateInherentDataProviders;
use sp_runtime::traits::Block as BlockT;

/// Host functions every executor of the Sable runtime must provide: Substrate's and Sable's
/// proof verification (`sable_zk_host`). Every place that runs the runtime (the node,
/// `benchmark`, chain-spec building) uses this one list; a test checks that it covers every
/// import of the runtime.
#[cfg(not(feature = "runtime-benchmarks"))]
pub type HostFunctions = sable_zk_host::SableHostFunctions;

/// Host functions every executor of the Sable runtime must provide, plus the benchmarking ones.
#[cfg(feature = "runtime-benchmarks")]
pub type HostFunctions =
	(sable_zk_host::SableHostFunctions, frame_benchmarking::benchmarking::HostFunctions);

/// Builds every registered circuit version's verifying key in the background, so the first
/// block with a proof is not slow, and checks each against the digest pinned in the registry
/// (`docs/zk.md`, "Keys"): a key that differs stops the node, with an error naming the
/// circuit, instead of letting it judge blocks by another circuit than its peers. A key is
/// only ever used once checked, so no block is imported or authored with an unchecked one.
/// Also serves the verification metrics on the node's Prometheus endpoint.
fn start_zk_verifier(
	task_manager: &TaskManager,
	registry: Option<&substrate_prometheus_endpoint::Registry>,
) {
	if let Some(registry) = registry {
		if let Err(error) = sable_zk_host::native::register_metrics(registry) {
			log::warn!(target: "sable-zk", "verification metrics not registered: {error}");
		}
	}
	let (checked, check_result) = futures::channel::oneshot::channel();
	task_manager.spawn_handle().spawn_blocking("zk-verifier-keys", None, async move {
		let _ = checked.send(sable_zk_host::native::check_keys());
	});
	// An essential task: when it ends, the node shuts down with an error.
	task_manager.spawn_essential_handle().spawn("zk-verifier-key-check", None, async move {
		match check_result.await {
			Ok(Ok(())) => futures::future::pending::<()>().await,
			Ok(Err(mismatch)) => {
				log::error!(target: "sable-zk", "refusing to run: {mismatch}");
			},
			Err(_) => log::error!(target: "sable-zk", "the verifying-key check did not finish"),
		}
	});
}

/// The wasm executor with Sable's host functions.
pub type RuntimeExecutor = sc_executor::WasmExecutor<HostFunctions>;

/// The full client.
pub type FullClient = sc_service::TFullClient<Block, RuntimeApi, RuntimeExecutor>;
type FullBackend = sc_service::TFullBackend<Block>;
type FullSelectChain = sc_consensus::LongestChain<FullBackend, Block>;
type FullGrandpaBlockImport =
	sc_consensus_grandpa::GrandpaBlockImport<FullBackend, Block, FullClient, FullSelectChain>;

/// The inherent data every block carries: BABE's slot and the timestamp.
type SlotAndTimestamp =
	(sp_consensus_babe::inherents::InherentDataProvider, sp_timestamp::InherentDataProvider);
type InherentProviders =
	Arc<dyn CreateInherentDataProviders<Block, (), InherentDataProviders = SlotAndTimestamp>>;
type FullBabeBlockImport = sc_consensus_babe::BabeBlockImport<
	Block,
	FullClient,
	FullGrandpaBlockImport,
	InherentProviders,
	FullSelectChain,
>;

/// The transaction pool.
pub type TransactionPool = sc_transaction_pool::TransactionPoolHandle<Block, FullClient>;

/// GRANDPA keeps a justification for at least every this many blocks, so that nodes syncing
/// (and warp sync) can prove finality without replaying every round.
const GRANDPA_JUSTIFICATION_PERIOD: u32 = 512;

/// The share of its slot an author spends building (the proposer stops at 90% of it). A
/// full block of transfers took 0.67 to 1.36 s to build here, against its booked 1 s
/// (`MAXIMUM_BLOCK_WEIGHT`): building calls the runtime once per transaction, importing once
/// per block. Three quarters of a 2 s slot lets an author fill its block; docs/PERFORMANCE.md,
/// "Slot length", has the measurements.
const BLOCK_PROPOSAL_SLOT_PORTION: f32 = 0.75;

/// GRANDPA votes this many blocks behind the best block, so that a vote does not land on a
/// fork tip BABE may still abandon (two primary authors of one slot). One 2 s block is
/// enough for a fork to be settled by the next block; upstream's default of two was set for
/// 6 s slots (docs/ARCHITECTURE.md, "Consensus").
const GRANDPA_VOTE_BEHIND_BEST: u32 = 1;

/// What block import, block authoring and RPC share.
pub struct ConsensusLinks {
	pub block_import: FullBabeBlockImport,
	pub grandpa_link: sc_consensus_grandpa::LinkHalf<Block, FullClient, FullSelectChain>,
	pub babe_link: sc_consensus_babe::BabeLink<Block>,
	pub babe_worker_handle: BabeWorkerHandle<Block>,
}

/// The parts of a node that every command needs, networking excluded.
pub type Service = sc_service::PartialComponents<
	FullClient,
	FullBackend,
	FullSelectChain,
	sc_consensus::DefaultImportQueue<Block>,
	TransactionPool,
	(ConsensusLinks, Option<Telemetry>),
>;

/// Inherent data providers for a block built on any parent: the current time and its slot.
fn slot_and_timestamp(slot_duration: sp_consensus_babe::SlotDuration) -> InherentProviders {
	Arc::new(move |_parent, ()| async move {
		let timestamp = sp_timestamp::InherentDataProvider::from_system_time();
		let slot =
			sp_consensus_babe::inherents::InherentDataProvider::from_timestamp_and_slot_duration(
				*timestamp,
				slot_duration,
			);
		Ok((slot, timestamp))
	})
}

/// Builds the client, database, transaction pool and import queue.
pub fn new_partial(config: &Configuration) -> Result<Service, ServiceError> {
	let telemetry = config
		.telemetry_endpoints
		.clone()
		.filter(|endpoints| !endpoints.is_empty())
		.map(|endpoints| -> Result<_, sc_telemetry::Error> {
			let worker = TelemetryWorker::new(16)?;
			let telemetry = worker.handle().new_telemetry(endpoints);
			Ok((worker, telemetry))
		})
		.transpose()?;

	let executor = sc_service::new_wasm_executor::<HostFunctions>(&config.executor);
	let (client, backend, keystore_container, task_manager) =
		sc_service::new_full_parts::<Block, RuntimeApi, _>(
			config,
			telemetry.as_ref().map(|(_, telemetry)| telemetry.handle()),
			executor,
			Vec::new(),
		)?;
	let client = Arc::new(client);

	let telemetry = telemetry.map(|(worker, telemetry)| {
		task_manager.spawn_handle().spawn("telemetry", None, worker.run());
		telemetry
	});

	let select_chain = sc_consensus::LongestChain::new(backend.clone());

	let transaction_pool = Arc::from(
		sc_transaction_pool::Builder::new(
			task_manager.spawn_essential_handle(),
			client.clone(),
			config.role.is_authority().into(),
		)
		.with_options(config.transaction_pool.clone())
		.with_prometheus(config.prometheus_registry())
		.build(),
	);

	let (grandpa_block_import, grandpa_link) = sc_consensus_grandpa::block_import(
		client.clone(),
		GRANDPA_JUSTIFICATION_PERIOD,
		&(client.clone() as Arc<_>),
		select_chain.clone(),
		telemetry.as_ref().map(|telemetry| telemetry.handle()),
	)?;
	let justification_import = grandpa_block_import.clone();

	let babe_config = sc_consensus_babe::configuration(&*client)?;
	let slot_duration = babe_config.slot_duration();
	let (block_import, babe_link) = sc_consensus_babe::block_import(
		babe_config,
		grandpa_block_import,
		client.clone(),
		slot_and_timestamp(slot_duration),
		select_chain.clone(),
		OffchainTransactionPoolFactory::new(transaction_pool.clone()),
	)?;

	let (import_queue, babe_worker_handle) =
		sc_consensus_babe::import_queue(sc_consensus_babe::ImportQueueParams {
			link: babe_link.clone(),
			block_import: block_import.clone(),
			justification_import: Some(Box::new(justification_import)),
			client: client.clone(),
			slot_duration,
			spawner: &task_manager.spawn_essential_handle(),
			registry: config.prometheus_registry(),
			telemetry: telemetry.as_ref().map(|telemetry| telemetry.handle()),
		})?;

	Ok(sc_service::PartialComponents {
		client,
		backend,
		task_manager,
		import_queue,
		keystore_container,
		select_chain,
		transaction_pool,
		other: (
			ConsensusLinks { block_import, grandpa_link, babe_link, babe_worker_handle },
			telemetry,
		),
	})
}

/// Builds and starts a full node: a validator when the config's role is authority.
pub fn new_full<N: sc_network::NetworkBackend<Block, <Block as BlockT>::Hash>>(
	config: Configuration,
) -> Result<TaskManager, ServiceError> {
	let sc_service::PartialComponents {
		client,
		backend,
		mut task_manager,
		import_queue,
		keystore_container,
		select_chain,
		transaction_pool,
		other: (links, mut telemetry),
	} = new_partial(&config)?;
	let ConsensusLinks { block_import, grandpa_link, babe_link, babe_worker_handle } = links;
	start_zk_verifier(&task_manager, config.prometheus_registry());
	if let Some(registry) = config.prometheus_registry() {
		match crate::chain_metrics::task(client.clone(), registry) {
			Ok(task) => task_manager.spawn_handle().spawn("sable-chain-metrics", None, task),
			Err(error) => {
				log::warn!(target: "sable-metrics", "chain metrics not registered: {error}")
			},
		}
	}

	let mut net_config = FullNetworkConfiguration::<Block, <Block as BlockT>::Hash, N>::new(
		&config.network,
		config.prometheus_registry().cloned(),
	);
	let metrics = N::register_notification_metrics(config.prometheus_registry());
	let peer_store_handle = net_config.peer_store_handle();

	let genesis_hash = client
		.block_hash(0)
		.ok()
		.flatten()
		.ok_or_else(|| ServiceError::Other("the database has no genesis block".into()))?;
	let grandpa_protocol_name =
		sc_consensus_grandpa::protocol_standard_name(&genesis_hash, &config.chain_spec);
	let (grandpa_protocol_config, grandpa_notification_service) =
		sc_consensus_grandpa::grandpa_peers_set_config::<_, N>(
			grandpa_protocol_name.clone(),
			metrics.clone(),
			peer_store_handle,
		);
	net_config.add_notification_protocol(grandpa_protocol_config);

	let warp_sync = Arc::new(sc_consensus_grandpa::warp_proof::NetworkProvider::new(
		backend.clone(),
		grandpa_link.shared_authority_set().clone(),
		Vec::default(),
	));

	let (network, system_rpc_tx, tx_handler_controller, sync_service, _bitswap) =
		sc_service::build_network(sc_service::BuildNetworkParams {
			config: &config,
			net_config,
			client: client.clone(),
			transaction_pool: transaction_pool.clone(),
			spawn_handle: task_manager.spawn_handle(),
			spawn_essential_handle: task_manager.spawn_essential_handle(),
			import_queue,
			block_announce_validator_builder: None,
			warp_sync_config: Some(WarpSyncConfig::WithProvider(warp_sync)),
			block_relay: None,
			metrics,
			gap_sync_body_policy: None,
		})?;

	if config.offchain_worker.enabled {
		let offchain_workers =
			sc_offchain::OffchainWorkers::new(sc_offchain::OffchainWorkerOptions {
				runtime_api_provider: client.clone(),
				is_validator: config.role.is_authority(),
				keystore: Some(keystore_container.keystore()),
				offchain_db: backend.offchain_storage(),
				transaction_pool: Some(OffchainTransactionPoolFactory::new(
					transaction_pool.clone(),
				)),
				network_provider: Arc::new(network.clone()),
				enable_http_requests: true,
				custom_extensions: |_| vec![],
			})?;
		task_manager.spawn_handle().spawn(
			"offchain-workers-runner",
			"offchain-worker",
			offchain_workers.run(client.clone(), task_manager.spawn_handle()).boxed(),
		);
	}

	let role = config.role;
	let force_authoring = config.force_authoring;
	let name = config.network.node_name.clone();
	let enable_grandpa = !config.disable_grandpa;
	let prometheus_registry = config.prometheus_registry().cloned();
	let shared_voter_state = SharedVoterState::empty();

	let rpc_builder = {
		let client = client.clone();
		let pool = transaction_pool.clone();
		let select_chain = select_chain.clone();
		let keystore = keystore_container.keystore();
		let shared_voter_state = shared_voter_state.clone();
		let shared_authority_set = grandpa_link.shared_authority_set().clone();
		let justification_stream = grandpa_link.justification_stream();
		let finality_provider = sc_consensus_grandpa::FinalityProofProvider::new_for_service(
			backend.clone(),
			Some(shared_authority_set.clone()),
		);

		Box::new(move |subscription_executor: sc_rpc::SubscriptionTaskExecutor| {
			let deps = crate::rpc::FullDeps {
				client: client.clone(),
				pool: pool.clone(),
				select_chain: select_chain.clone(),
				babe: crate::rpc::BabeDeps {
					babe_worker_handle: babe_worker_handle.clone(),
					keystore: keystore.clone(),
				},
				grandpa: crate::rpc::GrandpaDeps {
					shared_voter_state: shared_voter_state.clone(),
					shared_authority_set: shared_authority_set.clone(),
					justification_stream: justification_stream.clone(),
					subscription_executor,
					finality_provider: finality_provider.clone(),
				},
			};
			crate::rpc::create_full(deps).map_err(Into::into)
		})
	};

	let _rpc_handlers = sc_service::spawn_tasks(sc_service::SpawnTasksParams {
		network: network.clone(),
		client: client.clone(),
		keystore: keystore_container.keystore(),
		task_manager: &mut task_manager,
		transaction_pool: transaction_pool.clone(),
		rpc_builder,
		backend,
		system_rpc_tx,
		tx_handler_controller,
		sync_service: sync_service.clone(),
		config,
		telemetry: telemetry.as_mut(),
		tracing_execute_block: None,
	})?;

	if role.is_authority() {
		let proposer = sc_basic_authorship::ProposerFactory::new(
			task_manager.spawn_handle(),
			client.clone(),
			transaction_pool.clone(),
			prometheus_registry.as_ref(),
			telemetry.as_ref().map(|telemetry| telemetry.handle()),
		);
		let slot_duration = babe_link.config().slot_duration();
		let babe = sc_consensus_babe::start_babe(sc_consensus_babe::BabeParams {
			keystore: keystore_container.keystore(),
			client: client.clone(),
			select_chain,
			env: proposer,
			block_import,
			sync_oracle: sync_service.clone(),
			justification_sync_link: sync_service.clone(),
			create_inherent_data_providers: slot_and_timestamp(slot_duration),
			force_authoring,
			backoff_authoring_blocks: Some(
				sc_consensus_slots::BackoffAuthoringOnFinalizedHeadLagging::default(),
			),
			babe_link,
			block_proposal_slot_portion: SlotProportion::new(BLOCK_PROPOSAL_SLOT_PORTION),
			max_block_proposal_slot_portion: None,
			telemetry: telemetry.as_ref().map(|telemetry| telemetry.handle()),
		})?;
		// BABE is essential: if it stops, the node stops.
		task_manager.spawn_essential_handle().spawn_blocking(
			"babe-proposer",
			Some("block-authoring"),
			babe,
		);
	}

	if enable_grandpa {
		// Only validators need a keystore to vote; full nodes follow as observers of the
		// full voter protocol, which gives the best availability of votes.
		let keystore = role.is_authority().then(|| keystore_container.keystore());
		let grandpa_config = sc_consensus_grandpa::Config {
			gossip_duration: Duration::from_millis(333),
			justification_generation_period: GRANDPA_JUSTIFICATION_PERIOD,
			name: Some(name),
			observer_enabled: false,
			keystore,
			local_role: role,
			telemetry: telemetry.as_ref().map(|telemetry| telemetry.handle()),
			protocol_name: grandpa_protocol_name,
		};
		let grandpa_voter =
			sc_consensus_grandpa::run_grandpa_voter(sc_consensus_grandpa::GrandpaParams {
				config: grandpa_config,
				link: grandpa_link,
				network,
				sync: Arc::new(sync_service),
				notification_service: grandpa_notification_service,
				voting_rule: sc_consensus_grandpa::VotingRulesBuilder::new()
					.add(sc_consensus_grandpa::BeforeBestBlockBy(GRANDPA_VOTE_BEHIND_BEST))
					.add(sc_consensus_grandpa::ThreeQuartersOfTheUnfinalizedChain)
					.build(),
				prometheus_registry,
				shared_voter_state,
				telemetry: telemetry.as_ref().map(|telemetry| telemetry.handle()),
				offchain_tx_pool_factory: OffchainTransactionPoolFactory::new(transaction_pool),
			})?;
		// The voter is essential too: a node that cannot finalize must not pretend to.
		task_manager.spawn_essential_handle().spawn_blocking("grandpa-voter", None, grandpa_voter);
	}

	Ok(task_manager)
}
