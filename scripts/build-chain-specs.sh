#!/usr/bin/env bash
# Writes the committed chain specs, chain-specs/{local,staging}.json, from the runtime's
# genesis presets. Usage: scripts/build-chain-specs.sh [OUTPUT_DIR]   (default: chain-specs)
# Run it after every runtime change; a test fails while the committed files are stale.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
out="${1:-chain-specs}"
mkdir -p "$out"
[ -x "$SABLE_NODE_BIN" ] || build_workspace
for chain in local staging; do
  "$SABLE_NODE_BIN" export-chain-spec --chain "$chain" --output "$out/$chain.json" 2>/dev/null
  echo "build-chain-specs: wrote $out/$chain.json"
done
