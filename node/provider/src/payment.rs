//! The `sable-escrow` scheme's checks (docs/PROVIDER.md, "The `sable-escrow` scheme"): the
//! terms a model is sold on, and a payment checked against them and against the request it
//! pays for before anything is submitted.

use codec::Decode;
use pallet_proof_of_inference_rpc::ModelJson;
use sable_inference_proofs::request::Request;
use sable_runtime::{AccountId, RuntimeCall, UncheckedExtrinsic};
use sable_wallet::{
	poi::{
		chain::PoiCall,
		provider::{self, Expected},
	},
	x402::{self, EscrowTerms, PaymentPayload, PaymentRequirements},
};
use sable_zk_primitives::encoding::{from_hex, to_hex};
use sp_core::sr25519;

use crate::{config::MIN_JOB_BLOCKS, models::Served};

/// Why a payment is refused: the x402 reason, and what went wrong.
#[derive(Debug, PartialEq, Eq)]
pub struct Invalid {
	/// The x402 reason (`invalid_payload`, `invalid_network`, ...).
	pub reason: &'static str,
	/// What went wrong, for people.
	pub message: String,
	/// Whether the request was malformed (400) rather than not meeting the terms (402).
	pub malformed: bool,
}

fn malformed(reason: &'static str, message: impl Into<String>) -> Invalid {
	Invalid { reason, message: message.into(), malformed: true }
}

fn unmet(reason: &'static str, message: impl Into<String>) -> Invalid {
	Invalid { reason, message: message.into(), malformed: false }
}

/// The seller's side of a sale: who sells, on which chain, and for how long a job runs.
pub struct Seller<'a> {
	/// The provider's account.
	pub account: &'a AccountId,
	/// The chain, CAIP-2.
	pub network: &'a str,
	/// Blocks a job has for its result.
	pub job_blocks: u32,
}

/// The terms `model` is sold on when the best block is `best`.
pub fn terms(seller: &Seller<'_>, model: &Served, best: u64) -> PaymentRequirements {
	let block_seconds = sable_runtime::MILLISECS_PER_BLOCK / 1000;
	PaymentRequirements {
		scheme: x402::SCHEME.into(),
		network: seller.network.into(),
		amount: model.price.to_string(),
		asset: x402::ASSET.into(),
		pay_to: seller.account.to_string(),
		max_timeout_seconds: u64::from(seller.job_blocks) * block_seconds,
		extra: EscrowTerms {
			model_id: model.model_id,
			model_commitment: to_hex(&model.on_chain.commitment.0),
			circuit: model.circuit.label(),
			encryption_key: to_hex(&model.on_chain.encryption_key.0),
			deadline: u32::try_from(best.saturating_add(u64::from(seller.job_blocks)))
				.unwrap_or(u32::MAX),
		},
	}
}

/// A payment that meets the terms: the extrinsic to submit, who pays, and the request.
#[derive(Debug)]
pub struct Checked {
	/// The signed `create_job`.
	pub extrinsic: UncheckedExtrinsic,
	/// Its SCALE encoding.
	pub encoded: Vec<u8>,
	/// The paying account.
	pub payer: AccountId,
	/// The job's input commitment.
	pub input: [u8; 32],
	/// The job's deadline.
	pub deadline: u64,
	/// The sealed request.
	pub sealed: Vec<u8>,
	/// The request, opened.
	pub request: Request,
}

/// The `create_job` of a signed extrinsic, and its signer.
fn create_job(extrinsic: &UncheckedExtrinsic) -> Result<(AccountId, PoiCall), Invalid> {
	let payer = match &extrinsic.preamble {
		sp_runtime::generic::Preamble::Signed(address, ..) => match address {
			sp_runtime::MultiAddress::Id(account) => account.clone(),
			_ => {
				return Err(unmet(
					"invalid_payload",
					"the payment is signed for an address that is not an account id",
				))
			},
		},
		_ => return Err(unmet("invalid_payload", "the payment is not a signed extrinsic")),
	};
	match &extrinsic.function {
		RuntimeCall::ProofOfInference(call @ PoiCall::create_job { .. }) => {
			Ok((payer, call.clone()))
		},
		_ => Err(unmet("invalid_payload", "the payment's call is not proofOfInference.create_job")),
	}
}

/// Checks `payment` (a decoded `PAYMENT-SIGNATURE`) and the sealed request `sealed` (the
/// body) against `model`'s terms at best block `best`, as the provider `pair`.
pub fn check(
	seller: &Seller<'_>,
	pair: &sr25519::Pair,
	model: &Served,
	best: u64,
	payment: &PaymentPayload,
	sealed: &[u8],
) -> Result<Checked, Invalid> {
	if payment.x402_version != x402::VERSION {
		return Err(malformed(
			"invalid_x402_version",
			format!("x402Version {} is not {}", payment.x402_version, x402::VERSION),
		));
	}
	let accepted = &payment.accepted;
	if accepted.scheme != x402::SCHEME {
		return Err(unmet(
			"invalid_scheme",
			format!("scheme {:?} is not {:?}", accepted.scheme, x402::SCHEME),
		));
	}
	if accepted.network != seller.network {
		return Err(unmet(
			"invalid_network",
			format!("network {:?} is not {:?}", accepted.network, seller.network),
		));
	}
	let bytes = from_hex(&payment.payload.extrinsic)
		.map_err(|e| malformed("invalid_payload", format!("the payment's extrinsic: {e}")))?;
	let extrinsic = UncheckedExtrinsic::decode(&mut &bytes[..]).map_err(|e| {
		malformed("invalid_payload", format!("the payment's extrinsic does not decode: {e}"))
	})?;
	let (payer, call) = create_job(&extrinsic)?;
	let PoiCall::create_job { model_id, input, delivery, request, payment: amount, deadline } =
		call
	else {
		return Err(unmet("invalid_payload", "the payment's call is not create_job"));
	};
	if model_id != model.model_id {
		return Err(unmet(
			"invalid_model",
			format!("the payment is for model {model_id}, not {}", model.model_id),
		));
	}
	if accepted.pay_to != seller.account.to_string() {
		return Err(unmet(
			"invalid_pay_to",
			format!("the payment is for {}, not this provider {}", accepted.pay_to, seller.account),
		));
	}
	if amount != model.price || accepted.amount != model.price.to_string() {
		return Err(unmet(
			"invalid_amount",
			format!(
				"the payment is {amount} (terms {}); model {model_id} costs {}",
				accepted.amount, model.price
			),
		));
	}
	let deadline = u64::from(deadline);
	let (earliest, latest) =
		(best + u64::from(MIN_JOB_BLOCKS), best + u64::from(seller.job_blocks));
	if deadline < earliest || deadline > latest {
		return Err(unmet(
			"invalid_deadline",
			format!("the job's deadline #{deadline} is outside #{earliest}..=#{latest} (the best block is #{best})"),
		));
	}
	if !request.is_empty() {
		return Err(unmet(
			"invalid_payload",
			"the job carries its request on chain; over HTTP it is the body",
		));
	}
	let request = open(pair, &model.on_chain, model, sealed, &input, delivery.as_ref())?;
	Ok(Checked {
		extrinsic,
		encoded: bytes,
		payer,
		input,
		deadline,
		sealed: sealed.to_vec(),
		request,
	})
}

fn open(
	pair: &sr25519::Pair,
	on_chain: &ModelJson,
	model: &Served,
	sealed: &[u8],
	input: &[u8; 32],
	delivery: Option<&[u8; 32]>,
) -> Result<Request, Invalid> {
	let expected = Expected { what: "the paid job", model_id: model.model_id, input, delivery };
	let request = provider::open_sealed(pair, on_chain, &model.circuit, sealed, expected)
		.map_err(|e| unmet("invalid_request", e.to_string()))?;
	provider::check_adapter(0, &model.circuit, &request, &model.file)
		.map_err(|e| unmet("invalid_request", e.to_string()))?;
	Ok(request)
}

#[cfg(test)]
mod tests {
	use std::path::Path;

	use sable_wallet::{
		extrinsic::ChainContext,
		poi::{
			circuits::{request_key, Circuit, ModelFile},
			client,
		},
		x402::EscrowPayload,
	};
	use sable_zk_primitives::Fp;
	use sp_core::{Pair, H256};

	use super::*;

	const PRICE: u128 = 1_000_000_000_000;
	const BEST: u64 = 100;

	struct Fixture {
		provider: sr25519::Pair,
		account: AccountId,
		model: Served,
	}

	fn fixture() -> Fixture {
		let provider = sr25519::Pair::from_string("//Bob", None).expect("a dev key");
		let account = AccountId::from(provider.public());
		let circuit = Circuit::parse("inference-64x32x10").expect("the digits circuit");
		let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models/digits/model.json");
		let file = ModelFile::read(&path).expect("the digits model");
		let salt = Fp::from(7);
		let on_chain = ModelJson {
			model_id: 3,
			provider: account.to_string(),
			kind: "inference".into(),
			circuit: circuit.id,
			circuit_version: circuit.version,
			commitment: H256(file.commitment(&circuit, salt).expect("commitment")),
			price: PRICE.to_string(),
			metadata: H256(file.digest()),
			encryption_key: H256(request_key(&provider).public()),
			retired: false,
			open_jobs: 0,
		};
		let model = Served { model_id: 3, circuit, file, salt, price: PRICE, on_chain };
		Fixture { provider, account, model }
	}

	const NETWORK: &str = "polkadot:abababababababababababababababab";

	/// A payment by //Alice for `fixture`'s model: `change` edits the call's arguments
	/// (amount, deadline, request) and the terms; returns the payload and the sealed body.
	fn paid(
		fixture: &Fixture,
		change: impl FnOnce(&mut u128, &mut u32, &mut Vec<u8>, &mut PaymentRequirements),
	) -> (PaymentPayload, Vec<u8>) {
		let seller = Seller { account: &fixture.account, network: NETWORK, job_blocks: 30 };
		let mut terms = terms(&seller, &fixture.model, BEST);
		let input = br#"{"input": [1, 2, 3]}"#;
		let prepared = client::prepare(
			3,
			&fixture.model.on_chain,
			&fixture.model.circuit,
			input,
			&mut rand::rng(),
		)
		.expect("prepared");
		let (mut amount, mut deadline, mut request) = (PRICE, terms.extra.deadline, Vec::new());
		change(&mut amount, &mut deadline, &mut request, &mut terms);
		let call = PoiCall::create_job {
			model_id: 3,
			input: prepared.input,
			delivery: prepared.delivery,
			request: request.try_into().expect("bounded"),
			payment: amount,
			deadline,
		};
		let context = ChainContext {
			genesis_hash: H256::repeat_byte(0xab),
			spec_version: 1,
			transaction_version: 1,
		};
		let alice = sr25519::Pair::from_string("//Alice", None).expect("a dev key");
		let signed = sable_wallet::extrinsic::signed(
			&context,
			RuntimeCall::ProofOfInference(call),
			&alice,
			0,
		);
		let payload = PaymentPayload {
			x402_version: x402::VERSION,
			resource: None,
			accepted: terms,
			payload: EscrowPayload { extrinsic: sable_wallet::extrinsic::to_hex(&signed) },
		};
		(payload, prepared.request)
	}

	fn check_paid(
		fixture: &Fixture,
		payment: &PaymentPayload,
		sealed: &[u8],
	) -> Result<Checked, Invalid> {
		let seller = Seller { account: &fixture.account, network: NETWORK, job_blocks: 30 };
		check(&seller, &fixture.provider, &fixture.model, BEST, payment, sealed)
	}

	fn refused(fixture: &Fixture, payment: &PaymentPayload, sealed: &[u8]) -> (&'static str, bool) {
		let invalid = check_paid(fixture, payment, sealed).expect_err("refused");
		(invalid.reason, invalid.malformed)
	}

	#[test]
	fn a_payment_for_exactly_the_terms_is_accepted() {
		let fixture = fixture();
		let (payment, sealed) = paid(&fixture, |_, _, _, _| {});
		let checked = check_paid(&fixture, &payment, &sealed).expect("accepted");
		let alice = sr25519::Pair::from_string("//Alice", None).expect("a dev key");
		assert_eq!(checked.payer, AccountId::from(alice.public()));
		assert_eq!(checked.deadline, BEST + 30);
		assert_eq!(checked.sealed, sealed);
		assert_eq!(
			payment.accepted.max_timeout_seconds,
			30 * sable_runtime::MILLISECS_PER_BLOCK / 1000
		);
		assert_eq!(payment.accepted.extra.circuit, "inference-64x32x10");
	}

	#[test]
	fn payments_off_the_terms_are_refused_with_their_reason() {
		let fixture = fixture();
		let case =
			|change: &dyn Fn(&mut u128, &mut u32, &mut Vec<u8>, &mut PaymentRequirements)| {
				let (payment, sealed) = paid(&fixture, |a, d, r, t| change(a, d, r, t));
				refused(&fixture, &payment, &sealed)
			};
		assert_eq!(case(&|a, _, _, _| *a = PRICE - 1), ("invalid_amount", false));
		assert_eq!(case(&|a, _, _, _| *a = PRICE + 1), ("invalid_amount", false));
		assert_eq!(case(&|_, _, _, t| t.amount = "1".into()), ("invalid_amount", false));
		let earliest = BEST + u64::from(MIN_JOB_BLOCKS);
		assert_eq!(case(&|_, d, _, _| *d = (earliest - 1) as u32), ("invalid_deadline", false));
		assert_eq!(case(&|_, d, _, _| *d = (BEST + 31) as u32), ("invalid_deadline", false));
		assert_eq!(case(&|_, _, r, _| *r = vec![1]), ("invalid_payload", false));
		assert_eq!(case(&|_, _, _, t| t.scheme = "exact".into()), ("invalid_scheme", false));
		assert_eq!(
			case(&|_, _, _, t| t.network = "polkadot:00".into()),
			("invalid_network", false)
		);
		let alice =
			AccountId::from(sr25519::Pair::from_string("//Alice", None).expect("key").public());
		assert_eq!(case(&|_, _, _, t| t.pay_to = alice.to_string()), ("invalid_pay_to", false));
		// The deadline's bounds themselves are within the terms.
		let (payment, sealed) = paid(&fixture, |_, d, _, _| *d = earliest as u32);
		assert!(check_paid(&fixture, &payment, &sealed).is_ok());
	}

	#[test]
	fn a_body_that_is_not_the_paid_request_is_refused() {
		let fixture = fixture();
		let (payment, _) = paid(&fixture, |_, _, _, _| {});
		let (_, other) = paid(&fixture, |_, _, _, _| {});
		assert_eq!(refused(&fixture, &payment, &other), ("invalid_request", false));
		assert_eq!(refused(&fixture, &payment, &[0; 40]), ("invalid_request", false));
	}

	#[test]
	fn malformed_payments_are_told_apart() {
		let fixture = fixture();
		let (mut payment, sealed) = paid(&fixture, |_, _, _, _| {});
		payment.x402_version = 1;
		assert_eq!(refused(&fixture, &payment, &sealed), ("invalid_x402_version", true));
		let (mut payment, sealed) = paid(&fixture, |_, _, _, _| {});
		payment.payload.extrinsic = "0x0102".into();
		assert_eq!(refused(&fixture, &payment, &sealed), ("invalid_payload", true));
		payment.payload.extrinsic = "zz".into();
		assert_eq!(refused(&fixture, &payment, &sealed), ("invalid_payload", true));
		// An unsigned extrinsic, or another call, pays nothing.
		let bare =
			sable_wallet::extrinsic::bare(RuntimeCall::ProofOfInference(PoiCall::cancel_job {
				job_id: 1,
			}));
		payment.payload.extrinsic = sable_wallet::extrinsic::to_hex(&bare);
		assert_eq!(refused(&fixture, &payment, &sealed), ("invalid_payload", false));
	}
}
