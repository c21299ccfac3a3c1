#!/usr/bin/env bash
# Issue #26's speed table in one run, every peer beside KorQA on the same machine:
#   1. the BiLSTM core against PyTorch (train, batch-1 and batch-32 inference; 1 and 2 threads);
#   2. the reader's answer latency against a PyTorch peer of the same reader (500-syllable
#      contexts, batch 1, one thread);
#   3. the CLI end to end (stdin -> stdout, process start included, on 100 MB: the 10 MB the
#      library is timed on, ten times) against the library (`korqa bench text`) and against a
#      plain Python NFKC + jamo loop with offsets (bench/text_peer.py), one core;
#   4. cold starts: a fresh `korqa ask` at 12k FAQ entries, `korqa chat`'s first answer, a fresh
#      `korqa read`.
# Usage: bench/speed.sh [SECONDS_PER_MEASUREMENT]   (writes bench/out/speed.md)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}
data=../shared/data
mkdir -p bench/out
. bench/venv.sh
swift build -c release --product korqa >/dev/null
K=.build/release/korqa
out=bench/out/speed.md
cpu=$(lscpu | sed -n 's/^Model name: *//p' | head -1)
flags=$(grep -o -w -m1 'avx512f' /proc/cpuinfo || echo "AVX2 only")
{
echo "Measured $(date -u +%Y-%m-%d) on $cpu ($flags), $(nproc) cores; one run of bench/speed.sh $seconds."
echo
echo "| what | KorQA | peer | KorQA / peer | goal |"
echo "|---|---:|---:|---:|---|"
} > "$out"

# 1. BiLSTM core.
args="--vocab 3000 --embed 64 --hidden 64 --batch 32 --length 400 --seconds $seconds"
: > bench/out/speed-lstm-korqa.jsonl; : > bench/out/speed-lstm-torch.jsonl
for threads in 1 2; do
  $K bench lstm $args --threads "$threads" --json >> bench/out/speed-lstm-korqa.jsonl
  bench/.venv/bin/python bench/lstm_peer.py $args --threads "$threads" >> bench/out/speed-lstm-torch.jsonl
done
python3 - bench/out/speed-lstm-korqa.jsonl bench/out/speed-lstm-torch.jsonl >> "$out" <<'PY'
import json, sys
k = [json.loads(l) for l in open(sys.argv[1])]
t = [json.loads(l) for l in open(sys.argv[2])]
for a, b in zip(k, t):
    print(f"| BiLSTM {a['mode']}, batch {a['batch']}, {a['threads']} thread(s), tokens/s | {a['tokens_per_s']:,} | {b['tokens_per_s']:,} (PyTorch) "
          f"| {a['tokens_per_s'] / b['tokens_per_s']:.2f}x | ≥ 1.2x |")
PY

# 2. Reader latency.
korquad=$data/korquad/KorQuAD_v1.0_dev.json
$K bench reader "$korquad" --syllables 500 --threads 1 --seconds "$seconds" --json > bench/out/speed-reader-korqa.json
bench/.venv/bin/python bench/reader_peer.py "$korquad" resources/reader-korquad --syllables 500 --seconds "$seconds" > bench/out/speed-reader-torch.json
python3 - bench/out/speed-reader-korqa.json bench/out/speed-reader-torch.json >> "$out" <<'PY'
import json, sys
k, t = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
print(f"| reader answer p50, 500 syllables, 1 thread, ms | {k['p50_ms']:.2f} | {t['p50_ms']:.2f} (PyTorch) | {k['p50_ms'] / t['p50_ms']:.2f}x | ≤ 0.5x |")
PY

# 3. CLI end to end against the library, one core, on the same 10 MB of Wikipedia lines.
corpus=$data/mrc/kowiki/AA
taskset -c 0 $K bench text --corpus "$corpus" --megabytes 10 --repeats 3 --json > bench/out/speed-text-library.jsonl
python3 - "$corpus" > bench/out/speed-text.txt <<'PY'
import os, sys
path, limit, total = sys.argv[1], 10_000_000, 0
for name in sorted(n for n in os.listdir(path) if not n.startswith('.')):
    for line in open(os.path.join(path, name), 'rb').read().split(b'\n'):
        if not line or line.startswith(b'<doc') or line.startswith(b'</doc>'):
            continue
        sys.stdout.buffer.write(line + b'\n'); total += len(line)
        if total >= limit: sys.exit()
PY
taskset -c 0 python3 bench/text_peer.py bench/out/speed-text.txt 10 3 > bench/out/speed-text-python.jsonl
for _ in 1 2 3 4 5 6 7 8 9 10; do cat bench/out/speed-text.txt; done > bench/out/speed-text-100.txt
cli() {  # median MB/s of 3 runs of `korqa ARGS < 100 MB > /dev/null`
  for _ in 1 2 3; do
    start=$(date +%s.%N); taskset -c 0 $K "$@" < bench/out/speed-text-100.txt > /dev/null; end=$(date +%s.%N)
    python3 -c "import os; print(os.path.getsize('bench/out/speed-text-100.txt') / 1e6 / ($end - $start))"
  done | sort -n | sed -n 2p
}
{
  echo "normalize $(cli normalize)"
  echo "normalize+syllable $(cli tokenize --unit syllable)"
  echo "normalize+jamo $(cli tokenize --unit jamo)"
  echo "normalize+jamo+json $(cli tokenize --unit jamo --json)"
} > bench/out/speed-text-cli.txt
python3 - bench/out/speed-text-library.jsonl bench/out/speed-text-cli.txt bench/out/speed-text-python.jsonl >> "$out" <<'PY'
import json, sys
library = {r['task']: r['mb_per_s'] for r in map(json.loads, open(sys.argv[1]))}
cli = dict((l.split()[0], float(l.split()[1])) for l in open(sys.argv[2]))
python = {r['task']: r['mb_per_s'] for r in map(json.loads, open(sys.argv[3]))}
for task, command in [("normalize", "korqa normalize"), ("normalize+syllable", "korqa tokenize"), ("normalize+jamo", "korqa tokenize --unit jamo")]:
    print(f"| `{command}` stdin→stdout (100 MB), MB/s | {cli[task]:.1f} | {library[task]:.1f} (library) | {library[task] / cli[task]:.2f}x slower | within 1.3x |")
print(f"| `korqa tokenize --unit jamo --json` (100 MB), MB/s | {cli['normalize+jamo+json']:.1f} | {library['normalize+jamo']:.1f} (library) | {library['normalize+jamo'] / cli['normalize+jamo+json']:.2f}x slower | |")
print(f"| `korqa tokenize --unit jamo` against a Python NFKC + jamo loop, MB/s | {cli['normalize+jamo']:.1f} | {python['normalize+jamo']:.2f} (Python) | {cli['normalize+jamo'] / python['normalize+jamo']:.1f}x | ≥ 30x |")
PY

# 4. Cold starts (median of 5 fresh processes), the default FAQ index (bundled faq/, ~12k rows).
home=$(mktemp -d); trap 'rm -rf "$home"' EXIT
XDG_DATA_HOME=$home $K ask "안녕" > /dev/null 2>&1   # builds the default index once
cold() {
  for _ in 1 2 3 4 5; do
    start=$(date +%s.%N); "$@" > /dev/null 2>&1; end=$(date +%s.%N)
    python3 -c "print(round(1000 * ($end - $start)))"
  done | sort -n | sed -n 3p
}
ask=$(cold env XDG_DATA_HOME="$home" taskset -c 0 $K ask "비밀번호를 잊어버렸어요")
chat=$(cold sh -c "printf '비밀번호를 잊어버렸어요\n' | XDG_DATA_HOME=$home taskset -c 0 $K chat")
read=$(cold taskset -c 0 $K read --context "지미 카터는 1924년 10월 1일 조지아주 플레인스에서 태어났다. 그는 미국 39대 대통령이다." "지미 카터는 몇 대 대통령인가?")
version=$(cold taskset -c 0 $K --version)
{
echo "| cold start: \`korqa ask\` at ~12k FAQ entries, ms | $ask | | | |"
echo "| cold start: \`korqa chat\` to its first answer, ms | $chat | | | |"
echo "| cold start: \`korqa read\` (reader load + answer), ms | $read | | | |"
echo "| process start alone (\`korqa --version\`), ms | $version | | | |"
} >> "$out"
rm -f bench/out/speed-text-100.txt
cat "$out"
