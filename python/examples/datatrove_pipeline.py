"""rinse in a datatrove pipeline: JSONL shards in, cleaned Parquet out.

    python datatrove_pipeline.py IN_DIR OUT_DIR [--tasks 2] [--workers 2] [--no-audit]

Reads every ``*.jsonl*`` under IN_DIR, cleans each document's text with rinse
(rinse's fields go to ``metadata["rinse"]``), and writes Parquet under
OUT_DIR with rinse's published schema, so that a batch whose lists are all
empty still writes typed columns.

The ``if __name__ == "__main__":`` guard is needed: datatrove's local
executor starts its workers with multiprocessing's forkserver, which
imports this file in each worker; without the guard every worker would
start the pipeline again and the run would hang.
"""

import argparse

import pyarrow as pa
from datatrove.executor import LocalPipelineExecutor
from datatrove.pipeline.readers import JsonlReader
from datatrove.pipeline.writers import ParquetWriter

from rinse.datatrove import RinseClean, parquet_schema


def pipeline(in_dir: str, out_dir: str, no_audit: bool = False) -> list:
    """The pipeline's steps: read, clean, write."""
    # The documents' own metadata that JsonlReader keeps (here `url`).
    schema = parquet_schema([("url", pa.string())], no_audit=no_audit)
    return [
        JsonlReader(in_dir, glob_pattern="*.jsonl*"),
        RinseClean(no_audit=no_audit),
        ParquetWriter(out_dir, schema=schema, compression="zstd"),
    ]


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("in_dir")
    p.add_argument("out_dir")
    p.add_argument("--tasks", type=int, default=2)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--logs", default=None, help="datatrove's logging folder")
    p.add_argument("--no-audit", action="store_true")
    a = p.parse_args()
    executor = LocalPipelineExecutor(
        pipeline=pipeline(a.in_dir, a.out_dir, a.no_audit),
        tasks=a.tasks,
        workers=a.workers,
        logging_dir=a.logs,
    )
    executor.run()


if __name__ == "__main__":
    main()
