//! The node's JSON-RPC extensions on top of Substrate's built-in `system`, `chain`, `state`
//! and `author` sets: account nonces, fee queries, BABE, GRANDPA and the shielded pool's
//! wallet queries (`zk_*`, see `pallet-zk-rpc`) and proof-of-inference job queries (`poi_*`,
//! see `pallet-proof-of-inference-rpc`).
//!
//! Later pallets add their own modules here: each is built by a function that merges its
//! methods into the [`RpcModule`] returned by [`create_full`].

use std::sync::Arc;

use jsonrpsee::RpcModule;
use sable_runtime::{opaque::Block, AccountId, Balance, BlockNumber, Nonce};
use sc_client_api::AuxStore;
use sc_consensus_babe::BabeWorkerHandle;
use sc_consensus_grandpa::{
	FinalityProofProvider, GrandpaJustificationStream, SharedAuthoritySet, SharedVoterState,
};
use sc_rpc::SubscriptionTaskExecutor;
use sc_transaction_pool_api::TransactionPool;
use sp_api::ProvideRuntimeApi;
use sp_block_builder::BlockBuilder;
use sp_blockchain::{Error as BlockChainError, HeaderBackend, HeaderMetadata};
use sp_consensus::SelectChain;
use sp_keystore::KeystorePtr;

/// What the BABE RPC (`babe_epochAuthorship`) needs.
pub struct BabeDeps {
	/// Answers questions about epochs without blocking the BABE worker.
	pub babe_worker_handle: BabeWorkerHandle<Block>,
	/// The node's keystore, to tell which slots its own keys may author.
	pub keystore: KeystorePtr,
}

/// What the GRANDPA RPC (`grandpa_roundState`, `grandpa_proveFinality`,
/// `grandpa_subscribeJustifications`) needs.
pub struct GrandpaDeps<B> {
	/// State of the voter, for `grandpa_roundState`.
	pub shared_voter_state: SharedVoterState,
	/// The current authority set.
	pub shared_authority_set: SharedAuthoritySet<<Block as sp_runtime::traits::Block>::Hash, u32>,
	/// Justifications as the voter finalizes blocks.
	pub justification_stream: GrandpaJustificationStream<Block>,
	/// Runs subscriptions.
	pub subscription_executor: SubscriptionTaskExecutor,
	/// Builds finality proofs for `grandpa_proveFinality`.
	pub finality_provider: Arc<FinalityProofProvider<B, Block>>,
}

/// Everything the full node's RPC extensions need.
pub struct FullDeps<C, P, SC, B> {
	/// The client.
	pub client: Arc<C>,
	/// The transaction pool.
	pub pool: Arc<P>,
	/// Chooses the best chain, for BABE's epoch queries.
	pub select_chain: SC,
	/// BABE dependencies.
	pub babe: BabeDeps,
	/// GRANDPA dependencies.
	pub grandpa: GrandpaDeps<B>,
}

/// Builds the RPC extensions of a full node.
pub fn create_full<C, P, SC, B>(
	deps: FullDeps<C, P, SC, B>,
) -> Result<RpcModule<()>, Box<dyn std::error::Error + Send + Sync>>
where
	C: ProvideRuntimeApi<Block>
		+ HeaderBackend<Block>
		+ HeaderMetadata<Block, Error = BlockChainError>
		+ AuxStore
		+ Send
		+ Sync
		+ 'static,
	C::Api: substrate_frame_rpc_system::AccountNonceApi<Block, AccountId, Nonce>,
	C::Api: pallet_transaction_payment_rpc::TransactionPaymentRuntimeApi<Block, Balance>,
	C::Api: sp_consensus_babe::BabeApi<Block>,
	C::Api: BlockBuilder<Block>,
	C::Api: pallet_zk_rpc::ZkRuntimeApi<Block, Balance>,
	C::Api: pallet_proof_of_inference_rpc::ProofOfInferenceRuntimeApi<
		Block,
		AccountId,
		Balance,
		BlockNumber,
	>,
	P: TransactionPool + 'static,
	SC: SelectChain<Block> + 'static,
	B: sc_client_api::Backend<Block> + Send + Sync + 'static,
	B::State: sc_client_api::StateBackend<sp_runtime::traits::HashingFor<Block>>,
{
	use pallet_proof_of_inference_rpc::{ProofOfInference, ProofOfInferenceApiServer};
	use pallet_transaction_payment_rpc::{TransactionPayment, TransactionPaymentApiServer};
	use pallet_zk_rpc::{Zk, ZkApiServer};
	use sc_consensus_babe_rpc::{Babe, BabeApiServer};
	use sc_consensus_grandpa_rpc::{Grandpa, GrandpaApiServer};
	use substrate_frame_rpc_system::{System, SystemApiServer};

	let FullDeps { client, pool, select_chain, babe, grandpa } = deps;
	let mut module = RpcModule::new(());

	module.merge(System::new(client.clone(), pool).into_rpc())?;
	module.merge(TransactionPayment::new(client.clone()).into_rpc())?;
	module.merge(Zk::<_, Block, Balance>::new(client.clone()).into_rpc())?;
	module.merge(
		ProofOfInference::<_, Block, Balance, BlockNumber>::new(client.clone()).into_rpc(),
	)?;
	module.merge(
		Babe::new(client, babe.babe_worker_handle, babe.keystore, select_chain).into_rpc(),
	)?;
	module.merge(
		Grandpa::new(
			grandpa.subscription_executor,
			grandpa.shared_authority_set,
			grandpa.shared_voter_state,
			grandpa.justification_stream,
			grandpa.finality_provider,
		)
		.into_rpc(),
	)?;

	Ok(module)
}
