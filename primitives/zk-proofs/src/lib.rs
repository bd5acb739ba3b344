//! Sable's Halo2 transfer circuit and everything that proves and verifies with it: the
//! circuit (`circuit`), witness building (`witness`), parameters and keys (`keys`), proving,
//! verification and batch verification (`proof`), note encryption (`encryption`) and the
//! sealed boxes it is made of (`sealed`).
//!
//! The statement is specified in `docs/zk.md`; `sable-zk-primitives` holds the hashing,
//! keys, notes and tree that the circuit and the chain share.

#![deny(missing_docs)]

pub mod circuit;
pub mod encryption;
pub mod json;
pub mod keys;
pub mod proof;
pub mod sealed;
pub mod shielded;
pub mod witness;

pub use sable_zk_primitives as primitives;
