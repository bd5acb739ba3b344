#!/usr/bin/env bash
# Benchmarks Sable's pallets with `sable-node benchmark pallet`: the runtime in wasm, real
# proofs from each pallet's committed fixture verified through the host function with the
# node's verified-statement cache off. For each pallet P (default: pallet_zk and
# pallet_proof_of_inference; or name them as arguments) writes runtime/src/weights/P.rs and
# keeps the raw results in $CARGO_TARGET_DIR/P-benchmark.json (bench-zk.sh reads them).
#
# The benchmark node is a second build of the node with `--features runtime-benchmarks`
# (about 20 minutes the first time); it is kept as `sable-node-benchmarks` and the normal
# node binary is put back afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
export RAYON_NUM_THREADS=1
bench_node="$CARGO_TARGET_DIR/release/sable-node-benchmarks"
pallets=("$@")
[ ${#pallets[@]} -gt 0 ] || pallets=(pallet_zk pallet_proof_of_inference)

cargo build --release --locked -p sable-node --features runtime-benchmarks
cp "$CARGO_TARGET_DIR/release/sable-node" "$bench_node"
build_workspace >/dev/null # the normal node binary again (cached artifacts: no recompilation)

for pallet in "${pallets[@]}"; do
  "$bench_node" benchmark pallet \
    --chain dev \
    --pallet "$pallet" \
    --extrinsic '*' \
    --steps "${STEPS:-8}" \
    --repeat "${REPEAT:-5}" \
    --wasm-execution compiled \
    --header scripts/weights-header.txt \
    --output "runtime/src/weights/$pallet.rs" \
    --json-file "$CARGO_TARGET_DIR/$pallet-benchmark.json"
  echo "bench-weights: wrote runtime/src/weights/$pallet.rs"
done
