#!/usr/bin/env bash
# Runs the zombienet tests in zombienet/ (all, or those whose names start with the given
# prefixes: `scripts/zombienet.sh 0001 0004`) on local processes (native provider).
# Installs the pinned zombienet CLI from zombienet/package-lock.json if needed and builds
# the node if needed. Prints one PASS/FAIL line per test and "N passed, N failed"; exits
# non-zero if any failed. Every node's log stays under the directory printed first.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh

export SABLE_BIN="${SABLE_BIN:-$CARGO_TARGET_DIR/release/sable}"
# The runtime one spec version later that 0006 enacts (runtime/build.rs builds it).
export SABLE_NEXT_RUNTIME="${SABLE_NEXT_RUNTIME:-$CARGO_TARGET_DIR/release/wbuild/sable-runtime/sable_runtime_next_spec.compact.compressed.wasm}"
[ -x "$SABLE_NODE_BIN" ] && [ -x "$SABLE_BIN" ] && [ -f "$SABLE_NEXT_RUNTIME" ] || build_workspace
# zombienet starts `sable-node` (and late-join.sh) from PATH.
export PATH="$(dirname "$SABLE_NODE_BIN"):$PWD/zombienet:$PATH"

cd zombienet
npm_ci_if_stale .
zombienet=node_modules/.bin/zombienet

tests=()
if [ "$#" -eq 0 ]; then
  tests=(*.zndsl)
else
  for prefix in "$@"; do tests+=("$prefix"*.zndsl); done
fi

logs="$PWD/logs/$(date +%Y%m%d-%H%M%S)"
mkdir -p "$logs"
# Keep the logs of the last five runs.
ls -1dt logs/*/ | tail -n +6 | xargs -r rm -rf
echo "zombienet: ${#tests[@]} tests; node logs and output under $logs"
passed=0 failed=0
for test in "${tests[@]}"; do
  name=${test%.zndsl}
  start=$(date +%s)
  if "$zombienet" -p native -l text -f -d "$logs/$name" test "$test" >"$logs/$name.out" 2>&1; then
    result=PASS; passed=$((passed + 1))
  else
    result=FAIL; failed=$((failed + 1))
  fi
  echo "zombienet: $result $name ($(( $(date +%s) - start )) s; $logs/$name.out, nodes in $logs/$name)"
  if [ "$result" = FAIL ]; then
    # The failed assertions, and what the js-script steps printed before them.
    grep -a -E "❌|✖|Error|^[a-z]+: " "$logs/$name.out" | head -20 | sed 's/^/    /' || true
  fi
  # Leftover node processes of a failed run must not disturb the next test.
  pkill -f -- "--base-path $logs/$name/" 2>/dev/null || true
done
echo "zombienet: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
