"""Reading rinse's output with one schema: pyarrow, polars, HF datasets.

    python readers.py OUT.jsonl

Inferred from the data, a file whose lists are all empty reads as
``list<null>`` (or fails), and pyarrow's threaded inference may type a column
differently from run to run. ``rinse.arrow_schema()`` (``rinse schema`` on
the command line) gives every reader the same types.
"""

import sys

import datasets
import polars as pl
import pyarrow.json as pj

import rinse

SCHEMA = rinse.arrow_schema()


def with_pyarrow(path: str):
    opts = pj.ParseOptions(explicit_schema=SCHEMA)
    return pj.read_json(path, parse_options=opts)


def with_polars(path: str) -> pl.DataFrame:
    return pl.read_ndjson(path, schema=pl.Schema(pl.from_arrow(SCHEMA.empty_table()).schema))


def with_datasets(path: str) -> datasets.Dataset:
    features = datasets.Features.from_arrow_schema(SCHEMA)
    return datasets.load_dataset("json", data_files=path, features=features, split="train")


if __name__ == "__main__":
    path = sys.argv[1]
    for name, read in [("pyarrow", with_pyarrow), ("polars", with_polars), ("datasets", with_datasets)]:
        t = read(path)
        print(name, len(t), "rows")
