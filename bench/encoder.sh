#!/usr/bin/env bash
# The shared encoder's pre-training step (bidirectional LM, sampled softmax) against its PyTorch
# peer (CPU wheel, eager): same sizes, same batch, one after the other, at 1 and 2 threads.
# Usage: bench/encoder.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}
args="--vocab 6000 --embed 128 --hidden 192 --layers 2 --batch 32 --length 128 --negatives 512 --seconds $seconds"
mkdir -p bench/out
. bench/venv.sh
swift build -c release --product korqa >/dev/null
: > bench/out/encoder-korqa.jsonl; : > bench/out/encoder-torch.jsonl
for threads in 1 2; do
  echo "threads $threads: korqa…" >&2
  .build/release/korqa bench encoder $args --threads "$threads" --json >> bench/out/encoder-korqa.jsonl
  echo "threads $threads: pytorch…" >&2
  bench/.venv/bin/python bench/encoder_peer.py $args --threads "$threads" >> bench/out/encoder-torch.jsonl
done
bench/.venv/bin/python - bench/out/encoder-korqa.jsonl bench/out/encoder-torch.jsonl <<'PY'
import json, sys
k = [json.loads(l) for l in open(sys.argv[1])]
t = [json.loads(l) for l in open(sys.argv[2])]
print("| threads | KorQA tokens/s | PyTorch tokens/s | KorQA / PyTorch | KorQA peak MB | PyTorch peak MB |")
print("|---:|---:|---:|---:|---:|---:|")
for a, b in zip(k, t):
    print(f"| {a['threads']} | {a['tokens_per_s']:,} | {b['tokens_per_s']:,} | {a['tokens_per_s'] / b['tokens_per_s']:.2f}x | {a['peak_rss_mb']} | {b['peak_rss_mb']} |")
print(f"\n{t[0]['peer']}; lscpu: " + open('/proc/cpuinfo').read().split('model name')[1].split('\n')[0].strip(': \t'))
PY
