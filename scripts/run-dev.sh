#!/usr/bin/env bash
# Builds the node (release) and runs a single-validator development chain.
# Extra arguments go to sable-node, e.g. `./scripts/run-dev.sh --rpc-external`.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
build_workspace
echo "run-dev: RPC ws://127.0.0.1:9944  Prometheus http://127.0.0.1:9615/metrics"
exec "$SABLE_NODE_BIN" --dev --tmp --rpc-cors all "$@"
