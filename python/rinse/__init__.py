"""rinse: turn scraped web text into clean, structured records.

The work is done by rinse's Rust core (``rinse._rinse``):

* :func:`clean` cleans one document into a record (a dict with the keys in
  :data:`FIELDS`);
* :func:`clean_batch` cleans many in parallel on rinse's threads, with the GIL
  released, in input order;
* :func:`fix` runs the repair stage alone (mojibake, lost characters);
* :func:`arrow_schema` is the record's Arrow schema (``pyarrow.Schema``), the
  one ``rinse clean -o out.parquet`` writes and ``rinse schema`` prints.

``fields=`` / ``no_audit=True`` keep fewer keys (``--fields`` / ``--no-audit``).
:class:`Record` and its parts are ``TypedDict`` types, importable at run time.
``rinse.datatrove`` has a datatrove ``PipelineStep`` built on them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Union

from rinse._rinse import AUDIT_FIELDS, FIELDS, __version__, arrow_schema_ipc, clean, clean_batch, fix
from rinse.types import Fix, Record, Related, Removed

if TYPE_CHECKING:
    import pyarrow

__all__ = [
    "AUDIT_FIELDS",
    "FIELDS",
    "Fix",
    "Record",
    "Related",
    "Removed",
    "__version__",
    "arrow_schema",
    "clean",
    "clean_batch",
    "fix",
]


def arrow_schema(
    *,
    fields: Union[str, Iterable[str], None] = None,
    no_audit: bool = False,
    error_field: bool = False,
) -> pyarrow.Schema:
    """The record's Arrow schema as a ``pyarrow.Schema`` (pyarrow must be installed).

    Every key of :data:`FIELDS` in order (or those of ``fields``; all but
    :data:`AUDIT_FIELDS` with ``no_audit=True``): strings as ``string``, line
    numbers as ``int64``, lists typed even when every list of a file is empty.
    ``error_field=True`` adds the ``error`` column of ``--on-error record``.
    Pass it to readers so that they need not infer types::

        pyarrow.json.read_json("out.jsonl",
            parse_options=pyarrow.json.ParseOptions(explicit_schema=rinse.arrow_schema()))
    """
    import pyarrow as pa

    ipc = arrow_schema_ipc(fields=fields, no_audit=no_audit, error_field=error_field)
    return pa.ipc.open_stream(pa.py_buffer(ipc)).schema
