#!/usr/bin/env python3
"""Writes Tests/MRCReaderTests/Fixtures/korquad_metric_cases.json: 1,500 synthetic
(prediction, ground truth) pairs with the EM and F1 that the OFFICIAL KorQuAD 1.0 evaluation
script computes for them. The strings are generated (seed 20261121), not taken from KorQuAD.
Usage: python3 Scripts/make_korquad_metric_fixture.py ../shared/data/korquad/evaluate-v1.0.py.txt"""
import json
import random
import sys

official = {}
exec(open(sys.argv[1], encoding='utf-8').read().replace("if __name__ == '__main__':", "if False:"), official)

rng = random.Random(20261121)
words = ['1989년', '2월', '15일', '여의도', '농민', '폭력', '시위', '임종석', '서울', '대한민국', '세종대왕', 'KorQA', 'BiDAF',
         'DrQA', 'Seoul', 'İstanbul', 'ΣΟΦΙΑ', 'Straße', '１２３', '３·１', '약 3.5%', 'U-20', '100', '맥OS', 'ABC', 'abc']
marks = ['《', '》', '<', '>', '〈', '〉', '(', ')', '‘', '’', "'", '"', '“', '”', '「', '」']
punct = list('!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~') + ['·', '…', '。', '、']
spaces = [' ', '  ', '\t', '\n', '\u00a0', '\u3000', '\u2009', '\u200b']


def phrase():
    parts = []
    for _ in range(rng.randint(1, 4)):
        w = rng.choice(words)
        r = rng.random()
        if r < 0.2:
            w = rng.choice(marks) + w + rng.choice(marks)
        elif r < 0.35:
            w = w + rng.choice(punct)
        elif r < 0.45:
            w = w.upper() if rng.random() < 0.5 else w.lower()
        parts.append(w)
    return rng.choice(spaces).join(parts) + (rng.choice(spaces) if rng.random() < 0.2 else '')


def perturb(s):
    r = rng.random()
    if r < 0.25:
        return s
    if r < 0.45:
        return rng.choice(marks) + s + rng.choice(marks)
    if r < 0.6:
        return s[: max(1, len(s) * 2 // 3)]
    if r < 0.75:
        return s + ' ' + rng.choice(words)
    if r < 0.85:
        return s.swapcase()
    return phrase()


cases = []
for _ in range(1500):
    truth = phrase()
    prediction = perturb(truth)
    cases.append({'prediction': prediction, 'truth': truth,
                  'em': bool(official['exact_match_score'](prediction, truth)),
                  'f1': float(official['f1_score'](prediction, truth)),
                  'normalized': official['normalize_answer'](prediction)})
json.dump(cases, open('Tests/MRCReaderTests/Fixtures/korquad_metric_cases.json', 'w', encoding='utf-8'), ensure_ascii=False, indent=0)
print(len(cases), 'cases;', sum(c['em'] for c in cases), 'exact matches')
