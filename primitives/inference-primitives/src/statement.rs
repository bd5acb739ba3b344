//! The public inputs every job circuit proves against (`docs/poi.md`, "Statement";
//! `docs/poi-circuits.md`, "Statement").
//!
//! All job circuits share one instance column, built the same way whatever the job's kind:
//!
//! | row | value |
//! | --- | --- |
//! | 0 | job id |
//! | 1 | provider: [`crate::provider_id`] of the provider's account |
//! | 2 | the job's model commitment |
//! | 3 | the job's input commitment |
//! | 4 | the delivery commitment `D`, for kinds that deliver ([`crate::JobKind::delivers`]) |
//! | then | the output elements |
//!
//! A commitment job has no delivery commitment and one output element, the output
//! commitment (five rows). An inference or adapted-inference job has the client's delivery
//! commitment and the `m` ciphertext elements of its output (`5 + m` rows,
//! [`crate::delivery`]).

use alloc::vec::Vec;

use codec::{Decode, DecodeWithMemTracking, Encode};
use sable_zk_primitives::{
	encoding::{fp_from_bytes, fp_to_bytes},
	Fp,
};
use scale_info::TypeInfo;

/// Row of the job id.
pub const JOB_ID: usize = 0;
/// Row of the provider.
pub const PROVIDER: usize = 1;
/// Row of the model commitment.
pub const MODEL: usize = 2;
/// Row of the input commitment.
pub const INPUT: usize = 3;
/// Row of the delivery commitment, when the statement has one.
pub const DELIVERY: usize = 4;
/// Row of the output commitment of a commitment job (no delivery commitment).
pub const OUTPUT: usize = 4;
/// First row of the ciphertext of a delivering job (after the delivery commitment).
pub const CIPHERTEXT: usize = 5;

/// A job's statement, with commitments and output elements as their 32-byte canonical
/// encodings (as stored on chain).
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
pub struct JobStatement {
	/// The job's id.
	pub job_id: u64,
	/// The provider's 32-byte account id.
	pub provider: [u8; 32],
	/// The model commitment.
	pub model: [u8; 32],
	/// The input commitment.
	pub input: [u8; 32],
	/// The client's delivery commitment `D` (delivering kinds only).
	pub delivery: Option<[u8; 32]>,
	/// The output elements: the output commitment of a commitment job, or the ciphertext
	/// elements of a delivering job.
	pub output: Vec<[u8; 32]>,
}

impl JobStatement {
	/// Length of the instance column: the registry's `public_inputs` of the job's circuit.
	pub fn instance_len(&self) -> usize {
		4 + usize::from(self.delivery.is_some()) + self.output.len()
	}

	/// The instance column, or `None` if a commitment or output element is not a canonical
	/// field element.
	pub fn to_instance(&self) -> Option<Vec<Fp>> {
		let mut instance = Vec::with_capacity(self.instance_len());
		instance.push(Fp::from(self.job_id));
		instance.push(crate::provider_id(&self.provider));
		instance.push(fp_from_bytes(&self.model)?);
		instance.push(fp_from_bytes(&self.input)?);
		if let Some(delivery) = &self.delivery {
			instance.push(fp_from_bytes(delivery)?);
		}
		for element in &self.output {
			instance.push(fp_from_bytes(element)?);
		}
		Some(instance)
	}

	/// The instance column as the bytes the `zk_verifier` host functions take.
	pub fn public_inputs(&self) -> Option<Vec<[u8; 32]>> {
		Some(self.to_instance()?.iter().map(fp_to_bytes).collect())
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	fn bytes(x: u64) -> [u8; 32] {
		fp_to_bytes(&Fp::from(x))
	}

	#[test]
	fn commitment_rows_hold_job_provider_and_commitments() {
		let statement = JobStatement {
			job_id: 7,
			provider: [1; 32],
			model: bytes(2),
			input: bytes(3),
			delivery: None,
			output: alloc::vec![bytes(4)],
		};
		let instance = statement.to_instance().expect("canonical");
		assert_eq!(instance.len(), 5);
		assert_eq!(statement.instance_len(), 5);
		assert_eq!(instance[JOB_ID], Fp::from(7));
		assert_eq!(instance[PROVIDER], crate::provider_id(&[1; 32]));
		assert_eq!(instance[MODEL..], [Fp::from(2), Fp::from(3), Fp::from(4)]);
		assert_eq!(instance[OUTPUT], Fp::from(4));
		let non_canonical = JobStatement { output: alloc::vec![[0xff; 32]], ..statement };
		assert_eq!(non_canonical.to_instance(), None);
		assert_eq!(non_canonical.public_inputs(), None);
	}

	#[test]
	fn delivering_rows_add_the_delivery_commitment_and_the_ciphertext() {
		let statement = JobStatement {
			job_id: 9,
			provider: [2; 32],
			model: bytes(2),
			input: bytes(3),
			delivery: Some(bytes(4)),
			output: alloc::vec![bytes(5), bytes(6)],
		};
		let instance = statement.to_instance().expect("canonical");
		assert_eq!(instance.len(), 7);
		assert_eq!(instance[DELIVERY], Fp::from(4));
		assert_eq!(instance[CIPHERTEXT..], [Fp::from(5), Fp::from(6)]);
		assert_eq!(
			statement.public_inputs().expect("canonical"),
			instance.iter().map(fp_to_bytes).collect::<Vec<_>>()
		);
		let non_canonical = JobStatement { delivery: Some([0xff; 32]), ..statement };
		assert_eq!(non_canonical.public_inputs(), None);
	}
}
