#!/usr/bin/env python3
"""The Korean jamo packages Python users reach for (`jamo`, `hgtk`), timed on the same lines.

Per line: UTF-8 decode, NFKC of the line (unicodedata), then jamo tokens with offsets: each
character is decomposed with the package and every jamo carries the character's [i, i+1).
These packages have no offset map of their own, so this is the cheapest way to get offsets
from them.
"""
import sys
import unicodedata

import hgtk
import jamo

from text_peer import load_lines, measure


def jamo_package(raw):
    text = unicodedata.normalize('NFKC', raw.decode('utf-8', errors='replace'))
    return len([(j, i, i + 1) for i, ch in enumerate(text) if not ch.isspace() for j in jamo.h2j(ch)])


def hgtk_package(raw):
    text = unicodedata.normalize('NFKC', raw.decode('utf-8', errors='replace'))
    return len([(j, i, i + 1) for i, ch in enumerate(text) if not ch.isspace()
                for j in hgtk.text.decompose(ch).replace(hgtk.text.DEFAULT_COMPOSE_CODE, '')])


def main():
    corpus, megabytes, repeats = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
    lines, total = load_lines(corpus, int(megabytes * 1e6))
    for name, work in (('jamo', jamo_package), ('hgtk', hgtk_package)):
        measure(name, 'normalize+jamo', lines, total, repeats, work)


if __name__ == '__main__':
    main()
