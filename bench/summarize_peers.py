"""Extractive peers on sci-news-sum-kr-50, scored as KorQA scores (syllable ROUGE-1/2/L F1 with
korouge-score's scorer and a letters-and-digits tokenizer — bench/rouge_check.py shows it agrees
with KorQA's exactly — and sentence F1 against the gold indices): Lead-3, TextRank (textrankr,
syllable bigrams), LexRank-style (character 1–3-gram TF-IDF cosine + PageRank). One JSON line each."""
import json, os, sys

import numpy as np
from korouge_score import rouge_scorer
from sklearn.feature_extraction.text import TfidfVectorizer


class SyllableTokenizer:
    def tokenize(self, text):
        return [ch for ch in text.lower() if ch.isalnum()]


scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], tokenizer=SyllableTokenizer())
directory, count = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 3
articles = [json.load(open(os.path.join(directory, n), encoding="utf-8")) for n in sorted(os.listdir(directory)) if n.endswith(".json")]


def pagerank(similarity, damping=0.85, iterations=100):
    n = len(similarity)
    np.fill_diagonal(similarity, 0)
    sums = similarity.sum(1, keepdims=True)
    transition = np.where(sums > 0, similarity / np.where(sums > 0, sums, 1), 1 / n)
    rank = np.full(n, 1 / n)
    for _ in range(iterations):
        rank = (1 - damping) / n + damping * transition.T @ rank
    return rank


def lexrank(sentences):
    vectors = TfidfVectorizer(analyzer="char", ngram_range=(1, 3)).fit_transform(sentences)
    rank = pagerank((vectors @ vectors.T).toarray())
    return sorted(np.argsort(-rank, kind="stable")[:count].tolist())


def textrank(sentences):
    from textrankr import TextRank
    tokenize = lambda s: [s[i : i + 2] for i in range(len(s) - 1)]  # syllable bigrams
    chosen = TextRank(tokenize).summarize("\n".join(sentences), count, verbose=False)
    chosen = chosen if isinstance(chosen, list) else chosen.split("\n")
    return sorted({sentences.index(s) for s in chosen if s in sentences})


systems = {"Lead-%d" % count: lambda s: list(range(min(count, len(s)))), "TextRank (textrankr, syllable bigrams)": textrank,
           "LexRank-style (char 1-3 TF-IDF + PageRank)": lexrank}
for name, choose in systems.items():
    r1 = r2 = rl = f1 = 0.0
    for a in articles:
        chosen = choose(a["sentences"])
        reference = " ".join(a["sentences"][i] for i in a["summaries"])
        s = scorer.score(reference, " ".join(a["sentences"][i] for i in chosen))
        r1 += s["rouge1"].fmeasure; r2 += s["rouge2"].fmeasure; rl += s["rougeL"].fmeasure
        hits = len(set(chosen) & set(a["summaries"]))
        p, r = (hits / len(chosen) if chosen else 0), hits / len(a["summaries"])
        f1 += 2 * p * r / (p + r) if p + r else 0
    n = len(articles)
    print(json.dumps({"system": name, "documents": n, "rouge1": r1 / n, "rouge2": r2 / n, "rouge_l": rl / n, "sentence_f1": f1 / n}, ensure_ascii=False))
