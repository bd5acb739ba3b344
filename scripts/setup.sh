#!/usr/bin/env bash
# Prepares a fresh Debian machine to build and test Sable. Idempotent: every step checks
# first and does nothing when its work is already done.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v protoc >/dev/null 2>&1 || need_apt+=(protobuf-compiler)
command -v clang  >/dev/null 2>&1 || need_apt+=(clang libclang-dev)
command -v npm    >/dev/null 2>&1 || need_apt+=(nodejs npm)
command -v promtool >/dev/null 2>&1 || need_apt+=(prometheus)   # promtool, for the alert rules
command -v systemd-analyze >/dev/null 2>&1 || need_apt+=(systemd)
if [ "${#need_apt[@]}" -gt 0 ]; then
  echo "setup: installing ${need_apt[*]} with apt-get"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
    "${need_apt[@]}" >/dev/null
fi

# rust-toolchain.toml names the toolchain, the wasm target and rust-src; rustup installs
# whatever of it is missing the first time cargo runs in this directory. Ask for it now so
# the first build does not pause for it.
if command -v rustup >/dev/null 2>&1; then
  toolchain=$(sed -n 's/^channel *= *"\(.*\)"/\1/p' rust-toolchain.toml)
  rustup toolchain list | grep -q "^${toolchain}" || rustup toolchain install "$toolchain" --profile minimal
  rustup target list --installed --toolchain "$toolchain" | grep -qx wasm32v1-none \
    || rustup target add wasm32v1-none --toolchain "$toolchain"
  rustup component list --installed --toolchain "$toolchain" | grep -q '^rust-src' \
    || rustup component add rust-src --toolchain "$toolchain"
fi
# The polkadot.js end-to-end tests' packages, exactly as locked.
. scripts/env.sh
npm_ci_if_stale scripts/e2e

echo "setup: done (protoc $(protoc --version | cut -d' ' -f2), $(rustc --version), node $(node --version))"
