"""The examples under python/examples/, run as a user runs them, so they cannot rot.

Each runs on documents whose rinse lists (captions, credits, related links,
removed lines, fixes) are all empty, the output that inferred schemas get
wrong, and its output is read back with the published schema.
"""

import gzip
import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

EXAMPLES = ROOT / "python" / "examples"
#: Bodies rinse keeps whole: no line removed, nothing fixed, no caption.
PLAIN = [
    "The council approved the city budget on Tuesday after a long debate in the chamber.",
    "Farmers in the valley expect a good harvest this year after the spring rains came early.",
    "The museum reopened its east wing on Sunday, three years after the fire that closed it.",
]


def run_example(name: str, *args, timeout: int = 600) -> subprocess.CompletedProcess:
    r = subprocess.run(
        [sys.executable, str(EXAMPLES / name), *map(str, args)],
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert r.returncode == 0, f"{name} failed:\n{r.stdout}\n{r.stderr}"
    return r


def write_jsonl(path: Path, rows: list, compress: bool = False) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = "".join(json.dumps(r) + "\n" for r in rows)
    if compress:
        path.write_bytes(gzip.compress(data.encode()))
    else:
        path.write_text(data)


def plain_docs(n: int, start: int = 0) -> list:
    return [
        {"id": f"doc-{i}", "text": PLAIN[i % len(PLAIN)], "url": f"https://example.com/{i}"}
        for i in range(start, start + n)
    ]


def test_every_example_is_run_by_a_test():
    tested = {"datatrove_pipeline.py", "spark_pipe.py", "ray_clean.py", "dolma_tag.py", "readers.py"}
    assert {p.name for p in EXAMPLES.glob("*.py")} == tested


def test_datatrove_example_writes_parquet_with_the_schema_on_empty_lists(tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    pytest.importorskip("datatrove")
    import rinse
    from rinse.datatrove import metadata_type

    write_jsonl(tmp_path / "in" / "a.jsonl.gz", plain_docs(6), compress=True)
    write_jsonl(tmp_path / "in" / "b.jsonl.gz", plain_docs(5, start=6), compress=True)
    out = tmp_path / "out"
    run_example(
        "datatrove_pipeline.py", tmp_path / "in", out, "--tasks", 2, "--workers", 2, "--logs", tmp_path / "logs"
    )
    table = pq.read_table(sorted(out.glob("*.parquet")))
    assert table.num_rows == 11
    meta = table.schema.field("metadata").type
    assert meta.field("rinse").type == metadata_type()
    removed = meta.field("rinse").type.field("removed").type
    assert str(removed.value_type) == "struct<rule: string, line: int64, text: string>"
    rows = sorted(table.to_pylist(), key=lambda r: int(r["id"].split("-")[1]))
    assert rows[0]["text"] == PLAIN[0]
    assert rows[0]["metadata"]["url"] == "https://example.com/0"
    assert all(r["metadata"]["rinse"]["removed"] == [] for r in rows)
    assert rinse.clean(PLAIN[0])["removed"] == []
    # --no-audit: the audit trail is gone from the metadata.
    out2 = tmp_path / "out2"
    run_example("datatrove_pipeline.py", tmp_path / "in", out2, "--tasks", 1, "--workers", 1, "--no-audit",
                "--logs", tmp_path / "logs2")
    t2 = pq.read_table(sorted(out2.glob("*.parquet")))
    assert "removed" not in t2.schema.field("metadata").type.field("rinse").type.names


def test_spark_example_gives_one_record_per_line_in_order(tmp_path, rinse_bin):
    pytest.importorskip("pyspark")
    rows = plain_docs(9)
    rows.insert(4, {"id": "no-text"})
    write_jsonl(tmp_path / "in.jsonl", rows)
    run_example("spark_pipe.py", rinse_bin, tmp_path / "in.jsonl", tmp_path / "out")
    lines = [json.loads(l) for p in sorted((tmp_path / "out").glob("part-*")) for l in p.read_text().splitlines()]
    assert [r["id"] for r in lines] == [r["id"] for r in rows]
    assert lines[4]["error"] == 'no "text" field'
    assert lines[0]["text"] == PLAIN[0] and lines[0]["error"] == ""


def test_ray_example_writes_files_that_read_back_together(tmp_path):
    pytest.importorskip("ray")
    pq = pytest.importorskip("pyarrow.parquet")
    import rinse

    # Two input files, so Ray makes several blocks; every list is empty.
    write_jsonl(tmp_path / "in" / "a.jsonl", plain_docs(40))
    write_jsonl(tmp_path / "in" / "b.jsonl", plain_docs(40, start=40))
    run_example("ray_clean.py", tmp_path / "in", tmp_path / "out")
    files = sorted((tmp_path / "out").glob("*.parquet"))
    assert files
    table = pq.read_table(files)
    assert table.num_rows == 80
    assert table.schema.equals(rinse.arrow_schema(), check_metadata=False)


def test_dolma_example_tags_with_numeric_ids(tmp_path, rinse_bin):
    docs = [{"id": i, "text": t, "source": "s"} for i, t in enumerate(PLAIN)]
    docs.append({"id": 99, "text": "Share this\nFollow us on Twitter\n", "source": "s"})
    write_jsonl(tmp_path / "documents" / "part" / "0.jsonl.gz", docs, compress=True)
    run_example("dolma_tag.py", rinse_bin, tmp_path)
    attr = tmp_path / "attributes" / "rinse" / "part" / "0.jsonl.gz"
    lines = [json.loads(l) for l in gzip.decompress(attr.read_bytes()).decode().splitlines()]
    assert [l["id"] for l in lines] == [0, 1, 2, 99]
    assert lines[3]["attributes"]["rinse__body_empty"][0][2] == 1.0
    assert lines[0]["attributes"]["rinse__body_empty"][0][2] == 0.0
    assert not (tmp_path / "documents" / "part" / "0.jsonl").exists()


def test_readers_example_reads_all_empty_lists_with_every_reader(tmp_path, rinse_bin):
    pytest.importorskip("polars")
    pytest.importorskip("datasets")
    src = tmp_path / "in"
    for i, t in enumerate(PLAIN):
        (src / f"{i}.txt").parent.mkdir(parents=True, exist_ok=True)
        (src / f"{i}.txt").write_text(t + "\n")
    out = tmp_path / "out.jsonl"
    subprocess.run([rinse_bin, "clean", "-q", src, "-o", out], check=True)
    assert all(r["removed"] == [] and r["captions"] == [] for r in map(json.loads, out.read_text().splitlines()))
    r = run_example("readers.py", out)
    assert r.stdout.split("\n")[:3] == ["pyarrow 3 rows", "polars 3 rows", "datasets 3 rows"]
