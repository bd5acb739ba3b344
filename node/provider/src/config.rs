//! What the daemon serves and where (docs/PROVIDER.md, "Configuration"): a TOML file, or the
//! dev defaults of `--dev`, with the command line's `--node`, `--http` and `--data-dir` over
//! either.

use std::{
	net::SocketAddr,
	path::{Path, PathBuf},
};

use clap::Parser;
use serde::Deserialize;

/// The command line.
#[derive(Parser, Debug)]
#[command(name = "sable-provider", version, about = "Sable's proof-of-inference provider daemon")]
pub struct Cli {
	/// The configuration file (TOML; docs/PROVIDER.md).
	#[arg(long, required_unless_present = "dev", conflicts_with = "dev")]
	pub config: Option<PathBuf>,
	/// Serve a dev chain: //Bob, the digits model, HTTP on 127.0.0.1:8402, the node at
	/// ws://127.0.0.1:9944.
	#[arg(long)]
	pub dev: bool,
	/// A node's WebSocket RPC endpoint, tried in the order given (repeatable; replaces the
	/// configuration's).
	#[arg(long = "node")]
	pub nodes: Vec<String>,
	/// Where the HTTP API listens.
	#[arg(long)]
	pub http: Option<SocketAddr>,
	/// Where the daemon keeps its state.
	#[arg(long)]
	pub data_dir: Option<PathBuf>,
}

/// A model the daemon serves.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ModelConfig {
	/// Its file (the format of `models/digits/model.json`).
	pub file: PathBuf,
	/// The circuit that proves it, as `sable model register` names it.
	pub circuit: String,
	/// Its price per job, smallest units.
	pub price: Amount,
	/// A model already registered on chain by this account; otherwise the daemon registers
	/// the file itself (and keeps the commitment's salt in its data directory).
	#[serde(default)]
	pub model_id: Option<u32>,
	/// The salt of an already registered model's commitment, `0x` hex (zero if not given
	/// and the daemon did not register it).
	#[serde(default)]
	pub salt: Option<String>,
}

/// An amount in smallest units, written as a string or an integer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Amount(pub u128);

impl<'de> Deserialize<'de> for Amount {
	fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Amount, D::Error> {
		#[derive(Deserialize)]
		#[serde(untagged)]
		enum Raw {
			Text(String),
			Number(u64),
		}
		match Raw::deserialize(deserializer)? {
			Raw::Number(n) => Ok(Amount(n.into())),
			Raw::Text(text) => text.parse().map(Amount).map_err(|_| {
				serde::de::Error::custom(format!("{text:?} is not an amount in smallest units"))
			}),
		}
	}
}

/// Where the provider's secret comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Key {
	/// A file holding its secret URI.
	File(PathBuf),
	/// A secret URI given directly (dev chains only).
	Uri(String),
}

fn default_http() -> SocketAddr {
	SocketAddr::from(([127, 0, 0, 1], 8402))
}

/// Three minutes of blocks (90 at 2 s slots): room for a queue of about 80 digits proofs
/// after the payment's finality and `worker::SERVE_BLOCKS` (docs/PROVIDER.md, "`job_blocks`").
fn default_job_blocks() -> u32 {
	(180_000 / sable_runtime::MILLISECS_PER_BLOCK) as u32
}

fn default_rate_limit() -> u32 {
	60
}

/// The configuration file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
	nodes: Vec<String>,
	key_file: PathBuf,
	#[serde(default = "default_http")]
	http: SocketAddr,
	data_dir: PathBuf,
	bond: Amount,
	#[serde(default = "default_job_blocks")]
	job_blocks: u32,
	#[serde(default = "default_rate_limit")]
	rate_limit_per_minute: u32,
	models: Vec<ModelConfig>,
}

/// The daemon's configuration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
	/// Nodes, tried in order.
	pub nodes: Vec<String>,
	/// The provider's account.
	pub key: Key,
	/// Where the HTTP API listens.
	pub http: SocketAddr,
	/// Where the daemon keeps its state.
	pub data_dir: PathBuf,
	/// The bond to hold when the account is not a provider yet.
	pub bond: u128,
	/// How many blocks a job bought over HTTP has for its result (its deadline is this far
	/// past the best block when the terms are offered).
	pub job_blocks: u32,
	/// Paid requests one client (IP address) may send per minute.
	pub rate_limit_per_minute: u32,
	/// The models served.
	pub models: Vec<ModelConfig>,
}

/// Why the configuration cannot be used.
#[derive(Debug)]
pub struct ConfigError(pub String);

impl std::fmt::Display for ConfigError {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		f.write_str(&self.0)
	}
}

/// One SBL in smallest units.
const SBL: u128 = 1_000_000_000_000;

impl Config {
	/// The dev defaults: //Bob serves the digits model of `repository` (the checkout's
	/// `models/digits/model.json`) at 1 SBL a job with a 1,000 SBL bond.
	pub fn dev(repository: &Path) -> Config {
		Config {
			nodes: vec!["ws://127.0.0.1:9944".into()],
			key: Key::Uri("//Bob".into()),
			http: default_http(),
			data_dir: std::env::temp_dir().join("sable-provider-dev"),
			bond: 1_000 * SBL,
			job_blocks: default_job_blocks(),
			rate_limit_per_minute: default_rate_limit(),
			models: vec![ModelConfig {
				file: repository.join("models/digits/model.json"),
				circuit: "inference-64x32x10".into(),
				price: Amount(SBL),
				model_id: None,
				salt: None,
			}],
		}
	}

	/// The configuration in TOML `text`.
	pub fn parse(text: &str) -> Result<Config, ConfigError> {
		let file: File = toml::from_str(text).map_err(|e| ConfigError(e.to_string()))?;
		let config = Config {
			nodes: file.nodes,
			key: Key::File(file.key_file),
			http: file.http,
			data_dir: file.data_dir,
			bond: file.bond.0,
			job_blocks: file.job_blocks,
			rate_limit_per_minute: file.rate_limit_per_minute,
			models: file.models,
		};
		config.check()?;
		Ok(config)
	}

	/// The configuration the command line asks for.
	pub fn from_cli(cli: &Cli) -> Result<Config, ConfigError> {
		let mut config = match &cli.config {
			Some(path) => {
				let text = std::fs::read_to_string(path)
					.map_err(|e| ConfigError(format!("{}: {e}", path.display())))?;
				Config::parse(&text).map_err(|e| ConfigError(format!("{}: {e}", path.display())))?
			},
			None => Config::dev(&repository()),
		};
		if !cli.nodes.is_empty() {
			config.nodes = cli.nodes.clone();
		}
		if let Some(http) = cli.http {
			config.http = http;
		}
		if let Some(dir) = &cli.data_dir {
			config.data_dir = dir.clone();
		}
		config.check()?;
		Ok(config)
	}

	fn check(&self) -> Result<(), ConfigError> {
		if self.nodes.is_empty() {
			return Err(ConfigError("`nodes` is empty: give at least one node endpoint".into()));
		}
		if self.models.is_empty() {
			return Err(ConfigError("no `[[models]]`: the daemon would serve nothing".into()));
		}
		if self.job_blocks < MIN_JOB_BLOCKS {
			return Err(ConfigError(format!(
				"job_blocks is {}: a job needs at least {MIN_JOB_BLOCKS} blocks to be accepted, \
				 proven and settled",
				self.job_blocks
			)));
		}
		if self.rate_limit_per_minute == 0 {
			return Err(ConfigError("rate_limit_per_minute is 0: nothing could be bought".into()));
		}
		Ok(())
	}

	/// The provider's secret URI.
	pub fn secret_uri(&self) -> Result<String, ConfigError> {
		match &self.key {
			Key::Uri(uri) => Ok(uri.clone()),
			Key::File(path) => std::fs::read_to_string(path)
				.map(|text| text.trim().to_string())
				.map_err(|e| ConfigError(format!("key_file {}: {e}", path.display()))),
		}
	}
}

/// The fewest blocks a job bought over HTTP may have: the payment's inclusion and finality
/// (about three blocks), then what serving takes (`worker::SERVE_BLOCKS`: the acceptance,
/// the proof and the result, with two to spare), and three more for a retry: 14 blocks at
/// 2 s slots.
pub const MIN_JOB_BLOCKS: u32 = 3 + crate::worker::SERVE_BLOCKS as u32 + 3;

/// The checkout the binary was built from, for `--dev`'s bundled model.
fn repository() -> PathBuf {
	Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

#[cfg(test)]
mod tests {
	use super::*;

	const EXAMPLE: &str = include_str!("../../../scripts/release/provider.example.toml");

	#[test]
	fn the_shipped_example_parses() {
		let config = Config::parse(EXAMPLE).expect("the example");
		assert_eq!(config.nodes, ["ws://127.0.0.1:9944"]);
		assert_eq!(config.key, Key::File("/etc/sable/provider.key".into()));
		assert_eq!(config.http, default_http());
		assert_eq!(config.bond, 1_000 * SBL);
		assert_eq!(config.job_blocks, 90);
		assert_eq!(config.models.len(), 1);
		assert_eq!(config.models[0].price, Amount(SBL));
		assert_eq!(config.models[0].circuit, "inference-64x32x10");
		assert_eq!(config.models[0].model_id, None);
	}

	#[test]
	fn bad_files_are_refused_with_the_reason() {
		let refused = |text: &str| Config::parse(text).expect_err("refused").0;
		let without_models = EXAMPLE.split("[[models]]").next().expect("head");
		assert!(refused(without_models).contains("missing field `models`"));
		assert!(refused(&format!("{without_models}models = []")).contains("no `[[models]]`"));
		assert!(refused(&EXAMPLE.replace("nodes = [\"ws://127.0.0.1:9944\"]", "nodes = []"))
			.contains("`nodes` is empty"));
		assert!(
			refused(&format!("colour = \"blue\"\n{EXAMPLE}")).contains("unknown field `colour`")
		);
		assert!(refused(&EXAMPLE.replace("price = \"1000000000000\"", "price = \"one\""))
			.contains("\"one\" is not an amount"));
		assert!(refused(&format!("job_blocks = 3\n{EXAMPLE}")).contains("at least 14 blocks"));
	}

	#[test]
	fn the_command_line_overrides_the_dev_defaults() {
		let cli = Cli::parse_from([
			"sable-provider",
			"--dev",
			"--node",
			"ws://a:1",
			"--node",
			"ws://b:2",
			"--http",
			"127.0.0.1:9000",
			"--data-dir",
			"/tmp/p",
		]);
		let config = Config::from_cli(&cli).expect("dev");
		assert_eq!(config.nodes, ["ws://a:1", "ws://b:2"]);
		assert_eq!(config.http.port(), 9000);
		assert_eq!(config.data_dir, PathBuf::from("/tmp/p"));
		assert_eq!(config.key, Key::Uri("//Bob".into()));
		assert!(config.models[0].file.ends_with("models/digits/model.json"));
		assert!(Cli::try_parse_from(["sable-provider"]).is_err(), "--config or --dev");
	}
}
