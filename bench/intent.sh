#!/usr/bin/env bash
# Intent classification: KorQA's models against TF-IDF + logistic regression on the same splits.
# 3i4k: the shipped model (resources/intent-3i4k) on fci_test.txt; StyleKQC act: a model trained
# by `korqa train intent` (resources/intent-stylekqc-act) on test.tsv.
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:-../shared/data/intent}
mkdir -p bench/out
if [ ! -x bench/.venv/bin/python ]; then python3 -m venv bench/.venv; fi
bench/.venv/bin/python -c "import sklearn" 2>/dev/null || bench/.venv/bin/pip install -q scikit-learn numpy
swift build -c release --product korqa >/dev/null
{
  .build/release/korqa eval intent "$data/3i4k/fci_test.txt" --model resources/intent-3i4k --json | sed 's/^{/{"dataset":"3i4k","system":"korqa",/'
  .build/release/korqa eval intent "$data/stylekqc/act/test.tsv" --model resources/intent-stylekqc-act --json | sed 's/^{/{"dataset":"stylekqc-act","system":"korqa",/'
} > bench/out/intent-korqa.jsonl
{
  bench/.venv/bin/python bench/intent_peer.py 3i4k "$data/3i4k/fci_train_val.txt" "$data/3i4k/fci_test.txt"
  bench/.venv/bin/python bench/intent_peer.py stylekqc-act "$data/stylekqc/act/train.tsv" "$data/stylekqc/act/test.tsv"
} > bench/out/intent-peer.jsonl
bench/.venv/bin/python - bench/out/intent-korqa.jsonl bench/out/intent-peer.jsonl <<'PY'
import json, sys
rows = [json.loads(l) for f in sys.argv[1:] for l in open(f)]
print("| dataset | system | test utterances | accuracy | macro-F1 | utterances/s | model load ms |")
print("|---|---|---:|---:|---:|---:|---:|")
for d in ("3i4k", "stylekqc-act"):
    for r in rows:
        if r["dataset"] == d:
            load = f"{r['load_ms']:.0f}" if "load_ms" in r else ""
            print(f"| {d} | {r['system']} | {r['count']:,} | {r['accuracy']:.4f} | {r['macro_f1']:.4f} | {r['utterances_per_s']:,.0f} | {load} |")
PY
