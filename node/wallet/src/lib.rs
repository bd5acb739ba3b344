//! `sable`, Sable's command-line wallet: shielded keys in a 0600 key file with optional
//! passphrase encryption; a crash-safe local store of the chain's note tree and the wallet's
//! notes, synced over the node's WebSocket JSON-RPC (`zk_*`); shield, private send and
//! unshield with proofs made locally, submitted and followed to finality; the
//! proof-of-inference market ([`poi`]): providers, models, jobs with requests sealed to a
//! model's key, proofs made locally, outputs decrypted with the client's delivery key.

#![deny(missing_docs)]

pub mod error;
pub mod extrinsic;
pub mod failover;
pub mod files;
pub mod http_client;
pub mod keyfile;
pub mod node_client;
pub mod poi;
pub mod shielded;
pub mod store;
pub mod submit;
pub mod substrate_rpc;
pub mod sync;
pub mod x402;
