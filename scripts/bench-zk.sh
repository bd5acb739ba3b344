#!/usr/bin/env bash
# Benchmarks the transfer circuit (release, one thread, as validator weights assume) and
# records the result in docs/PERFORMANCE.md. The last line printed is the JSON result.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
export RAYON_NUM_THREADS="${RAYON_NUM_THREADS:-1}"
out=$(mktemp)
cargo bench --locked -p sable-zk-proofs --bench transfer 2>/dev/null | tee "$out"
json=$(tail -n 1 "$out")
python3 - "$json" <<'PY'
import json, sys, datetime, pathlib
result = json.loads(sys.argv[1])
doc = pathlib.Path("docs/PERFORMANCE.md")
text = doc.read_text() if doc.exists() else "# Performance\n"
begin, end = "<!-- bench-zk:begin -->", "<!-- bench-zk:end -->"
block = "\n".join([
    begin,
    f"Last run: {datetime.date.today()} by `scripts/bench-zk.sh` (release, RAYON_NUM_THREADS={result.get('threads')}).",
    "",
    "```json",
    json.dumps(result, indent=2, sort_keys=True),
    "```",
    end,
])
if begin in text and end in text:
    text = text[:text.index(begin)] + block + text[text.index(end) + len(end):]
else:
    text = text.rstrip() + "\n\n" + block + "\n"
doc.write_text(text)
PY
rm -f "$out"
echo "$json"
