"""rinse on Spark, in local mode (`local[2]`): the two recipes of the README (Spark section).

1. Streaming filter: `rdd.pipe(<rinse> clean --input-format jsonl --on-error record -q -)`
   turns each JSONL line into exactly one record line, in order.
2. File-list mode: a list of `.jsonl.zst` paths is piped into
   `rinse clean --files-from - --output-dir OUT --base IN`, and rinse writes one
   output per input itself (Hadoop's own zstd codec is not needed).

Spark runs piped commands with an empty environment, so the commands use the
binary's absolute path and flags only.
"""

import json
import os
import shlex
import sys

import pytest

pyspark = pytest.importorskip("pyspark")  # installed by scripts/test-python.sh
zstandard = pytest.importorskip("zstandard")

from pyspark import SparkConf, SparkContext  # noqa: E402

FIELDS = ["id", "source", "title", "dateline", "text", "captions", "credits", "related", "removed", "fixes", "encoding"]
PROMO = "Follow us on our official WhatsApp channel for breaking news alerts and key updates!"


def dolma_doc(i: int, story: str) -> dict:
    """A document in dolma's shape, with a headline of its own (the story's
    own headline left out, so that the page's title is this one)."""
    return {
        "id": f"doc-{i:03d}",
        "text": f"Headline number {i} of the shard\n\n{story.split(chr(10), 2)[2]}",
        "source": "rinse-test",
        "added": "2024-07-20T00:00:00.000Z",
        "created": "2024-07-20T00:00:00.000Z",
        "metadata": {"url": f"https://example.com/{i}", "n": i, "tags": ["a", "b"]},
    }


@pytest.fixture(scope="module")
def sc():
    """A local Spark context with two worker threads, quiet logs, no UI."""
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    conf = (
        SparkConf()
        .setMaster("local[2]")
        .setAppName("rinse-spark-test")
        .set("spark.ui.enabled", "false")
        .set("spark.driver.bindAddress", "127.0.0.1")
        .set("spark.driver.host", "127.0.0.1")
    )
    context = SparkContext(conf=conf)
    context.setLogLevel("ERROR")
    yield context
    context.stop()


def test_pipe_streaming_filter_one_line_per_input_line(sc, rinse_bin, story, tmp_path):
    docs = [dolma_doc(i, story) for i in range(60)]
    lines = [json.dumps(d, ensure_ascii=False) for d in docs]
    # A malformed line and a blank line must each give one error record, in place.
    lines.insert(17, '{"id": "broken", "text": ')
    lines.insert(40, "")
    shard = tmp_path / "shard.jsonl"
    shard.write_text("\n".join(lines) + "\n", encoding="utf-8")

    command = f"{shlex.quote(str(rinse_bin))} clean --input-format jsonl --on-error record -q -"
    rdd = sc.textFile(shard.as_uri(), minPartitions=2)
    assert rdd.getNumPartitions() >= 2
    out = rdd.pipe(command, checkCode=True).collect()

    assert len(out) == len(lines)
    recs = [json.loads(line) for line in out]
    for k, rec in enumerate(recs):
        assert set(FIELDS) <= set(rec), k
        assert isinstance(rec["error"], str)
    bad = [k for k, rec in enumerate(recs) if rec["error"]]
    assert bad == [17, 40]
    for k in bad:
        assert recs[k]["text"] == "" and recs[k]["removed"] == []
    good = [rec for rec in recs if not rec["error"]]
    assert [rec["id"] for rec in good] == [d["id"] for d in docs]
    for doc, rec in zip(docs, good):
        # dolma's fields first, in order and unchanged; `text` is the clean body.
        assert list(rec)[:6] == list(doc)
        assert rec["metadata"] == doc["metadata"] and rec["added"] == doc["added"]
        assert rec["title"] == f"Headline number {doc['metadata']['n']} of the shard"
        assert "pledged on Saturday" in rec["text"]
        assert PROMO not in rec["text"]
        assert any(r["rule"] == "promo.follow-channel" for r in rec["removed"])


def test_file_list_mode_writes_one_zst_output_per_input(sc, rinse_bin, story, tmp_path):
    src = tmp_path / "in"
    out_dir = tmp_path / "out"
    files = {}
    for f in range(4):
        rel = f"part-{f % 2}/shard-{f}.jsonl.zst"
        docs = [dolma_doc(f * 100 + i, story) for i in range(5 + f)]
        path = src / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        body = "".join(json.dumps(d) + "\n" for d in docs).encode("utf-8")
        path.write_bytes(zstandard.ZstdCompressor().compress(body))
        files[rel] = docs

    command = (
        f"{shlex.quote(str(rinse_bin))} clean --files-from - "
        f"--output-dir {shlex.quote(str(out_dir))} --base {shlex.quote(str(src))} -q"
    )
    paths = [str(src / rel) for rel in sorted(files)]
    sc.parallelize(paths, 2).pipe(command, checkCode=True).collect()

    written = sorted(str(p.relative_to(out_dir)) for p in out_dir.rglob("*") if p.is_file())
    assert written == sorted(files)
    total = 0
    for rel, docs in files.items():
        raw = zstandard.ZstdDecompressor().stream_reader((out_dir / rel).read_bytes()).read()
        recs = [json.loads(line) for line in raw.decode("utf-8").splitlines()]
        assert [r["id"] for r in recs] == [d["id"] for d in docs]
        assert all("pledged on Saturday" in r["text"] and PROMO not in r["text"] for r in recs)
        assert all(r["metadata"] == d["metadata"] for r, d in zip(recs, docs))
        total += len(recs)
    assert total == sum(len(d) for d in files.values())
