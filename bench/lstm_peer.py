#!/usr/bin/env python3
"""PyTorch peer for `korqa bench lstm`: the same model, data shapes and modes.

Embedding(vocab, embed) -> nn.LSTM(bidirectional=True, 1 layer, hidden per direction) ->
Linear(2*hidden -> 16) per token, softmax cross-entropy, Adam lr 1e-3, eager mode, CPU.
Prints the same JSON lines as korqa.
"""
import argparse
import json
import resource
import time

import torch
import torch.nn as nn


class Tagger(nn.Module):
    def __init__(self, vocab, embed, hidden, labels):
        super().__init__()
        self.embedding = nn.Embedding(vocab, embed)
        self.lstm = nn.LSTM(embed, hidden, batch_first=True, bidirectional=True)
        self.head = nn.Linear(2 * hidden, labels)

    def forward(self, ids):
        h, _ = self.lstm(self.embedding(ids))
        return self.head(h)


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--vocab', type=int, default=3000)
    p.add_argument('--embed', type=int, default=64)
    p.add_argument('--hidden', type=int, default=64)
    p.add_argument('--batch', type=int, default=32)
    p.add_argument('--length', type=int, default=400)
    p.add_argument('--threads', type=int, default=1)
    p.add_argument('--seconds', type=float, default=10)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(42)
    labels = 16
    model = Tagger(a.vocab, a.embed, a.hidden, labels)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    ids = torch.randint(0, a.vocab, (a.batch, a.length))
    targets = torch.randint(0, labels, (a.batch, a.length))

    def train():
        optimizer.zero_grad()
        loss = loss_fn(model(ids).reshape(-1, labels), targets.reshape(-1))
        loss.backward()
        optimizer.step()

    def infer(batch):
        with torch.no_grad():
            model(batch)

    def measure(mode, b, work):
        work()
        steps, start = 0, time.perf_counter()
        elapsed = 0.0
        while elapsed < a.seconds:
            work()
            steps += 1
            elapsed = time.perf_counter() - start
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
        print(json.dumps({'mode': mode, 'batch': b, 'length': a.length, 'threads': a.threads, 'steps': steps,
                          'seconds': elapsed, 'tokens_per_s': int(steps * b * a.length / elapsed),
                          'peak_rss_mb': rss, 'peer': 'pytorch ' + torch.__version__}), flush=True)

    measure('train', a.batch, train)
    one = ids[:1].clone()
    measure('infer', 1, lambda: infer(one))
    measure('infer', a.batch, lambda: infer(ids))


if __name__ == '__main__':
    main()
