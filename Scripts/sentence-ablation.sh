#!/bin/bash
# The sentence-vector runs of docs/encoder.md: from the pre-trained encoder (ENCODER, default
# runs/encoder) and from scratch with mean-max pooling, each scored on KorSTS test and the FAQ
# held-out splits (hybrid and dense). ~25 min on one core.
cd "$(dirname "$0")/.."
D=../shared/data/paraphrase; P=$D/parakqc/paraKQC_v1.txt; C=faq/ChatbotData.csv
common="--korsts $D/korsts/sts-train.tsv --question-pairs $D/question_pair/train.txt --parakqc $P --dev $D/korsts/sts-dev.tsv --epochs 4 --threads 1"
.build/release/korqa train sentence-encoder --encoder ${ENCODER:-runs/encoder} $common --out runs/sentence-pretrained > runs/sentence-pretrained.log 2>&1
.build/release/korqa train sentence-encoder --pooling mean-max $common --out runs/sentence-scratch-meanmax > runs/sentence-scratch-meanmax.log 2>&1
for m in runs/sentence-pretrained runs/sentence-scratch-meanmax; do
  echo "== $m"
  .build/release/korqa eval sts $D/korsts/sts-test.tsv --model $m
  .build/release/korqa eval faq --held-out --parakqc $P --chatbot $C --mode hybrid --sentence-encoder $m
  .build/release/korqa eval faq --held-out --parakqc $P --chatbot $C --mode dense --sentence-encoder $m
done
echo finished
