//! Runtime API of the proof-of-inference pallet: what clients and providers query.

#![cfg_attr(not(feature = "std"), no_std)]
// `decl_runtime_apis!` repeats the trait's bounds in the code it generates.
#![allow(clippy::multiple_bound_locations)]

extern crate alloc;

use alloc::vec::Vec;
use codec::Codec;

pub use pallet_proof_of_inference::{Commitment, Job, JobId, JobStatus, Model, ModelId, Provider};

sp_api::decl_runtime_apis! {
	/// Queries of AI jobs and providers.
	pub trait ProofOfInferenceApi<AccountId: Codec, Balance: Codec, BlockNumber: Codec> {
		/// A registered model.
		fn model(model_id: ModelId) -> Option<Model<AccountId, Balance>>;
		/// A job, until it is pruned.
		fn job(job_id: JobId) -> Option<Job<AccountId, Balance, BlockNumber>>;
		/// An open job's request, encrypted to its model's key.
		fn request(job_id: JobId) -> Option<Vec<u8>>;
		/// A job's result: the output commitment, or the output ciphertext.
		fn result(job_id: JobId) -> Option<Vec<Commitment>>;
		/// A provider's bond and record.
		fn provider(who: AccountId) -> Option<Provider<Balance, BlockNumber>>;
		/// A provider's open jobs.
		fn provider_jobs(who: AccountId) -> Vec<JobId>;
	}
}
