#!/usr/bin/env bash
# Load test. Starts a dev node (or, with --local, the four validators of
# scripts/run-local-net.sh), then with `sable-load`:
#   0. watches --idle-blocks blocks at rest (block time and finality lag without load);
#   1. signed balance transfers from many accounts (//Load//i, funded by //Alice), submitted
#      as fast as the pool takes them for --duration seconds;
#   2. private transfers proved in advance (one shield and one transfer proof per transfer,
#      about two seconds of proving each), submitted at once as `zk.transfer`s;
#   3. the same again, submitted as `zk.submit_batch`es of 32.
# Prints, for each, the mean block time, the sustained included and finalized TPS, block
# fullness and finality lag (median, p95, max). With --record the table replaces the
# load-test section of docs/PERFORMANCE.md (load-test-local with --local).
#
#   scripts/load-test.sh [--local] [--idle-blocks 100] [--duration 60] [--accounts 1000]
#                        [--rate 1050] [--private 150] [--record]
# (--rate: transfers offered a second; 0 offers them as fast as the pool takes them.)
# (--private 0 skips the private transfers.)
# The table and the recorded section are `sable-load render` and `sable-load record` (node/load).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh

local_net=0 idle_blocks=100 duration=60 accounts=1000 rate=1050 private=150 record=0
while [ $# -gt 0 ]; do
  case "$1" in
    --local) local_net=1 ;;
    --idle-blocks) idle_blocks=$2; shift ;;
    --duration) duration=$2; shift ;;
    --accounts) accounts=$2; shift ;;
    --rate) rate=$2; shift ;;
    --private) private=$2; shift ;;
    --record) record=1 ;;
    *) echo "load-test: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

load_bin="$CARGO_TARGET_DIR/release/sable-load"
[ -x "$SABLE_NODE_BIN" ] && [ -x "$load_bin" ] || build_workspace

out=$(mktemp -d -t sable-load-XXXXXX)
pids=()
stop() {
  kill "${pids[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
  echo "load-test: node logs and results in $out"
}
trap stop EXIT
trap 'exit 130' INT TERM

if [ "$local_net" = 1 ]; then
  network="the local network (4 validators on this machine)"
  section=load-test-local
  port=9944
  scripts/run-local-net.sh >"$out/local-net.log" 2>&1 &
  pids+=($!)
else
  network="a dev node"
  section=load-test
  port=9988
  "$SABLE_NODE_BIN" --dev --tmp --rpc-port "$port" --prometheus-port 9688 --port 30388 \
    --no-mdns >"$out/node.log" 2>&1 &
  pids+=($!)
fi
url="ws://127.0.0.1:$port"
for _ in $(seq 120); do
  curl -s -o /dev/null "http://127.0.0.1:$port" && break
  sleep 1
done
echo "load-test: $network at $url; $idle_blocks blocks at rest; $accounts accounts for $duration s; $private private transfers (single, then batches of 32)"

results=()
if [ "$idle_blocks" -gt 0 ]; then
  "$load_bin" --url "$url" idle --blocks "$idle_blocks" >"$out/idle.json"
  results+=("$out/idle.json")
fi
"$load_bin" --url "$url" transfers --accounts "$accounts" --duration "$duration" \
  --rate "$rate" >"$out/transfers.json"
results+=("$out/transfers.json")
if [ "$private" -gt 0 ]; then
  "$load_bin" --url "$url" private --count "$private" >"$out/private.json"
  "$load_bin" --url "$url" private --count "$private" --batch 32 >"$out/private-batch.json"
  results+=("$out/private.json" "$out/private-batch.json")
fi
table=$("$load_bin" render "${results[@]}")
echo
echo "$table"

if [ "$record" = 1 ]; then
  "$load_bin" record --doc docs/PERFORMANCE.md --date "$(date -u +%F)" \
    --commit "$(git rev-parse --short HEAD)" --network "$network" --section "$section" \
    --idle-blocks "$idle_blocks" --accounts "$accounts" --duration "$duration" --private "$private" "${results[@]}"
fi
