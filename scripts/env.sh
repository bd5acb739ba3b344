# Sourced by the other scripts: where the build goes and which binary they run.
# The target directory lives outside the clone so that every checkout, CI run and later
# session reuses one build (a fresh polkadot-sdk node build takes ~40 minutes here).
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/sable-target}"
export SABLE_NODE="${SABLE_NODE:-$CARGO_TARGET_DIR/release/sable-node}"
