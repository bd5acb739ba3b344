#!/usr/bin/env bash
# polkadot.js end-to-end tests (npm packages installed from the lockfile by scripts/setup.sh):
# runs tests/ against a dev node each test file starts itself. Uses the release binaries
# of the shared target directory (built by scripts/test.sh or `build_workspace`).
set -euo pipefail
cd "$(dirname "$0")"
. ../env.sh

export SABLE_BIN="${SABLE_BIN:-$CARGO_TARGET_DIR/release/sable}"
export SABLE_PROVER_BIN="${SABLE_PROVER_BIN:-$CARGO_TARGET_DIR/release/sable-zk-prover}"
for binary in "$SABLE_NODE_BIN" "$SABLE_BIN" "$SABLE_PROVER_BIN"; do
  if [ ! -x "$binary" ]; then
    (cd ../.. && build_workspace)
    break
  fi
done

if [ ! -f node_modules/.sable-installed ] || [ package-lock.json -nt node_modules/.sable-installed ]; then
  echo "e2e: npm packages missing or older than package-lock.json: run scripts/setup.sh" >&2
  exit 1
fi

exec node --test --test-concurrency=1 --test-reporter=spec tests/*.test.js
