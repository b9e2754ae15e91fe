#!/usr/bin/env python3
"""Builds a deterministic benchmark corpus from the shipped samples.

    scripts/make-corpus.py OUT_DIR [--mb 500] [--files 50000] [--jsonl-mb 0]

Each document is assembled from the lines of the samples in samples/*.txt:
a headline, body paragraphs drawn from several samples (shuffled with a fixed
seed, lightly varied so that no two documents are identical), and the
boilerplate lines the samples carry (promos, related lists, trailers). A few
documents get damage (mojibake, U+FFFD, entities) as scraped text does.
With --jsonl-mb N it also writes OUT_DIR.jsonl, a single JSONL file of about
N MB with the same kind of documents in its `text` field.
"""
import argparse
import json
import os
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def load_lines():
    samples = sorted((ROOT / "samples").glob("*.txt"))
    if not samples:
        sys.exit("no samples/*.txt found")
    prose, short = [], []
    for p in samples:
        for line in p.read_text(encoding="utf-8", errors="replace").splitlines():
            line = line.strip()
            if not line:
                continue
            (prose if len(line.split()) >= 12 else short).append(line)
    return prose, short


DAMAGE = [
    ("é", "Ã©"), ("’", "â€™"), ("—", "â€”"), (" ", "\ufffd"), ("&", "&amp;"),
]


def document(rng, prose, short, target_bytes):
    out = [rng.choice(short), ""]
    size = 0
    while size < target_bytes:
        line = rng.choice(prose)
        words = line.split()
        # Vary the text: rotate a few words so that documents differ.
        k = rng.randrange(len(words))
        if rng.random() < 0.5:
            words[k] = words[k].upper() if rng.random() < 0.1 else words[k]
        line = " ".join(words)
        if rng.random() < 0.02:
            a, b = rng.choice(DAMAGE)
            line = line.replace(a, b, 1)
        out.append(line)
        out.append("")
        size += len(line) + 2
    for _ in range(rng.randrange(3, 12)):
        out.append(rng.choice(short))
    return "\n".join(out) + "\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--mb", type=float, default=500)
    ap.add_argument("--files", type=int, default=50000)
    ap.add_argument("--jsonl-mb", type=float, default=0)
    ap.add_argument("--seed", type=int, default=20261127)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    prose, short = load_lines()
    out = Path(a.out)
    per_file = int(a.mb * 1e6 / max(a.files, 1))
    total = 0
    for i in range(a.files):
        sub = out / f"{i // 1000:03d}"
        if i % 1000 == 0:
            sub.mkdir(parents=True, exist_ok=True)
        doc = document(rng, prose, short, int(per_file * rng.uniform(0.3, 1.7)))
        data = doc.encode("utf-8")
        (sub / f"doc{i:06d}.txt").write_bytes(data)
        total += len(data)
    print(f"{out}: {a.files} files, {total / 1e6:.1f} MB")
    if a.jsonl_mb:
        path = Path(str(out).rstrip("/") + ".jsonl")
        total = 0
        n = 0
        with open(path, "w", encoding="utf-8") as f:
            while total < a.jsonl_mb * 1e6:
                doc = document(rng, prose, short, int(rng.uniform(2000, 16000)))
                line = json.dumps({"id": f"j{n}", "url": "https://example.com/a", "text": doc}, ensure_ascii=False)
                f.write(line + "\n")
                total += len(line) + 1
                n += 1
        print(f"{path}: {n} documents, {total / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
