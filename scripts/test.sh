#!/usr/bin/env bash
# The one test command: sets up the machine, builds the node, the wasm runtime and every
# crate in one release build (shared with run-dev.sh), and runs every test of the workspace.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
. scripts/env.sh

start=$(date +%s)
# The runtime links sable-zk-primitives: it must build for the wasm target without std.
cargo build --release --locked -p sable-zk-primitives -p sable-inference-primitives \
  --no-default-features --target wasm32v1-none
echo "test.sh: sable-zk-primitives and sable-inference-primitives build for wasm32v1-none"

# Every test of the workspace, two processes at a time (two fit two cores), each node test
# (node/tests, which start real nodes) a process of its own, the longest first; then the
# flood (docs/zk.md, "Floods"), which measures block production under load, alone.
python3 scripts/run-tests.py --jobs 2 --split node --alone flood

# The pallets' benchmarks, run against their mock runtimes with the committed fixtures of
# real proofs (the weights themselves come from `scripts/bench-weights.sh`).
cargo test --release --locked -p pallet-zk -p pallet-proof-of-inference \
  --features runtime-benchmarks -- --test-threads=2
# polkadot.js against a dev node, with the binaries the workspace tests just built.
./scripts/e2e/run.sh
# Alert rules and the release bundle (with its systemd unit).
./scripts/test-ops.sh
# Multi-node networks with zombienet: 0006 (four validators connect and finalize, then a
# runtime upgrade through Root with a transfer and a job in flight across it) and 0007 (an
# equivocating validator is reported and slashed while the others finalize). 0001 is 0006's
# first half; 0002-0005 (~9 minutes) do not fit the 60-minute budget of a fresh-machine run:
# they are run with `scripts/zombienet.sh` before a release (docs/BUILD.md,
# docs/OPERATOR.md), and node/tests/local_net.rs covers a validator down and catching up in
# every run.
./scripts/zombienet.sh 0006 0007
echo "test.sh: all tests passed in $(( $(date +%s) - start ))s"
