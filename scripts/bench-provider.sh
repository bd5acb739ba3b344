#!/usr/bin/env bash
# Provider benchmark: request-to-settlement latency (p50, p95) and settled jobs per minute of
# inference bought over HTTP with x402 (`sable infer` against `sable-provider`), with one
# client and with many concurrent ones, on a dev chain of its own on this machine:
#
#   1. starts `sable-node --dev --tmp` and `sable-provider --dev` (//Bob registers as provider
#      and registers the digits model) on ports of their own (RPC 9977, p2p 30477, Prometheus
#      9677, HTTP 8477), so that a dev node on the default ports is left alone;
#   2. funds //Client1 .. //ClientN with 100 SBL each: one utility.batchAll signed by //Alice,
#      finalized (a signer has one payment in flight at a time, so each client needs an
#      account of its own; //Bob is the provider);
#   3. one warm-up request (the provider builds its proving key; not counted), then
#      --sequential requests from //Client1 one after another, then --clients clients at once
#      doing --per-client requests each. A request is one `sable infer` process, timed from
#      start to exit; it is settled when it exits 0 with "checked_on_chain": true;
#   4. reports p50/p95 latency, settled jobs per minute, the provider's proof times and where
#      the time went (block timestamps of each job's events), and writes them between the
#      bench-provider markers of docs/PERFORMANCE.md (unless --no-record).
#
#   scripts/bench-provider.sh [--sequential 8] [--clients 20] [--per-client 3] [--no-record]
#
# Takes about 15 minutes. Needs the release binaries (scripts/env.sh) and the npm packages of
# scripts/e2e. Logs and raw results stay in the directory printed at the end. Not run by CI.
# The chain side and the report: scripts/bench-provider.mjs.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
export LC_ALL=C

sequential=8 clients=20 per_client=3 record=1
while [ $# -gt 0 ]; do
  case "$1" in
    --sequential) sequential=$2; shift ;;
    --clients) clients=$2; shift ;;
    --per-client) per_client=$2; shift ;;
    --no-record) record=0 ;;
    *) echo "bench-provider: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
command="scripts/bench-provider.sh"
[ "$sequential" = 8 ] || command+=" --sequential $sequential"
[ "$clients" = 20 ] || command+=" --clients $clients"
[ "$per_client" = 3 ] || command+=" --per-client $per_client"
[ "$record" = 1 ] || command+=" --no-record"

rpc_port=9977 p2p_port=30477 prometheus_port=9677 http_port=8477
node_url="ws://127.0.0.1:$rpc_port"
input=models/digits/example_input.json
SABLE_BIN="${SABLE_BIN:-$CARGO_TARGET_DIR/release/sable}"
SABLE_PROVIDER_BIN="${SABLE_PROVIDER_BIN:-$CARGO_TARGET_DIR/release/sable-provider}"
for binary in "$SABLE_NODE_BIN" "$SABLE_BIN" "$SABLE_PROVIDER_BIN"; do
  [ -x "$binary" ] || { build_workspace; break; }
done
npm_ci_if_stale scripts/e2e
for port in $rpc_port $p2p_port $prometheus_port $http_port; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "bench-provider: port $port is in use (another run of this script?)" >&2
    exit 1
  fi
done

load_start=$(uptime | sed 's/.*load average: //')
# Other work on the machine at the start (builds, other nodes), as "rustc x2, cargo x1".
busy=$(ps -eo comm= | grep -E '^(rustc|cargo|cc|cc1|cc1plus|ld|sable-node|sable-provider)$' |
  sort | uniq -c | awk '{ printf "%s%s x%s", sep, $2, $1; sep = ", " }' || true)
started=$(date +%s)
commit=$(git rev-parse --short HEAD)
out=$(mktemp -d -t sable-bench-provider-XXXXXX)
pids=() client_pids=()
stop() {
  local pid
  for pid in "${client_pids[@]}" "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  echo "bench-provider: logs and raw results in $out"
}
trap stop EXIT
trap 'exit 130' INT TERM

# The binaries are copied so that a build finishing meanwhile does not change them mid-run.
built=$(date -u -r "$(ls -t "$SABLE_NODE_BIN" "$SABLE_BIN" "$SABLE_PROVIDER_BIN" | head -1)" '+%F %H:%M UTC')
mkdir -p "$out/bin"
cp "$SABLE_NODE_BIN" "$out/bin/sable-node"
cp "$SABLE_BIN" "$out/bin/sable"
cp "$SABLE_PROVIDER_BIN" "$out/bin/sable-provider"

rpc() {
  curl -s --max-time 5 -H 'Content-Type: application/json' \
    -d "{\"id\":1,\"jsonrpc\":\"2.0\",\"method\":\"$1\",\"params\":[]}" "http://127.0.0.1:$rpc_port"
}
best_block() {
  local number
  number=$(rpc chain_getHeader | grep -o '"number":"0x[0-9a-f]*"' | cut -d'"' -f4)
  echo $((${number:-0}))
}

echo "bench-provider: load average $load_start; results in $out"
"$out/bin/sable-node" --dev --tmp --rpc-port "$rpc_port" --port "$p2p_port" \
  --prometheus-port "$prometheus_port" --no-mdns --no-telemetry >"$out/node.log" 2>&1 &
pids+=($!)
for _ in $(seq 120); do
  [ "$(best_block)" -ge 1 ] && break
  kill -0 "${pids[0]}" 2>/dev/null || { echo "bench-provider: the node stopped; see $out/node.log" >&2; exit 1; }
  sleep 1
done
[ "$(best_block)" -ge 1 ] || { echo "bench-provider: the node produced no block; see $out/node.log" >&2; exit 1; }

"$out/bin/sable-provider" --dev --node "$node_url" --http "127.0.0.1:$http_port" \
  --data-dir "$out/provider" >"$out/provider.log" 2>&1 &
pids+=($!)
node scripts/bench-provider.mjs fund "$node_url" "$clients" 100

# The provider binds its port at once but answers only once its provider and model are
# registered (two finalized extrinsics).
model= deadline=$((SECONDS + 300))
while [ "$SECONDS" -lt "$deadline" ]; do
  models=$(curl -s --max-time 5 "http://127.0.0.1:$http_port/v1/models" || true)
  model=$(node -e 'try { const m = JSON.parse(process.argv[1]); if (m.length === 1) console.log(m[0].extra.modelId) } catch (_) {}' "$models")
  [ -n "$model" ] && break
  kill -0 "${pids[1]}" 2>/dev/null || { echo "bench-provider: the provider stopped; see $out/provider.log" >&2; exit 1; }
  sleep 1
done
[ -n "$model" ] || { echo "bench-provider: the provider serves no model after 300 s; see $out/provider.log" >&2; exit 1; }
url="http://127.0.0.1:$http_port/v1/infer/$model"
echo "bench-provider: the provider serves model $model at $url"

# requests PHASE CLIENT COUNT: COUNT `sable infer` one after another from //ClientCLIENT,
# a line each in $out/PHASE.tsv (client, request, start, end, exit status).
requests() {
  local phase=$1 client=$2 count=$3 i start end status
  mkdir -p "$out/$phase" "$out/wallets/$client"
  for i in $(seq "$count"); do
    start=$EPOCHREALTIME status=0
    "$out/bin/sable" --data-dir "$out/wallets/$client" --node "$node_url" --output json \
      infer "$url" "$input" --from "//Client$client" \
      >"$out/$phase/$client-$i.json" 2>"$out/$phase/$client-$i.log" || status=$?
    end=$EPOCHREALTIME
    printf '%s\t%s\t%s\t%s\t%s\n' "$client" "$i" "$start" "$end" "$status" >>"$out/$phase.tsv"
    echo "  $phase //Client$client #$i: exit $status in $(awk "BEGIN { printf \"%.1f\", $end - $start }") s"
  done
}

first_block=$(best_block)
echo "bench-provider: warm-up request"
requests warmup 1 1
echo "bench-provider: $sequential requests from one client"
requests sequential 1 "$sequential"
echo "bench-provider: $clients clients at once, $per_client requests each"
concurrent_start=$(date +%s)
for c in $(seq "$clients"); do
  requests concurrent "$c" "$per_client" &
  client_pids+=($!)
done
for pid in "${client_pids[@]}"; do wait "$pid"; done
echo "bench-provider: the concurrent run took $(( $(date +%s) - concurrent_start )) s"

# The last result must be finalized for the timeline: it is, since the clients exited after
# the provider saw it final.
load_end=$(uptime | sed 's/.*load average: //')
report=(--date "$(date -u +%F)" --commit "$commit" --built "$built" --command "$command"
  --model "$model" --cores "$(nproc)" --from "$first_block"
  --cpu "$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')"
  --loadStart "$load_start" --loadEnd "$load_end")
[ -n "$busy" ] && report+=(--busy "running besides: $busy")
[ "$record" = 1 ] && report+=(--doc docs/PERFORMANCE.md)
status=0
node scripts/bench-provider.mjs report "$node_url" "$out" "${report[@]}" || status=$?
echo "bench-provider: $(( $(date +%s) - started )) s in all"
exit "$status"
