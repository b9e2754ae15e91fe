#!/usr/bin/env python3
"""Repair accuracy of `rinse fix` beside ftfy, on the repair corpus.

    python3 scripts/make-repair-corpus.py --big 200   # optional: a larger corpus
    python3 scripts/repair-compare.py [--rinse target/release/rinse] [--big] [--no-ftfy]

Reads tests/data/repair/ (or, with --big, $TMPDIR/rinse-repair-big/ written by
make-repair-corpus.py --big) and prints, per damage kind, the share of lines
each tool restores exactly, leaves unchanged, restores but for U+FFFD (every
U+FFFD standing for one or two lost characters, nothing else wrong) and gets
wrong (anything else: a character that is not the original's). Then: clean
words changed (lower, Title, UPPER; normalisations off), and raw bytes decoded
to the right text per encoding (rinse only).

ftfy is 6.3.1's `fix_text` with the options that change clean text turned off
(`uncurl_quotes`, `fix_latin_ligatures`, `fix_character_width`), one line at a
time. Needs `pip install ftfy==6.3.1` unless --no-ftfy.
"""
import argparse
import collections
import json
import os
import re
import subprocess
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FFFD = "\ufffd"


def run_rinse(binary, lines, extra=()):
    """`rinse fix` over `lines` (one document, one line each)."""
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", suffix=".txt", delete=False) as f:
        f.write("\n".join(lines))
        path = f.name
    try:
        out = subprocess.run([binary, "fix", *extra, path], check=True, capture_output=True).stdout
    finally:
        os.unlink(path)
    got = out.decode("utf-8").split("\n")
    assert len(got) == len(lines), (len(got), len(lines))
    return got


def run_ftfy(lines):
    import ftfy

    cfg = ftfy.TextFixerConfig(uncurl_quotes=False, fix_latin_ligatures=False,
                               fix_character_width=False)
    return [ftfy.fix_text(s, cfg) for s in lines]


def judge(inp, want, got):
    if got == want:
        return "exact"
    if got == inp:
        return "unchanged"
    if FFFD in got:
        pat = "".join(".{1,2}" if c == FFFD else re.escape(c) for c in got)
        if re.fullmatch(pat, want, flags=re.S):
            return "fffd"
    return "wrong"


def kind_group(kind):
    return kind


def table(cases, outputs, tools):
    by_kind = collections.defaultdict(list)
    for i, c in enumerate(cases):
        by_kind[c["kind"]].append(i)
    head = "| kind | lines | " + " | ".join(
        f"{t} exact | {t} wrong" for t in tools) + " |"
    print(head)
    print("|" + "---|" * (2 + 2 * len(tools)))
    totals = {t: collections.Counter() for t in tools}
    for kind in sorted(by_kind):
        idx = by_kind[kind]
        cells = []
        for t in tools:
            cnt = collections.Counter(
                judge(cases[i]["input"], cases[i]["want"], outputs[t][i]) for i in idx)
            totals[t].update(cnt)
            n = len(idx)
            cells.append(f"{100 * cnt['exact'] / n:.1f} %")
            cells.append(f"{100 * cnt['wrong'] / n:.1f} %")
        print(f"| {kind} | {len(idx)} | " + " | ".join(cells) + " |")
    n = len(cases)
    for t in tools:
        c = totals[t]
        print(f"{t}: {n} lines: exact {c['exact']}, U+FFFD left {c['fffd']}, "
              f"unchanged {c['unchanged']}, wrong {c['wrong']}")


def wrong_examples(cases, got, kinds, k=8):
    shown = collections.Counter()
    for c, g in zip(cases, got):
        if c["kind"] in kinds and judge(c["input"], c["want"], g) == "wrong" and shown[c["kind"]] < k:
            shown[c["kind"]] += 1
            print(f"  {c['kind']} [{c['lang']}] {c['input']!r} -> {g!r} (want {c['want']!r})")


def clean_words(binary, words_dir, use_ftfy):
    lines, langs = [], []
    for p in sorted(words_dir.glob("*.txt")):
        for w in p.read_text(encoding="utf-8").split("\n"):
            if w:
                for v in (w, w[:1].upper() + w[1:], w.upper()):
                    lines.append(v)
                    langs.append(p.stem)
    off = ["--disable", "repair.nbsp", "--disable", "repair.invisible", "--no-guess"]
    got = run_rinse(binary, lines, off)
    changed = [(l, s, g) for l, s, g in zip(langs, lines, got) if s != g]
    print(f"clean words (lower, Title, UPPER): {len(lines)}; rinse changed {len(changed)}")
    for l, s, g in changed[:40]:
        print(f"  [{l}] {s!r} -> {g!r}")
    if use_ftfy:
        fg = run_ftfy(lines)
        fchanged = sum(1 for s, g in zip(lines, fg) if s != g)
        print(f"  ftfy changed {fchanged}")


def raw_bytes(binary, path):
    rows = [json.loads(l) for l in open(path, encoding="utf-8")]
    per = collections.defaultdict(collections.Counter)
    bad = []
    with tempfile.TemporaryDirectory() as d:
        for r in rows:
            f = Path(d) / "in.bin"
            f.write_bytes(bytes.fromhex(r["hex"]))
            p = subprocess.run([binary, "fix", "--disable", "repair.nbsp", str(f)],
                               capture_output=True)
            want = "\n".join(l.rstrip() for l in r["want"].split("\n"))
            ok = p.returncode == 0 and p.stdout.decode("utf-8", "replace") == want
            per[(r["encoding"], r["kind"])][ok] += 1
            if not ok and len(bad) < 12:
                bad.append((r["encoding"], r["lang"], r["want"][:40],
                            p.stdout.decode("utf-8", "replace")[:40] or p.stderr.decode()[:80]))
    print("| encoding | documents right | single lines right |")
    print("|---|---|---|")
    for enc in sorted({e for e, _ in per}):
        d, l = per[(enc, "bytes-doc")], per[(enc, "bytes-line")]
        print(f"| {enc} | {d[True]} / {d[True] + d[False]} | {l[True]} / {l[True] + l[False]} |")
    for b in bad:
        print("  ", b)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rinse", default=str(ROOT / "target" / "release" / "rinse"))
    ap.add_argument("--big", action="store_true")
    ap.add_argument("--no-ftfy", action="store_true")
    ap.add_argument("--examples", default="", help="comma-separated kinds to show wrong lines of")
    args = ap.parse_args()
    data = (Path(os.environ.get("TMPDIR", "/tmp")) / "rinse-repair-big") if args.big \
        else ROOT / "tests" / "data" / "repair"
    cases = [json.loads(l) for l in open(data / "cases.jsonl", encoding="utf-8")]
    inputs = [c["input"] for c in cases]
    outputs = {"rinse": run_rinse(args.rinse, inputs)}
    tools = ["rinse"]
    if not args.no_ftfy:
        outputs["ftfy"] = run_ftfy(inputs)
        tools.append("ftfy")
    table(cases, outputs, tools)
    if args.examples:
        wrong_examples(cases, outputs["rinse"], set(args.examples.split(",")))
    clean_words(args.rinse, data / "words", not args.no_ftfy)
    if not args.big:
        raw_bytes(args.rinse, data / "bytes.jsonl")


if __name__ == "__main__":
    main()
