#!/usr/bin/env bash
# Measures the weights Sable's runtime uses, on this machine, with `sable-node benchmark`
# (docs/OPERATOR.md, "Weights"). Each target writes a file in runtime/src/weights/ and keeps
# its raw results in $CARGO_TARGET_DIR (bench-zk.sh reads pallet_zk's):
#   <pallet>   `benchmark pallet`: the runtime in wasm; the shielded pallets verify real
#              proofs from their committed fixtures through the host function, with the
#              node's verified-statement cache off. Writes weights/<pallet>.rs.
#   pallet_babe, pallet_grandpa
#              `benchmark pallet` for the equivocation-proof checks only: JSON, no file (their
#              weights are written by hand in weights/consensus.rs from these numbers).
#   overhead   `benchmark overhead`: an empty block and a no-op extrinsic, giving
#              weights/block_weights.rs and weights/extrinsic_weights.rs.
#   storage    `benchmark storage` on ParityDB (p95; $STORAGE_BATCH_SIZE writes per storage
#              root, default 1), giving weights/paritydb_weights.rs; reads the state of
#              $STORAGE_CHAIN (default dev) under $STORAGE_BASE_PATH (default: a fresh
#              database holding the genesis state).
#   machine    `benchmark machine`: this machine against polkadot-sdk's reference hardware
#              (printed only; not in the default set).
# With no argument: every pallet the runtime takes weights from, then overhead and storage.
# STEPS and REPEAT (default 8 and 5) set `benchmark pallet`'s sampling.
#
# The benchmark node is a second build of the node with `--features runtime-benchmarks`
# (about 20 minutes the first time); it is kept as `sable-node-benchmarks` and the normal
# node binary is put back afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
export RAYON_NUM_THREADS=1
bench_node="$CARGO_TARGET_DIR/release/sable-node-benchmarks"
weights=runtime/src/weights
header=scripts/weights-header.txt

weight_pallets=(frame_system frame_system_extensions pallet_balances pallet_transaction_payment
  pallet_timestamp pallet_utility pallet_sudo pallet_zk pallet_proof_of_inference)
json_only_pallets=(pallet_babe pallet_grandpa)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${weight_pallets[@]}" "${json_only_pallets[@]}" overhead storage)

if [ "${SKIP_BENCH_BUILD:-0}" != 1 ]; then
  cargo build --release --locked -p sable-node --features runtime-benchmarks
  cp "$CARGO_TARGET_DIR/release/sable-node" "$bench_node"
  build_workspace >/dev/null # the normal node binary again (cached artifacts: no recompilation)
fi

bench_pallet() { # pallet, then the extra arguments that say where the results go
  local pallet=$1
  shift
  "$bench_node" benchmark pallet \
    --chain dev \
    --pallet "$pallet" \
    --extrinsic '*' \
    --steps "${STEPS:-8}" \
    --repeat "${REPEAT:-5}" \
    --wasm-execution compiled \
    --json-file "$CARGO_TARGET_DIR/$pallet-benchmark.json" \
    "$@"
}

bench_storage() {
  local base_path=${STORAGE_BASE_PATH:-} fresh=""
  if [ -z "$base_path" ]; then # a fresh database: the node writes the chain's genesis state
    fresh=$(mktemp -d -t sable-bench-storage-XXXXXX)
    base_path=$fresh
  fi
  "$bench_node" benchmark storage \
    --chain "${STORAGE_CHAIN:-dev}" \
    --base-path "$base_path" \
    --database paritydb \
    --state-version 1 \
    --batch-size "${STORAGE_BATCH_SIZE:-1}" \
    --metric p95 \
    --header "$header" \
    --weight-path "$weights" \
    --json-read-path "$CARGO_TARGET_DIR/storage-read.json" \
    --json-write-path "$CARGO_TARGET_DIR/storage-write.json"
  [ -z "$fresh" ] || rm -rf "$fresh"
}

for target in "${targets[@]}"; do
  case "$target" in
    overhead)
      "$bench_node" benchmark overhead --chain dev --header "$header" --weight-path "$weights"
      echo "bench-weights: wrote $weights/block_weights.rs and $weights/extrinsic_weights.rs" ;;
    storage)
      bench_storage
      echo "bench-weights: wrote $weights/paritydb_weights.rs" ;;
    machine)
      "$bench_node" benchmark machine --chain dev --allow-fail ;;
    pallet_babe | pallet_grandpa)
      bench_pallet "$target"
      echo "bench-weights: results in $CARGO_TARGET_DIR/$target-benchmark.json" ;;
    *)
      bench_pallet "$target" --header "$header" --output "$weights/$target.rs"
      echo "bench-weights: wrote $weights/$target.rs" ;;
  esac
done
