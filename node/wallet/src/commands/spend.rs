//! `sable shield`, `sable send` and `sable unshield`: sync, prove, then submit and follow to
//! finality, or with `--no-submit` print the proven call for another client to submit.

use std::path::{Path, PathBuf};

use codec::Encode;
use sable_wallet::{
	error::{Result, WalletError},
	extrinsic,
	node_client::NodeClient,
	shielded::{Operation, Outcome, Prepared, Spender},
	store::WalletState,
	submit,
};
use sable_zk_primitives::encoding::to_hex;
use sable_zk_proofs::{encryption::Address, json::ShieldedProofJson};
use serde_json::json;
use sp_core::{crypto::Ss58Codec, sr25519};

use super::{account, keys, Context, Reply};

/// A signing account given as a secret URI or as a file holding one.
pub(crate) struct Signer<'a> {
	suri: Option<&'a str>,
	file: Option<&'a Path>,
}

impl<'a> Signer<'a> {
	pub(crate) fn new(suri: &'a Option<String>, file: &'a Option<PathBuf>) -> Self {
		Signer { suri: suri.as_deref(), file: file.as_deref() }
	}

	/// The key pair, if a secret URI or a file was given.
	fn pair(&self) -> Result<Option<sr25519::Pair>> {
		let suri = match (self.suri, self.file) {
			(Some(suri), _) => suri.to_string(),
			(None, Some(path)) => std::fs::read_to_string(path)
				.map_err(|e| WalletError::Io(path.display().to_string(), e))?
				.trim()
				.to_string(),
			(None, None) => return Ok(None),
		};
		submit::pair_from_suri(&suri).map(Some)
	}
}

/// Shields `amount`, paid by the account `from` (not needed with `no_submit`).
pub(crate) async fn shield(
	context: &Context,
	amount: u64,
	from: Signer<'_>,
	no_submit: bool,
) -> Result<Reply> {
	let from = from.pair()?;
	if from.is_none() && !no_submit {
		return Err(WalletError::Input("shield needs --from SURI or --from-file PATH".into()));
	}
	let node = context.connect().await?;
	spend(context, node, Operation::Shield { from, amount }, false, no_submit).await
}

/// What the wallet offers above the chain's price when `--fee` is not given: room for the fee
/// multiplier to rise between proving and inclusion (it only scales the weight part, about
/// 1% of the price), the rest ranking the transaction as a tip would.
const FEE_MARGIN_PERCENT: u64 = 1;

/// `fee`, or the chain's price for `kind` plus [`FEE_MARGIN_PERCENT`].
async fn offered_fee(node: &NodeClient, kind: &str, fee: Option<u64>) -> Result<u64> {
	match fee {
		Some(fee) => Ok(fee),
		None => {
			let price = node.minimum_fee(kind).await?;
			Ok(price.saturating_add((price * FEE_MARGIN_PERCENT).div_ceil(100)))
		},
	}
}

/// Sends `amount` privately to the shielded `address`, paying `fee` (default: the chain's
/// price) from the notes, unsigned or relayed by `relayer`.
pub(crate) async fn send(
	context: &Context,
	address: &str,
	amount: u64,
	fee: Option<u64>,
	force: bool,
	relayer: Signer<'_>,
	no_submit: bool,
) -> Result<Reply> {
	let to = Address::decode(address).map_err(|e| WalletError::Input(e.to_string()))?;
	let relayer = relayer.pair()?;
	let node = context.connect().await?;
	let fee = offered_fee(&node, "transfer", fee).await?;
	spend(context, node, Operation::Send { to, amount, fee, relayer }, force, no_submit).await
}

/// Moves `amount` out of the pool to the transparent account `ss58`, paying `fee` (default:
/// the chain's price), unsigned or relayed by `relayer`.
pub(crate) async fn unshield(
	context: &Context,
	ss58: &str,
	amount: u64,
	fee: Option<u64>,
	relayer: Signer<'_>,
	no_submit: bool,
) -> Result<Reply> {
	let to = account(ss58)?;
	let relayer = relayer.pair()?;
	let node = context.connect().await?;
	let fee = offered_fee(&node, "unshield", fee).await?;
	let operation = Operation::Unshield { to, amount, fee, relayer };
	spend(context, node, operation, false, no_submit).await
}

async fn spend(
	context: &Context,
	node: NodeClient,
	operation: Operation,
	force: bool,
	no_submit: bool,
) -> Result<Reply> {
	let sk = keys::unlock(&context.dir)?;
	let store_path = context.store_path();
	let state = WalletState::load(&store_path)?;
	let mut spender = Spender { node: &node, sk, state, store_path, force };
	if no_submit {
		return Ok(prepared(&operation, spender.prepare_only(&operation).await?));
	}
	let Outcome { block_hash, block_number, spent, proving } = spender.run(&operation).await?;
	let balance = spender.state.balance();
	let fee = match &operation {
		Operation::Shield { .. } => 0,
		Operation::Send { fee, .. } | Operation::Unshield { fee, .. } => *fee,
	};
	let json = json!({
		"block_hash": block_hash,
		"block_number": block_number,
		"spent": spent,
		"proving_ms": proving.as_millis() as u64,
		"fee": fee.to_string(),
		"balance": balance.to_string(),
	});
	let text = format!("finalized in block #{block_number} ({block_hash}); balance {balance}");
	Ok(Reply::new(json, text))
}

/// A proven call for another client to submit: its payload in the metadata's field names,
/// the SCALE-encoded call and, for the unsigned calls, the whole extrinsic.
fn prepared(operation: &Operation, prepared: Prepared) -> Reply {
	let name = match operation {
		Operation::Shield { .. } => "shield",
		_ if operation.relayer().is_some() => "relay",
		Operation::Send { .. } => "transfer",
		Operation::Unshield { .. } => "unshield",
	};
	let call_data = to_hex(&prepared.call.encode());
	let mut json = json!({
		"pallet": "zk",
		"call": name,
		"payload": ShieldedProofJson::from_payload(&prepared.payload),
		"call_data": call_data,
		"proving_ms": prepared.proving.as_millis() as u64,
	});
	if let Operation::Unshield { to, .. } = operation {
		json["recipient"] = json!(to.to_ss58check());
	}
	let text = match operation {
		Operation::Shield { .. } => {
			format!("proved zk.shield (sign and submit it from the paying account):\n{call_data}")
		},
		_ if operation.relayer().is_some() => {
			format!("proved zk.relay (sign and submit it from the relaying account):\n{call_data}")
		},
		Operation::Send { .. } | Operation::Unshield { .. } => {
			let extrinsic = extrinsic::to_hex(&extrinsic::bare(prepared.call));
			json["extrinsic"] = json!(extrinsic);
			format!("proved zk.{name}; unsigned extrinsic (submit with author_submitExtrinsic):\n{extrinsic}")
		},
	};
	Reply::new(json, text)
}
