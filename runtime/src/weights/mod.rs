//! Benchmarked weights of Sable's own pallets (`scripts/bench-weights.sh`).

pub mod pallet_proof_of_inference;
pub mod pallet_zk;
