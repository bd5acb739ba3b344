//! The x402 protocol, version 2 (HTTP 402 Payment Required), as Sable's providers serve it
//! and `sable infer` pays it (docs/PROVIDER.md, "The `sable-escrow` scheme").
//!
//! A resource server answers an unpaid request with 402 and a `PAYMENT-REQUIRED` header,
//! base64 JSON of [`PaymentRequired`]: the resource and the terms it accepts. The client
//! retries with a `PAYMENT-SIGNATURE` header, base64 JSON of [`PaymentPayload`]: the terms it
//! chose and a scheme-specific payload. The server answers with `PAYMENT-RESPONSE`, base64
//! JSON of [`SettlementResponse`].
//!
//! Sable's scheme, `sable-escrow`, pays with the escrow of the proof-of-inference pallet: the
//! payload is a `create_job` extrinsic signed by the client for exactly the offered terms,
//! and the payment reaches the provider only when the job's proof verifies on chain.

use base64::{engine::general_purpose::STANDARD, Engine};
use serde::{de::DeserializeOwned, Deserialize, Serialize};

/// The protocol version this module speaks.
pub const VERSION: u32 = 2;
/// The scheme of Sable's escrowed payments.
pub const SCHEME: &str = "sable-escrow";
/// The asset a Sable payment is made in: the chain's native token.
pub const ASSET: &str = "SBL";
/// The header of a 402 answer: base64 JSON of [`PaymentRequired`].
pub const PAYMENT_REQUIRED: &str = "payment-required";
/// The header of a paid request: base64 JSON of [`PaymentPayload`].
pub const PAYMENT_SIGNATURE: &str = "payment-signature";
/// The header of the answer to a paid request: base64 JSON of [`SettlementResponse`].
pub const PAYMENT_RESPONSE: &str = "payment-response";

/// The CAIP-2 id of a Substrate chain: `polkadot:` and the first 32 hex characters of its
/// genesis hash.
pub fn network(genesis_hash: &[u8; 32]) -> String {
	let hex: String = genesis_hash.iter().map(|b| format!("{b:02x}")).collect();
	format!("polkadot:{}", &hex[..32])
}

/// The resource a payment is for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Resource {
	/// Its URL.
	pub url: String,
	/// What it is, for people.
	#[serde(default, skip_serializing_if = "Option::is_none")]
	pub description: Option<String>,
	/// The media type of its answer.
	#[serde(default, skip_serializing_if = "Option::is_none")]
	pub mime_type: Option<String>,
}

/// What `sable-escrow` terms add to x402's (`extra`): the job the payment creates.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EscrowTerms {
	/// The model the job is for.
	pub model_id: u32,
	/// The model's commitment, `0x` hex: the weights a valid proof binds.
	pub model_commitment: String,
	/// The model's circuit, as `sable model show` names it (`inference-64x32x10`).
	pub circuit: String,
	/// The model's request key, `0x` hex, that the request is sealed to.
	pub encryption_key: String,
	/// The job's deadline: the block by which the result must be on chain.
	pub deadline: u32,
}

/// One set of terms a resource accepts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PaymentRequirements {
	/// The payment scheme ([`SCHEME`]).
	pub scheme: String,
	/// The chain, CAIP-2 ([`network`]).
	pub network: String,
	/// The amount, in the asset's smallest units, as a decimal string.
	pub amount: String,
	/// The asset ([`ASSET`]).
	pub asset: String,
	/// Who is paid: the provider's account, SS58.
	pub pay_to: String,
	/// How long the server may take to answer a paid request.
	pub max_timeout_seconds: u64,
	/// The scheme's own terms.
	pub extra: EscrowTerms,
}

/// The body of a `PAYMENT-REQUIRED` header.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PaymentRequired {
	/// [`VERSION`].
	pub x402_version: u32,
	/// Why the request was not served, when it was paid for but refused.
	#[serde(default, skip_serializing_if = "Option::is_none")]
	pub error: Option<String>,
	/// The resource.
	pub resource: Resource,
	/// The terms it accepts.
	pub accepts: Vec<PaymentRequirements>,
}

/// A `sable-escrow` payment: the signed `create_job` extrinsic.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EscrowPayload {
	/// The SCALE-encoded signed extrinsic, `0x` hex.
	pub extrinsic: String,
}

/// The body of a `PAYMENT-SIGNATURE` header.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PaymentPayload {
	/// [`VERSION`].
	pub x402_version: u32,
	/// The resource paid for.
	#[serde(default, skip_serializing_if = "Option::is_none")]
	pub resource: Option<Resource>,
	/// The terms the client chose, as the server offered them.
	pub accepted: PaymentRequirements,
	/// The payment itself.
	pub payload: EscrowPayload,
}

/// The body of a `PAYMENT-RESPONSE` header.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SettlementResponse {
	/// Whether the payment settled.
	pub success: bool,
	/// Why not, when it did not.
	#[serde(default, skip_serializing_if = "Option::is_none")]
	pub error_reason: Option<String>,
	/// The paying account, SS58.
	#[serde(default, skip_serializing_if = "Option::is_none")]
	pub payer: Option<String>,
	/// The hash of the transaction that settled the payment (the result's, which released
	/// the escrow), `0x` hex; empty when nothing settled.
	pub transaction: String,
	/// The chain, CAIP-2.
	pub network: String,
	/// The amount paid, smallest units.
	#[serde(default, skip_serializing_if = "Option::is_none")]
	pub amount: Option<String>,
	/// `sable-escrow`: the job the payment created.
	#[serde(default, skip_serializing_if = "Option::is_none")]
	pub job_id: Option<u64>,
}

/// Why a payment header cannot be read.
#[derive(Debug, PartialEq, Eq)]
pub struct HeaderError(pub String);

impl std::fmt::Display for HeaderError {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		f.write_str(&self.0)
	}
}

/// A header value: base64 of `value`'s JSON.
pub fn encode_header(value: &impl Serialize) -> String {
	// Serializing these types cannot fail: they hold strings and numbers only.
	STANDARD.encode(serde_json::to_vec(value).unwrap_or_default())
}

/// A header value decoded from base64 JSON.
pub fn decode_header<T: DeserializeOwned>(value: &[u8]) -> Result<T, HeaderError> {
	let json =
		STANDARD.decode(value.trim_ascii()).map_err(|e| HeaderError(format!("not base64: {e}")))?;
	serde_json::from_slice(&json).map_err(|e| HeaderError(format!("not the expected JSON: {e}")))
}

/// The body of an inference request: the request sealed to the model's key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InferRequest {
	/// The sealed request (`docs/poi.md`, "Requests"), `0x` hex.
	pub request: String,
}

/// The body of a served inference request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InferResponse {
	/// The job.
	pub job_id: u64,
	/// The model's output vector, as the provider computed it.
	pub output: Vec<i32>,
	/// Its class: the index of the largest entry.
	pub class: usize,
	/// The block that holds the settling result, `0x` hex.
	pub block_hash: String,
}

/// The body of an error answer (400, 402, 429, 5xx).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ErrorBody {
	/// [`VERSION`].
	pub x402_version: u32,
	/// The x402 reason (`invalid_payload`, `invalid_network`, ...) or the server's.
	pub invalid_reason: String,
	/// What went wrong, for people.
	pub message: String,
}

#[cfg(test)]
mod tests {
	use super::*;

	fn requirements() -> PaymentRequirements {
		PaymentRequirements {
			scheme: SCHEME.into(),
			network: network(&[0xab; 32]),
			amount: "100".into(),
			asset: ASSET.into(),
			pay_to: "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty".into(),
			max_timeout_seconds: 120,
			extra: EscrowTerms {
				model_id: 1,
				model_commitment: "0x01".into(),
				circuit: "inference-64x32x10".into(),
				encryption_key: "0x02".into(),
				deadline: 40,
			},
		}
	}

	#[test]
	fn the_network_is_caip2_of_the_genesis_hash() {
		assert_eq!(network(&[0xab; 32]), format!("polkadot:{}", "ab".repeat(16)));
	}

	#[test]
	fn headers_are_base64_json_with_x402_field_names() {
		let required = PaymentRequired {
			x402_version: VERSION,
			error: None,
			resource: Resource {
				url: "http://127.0.0.1:8402/v1/infer/1".into(),
				description: None,
				mime_type: Some("application/json".into()),
			},
			accepts: vec![requirements()],
		};
		let header = encode_header(&required);
		let json: serde_json::Value =
			serde_json::from_slice(&STANDARD.decode(&header).expect("base64")).expect("json");
		assert_eq!(json["x402Version"], 2);
		assert_eq!(json["resource"]["mimeType"], "application/json");
		assert_eq!(json["accepts"][0]["payTo"], "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty");
		assert_eq!(json["accepts"][0]["maxTimeoutSeconds"], 120);
		assert_eq!(json["accepts"][0]["extra"]["modelCommitment"], "0x01");
		assert!(json.get("error").is_none());
		assert_eq!(decode_header::<PaymentRequired>(header.as_bytes()), Ok(required));
	}

	#[test]
	fn malformed_headers_are_refused_with_a_reason() {
		assert!(decode_header::<PaymentPayload>(b"%%%").expect_err("base64").0.contains("base64"));
		let not_a_payload = STANDARD.encode(br#"{"x402Version": 2}"#);
		assert!(decode_header::<PaymentPayload>(not_a_payload.as_bytes())
			.expect_err("fields")
			.0
			.contains("missing field `accepted`"));
		let mut payload = serde_json::to_value(PaymentPayload {
			x402_version: VERSION,
			resource: None,
			accepted: requirements(),
			payload: EscrowPayload { extrinsic: "0x00".into() },
		})
		.expect("json");
		payload["payload"]["signature"] = "0x".into();
		let header = STANDARD.encode(payload.to_string());
		assert!(decode_header::<PaymentPayload>(header.as_bytes())
			.expect_err("unknown field")
			.0
			.contains("unknown field `signature`"));
	}
}
