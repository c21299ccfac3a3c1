#!/usr/bin/env bash
# The MRC reader's speed: answer latency on 500-syllable contexts (one core, the issue's bar) and
# batch reading speed (answers/s) over KorQuAD dev. Speed only: the shipped reader was trained on
# KorQuAD dev, so its score there is not an accuracy; accuracy is the cross-validation in
# resources/reader-korquad/README.md (reproduce with `make cv-reader` and `make cv-distilled`).
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:-../shared/data/korquad/KorQuAD_v1.0_dev.json}
model=${2:-resources/reader-korquad}
swift build -c release --product korqa >/dev/null
.build/release/korqa bench reader "$data" --model "$model" --syllables 500 --threads 1 --seconds 10
.build/release/korqa bench reader "$data" --model "$model" --syllables 500 --threads 2 --seconds 10
# The two-reader ensemble (--ensemble-with), when its second reader is there.
partner=${3:-resources/reader-korquad-2}
if [ -d "$partner" ]; then
  printf 'ensemble with %s: ' "$partner"
  .build/release/korqa bench reader "$data" --model "$model" --ensemble-with "$partner" --syllables 500 --threads 1 --seconds 10
  printf 'ensemble with %s, readers side by side: ' "$partner"
  .build/release/korqa bench reader "$data" --model "$model" --ensemble-with "$partner" --syllables 500 --threads 2 --seconds 10
fi
for threads in 1 2; do
  printf 'batch reading, %s thread(s): ' "$threads"
  .build/release/korqa eval korquad "$data" --model "$model" --threads "$threads" --json
done
