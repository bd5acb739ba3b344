#!/usr/bin/env bash
# Regenerates models/digits/ from scikit-learn's digits data set.
# Creates (once) a venv under $HOME/.cache/sable-model-venv with the exact pins of
# scripts/model/requirements.txt, then runs train_digits.py.
#   scripts/model/train.sh            # writes models/digits/
#   scripts/model/train.sh OUT_DIR    # writes elsewhere (e.g. to compare two runs)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="${1:-$root/models/digits}"
venv="${SABLE_MODEL_VENV:-$HOME/.cache/sable-model-venv}"
python="${PYTHON:-python3.11}"

req_hash="$(sha256sum "$here/requirements.txt" | cut -d' ' -f1)"
if [[ ! -x "$venv/bin/python" || "$(cat "$venv/.requirements.sha256" 2>/dev/null)" != "$req_hash" ]]; then
    echo "creating venv $venv" >&2
    rm -rf "$venv"
    "$python" -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --upgrade pip
    "$venv/bin/python" -m pip install --quiet -r "$here/requirements.txt"
    echo "$req_hash" > "$venv/.requirements.sha256"
fi

# One BLAS thread, so that floating-point sums run in one fixed order.
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 PYTHONHASHSEED=0
exec "$venv/bin/python" "$here/train_digits.py" --out "$out"
