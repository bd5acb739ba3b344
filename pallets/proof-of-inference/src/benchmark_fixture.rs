//! Real proofs for the benchmarks, which run in wasm where nothing can be proven.
//!
//! `benchmark_fixture.scale` is made by the ignored test `regenerate_benchmark_fixture`
//! (`SABLE_UPDATE_BENCH_FIXTURE=1 cargo test -p pallet-proof-of-inference --release --
//! --ignored regenerate`); a normal test checks that every proof in it still verifies, so a
//! circuit change cannot leave the benchmarks measuring rejections.

use alloc::vec::Vec;
use codec::{Decode, Encode};
use sable_inference_primitives::JobKind;

use crate::{Commitment, JobId};

/// One proven result of each job kind, all for job [`BenchmarkFixture::job_id`] and the
/// provider [`BenchmarkFixture::provider`].
#[derive(Clone, Debug, Encode, Decode)]
pub struct BenchmarkFixture {
	/// The job id every proof is bound to.
	pub job_id: JobId,
	/// The provider's 32-byte account id every proof is bound to.
	pub provider: [u8; 32],
	/// A result per kind.
	pub results: Vec<FixtureResult>,
}

/// A job's commitments and a proof of its result.
#[derive(Clone, Debug, Encode, Decode)]
pub struct FixtureResult {
	/// The job kind (which circuit).
	pub kind: JobKind,
	/// Model commitment.
	pub model: Commitment,
	/// Input commitment.
	pub input: Commitment,
	/// Output commitment.
	pub output: Commitment,
	/// The proof.
	pub proof: Vec<u8>,
}

impl BenchmarkFixture {
	/// The result of `kind`.
	pub fn result(&self, kind: JobKind) -> Option<&FixtureResult> {
		self.results.iter().find(|result| result.kind == kind)
	}
}

/// The committed fixture.
pub fn fixture() -> Option<BenchmarkFixture> {
	BenchmarkFixture::decode(&mut &include_bytes!("benchmark_fixture.scale")[..]).ok()
}

#[cfg(test)]
mod tests {
	use super::*;
	use rand::{rngs::StdRng, SeedableRng};
	use sable_inference_primitives::statement::JobStatement;
	use sable_inference_proofs::{job::verify, samples};

	const JOB_ID: JobId = 0;
	const PROVIDER: [u8; 32] = [7; 32];

	#[test]
	#[ignore = "writes the fixture; run with SABLE_UPDATE_BENCH_FIXTURE=1"]
	fn regenerate_benchmark_fixture() {
		if std::env::var_os("SABLE_UPDATE_BENCH_FIXTURE").is_none() {
			return;
		}
		let mut rng = StdRng::seed_from_u64(0xbe7c);
		let results = [JobKind::Commitment, JobKind::LoraStep, JobKind::Inference]
			.map(|kind| samples::of_kind(kind, 1))
			.iter()
			.map(|witness| {
				let proven = witness.prove(JOB_ID, PROVIDER, &mut rng).expect("proves");
				FixtureResult {
					kind: witness.kind(),
					model: proven.statement.model,
					input: proven.statement.input,
					output: proven.statement.output,
					proof: proven.proof,
				}
			})
			.collect();
		let fixture = BenchmarkFixture { job_id: JOB_ID, provider: PROVIDER, results };
		let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/benchmark_fixture.scale");
		std::fs::write(path, fixture.encode()).expect("fixture written");
	}

	#[test]
	fn every_fixture_proof_verifies() {
		let fixture = fixture().expect("fixture decodes");
		for kind in [JobKind::Commitment, JobKind::LoraStep, JobKind::Inference] {
			let result = fixture.result(kind).expect("a result of each kind");
			let statement = JobStatement {
				job_id: fixture.job_id,
				provider: fixture.provider,
				model: result.model,
				input: result.input,
				output: result.output,
			};
			assert_eq!(verify(kind, &result.proof, &statement), Ok(()), "{kind:?}");
		}
	}
}
