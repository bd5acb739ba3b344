#!/usr/bin/env bash
# Benchmarks shielded transfers at three levels and records one JSON object in
# docs/PERFORMANCE.md (the last line printed):
#   1. the circuits alone (prove, verify, batch verify; release, one thread): the transfer
#      and the three proof-of-inference circuits (poi_* keys);
#   2. verification through the runtime and the host function, from the pallet benchmarks
#      of scripts/bench-weights.sh (run first if their results are missing):
#      host_verify_ms (the `shield` extrinsic: one verification) and
#      host_batch32_ms_per_proof (the block's batch, `verify_block_proofs(n)`);
#   3. block import with N single private transfers and how many fit in a block, singly
#      and in batches (node/benches/block_import.rs, about ten minutes of proving).
# SKIP_CHAIN=1 runs only the first part.
# The report (medians, batch fit, merged JSON, PERFORMANCE.md): `sable-report bench-zk` (node/report).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
export RAYON_NUM_THREADS="${RAYON_NUM_THREADS:-1}"
out=$(mktemp -d -t sable-bench-zk-XXXXXX)
cargo bench --locked -p sable-zk-proofs --bench transfer 2>/dev/null | tee "$out/circuit.txt"
cargo bench --locked -p sable-inference-proofs --bench jobs 2>/dev/null | tee "$out/jobs.txt"
results=("$out/circuit.txt" "$out/jobs.txt")
if [ "${SKIP_CHAIN:-0}" != 1 ]; then
  pallet_json="$CARGO_TARGET_DIR/pallet_zk-benchmark.json"
  [ -f "$pallet_json" ] || ./scripts/bench-weights.sh
  # The block-import benchmark proves with every core, as a wallet would.
  env -u RAYON_NUM_THREADS SABLE_BENCH_BLOCK_IMPORT=1 \
    cargo test --release --locked --workspace --bench block_import 2>/dev/null | tee "$out/chain.txt"
  results+=("$out/chain.txt" --pallet-results "$pallet_json")
fi
cargo run --release --locked -q -p sable-report -- \
  bench-zk --doc docs/PERFORMANCE.md --date "$(date +%F)" "${results[@]}"
rm -rf "$out"
