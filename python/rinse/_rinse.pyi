"""Type stubs of rinse's Rust core (src/python.rs)."""

import os
from collections.abc import Iterable, Sequence
from typing import Union

from rinse.types import Fix, Record, Related, Removed

_Doc = Union[str, bytes]
_Rules = Union[None, str, os.PathLike[str], Sequence[Union[str, os.PathLike[str]]]]

FIELDS: list[str]
"""The keys of a record, in order."""

AUDIT_FIELDS: list[str]
"""The audit trail's keys, which ``no_audit=True`` leaves out."""

_Fields = Union[str, Iterable[str], None]

__version__: str

def clean(
    text: _Doc,
    *,
    rules: _Rules = None,
    disable: Sequence[str] | None = (),
    guess: bool = True,
    id: str | None = "",
    source: str | None = "",
    fields: _Fields = None,
    no_audit: bool = False,
) -> Record:
    """Clean one document (``str``, or ``bytes`` of any encoding) into a record."""

def clean_batch(
    texts: Iterable[_Doc],
    *,
    rules: _Rules = None,
    disable: Sequence[str] | None = (),
    guess: bool = True,
    fields: _Fields = None,
    no_audit: bool = False,
) -> list[Record]:
    """Clean many documents in parallel (GIL released), in input order."""

def fix(text: str, *, guess: bool = True) -> str:
    """Repair mis-encoded text (the repair stage alone)."""

def arrow_schema_ipc(*, fields: _Fields = None, no_audit: bool = False, error_field: bool = False) -> bytes:
    """The record's Arrow schema as an Arrow IPC stream (see ``rinse.arrow_schema``)."""
