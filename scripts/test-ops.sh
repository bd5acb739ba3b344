#!/usr/bin/env bash
# Operations checks (run by scripts/test.sh): the alert rules parse and their unit tests
# pass (promtool), and the release bundle is complete and consistent: checksums, binaries
# that run, raw chain specs equal to the node's own, and systemd units (node and provider
# daemon) that `systemd-analyze verify` accepts without a single warning.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh

fail() { echo "test-ops: FAIL: $*" >&2; exit 1; }

promtool check rules scripts/monitoring/alerts.yml scripts/monitoring/provider-alerts.yml
(cd scripts/monitoring && promtool check config prometheus.yml && promtool test rules alerts.test.yml)
echo "test-ops: alert rules pass promtool check and unit tests"

./scripts/release.sh
bundle=$(ls -t dist/sable-node-*.tar.gz | head -1)
(cd dist && sha256sum --quiet -c "$(basename "$bundle").sha256") || fail "bundle checksum"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tar -C "$work" -xzf "$bundle"
root=$(echo "$work"/sable-node-*)
(cd "$root" && sha256sum --quiet -c SHA256SUMS) || fail "SHA256SUMS inside the bundle"
for file in bin/sable-node bin/sable bin/sable-provider chain-specs/local.json \
  chain-specs/local-raw.json chain-specs/staging.json chain-specs/staging-raw.json \
  systemd/sable-node.service systemd/sable-node.default systemd/sable-provider.service \
  systemd/sable-provider.default config/provider.example.toml OPERATOR.md PROVIDER.md; do
  [ -s "$root/$file" ] || fail "$file missing from the bundle"
done
"$root/bin/sable-node" --version | grep -q '^sable-node ' || fail "bin/sable-node does not run"
"$root/bin/sable" --version | grep -q '^sable ' || fail "bin/sable does not run"
"$root/bin/sable-provider" --version | grep -q '^sable-provider ' || fail "bin/sable-provider does not run"
# The shipped raw spec is the one this binary makes (same genesis for every operator).
"$SABLE_NODE_BIN" export-chain-spec --chain staging --raw --output "$work/staging-raw.json" >/dev/null 2>&1
cmp -s "$work/staging-raw.json" "$root/chain-specs/staging-raw.json" || fail "staging-raw.json differs"
# The units, with ExecStart pointing at the unpacked binaries (verify checks that they exist).
for unit in sable-node sable-provider; do
  sed "s#/usr/local/bin/$unit#$root/bin/$unit#" "$root/systemd/$unit.service" > "$work/$unit.service"
  report=$(cd "$work" && systemd-analyze verify "./$unit.service" 2>&1) || fail "systemd-analyze $unit: $report"
  [ -z "$report" ] || fail "systemd-analyze warns on $unit: $report"
done
echo "test-ops: $(basename "$bundle") is complete, its checksums hold, its units verify"
