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
python3 - bench/out/text-korqa.jsonl bench/out/text-python.jsonl <<'PY'
import json, sys
korqa = {r['task']: r for r in map(json.loads, open(sys.argv[1]))}
peer = {r['task']: r for r in map(json.loads, open(sys.argv[2]))}
print(f"| task | KorQA MB/s | Python MB/s | ratio |")
print(f"|---|---:|---:|---:|")
for task, k in korqa.items():
    p = peer[task]
    print(f"| {task} | {k['mb_per_s']:.1f} | {p['mb_per_s']:.2f} | {k['mb_per_s'] / p['mb_per_s']:.0f}x |")
PY
