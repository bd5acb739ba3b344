#!/usr/bin/env bash
# Starts the four `local` validators (Alice, Bob, Charlie, Dave) as processes on loopback,
# Alice as the bootnode. Data and logs go to a temporary directory; Ctrl-C stops them all.
#   RPC:        ws://127.0.0.1:9944 (alice), 9945 (bob), 9946 (charlie), 9947 (dave)
#   Prometheus: 9615 .. 9618        p2p: 30333 .. 30336
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
[ -x "$SABLE_NODE_BIN" ] || build_workspace

data=$(mktemp -d -t sable-local-XXXXXX)
# Alice's node key is fixed so the others can name her as bootnode.
alice_key=0000000000000000000000000000000000000000000000000000000000000001
alice_peer=12D3KooWEyoppNCUx8Yx66oV9fJnriXwCcXwDDUA2kj6vnc6iDEp
pids=()
stop() {
  echo "run-local-net: stopping ${#pids[@]} nodes; logs in $data"
  kill "${pids[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap stop EXIT
trap 'exit 130' INT TERM

i=0
for name in alice bob charlie dave; do
  key=$(printf '%064x' $((i + 1)))
  args=(--chain local --validator "--$name" --name "$name" --base-path "$data/$name"
        --node-key "$key" --port $((30333 + i)) --rpc-port $((9944 + i))
        --prometheus-port $((9615 + i)) --rpc-cors all --no-mdns)
  [ "$name" = alice ] || args+=(--bootnodes "/ip4/127.0.0.1/tcp/30333/p2p/$alice_peer")
  "$SABLE_NODE_BIN" "${args[@]}" >"$data/$name.log" 2>&1 &
  pids+=($!)
  echo "run-local-net: $name pid $! rpc ws://127.0.0.1:$((9944 + i)) log $data/$name.log"
  i=$((i + 1))
done
echo "run-local-net: running; Ctrl-C to stop"
wait
