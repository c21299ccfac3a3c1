#!/usr/bin/env bash
# Summarization beside its peers, in one run on this machine (issue #22):
#   1. KorQA's syllable ROUGE against korouge-score's scorer (syllable tokenizer), 600 pairs;
#   2. extractive summaries of sci-news-sum-kr-50 (3 sentences) beside Lead-3, TextRank
#      (textrankr) and a LexRank-style peer (scikit-learn char 1–3 TF-IDF + PageRank) — only 50
#      articles: reported, never tuned on;
#   3. the seq2seq: KorQA trains EPOCHS epochs on sae4K from scratch on one thread; the PyTorch
#      peer (bench/summarizer_peer.py, same model and sizes) trains for the same seconds; both are
#      scored greedily on the first 1,000 sae4K test pairs (training tokens/s and quality);
#   4. latency of summarizing a 1,000-syllable document, per mode, one thread.
# Usage: bench/summarize.sh   (EPOCHS=3 by default; DATA=../shared/data)
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${DATA:-../shared/data}
EPOCHS=${EPOCHS:-3}
SAE4K=$DATA/summarization/sae4k/sae4k_v1.txt
SCI=$DATA/summarization/sci-news-sum-kr-50
mkdir -p bench/out
. bench/venv.sh
bench/.venv/bin/python -c "import korouge_score, textrankr, sklearn" 2>/dev/null || bench/.venv/bin/pip install -q korouge-score textrankr scikit-learn
swift build -c release --product korqa >/dev/null
korqa=.build/release/korqa

echo "1. ROUGE against korouge-score…" >&2
bench/.venv/bin/python - "$SAE4K" > bench/out/rouge-pairs.tsv <<'PY'
import sys
lines = open(sys.argv[1], encoding="utf-8-sig").read().split("\n")
n = 0
for i, line in enumerate(lines):
    if i % 10 != 9 or not line.strip() or n >= 600:
        continue
    utterance, argument = line.rstrip("\r").split("\t")[:2]
    words = utterance.split()
    print(" ".join(words[:-1] if len(words) > 1 else words) + "\t" + argument)
    n += 1
PY
$korqa eval rouge bench/out/rouge-pairs.tsv --json > bench/out/rouge-korqa.jsonl
bench/.venv/bin/python bench/rouge_check.py bench/out/rouge-pairs.tsv bench/out/rouge-korqa.jsonl | tee bench/out/rouge-check.json

echo "2. extractive on sci-news-sum-kr-50…" >&2
$korqa eval summarizer --sci-news "$SCI" --sentences 3 --json > bench/out/summarize-extractive-korqa.json
bench/.venv/bin/python bench/summarize_peers.py "$SCI" 3 > bench/out/summarize-extractive-peers.jsonl

echo "3. seq2seq on sae4K: KorQA $EPOCHS epochs, then PyTorch for the same time…" >&2
rm -rf bench/out/summarizer-korqa
$korqa train summarizer --sae4k "$SAE4K" --epochs "$EPOCHS" --threads 1 --seed 1 --out bench/out/summarizer-korqa 2> bench/out/summarizer-korqa.log
$korqa eval summarizer --sae4k "$SAE4K" --model bench/out/summarizer-korqa --beam 1 --limit 1000 --json > bench/out/summarizer-korqa-eval.json
seconds=$(bench/.venv/bin/python -c "import json; print(sum(json.loads(l)['seconds'] for l in open('bench/out/summarizer-korqa/training/metrics.jsonl')))")
bench/.venv/bin/python bench/summarizer_peer.py --sae4k "$SAE4K" --seconds "$seconds" --epochs "$EPOCHS" --threads 1 --test-limit 1000 > bench/out/summarizer-torch.json

echo "4. latency…" >&2
$korqa bench summarizer --sci-news "$SCI" --model bench/out/summarizer-korqa --runs 20 --json > bench/out/summarizer-latency.json

bench/.venv/bin/python - <<'PY'
import json
cpu = open('/proc/cpuinfo').read().split('model name')[1].split('\n')[0].strip(': \t')
flags = open('/proc/cpuinfo').read()
print(f"machine: {cpu}, {'AVX-512' if 'avx512f' in flags else 'AVX2 only'}\n")
print("ROUGE check:", open('bench/out/rouge-check.json').read().strip())
print("\n| system (sci-news-sum-kr-50, 3 sentences) | ROUGE-1 | ROUGE-2 | ROUGE-L | sentence F1 |\n|---|---:|---:|---:|---:|")
for r in json.load(open('bench/out/summarize-extractive-korqa.json'))['reports']:
    print(f"| {r['system']} | {r['rouge1']['mean']:.3f} | {r['rouge2']['mean']:.3f} | {r['rouge_l']['mean']:.3f} [{r['rouge_l']['low']:.3f}, {r['rouge_l']['high']:.3f}] | {r['sentence_f1']['mean']:.3f} |")
for line in open('bench/out/summarize-extractive-peers.jsonl'):
    r = json.loads(line)
    print(f"| {r['system']} (Python) | {r['rouge1']:.3f} | {r['rouge2']:.3f} | {r['rouge_l']:.3f} | {r['sentence_f1']:.3f} |")
records = [json.loads(l) for l in open('bench/out/summarizer-korqa/training/metrics.jsonl')]
torch_run = json.load(open('bench/out/summarizer-torch.json'))
korqa_eval = {r['system']: r for r in json.load(open('bench/out/summarizer-korqa-eval.json'))['reports']}
ours = next(v for k, v in korqa_eval.items() if k.startswith('KorQA'))
seconds = sum(r['seconds'] for r in records)
examples = sum(r['examples_per_s'] * r['seconds'] for r in records)
korqa_tokens = examples * torch_run['tokens_per_example'] / seconds
print(f"\n| seq2seq on sae4K, 1 thread, {seconds:.0f} s of training | tokens/s | examples/s | test ROUGE-L (greedy, 1,000) | exact match |\n|---|---:|---:|---:|---:|")
print(f"| KorQA | {korqa_tokens:,.0f} | {examples / seconds:.0f} | {ours['rouge_l']['mean']:.3f} | {ours['exact_match']['mean']:.3f} |")
print(f"| PyTorch peer | {torch_run['tokens_per_s']:,.0f} | {torch_run['examples_per_s']:.0f} | {torch_run['rouge_l']:.3f} | {torch_run['exact_match']:.3f} |")
print(f"| KorQA / PyTorch | {korqa_tokens / torch_run['tokens_per_s']:.2f}x | | | |")
latency = json.load(open('bench/out/summarizer-latency.json'))
print(f"\nlatency, {latency['document_syllables']}-syllable document, {latency['threads']} thread:")
for t in latency['timings']:
    print(f"  {t['mode']}: p50 {t['p50_ms']:.1f} ms, p90 {t['p90_ms']:.1f} ms")
PY
