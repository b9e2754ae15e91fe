"""The published schema (rinse.arrow_schema, `rinse schema`), Parquet output read
by every reader, and the Python options of issue 16 (fields, no_audit, id, source)."""

import json
import subprocess

import pytest

import rinse

PLAIN = "The council approved the city budget on Tuesday after a long debate in the chamber."

pa = pytest.importorskip("pyarrow")


def published(rinse_bin, *args):
    out = subprocess.run([rinse_bin, "schema", *args], check=True, capture_output=True, text=True).stdout
    return json.loads(out)["fields"]


def type_json(t):
    """A pyarrow type in `rinse schema`'s JSON form."""
    if t == pa.string():
        return "string"
    if t == pa.int64():
        return "int64"
    if pa.types.is_list(t):
        return {"list": type_json(t.value_type)}
    if pa.types.is_struct(t):
        return {"struct": [{"name": f.name, "type": type_json(f.type), "nullable": f.nullable} for f in t]}
    raise AssertionError(f"unexpected type {t}")


@pytest.mark.parametrize("args", [(), ("--no-audit",), ("--error-field",), ("--fields", "id,text")])
def test_arrow_schema_is_what_rinse_schema_prints(rinse_bin, args):
    kw = {}
    if "--no-audit" in args:
        kw["no_audit"] = True
    if "--error-field" in args:
        kw["error_field"] = True
    if "--fields" in args:
        kw["fields"] = ["text", "id"]
    schema = rinse.arrow_schema(**kw)
    assert [{"name": f.name, "type": type_json(f.type), "nullable": f.nullable} for f in schema] == published(
        rinse_bin, *args
    )
    if not kw:
        assert schema.names == rinse.FIELDS


def test_parquet_output_with_empty_lists_reads_with_every_reader(rinse_bin, tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    pl = pytest.importorskip("polars")
    datasets = pytest.importorskip("datasets")
    src = tmp_path / "in"
    src.mkdir()
    for i in range(3):
        (src / f"{i}.txt").write_text(f"{PLAIN} Number {i}.\n")
    out = tmp_path / "out.parquet"
    subprocess.run([rinse_bin, "clean", "-q", src, "-o", out], check=True)
    table = pq.read_table(out)
    assert table.schema.equals(rinse.arrow_schema(), check_metadata=False)
    assert table.column("removed").to_pylist() == [[], [], []]
    df = pl.read_parquet(out)
    assert df.height == 3 and str(df.schema["captions"]) == "List(String)"
    ds = datasets.load_dataset("parquet", data_files=str(out), split="train")
    assert ds.features == datasets.Features.from_arrow_schema(rinse.arrow_schema())
    assert ds[0]["removed"] == []


def test_clean_fills_id_and_source_and_picks_fields():
    rec = rinse.clean(PLAIN, id="doc-1", source="shard.jsonl:3")
    assert rec["id"] == "doc-1" and rec["source"] == "shard.jsonl:3"
    assert list(rinse.clean(PLAIN)) == rinse.FIELDS and rinse.clean(PLAIN)["id"] == ""
    assert list(rinse.clean(PLAIN, fields="text,id")) == ["id", "text"]
    assert list(rinse.clean(PLAIN, fields=["title", "text"])) == ["title", "text"]
    short = rinse.clean(PLAIN, no_audit=True)
    assert list(short) == [k for k in rinse.FIELDS if k not in rinse.AUDIT_FIELDS]
    batch = rinse.clean_batch([PLAIN, PLAIN], no_audit=True)
    assert [list(r) for r in batch] == [list(short)] * 2
    with pytest.raises(ValueError, match='unknown field "body"'):
        rinse.clean(PLAIN, fields=["body"])
    with pytest.raises(ValueError, match="not both"):
        rinse.clean(PLAIN, fields=["id"], no_audit=True)
    with pytest.raises(TypeError):
        rinse.clean(PLAIN, id=3)


def test_record_types_are_importable_at_run_time():
    from rinse import Record, Removed

    assert set(Record.__annotations__) == set(rinse.FIELDS)
    assert set(Removed.__annotations__) == {"rule", "line", "text"}
