# Sourced by the other scripts: where the build goes, which binary they run, and the one
# build command they share.
# The target directory lives outside the clone so that every checkout, CI run and later
# session reuses one build (a fresh polkadot-sdk node build takes ~30 minutes here).
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/sable-target}"
export SABLE_NODE_BIN="${SABLE_NODE_BIN:-$CARGO_TARGET_DIR/release/sable-node}"

# Builds the node exactly as `cargo test --release --workspace` does (same crates, same
# feature unification, dev-dependencies included), so that running a dev chain and running
# the tests share one build instead of compiling the dependency graph twice.
build_workspace() {
  cargo build --release --locked --workspace --all-targets
}

# Installs the npm packages of directory $1 exactly as its package-lock.json says, unless they
# were installed from this lockfile already (a marker file newer than the lockfile).
npm_ci_if_stale() {
  local dir=$1 marker=$1/node_modules/.sable-installed
  if [ ! -f "$marker" ] || [ "$dir/package-lock.json" -nt "$marker" ]; then
    echo "npm ci in $dir"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    touch "$marker"
  fi
}
