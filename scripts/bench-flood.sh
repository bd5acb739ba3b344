#!/usr/bin/env bash
# The flood of node/tests/flood.rs (docs/zk.md, "Floods") with and without the pool
# verification budget: prints one line of figures for each, as recorded in
# docs/PERFORMANCE.md ("Under a flood"). About 8 minutes; run on an idle machine.
#   before: a budget far above what the machine can verify (as if there were none);
#   after:  the default budget (500 ms a second), with the test's assertions.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
run() {
  cargo test --release --locked --workspace --test flood -- --ignored --nocapture \
    --test-threads=1 2>/dev/null | grep '^flood figures: '
}
echo "before (no budget):"
SABLE_FLOOD_BUDGET_MS=1000000 run
echo "after (default budget):"
run
