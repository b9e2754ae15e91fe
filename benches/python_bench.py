"""Throughput of the Python API, printed as figures (not a test).

    .venv/bin/python benches/python_bench.py [--docs N]

Cleans N copies of samples/reuters-azerbaijan.txt (a real Reuters page with its
boilerplate, shipped in the repo) with a `rinse.clean` loop, with
`rinse.clean_batch`, and with the release binary as a JSONL streaming filter, and
prints documents per second and input MB per second for each. The machine's
load shows in the figures: run it on a quiet machine to compare.
"""

import argparse
import json
import os
import subprocess
import time
from pathlib import Path

import rinse

ROOT = Path(__file__).resolve().parents[1]


def rate(label: str, seconds: float, docs: int, size: int) -> None:
    print(f"{label:<28} {seconds:7.3f} s  {docs / seconds:9.0f} docs/s  {size / seconds / 1e6:7.1f} MB/s")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=20_000)
    args = ap.parse_args()
    story = (ROOT / "samples" / "reuters-azerbaijan.txt").read_text(encoding="utf-8")
    texts = [f"Headline {i}\n\n{story}" for i in range(args.docs)]
    size = sum(len(t.encode("utf-8")) for t in texts)
    print(f"{args.docs} documents, {size / 1e6:.1f} MB, {os.cpu_count()} cores")

    t = time.perf_counter()
    loop = [rinse.clean(x) for x in texts]
    rate("clean() loop", time.perf_counter() - t, args.docs, size)

    t = time.perf_counter()
    batch = rinse.clean_batch(texts)
    rate("clean_batch()", time.perf_counter() - t, args.docs, size)
    assert batch == loop

    t = time.perf_counter()
    fixed = [rinse.fix(x) for x in texts]
    rate("fix() loop", time.perf_counter() - t, args.docs, size)
    assert len(fixed) == args.docs

    binary = Path(os.environ.get("RINSE_BIN") or ROOT / "target" / "release" / "rinse")
    if binary.is_file():
        lines = "".join(json.dumps({"id": str(i), "text": x}) + "\n" for i, x in enumerate(texts)).encode()
        t = time.perf_counter()
        out = subprocess.run(
            [str(binary), "clean", "--input-format", "jsonl", "-q", "-"], input=lines, capture_output=True, check=True
        ).stdout
        rate("binary, JSONL on stdin", time.perf_counter() - t, args.docs, size)
        assert out.count(b"\n") == args.docs
        t = time.perf_counter()
        recs = [json.loads(line) for line in out.splitlines()]
        rate("  + json.loads of its output", time.perf_counter() - t, args.docs, size)
        assert len(recs) == args.docs
    else:
        print(f"(no binary at {binary}: cargo build --release to compare)")


if __name__ == "__main__":
    main()
