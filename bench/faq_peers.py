#!/usr/bin/env python3
"""Python peers for `korqa eval faq`, on the same splits:

- rank_bm25: BM25Okapi over whitespace tokens (what `pip install rank_bm25` users do);
- scikit-learn: TF-IDF over character 1–3-grams (analyzer='char_wb'), cosine similarity.

ParaKQC: the first sentence of each 10-line set is indexed, the other nine query it.
ChatbotData: per answer, the first question is indexed (every other answer's first question is
a distractor), the other questions with that answer query it. Latency: per-query time, p50/p95,
against an index of all ChatbotData rows (as `korqa eval faq` does).
"""
import csv
import json
import sys
import time

import numpy as np
from rank_bm25 import BM25Okapi
from sklearn.feature_extraction.text import TfidfVectorizer


def fnv1a(text):
    """FNV-1a 64 of the UTF-8 bytes, as KorQA's Hangul.FNV1a (ChatbotData's answer halves)."""
    h = 0xcbf29ce484222325
    for b in text.encode('utf-8'):
        h = ((h ^ b) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return h


def parakqc(path, held_out=False):
    with open(path, encoding='utf-8') as f:
        lines = [l.rstrip('\r\n').split('\t')[-1] for l in f if l.strip()]
    indexed, queries = [], []
    for s in (range(800, 1000) if held_out else range(len(lines) // 10)):
        queries += [(lines[s * 10 + k], len(indexed)) for k in range(1, 10)]
        indexed.append(lines[s * 10])
    return indexed, queries


def chatbot(path, held_out=False):
    with open(path, encoding='utf-8-sig', newline='') as f:
        rows = [(r['Q'].strip(), r['A'].strip()) for r in csv.DictReader(f) if r['Q'].strip() and r['A'].strip()]
    first, indexed, queries = {}, [], []
    for q, a in rows:
        if a in first:
            # Held out: only the test half of the answer groups is queried (all rows indexed).
            if not held_out or fnv1a(a) & 1 == 1:
                queries.append((q, first[a]))
        else:
            first[a] = len(indexed)
            indexed.append(q)
    return indexed, queries, [q for q, _ in rows]


class BM25Peer:
    name = 'rank_bm25'

    def __init__(self, docs):
        self.bm25 = BM25Okapi([d.split() for d in docs])

    def top(self, query, k):
        scores = self.bm25.get_scores(query.split())
        return list(np.argsort(-scores, kind='stable')[:k])


class TfidfPeer:
    name = 'sklearn-tfidf-char1-3'

    def __init__(self, docs):
        self.vectorizer = TfidfVectorizer(analyzer='char_wb', ngram_range=(1, 3), sublinear_tf=True)
        self.matrix = self.vectorizer.fit_transform(docs)

    def top(self, query, k):
        scores = (self.matrix @ self.vectorizer.transform([query]).T).toarray().ravel()
        return list(np.argsort(-scores, kind='stable')[:k])


def evaluate(peer_class, dataset, indexed, queries):
    peer = peer_class(indexed)
    hits1 = hits5 = 0
    rr = 0.0
    times = []
    for text, target in queries:
        start = time.perf_counter()
        top = peer.top(text, 10)
        times.append((time.perf_counter() - start) * 1000)
        if target in top:
            rank = top.index(target)
            hits1 += rank == 0
            hits5 += rank < 5
            rr += 1 / (rank + 1)
    n = len(queries)
    times.sort()
    print(json.dumps({'dataset': dataset, 'system': peer.name, 'entries': len(indexed), 'queries': n,
                      'recall_at_1': hits1 / n, 'recall_at_5': hits5 / n, 'mrr': rr / n,
                      'p50_ms': times[n // 2], 'p95_ms': times[min(n - 1, n * 95 // 100)]}), flush=True)


def latency(peer_class, docs, queries):
    peer = peer_class(docs)
    times = []
    for q in queries:
        start = time.perf_counter()
        peer.top(q, 5)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    n = len(times)
    print(json.dumps({'dataset': 'latency', 'system': peer.name, 'entries': len(docs), 'queries': n,
                      'p50_ms': times[n // 2], 'p95_ms': times[min(n - 1, n * 95 // 100)]}), flush=True)


class FastTextPeer:
    """Averaged fastText vectors (the `fasttext` package, skip-gram with character n-grams,
    trained on the same Korean Wikipedia shards; FASTTEXT_MODEL names the .bin), cosine."""
    name = 'fasttext-average'
    model = None

    def __init__(self, docs):
        self.matrix = np.stack([self.embed(d) for d in docs])

    @classmethod
    def embed(cls, text):
        v = cls.model.get_sentence_vector(text.replace('\n', ' '))
        n = np.linalg.norm(v)
        return v / n if n > 0 else v

    def top(self, query, k):
        scores = self.matrix @ self.embed(query)
        return list(np.argsort(-scores, kind='stable')[:k])


def main():
    import os
    args = [a for a in sys.argv[1:] if not a.startswith('--')]
    held_out = '--held-out' in sys.argv
    para_path, chat_path = args[0], args[1]
    p_indexed, p_queries = parakqc(para_path, held_out)
    c_indexed, c_queries, all_questions = chatbot(chat_path, held_out)
    peers = [BM25Peer, TfidfPeer]
    if os.environ.get('FASTTEXT_MODEL'):
        import fasttext
        FastTextPeer.model = fasttext.load_model(os.environ['FASTTEXT_MODEL'])
        peers.append(FastTextPeer)
    for peer in peers:
        evaluate(peer, 'parakqc-801-1000' if held_out else 'parakqc', p_indexed, p_queries)
        evaluate(peer, 'chatbot-shared-answers-test-half' if held_out else 'chatbot-shared-answers', c_indexed, c_queries)
        latency(peer, all_questions, [q for q, _ in p_queries][:2000])


if __name__ == '__main__':
    main()
