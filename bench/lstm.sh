#!/usr/bin/env bash
# KorQA's BiLSTM core against PyTorch (CPU wheel, eager), same model and shapes, same machine,
# one after the other, at 1 and 2 threads. Prints a table of tokens/s and ratios.
# Usage: bench/lstm.sh [SECONDS_PER_MODE]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}
args="--vocab 3000 --embed 64 --hidden 64 --batch 32 --length 400 --seconds $seconds"
mkdir -p bench/out
. bench/venv.sh
swift build -c release --product korqa >/dev/null
# KorQA's checkpoints are standard safetensors: write one and read it with the Python package.
.build/release/korqa bench lstm $args --seconds 1 --modes train --checkpoint bench/out/tagger.safetensors >/dev/null
bench/.venv/bin/python bench/check_safetensors.py bench/out/tagger.safetensors >&2
: > bench/out/lstm-korqa.jsonl; : > bench/out/lstm-torch.jsonl
for threads in 1 2; do
  echo "threads $threads: korqa…" >&2
  .build/release/korqa bench lstm $args --threads "$threads" --json >> bench/out/lstm-korqa.jsonl
  echo "threads $threads: pytorch…" >&2
  bench/.venv/bin/python bench/lstm_peer.py $args --threads "$threads" >> bench/out/lstm-torch.jsonl
done
bench/.venv/bin/python - bench/out/lstm-korqa.jsonl bench/out/lstm-torch.jsonl <<'PY'
import json, sys
k = [json.loads(l) for l in open(sys.argv[1])]
t = [json.loads(l) for l in open(sys.argv[2])]
print("| threads | mode | batch | KorQA tokens/s | PyTorch tokens/s | KorQA / PyTorch | KorQA peak MB | PyTorch peak MB |")
print("|---:|---|---:|---:|---:|---:|---:|---:|")
for a, b in zip(k, t):
    print(f"| {a['threads']} | {a['mode']} | {a['batch']} | {a['tokens_per_s']:,} | {b['tokens_per_s']:,} | {a['tokens_per_s'] / b['tokens_per_s']:.2f}x | {a['peak_rss_mb']} | {b['peak_rss_mb']} |")
print(f"\nKorQA OpenBLAS kernels: {k[0]['blas_core']}; {t[0]['peer']}")
PY
