#!/usr/bin/env bash
# Fuzzes the transfer-proof verifier for SECONDS (default 60) with cargo-fuzz (libFuzzer).
# Needs a nightly toolchain and cargo-fuzz; both are installed here if missing.
# Usage: scripts/fuzz-zk.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
command -v cargo-fuzz >/dev/null 2>&1 || cargo +nightly install cargo-fuzz --locked
cd primitives/zk-proofs
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/sable-fuzz-target}"
cargo +nightly fuzz run verify -- -max_total_time="$seconds" -max_len=16384 -rss_limit_mb=4096
