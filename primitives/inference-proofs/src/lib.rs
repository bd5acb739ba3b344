//! Sable's proof-of-inference circuits (`docs/poi.md`): the job commitment proof (circuit
//! 2) and the quantized-model inference proof (circuit 4), with their keys and a
//! kind-independent prover and verifier ([`job`]).
//!
//! The commitments and reference computations they constrain live in
//! `sable-inference-primitives`, which the runtime and the CLI share; the Poseidon chip,
//! keys and proving come from `sable-zk-proofs`.

#![deny(missing_docs)]

pub mod circuit;
pub mod gadgets;
pub mod job;
pub mod json;
pub mod keys;
pub mod request;
pub mod samples;

pub use sable_circuits::{CircuitId, CircuitSpec};
pub use sable_inference_primitives as primitives;
