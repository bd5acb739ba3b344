//! A small HTTP/1.1 client (hyper) for `sable infer`: one request per connection to an
//! `http://` URL, with a deadline. (A provider behind TLS is reached through its operator's
//! reverse proxy; docs/PROVIDER.md says why the wallet speaks plain HTTP only.)

use std::time::Duration;

use http_body_util::{BodyExt, Full, Limited};
use hyper::{body::Bytes, header::HeaderMap, Method, Request, Uri};
use hyper_util::rt::TokioIo;

use crate::error::{Result, WalletError};

/// The longest answer read.
const MAX_ANSWER: usize = 1 << 20;

/// An answer.
#[derive(Debug)]
pub struct Answer {
	/// Its status code.
	pub status: u16,
	/// Its headers.
	pub headers: HeaderMap,
	/// Its body.
	pub body: Vec<u8>,
}

impl Answer {
	/// Header `name` as text, if present.
	pub fn header(&self, name: &str) -> Option<&str> {
		self.headers.get(name).and_then(|value| value.to_str().ok())
	}
}

/// POSTs `body` to `url` with `headers`, and reads the answer, all within `timeout`.
/// [`WalletError::Unreachable`] if the server cannot be reached or does not answer in time.
pub async fn post(
	url: &str,
	headers: &[(&str, String)],
	body: Vec<u8>,
	timeout: Duration,
) -> Result<Answer> {
	let unreachable = |why: String| WalletError::Unreachable(url.into(), why);
	let uri: Uri =
		url.parse().map_err(|e| WalletError::Input(format!("{url} is not a URL: {e}")))?;
	if uri.scheme_str() != Some("http") {
		return Err(WalletError::Input(format!("{url}: only http:// URLs are supported")));
	}
	let host = uri.host().ok_or_else(|| WalletError::Input(format!("{url} has no host")))?;
	let address = format!("{host}:{}", uri.port_u16().unwrap_or(80));
	let exchange = async {
		let stream = tokio::net::TcpStream::connect(&address)
			.await
			.map_err(|e| unreachable(e.to_string()))?;
		let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
			.await
			.map_err(|e| unreachable(e.to_string()))?;
		tokio::spawn(connection);
		let mut request = Request::builder()
			.method(Method::POST)
			.uri(uri.path_and_query().map(|p| p.as_str()).unwrap_or("/"))
			.header("host", uri.authority().map(|a| a.as_str()).unwrap_or(host))
			.header("content-type", "application/json");
		for (name, value) in headers {
			request = request.header(*name, value);
		}
		let request = request
			.body(Full::new(Bytes::from(body)))
			.map_err(|e| WalletError::Input(format!("cannot build the request: {e}")))?;
		let answer = sender.send_request(request).await.map_err(|e| unreachable(e.to_string()))?;
		let status = answer.status().as_u16();
		let headers = answer.headers().clone();
		let body = Limited::new(answer.into_body(), MAX_ANSWER)
			.collect()
			.await
			.map_err(|e| unreachable(format!("reading the answer: {e}")))?
			.to_bytes()
			.to_vec();
		Ok(Answer { status, headers, body })
	};
	tokio::time::timeout(timeout, exchange)
		.await
		.map_err(|_| unreachable(format!("no answer within {} s", timeout.as_secs())))?
}
