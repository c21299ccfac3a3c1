#!/usr/bin/env python3
"""Python peer for `korqa bench text`: the same work with the standard library.

Per line: UTF-8 decode, NFKC (unicodedata) with an offset map back to the original code points,
whitespace collapsed; then syllable tokens (char, start, end) or jamo tokens by syllable
arithmetic (as the `jamo`/`hgtk` packages do). A line that is already NFKC takes a fast path
(identity offsets), as a careful Python implementation would.
"""
import json
import os
import statistics
import sys
import time
import unicodedata

BASE, MEDIALS, FINALS = 0xAC00, 21, 28


def load_lines(path, limit):
    files = [path] if os.path.isfile(path) else [os.path.join(path, n) for n in sorted(os.listdir(path)) if not n.startswith('.')]
    lines, total = [], 0
    for name in files:
        with open(name, 'rb') as f:
            for line in f.read().split(b'\n'):
                if not line or line.startswith(b'<doc') or line.startswith(b'</doc>'):
                    continue
                lines.append(line)
                total += len(line)
                if total >= limit:
                    return lines, total
    return lines, total


def normalize(raw):
    text = raw.decode('utf-8', errors='replace')
    if unicodedata.is_normalized('NFKC', text):
        chars = list(text)
        offsets = list(range(len(text)))
    else:
        chars, offsets = [], []
        for i, ch in enumerate(text):
            for out in unicodedata.normalize('NFKC', ch):
                chars.append(out)
                offsets.append(i)
    # Collapse whitespace runs to one space and trim, keeping offsets.
    out_chars, out_offsets, pending = [], [], False
    for ch, off in zip(chars, offsets):
        if ch.isspace():
            pending = True
            continue
        if pending and out_chars:
            out_chars.append(' ')
            out_offsets.append(off)
        pending = False
        out_chars.append(ch)
        out_offsets.append(off)
    return out_chars, out_offsets


def syllable_tokens(chars, offsets):
    return [(ch, off, off + 1) for ch, off in zip(chars, offsets) if ch != ' ']


def jamo_tokens(chars, offsets):
    tokens = []
    for ch, off in zip(chars, offsets):
        if ch == ' ':
            continue
        code = ord(ch) - BASE
        if 0 <= code < 11172:
            tokens.append((chr(0x1100 + code // (MEDIALS * FINALS)), off, off + 1))
            tokens.append((chr(0x1161 + (code % (MEDIALS * FINALS)) // FINALS), off, off + 1))
            if code % FINALS:
                tokens.append((chr(0x11A7 + code % FINALS), off, off + 1))
        else:
            tokens.append((ch, off, off + 1))
    return tokens


def measure(peer, task, lines, total, repeats, work):
    """Runs work(line) over all lines `repeats` times; prints the median as one JSON line."""
    times, items = [], 0
    for _ in range(repeats):
        start = time.perf_counter()
        items = sum(work(raw) for raw in lines)
        times.append(time.perf_counter() - start)
    median = statistics.median(times)
    print(json.dumps({'bench': 'text', 'peer': peer, 'task': task, 'bytes': total,
                      'lines': len(lines), 'items': items, 'seconds': median, 'mb_per_s': total / 1e6 / median}))


def main():
    corpus, megabytes, repeats = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
    lines, total = load_lines(corpus, int(megabytes * 1e6))
    tasks = {
        'normalize': lambda raw: len(normalize(raw)[0]),
        'normalize+syllable': lambda raw: len(syllable_tokens(*normalize(raw))),
        'normalize+jamo': lambda raw: len(jamo_tokens(*normalize(raw))),
    }
    for name, work in tasks.items():
        measure('python-unicodedata', name, lines, total, repeats, work)


if __name__ == '__main__':
    main()
