#!/usr/bin/env python3
"""Builds the repair test corpus in tests/data/repair/ (deterministic).

    pip install wordfreq==3.1.1
    python3 scripts/make-repair-corpus.py [--big N]

Inputs: tests/data/repair/sentences.tsv (sentences written for rinse, in 30
languages) and the word lists of the `wordfreq` package (CC BY-SA 4.0, see
tests/data/repair/NOTICE-wordfreq).

Outputs (checked in, small):
- words/LANG.txt: for each of wordfreq's languages, its most frequent words that
  have a letter outside ASCII (up to 150), one a line. Clean words: repair must
  leave them alone in lower, Title and UPPER case (tests/repair_corpus.rs).
- cases.jsonl: one damaged line a line, `{"kind", "lang", "input", "want"}`, made
  from the sentences and from lines of frequent words (`salad`): whole lines of
  UTF-8 read through each code page (`mojibake:PAGE`), one word of a clean line
  (`inline:PAGE`), lines with a single non-ASCII letter (`single:PAGE`), lossy
  windows-1252 (`lossy-cp1252`: bytes windows-1252 leaves undefined became U+FFFD),
  every non-ASCII letter lost (`fffd-letters`), punctuation lost (`fffd-apostrophe`,
  `fffd-quotes`, `fffd-dash`, `fffd-space`), Western text read as ISO-8859-2
  (`latin2-western`), and mojibake ending in a no-break space (`trailing-nbsp`).
- bytes.jsonl: `{"kind": "bytes", "encoding", "lang", "hex", "want"}`: the
  sentences of each language as one short document (and each sentence alone)
  encoded without BOM in UTF-16LE/BE and in the language's legacy encodings.

With `--big N` it writes a larger corpus of the same kinds (N lines of frequent
words per language) to $TMPDIR/rinse-repair-big/ for scripts/repair-compare.py
instead, and leaves the checked-in files alone.
"""
import argparse
import json
import os
import random
import unicodedata
from pathlib import Path

from wordfreq import top_n_list

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "data" / "repair"

# wordfreq's languages (wordlist "best").
LANGS = [
    "ar", "bg", "bn", "ca", "cs", "da", "de", "el", "en", "es", "fa", "fi", "fil",
    "fr", "he", "hi", "hu", "id", "is", "it", "ja", "ko", "lt", "lv", "mk", "ms",
    "nb", "nl", "pl", "pt", "ro", "ru", "sh", "sk", "sl", "sv", "ta", "tr", "uk",
    "ur", "vi", "zh",
]
# Whole-line code pages: every page rinse undoes, and the ones ftfy does.
PAGES = [
    "cp1252", "latin-1", "cp1250", "cp1251", "cp1253", "cp1254", "cp1257",
    "iso-8859-2", "mac_roman", "cp437",
]
# The legacy page of a language, for words damaged inside clean lines.
LANG_PAGE = {
    "pl": "cp1250", "cs": "cp1250", "sk": "cp1250", "hu": "cp1250", "ro": "cp1250",
    "hr": "cp1250", "sl": "cp1250", "sh": "cp1250", "tr": "cp1254", "lt": "cp1257",
    "lv": "cp1257", "ru": "cp1251", "uk": "cp1251", "bg": "cp1251", "mk": "cp1251",
    "el": "cp1253",
}
WESTERN = ["en", "fr", "de", "es", "pt", "it", "nl", "sv", "da", "nb", "fi", "is", "ca"]
# Raw-byte encodings per language (besides UTF-16LE/BE without BOM for all).
LEGACY = {
    "western": ["windows-1252"],
    "pl": ["windows-1250", "iso-8859-2"], "cs": ["windows-1250", "iso-8859-2"],
    "sk": ["windows-1250", "iso-8859-2"], "hu": ["windows-1250", "iso-8859-2"],
    "ro": ["iso-8859-16"], "hr": ["windows-1250"], "sl": ["windows-1250"],
    "tr": ["windows-1254"], "lt": ["windows-1257"], "lv": ["windows-1257"],
    "ru": ["windows-1251", "koi8-r"], "uk": ["windows-1251"], "bg": ["windows-1251"],
    "el": ["windows-1253", "iso-8859-7"], "ar": ["windows-1256"],
    "he": ["windows-1255"], "ja": ["shift_jis", "euc-jp"], "zh": ["gbk", "big5"],
    "ko": ["euc-kr"], "vi": ["windows-1258"],
}


def non_ascii_letters(w):
    return [c for c in w if not c.isascii() and c.isalpha()]


def latin(w):
    return all(c.isascii() or "LATIN" in unicodedata.name(c, "") for c in w if c.isalpha())


def sentences():
    out = []
    for line in (OUT / "sentences.tsv").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            lang, s = line.split("\t", 1)
            out.append((lang, s))
    return out


def words_of(lang, n):
    """The `n` most frequent words of `lang` with a non-ASCII letter, as wordfreq
    gives them (lowercase, NFC)."""
    out = []
    for w in top_n_list(lang, 50000, wordlist="best"):
        if non_ascii_letters(w) and w.isalpha() and len(w) > 1:
            out.append(unicodedata.normalize("NFC", w))
            if len(out) == n:
                break
    return out


def plain_words(lang, n):
    return [w for w in top_n_list(lang, n, wordlist="best") if w.isalpha()]


def salad(rng, lang, lines, size=8):
    """Lines of frequent words of `lang` (`size` words each, first capitalised)."""
    pool = plain_words(lang, 3000)
    out = []
    for _ in range(lines):
        ws = rng.sample(pool, min(size, len(pool)))
        ws[0] = ws[0][:1].upper() + ws[0][1:]
        out.append(" ".join(ws) + ".")
    return out


def moji(s, page):
    try:
        out = s.encode("utf-8").decode(page)
    except UnicodeDecodeError:
        return None
    return out if out != s else None


def cases(rng, sents, salad_lines, per_lang):
    out = []

    def add(kind, lang, inp, want):
        if inp is not None and inp != want:
            out.append({"kind": kind, "lang": lang, "input": inp, "want": want})

    lines = list(sents)
    for lang in LANGS:
        lines += [(lang, s) for s in salad(rng, lang, salad_lines)]
    for lang, s in lines:
        for page in PAGES:
            add(f"mojibake:{page}", lang, moji(s, page), s)
        add("mojibake:cp1252x2", lang, moji(moji(s, "cp1252") or "", "cp1252"), s)
        lossy = s.encode("utf-8").decode("cp1252", errors="replace")
        if "\ufffd" in lossy:
            add("lossy-cp1252", lang, lossy, s)
        lost = "".join("\ufffd" if not c.isascii() and c.isalpha() else c for c in s)
        add("fffd-letters", lang, lost, s)
        if lang in WESTERN:
            add("latin2-western", lang, moji(s, "iso-8859-2"), s)
        # One word damaged inside an otherwise clean line.
        toks = s.split(" ")
        damaged = [i for i, t in enumerate(toks) if non_ascii_letters(t)]
        rng.shuffle(damaged)
        for i in damaged[:2]:
            for page in sorted({"cp1252", LANG_PAGE.get(lang, "cp1252")}):
                bad = moji(toks[i], page)
                if bad is not None:
                    add(f"inline:{page}", lang, " ".join(toks[:i] + [bad] + toks[i + 1:]), s)
    # Frequent words damaged among clean ones: `clean damaged clean`.
    for lang in LANGS:
        if lang not in LANG_PAGE and lang not in WESTERN:
            continue
        ws = words_of(lang, 3 * per_lang + 3)
        for k in range(0, min(len(ws), 3 * per_lang), 3):
            a, b, c = ws[k:k + 3] if k + 3 <= len(ws) else (ws[k], ws[k], ws[k])
            for page in sorted({"cp1252", LANG_PAGE.get(lang, "cp1252")}):
                bad = moji(b, page)
                if bad is not None:
                    add(f"inline:{page}", lang, f"{a} {bad} {c}", f"{a} {b} {c}")
    # A single non-ASCII letter in an ASCII line.
    for lang in WESTERN + [l for l in LANG_PAGE if latin(words_of(l, 1)[0])]:
        ascii_words = [w for w in plain_words(lang, 400) if w.isascii()]
        ones = [w for w in words_of(lang, 600) if len(non_ascii_letters(w)) == 1 and latin(w)]
        for w in ones[:per_lang]:
            frame = rng.sample(ascii_words, 4)
            line = " ".join(frame[:2] + [w] + frame[2:])
            line = line[:1].upper() + line[1:]
            for page in ["mac_roman", "cp437", "cp1250", "cp1252"]:
                add(f"single:{page}", lang, moji(line, page), line)
    # Punctuation lost to U+FFFD.
    for lang, s in sents:
        add("fffd-apostrophe", lang, s.replace("’", "\ufffd"), s)
        add("fffd-quotes", lang, s.replace("“", "\ufffd").replace("”", "\ufffd"), s)
        add("fffd-dash", lang, s.replace("–", "\ufffd"), s)
        toks = s.split(" ")
        for i, t in enumerate(toks[:-1]):
            if len(t) >= 2 and t.isupper() and t.isalpha() and toks[i + 1].islower():
                add("fffd-space", lang, " ".join(toks[:i]) + (" " if i else "") + t + "\ufffd" + " ".join(toks[i + 1:]), s)
    # Mojibake that ends in a no-break space (`à`) or a soft hyphen (`í`).
    for lang in ["it", "fr", "pt", "es", "ca"]:
        pool = plain_words(lang, 2000)
        ends = [w for w in words_of(lang, 3000) if w[-1] in "àí"]
        for w in ends[:per_lang]:
            line = " ".join(rng.sample(pool, 3) + [w])
            add("trailing-nbsp", lang, moji(line, "cp1252"), line)
    return out


def raw_bytes(sents):
    out = []
    by_lang = {}
    for lang, s in sents:
        by_lang.setdefault(lang, []).append(s)
    for lang, ss in by_lang.items():
        encs = ["utf-16le", "utf-16be"] + LEGACY.get("western" if lang in WESTERN else lang, [])
        for enc in encs:
            for what, text in [("doc", "\n".join(ss) + "\n")] + [("line", s) for s in ss]:
                try:
                    b = text.encode(enc)
                except UnicodeEncodeError:
                    continue
                if b.isascii():
                    continue
                out.append({"kind": f"bytes-{what}", "encoding": enc, "lang": lang,
                            "hex": b.hex(), "want": text})
    return out


def write_jsonl(path, rows):
    with open(path, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--big", type=int, default=0, help="lines of frequent words per language")
    args = ap.parse_args()
    rng = random.Random(15)
    sents = sentences()
    if args.big:
        big = Path(os.environ.get("TMPDIR", "/tmp")) / "rinse-repair-big"
        big.mkdir(exist_ok=True)
        write_jsonl(big / "cases.jsonl", cases(rng, sents, args.big, 200))
        (big / "words").mkdir(exist_ok=True)
        for lang in LANGS:
            ws = [unicodedata.normalize("NFC", w) for w in top_n_list(lang, 30000, wordlist="best")
                  if w.isalpha() and not w.isascii()]
            (big / "words" / f"{lang}.txt").write_text("\n".join(ws) + "\n", encoding="utf-8")
        print(f"wrote {big}")
        return
    (OUT / "words").mkdir(exist_ok=True)
    for lang in LANGS:
        (OUT / "words" / f"{lang}.txt").write_text("\n".join(words_of(lang, 150)) + "\n",
                                                    encoding="utf-8")
    write_jsonl(OUT / "cases.jsonl", cases(rng, sents, 3, 12))
    write_jsonl(OUT / "bytes.jsonl", raw_bytes(sents))


if __name__ == "__main__":
    main()
