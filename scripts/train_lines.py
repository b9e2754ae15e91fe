#!/usr/bin/env python3
"""Trains rinse's line model (rules/model/lines.json) from annotated pages.

    python3 scripts/train_lines.py --bench ../shared/bench [--out rules/model/lines.json]
    python3 scripts/train_lines.py --bench ../shared/bench --without dragnet --out M.json

Needs `pip install -r scripts/requirements-train.txt` (lightgbm, numpy) and the
release binary (`cargo build --release`), whose hidden `rinse features` command
computes the model's input rows, so that training and inference read the same
numbers.

The sources: `BENCH/aeb-dev` and the three sets of `BENCH/train.tar.gz`
(dragnet, l3s-gn1, trafilatura), unpacked into the work folder. `--without SRC`
leaves a source out (for leave-one-source-out evaluation, scripts/eval-cv.sh).

The model has two stages of gradient-boosted trees (see src/classify/model.rs):
stage 1 reads each line's row; stage 2 reads the row plus stage 1's
probabilities around the line (`stage2_columns`, the same columns as
`context::rows2` in Rust). Stage 2 is trained on stage-1 probabilities of
pages stage 1 was not trained on (K-fold cross-fitting), as it meets them at
inference. Lines are labelled by linedata.py.
"""
import argparse
import json
import os
import subprocess
import sys
import tarfile
import time
from collections import Counter

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import linedata  # noqa: E402

SOURCES = ["aeb-dev", "dragnet", "l3s-gn1", "trafilatura"]
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# The size is chosen for speed: 40 + 40 trees of 15 leaves scored within
# noise of 150 + 150 trees of 31 leaves, leave-one-source-out (README).
PARAMS = dict(
    objective="binary",
    learning_rate=0.2,
    num_leaves=15,
    min_data_in_leaf=50,
    feature_fraction=0.8,
    bagging_fraction=0.8,
    bagging_freq=1,
    lambda_l2=1.0,
    verbose=-1,
    seed=7,
    deterministic=True,
    force_row_wise=True,
)
ROUNDS1 = 40
ROUNDS2 = 40
FOLDS = 4
# The decision thresholds are fitted on the training pages (fit_thresholds):
# one for lines the heuristic span took for body, one for the others.
THRESHOLDS_IN = [0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5]
THRESHOLDS_OUT = [0.5, 0.55, 0.6, 0.65, 0.7, 0.75]


def source_dirs(bench, work):
    """(text folder, gold file) per source; unpacks train.tar.gz once."""
    train = os.path.join(work, "train")
    if not os.path.isdir(train):
        with tarfile.open(os.path.join(bench, "train.tar.gz")) as t:
            t.extractall(work, filter="data")
    out = {"aeb-dev": (os.path.join(bench, "aeb-dev", "text"), os.path.join(bench, "aeb-dev", "gold.jsonl"))}
    for s in SOURCES[1:]:
        out[s] = (os.path.join(train, s, "text"), os.path.join(train, s, "gold.jsonl"))
    return out


def features(rinse, text_dir, path):
    if not os.path.exists(path):
        with open(path + ".tmp", "wb") as f:
            subprocess.run([rinse, "features", text_dir], stdout=f, check=True)
        os.replace(path + ".tmp", path)
    return path


def load(args):
    dirs = source_dirs(args.bench, args.work)
    data = {}
    names = None
    for s in SOURCES:
        rows = features(args.rinse, dirs[s][0], os.path.join(args.work, f"rows-{s}.jsonl"))
        names, docs = linedata.load_source(rows, dirs[s][1], s)
        data[s] = docs
    return names, data


def window_mean(p, k):
    n = len(p)
    c = np.concatenate([[0.0], np.cumsum(p)])
    i = np.arange(n)
    lo, hi = np.maximum(0, i - k), np.minimum(n, i + k + 1)
    cnt = hi - lo - 1
    return np.where(cnt > 0, (c[hi] - c[lo] - p) / np.maximum(cnt, 1), 0.0)


def side_mean(p, k, before):
    n = len(p)
    c = np.concatenate([[0.0], np.cumsum(p)])
    i = np.arange(n)
    if before:
        lo, hi = np.maximum(0, i - k), i
    else:
        lo, hi = np.minimum(i + 1, n), np.minimum(n, i + 1 + k)
    cnt = hi - lo
    return np.where(cnt > 0, (c[hi] - c[lo]) / np.maximum(cnt, 1), -1.0)


def stage2_columns(x, p, weight):
    """Stage 2's own columns (context::NAMES2_OWN), as context::rows2 computes them."""
    p = p.astype(np.float32).astype(np.float64)
    n = len(p)
    cols = [p]
    for k in (1, 2, 5, 10, 25):
        cols.append(window_mean(p, k))
    for k in (3, 10, 30):
        cols.append(side_mean(p, k, True))
        cols.append(side_mean(p, k, False))
    mass = p * weight
    total = mass.sum() + 1e-6
    cum = np.cumsum(mass)
    cols.append((cum - mass) / total)
    cols.append((total - cum) / total)
    cols += [np.full(n, p.max() if n else 0.0), np.full(n, (p > 0.5).mean() if n else 0.0)]
    return np.column_stack([x] + cols).astype(np.float32)


def line_weight(d, names):
    return np.expm1(d["x"][:, names.index("log_weight")].astype(np.float64)).round()


def stack(docs, xs):
    x = np.concatenate(xs)
    y = np.concatenate([d["y"] for d in docs])
    w = np.concatenate([d["w"] for d in docs])
    keep = w > 0
    return x[keep], y[keep], w[keep]


def fit(lgb, docs, xs, rounds):
    x, y, w = stack(docs, xs)
    return lgb.train(PARAMS, lgb.Dataset(x, y, weight=w), rounds)


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def train(lgb, docs, names):
    """Both stages on `docs`: (booster1, booster2)."""
    order = np.random.RandomState(0).permutation(len(docs))
    docs = [docs[i] for i in order]
    fold = np.arange(len(docs)) % FOLDS
    p_cross = [None] * len(docs)
    for f in range(FOLDS):
        part = [d for d, k in zip(docs, fold) if k != f]
        b = fit(lgb, part, [d["x"] for d in part], ROUNDS1)
        for j in np.where(fold == f)[0]:
            p_cross[j] = b.predict(docs[j]["x"]) * docs[j]["free"]
    b1 = fit(lgb, docs, [d["x"] for d in docs], ROUNDS1)
    x2 = [stage2_columns(d["x"], p, line_weight(d, names)) for d, p in zip(docs, p_cross)]
    b2 = fit(lgb, docs, x2, ROUNDS2)
    return b1, b2


def page_counts(d, p, hb):
    """What page_f1 needs of a page: each free line's probability, whether the
    heuristic took it for body, its token counts over the page's vocabulary,
    and the gold body's counts."""
    gold = Counter(linedata.tokens(d["gold"]["body"]))
    vocab = {t: i for i, t in enumerate(gold)}
    rows = np.where(d["free"])[0]
    m = np.zeros((len(rows), len(vocab) + 1), dtype=np.float32)
    for k, r in enumerate(rows):
        for t, c in Counter(linedata.tokens(d["text"][r])).items():
            m[k, vocab.get(t, len(vocab))] += c
    g = np.array([gold[t] for t in vocab] + [0.0], dtype=np.float32)
    return p[rows], d["x"][rows, hb] > 0.5, m, g


def page_f1(c, t_in, t_out):
    """Bag-of-words F1 of a page kept at these thresholds (linedata.bow_f1 of
    the kept lines, computed from counts)."""
    p, in_span, m, g = c
    k = np.where(in_span, p >= t_in, p >= t_out)
    pred = k.astype(np.float32) @ m if len(p) else np.zeros_like(g)
    ng, npred = g.sum(), pred.sum()
    tp = np.minimum(pred[:-1], g[:-1]).sum()
    if ng == 0 and npred == 0:
        return 1.0
    if ng == 0 or npred == 0 or tp == 0:
        return 0.0
    return 2 * tp / (ng + npred)


def fit_thresholds(lgb, docs, names):
    """The pair of thresholds (heuristic body, other lines) that scores best
    on sources the model was not trained on, as it will be used: each source
    of `docs` is scored by both stages trained on the other sources, and the
    pair with the best mean bag-of-words F1 (averaged over the sources with a
    gold body, each source counting once) wins."""
    hb = names.index("heur_body")
    sources = sorted({d["source"] for d in docs})
    if len(sources) < 2:
        return 0.5, 0.5
    held = {}
    for s in sources:
        b1, b2 = train(lgb, [d for d in docs if d["source"] != s], names)
        held[s] = [(d, predict(b1, b2, d, names)) for d in docs
                   if d["source"] == s and d["gold"].get("body") is not None]
    held = {s: v for s, v in held.items() if v}
    pages = {s: [page_counts(d, p, hb) for d, p in v] for s, v in held.items()}
    best = None
    for t_in in THRESHOLDS_IN:
        for t_out in THRESHOLDS_OUT:
            m = float(np.mean([np.mean([page_f1(c, t_in, t_out) for c in v]) for v in pages.values()]))
            if best is None or m > best[0] + 1e-9:
                best = (m, t_in, t_out)
    print(f"thresholds: {best[1]} (heuristic body), {best[2]} (other lines); mean F1 {best[0]:.3f} "
          f"across {', '.join(held)}, each scored by a model trained without it", file=sys.stderr)
    return best[1], best[2]


def flat_trees(booster):
    """The trees as flat arrays (preorder nodes, leaves in order)."""
    out = []
    for info in booster.dump_model()["tree_info"]:
        feature, threshold, left, right, value, leaf = [], [], [], [], [], []

        def walk(node):
            if "leaf_value" in node or "split_feature" not in node:
                leaf.append(float(node.get("leaf_value", 0.0)))
                return -len(leaf)  # ~(len(leaf) - 1)
            assert node["decision_type"] == "<=", node["decision_type"]
            k = len(feature)
            feature.append(int(node["split_feature"]))
            threshold.append(float(node["threshold"]))
            value.append(float(node["internal_value"]))
            left.append(0)
            right.append(0)
            left[k] = walk(node["left_child"])
            right[k] = walk(node["right_child"])
            return k

        walk(info["tree_structure"])
        out.append({"feature": feature, "threshold": threshold, "left": left, "right": right,
                    "value": value, "leaf": leaf})
    return out


def export(b1, b2, names, names2, thresholds, path, note):
    model = {
        "format": 1,
        "trained": note,
        "stage1": {"names": names, "trees": flat_trees(b1)},
        "stage2": {"names": names2, "trees": flat_trees(b2)},
        "threshold": thresholds[1],
        "threshold_heuristic_body": thresholds[0],
    }
    with open(path + ".tmp", "w") as f:
        json.dump(model, f, separators=(",", ":"))
        f.write("\n")
    os.replace(path + ".tmp", path)


def predict(b1, b2, d, names):
    """Stage 2's probabilities; a line the model does not decide gets 0."""
    p1 = b1.predict(d["x"]) * d["free"]
    return b2.predict(stage2_columns(d["x"], p1, line_weight(d, names))) * d["free"]


NAMES2_OWN = ["p", "p_w1", "p_w2", "p_w5", "p_w10", "p_w25", "p_before3", "p_after3", "p_before10",
              "p_after10", "p_before30", "p_after30", "mass_before", "mass_after", "p_max", "p_share"]


def check_parity(rinse, model_path, text_dir, b1, b2, names, docs):
    """Runs the binary on `text_dir` with the new model and compares its
    stage-2 probabilities with the boosters': the Rust inference and the
    stage-2 columns must agree with training."""
    out = subprocess.run([rinse, "features", "--line-model", model_path, text_dir],
                         stdout=subprocess.PIPE, check=True).stdout.decode().splitlines()
    by_id = {linedata.doc_key(json.loads(line)["id"]): json.loads(line) for line in out[1:]}
    worst, rows, off = 0.0, 0, 0
    for d in docs:
        r = by_id[d["id"]]
        mine = predict(b1, b2, d, names)
        theirs = np.asarray(r["p2"], dtype=np.float64)
        diff = np.abs(mine - theirs)
        worst = max(worst, float(diff.max(initial=0.0)))
        rows += len(diff)
        off += int(((mine >= 0.5) != (theirs >= 0.5)).sum())
    print(f"parity on {len(docs)} pages, {rows} lines: largest difference {worst:.2e}, "
          f"{off} decisions differ", file=sys.stderr)
    if off > max(1, rows // 1000):
        sys.exit("the binary's inference disagrees with training: see context::rows2 and stage2_columns")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bench", required=True, help="the shared bench folder (aeb-dev/, train.tar.gz)")
    ap.add_argument("--work", default=os.path.join(os.environ.get("TMPDIR", "/tmp"), "rinse-train"))
    ap.add_argument("--rinse", default=os.path.join(ROOT, "target", "release", "rinse"))
    ap.add_argument("--out", default=os.path.join(ROOT, "rules", "model", "lines.json"))
    ap.add_argument("--without", choices=SOURCES, help="leave this source out")
    a = ap.parse_args()
    import lightgbm as lgb

    os.makedirs(a.work, exist_ok=True)
    t0 = time.time()
    names, data = load(a)
    used = [s for s in SOURCES if s != a.without]
    docs = [d for s in used for d in data[s]]
    print(f"training on {', '.join(used)}: {len(docs)} pages, "
          f"{sum(len(d['y']) for d in docs)} lines", file=sys.stderr)
    thresholds = fit_thresholds(lgb, docs, names)
    b1, b2 = train(lgb, docs, names)
    note = (f"scripts/train_lines.py on {', '.join(used)} ({len(docs)} pages); lightgbm "
            f"{lgb.__version__}; {ROUNDS1}+{ROUNDS2} rounds, {PARAMS['num_leaves']} leaves")
    export(b1, b2, names, names + NAMES2_OWN, thresholds, a.out, note)
    print(f"wrote {a.out} in {time.time() - t0:.0f} s", file=sys.stderr)
    check_parity(a.rinse, a.out, source_dirs(a.bench, a.work)["aeb-dev"][0], b1, b2, names, data["aeb-dev"])


if __name__ == "__main__":
    main()
