#!/usr/bin/env bash
# FAQ retrieval: KorQA (lexical only) against rank_bm25 and scikit-learn char TF-IDF on the same
# splits of ParaKQC and ChatbotData, in one run on this machine. Prints a table.
# Usage: bench/faq.sh [PARAKQC_FILE] [CHATBOTDATA_CSV]
set -euo pipefail
cd "$(dirname "$0")/.."
parakqc=${1:-../shared/data/paraphrase/parakqc/paraKQC_v1.txt}
chatbot=${2:-../shared/data/faq/chatbot_data/ChatbotData.csv}
for f in "$parakqc" "$chatbot"; do [ -f "$f" ] || { echo "bench/faq.sh: $f not found" >&2; exit 2; }; done
mkdir -p bench/out
if [ ! -x bench/.venv/bin/python ]; then python3 -m venv bench/.venv; fi
bench/.venv/bin/python -c "import rank_bm25, sklearn" 2>/dev/null || bench/.venv/bin/pip install -q rank_bm25 scikit-learn numpy
swift build -c release --product korqa >/dev/null
.build/release/korqa eval faq --parakqc "$parakqc" --chatbot "$chatbot" --json > bench/out/faq-korqa.jsonl
bench/.venv/bin/python bench/faq_peers.py "$parakqc" "$chatbot" > bench/out/faq-peers.jsonl
bench/.venv/bin/python - bench/out/faq-korqa.jsonl bench/out/faq-peers.jsonl <<'PY'
import json, sys
rows = [json.loads(l) for f in sys.argv[1:] for l in open(f)]
print("| dataset | system | entries | queries | R@1 | R@5 | MRR@10 | p50 ms | p95 ms |")
print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
for d in ("parakqc", "chatbot-shared-answers", "latency"):
    for r in rows:
        if r["dataset"] != d: continue
        metric = lambda k: f"{r[k]:.3f}" if k in r else ""
        print(f"| {d} | {r['system']} | {r['entries']:,} | {r['queries']:,} | {metric('recall_at_1')} | {metric('recall_at_5')} | {metric('mrr')} | {r['p50_ms']:.2f} | {r['p95_ms']:.2f} |")
PY
