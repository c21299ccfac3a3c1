#!/usr/bin/env python3
"""Writes resources/korquad-dev-folds.tsv: the 5-fold split BY ARTICLE of KorQuAD 1.0 dev used
for cross-validation (index<TAB>fold<TAB>title). Same algorithm as MRCReader's
ArticleFolds.assign (SplitMix64 Fisher–Yates, seed 20261121, then round robin); a Swift test
checks the file against it.
Usage: python3 Scripts/make_korquad_folds.py ../shared/data/korquad/KorQuAD_v1.0_dev.json"""
import json
import sys

MASK = (1 << 64) - 1
SEED, FOLDS = 20261121, 5


def splitmix(state):
    state = (state + 0x9E3779B97F4A7C15) & MASK
    z = state
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return state, z ^ (z >> 31)


titles = [a['title'] for a in json.load(open(sys.argv[1], encoding='utf-8'))['data']]
order, state = list(range(len(titles))), SEED
for i in range(len(titles) - 1, 0, -1):
    state, r = splitmix(state)
    j = r % (i + 1)
    order[i], order[j] = order[j], order[i]
fold = [0] * len(titles)
for position, article in enumerate(order):
    fold[article] = position % FOLDS
with open('resources/korquad-dev-folds.tsv', 'w', encoding='utf-8') as f:
    for i, t in enumerate(titles):
        f.write(f'{i}\t{fold[i]}\t{t}\n')
print(len(titles), 'articles;', [fold.count(k) for k in range(FOLDS)], 'per fold')
