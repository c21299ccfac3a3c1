"""Checks KorQA's syllable ROUGE (korqa eval rouge --json) against korouge-score's scorer with a
syllable tokenizer, pair by pair. Input: the TSV given to korqa and korqa's JSON lines."""
import json, sys

from korouge_score import rouge_scorer


class SyllableTokenizer:
    def tokenize(self, text):
        return [ch for ch in text.lower() if ch.isalnum()]


pairs_path, korqa_path = sys.argv[1], sys.argv[2]
pairs = [line.rstrip("\n").split("\t")[:2] for line in open(pairs_path, encoding="utf-8") if "\t" in line]
ours = [json.loads(line) for line in open(korqa_path, encoding="utf-8") if line.startswith('{"pair"')]
scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], tokenizer=SyllableTokenizer())
worst = 0.0
for (candidate, reference), mine in zip(pairs, ours):
    ref = scorer.score(reference, candidate)
    for key, name in (("rouge1", "rouge1"), ("rouge2", "rouge2"), ("rougeL", "rouge_l")):
        worst = max(worst, abs(ref[key].fmeasure - mine[name]["f1"]), abs(ref[key].precision - mine[name]["precision"]),
                    abs(ref[key].recall - mine[name]["recall"]))
print(json.dumps({"pairs": len(ours), "largest_difference": worst, "agree": len(ours) == len(pairs) and worst < 1e-9}))
