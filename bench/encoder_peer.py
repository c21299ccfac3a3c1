#!/usr/bin/env python3
"""PyTorch peer for `korqa bench encoder`: the same bidirectional language model, sizes and step.

Four summed embeddings (syllable V, initial 21, medial 23, final 29) -> dropout -> a forward
nn.LSTM stack and a backward one (run on the flipped sequence), `layers` each with dropout
between layers -> one shared output layer trained by sampled softmax (k negatives per batch
from a unigram^0.75-like distribution, logits corrected by -log(k q), accidental hits masked),
each direction's loss halved; Adam lr 1e-3; eager mode, CPU. Prints the same JSON line as korqa.
"""
import argparse
import json
import resource
import time

import torch
import torch.nn as nn


class BiLM(nn.Module):
    def __init__(self, vocab, embed, hidden, layers, dropout):
        super().__init__()
        self.tables = nn.ModuleList([nn.Embedding(n, embed) for n in (vocab, 21, 23, 29)])
        self.dropout = nn.Dropout(dropout)
        self.forward_lstm = nn.LSTM(embed, hidden, num_layers=layers, dropout=dropout, batch_first=True)
        self.backward_lstm = nn.LSTM(embed, hidden, num_layers=layers, dropout=dropout, batch_first=True)
        self.weight = nn.Parameter(torch.randn(vocab, hidden) / hidden ** 0.5)
        self.bias = nn.Parameter(torch.zeros(vocab))

    def sampled_loss(self, h, targets, negatives, log_expected):
        # h [N, H], targets [N]; logits over (target, negatives).
        true = (h * self.weight[targets]).sum(-1) + self.bias[targets] - log_expected[targets]
        neg = h @ self.weight[negatives].t() + self.bias[negatives] - log_expected[negatives]
        neg = neg.masked_fill(negatives.unsqueeze(0) == targets.unsqueeze(1), float('-inf'))
        logits = torch.cat([true.unsqueeze(1), neg], dim=1)
        return nn.functional.cross_entropy(logits, torch.zeros_like(targets))

    def forward(self, channels, negatives, log_expected):
        x = self.dropout(sum(t(c) for t, c in zip(self.tables, channels)))
        f, _ = self.forward_lstm(x)
        b, _ = self.backward_lstm(torch.flip(x, [1]))
        b = torch.flip(b, [1])
        H = f.shape[-1]
        syllables = channels[0]
        loss_f = self.sampled_loss(f[:, :-1].reshape(-1, H), syllables[:, 1:].reshape(-1), negatives, log_expected)
        loss_b = self.sampled_loss(b[:, 1:].reshape(-1, H), syllables[:, :-1].reshape(-1), negatives, log_expected)
        return (loss_f + loss_b) / 2


def main():
    p = argparse.ArgumentParser()
    for name, default in [('vocab', 6000), ('embed', 128), ('hidden', 192), ('layers', 2), ('batch', 32), ('length', 128),
                          ('negatives', 512), ('threads', 1)]:
        p.add_argument('--' + name, type=int, default=default)
    p.add_argument('--seconds', type=float, default=10)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(7)
    model = BiLM(a.vocab, a.embed, a.hidden, a.layers, 0.1)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    channels = [torch.randint(0, n, (a.batch, a.length)) for n in (a.vocab, 21, 23, 29)]
    weights = torch.arange(a.vocab, 0, -1, dtype=torch.float) ** 0.75
    q = weights / weights.sum()
    log_expected = torch.log(a.negatives * q)

    def step():
        negatives = torch.multinomial(q, a.negatives, replacement=True)
        optimizer.zero_grad()
        model(channels, negatives, log_expected).backward()
        optimizer.step()

    step()
    steps, start, elapsed = 0, time.perf_counter(), 0.0
    while elapsed < a.seconds:
        step()
        steps += 1
        elapsed = time.perf_counter() - start
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(json.dumps({'mode': 'train', 'batch': a.batch, 'length': a.length, 'threads': a.threads, 'steps': steps, 'seconds': elapsed,
                      'tokens_per_s': int(steps * a.batch * a.length / elapsed), 'peak_rss_mb': rss,
                      'peer': 'pytorch ' + torch.__version__}), flush=True)


if __name__ == '__main__':
    main()
