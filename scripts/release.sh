#!/usr/bin/env bash
# Builds the node in release and writes dist/sable-node-<version>-<os>-<arch>.tar.gz:
#   bin/sable-node, bin/sable (wallet), bin/sable-provider (provider daemon)
#   chain-specs/{local,staging}.json (plain, from the presets) and *-raw.json (genesis
#     fixed: what nodes of one network must share)
#   systemd/sable-node.service, systemd/sable-node.default (-> /etc/default/sable-node)
#   systemd/sable-provider.service, systemd/sable-provider.default (-> /etc/default/sable-provider)
#   config/provider.example.toml (-> /etc/sable/provider.toml)
#   OPERATOR.md, PROVIDER.md, SHA256SUMS (of every file above)
# plus dist/<bundle>.tar.gz.sha256. Installing it: docs/OPERATOR.md, "Release bundle".
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh

release="$CARGO_TARGET_DIR/release"
[ -x "$release/sable-node" ] && [ -x "$release/sable" ] && [ -x "$release/sable-provider" ] || build_workspace

version=$("$release/sable-node" --version | awk '{print $2}')
name="sable-node-$version-$(uname -s | tr '[:upper:]' '[:lower:]')-$(uname -m)"
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
root="$stage/$name"
mkdir -p "$root/bin" "$root/chain-specs" "$root/systemd" "$root/config" dist

install -m 0755 "$release/sable-node" "$release/sable" "$release/sable-provider" "$root/bin/"
for chain in local staging; do
  "$release/sable-node" export-chain-spec --chain "$chain" --output "$root/chain-specs/$chain.json" >/dev/null 2>&1
  "$release/sable-node" export-chain-spec --chain "$chain" --raw --output "$root/chain-specs/$chain-raw.json" >/dev/null 2>&1
done
install -m 0644 scripts/release/sable-node.service scripts/release/sable-node.default \
  scripts/release/sable-provider.service scripts/release/sable-provider.default "$root/systemd/"
install -m 0644 scripts/release/provider.example.toml "$root/config/"
install -m 0644 docs/OPERATOR.md docs/PROVIDER.md "$root/"
(cd "$root" && find . -type f ! -name SHA256SUMS | sed 's#^\./##' | sort | xargs sha256sum > SHA256SUMS)

# Reproducible: fixed owner, order and times (the last commit's), no gzip timestamp.
stamp=$(git log -1 --format=%ct 2>/dev/null || echo 0)
tar -C "$stage" --owner=0 --group=0 --numeric-owner --sort=name --mtime="@$stamp" -cf - "$name" \
  | gzip -n -9 > "dist/$name.tar.gz"
(cd dist && sha256sum "$name.tar.gz" > "$name.tar.gz.sha256")
echo "release: dist/$name.tar.gz ($(du -h "dist/$name.tar.gz" | cut -f1)); sha256 $(cut -d' ' -f1 "dist/$name.tar.gz.sha256")"
