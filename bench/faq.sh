#!/usr/bin/env bash
# FAQ retrieval on the held-out splits (ParaKQC sets 801–1000; ChatbotData's test half of the
# answer groups, all rows indexed): KorQA lexical, dense and hybrid (the shipped sentence encoder,
# or SENTENCE_ENCODER=DIR) beside rank_bm25, scikit-learn char 1–3 TF-IDF and averaged fastText
# vectors (the `fasttext` package, skip-gram with syllable n-grams, trained here on the same Korean
# Wikipedia shards: 1 epoch, dim 128, one thread — about the budget of KorQA's word vectors), in
# one run on this machine. Prints a table.
# Usage: bench/faq.sh [PARAKQC_FILE] [CHATBOTDATA_CSV]
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${DATA:-../shared/data}
parakqc=${1:-$DATA/paraphrase/parakqc/paraKQC_v1.txt}
chatbot=${2:-$DATA/faq/chatbot_data/ChatbotData.csv}
encoder=${SENTENCE_ENCODER:-resources/sentence-encoder}
for f in "$parakqc" "$chatbot"; do [ -f "$f" ] || { echo "bench/faq.sh: $f not found" >&2; exit 2; }; done
mkdir -p bench/out
. bench/venv.sh
bench/.venv/bin/python -c "import rank_bm25, sklearn, fasttext" 2>/dev/null || bench/.venv/bin/pip install -q rank_bm25 scikit-learn numpy fasttext-wheel
swift build -c release --product korqa >/dev/null
if [ ! -f bench/out/fasttext-kowiki.bin ]; then
  echo "training fastText on $DATA/mrc/kowiki (1 epoch, one thread)…" >&2
  cat "$DATA"/mrc/kowiki/*/wiki_* | grep -v '^<' > bench/out/kowiki.txt
  bench/.venv/bin/python -c "
import fasttext
m = fasttext.train_unsupervised('bench/out/kowiki.txt', model='skipgram', dim=128, epoch=1, minn=1, maxn=3, thread=1, verbose=0)
m.save_model('bench/out/fasttext-kowiki.bin')"
fi
: > bench/out/faq-korqa.jsonl
for mode in lexical dense hybrid; do
  extra=(); [ "$mode" = lexical ] || extra=(--sentence-encoder "$encoder")
  .build/release/korqa eval faq --held-out --parakqc "$parakqc" --chatbot "$chatbot" --mode "$mode" "${extra[@]}" --json >> bench/out/faq-korqa.jsonl
done
FASTTEXT_MODEL=bench/out/fasttext-kowiki.bin bench/.venv/bin/python bench/faq_peers.py "$parakqc" "$chatbot" --held-out > bench/out/faq-peers.jsonl
bench/.venv/bin/python - bench/out/faq-korqa.jsonl bench/out/faq-peers.jsonl <<'PY'
import json, sys
rows = [json.loads(l) for f in sys.argv[1:] for l in open(f)]
flags = open('/proc/cpuinfo').read()
print("machine:", flags.split('model name')[1].split('\n')[0].strip(': \t'), "AVX-512" if 'avx512f' in flags else "AVX2 only")
print("| dataset | system | entries | queries | R@1 | R@5 | MRR@10 | p50 ms | p95 ms |")
print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
for d in ("parakqc-801-1000", "chatbot-shared-answers-test-half", "latency"):
    for r in rows:
        if r["dataset"] != d: continue
        metric = lambda k: (lambda v: f"{v:.3f}" if v is not None else "")(r.get(k, r.get(k.replace('_at_', '_at'))))
        print(f"| {d} | {r['system']} | {r['entries']:,} | {r['queries']:,} | {metric('recall_at_1')} | {metric('recall_at_5')} | {metric('mrr')} | {r['p50_ms']:.2f} | {r['p95_ms']:.2f} |")
PY
