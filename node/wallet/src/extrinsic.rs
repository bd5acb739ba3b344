//! Extrinsics for the Sable runtime, built the way polkadot.js builds them: signed ones from
//! the chain's genesis hash, runtime version and the account's nonce; unsigned (bare) ones
//! for private transfers and unshields.

use codec::Encode;
use sable_runtime::{RuntimeCall, SignedPayload, UncheckedExtrinsic};
use sp_core::{sr25519, Pair, H256};
use sp_runtime::MultiSignature;

/// Everything about the chain that a signature commits to.
#[derive(Clone, Copy, Debug)]
pub struct ChainContext {
	/// Genesis hash.
	pub genesis_hash: H256,
	/// Runtime `spec_version`.
	pub spec_version: u32,
	/// Runtime `transaction_version`.
	pub transaction_version: u32,
}

/// `call` signed by `signer` with `nonce` (immortal era, no tip).
pub fn signed(
	context: &ChainContext,
	call: RuntimeCall,
	signer: &sr25519::Pair,
	nonce: u32,
) -> UncheckedExtrinsic {
	signed_as(context, call, signer.public().into(), signer, nonce)
}

/// `call` claiming to come from `sender`, signed with `signer`'s key: a wallet passes the
/// signer's own account (see [`signed`]); tests pass another to check that the chain
/// refuses the forgery.
pub fn signed_as(
	context: &ChainContext,
	call: RuntimeCall,
	sender: sp_runtime::AccountId32,
	signer: &sr25519::Pair,
	nonce: u32,
) -> UncheckedExtrinsic {
	let extensions = sable_runtime::tx_extension(nonce, 0);
	let implicit = (
		(),
		context.spec_version,
		context.transaction_version,
		context.genesis_hash,
		context.genesis_hash,
		(),
		(),
		(),
		// `CheckMetadataHash` in mode 0 signs no metadata digest.
		None,
		(),
	);
	let payload = SignedPayload::from_raw(call.clone(), extensions.clone(), implicit);
	let signature = payload.using_encoded(|bytes| signer.sign(bytes));
	UncheckedExtrinsic::new_signed(
		call,
		sender.into(),
		MultiSignature::Sr25519(signature),
		extensions,
	)
}

/// An unsigned (bare) extrinsic, in extrinsic format 4: the runtime accepts format 4 and 5
/// alike (they differ only in the version byte), and 4 is what polkadot.js and other
/// clients build and decode, so the CLI's bytes are theirs.
pub fn bare(call: RuntimeCall) -> UncheckedExtrinsic {
	UncheckedExtrinsic::new_bare_legacy(call)
}

/// The SCALE bytes of an extrinsic, as `author_submitExtrinsic` takes them (hex).
pub fn to_hex(extrinsic: &UncheckedExtrinsic) -> String {
	sable_zk_primitives::encoding::to_hex(&extrinsic.encode())
}
