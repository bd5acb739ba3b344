//! `sable job ...`: proof-of-inference jobs (docs/poi.md, "Job lifecycle"). The client
//! creates a job from its input file (the request is sealed to the model's key, its secrets
//! stay in the wallet), the model's provider opens and checks the request, accepts, runs the
//! model and proves; the client decrypts the delivered output. Commitment results can be
//! accepted, disputed and finalized; open jobs cancelled, late ones expired.

use std::path::Path;

use codec::Encode;
use pallet_proof_of_inference_rpc::{JobJson, ModelJson};
use sable_inference_proofs::{
	primitives::JobKind,
	request::{Payload, Request},
};
use sable_runtime::{AccountId, RuntimeCall};
use sable_wallet::{
	error::{Result, WalletError},
	files,
	node_client::NodeClient,
	poi::{
		chain::{self, PoiCall, PoiEvent},
		circuits::{Circuit, ModelFile},
		client, parse_field,
		provider::{self, ProofFile, ProveInputs},
		secrets::Secrets,
	},
	submit,
};
use sable_zk_primitives::{encoding::to_hex, Fp};
use serde_json::json;
use sp_core::Pair;

use super::{finalized_reply, send_poi, to_json, Context, Reply};
use crate::cli::JobCommand;

/// Runs a `job` command.
pub(crate) async fn run(context: &Context, command: &JobCommand) -> Result<Reply> {
	match command {
		JobCommand::Create { model, input, payment, deadline_in, from, no_submit } => {
			create(context, *model, input, *payment, *deadline_in, from.as_deref(), *no_submit)
				.await
		},
		JobCommand::Accept { job_id, from, model_file, salt } => {
			accept(context, *job_id, from, model_file.as_deref(), salt.as_deref()).await
		},
		JobCommand::Prove { job_id, model_file, output_file, salt, from, out } => {
			let options = ProveOptions {
				model_file,
				output_file: output_file.as_deref(),
				salt: salt.as_deref(),
				out: out.as_deref(),
			};
			prove(context, *job_id, from, options).await
		},
		JobCommand::Submit { proof, from } => {
			let bytes = std::fs::read(proof)
				.map_err(|e| WalletError::Io(proof.display().to_string(), e))?;
			let file: ProofFile = serde_json::from_slice(&bytes).map_err(|e| {
				WalletError::Input(format!("{}: not a proof file: {e}", proof.display()))
			})?;
			let signer = submit::pair_from_suri(from)?;
			provider::check_signer(&signer, &file.provider, "this proof")?;
			submit_proof(&context.connect().await?, &signer, &file).await
		},
		JobCommand::Result { job_id, model_file, salt } => {
			result(context, *job_id, model_file.as_deref(), salt.as_deref()).await
		},
		JobCommand::Dispute { job_id, reason, from } => {
			precheck(context, *job_id, |job, now| {
				match (job.status.state.as_str(), job.status.ends) {
					("challenged", Some(ends)) if now + 1 >= ends => {
						Err(format!("its challenge window ended at block #{ends}"))
					},
					("challenged", _) => Ok(()),
					(state, _) => {
						Err(format!("it is {state}; only a challenged result can be disputed"))
					},
				}
			})
			.await?;
			if reason.trim().is_empty() {
				return Err(WalletError::Input("a dispute needs a reason".into()));
			}
			let len = reason.len();
			let reason = reason.as_bytes().to_vec().try_into().map_err(|_| {
				WalletError::Input(format!(
					"the reason is {len} bytes; the chain takes at most 256"
				))
			})?;
			let call = PoiCall::dispute { job_id: *job_id, reason };
			send_poi(context, from, call, &format!("job {job_id}'s result disputed")).await
		},
		JobCommand::Finalize { job_id, from } => {
			precheck(context, *job_id, |job, now| {
				match (job.status.state.as_str(), job.status.ends) {
					("challenged" | "disputed", Some(ends)) if now + 1 < ends => Err(format!(
						"its {} window runs until block #{ends} (the best block is #{now})",
						if job.status.state == "challenged" { "challenge" } else { "dispute" }
					)),
					("challenged" | "disputed", _) => Ok(()),
					(state, _) => {
						Err(format!("it is {state}; only a challenged or disputed job finalizes"))
					},
				}
			})
			.await?;
			let call = PoiCall::finalize { job_id: *job_id };
			send_poi(context, from, call, &format!("job {job_id} finalized")).await
		},
		JobCommand::Expire { job_id, from } => {
			precheck(context, *job_id, |job, now| match job.status.state.as_str() {
				"open" | "accepted" if now < job.deadline => Err(format!(
					"its deadline is block #{} (the best block is #{now})",
					job.deadline
				)),
				"open" | "accepted" => Ok(()),
				state => Err(format!("it is {state}; only an open or accepted job expires")),
			})
			.await?;
			let call = PoiCall::expire { job_id: *job_id };
			send_poi(context, from, call, &format!("job {job_id} expired")).await
		},
		JobCommand::AcceptResult { job_id, from } => {
			precheck(context, *job_id, |job, _| match job.status.state.as_str() {
				"challenged" => Ok(()),
				state => Err(format!("it is {state}; only a challenged result can be accepted")),
			})
			.await?;
			let call = PoiCall::accept_result { job_id: *job_id };
			send_poi(context, from, call, &format!("job {job_id}'s result accepted")).await
		},
		JobCommand::Cancel { job_id, from } => {
			precheck(context, *job_id, |job, _| match job.status.state.as_str() {
				"open" => Ok(()),
				state => Err(format!(
					"it is {state}; only a job its provider has not accepted can be cancelled"
				)),
			})
			.await?;
			let call = PoiCall::cancel_job { job_id: *job_id };
			send_poi(context, from, call, &format!("job {job_id} cancelled")).await
		},
		JobCommand::Status { job_id } => {
			let job = context.connect().await?.job(*job_id).await?;
			let text = match &job {
				None => format!("no job {job_id}"),
				Some(job) => format!(
					"job {job_id}: {} (model {}, payment {}, deadline #{})",
					job.status.state, job.model_id, job.payment, job.deadline
				),
			};
			Ok(Reply::new(to_json(&job)?, text))
		},
	}
}

/// Refuses a call on job `job_id` that the chain would refuse, with the reason `check`
/// gives from the job and the best block's number, before anything is signed. (The call
/// runs in a later block than the best: at `now + 1` at the earliest.)
async fn precheck(
	context: &Context,
	job_id: u64,
	check: impl FnOnce(&JobJson, u64) -> std::result::Result<(), String>,
) -> Result<()> {
	let node = context.connect().await?;
	let job = chain::job(&node, job_id).await?;
	let now = node.best_number().await?;
	check(&job, now).map_err(|why| WalletError::Input(format!("job {job_id}: {why}")))
}

fn read(path: &Path) -> Result<Vec<u8>> {
	std::fs::read(path).map_err(|e| WalletError::Io(path.display().to_string(), e))
}

/// `job create`.
async fn create(
	context: &Context,
	model_id: u32,
	input: &Path,
	payment: u128,
	deadline_in: u32,
	from: Option<&str>,
	no_submit: bool,
) -> Result<Reply> {
	let signer = match (from, no_submit) {
		(_, true) => None,
		(Some(suri), false) => Some(submit::pair_from_suri(suri)?),
		(None, false) => {
			return Err(WalletError::Input("job create needs --from or --no-submit".into()))
		},
	};
	let node = context.connect().await?;
	let model = chain::model(&node, model_id).await?;
	if model.retired {
		return Err(WalletError::Input(format!("model {model_id} is retired")));
	}
	let price: u128 = model.price.parse().map_err(|_| {
		WalletError::Rpc(format!("model {model_id}'s price {:?} is not a number", model.price))
	})?;
	if payment < price {
		return Err(WalletError::Input(format!(
			"the payment {payment} is below model {model_id}'s price {price}"
		)));
	}
	let circuit = Circuit::of_model(model_id, model.circuit, model.circuit_version)?;
	let prepared = client::prepare(model_id, &model, &circuit, &read(input)?, &mut rand::rng())?;
	let deadline = (node.best_number().await? as u32).saturating_add(deadline_in.max(1));
	let request =
		prepared.request.clone().try_into().map_err(|_| {
			WalletError::Input("the sealed request is too long for the chain".into())
		})?;
	let call = PoiCall::create_job {
		model_id,
		input: prepared.input,
		delivery: prepared.delivery,
		request,
		payment,
		deadline,
	};
	// The secrets are recorded before anything is submitted: without them the result cannot
	// be read.
	let mut secrets = Secrets::load(&context.dir)?;
	secrets.requests.push(prepared.secret.clone());
	secrets.save(&context.dir)?;
	let args = json!({
		"model_id": model_id,
		"input": to_hex(&prepared.input),
		"delivery": prepared.delivery.as_ref().map(|d| to_hex(d)),
		"request": to_hex(&prepared.request),
		"payment": payment.to_string(),
		"deadline": deadline,
	});

	let Some(signer) = signer else {
		let call_data = to_hex(&RuntimeCall::ProofOfInference(call).encode());
		let json = json!({
			"pallet": "proofOfInference",
			"call": "create_job",
			"args": args,
			"call_data": call_data,
		});
		let text = format!(
			"prepared proofOfInference.create_job (sign and submit it from the paying \
			 account):\n{call_data}"
		);
		return Ok(Reply::new(json, text));
	};
	let finalized = chain::send(&node, &signer, call).await?;
	let job_id = chain::poi_events(&finalized)
		.find_map(|event| match event {
			PoiEvent::JobCreated { job_id, .. } => Some(*job_id),
			_ => None,
		})
		.ok_or_else(|| WalletError::Rpc("no JobCreated event".into()))?;
	secrets.set_job_id(&prepared.input, job_id);
	secrets.save(&context.dir)?;
	let mut json = chain::finalized_json(&finalized);
	json["job_id"] = json!(job_id);
	json["args"] = args;
	Ok(Reply::new(json, format!("job {job_id} created in block #{}", finalized.block_number)))
}

/// What a provider works from: the job, its model and circuit, and its request.
struct ProviderView {
	job: JobJson,
	model: ModelJson,
	circuit: Circuit,
	request: Request,
}

/// Job `job_id`, checked to be in `state` and to be for `signer`'s model, with its request
/// opened and checked against the job.
async fn provider_view(
	node: &NodeClient,
	job_id: u64,
	signer: &sp_core::sr25519::Pair,
	state: &str,
) -> Result<ProviderView> {
	let job = chain::job(node, job_id).await?;
	chain::expect_state(job_id, &job, state)?;
	provider::check_signer(signer, &job.provider, &format!("job {job_id}'s model"))?;
	let model = chain::model(node, job.model_id).await?;
	let circuit = Circuit::of_model(job.model_id, model.circuit, model.circuit_version)?;
	let request = provider::open(signer, job_id, &job, &model, &circuit)?;
	Ok(ProviderView { job, model, circuit, request })
}

/// The provider's model file, checked to open the model's commitment with `salt`, or else
/// with the salt `model register` recorded, or else zero; and that salt.
fn opened_model(
	context: &Context,
	model_id: u32,
	model: &ModelJson,
	circuit: &Circuit,
	path: &Path,
	salt: Option<&str>,
) -> Result<(ModelFile, Fp)> {
	let file = ModelFile::read(path)?;
	let candidates = match salt {
		Some(hex) => vec![parse_field(hex, "salt")?],
		None => {
			let secrets = Secrets::load(&context.dir)?;
			let recorded = secrets
				.model_salt(&model.commitment.0)
				.map(|s| parse_field(s, "a recorded salt"))
				.transpose()?;
			recorded.into_iter().chain([Fp::zero()]).collect()
		},
	};
	let salt = provider::model_salt(model_id, model, circuit, &file, &candidates)?;
	Ok((file, salt))
}

/// `job accept`.
async fn accept(
	context: &Context,
	job_id: u64,
	from: &str,
	model_file: Option<&Path>,
	salt: Option<&str>,
) -> Result<Reply> {
	let signer = submit::pair_from_suri(from)?;
	let node = context.connect().await?;
	let view = provider_view(&node, job_id, &signer, "open").await?;
	match (view.circuit.kind, model_file) {
		(JobKind::Adapted, None) => {
			return Err(WalletError::Input(
				"an adapted job's adapter is checked against the model's weights before \
				 accepting: give the model's file with --model-file"
					.into(),
			))
		},
		(_, Some(path)) => {
			let (file, _) =
				opened_model(context, view.job.model_id, &view.model, &view.circuit, path, salt)?;
			provider::check_adapter(job_id, &view.circuit, &view.request, &file)?;
		},
		(_, None) => {},
	}
	let finalized = chain::send(&node, &signer, PoiCall::accept_job { job_id }).await?;
	let Reply { mut json, text } =
		finalized_reply(&finalized, &format!("job {job_id}'s request checked and accepted"));
	if let Some(collateral) = chain::poi_events(&finalized).find_map(|event| match event {
		PoiEvent::JobAccepted { collateral, .. } => Some(*collateral),
		_ => None,
	}) {
		json["collateral"] = json!(collateral.to_string());
	}
	Ok(Reply::new(json, text))
}

struct ProveOptions<'a> {
	model_file: &'a Path,
	output_file: Option<&'a Path>,
	salt: Option<&'a str>,
	out: Option<&'a Path>,
}

/// `job prove`.
async fn prove(
	context: &Context,
	job_id: u64,
	from: &str,
	options: ProveOptions<'_>,
) -> Result<Reply> {
	let signer = submit::pair_from_suri(from)?;
	let node = context.connect().await?;
	let ProviderView { job, model, circuit, request } =
		provider_view(&node, job_id, &signer, "accepted").await?;
	let (model_file, model_salt) =
		opened_model(context, job.model_id, &model, &circuit, options.model_file, options.salt)?;
	let output = options.output_file.map(read).transpose()?;
	if circuit.kind != JobKind::Commitment && output.is_some() {
		return Err(WalletError::Input(
			"--output-file is for commitment jobs; an inference job's output is computed".into(),
		));
	}
	let account = AccountId::from(signer.public());
	eprintln!("proving job {job_id} with {}", circuit.name);
	let inputs = ProveInputs { model_file: &model_file, model_salt, output: output.as_deref() };
	let proof = provider::prove(job_id, &account, &circuit, &request, inputs, &mut rand::rng())?;
	let Some(out) = options.out else {
		let Reply { mut json, mut text } = submit_proof(&node, &signer, &proof).await?;
		json["prove_ms"] = json!(proof.prove_ms);
		json["circuit"] = json!(proof.circuit);
		if let Some(opening) = &proof.output_opening {
			json["output_opening"] = to_json(opening)?;
			text.push_str(&format!(
				"\nthe output commitment opens with digest {} and salt {}: hand both to the \
				 client with the output",
				opening.digest, opening.salt
			));
		}
		return Ok(Reply::new(json, text));
	};
	let json = to_json(&proof)?;
	files::write_atomic(out, json.to_string().as_bytes(), true)?;
	let text = format!(
		"proved job {job_id} with {} in {} ms; proof file {} (submit it with `sable job submit`)",
		proof.circuit,
		proof.prove_ms,
		out.display()
	);
	Ok(Reply::new(json, text))
}

/// Submits a proof file as `signer` and reports where the job went.
async fn submit_proof(
	node: &NodeClient,
	signer: &sp_core::sr25519::Pair,
	file: &ProofFile,
) -> Result<Reply> {
	let job_id = file.job_id;
	let finalized = chain::send(node, signer, file.submit_call()?).await?;
	// A commitment result waits out its challenge window; an inference result settles at once.
	let state = node.job(job_id).await?.map(|job| job.status.state);
	let state = state.as_deref().unwrap_or("unknown");
	let Reply { mut json, text } = finalized_reply(&finalized, "result submitted");
	json["job_id"] = json!(job_id);
	json["state"] = json!(state);
	if let Some((paid, fee)) = chain::poi_events(&finalized).find_map(|event| match event {
		PoiEvent::JobCompleted { paid, fee, .. } => Some((*paid, *fee)),
		_ => None,
	}) {
		json["paid"] = json!(paid.to_string());
		json["protocol_fee"] = json!(fee.to_string());
	}
	Ok(Reply::new(json, format!("{text}; job {job_id}: {state}")))
}

/// `job result`.
async fn result(
	context: &Context,
	job_id: u64,
	model_file: Option<&Path>,
	salt: Option<&str>,
) -> Result<Reply> {
	let node = context.connect().await?;
	let job = chain::job(&node, job_id).await?;
	let mut secrets = Secrets::load(&context.dir)?;
	let secret = secrets
		.request(&job.input.0, job.delivery.as_ref().map(|d| &d.0))
		.cloned()
		.ok_or_else(|| {
			WalletError::Input(format!(
				"this wallet holds no request of job {job_id} (input commitment {}): only the \
			 wallet that created the job can read its result",
				to_hex(&job.input.0)
			))
		})?;
	let circuit = Circuit::parse(&secret.circuit)?;
	let request = client::recorded_request(&secret, &circuit)?;
	secrets.set_job_id(&job.input.0, job_id);
	secrets.save(&context.dir)?;
	let mut json =
		json!({ "job_id": job_id, "state": job.status.state, "circuit": circuit.label() });

	if circuit.kind == JobKind::Commitment {
		let Some(commitment) = job.result.as_ref().and_then(|r| r.first()) else {
			return Err(no_result(job_id, &job.status.state));
		};
		json["output_commitment"] = json!(to_hex(&commitment.0));
		let text = format!(
			"job {job_id} ({}): output commitment {} (a commitment job: its provider hands the \
			 output over off chain, and this commitment binds it)",
			job.status.state,
			to_hex(&commitment.0)
		);
		return Ok(Reply::new(json, text));
	}
	if job.status.state != "completed" {
		return Err(no_result(job_id, &job.status.state));
	}
	let delivered = client::decrypt(job_id, &job, &circuit, &request)?;
	json["output"] = json!(delivered.output);
	json["class"] = json!(delivered.class);
	let mut text =
		format!("job {job_id}: output {:?}, class {}", delivered.output, delivered.class);
	if let Some(path) = model_file {
		check_locally(&node, &job, &circuit, &request, path, salt, &delivered.output).await?;
		json["checked_locally"] = json!(true);
		text.push_str(&format!("; {} computes the same output", path.display()));
	}
	Ok(Reply::new(json, text))
}

fn no_result(job_id: u64, state: &str) -> WalletError {
	match state {
		"open" | "accepted" => {
			WalletError::Input(format!("job {job_id} has no result yet (it is {state})"))
		},
		_ => WalletError::Input(format!("job {job_id} has no result to read (it is {state})")),
	}
}

/// Runs the model file locally on the recorded input and compares with `delivered`.
async fn check_locally(
	node: &NodeClient,
	job: &JobJson,
	circuit: &Circuit,
	request: &Request,
	path: &Path,
	salt: Option<&str>,
	delivered: &[i32],
) -> Result<()> {
	let model = chain::model(node, job.model_id).await?;
	let file = ModelFile::read(path)?;
	let salt = salt.map(|hex| parse_field(hex, "salt")).transpose()?.unwrap_or(Fp::zero());
	provider::model_salt(job.model_id, &model, circuit, &file, &[salt])?;
	let base = file.mlp_for(circuit)?;
	let (model, x) = match &request.payload {
		Payload::Inference { x } => (base, x),
		Payload::Adapted { x, a, b, alpha } => {
			let adapter = client::adapter(circuit, a, b, *alpha)?;
			let adapted = adapter
				.apply(&base)
				.map_err(|e| WalletError::Input(format!("the adapter does not apply: {e}")))?;
			(adapted, x)
		},
	};
	let local = model
		.infer(x)
		.map_err(|e| WalletError::Input(format!("cannot run {}: {e}", path.display())))?
		.output;
	if local != delivered {
		return Err(WalletError::Input(format!(
			"the delivered output {delivered:?} differs from {}'s output {local:?}",
			path.display()
		)));
	}
	Ok(())
}
