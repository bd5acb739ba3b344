//! The `sable-provider` daemon, run by tests: a configuration file of its own (//Bob serving
//! the digits model), a free HTTP port, a data directory that outlives restarts, and plain
//! HTTP requests to it.

use std::{
	fs::File,
	io::{Read, Write},
	net::TcpStream,
	path::{Path, PathBuf},
	process::{Child, Command, Stdio},
	time::{Duration, Instant},
};

use serde_json::Value;

use super::{digits, free_port, NODE};

/// The daemon's binary, built beside the node by the workspace build.
pub fn binary() -> PathBuf {
	let path = Path::new(NODE).with_file_name("sable-provider");
	assert!(path.exists(), "{} missing: build the workspace", path.display());
	path
}

/// One SBL.
pub const SBL: u128 = 1_000_000_000_000;

/// A running daemon; killed when dropped.
pub struct Provider {
	child: Option<Child>,
	/// Its HTTP port.
	pub http_port: u16,
	/// Its configuration file.
	pub config: PathBuf,
	/// Its log (appended to across restarts).
	pub log: PathBuf,
	_dir: tempfile::TempDir,
}

impl Provider {
	/// Starts the daemon on `nodes` with `rate_limit_per_minute`, and waits until it serves
	/// HTTP (it has registered the provider and its model).
	pub fn start(nodes: &[String], rate_limit_per_minute: u32) -> Provider {
		let dir = tempfile::Builder::new().prefix("sable-provider-").tempdir().expect("temp dir");
		let key_file = dir.path().join("provider.key");
		std::fs::write(&key_file, "//Bob\n").expect("key file");
		let http_port = free_port();
		let nodes: Vec<String> = nodes.iter().map(|n| format!("{n:?}")).collect();
		let config = format!(
			"nodes = [{}]\nkey_file = {:?}\nhttp = \"127.0.0.1:{http_port}\"\ndata_dir = {:?}\n\
			 bond = \"{}\"\nrate_limit_per_minute = {rate_limit_per_minute}\n\n[[models]]\n\
			 file = {:?}\ncircuit = \"inference-64x32x10\"\nprice = \"{SBL}\"\n",
			nodes.join(", "),
			key_file,
			dir.path().join("data"),
			1_000 * SBL,
			digits::model_path(),
		);
		let config_path = dir.path().join("provider.toml");
		std::fs::write(&config_path, config).expect("config");
		let mut provider = Provider {
			child: None,
			http_port,
			config: config_path,
			log: dir.path().join("provider.log"),
			_dir: dir,
		};
		provider.restart();
		provider
	}

	/// Starts the daemon again (after [`Provider::kill`]) with the same data directory, and
	/// waits until it serves HTTP.
	pub fn restart(&mut self) {
		let log = File::options().create(true).append(true).open(&self.log).expect("log");
		let child = Command::new(binary())
			.arg("--config")
			.arg(&self.config)
			.stdout(Stdio::null())
			.stderr(log)
			.spawn()
			.expect("sable-provider starts");
		self.child = Some(child);
		let started = Instant::now();
		while self.get("/v1/models").map(|(status, _)| status) != Some(200) {
			assert!(
				started.elapsed() < Duration::from_secs(180),
				"the provider did not serve HTTP in 180 s:\n{}",
				self.log_tail()
			);
			std::thread::sleep(Duration::from_millis(200));
		}
	}

	/// SIGKILL: no chance to save anything.
	pub fn kill(&mut self) {
		if let Some(mut child) = self.child.take() {
			let _ = child.kill();
			let _ = child.wait();
		}
	}

	/// The HTTP base URL.
	pub fn url(&self) -> String {
		format!("http://127.0.0.1:{}", self.http_port)
	}

	/// The id of the model it serves.
	pub fn model_id(&self) -> u32 {
		let (_, body) = self.get("/v1/models").expect("models");
		let terms: Value = serde_json::from_str(&body).expect("terms JSON");
		terms[0]["extra"]["modelId"].as_u64().expect("a model id") as u32
	}

	/// `GET path`: the status and the body, or `None` if nothing answers.
	pub fn get(&self, path: &str) -> Option<(u16, String)> {
		let mut stream = TcpStream::connect(("127.0.0.1", self.http_port)).ok()?;
		stream.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
		write!(stream, "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
			.ok()?;
		let mut answer = String::new();
		stream.read_to_string(&mut answer).ok()?;
		let status = answer.split(' ').nth(1)?.parse().ok()?;
		let body = answer.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default();
		Some((status, body))
	}

	/// The end of its log, for failure messages.
	pub fn log_tail(&self) -> String {
		let text = std::fs::read_to_string(&self.log).unwrap_or_default();
		let lines: Vec<&str> = text.lines().collect();
		lines[lines.len().saturating_sub(40)..].join("\n")
	}
}

impl Drop for Provider {
	fn drop(&mut self) {
		self.kill();
	}
}
