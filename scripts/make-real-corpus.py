#!/usr/bin/env python3
"""Builds a benchmark corpus from real scraped pages, repeated.

    scripts/make-real-corpus.py OUT_DIR PAGE_DIR... [--mb 512] [--files 50000] [--jsonl-mb 0]

Takes every *.txt under the PAGE_DIRs (sorted; for example the aeb-dev texts
and the unpacked train/*/text of ../shared/bench) and copies them, in turn,
into OUT_DIR/NNN/ until the folder holds at least --mb MB in at least --files
files. With --jsonl-mb N it also writes OUT_DIR.jsonl: the same pages as
{"id", "text"} records, repeated until the file is at least N MB. The pages
belong to their publishers: the corpus stays outside the repository.

    scripts/make-real-corpus.py OUT.jsonl PAGE_DIR... --doc-bytes N [--jsonl-mb 50]

writes only a JSONL file whose documents are N bytes of the pages' lines
(consecutive lines, cut at a line end once N is reached; the lines of one
page run on into the next), for cost against document size.
"""
import argparse
import json
import os
import sys
from pathlib import Path


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("pages", nargs="+")
    ap.add_argument("--mb", type=int, default=512)
    ap.add_argument("--files", type=int, default=50000)
    ap.add_argument("--jsonl-mb", type=int, default=0)
    ap.add_argument("--doc-bytes", type=int, default=0)
    a = ap.parse_args()
    paths = sorted(p for d in a.pages for p in Path(d).rglob("*.txt"))
    if not paths:
        sys.exit("no pages found")
    if a.doc_bytes:
        sized(a, paths)
        return
    pages = [(p.stem, p.read_bytes()) for p in paths]
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    size = n = 0
    while size < a.mb * 1_000_000 or n < a.files:
        name, data = pages[n % len(pages)]
        sub = out / f"{n // 1000:03d}"
        if n % 1000 == 0:
            sub.mkdir(exist_ok=True)
        (sub / f"{n:06d}-{name}.txt").write_bytes(data)
        size += len(data)
        n += 1
    print(f"{out}: {n} files, {size / 1e6:.0f} MB", file=sys.stderr)
    if a.jsonl_mb:
        size = n = 0
        with open(str(out).rstrip("/") + ".jsonl", "w", encoding="utf-8") as f:
            while size < a.jsonl_mb * 1_000_000:
                name, data = pages[n % len(pages)]
                line = json.dumps({"id": f"{n}-{name}",
                                   "text": data.decode("utf-8", "replace")},
                                  ensure_ascii=False) + "\n"
                f.write(line)
                size += len(line.encode("utf-8"))
                n += 1
        print(f"{out}.jsonl: {n} records, {size / 1e6:.0f} MB", file=sys.stderr)


def sized(a, paths):
    lines = []
    for p in paths:
        lines.extend(p.read_text(encoding="utf-8", errors="replace").splitlines())
    total = n = k = 0
    with open(a.out, "w", encoding="utf-8") as f:
        while total < (a.jsonl_mb or 50) * 1_000_000:
            doc, size = [], 0
            while size < a.doc_bytes:
                line = lines[k % len(lines)]
                k += 1
                doc.append(line)
                size += len(line.encode("utf-8")) + 1
            rec = json.dumps({"id": str(n), "text": "\n".join(doc)}, ensure_ascii=False) + "\n"
            f.write(rec)
            total += len(rec.encode("utf-8"))
            n += 1
    print(f"{a.out}: {n} documents, {total / 1e6:.0f} MB", file=sys.stderr)


if __name__ == "__main__":
    main()
