#!/usr/bin/env python3
"""Builds the inputs of the `rinse fix` throughput figures (deterministic).

    python3 scripts/make-fix-bench.py [OUT_DIR] [--mb 50]

Writes four files of about 50 MB to OUT_DIR (default $TMPDIR/rinse-fix-bench):
- clean-en.txt: samples/reuters-azerbaijan.txt made typographic (curly quotes
  and apostrophes, as `cargo bench --bench repair` does) and repeated;
- damaged-en.txt: the same with 2 % of its sentences (". " ends one) turned
  into mojibake, their UTF-8 bytes read as windows-1252 as a browser does
  (undefined bytes as C1 controls), chosen among the sentences with a
  non-ASCII character by a fixed-seed generator;
- clean-multi.txt: tests/data/repair/sentences.tsv (30 languages), the
  sentences repeated;
- damaged-multi.txt: the same with 2 % of its lines damaged the same way.

Then time the binary on each, for example with
`/usr/bin/time -v target/release/rinse fix OUT_DIR/damaged-en.txt > /dev/null`.
"""
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def typographic(s):
    out, open_q = [], True
    for i, c in enumerate(s):
        if c == '"':
            out.append("“" if open_q else "”")
            open_q = not open_q
        elif c == "'":
            out.append("’" if i > 0 and s[i - 1].isalnum() else "‘")
        elif c == "\n":
            open_q = True
            out.append(c)
        else:
            out.append(c)
    return "".join(out)


def cp1252(s):
    """UTF-8 bytes read as windows-1252, undefined bytes as C1 controls."""
    out = []
    for b in s.encode("utf-8"):
        try:
            out.append(bytes([b]).decode("cp1252"))
        except UnicodeDecodeError:
            out.append(chr(b))
    return "".join(out)


def damage(pieces, rng):
    """2 % of all pieces, chosen among those with a non-ASCII character."""
    non_ascii = sum(1 for p in pieces if not p.isascii())
    rate = 0.02 * len(pieces) / max(non_ascii, 1)
    return "".join(cp1252(p) if not p.isascii() and rng.random() < rate else p for p in pieces)


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    mb = 50
    if "--mb" in sys.argv:
        mb = int(sys.argv[sys.argv.index("--mb") + 1])
        args = [a for a in args if a != str(mb)]
    import os
    out = Path(args[0]) if args else Path(os.environ.get("TMPDIR", "/tmp")) / "rinse-fix-bench"
    out.mkdir(parents=True, exist_ok=True)
    size = mb * 1_000_000
    rng = random.Random(42)

    sample = typographic((ROOT / "samples" / "reuters-azerbaijan.txt").read_text(encoding="utf-8"))
    reps = size // len(sample.encode("utf-8")) + 1
    clean = (sample + "\n") * reps
    (out / "clean-en.txt").write_text(clean, encoding="utf-8")
    sentences = [s for s in clean.split(". ")]
    pieces = [s + ". " for s in sentences[:-1]] + [sentences[-1]]
    (out / "damaged-en.txt").write_text(damage(pieces, rng), encoding="utf-8")

    lines = []
    for line in (ROOT / "tests" / "data" / "repair" / "sentences.tsv").read_text(
            encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            lines.append(line.split("\t", 1)[1] + "\n")
    block = "".join(lines)
    reps = size // len(block.encode("utf-8")) + 1
    multi = lines * reps
    (out / "clean-multi.txt").write_text("".join(multi), encoding="utf-8")
    (out / "damaged-multi.txt").write_text(damage(multi, rng), encoding="utf-8")
    for name in ["clean-en", "damaged-en", "clean-multi", "damaged-multi"]:
        p = out / f"{name}.txt"
        print(f"{p}: {p.stat().st_size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
