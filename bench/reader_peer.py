"""PyTorch peer of KorQA's reader (resources/reader-korquad): the same architecture and sizes,
with the shipped weights loaded by name, eager, batch 1, one thread. Answers the same cases as
`korqa bench reader` (each KorQuAD paragraph with >= N syllables, cut to N, its first question)
and prints the latency percentiles as JSON. Featurization is done the simple way (ids by
dictionary lookup, jamo by syllable arithmetic, a word vector per syllable from one table row,
exact-match features); the network is the reader's:

  e(x) = [E_syl + E_ini + E_med + E_fin ; w(x)]                         [T, D+W]
  aligned_i = sum_j softmax_j(relu(A e(c_i)) . relu(A e(q_j))) e(q_j)    [T, D+W]
  h = BiLSTM x2([e(c); aligned; features])                              [T, 2H]
  u = BiLSTM(e(q)); q = sum_j softmax_j(v . u_j) u_j                     [2H]
  start = h W_s q, end = h W_e q; best span of at most 30 syllables.
Usage: reader_peer.py DATA.json MODEL_DIR [--syllables 500] [--seconds 10]
"""
import argparse, json, resource, sys, time

import torch
from safetensors.torch import load_file

p = argparse.ArgumentParser()
p.add_argument("data"); p.add_argument("model")
p.add_argument("--syllables", type=int, default=500)
p.add_argument("--seconds", type=float, default=10)
a = p.parse_args()
torch.set_num_threads(1)
torch.manual_seed(1)

W = load_file(a.model + "/model.safetensors")
vocab = {line.rstrip("\n"): i for i, line in enumerate(open(a.model + "/vocab.txt", encoding="utf-8"))}
D = W["embedding.syllable.weight"].shape[1]
H = W["context.0.forward.weight_hh"].shape[1]
F = W["context.0.forward.weight_ih"].shape[1] - 2 * (W["align.weight"].shape[1])
WV = W["align.weight"].shape[1] - D


class Reader(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.syl = torch.nn.Embedding.from_pretrained(W["embedding.syllable.weight"])
        self.ini = torch.nn.Embedding.from_pretrained(W["embedding.initial.weight"])
        self.med = torch.nn.Embedding.from_pretrained(W["embedding.medial.weight"])
        self.fin = torch.nn.Embedding.from_pretrained(W["embedding.final.weight"])
        # Word vectors: one row of a table of the shipped size per syllable (KorQA averages the
        # rows of a word's subword units; the table lookup is the peer's stand-in).
        self.words = torch.nn.Embedding(100_000, WV) if WV else None
        self.align = torch.nn.Linear(D + WV, W["align.weight"].shape[0])
        self.align.weight.data, self.align.bias.data = W["align.weight"], W["align.bias"]
        self.context = torch.nn.LSTM(2 * (D + WV) + F, H, num_layers=2, bidirectional=True, batch_first=True)
        self.question = torch.nn.LSTM(D + WV, H, num_layers=1, bidirectional=True, batch_first=True)
        for lstm, prefix, layers in [(self.context, "context", 2), (self.question, "question", 1)]:
            for l in range(layers):
                for d, suffix in [("forward", ""), ("backward", "_reverse")]:
                    getattr(lstm, f"weight_ih_l{l}{suffix}").data = W[f"{prefix}.{l}.{d}.weight_ih"]
                    getattr(lstm, f"weight_hh_l{l}{suffix}").data = W[f"{prefix}.{l}.{d}.weight_hh"]
                    getattr(lstm, f"bias_ih_l{l}{suffix}").data = W[f"{prefix}.{l}.{d}.bias"]
                    getattr(lstm, f"bias_hh_l{l}{suffix}").data = torch.zeros_like(W[f"{prefix}.{l}.{d}.bias"])
        self.qatt = torch.nn.Linear(2 * H, 1)
        self.qatt.weight.data, self.qatt.bias.data = W["question.attention.weight"], W["question.attention.bias"]
        self.ws, self.we = W["start.weight"], W["end.weight"]

    def embed(self, ids):  # ids [4, T] (+ word rows [T])
        e = self.syl(ids[0]) + self.ini(ids[1]) + self.med(ids[2]) + self.fin(ids[3])
        if self.words is not None:
            e = torch.cat([e, self.words(ids[4])], -1)
        return e

    def forward(self, c_ids, q_ids, features, max_answer=30):
        ec, eq = self.embed(c_ids), self.embed(q_ids)                      # [T, D+W], [Q, D+W]
        pc, pq = torch.relu(self.align(ec)), torch.relu(self.align(eq))
        aligned = torch.softmax(pc @ pq.T, -1) @ eq                          # [T, D+W]
        h, _ = self.context(torch.cat([ec, aligned, features], -1).unsqueeze(0))
        u, _ = self.question(eq.unsqueeze(0))
        alpha = torch.softmax(self.qatt(u[0]).squeeze(-1), 0)
        q = alpha @ u[0]                                                     # [2H]
        start = torch.log_softmax(h[0] @ (self.ws @ q), 0)
        end = torch.log_softmax(h[0] @ (self.we @ q), 0)
        T = start.shape[0]
        scores = start.unsqueeze(1) + end.unsqueeze(0)                       # [T, T]
        scores = scores.masked_fill(~torch.ones(T, T, dtype=torch.bool).triu().tril(max_answer - 1), float("-inf"))
        best = int(torch.argmax(scores))
        return best // T, best % T, float(scores.view(-1)[best].exp())


def jamo(ch):
    code = ord(ch) - 0xAC00
    if 0 <= code < 11172:
        return 1 + code // 588, 1 + (code % 588) // 28, 1 + code % 28
    return 0, 0, 0


def featurize(text, question_chars):
    chars = [c for c in text if not c.isspace()]
    ids = [[vocab.get(c, 1) for c in chars]]
    j = [jamo(c) for c in chars]
    ids += [[x[k] for x in j] for k in range(3)]
    ids.append([hash(c) % 100_000 for c in chars])
    t = torch.tensor(ids)
    features = None
    if question_chars is not None:
        qset = set(question_chars)
        features = torch.zeros(len(chars), F)
        features[:, 0] = torch.tensor([1.0 if c in qset else 0.0 for c in chars])
    return t, features, chars


model = Reader().eval()
cases = []
for article in json.load(open(a.data, encoding="utf-8"))["data"]:
    for paragraph in article["paragraphs"]:
        if not paragraph["qas"]:
            continue
        chars = [c for c in paragraph["context"] if not c.isspace()]
        if len(chars) < a.syllables:
            continue
        cut, n = 0, 0
        for i, c in enumerate(paragraph["context"]):
            if not c.isspace():
                n += 1
                if n == a.syllables:
                    cut = i + 1
                    break
        cases.append((paragraph["qas"][0]["question"], paragraph["context"][:cut]))


def answer(question, context):
    q_ids, _, q_chars = featurize(question, None)
    c_ids, features, _ = featurize(context, q_chars)
    with torch.inference_mode():
        return model(c_ids, q_ids, features)


answer(*cases[0])
latencies, started, i = [], time.perf_counter(), 0
while time.perf_counter() - started < a.seconds or len(latencies) < 10:
    t = time.perf_counter()
    answer(*cases[i % len(cases)])
    latencies.append(time.perf_counter() - t)
    i += 1
latencies.sort()
pct = lambda q: 1000 * latencies[min(len(latencies) - 1, int(q * len(latencies)))]
print(json.dumps({"peer": f"pytorch {torch.__version__} eager, 1 thread", "syllables": a.syllables, "answers": len(latencies),
                  "p50_ms": round(pct(0.5), 3), "p95_ms": round(pct(0.95), 3),
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024}))
