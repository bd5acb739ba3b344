//! Real proofs for the benchmarks, which run in wasm where nothing can be proven.
//!
//! `benchmark_fixture.scale` is made by the ignored test `regenerate_benchmark_fixture`
//! (`SABLE_UPDATE_BENCH_FIXTURE=1 cargo test -p pallet-proof-of-inference --release --
//! --ignored regenerate`); a normal test checks that every proof in it still verifies, so a
//! circuit change cannot leave the benchmarks measuring rejections.

use alloc::vec::Vec;
use codec::{Decode, Encode};
use sable_zk_host::CircuitId;

use crate::{Commitment, JobId};

/// One proven result per benchmarked circuit version, all for job
/// [`BenchmarkFixture::job_id`] and the provider [`BenchmarkFixture::provider`].
#[derive(Clone, Debug, Encode, Decode)]
pub struct BenchmarkFixture {
	/// The job id every proof is bound to.
	pub job_id: JobId,
	/// The provider's 32-byte account id every proof is bound to.
	pub provider: [u8; 32],
	/// A result per circuit version.
	pub results: Vec<FixtureResult>,
}

/// A job's commitments and a proof of its result.
#[derive(Clone, Debug, Encode, Decode)]
pub struct FixtureResult {
	/// The model's circuit version.
	pub circuit: CircuitId,
	/// Model commitment.
	pub model: Commitment,
	/// Input commitment.
	pub input: Commitment,
	/// Delivery-key commitment, for circuits with delivery.
	pub delivery: Option<Commitment>,
	/// The result: output commitment or output ciphertext.
	pub output: Vec<Commitment>,
	/// The proof.
	pub proof: Vec<u8>,
}

impl BenchmarkFixture {
	/// The result of `circuit`.
	pub fn result(&self, circuit: CircuitId) -> Option<&FixtureResult> {
		self.results.iter().find(|result| result.circuit == circuit)
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
	use sable_inference_proofs::samples;
	use sable_zk_host::{circuits, Statement};

	const JOB_ID: JobId = 0;
	const PROVIDER: [u8; 32] = [7; 32];

	/// Every registered job circuit version, which the benchmarks cover one by one.
	fn benchmarked() -> Vec<CircuitId> {
		circuits::REGISTRY
			.iter()
			.map(|spec| spec.id)
			.filter(|id| sable_inference_primitives::JobKind::of(*id).is_some())
			.collect()
	}

	#[test]
	#[ignore = "writes the fixture; run with SABLE_UPDATE_BENCH_FIXTURE=1"]
	fn regenerate_benchmark_fixture() {
		if std::env::var_os("SABLE_UPDATE_BENCH_FIXTURE").is_none() {
			return;
		}
		let mut rng = StdRng::seed_from_u64(0xbe7c);
		let results = benchmarked()
			.into_iter()
			.map(|circuit| {
				let witness = samples::of_circuit(circuit, 1).expect("a sample of each circuit");
				let proven = witness.prove(JOB_ID, PROVIDER, &mut rng).expect("proves");
				FixtureResult {
					circuit,
					model: proven.statement.model,
					input: proven.statement.input,
					delivery: proven.statement.delivery,
					output: proven.statement.output,
					proof: proven.proof,
				}
			})
			.collect::<Vec<_>>();
		assert_eq!(results.len(), benchmarked().len(), "a result for every circuit version");
		let fixture = BenchmarkFixture { job_id: JOB_ID, provider: PROVIDER, results };
		let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/benchmark_fixture.scale");
		std::fs::write(path, fixture.encode()).expect("fixture written");
	}

	#[test]
	fn every_fixture_proof_verifies_through_the_host_functions() {
		let fixture = fixture().expect("fixture decodes");
		for circuit in benchmarked() {
			let result = fixture.result(circuit).expect("a result of each circuit version");
			let statement = JobStatement {
				job_id: fixture.job_id,
				provider: fixture.provider,
				model: result.model,
				input: result.input,
				delivery: result.delivery,
				output: result.output.clone(),
			};
			let inputs = statement.public_inputs().expect("canonical");
			let proof = result.proof.clone().try_into().expect("fits");
			let statement = Statement::new(circuit, &inputs, proof).expect("well formed");
			assert_eq!(sable_zk_host::verify(&[statement]), Ok(()), "{circuit:?}");
		}
	}
}
