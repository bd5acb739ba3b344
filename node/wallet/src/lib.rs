//! `sable`, Sable's command-line wallet (issue 6, first part): shielded keys in a 0600 key
//! file with optional passphrase encryption, and a crash-safe local store of the chain's note
//! tree and the wallet's notes, synced over the node's WebSocket JSON-RPC (`zk_*`).

#![deny(missing_docs)]

pub mod error;
pub mod files;
pub mod keyfile;
pub mod node_client;
pub mod store;
pub mod sync;
