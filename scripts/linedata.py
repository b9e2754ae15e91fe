"""Line data for the line model: rows from `rinse features`, labels from gold bodies.

Used by `scripts/train_lines.py`. A page's lines are labelled by aligning them
with the page's gold body (aeb-dev, dragnet, l3s-gn1) or with its must-keep /
must-drop snippets (trafilatura's set):

* A line of three tokens or more is body when most of its token 3-grams occur
  in the gold body; those lines are anchors, with the gold position they match.
* A shorter line is body when its tokens occur in the gold body between the
  gold positions of the anchors around it (so that a menu's "News" above the
  article does not count because the word occurs somewhere in the story).
* With snippets, a line is body when it holds part of a must-keep snippet and
  boilerplate when it holds part of a must-drop one; other lines are unlabelled
  (weight 0).
"""
import json
import re
import unicodedata
from bisect import bisect_left
from collections import Counter, defaultdict

import numpy as np

TOKEN = re.compile(r"\w+", re.UNICODE)
WS = re.compile(r"\s+")


def tokens(text):
    return TOKEN.findall((text or "").lower())


def norm(s):
    return WS.sub(" ", unicodedata.normalize("NFC", s or "")).strip()


def load_gold(path):
    out = {}
    with open(path, encoding="utf8") as f:
        for line in f:
            if line.strip():
                g = json.loads(line)
                out[str(g["id"])] = g
    return out


def doc_key(rec_id):
    k = str(rec_id).rsplit("/", 1)[-1]
    return k[:-4] if k.endswith(".txt") else k


def load_rows(path):
    """Yields (names, doc) from a `rinse features` file."""
    with open(path, encoding="utf8") as f:
        names = json.loads(f.readline())["names"]
        for line in f:
            yield names, json.loads(line)


def label_body(lines, body):
    """Labels (0/1) and weights of `lines` against the gold `body`."""
    g = tokens(body)
    grams = defaultdict(list)
    for i in range(len(g) - 2):
        grams[(g[i], g[i + 1], g[i + 2])].append(i)
    where = defaultdict(list)
    for i, t in enumerate(g):
        where[t].append(i)
    toks = [tokens(t) for t in lines]
    y = np.zeros(len(lines), dtype=np.float32)
    pos = [None] * len(lines)
    for k, lt in enumerate(toks):
        if len(lt) < 3:
            continue
        hits = []
        for i in range(len(lt) - 2):
            p = grams.get((lt[i], lt[i + 1], lt[i + 2]))
            if p:
                hits.append(p[0] if len(p) == 1 else p)
        n = len(lt) - 2
        if len(hits) / n >= 0.5:
            flat = [h if isinstance(h, int) else h[0] for h in hits]
            y[k] = 1.0
            pos[k] = int(np.median(flat))
    anchors = [(k, p) for k, p in enumerate(pos) if p is not None]
    anchor_lines = [k for k, _ in anchors]
    for k, lt in enumerate(toks):
        if pos[k] is not None or not lt or len(lt) >= 3 and y[k]:
            continue
        if len(lt) >= 3:
            # A longer line that did not reach the 3-gram share stays 0.
            continue
        # The gold region between the anchors around this line.
        j = bisect_left(anchor_lines, k)
        lo = anchors[j - 1][1] if j > 0 else 0
        hi = anchors[j][1] if j < len(anchors) else len(g)
        if j == 0 and anchors:
            lo = max(0, hi - 40)
        if j == len(anchors) and anchors:
            hi = min(len(g), lo + 60)
        lo, hi = lo - 5, hi + 5
        ps = where.get(lt[0], [])
        a = bisect_left(ps, lo)
        ok = False
        while a < len(ps) and ps[a] <= hi:
            s = ps[a]
            if g[s:s + len(lt)] == lt:
                ok = True
                break
            a += 1
        y[k] = 1.0 if ok else 0.0
    w = np.ones(len(lines), dtype=np.float32)
    return y, w


def label_snippets(lines, with_, without):
    """Labels and weights against must-keep / must-drop snippets."""
    normed = [norm(t) for t in lines]
    y = np.zeros(len(lines), dtype=np.float32)
    w = np.zeros(len(lines), dtype=np.float32)

    def mark(snippets, value):
        for s in snippets:
            s = norm(s)
            if len(s) < 4:
                continue
            for k, t in enumerate(normed):
                if not t:
                    continue
                if s in t or (len(t) >= 12 and t in s):
                    y[k] = value
                    w[k] = 1.0
    mark(without, 0.0)
    mark(with_, 1.0)
    return y, w


def load_source(rows_path, gold_path, source):
    """Every labelled page of a source: dicts with id, text, x, y, w, gold."""
    gold = load_gold(gold_path)
    docs = []
    names = None
    for names, d in load_rows(rows_path):
        key = doc_key(d["id"])
        g = gold.get(key)
        if g is None:
            continue
        x = np.asarray(d["x"], dtype=np.float32).reshape(-1, len(names))
        if g.get("body") is not None:
            y, w = label_body(d["text"], g["body"])
        else:
            y, w = label_snippets(d["text"], g.get("with", []), g.get("without", []))
        # Lines that rules, the headline or a related list decide are never
        # the model's to decide: no weight in training, never body.
        free = np.asarray(d["free"], dtype=bool)
        w = w * free
        docs.append({"id": key, "source": source, "text": d["text"], "x": x, "y": y, "w": w,
                     "free": free, "gold": g})
    return names, docs


def bow_f1(gold, pred):
    g, p = Counter(tokens(gold)), Counter(tokens(pred))
    ng, np_ = sum(g.values()), sum(p.values())
    tp = sum((g & p).values())
    if ng == 0 and np_ == 0:
        return 1.0
    if np_ == 0 or ng == 0 or tp == 0:
        return 0.0
    prec, rec = tp / np_, tp / ng
    return 2 * prec * rec / (prec + rec)


def snippet_counts(g, text):
    t = norm(text.replace("\n", " "))
    tp = sum(1 for s in g.get("with", []) if norm(s) in t)
    fn = len(g.get("with", [])) - tp
    fp = sum(1 for s in g.get("without", []) if norm(s) in t)
    return tp, fp, fn
