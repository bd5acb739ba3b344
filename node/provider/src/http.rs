//! The HTTP API (docs/PROVIDER.md, "HTTP API"):
//!
//! - `POST /v1/infer/{model_id}`: inference paid with x402 (`sable-escrow`). Without a
//!   `PAYMENT-SIGNATURE` header it answers 402 with the terms, before reading the body.
//!   With one, the payment and the body (the sealed request) are checked against the terms
//!   before anything is submitted; the payment is recorded, submitted once however often it
//!   is sent, the job served, and the answer is the output with a `PAYMENT-RESPONSE`.
//! - `GET /v1/models`: the models served and their terms.
//! - `GET /health`: 200 while a node answers, 503 when every endpoint's breaker is open.
//! - `GET /metrics`: Prometheus.
//!
//! Limits: bodies of [`MAX_BODY`] bytes, a payment header of [`MAX_PAYMENT_HEADER`] bytes,
//! headers read within [`HEADER_TIMEOUT`], and the configured number of inference requests
//! per client address a minute (429 beyond it).

use std::{
	convert::Infallible,
	net::{IpAddr, SocketAddr},
	sync::Arc,
	time::{Duration, Instant},
};

use http_body_util::{BodyExt, Full, Limited};
use hyper::{
	body::{Bytes, Incoming},
	header::{HeaderValue, CONTENT_LENGTH, CONTENT_TYPE, HOST},
	server::conn::http1,
	service::service_fn,
	Method, Request, Response, StatusCode,
};
use hyper_util::rt::{TokioIo, TokioTimer};
use sable_wallet::{
	error::WalletError,
	failover::BreakerState,
	poi::client::argmax,
	submit,
	x402::{
		self, ErrorBody, InferRequest, InferResponse, PaymentPayload, PaymentRequired, Resource,
		SettlementResponse,
	},
};
use sable_zk_primitives::encoding::{from_hex, to_hex};
use serde::Serialize;
use tokio::net::TcpListener;

use crate::{
	chain::{extrinsic_hash, Chain},
	payment::{self, Invalid, Seller},
	rate_limit::RateLimiter,
	state::{Outcome, PaymentRecord, Stage},
	worker::Worker,
	Shared,
};

/// The longest body accepted: a sealed request of the chain's longest (2,048 bytes) in hex,
/// with room for the JSON around it.
pub const MAX_BODY: usize = 8 * 1024;
/// The longest `PAYMENT-SIGNATURE` accepted: a `create_job` with an empty request is a few
/// hundred bytes, its x402 envelope about two kilobytes in base64.
pub const MAX_PAYMENT_HEADER: usize = 8 * 1024;
/// How long a client has to send its request's headers.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);

/// Everything a request is served from.
pub struct Api {
	/// The chain.
	pub chain: Arc<Chain>,
	/// The shared state.
	pub shared: Arc<Shared>,
	/// The job server, with the models.
	pub worker: Arc<Worker>,
	/// The chain's CAIP-2 id.
	pub network: String,
	/// Blocks a job bought here has for its result.
	pub job_blocks: u32,
	limiter: RateLimiter,
}

type Reply = Response<Full<Bytes>>;

fn json_reply(status: StatusCode, body: &impl Serialize) -> Reply {
	let bytes = serde_json::to_vec(body).unwrap_or_default();
	let mut reply = Response::new(Full::new(Bytes::from(bytes)));
	*reply.status_mut() = status;
	reply.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
	reply
}

fn error_reply(status: StatusCode, reason: &str, message: impl Into<String>) -> Reply {
	json_reply(
		status,
		&ErrorBody {
			x402_version: x402::VERSION,
			invalid_reason: reason.into(),
			message: message.into(),
		},
	)
}

fn with_header(mut reply: Reply, name: &'static str, value: String) -> Reply {
	if let Ok(value) = HeaderValue::from_str(&value) {
		reply.headers_mut().insert(name, value);
	}
	reply
}

impl Api {
	/// The API over `worker`'s models.
	pub fn new(
		chain: Arc<Chain>,
		shared: Arc<Shared>,
		worker: Arc<Worker>,
		network: String,
		job_blocks: u32,
		rate_limit_per_minute: u32,
	) -> Api {
		Api {
			chain,
			shared,
			worker,
			network,
			job_blocks,
			limiter: RateLimiter::new(rate_limit_per_minute),
		}
	}

	fn seller(&self) -> Seller<'_> {
		Seller { account: &self.chain.account, network: &self.network, job_blocks: self.job_blocks }
	}

	/// Serves connections on `listener` until the process ends.
	pub async fn serve(self: Arc<Self>, listener: TcpListener) {
		loop {
			let (stream, peer) = match listener.accept().await {
				Ok(accepted) => accepted,
				Err(e) => {
					eprintln!("http: accept: {e}");
					tokio::time::sleep(Duration::from_millis(100)).await;
					continue;
				},
			};
			let api = self.clone();
			tokio::spawn(async move {
				let service = service_fn(move |request| {
					let api = api.clone();
					async move { Ok::<_, Infallible>(api.route(request, peer).await) }
				});
				let connection = http1::Builder::new()
					.timer(TokioTimer::new())
					.header_read_timeout(HEADER_TIMEOUT)
					.serve_connection(TokioIo::new(stream), service);
				if let Err(e) = connection.await {
					eprintln!("http: {peer}: {e}");
				}
			});
		}
	}

	async fn route(&self, request: Request<Incoming>, peer: SocketAddr) -> Reply {
		let path = request.uri().path().to_string();
		let (route, reply) = match (request.method(), path.as_str()) {
			(&Method::GET, "/health") => ("health", self.health().await),
			(&Method::GET, "/metrics") => ("metrics", self.metrics()),
			(&Method::GET, "/v1/models") => ("models", self.models().await),
			(method, path) if path.starts_with("/v1/infer/") => {
				let reply = if method != Method::POST {
					error_reply(
						StatusCode::METHOD_NOT_ALLOWED,
						"method_not_allowed",
						"POST a request",
					)
				} else {
					self.infer(request, peer.ip()).await
				};
				("infer", reply)
			},
			_ => (
				"other",
				error_reply(StatusCode::NOT_FOUND, "not_found", format!("no route {path}")),
			),
		};
		self.shared
			.metrics
			.http_requests
			.with_label_values(&[route, reply.status().as_str()])
			.inc();
		reply
	}

	async fn health(&self) -> Reply {
		let endpoints: Vec<_> = self
			.chain
			.endpoints
			.states()
			.into_iter()
			.map(|(url, state)| serde_json::json!({ "url": url, "breaker": format!("{state:?}").to_lowercase() }))
			.collect();
		let all_open = self.chain.endpoints.states().iter().all(|(_, s)| *s == BreakerState::Open);
		let finalized = self.shared.with_state(|s| s.cursor);
		let body = serde_json::json!({
			"status": if all_open { "unavailable" } else { "ok" },
			"provider": self.chain.account.to_string(),
			"finalized": finalized,
			"endpoints": endpoints,
		});
		let status = if all_open { StatusCode::SERVICE_UNAVAILABLE } else { StatusCode::OK };
		json_reply(status, &body)
	}

	fn metrics(&self) -> Reply {
		let mut reply = Response::new(Full::new(Bytes::from(self.shared.metrics.render())));
		reply
			.headers_mut()
			.insert(CONTENT_TYPE, HeaderValue::from_static("text/plain; version=0.0.4"));
		reply
	}

	async fn models(&self) -> Reply {
		let best = match self.chain.best_number().await {
			Ok(best) => best,
			Err(e) => {
				return error_reply(
					StatusCode::SERVICE_UNAVAILABLE,
					"node_unavailable",
					e.to_string(),
				)
			},
		};
		let terms: Vec<_> =
			self.worker.models().map(|model| payment::terms(&self.seller(), model, best)).collect();
		json_reply(StatusCode::OK, &terms)
	}

	async fn infer(&self, request: Request<Incoming>, client: IpAddr) -> Reply {
		if let Err(wait) = self.limiter.take(client, Instant::now()) {
			let reply = error_reply(
				StatusCode::TOO_MANY_REQUESTS,
				"rate_limited",
				format!("too many requests from {client}; retry in {} s", wait.as_secs() + 1),
			);
			return with_header(reply, "retry-after", (wait.as_secs() + 1).to_string());
		}
		let id = request.uri().path().trim_start_matches("/v1/infer/");
		let Ok(model_id) = id.parse::<u32>() else {
			return error_reply(
				StatusCode::NOT_FOUND,
				"not_found",
				format!("{id:?} is not a model id"),
			);
		};
		let Some(model) = self.worker.model(model_id) else {
			return error_reply(
				StatusCode::NOT_FOUND,
				"not_found",
				format!("model {model_id} is not served here"),
			);
		};
		let host = request
			.headers()
			.get(HOST)
			.and_then(|h| h.to_str().ok())
			.unwrap_or("localhost")
			.to_string();
		let resource = Resource {
			url: format!("http://{host}/v1/infer/{model_id}"),
			description: Some(format!("inference on model {model_id} ({})", model.circuit.label())),
			mime_type: Some("application/json".into()),
		};
		let best = match self.chain.best_number().await {
			Ok(best) => best,
			Err(e) => {
				return error_reply(
					StatusCode::SERVICE_UNAVAILABLE,
					"node_unavailable",
					e.to_string(),
				)
			},
		};
		let terms = payment::terms(&self.seller(), model, best);
		let required = |error: Option<String>| PaymentRequired {
			x402_version: x402::VERSION,
			error,
			resource: resource.clone(),
			accepts: vec![terms.clone()],
		};
		let refuse = |status: StatusCode, invalid: Invalid| {
			let reply = error_reply(status, invalid.reason, invalid.message.clone());
			with_header(
				reply,
				x402::PAYMENT_REQUIRED,
				x402::encode_header(&required(Some(invalid.message))),
			)
		};

		// The terms come first: the body is not read without a payment.
		let Some(header) = request.headers().get(x402::PAYMENT_SIGNATURE) else {
			let reply = error_reply(
				StatusCode::PAYMENT_REQUIRED,
				"payment_required",
				"pay with the PAYMENT-REQUIRED terms",
			);
			return with_header(
				reply,
				x402::PAYMENT_REQUIRED,
				x402::encode_header(&required(None)),
			);
		};
		if header.len() > MAX_PAYMENT_HEADER {
			return error_reply(
				StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
				"invalid_payload",
				format!(
					"PAYMENT-SIGNATURE is {} bytes; at most {MAX_PAYMENT_HEADER}",
					header.len()
				),
			);
		}
		let payment: PaymentPayload = match x402::decode_header(header.as_bytes()) {
			Ok(payment) => payment,
			Err(e) => {
				return error_reply(
					StatusCode::BAD_REQUEST,
					"invalid_payload",
					format!("PAYMENT-SIGNATURE: {e}"),
				)
			},
		};
		let declared = request
			.headers()
			.get(CONTENT_LENGTH)
			.and_then(|v| v.to_str().ok())
			.and_then(|v| v.parse::<usize>().ok());
		if declared.is_some_and(|len| len > MAX_BODY) {
			return error_reply(
				StatusCode::PAYLOAD_TOO_LARGE,
				"invalid_payload",
				format!("the body may be at most {MAX_BODY} bytes"),
			);
		}
		let body = match Limited::new(request.into_body(), MAX_BODY).collect().await {
			Ok(body) => body.to_bytes(),
			Err(_) => {
				return error_reply(
					StatusCode::PAYLOAD_TOO_LARGE,
					"invalid_payload",
					format!("the body may be at most {MAX_BODY} bytes"),
				)
			},
		};
		let sealed = match serde_json::from_slice::<InferRequest>(&body)
			.map_err(|e| e.to_string())
			.and_then(|b| from_hex(&b.request).map_err(|e| e.to_string()))
		{
			Ok(sealed) => sealed,
			Err(e) => {
				return error_reply(
					StatusCode::BAD_REQUEST,
					"invalid_payload",
					format!("the body is not {{\"request\": \"0x...\"}}: {e}"),
				)
			},
		};

		let deadline = tokio::time::Instant::now() + Duration::from_secs(terms.max_timeout_seconds);
		let key = payment_key(&payment);
		let known = self.shared.with_state(|s| s.payments.contains_key(&key));
		if !known {
			let checked = match payment::check(
				&self.seller(),
				&self.chain.pair,
				model,
				best,
				&payment,
				&sealed,
			) {
				Ok(checked) => checked,
				Err(invalid) if invalid.malformed => {
					return error_reply(StatusCode::BAD_REQUEST, invalid.reason, invalid.message)
				},
				Err(invalid) => return refuse(StatusCode::PAYMENT_REQUIRED, invalid),
			};
			let record = PaymentRecord {
				model_id,
				request: to_hex(&checked.sealed),
				input: to_hex(&checked.input),
				payer: checked.payer.to_string(),
				amount: model.price.to_string(),
				deadline: checked.deadline,
				job_id: None,
				failure: None,
			};
			// Recorded before it is submitted: the request must outlive a crash, and a
			// second copy of the same payment must find it.
			let fresh =
				match self.shared.update(|s| s.payments.insert(key.clone(), record).is_none()) {
					Ok(fresh) => fresh,
					Err(e) => {
						return error_reply(
							StatusCode::INTERNAL_SERVER_ERROR,
							"server_error",
							e.to_string(),
						)
					},
				};
			if fresh {
				let settled = tokio::time::timeout_at(
					deadline,
					self.settle_payment(&key, &checked.extrinsic),
				);
				// Without an answer in time the worker's scan still links the job, and the
				// answer below says the payment is on its way.
				if let Ok(Err(invalid)) = settled.await {
					return refuse(StatusCode::PAYMENT_REQUIRED, invalid);
				}
			}
		}
		self.answer(&key, deadline).await
	}

	/// Submits a checked payment and follows it to finality; records its job or its failure.
	async fn settle_payment(
		&self,
		key: &str,
		extrinsic: &sable_runtime::UncheckedExtrinsic,
	) -> Result<(), Invalid> {
		let outcome = self
			.chain
			.endpoints
			.call(|node| async move { submit::submit(&node, extrinsic).await })
			.await;
		let failure = match outcome {
			Ok(finalized) => {
				let job_id = finalized.events.iter().find_map(|event| match event {
					sable_runtime::RuntimeEvent::ProofOfInference(
						pallet_proof_of_inference::Event::JobCreated { job_id, .. },
					) => Some(*job_id),
					_ => None,
				});
				match job_id {
					Some(job_id) => {
						if let Ok(Some(job)) = self.chain.job(job_id).await {
							let _ = self.worker.track_job(job_id, &job);
						}
						return Ok(());
					},
					None => "the payment was finalized without creating a job".to_string(),
				}
			},
			// The node already had it, or it is on chain from an earlier copy: the worker's
			// scan links the job by its input commitment.
			Err(WalletError::Refused(refusal))
				if refusal.code == 1013
					|| refusal.data.as_deref().is_some_and(|d| d.contains("outdated")) =>
			{
				return Ok(())
			},
			Err(WalletError::Refused(refusal)) => {
				format!("the node refused the payment: {refusal}")
			},
			Err(WalletError::Failed { reason, .. }) => {
				format!("the payment failed on chain: {reason}")
			},
			// Lost connections and other errors while following it say nothing about the
			// payment itself: if it lands, the scan links its job.
			Err(e) => {
				eprintln!("following payment {key}: {e}");
				return Ok(());
			},
		};
		let _ = self.shared.update(|s| {
			if let Some(p) = s.payments.get_mut(key) {
				p.failure = Some(failure.clone());
			}
		});
		let reason =
			if failure.contains("Inability to pay") || failure.contains("InsufficientBalance") {
				"insufficient_funds"
			} else {
				"payment_failed"
			};
		Err(Invalid { reason, message: failure, malformed: false })
	}

	/// Waits for the job of payment `key` to end (until `deadline`) and answers with it.
	async fn answer(&self, key: &str, deadline: tokio::time::Instant) -> Reply {
		let mut changes = self.shared.subscribe();
		loop {
			let view = self.shared.with_state(|s| {
				let payment = s.payments.get(key)?.clone();
				let job = payment.job_id.and_then(|id| s.jobs.get(&id)).cloned();
				Some((payment, job))
			});
			let Some((payment, job)) = view else {
				return error_reply(
					StatusCode::INTERNAL_SERVER_ERROR,
					"server_error",
					"the payment's record is gone",
				);
			};
			let response =
				|success: bool, error: Option<String>, transaction: String| SettlementResponse {
					success,
					error_reason: error,
					payer: Some(payment.payer.clone()),
					transaction,
					network: self.network.clone(),
					amount: Some(payment.amount.clone()),
					job_id: payment.job_id,
				};
			if let Some(failure) = &payment.failure {
				let reply =
					error_reply(StatusCode::PAYMENT_REQUIRED, "payment_failed", failure.clone());
				let header =
					x402::encode_header(&response(false, Some(failure.clone()), String::new()));
				return with_header(reply, x402::PAYMENT_RESPONSE, header);
			}
			if let (Some(job_id), Some(job)) = (payment.job_id, &job) {
				if let Stage::Done { outcome } = &job.stage {
					let transaction = job.result_transaction.clone().unwrap_or_default();
					return match (outcome, &job.output) {
						(Outcome::Settled { block_hash }, Some(output)) => {
							let body = InferResponse {
								job_id,
								output: output.clone(),
								class: argmax(output).unwrap_or_default(),
								block_hash: block_hash.clone(),
							};
							let header = x402::encode_header(&response(true, None, transaction));
							with_header(
								json_reply(StatusCode::OK, &body),
								x402::PAYMENT_RESPONSE,
								header,
							)
						},
						(outcome, _) => {
							let why =
								format!("job {job_id} ended {}: {outcome:?}", outcome.label());
							let reply = error_reply(
								StatusCode::PAYMENT_REQUIRED,
								"not_settled",
								why.clone(),
							);
							with_header(
								reply,
								x402::PAYMENT_RESPONSE,
								x402::encode_header(&response(false, Some(why), transaction)),
							)
						},
					};
				}
			}
			let wait = tokio::time::timeout_at(deadline, changes.changed()).await;
			if wait.is_err() {
				let why = match payment.job_id {
					Some(job_id) => {
						format!("job {job_id} is still being served; follow it on chain")
					},
					None => "the payment is not finalized yet; follow it on chain".into(),
				};
				let reply = error_reply(StatusCode::GATEWAY_TIMEOUT, "timeout", why.clone());
				return with_header(
					reply,
					x402::PAYMENT_RESPONSE,
					x402::encode_header(&response(false, Some(why), String::new())),
				);
			}
		}
	}
}

/// A payment's identity: the hash of its extrinsic, or of the header if it has none
/// readable (such a payment is refused before it is recorded).
fn payment_key(payment: &PaymentPayload) -> String {
	match from_hex(&payment.payload.extrinsic) {
		Ok(bytes) => extrinsic_hash(&bytes),
		Err(_) => extrinsic_hash(payment.payload.extrinsic.as_bytes()),
	}
}
