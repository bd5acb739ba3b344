//! `sable infer URL INPUT --from SURI`: one inference bought over HTTP with x402
//! (docs/PROVIDER.md, "The `sable-escrow` scheme"). The wallet
//!
//! 1. asks for the terms (402 and `PAYMENT-REQUIRED`) and checks them against the chain:
//!    the network, the model's commitment, key, provider and price;
//! 2. seals its input to the model's key, records the request's secrets (so that `sable job
//!    result` can read the job later), and signs a `create_job` for exactly those terms;
//! 3. sends it as `PAYMENT-SIGNATURE` with the sealed request as the body, again with the
//!    same payment if the provider cannot be reached (the provider creates one job per
//!    payment however often it is sent);
//! 4. decrypts the job's result on chain with its own delivery key and prints the output
//!    only if it is the one the provider answered with. Without an answer in time it
//!    follows the job on chain until it settles or its deadline passes.

use std::{
	future::Future,
	io::{IsTerminal, Write},
	path::Path,
	time::{Duration, Instant},
};

use pallet_proof_of_inference_rpc::JobJson;
use sable_runtime::{AccountId, RuntimeCall};
use sable_wallet::{
	error::{Result, WalletError},
	extrinsic,
	failover::{BreakerConfig, Endpoints},
	http_client::{self, Answer},
	poi::{
		circuits::Circuit,
		client::{self, Delivered},
		secrets::Secrets,
	},
	submit,
	x402::{
		self, ErrorBody, EscrowPayload, InferRequest, InferResponse, PaymentPayload,
		PaymentRequired, PaymentRequirements, SettlementResponse,
	},
};
use sable_zk_primitives::encoding::to_hex;
use serde_json::json;
use sp_core::Pair;

use super::{Context, Reply};

/// Attempts to reach the provider before giving up.
const ATTEMPTS: u32 = 6;

/// Runs `work`, with a ticking line on a terminal and a plain line otherwise.
async fn progress<T>(what: &str, work: impl Future<Output = T>) -> T {
	let started = Instant::now();
	let terminal = std::io::stderr().is_terminal();
	if !terminal {
		eprintln!("{what}...");
		return work.await;
	}
	tokio::pin!(work);
	let mut tick = tokio::time::interval(Duration::from_millis(200));
	loop {
		tokio::select! {
			result = &mut work => {
				eprintln!("\r{what}: {:.1}s", started.elapsed().as_secs_f32());
				return result;
			},
			_ = tick.tick() => {
				eprint!("\r{what} {:.1}s", started.elapsed().as_secs_f32());
				let _ = std::io::stderr().flush();
			},
		}
	}
}

/// POSTs to the provider, retrying with backoff (1, 2, 4, 8, 16 s) while it cannot be
/// reached: a paid request is sent again with the same payment, which creates no second job.
async fn post(
	url: &str,
	headers: &[(&str, String)],
	body: &[u8],
	timeout: Duration,
) -> Result<Answer> {
	let mut attempt = 1;
	loop {
		match http_client::post(url, headers, body.to_vec(), timeout).await {
			Err(WalletError::Unreachable(_, why)) if attempt < ATTEMPTS => {
				let delay = Duration::from_secs(1 << (attempt - 1));
				eprintln!("the provider at {url} is unreachable ({why}); retrying in {delay:?}");
				tokio::time::sleep(delay).await;
				attempt += 1;
			},
			Err(WalletError::Unreachable(_, why)) => {
				return Err(WalletError::Unreachable(url.into(), format!("the provider: {why}")))
			},
			other => return other,
		}
	}
}

fn error_body(answer: &Answer) -> String {
	match serde_json::from_slice::<ErrorBody>(&answer.body) {
		Ok(body) => format!("{}: {}", body.invalid_reason, body.message),
		Err(_) => String::from_utf8_lossy(&answer.body).chars().take(300).collect(),
	}
}

/// The `sable-escrow` terms of a 402 answer.
fn terms(answer: &Answer) -> Result<(PaymentRequired, PaymentRequirements)> {
	if answer.status != 402 {
		return Err(WalletError::Input(format!(
			"the provider answered {} to an unpaid request, not 402: {}",
			answer.status,
			error_body(answer)
		)));
	}
	let header = answer.header(x402::PAYMENT_REQUIRED).ok_or_else(|| {
		WalletError::Input("the provider's 402 has no PAYMENT-REQUIRED header".into())
	})?;
	let required: PaymentRequired = x402::decode_header(header.as_bytes())
		.map_err(|e| WalletError::Input(format!("the provider's PAYMENT-REQUIRED: {e}")))?;
	let requirements =
		required.accepts.iter().find(|r| r.scheme == x402::SCHEME).cloned().ok_or_else(|| {
			WalletError::Input(format!("the provider does not accept the {} scheme", x402::SCHEME))
		})?;
	Ok((required, requirements))
}

/// Checks the terms against what the chain says of the model.
fn check_terms(
	terms: &PaymentRequirements,
	network: &str,
	model: &pallet_proof_of_inference_rpc::ModelJson,
) -> Result<u128> {
	let refuse =
		|why: String| Err(WalletError::Input(format!("the provider's terms do not hold: {why}")));
	if terms.network != network {
		return refuse(format!("network {} is not this node's {network}", terms.network));
	}
	if terms.asset != x402::ASSET {
		return refuse(format!("asset {} is not {}", terms.asset, x402::ASSET));
	}
	if terms.extra.model_commitment != to_hex(&model.commitment.0) {
		return refuse(format!(
			"model {}'s commitment is not the one on chain",
			terms.extra.model_id
		));
	}
	if terms.extra.encryption_key != to_hex(&model.encryption_key.0) {
		return refuse(format!("model {}'s key is not the one on chain", terms.extra.model_id));
	}
	if terms.pay_to != model.provider {
		return refuse(format!(
			"payTo {} is not the model's provider {}",
			terms.pay_to, model.provider
		));
	}
	if model.retired {
		return refuse(format!("model {} is retired", terms.extra.model_id));
	}
	if terms.amount != model.price {
		return refuse(format!(
			"the amount {} is not the model's price {}",
			terms.amount, model.price
		));
	}
	terms
		.amount
		.parse()
		.map_err(|_| WalletError::Input(format!("the amount {:?} is not a number", terms.amount)))
}

/// Runs `sable infer`.
pub(crate) async fn run(
	context: &Context,
	url: &str,
	input: &Path,
	from: &str,
	timeout: u64,
) -> Result<Reply> {
	let signer = submit::pair_from_suri(from)?;
	let input_file =
		std::fs::read(input).map_err(|e| WalletError::Io(input.display().to_string(), e))?;
	let nodes = Endpoints::new(&context.nodes, BreakerConfig::default())?;
	let timeout = Duration::from_secs(timeout.max(1));

	let (required, terms) = terms(&post(url, &[], b"", timeout).await?)?;
	let model_id = terms.extra.model_id;
	let payer = &AccountId::from(signer.public());
	let (network, model, best, context_for_signing, nonce) = nodes
		.call(|node| async move {
			let genesis = node.genesis_hash().await?;
			let model = node.model(model_id).await?;
			let best = node.best_number().await?;
			let signing = node.chain_context().await?;
			let nonce = node.next_index(payer).await?;
			Ok((x402::network(&genesis.0), model, best, signing, nonce))
		})
		.await?;
	let model =
		model.ok_or_else(|| WalletError::Input(format!("the chain has no model {model_id}")))?;
	let amount = check_terms(&terms, &network, &model)?;
	if u64::from(terms.extra.deadline) <= best {
		return Err(WalletError::Input(format!(
			"the terms' deadline #{} has passed (the best block is #{best})",
			terms.extra.deadline
		)));
	}
	let circuit = Circuit::of_model(model_id, model.circuit, model.circuit_version)?;
	let prepared = client::prepare(model_id, &model, &circuit, &input_file, &mut rand::rng())?;
	let call = prepared.off_chain_call(model_id, amount, terms.extra.deadline);
	let extrinsic = extrinsic::signed(
		&context_for_signing,
		RuntimeCall::ProofOfInference(call),
		&signer,
		nonce,
	);
	// The secrets are recorded before the payment leaves: without them the result cannot be
	// read.
	let mut secrets = Secrets::load(&context.dir)?;
	secrets.requests.push(prepared.secret.clone());
	secrets.save(&context.dir)?;

	let payment = PaymentPayload {
		x402_version: x402::VERSION,
		resource: Some(required.resource.clone()),
		accepted: terms.clone(),
		payload: EscrowPayload { extrinsic: extrinsic::to_hex(&extrinsic) },
	};
	let headers = [(x402::PAYMENT_SIGNATURE, x402::encode_header(&payment))];
	let body = serde_json::to_vec(&InferRequest { request: to_hex(&prepared.request) })
		.map_err(|e| WalletError::Corrupt(e.to_string()))?;
	let what = format!("paying {amount} for model {model_id}; waiting for the provider's result");
	let answer = progress(&what, post(url, &headers, &body, timeout)).await?;
	let settlement = answer
		.header(x402::PAYMENT_RESPONSE)
		.map(|h| x402::decode_header::<SettlementResponse>(h.as_bytes()))
		.transpose()
		.map_err(|e| WalletError::Input(format!("the provider's PAYMENT-RESPONSE: {e}")))?;
	let (job_id, answered) = match (answer.status, &settlement) {
		(200, Some(settlement)) => {
			let served: InferResponse = serde_json::from_slice(&answer.body)
				.map_err(|e| WalletError::Input(format!("the provider's answer: {e}")))?;
			if settlement.job_id != Some(served.job_id) {
				return Err(WalletError::Input(
					"the provider's answer and PAYMENT-RESPONSE name different jobs".into(),
				));
			}
			(served.job_id, Some(served))
		},
		(504, Some(SettlementResponse { job_id: Some(job_id), .. })) => {
			eprintln!("the provider did not answer in time; following job {job_id} on chain");
			(*job_id, None)
		},
		(402, _) => {
			let why = error_body(&answer);
			let changed = [
				"invalid_amount",
				"invalid_deadline",
				"invalid_pay_to",
				"invalid_model",
				"invalid_network",
			];
			return Err(WalletError::Input(if changed.iter().any(|r| why.starts_with(r)) {
				format!("the provider's terms changed before the payment arrived ({why}); nothing was paid: run the command again")
			} else {
				format!("the provider refused the payment: {why}")
			}));
		},
		(status, _) => {
			return Err(WalletError::Input(format!(
				"the provider answered {status}: {}",
				error_body(&answer)
			)))
		},
	};

	let job = follow(&nodes, job_id).await?;
	if job.input.0 != prepared.input {
		return Err(WalletError::Input(format!(
			"job {job_id} on chain is not this request's (its input commitment differs)"
		)));
	}
	let mut secrets = Secrets::load(&context.dir)?;
	secrets.set_job_id(&prepared.input, job_id);
	secrets.save(&context.dir)?;
	let request = client::recorded_request(&prepared.secret, &circuit)?;
	let delivered: Delivered = match job.status.state.as_str() {
		"completed" => client::decrypt(job_id, &job, &circuit, &request)?,
		"refunded" => {
			return Err(WalletError::Input(format!(
				"job {job_id} passed its deadline without a result: the payment was refunded{}",
				if job.status.slashed == Some(true) {
					" with the provider's collateral"
				} else {
					""
				}
			)))
		},
		state => return Err(WalletError::Input(format!("job {job_id} ended {state}"))),
	};
	if let Some(served) = &answered {
		if served.output != delivered.output {
			return Err(WalletError::Input(format!(
				"the provider answered {:?}, but job {job_id}'s result on chain decrypts to {:?}: its answer is not to be trusted (the chain's is proven)",
				served.output, delivered.output
			)));
		}
	}
	let json = json!({
		"job_id": job_id,
		"model_id": model_id,
		"output": delivered.output,
		"class": delivered.class,
		"paid": amount.to_string(),
		"transaction": settlement.as_ref().map(|s| s.transaction.clone()),
		"network": network,
		"checked_on_chain": true,
	});
	let text = format!(
		"job {job_id}: class {} (output {:?}), checked against the result on chain",
		delivered.class, delivered.output
	);
	Ok(Reply::new(json, text))
}

/// Job `job_id` once it has ended on chain (a settled result, or a refund after its
/// deadline), read through `nodes`.
async fn follow(nodes: &Endpoints, job_id: u64) -> Result<JobJson> {
	loop {
		let job = nodes.call(|node| async move { node.job(job_id).await }).await?;
		let job =
			job.ok_or_else(|| WalletError::Input(format!("the chain has no job {job_id}")))?;
		match job.status.state.as_str() {
			"open" | "accepted" => tokio::time::sleep(Duration::from_secs(2)).await,
			_ => return Ok(job),
		}
	}
}
