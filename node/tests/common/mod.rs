//! Starts real `sable-node` processes on free loopback ports and talks to them over
//! JSON-RPC (HTTP) and Prometheus, with nothing but the standard library.

#![allow(dead_code)]

pub mod capture;
pub mod digits;
pub mod provider;
pub mod state;
pub mod tx;
pub mod wallet;
pub mod zk;

use std::{
	cell::RefCell,
	fs::File,
	io::{Read, Write},
	net::{TcpListener, TcpStream},
	path::{Path, PathBuf},
	process::{Child, Command, Stdio},
	time::{Duration, Instant},
};

use sable_zk_primitives::encoding::{from_hex, from_hex_array, to_hex};
use serde_json::{json, Value};

/// The node binary cargo built for these tests.
pub const NODE: &str = env!("CARGO_BIN_EXE_sable-node");

/// A port nobody listens on right now.
pub fn free_port() -> u16 {
	TcpListener::bind("127.0.0.1:0")
		.and_then(|listener| listener.local_addr())
		.map(|addr| addr.port())
		.expect("the OS hands out a free port")
}

/// A running node; killed when dropped. Its log stays in `log` for post-mortems.
pub struct Node {
	pub name: String,
	pub child: RefCell<Option<Child>>,
	pub rpc_port: u16,
	pub p2p_port: u16,
	pub prometheus_port: u16,
	pub base_path: PathBuf,
	pub log: PathBuf,
	args: Vec<String>,
	/// The temporary directory holding `base_path`, for nodes made by [`Node::dev`]; a field
	/// so that it is removed after the process is killed.
	temp_dir: Option<tempfile::TempDir>,
}

impl Node {
	/// Starts `sable-node` with `args` plus ports, base path and log file of its own.
	pub fn start(name: &str, base_path: &Path, args: &[&str]) -> Node {
		let mut node = Node {
			name: name.to_string(),
			child: RefCell::new(None),
			rpc_port: free_port(),
			p2p_port: free_port(),
			prometheus_port: free_port(),
			base_path: base_path.to_path_buf(),
			log: base_path.join(format!("{name}.log")),
			args: args.iter().map(|arg| arg.to_string()).collect(),
			temp_dir: None,
		};
		node.restart();
		node
	}

	/// A `--dev` node with `extra_args`, in a temporary directory of its own (removed when the
	/// node is dropped), returned once it has produced block 1.
	pub fn dev(name: &str, extra_args: &[&str]) -> Node {
		let dir =
			tempfile::Builder::new().prefix(&format!("sable-{name}-")).tempdir().expect("temp dir");
		let args: Vec<&str> = ["--dev"].into_iter().chain(extra_args.iter().copied()).collect();
		let mut node = Node::start(name, dir.path(), &args);
		node.temp_dir = Some(dir);
		node.wait_for("block 1", Duration::from_secs(90), |n| n.best_number().unwrap_or(0) >= 1);
		node
	}

	/// The node's WebSocket RPC address.
	pub fn ws_url(&self) -> String {
		format!("ws://127.0.0.1:{}", self.rpc_port)
	}

	/// Starts the process again with the same ports, base path and arguments.
	pub fn restart(&mut self) {
		assert!(self.child.borrow().is_none(), "{} is already running", self.name);
		std::fs::create_dir_all(&self.base_path).expect("base path can be created");
		let log = File::options()
			.create(true)
			.append(true)
			.open(&self.log)
			.expect("log file can be opened");
		let child = Command::new(NODE)
			.args(&self.args)
			.args([
				"--base-path",
				self.base_path.to_str().expect("utf8 path"),
				"--port",
				&self.p2p_port.to_string(),
				"--rpc-port",
				&self.rpc_port.to_string(),
				"--prometheus-port",
				&self.prometheus_port.to_string(),
				"--no-telemetry",
				"--no-mdns",
			])
			.stdout(Stdio::null())
			.stderr(log)
			.spawn()
			.expect("sable-node starts");
		*self.child.borrow_mut() = Some(child);
	}

	/// Kills the process (SIGKILL: the hardest way a validator can go down).
	pub fn stop(&mut self) {
		if let Some(mut child) = self.child.borrow_mut().take() {
			let _ = child.kill();
			let _ = child.wait();
		}
	}

	/// Whether the process is still alive.
	pub fn is_running(&self) -> bool {
		match self.child.borrow_mut().as_mut() {
			Some(child) => matches!(child.try_wait(), Ok(None)),
			None => false,
		}
	}

	/// The last lines of the node's log, for assertion messages.
	pub fn log_tail(&self) -> String {
		let text = std::fs::read_to_string(&self.log).unwrap_or_default();
		let lines: Vec<&str> = text.lines().collect();
		let start = lines.len().saturating_sub(30);
		format!("--- last lines of {} ---\n{}", self.log.display(), lines[start..].join("\n"))
	}

	/// One JSON-RPC call; `Err` carries the error object or the transport failure.
	pub fn rpc(&self, method: &str, params: Value) -> Result<Value, String> {
		rpc_at(self.rpc_port, method, params)
	}

	/// The body of `GET /metrics` on the Prometheus port.
	pub fn metrics(&self) -> Result<String, String> {
		http(
			self.prometheus_port,
			&format!(
				"GET /metrics HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n\r\n",
				self.prometheus_port
			),
		)
	}

	/// The number of the best block, if the node answers.
	pub fn best_number(&self) -> Option<u64> {
		let header = self.rpc("chain_getHeader", json!([])).ok()?;
		hex_number(&header["number"])
	}

	/// The number of the last finalized block, if the node answers.
	pub fn finalized_number(&self) -> Option<u64> {
		let hash = self.rpc("chain_getFinalizedHead", json!([])).ok()?;
		let header = self.rpc("chain_getHeader", json!([hash])).ok()?;
		hex_number(&header["number"])
	}

	/// Waits until `condition` holds for this node, or panics with the node's log.
	pub fn wait_for(&self, what: &str, timeout: Duration, condition: impl Fn(&Node) -> bool) {
		let deadline = Instant::now() + timeout;
		while Instant::now() < deadline {
			if condition(self) {
				return;
			}
			if !self.is_running() {
				panic!("{}: exited while waiting for {what}\n{}", self.name, self.log_tail());
			}
			std::thread::sleep(Duration::from_millis(500));
		}
		panic!(
			"{}: timed out after {:?} waiting for {what}\n{}",
			self.name,
			timeout,
			self.log_tail()
		);
	}
}

impl Drop for Node {
	fn drop(&mut self) {
		self.stop();
	}
}

/// One JSON-RPC call to the node whose RPC port is `port` (for threads, which cannot share a
/// [`Node`]); `Err` carries the error object or the transport failure.
pub fn rpc_at(port: u16, method: &str, params: Value) -> Result<Value, String> {
	let body = json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}).to_string();
	let response = http(
		port,
		&format!(
			"POST / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n\
			 Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
			body.len(),
		),
	)?;
	let reply: Value = serde_json::from_str(&response).map_err(|e| format!("{e}: {response}"))?;
	match (reply.get("result"), reply.get("error")) {
		(Some(result), None) => Ok(result.clone()),
		(_, Some(error)) => Err(error.to_string()),
		_ => Err(format!("neither result nor error: {reply}")),
	}
}

/// Sends a raw HTTP/1.1 request to 127.0.0.1:`port` and returns the response body. The
/// request's `Host` must name the port: the RPC server refuses other hosts on non-dev chains.
fn http(port: u16, request: &str) -> Result<String, String> {
	let mut stream = TcpStream::connect(("127.0.0.1", port)).map_err(|e| e.to_string())?;
	stream.set_read_timeout(Some(Duration::from_secs(30))).map_err(|e| e.to_string())?;
	stream.write_all(request.as_bytes()).map_err(|e| e.to_string())?;
	let mut response = String::new();
	stream.read_to_string(&mut response).map_err(|e| e.to_string())?;
	let (head, body) = response.split_once("\r\n\r\n").ok_or("no HTTP header end")?;
	if !head.starts_with("HTTP/1.1 200") {
		return Err(format!("{}: {body}", head.lines().next().unwrap_or_default()));
	}
	if head.to_ascii_lowercase().contains("transfer-encoding: chunked") {
		return Ok(dechunk(body));
	}
	Ok(body.to_string())
}

/// Decodes a chunked HTTP body.
fn dechunk(mut body: &str) -> String {
	let mut out = String::new();
	while let Some((size, rest)) = body.split_once("\r\n") {
		let Ok(size) = usize::from_str_radix(size.trim(), 16) else {
			break;
		};
		if size == 0 || rest.len() < size {
			break;
		}
		out.push_str(&rest[..size]);
		body = rest[size..].trim_start_matches("\r\n");
	}
	out
}

/// Runs `future` to completion on a current-thread tokio runtime, for the async RPC clients
/// (the wallet's and jsonrpsee's).
pub fn block_on<F: std::future::Future>(future: F) -> F::Output {
	tokio::runtime::Builder::new_current_thread()
		.enable_all()
		.build()
		.expect("tokio runtime")
		.block_on(future)
}

/// Parses a `"0x1a"` JSON string.
pub fn hex_number(value: &Value) -> Option<u64> {
	u64::from_str_radix(value.as_str()?.strip_prefix("0x")?, 16).ok()
}

/// Decodes a `"0x..."` JSON string into bytes.
pub fn hex_bytes(value: &Value) -> Option<Vec<u8>> {
	from_hex(value.as_str()?).ok()
}

/// Decodes a `"0x..."` JSON string of exactly `N` bytes, such as a block hash.
pub fn hex_array<const N: usize>(value: &Value) -> Option<[u8; N]> {
	from_hex_array(value.as_str()?).ok()
}

/// Free balance of `who` at the best block (0 for an account that does not exist).
pub fn free_balance(node: &Node, who: &sable_runtime::AccountId) -> sable_runtime::Balance {
	use codec::Decode;
	let key = frame_system::Account::<sable_runtime::Runtime>::hashed_key_for(who);
	let value = node.rpc("state_getStorage", json!([to_hex(&key)])).expect("storage");
	let Some(bytes) = hex_bytes(&value) else {
		return 0;
	};
	let info = frame_system::AccountInfo::<u32, pallet_balances::AccountData<sable_runtime::Balance>>::decode(
		&mut &bytes[..],
	)
	.expect("AccountInfo decodes");
	info.data.free
}

/// The number of the first block that satisfies `found` (given the `chain_getBlock` JSON),
/// walking back from the block with hash `from` through at most `depth` blocks.
pub fn find_block(
	node: &Node,
	from: Value,
	depth: usize,
	found: impl Fn(&Value) -> bool,
) -> Option<u64> {
	let mut hash = from;
	for _ in 0..depth {
		let block = node.rpc("chain_getBlock", json!([hash])).ok()?;
		let header = &block["block"]["header"];
		if found(&block) {
			return hex_number(&header["number"]);
		}
		hash = header["parentHash"].clone();
	}
	None
}

/// The block extrinsics (hex) of a `chain_getBlock` answer.
pub fn extrinsics_of(block: &Value) -> &[Value] {
	block["block"]["extrinsics"].as_array().map_or(&[], Vec::as_slice)
}

/// Finds the block, at or below the finalized head, whose extrinsics include `extrinsic`.
pub fn finalized_block_with(node: &Node, extrinsic: &str) -> Option<u64> {
	let head = node.rpc("chain_getFinalizedHead", json!([])).ok()?;
	find_block(node, head, 30, |block| {
		extrinsics_of(block).iter().any(|x| x.as_str() == Some(extrinsic))
	})
}

/// Leaves in the shielded pool's tree at block `at` (a hash, or `null` for the best block);
/// 0 if the node does not answer.
pub fn leaf_count(node: &Node, at: Value) -> u64 {
	node.rpc("zk_treeState", json!([at]))
		.ok()
		.and_then(|state| state["leafCount"].as_u64())
		.unwrap_or(0)
}

/// Sum of the samples of metric `name` whose labels include every one of `labels`.
pub fn metric_sum(metrics: &str, name: &str, labels: &[&str]) -> f64 {
	metrics
		.lines()
		.filter(|line| {
			line.starts_with(&format!("{name}{{")) || line.starts_with(&format!("{name} "))
		})
		.filter(|line| labels.iter().all(|label| line.contains(label)))
		.filter_map(|line| line.rsplit(' ').next()?.parse::<f64>().ok())
		.sum()
}
