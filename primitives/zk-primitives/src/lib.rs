//! Sable's shielded-pool primitives, shared byte for byte by the runtime, the wallet and the
//! circuit (`sable-zk-proofs`). `no_std`: the runtime links this crate.
//!
//! The statement these values feed is specified in `docs/zk.md`; every hash here names the
//! section of that document that defines it.

#![cfg_attr(not(feature = "std"), no_std)]
#![deny(missing_docs)]

extern crate alloc;

pub use bounded_collections;

pub mod binding;
pub mod encoding;
pub mod hash;
pub mod keys;
pub mod note;
pub mod payload;
pub mod public_inputs;
pub mod tree;

/// The field every value of the statement lives in: the base field of Pallas, which is the
/// scalar field of the Vesta curve the proofs commit with.
pub type Fp = pasta_curves::pallas::Base;
