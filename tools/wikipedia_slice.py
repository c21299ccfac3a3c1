#!/usr/bin/env python3
"""The bundled Korean Wikipedia slice (resources/wikipedia-ko): the articles of the Wikipedia
shards that other articles mention most, up to a size budget.

Rule: an article's rank is the number of OTHER articles whose text mentions its title (the
title without a parenthesized qualifier, at least two syllables, as a word or a word followed by
a particle of at most two syllables). Articles of KorQuAD dev or TyDi QA (titles compared with
underscores read as spaces, trimmed, lower-cased) and articles under 300 characters are left
out, and so are titles that start with a digit (years, dates, numbers: calendar and list pages
that every article mentions). Each article keeps its first lines up to --max-chars characters
(the lead and first sections, where most facts are), cut at a line end. Best-ranked first (ties:
shorter title, then title) until the JSON lines file reaches the budget. Deterministic.

usage: wikipedia_slice.py KOWIKI_DIR OUT.jsonl --exclude-titles-of FILE.json ... [--budget-mb 12]
"""
import argparse, glob, json, os, re, sys
from collections import defaultdict

def title_key(title):
    return title.replace("_", " ").strip().lower()

def articles(folder):
    for path in sorted(glob.glob(os.path.join(folder, "**", "wiki_*"), recursive=True)):
        text = open(path, encoding="utf-8", errors="replace").read()
        for m in re.finditer(r'<doc id="([^"]*)" url="([^"]*)" title="([^"]*)">\n(.*?)</doc>', text, re.S):
            lines = [l for l in m.group(4).split("\n") if l.strip()]
            if lines and lines[0].strip() == m.group(3).strip():
                lines = lines[1:]  # WikiExtractor repeats the title as the first line
            yield {"title": m.group(3), "url": m.group(2), "text": "\n".join(lines)}

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus"); ap.add_argument("out")
    ap.add_argument("--exclude-titles-of", action="append", default=[])
    ap.add_argument("--budget-mb", type=float, default=12.0)
    ap.add_argument("--min-chars", type=int, default=300)
    ap.add_argument("--max-chars", type=int, default=2000)
    ap.add_argument("--report", action="append", default=[], help="print the rank of this title")
    args = ap.parse_args()
    excluded = set()
    for f in args.exclude_titles_of:
        excluded |= {title_key(a["title"]) for a in json.load(open(f, encoding="utf-8"))["data"]}
    docs = [a for a in articles(args.corpus) if title_key(a["title"]) not in excluded]
    # Mention keys: the title without "(…)", when it has at least two Hangul/Latin letters.
    def mention_key(title):
        return re.sub(r"\s*\(.*?\)\s*", " ", title).strip()
    by_key = defaultdict(list)
    for i, a in enumerate(docs):
        k = mention_key(a["title"])
        if len(re.sub(r"\W", "", k)) >= 2 and not k[0].isdigit():
            by_key[k].append(i)
    max_words = max(len(k.split()) for k in by_key)
    mentions = defaultdict(set)  # key -> articles mentioning it
    for i, a in enumerate(docs):
        words = a["text"].split()
        for start in range(len(words)):
            for n in range(1, min(max_words, 4) + 1):
                if start + n > len(words): break
                phrase = " ".join(words[start:start + n])
                phrase = re.sub(r"[^\w]+$", "", phrase)
                for cut in (0, 1, 2):  # the word itself, or with a particle of 1-2 syllables
                    candidate = phrase[:-cut] if cut else phrase
                    if candidate in by_key:
                        mentions[candidate].add(i)
    rank = []
    for k, ids in by_key.items():
        for i in ids:
            others = len(mentions.get(k, set()) - {i})
            rank.append((-others, len(k), docs[i]["title"], i))
    rank.sort()
    for position, (neg, _, title, _) in enumerate(rank):
        if title in args.report: print(f"{title}: rank {position + 1}, mentioned by {-neg} other articles", file=sys.stderr)
    budget = int(args.budget_mb * 1024 * 1024)
    out, size, chosen = [], 0, 0
    for neg, _, title, i in rank:
        a = docs[i]
        if len(a["text"]) < args.min_chars: continue
        text = a["text"]
        if len(text) > args.max_chars:
            cut = text.rfind("\n", 0, args.max_chars)
            text = text[:cut if cut > 0 else args.max_chars]
        line = json.dumps({"title": a["title"], "url": a["url"], "text": text}, ensure_ascii=False) + "\n"
        if size + len(line.encode("utf-8")) > budget: break
        out.append((a["title"], line)); size += len(line.encode("utf-8")); chosen += 1
        last_mentions = -neg
    out.sort()
    with open(args.out + ".tmp", "w", encoding="utf-8") as f:
        for _, line in out: f.write(line)
    os.replace(args.out + ".tmp", args.out)
    print(f"{chosen} articles ({size / 1e6:.1f} MB) of {len(docs)} (after excluding {len(excluded)} evaluation titles); "
          f"the least-mentioned chosen is mentioned by {last_mentions} other articles", file=sys.stderr)

if __name__ == "__main__":
    main()
