#!/usr/bin/env bash
# Throughput of KorQA's normalize/tokenize against a Python peer, same corpus, same run, one core.
# Usage: bench/text.sh [CORPUS_DIR] [MEGABYTES] [REPEATS]
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${1:-../shared/data/mrc/kowiki/AA}
megabytes=${2:-10}
repeats=${3:-3}
[ -e "$corpus" ] || { echo "bench/text.sh: corpus '$corpus' not found (pass a directory of text files)" >&2; exit 2; }
mkdir -p bench/out
swift build -c release --product korqa >/dev/null
echo "corpus: $corpus, $megabytes MB, median of $repeats, one thread" >&2
taskset -c 0 .build/release/korqa bench text --corpus "$corpus" --megabytes "$megabytes" --repeats "$repeats" --json > bench/out/text-korqa.jsonl
taskset -c 0 python3 bench/text_peer.py "$corpus" "$megabytes" "$repeats" > bench/out/text-python.jsonl
# The jamo/hgtk packages go in a venv of the bench's own (PyPI).
if [ ! -x bench/.venv/bin/python ]; then
  python3 -m venv bench/.venv && bench/.venv/bin/pip install -q jamo hgtk six
fi
(cd bench && taskset -c 0 .venv/bin/python text_packages_peer.py "../$corpus" "$megabytes" "$repeats") > bench/out/text-packages.jsonl
python3 - bench/out/text-korqa.jsonl bench/out/text-python.jsonl bench/out/text-packages.jsonl <<'PY'
import json, sys
korqa = {r['task']: r for r in map(json.loads, open(sys.argv[1]))}
peer = {r['task']: r for r in map(json.loads, open(sys.argv[2]))}
packages = {r['peer']: r for r in map(json.loads, open(sys.argv[3]))}
print("| task | KorQA MB/s | Python stdlib peer MB/s | KorQA / stdlib | jamo pkg MB/s | KorQA / jamo | hgtk MB/s | KorQA / hgtk |")
print("|---|---:|---:|---:|---:|---:|---:|---:|")
for task, k in korqa.items():
    p = peer[task]
    row = f"| {task} | {k['mb_per_s']:.1f} | {p['mb_per_s']:.2f} | {k['mb_per_s'] / p['mb_per_s']:.1f}x |"
    if task == 'normalize+jamo':
        for name in ('jamo', 'hgtk'):
            q = packages[name]
            row += f" {q['mb_per_s']:.2f} | {k['mb_per_s'] / q['mb_per_s']:.0f}x |"
    else:
        row += " | | | |"
    print(row)
PY
