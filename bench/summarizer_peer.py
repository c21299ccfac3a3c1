"""PyTorch peer of KorQA's summarizer (Sources/Summarizer/PointerGenerator.swift): the same
pointer-generator with coverage, same sizes, same data (sae4K, line i % 10 == 9 test,
i % 10 == 8 validation), same optimizer schedule — trained for a wall-clock budget, then scored
with greedy decoding and syllable ROUGE-L (korouge-score's, see bench/rouge_check.py for
agreement with KorQA's).

Input: syllables (NFC code points, spaces dropped) with their jamo (initial, medial, final)
embeddings summed, as KorQA's encoder; a forward and a backward stack of 2 LSTM layers each;
the decoder's targets are syllables and a space token; a space flag per source position joins
the attention's values. Prints one JSON line.
"""
import argparse, json, math, random, time, unicodedata

import torch
import torch.nn as nn
import torch.nn.functional as F

PAD, UNK, BOS, EOS = 0, 1, 2, 3
SPECIALS = ["[PAD]", "[UNK]", "[BOS]", "[EOS]", "[SEP]", "[MASK]"]


def read_sae4k(path):
    parts = {"train": [], "validation": [], "test": []}
    with open(path, encoding="utf-8-sig") as f:
        lines = f.read().split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    for i, line in enumerate(lines):
        fields = line.rstrip("\r").split("\t")
        part = "test" if i % 10 == 9 else "validation" if i % 10 == 8 else "train"
        parts[part].append((fields[0], fields[1]))
    return parts


def syllables(text):
    """Tokens and whether whitespace preceded each."""
    out, space = [], []
    gap = False
    for ch in unicodedata.normalize("NFC", text):
        if ch.isspace():
            gap = True
            continue
        out.append(ch)
        space.append(1.0 if gap and out[:-1] else 0.0)
        gap = False
    return out, space


def jamo(ch):
    c = ord(ch) - 0xAC00
    if 0 <= c < 11172:
        return 1 + c // 588, 1 + (c % 588) // 28, 1 + c % 28
    return 0, 0, 0


class Vocabulary:
    def __init__(self, texts, min_count=2, max_size=6000):
        counts = {}
        for t in texts:
            for s in syllables(t)[0]:
                counts[s] = counts.get(s, 0) + 1
        ranked = sorted((k for k, v in counts.items() if v >= min_count), key=lambda k: (-counts[k], k))
        self.tokens = SPECIALS + ranked[: max_size - len(SPECIALS)]
        self.ids = {t: i for i, t in enumerate(self.tokens)}

    def __len__(self):
        return len(self.tokens)

    def id(self, s):
        return self.ids.get(s, UNK)


class PointerGenerator(nn.Module):
    def __init__(self, V, E=128, H=192, layers=2, Hd=256, A=128, D=256, dropout=0.1):
        super().__init__()
        self.V, self.H = V, H
        self.syllable = nn.Embedding(V, E)
        self.initial, self.medial, self.final = nn.Embedding(20, E), nn.Embedding(22, E), nn.Embedding(29, E)
        self.forward_lstm = nn.LSTM(E, H, layers, batch_first=True, dropout=dropout)
        self.backward_lstm = nn.LSTM(E, H, layers, batch_first=True, dropout=dropout)
        self.drop = nn.Dropout(dropout)
        self.init_hidden, self.init_cell = nn.Linear(2 * H, Hd), nn.Linear(2 * H, Hd)
        self.embedding = nn.Embedding(V + 1, E)
        self.decoder = nn.LSTM(E, Hd, batch_first=True)
        self.key, self.query = nn.Linear(2 * H, A), nn.Linear(Hd, A)
        self.coverage_weight = nn.Parameter(torch.zeros(A).uniform_(-0.1, 0.1))
        self.v = nn.Parameter(torch.zeros(A).uniform_(-1 / math.sqrt(A), 1 / math.sqrt(A)))
        self.output_hidden = nn.Linear(Hd + 2 * H + 1, D)
        self.output = nn.Linear(D, V + 1)
        self.generate = nn.Linear(2 * H + 1 + Hd + E, 1)

    def encode(self, ids, jamo_ids, lengths):
        x = self.drop(self.syllable(ids) + self.initial(jamo_ids[..., 0]) + self.medial(jamo_ids[..., 1]) + self.final(jamo_ids[..., 2]))
        packed = nn.utils.rnn.pack_padded_sequence(x, lengths.cpu(), batch_first=True, enforce_sorted=False)
        f, _ = self.forward_lstm(packed)
        f, _ = nn.utils.rnn.pad_packed_sequence(f, batch_first=True, total_length=ids.shape[1])
        # The backward stack reads each row reversed within its length.
        rev = torch.stack([torch.cat([x[b, : lengths[b]].flip(0), x[b, lengths[b]:]]) for b in range(x.shape[0])])
        packed = nn.utils.rnn.pack_padded_sequence(rev, lengths.cpu(), batch_first=True, enforce_sorted=False)
        r, _ = self.backward_lstm(packed)
        r, _ = nn.utils.rnn.pad_packed_sequence(r, batch_first=True, total_length=ids.shape[1])
        b = torch.stack([torch.cat([r[i, : lengths[i]].flip(0), r[i, lengths[i]:]]) for i in range(x.shape[0])])
        last = f[torch.arange(f.shape[0]), lengths - 1]
        summary = torch.cat([last, b[:, 0]], -1)
        return torch.cat([f, b], -1), summary

    def loss(self, batch, lam=1.0):
        ids, jamo_ids, lengths, spaces, extended, dec_in, targets, tmask = batch
        states, summary = self.encode(ids, jamo_ids, lengths)
        B, S, _ = states.shape
        h0, c0 = torch.tanh(self.init_hidden(summary)), self.init_cell(summary)
        emb = self.embedding(dec_in)
        s, _ = self.decoder(self.drop(emb), (h0.unsqueeze(0), c0.unsqueeze(0)))
        smask = torch.arange(S)[None, :] < lengths[:, None]
        keys = self.key(states)
        values = torch.cat([states, spaces.unsqueeze(-1)], -1)
        queries = self.query(s)
        coverage = torch.zeros(B, S)
        weights, coverages = [], []
        for t in range(s.shape[1]):
            e = torch.tanh(keys + queries[:, t : t + 1] + coverage.unsqueeze(-1) * self.coverage_weight) @ self.v
            a = torch.softmax(e.masked_fill(~smask, -1e9), -1) * tmask[:, t : t + 1]
            weights.append(a)
            coverages.append(coverage)
            coverage = coverage + a
        a = torch.stack(weights, 1)
        cov = torch.stack(coverages, 1)
        ctx = a @ values
        p_vocab = torch.softmax(self.output(torch.tanh(self.output_hidden(torch.cat([s, ctx], -1)))), -1)
        p_gen = torch.sigmoid(self.generate(torch.cat([ctx, s, emb], -1)))
        extra = int(extended.max().item()) + 1 - (self.V + 1)
        if extra > 0:
            p_vocab = torch.cat([p_vocab, torch.zeros(B, s.shape[1], extra)], -1)
        dist = (p_gen * p_vocab).scatter_add(2, extended.unsqueeze(1).expand(-1, s.shape[1], -1), (1 - p_gen) * a)
        p = dist.gather(2, targets.unsqueeze(-1)).squeeze(-1).clamp_min(1e-12)
        n = tmask.sum()
        nll = -(torch.log(p) * tmask).sum() / n
        covloss = (torch.minimum(a, cov).sum(-1) * tmask).sum() / n
        return nll + lam * covloss

    @torch.no_grad()
    def greedy(self, batch, oov, max_len=100):
        ids, jamo_ids, lengths, spaces, extended = batch
        states, summary = self.encode(ids, jamo_ids, lengths)
        keys = self.key(states)
        values = torch.cat([states, spaces.unsqueeze(-1)], -1)
        h, c = torch.tanh(self.init_hidden(summary)).unsqueeze(0), self.init_cell(summary).unsqueeze(0)
        coverage = torch.zeros(1, states.shape[1])
        last, out = BOS, []
        for _ in range(max_len):
            x = self.embedding(torch.tensor([[min(last, self.V) if last <= self.V else UNK]]))
            s, (h, c) = self.decoder(x, (h, c))
            e = torch.tanh(keys + self.query(s) + coverage.unsqueeze(-1) * self.coverage_weight) @ self.v
            a = torch.softmax(e, -1)
            coverage = coverage + a
            ctx = a @ values
            p_vocab = torch.softmax(self.output(torch.tanh(self.output_hidden(torch.cat([s, ctx], -1)))), -1)
            p_gen = torch.sigmoid(self.generate(torch.cat([ctx, s, x], -1)))
            dist = torch.cat([p_gen * p_vocab, torch.zeros(1, 1, len(oov))], -1)
            dist = dist.scatter_add(2, extended.unsqueeze(1), (1 - p_gen) * a)[0, 0]
            dist[[PAD, UNK, BOS, 4, 5]] = 0
            nxt = int(dist.argmax())
            if nxt == EOS:
                break
            out.append(nxt)
            last = nxt
        return out


def featurize(pairs, vocab, with_targets=True, max_target=100):
    rows = []
    for src, tgt in pairs:
        toks, spaces = syllables(src)
        toks, spaces = toks[:400], spaces[:400]
        oov, ext = [], []
        for t in toks:
            if t in vocab.ids:
                ext.append(vocab.ids[t])
            else:
                if t not in oov:
                    oov.append(t)
                ext.append(len(vocab) + 1 + oov.index(t))
        row = dict(ids=[vocab.id(t) for t in toks], jamo=[jamo(t) for t in toks], spaces=spaces, ext=ext, oov=oov, toks=toks)
        if with_targets:
            ttoks, tspaces = syllables(tgt)
            y = []
            for t, sp in zip(ttoks, tspaces):
                if sp:
                    y.append(len(vocab))
                y.append(vocab.ids[t] if t in vocab.ids else (len(vocab) + 1 + oov.index(t) if t in oov else UNK))
            y = y[: max_target - 1] + [EOS]
            row["targets"] = y
        rows.append(row)
    return rows


def collate(rows, V):
    B = len(rows)
    S = max(len(r["ids"]) for r in rows)
    T = max(len(r["targets"]) for r in rows)
    ids = torch.zeros(B, S, dtype=torch.long)
    jamo_ids = torch.zeros(B, S, 3, dtype=torch.long)
    spaces = torch.zeros(B, S)
    extended = torch.zeros(B, S, dtype=torch.long)
    dec_in = torch.zeros(B, T, dtype=torch.long)
    targets = torch.zeros(B, T, dtype=torch.long)
    tmask = torch.zeros(B, T)
    for b, r in enumerate(rows):
        n = len(r["ids"])
        ids[b, :n] = torch.tensor(r["ids"])
        jamo_ids[b, :n] = torch.tensor(r["jamo"])
        spaces[b, :n] = torch.tensor(r["spaces"])
        extended[b, :n] = torch.tensor(r["ext"])
        y = r["targets"]
        targets[b, : len(y)] = torch.tensor(y)
        dec_in[b, 0] = BOS
        for t in range(1, len(y)):
            dec_in[b, t] = y[t - 1] if y[t - 1] <= V else UNK
        tmask[b, : len(y)] = 1
    lengths = torch.tensor([max(1, len(r["ids"])) for r in rows])
    return ids, jamo_ids, lengths, spaces, extended, dec_in, targets, tmask


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--sae4k", required=True)
    p.add_argument("--seconds", type=float, required=True, help="training wall-clock budget")
    p.add_argument("--epochs", type=int, default=15, help="the schedule's length (KorQA's run)")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--learning-rate", type=float, default=2e-3)
    p.add_argument("--test-limit", type=int, default=1000)
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    random.seed(a.seed)
    parts = read_sae4k(a.sae4k)
    vocab = Vocabulary([s for s, t in parts["train"]] + [t for s, t in parts["train"]])
    train = featurize(parts["train"], vocab)
    test_pairs = parts["test"][: a.test_limit]
    model = PointerGenerator(len(vocab))
    optimizer = torch.optim.Adam(model.parameters(), lr=a.learning_rate)
    steps_per_epoch = math.ceil(len(train) / a.batch_size)
    total = steps_per_epoch * a.epochs
    schedule = lambda step: min(1.0, (step + 1) / 200) * max(0.0, 1 - step / total)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, schedule)
    started = time.time()
    tokens = examples = steps = 0
    model.train()
    while time.time() - started < a.seconds:
        # Batches of similar source length, as KorQA's trainer makes them.
        order = sorted(range(len(train)), key=lambda i: (len(train[i]["ids"]), random.random()))
        batches = [order[i : i + a.batch_size] for i in range(0, len(order), a.batch_size)]
        random.shuffle(batches)
        for batch in batches:
            if time.time() - started >= a.seconds:
                break
            rows = [train[i] for i in batch]
            loss = model.loss(collate(rows, len(vocab)))
            optimizer.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 5.0)
            optimizer.step()
            scheduler.step()
            steps += 1
            examples += len(rows)
            tokens += sum(len(r["ids"]) + len(r["targets"]) for r in rows)
    seconds = time.time() - started
    model.eval()
    from korouge_score import rouge_scorer

    class SyllableTokenizer:
        """Letters and digits, lowercased: syllable ROUGE, as KorQA scores it."""
        def tokenize(self, text):
            return [ch for ch in text.lower() if ch.isalnum()]

    scorer = rouge_scorer.RougeScorer(["rougeL"], tokenizer=SyllableTokenizer())
    rouge = exact = 0.0
    for (src, tgt), row in zip(test_pairs, featurize(test_pairs, vocab, with_targets=False)):
        if not row["ids"]:
            continue
        batch = (torch.tensor([row["ids"]]), torch.tensor([row["jamo"]]), torch.tensor([len(row["ids"])]),
                 torch.tensor([row["spaces"]]), torch.tensor([row["ext"]]))
        out = model.greedy(batch, row["oov"])
        text = "".join(" " if i == len(vocab) else (row["oov"][i - len(vocab) - 1] if i > len(vocab) else vocab.tokens[i]) for i in out).strip()
        rouge += scorer.score(tgt, text)["rougeL"].fmeasure
        exact += "".join(ch for ch in text if ch.isalnum()) == "".join(ch for ch in tgt if ch.isalnum())
    n = len(test_pairs)
    print(json.dumps({"system": "pytorch", "threads": a.threads, "train_seconds": seconds, "steps": steps, "examples": examples,
                      "tokens_per_s": tokens / seconds, "examples_per_s": examples / seconds,
                      "tokens_per_example": sum(len(r["ids"]) + len(r["targets"]) for r in train) / len(train),
                      "test_pairs": n, "rouge_l": rouge / n, "exact_match": exact / n}))


if __name__ == "__main__":
    main()
