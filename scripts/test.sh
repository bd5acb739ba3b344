#!/usr/bin/env bash
# The one test command: sets up the machine, builds the node and the wasm runtime, and runs
# every test of the workspace in one release build (shared with run-dev.sh's binary).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
. scripts/env.sh

start=$(date +%s)
# Node tests start several nodes each; two at a time fit two cores.
cargo test --release --locked --workspace -- --test-threads=2
echo "test.sh: all tests passed in $(( $(date +%s) - start ))s"
