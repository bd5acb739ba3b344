#!/usr/bin/env bash
# Starts `sable-node "$@"` late: after $SABLE_LATE_JOIN_SECONDS (default 120), so that the
# node joins a chain that already has finalized blocks and authority-set changes. zombienet
# calls it with `--help` first to read the node's flags: that runs at once.
set -euo pipefail
case " $* " in
  *" --help "*|*" -h "*) exec sable-node "$@" ;;
esac
wait=${SABLE_LATE_JOIN_SECONDS:-120}
for ((left = wait; left > 0; left -= 10)); do
  echo "late-join: starting sable-node in ${left} s"
  sleep $((left < 10 ? left : 10))
done
exec sable-node "$@"
