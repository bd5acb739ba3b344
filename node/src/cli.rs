//! Command-line interface of `sable-node`, following sc-cli's conventions.

/// Sable node.
#[derive(Debug, clap::Parser)]
#[command(version, about)]
pub struct Cli {
	#[command(subcommand)]
	pub subcommand: Option<Subcommand>,

	#[clap(flatten)]
	pub run: sc_cli::RunCmd,

	#[clap(flatten)]
	pub zk_pool: ZkPoolParams,
}

/// How the transaction pool verifies unsigned shielded transactions (`docs/zk.md`,
/// "Floods").
#[derive(Debug, Clone, clap::Args)]
pub struct ZkPoolParams {
	/// Milliseconds of proof verification per second the transaction pool may spend on
	/// unsigned shielded transactions it has not verified before (it may spend up to two
	/// seconds' worth at once). Past it, they are refused unverified until the budget refills;
	/// block import and authoring are never limited.
	#[arg(
		long,
		value_name = "MS",
		default_value_t = sable_zk_host::native::DEFAULT_POOL_BUDGET_MS
	)]
	pub zk_pool_verification_budget: u32,

	/// Admit unsigned shielded transactions into the pool without verifying their proofs, and
	/// so relay invalid ones to peers: this plays a malicious peer in flood tests. Refused
	/// together with `--validator`.
	#[arg(long)]
	pub unsafe_zk_pool_admit_unverified: bool,
}

/// Everything `sable-node` does besides running a node.
#[derive(Debug, clap::Subcommand)]
#[allow(clippy::large_enum_variant)]
pub enum Subcommand {
	/// Key management: generate, inspect, insert keys and node keys.
	#[command(subcommand)]
	Key(sc_cli::KeySubcommand),

	/// Build a chain specification (zombienet still uses this form).
	BuildSpec(sc_cli::BuildSpecCmd),

	/// Export the chain specification of `--chain`.
	ExportChainSpec(sc_cli::ExportChainSpecCmd),

	/// Validate blocks.
	CheckBlock(sc_cli::CheckBlockCmd),

	/// Export blocks.
	ExportBlocks(sc_cli::ExportBlocksCmd),

	/// Export the state of a given block into a chain spec.
	ExportState(sc_cli::ExportStateCmd),

	/// Import blocks.
	ImportBlocks(sc_cli::ImportBlocksCmd),

	/// Remove the whole chain.
	PurgeChain(sc_cli::PurgeChainCmd),

	/// Revert the chain to a previous state.
	Revert(sc_cli::RevertCmd),

	/// Runtime and node benchmarks.
	#[command(subcommand)]
	Benchmark(frame_benchmarking_cli::BenchmarkCmd),

	/// Database meta columns information.
	ChainInfo(sc_cli::ChainInfoCmd),

	/// Check that this node can execute a runtime (a wasm file) before it is proposed as an
	/// upgrade: every host function it imports is provided, and it instantiates.
	CheckRuntime(crate::runtime_check::CheckRuntimeCmd),
}
