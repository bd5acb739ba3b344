//! `sable-node`: the Sable chain's node.

#![warn(missing_docs)]

mod chain_metrics;
mod chain_spec;
mod cli;
mod command;
mod rpc;
mod runtime_check;
mod service;

fn main() -> sc_cli::Result<()> {
	command::run()
}
