#!/usr/bin/env python3
"""Scores the `title` of rinse's records against gold bodies that open with the headline.

The gold bodies of Dragnet and L3S-GN1 (the shared bench's `train.tar.gz`) start
with the article's headline, often followed by a byline or a date on the same
line. A record's title counts as *found* when its words (lower-cased, split at
anything that is not a letter or digit) stand in a row within the first 80
words of the gold body, and it has at least two words; *empty* when the title
is ""; *wrong* otherwise (a site name, a section name, a menu line, another
headline). aeb-dev's gold leaves the headline out and trafilatura's set has
snippets only, so neither can be scored this way.

Usage:
    scripts/eval-titles.py GOLD.jsonl RECORDS.jsonl [--half even|odd|all] [--show N]

`--half` keeps the pages at even or odd positions of the gold ids in byte
order (0, 2, 4… or 1, 3, 5…), the split the rules were mined on; `--show N`
prints N wrong or empty titles with the start of their gold body.
"""

import argparse
import json
import re
import sys

WORD = re.compile(r"\w+")
LEAD_WORDS = 80


def words(text):
    return WORD.findall(text.lower())


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("gold")
    ap.add_argument("records")
    ap.add_argument("--half", choices=["even", "odd", "all"], default="all")
    ap.add_argument("--show", type=int, default=0)
    args = ap.parse_args()

    gold = {}
    with open(args.gold, encoding="utf-8") as f:
        for line in f:
            g = json.loads(line)
            gold[g["id"]] = g["body"]
    ids = sorted(gold)
    keep = {
        gid
        for k, gid in enumerate(ids)
        if args.half == "all" or (k % 2 == 0) == (args.half == "even")
    }
    found = empty = total = 0
    misses = []
    with open(args.records, encoding="utf-8") as f:
        for line in f:
            rec = json.loads(line)
            gid = rec["id"].rsplit("/", 1)[-1]
            gid = gid[: -len(".txt")] if gid.endswith(".txt") else gid
            if gid not in keep or not gold[gid].strip():
                continue
            total += 1
            title = words(rec.get("title", ""))
            lead = " " + " ".join(words(gold[gid])[:LEAD_WORDS]) + " "
            if len(title) >= 2 and " " + " ".join(title) + " " in lead:
                found += 1
                continue
            empty += not title
            misses.append((gid, rec.get("title", ""), gold[gid][:90].replace("\n", " | ")))
    if total == 0:
        sys.exit("no record matches a gold id")
    wrong = total - found - empty
    print(
        f"pages {total}: title found {found} ({found / total:.1%}), "
        f"empty {empty} ({empty / total:.1%}), wrong {wrong} ({wrong / total:.1%})"
    )
    for gid, title, lead in misses[: args.show]:
        print(f"  {gid}: {title[:70]!r}  gold: {lead!r}")


if __name__ == "__main__":
    main()
