//! The public inputs every job circuit proves against (`docs/poi.md`, "Statement").
//!
//! All three job circuits (commitment, LoRA step, inference) share one instance column, so
//! the pallet builds the statement the same way whatever the job's kind:
//!
//! | row | value |
//! | --- | --- |
//! | 0 | job id |
//! | 1 | provider: [`crate::provider_id`] of the provider's account |
//! | 2 | the job's model commitment |
//! | 3 | the job's input commitment |
//! | 4 | the output commitment the provider submits |

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
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
/// Row of the output commitment.
pub const OUTPUT: usize = 4;
/// Length of the instance column: the registry's instance length of every job circuit.
pub const COUNT: usize = sable_circuits::POI_COMMITMENT_V1.public_inputs as usize;
const _: () = {
	assert!(OUTPUT + 1 == COUNT, "the rows fill the instance column");
	assert!(sable_circuits::POI_LORA_V1.public_inputs as usize == COUNT);
	assert!(sable_circuits::POI_INFERENCE_V1.public_inputs as usize == COUNT);
};

/// A job's statement, with commitments as their 32-byte canonical encodings (as stored on
/// chain).
#[derive(
	Clone,
	Copy,
	Debug,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub struct JobStatement {
	/// The job's id.
	pub job_id: u64,
	/// The provider's 32-byte account id.
	pub provider: [u8; 32],
	/// The model commitment.
	pub model: [u8; 32],
	/// The input commitment.
	pub input: [u8; 32],
	/// The output commitment.
	pub output: [u8; 32],
}

impl JobStatement {
	/// The instance column, or `None` if a commitment is not a canonical field element.
	pub fn to_instance(&self) -> Option<[Fp; COUNT]> {
		Some([
			Fp::from(self.job_id),
			crate::provider_id(&self.provider),
			fp_from_bytes(&self.model)?,
			fp_from_bytes(&self.input)?,
			fp_from_bytes(&self.output)?,
		])
	}

	/// The instance column as the bytes the `zk_verifier` host functions take.
	pub fn public_inputs(&self) -> Option<[[u8; 32]; COUNT]> {
		Some(self.to_instance()?.map(|x| fp_to_bytes(&x)))
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn rows_hold_job_provider_and_commitments() {
		let statement = JobStatement {
			job_id: 7,
			provider: [1; 32],
			model: fp_to_bytes(&Fp::from(2)),
			input: fp_to_bytes(&Fp::from(3)),
			output: fp_to_bytes(&Fp::from(4)),
		};
		let instance = statement.to_instance().expect("canonical");
		assert_eq!(instance[JOB_ID], Fp::from(7));
		assert_eq!(instance[PROVIDER], crate::provider_id(&[1; 32]));
		assert_eq!(instance[MODEL..], [Fp::from(2), Fp::from(3), Fp::from(4)]);
		let non_canonical = JobStatement { output: [0xff; 32], ..statement };
		assert_eq!(non_canonical.to_instance(), None);
		assert_eq!(non_canonical.public_inputs(), None);
	}
}
