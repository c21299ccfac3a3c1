#!/usr/bin/env python3
"""Proves KorQA's checkpoints are standard safetensors: loads one with the `safetensors` package
and prints each tensor's name, dtype and shape, and the metadata."""
import sys

from safetensors import safe_open

path = sys.argv[1]
with safe_open(path, framework='numpy') as f:
    print('metadata:', f.metadata())
    for name in f.keys():
        t = f.get_tensor(name)
        print(f'{name}: {t.dtype} {list(t.shape)} mean {float(t.mean()):+.5f}')
