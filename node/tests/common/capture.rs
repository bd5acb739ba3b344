//! A TCP proxy in front of a node's RPC port that records every byte its clients send, and
//! reads the WebSocket messages back out of them (client frames are masked): what a node
//! learns from a client, for tests that assert what it must not learn.

use std::{
	io::{Read, Write},
	net::{Shutdown, TcpListener, TcpStream},
	sync::{
		atomic::{AtomicBool, Ordering},
		Arc, Mutex,
	},
};

use serde_json::Value;

/// What one client connection sent, in order.
type Recording = Arc<Mutex<Vec<u8>>>;

/// A recording proxy to `127.0.0.1:<target>`; it stops accepting when dropped.
pub struct RpcCapture {
	/// The loopback port clients connect to (handed out by the OS, like the nodes' ports).
	pub port: u16,
	connections: Arc<Mutex<Vec<Recording>>>,
	stopped: Arc<AtomicBool>,
}

impl RpcCapture {
	/// Listens on a free loopback port and forwards each connection to the node's RPC port
	/// `target`, recording what the client sends before forwarding it. A request is thus
	/// recorded before the node can answer it.
	pub fn start(target: u16) -> RpcCapture {
		let listener = TcpListener::bind("127.0.0.1:0").expect("a free loopback port");
		let port = listener.local_addr().expect("bound").port();
		let connections = Arc::new(Mutex::new(Vec::<Recording>::new()));
		let stopped = Arc::new(AtomicBool::new(false));
		let (accepted, stop) = (connections.clone(), stopped.clone());
		std::thread::spawn(move || {
			for client in listener.incoming() {
				if stop.load(Ordering::SeqCst) {
					break;
				}
				let Ok(client) = client else { continue };
				let Ok(node) = TcpStream::connect(("127.0.0.1", target)) else { continue };
				let recording = Recording::default();
				accepted.lock().expect("not poisoned").push(recording.clone());
				forward(client, node, recording);
			}
		});
		RpcCapture { port, connections, stopped }
	}

	/// The proxy's WebSocket address, for the client.
	pub fn ws_url(&self) -> String {
		format!("ws://127.0.0.1:{}", self.port)
	}

	/// The bytes each connection sent so far, as sent (WebSocket payloads still masked).
	pub fn raw(&self) -> Vec<Vec<u8>> {
		let connections = self.connections.lock().expect("not poisoned");
		connections.iter().map(|c| c.lock().expect("not poisoned").clone()).collect()
	}

	/// What each connection sent, readable: its HTTP request head, then the unmasked payload
	/// of every WebSocket message, one a line.
	pub fn plain(&self) -> Vec<Vec<u8>> {
		self.raw()
			.iter()
			.map(|bytes| {
				let (head, messages) = websocket_messages(bytes);
				let mut plain = head.to_vec();
				for message in messages {
					plain.push(b'\n');
					plain.extend(message);
				}
				plain
			})
			.collect()
	}

	/// The JSON-RPC requests each connection sent over WebSocket, in order.
	pub fn requests(&self) -> Vec<Vec<Value>> {
		self.raw()
			.iter()
			.map(|bytes| {
				let (_, messages) = websocket_messages(bytes);
				messages
					.iter()
					.map(|message| {
						serde_json::from_slice(message).unwrap_or_else(|e| {
							panic!("{e}: not JSON: {}", String::from_utf8_lossy(message))
						})
					})
					.collect()
			})
			.collect()
	}
}

impl Drop for RpcCapture {
	fn drop(&mut self) {
		self.stopped.store(true, Ordering::SeqCst);
		// Wakes the accept loop so that it sees the flag.
		let _ = TcpStream::connect(("127.0.0.1", self.port));
	}
}

/// Copies `client` to `node` (recording it) and `node` to `client`, each on a thread of its
/// own, until either side closes.
fn forward(mut client: TcpStream, mut node: TcpStream, recording: Recording) {
	let (Ok(mut client_back), Ok(mut node_back)) = (client.try_clone(), node.try_clone()) else {
		return;
	};
	std::thread::spawn(move || {
		let mut buffer = [0u8; 16 * 1024];
		loop {
			match client.read(&mut buffer) {
				Ok(0) | Err(_) => break,
				Ok(n) => {
					recording.lock().expect("not poisoned").extend_from_slice(&buffer[..n]);
					if node.write_all(&buffer[..n]).is_err() {
						break;
					}
				},
			}
		}
		let _ = node.shutdown(Shutdown::Write);
	});
	std::thread::spawn(move || {
		let _ = std::io::copy(&mut node_back, &mut client_back);
		let _ = client_back.shutdown(Shutdown::Write);
	});
}

/// Splits what a WebSocket client sent into its HTTP upgrade request head and its data
/// messages (text or binary, fragments joined), unmasked (RFC 6455, section 5.2). Control
/// frames are skipped; an incomplete last frame is left out.
pub fn websocket_messages(bytes: &[u8]) -> (&[u8], Vec<Vec<u8>>) {
	let Some(end) = bytes.windows(4).position(|w| w == b"\r\n\r\n") else {
		return (bytes, Vec::new());
	};
	let (head, mut rest) = bytes.split_at(end + 4);
	let (mut messages, mut message) = (Vec::new(), Vec::new());
	while rest.len() >= 2 {
		let (fin, rsv1, opcode) = (rest[0] & 0x80 != 0, rest[0] & 0x40 != 0, rest[0] & 0x0f);
		assert!(!rsv1, "a compressed frame: negotiate no permessage-deflate to read it");
		let masked = rest[1] & 0x80 != 0;
		let (length, mut start) = match rest[1] & 0x7f {
			126 if rest.len() >= 4 => (u64::from(u16::from_be_bytes([rest[2], rest[3]])), 4),
			127 if rest.len() >= 10 => {
				(u64::from_be_bytes(rest[2..10].try_into().expect("8 bytes")), 10)
			},
			126 | 127 => break,
			length => (u64::from(length), 2),
		};
		let mask = if masked {
			let Some(mask) = rest.get(start..start + 4) else { break };
			start += 4;
			[mask[0], mask[1], mask[2], mask[3]]
		} else {
			[0; 4]
		};
		let end = start + length as usize;
		let Some(payload) = rest.get(start..end) else { break };
		if opcode < 8 {
			message.extend(payload.iter().enumerate().map(|(i, byte)| byte ^ mask[i % 4]));
			if fin {
				messages.push(std::mem::take(&mut message));
			}
		}
		rest = &rest[end..];
	}
	(head, messages)
}
