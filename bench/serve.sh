#!/usr/bin/env bash
# HTTP cost of `korqa serve` (issue #25), loopback only, bounded in count: POST /v1/ask over the
# bundled FAQ index (ChatbotData + the KorQA FAQ, hybrid search) from the standard-library client
# in bench/serve_client.py, 1 connection (latency) and 8 / 64 connections (throughput), beside the
# same engine called in-process (`korqa eval faq`'s p50 of the same kind of question).
# Usage: bash bench/serve.sh [REQUESTS]   (after `swift build -c release`)
set -euo pipefail
cd "$(dirname "$0")/.."
REQUESTS=${1:-2000}
PORT=${PORT:-18181}
KORQA=.build/release/korqa
lscpu | grep -E "Model name" || true
grep -q avx512f /proc/cpuinfo && echo "AVX-512: yes" || echo "AVX-512: no (AVX2)"
export XDG_DATA_HOME=${XDG_DATA_HOME:-$(mktemp -d)}
$KORQA serve --port "$PORT" > /tmp/korqa-serve-bench.log 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 240); do curl -s "localhost:$PORT/healthz" > /dev/null && break; sleep 0.5; done
echo -n "in-process (korqa eval faq: 2,000 ChatbotData questions at 11,823 entries, hybrid, query encoding included): "
$KORQA eval faq --chatbot faq/ChatbotData.csv --mode hybrid --sentence-encoder resources/sentence-encoder --json 2>/dev/null | grep '"dataset":"latency"'
for c in 1 8 64; do
  echo -n "HTTP, $c connection(s): "
  python3 bench/serve_client.py 127.0.0.1 "$PORT" faq/ChatbotData.csv "$REQUESTS" "$c"
done
