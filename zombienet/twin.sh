#!/usr/bin/env bash
# A second instance of validator dave, for 0007-equivocation: zombienet starts this in place
# of `sable-node` for a full node; it puts //Dave's session keys (BABE sr25519, GRANDPA
# ed25519) into that node's keystore and starts it with --validator. Both instances then
# author in dave's slots and vote with dave's GRANDPA key: a validator that double-signs.
set -euo pipefail
case " $* " in
  *" --help "*|*" -h "*) exec sable-node "$@" ;;
esac
args=("$@") base_path="" chain=""
for ((i = 0; i < ${#args[@]} - 1; i++)); do
  case "${args[i]}" in
    --base-path) base_path=${args[i + 1]} ;;
    --chain) chain=${args[i + 1]} ;;
  esac
done
if [ -z "$base_path" ] || [ -z "$chain" ]; then
  echo "twin: no --base-path or --chain among the arguments" >&2
  exit 1
fi
for key in "babe sr25519" "gran ed25519"; do
  set -- $key
  sable-node key insert --base-path "$base_path" --chain "$chain" \
    --key-type "$1" --scheme "$2" --suri //Dave
done
echo "twin: //Dave's BABE and GRANDPA keys are in $base_path; starting as a validator"
exec sable-node "${args[@]}" --validator
