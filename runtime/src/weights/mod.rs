//! Weights measured on Sable's reference machine (`scripts/bench-weights.sh`; docs/OPERATOR.md,
//! "Weights"), except `consensus`, composed by hand from measured parts, and `extensions`,
//! the transaction extensions' recorded storage without their execution, which
//! `ExtrinsicBaseWeight` already holds.

pub mod block_weights;
pub mod consensus;
pub mod extensions;
pub mod extrinsic_weights;
pub mod frame_system;
pub mod frame_system_extensions;
pub mod pallet_balances;
pub mod pallet_proof_of_inference;
pub mod pallet_sudo;
pub mod pallet_timestamp;
pub mod pallet_transaction_payment;
pub mod pallet_utility;
pub mod pallet_zk;
// The generated file documents the fields of a struct literal.
#[allow(unused_doc_comments)]
pub mod paritydb_weights;
