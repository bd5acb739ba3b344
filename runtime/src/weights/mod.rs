//! Weights measured on Sable's reference machine (`scripts/bench-weights.sh`; docs/OPERATOR.md,
//! "Weights"), except `consensus`, composed by hand from measured parts.

pub mod consensus;
pub mod pallet_proof_of_inference;
pub mod pallet_zk;
