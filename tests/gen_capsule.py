#!/usr/bin/env python3
"""Generates a synthetic capsule for benchmarks: N articles of mixed sizes
around the seed article's (headings, paragraphs, lists, quotes, links,
some non-ASCII) plus a resource directory. Deterministic for a given N.

Words follow Zipf's law over the seed article's own vocabulary plus a
few topic words, as real text does: a handful of words are everywhere,
most are rare. (Drawing uniformly from a few dozen words would put every
word in every article dozens of times, which no real capsule does and
which makes every phrase query a worst case.)

usage: gen_capsule.py N DIR
"""
import os
import random
import re
import sys

WORDS = ("recovery support community peer group meeting helpline treatment "
         "family friend trust healing belonging sober journey counsel "
         "strength hope daily routine relapse prevention care naloxone "
         "harm reduction outreach volunteer mentor sponsor step program "
         "café naïve résumé coöperate").split()


SEED = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                    "capsule", "articles", "belonging-heals.txt")


def vocabulary():
    """The seed's words by falling frequency, then the topic words, with
    cumulative Zipf weights (rank r drawn with weight 1/r)."""
    with open(SEED, encoding="utf-8") as f:
        text = f.read().lower()
    counts = {}
    for w in re.findall(r"[a-z][a-z'-]*[a-z]|[a-z]", text):
        counts[w] = counts.get(w, 0) + 1
    vocab = sorted(counts, key=lambda w: (-counts[w], w))
    vocab += [w for w in WORDS if w not in counts]
    cum, total = [], 0.0
    for rank in range(1, len(vocab) + 1):
        total += 1.0 / rank
        cum.append(total)
    return vocab, cum


VOCAB, CUM = vocabulary()


def pick(rng, n):
    return rng.choices(VOCAB, cum_weights=CUM, k=n)


def sentence(rng, n):
    w = pick(rng, n)
    w[0] = w[0].capitalize()
    return " ".join(w) + rng.choice(".!?.")


def paragraph(rng):
    text = " ".join(sentence(rng, rng.randint(8, 20))
                    for _ in range(rng.randint(2, 6)))
    # Hard-wrap some paragraphs, as scrapers do.
    if rng.random() < 0.5:
        out, line = [], ""
        for w in text.split():
            if len(line) + len(w) > 72:
                out.append(line)
                line = w
            else:
                line = (line + " " + w).strip()
        out.append(line)
        text = "\n".join(out)
    return text


def article(rng, i):
    title = " ".join(pick(rng, rng.randint(3, 7)))
    title = title.title()
    parts = ["Title: %s" % title,
             "Date: 20%02d-%02d-%02d" % (rng.randint(10, 25),
                                         rng.randint(1, 12),
                                         rng.randint(1, 28)),
             "Tags: recovery, synthetic", "", title.upper(), ""]
    size = int(rng.lognormvariate(8.6, 0.5))   # around the seed's 6 KB
    body = 0
    while body < size:
        r = rng.random()
        if r < 0.12:
            block = " ".join(pick(rng, rng.randint(3, 8))).title()
        elif r < 0.2:
            block = "\n".join("- " + sentence(rng, rng.randint(4, 10))
                              for _ in range(rng.randint(2, 5)))
        elif r < 0.25:
            block = "> " + sentence(rng, 12)
        elif r < 0.3:
            block = paragraph(rng) + " See https://example.org/%d/%d." % (
                i, body)
        else:
            block = paragraph(rng)
        parts.append(block)
        parts.append("")
        body += len(block)
    return "\n".join(parts)


def resources(n):
    cats = ["Crisis lines", "National helplines", "Treatment locators",
            "Mutual-aid fellowships", "Support for families"]
    out = []
    for i in range(n):
        out.append("[res-%d]\nname = Resource %d\ncategory = %s\n"
                   "description = A synthetic resource for benchmarks.\n"
                   "url = https://example.org/r/%d\nregion = Synthetic\n"
                   % (i, i, cats[i % len(cats)], i))
    return "\n".join(out)


def main():
    n, root = int(sys.argv[1]), sys.argv[2]
    rng = random.Random(1965)
    arts = os.path.join(root, "articles")
    os.makedirs(arts, exist_ok=True)
    os.makedirs(os.path.join(root, "static"), exist_ok=True)
    for i in range(n):
        with open(os.path.join(arts, "article-%05d.txt" % i), "w") as f:
            f.write(article(rng, i))
    with open(os.path.join(root, "resources.ini"), "w") as f:
        f.write(resources(max(20, n // 100)))


if __name__ == "__main__":
    main()
