#!/usr/bin/env python3
"""Peer for `korqa eval intent`: scikit-learn TF-IDF over character 1–3-grams + logistic
regression (the published 3i4k baseline family), trained and tested on the same files.
Usage: intent_peer.py NAME TRAIN TEST   (3i4k label<TAB>text, or TSV with a header)"""
import json
import sys
import time

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score


def read(path):
    labels, texts = [], []
    with open(path, encoding='utf-8-sig') as f:
        lines = [l.rstrip('\r\n') for l in f]
    start = 1 if lines and not lines[0].split('\t')[0].strip().isdigit() else 0
    for line in lines[start:]:
        parts = line.split('\t')
        if len(parts) == 2 and parts[0].strip() and parts[1].strip():
            labels.append(parts[0].strip())
            texts.append(parts[1].strip())
    return labels, texts


name, train_path, test_path = sys.argv[1:4]
y_train, x_train = read(train_path)
y_test, x_test = read(test_path)
start = time.perf_counter()
vectorizer = TfidfVectorizer(analyzer='char_wb', ngram_range=(1, 3), sublinear_tf=True, min_df=2)
model = LogisticRegression(max_iter=2000, C=4.0)
model.fit(vectorizer.fit_transform(x_train), y_train)
train_seconds = time.perf_counter() - start
start = time.perf_counter()
predicted = model.predict(vectorizer.transform(x_test))
seconds = time.perf_counter() - start
print(json.dumps({'dataset': name, 'system': 'sklearn-tfidf-char1-3+logreg', 'count': len(y_test),
                  'accuracy': accuracy_score(y_test, predicted), 'macro_f1': f1_score(y_test, predicted, average='macro'),
                  'utterances_per_s': len(y_test) / seconds, 'train_seconds': train_seconds}))
