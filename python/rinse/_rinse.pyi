"""Type stubs of rinse's Rust core (src/python.rs)."""

import os
from collections.abc import Iterable, Sequence
from typing import TypedDict, Union

_Doc = Union[str, bytes]
_Rules = Union[None, str, os.PathLike[str], Sequence[Union[str, os.PathLike[str]]]]

class Related(TypedDict):
    """A related-link item and the section header it stood under."""

    section: str
    title: str

class Removed(TypedDict):
    """A dropped line and the rule that dropped it (``line`` is 1-based)."""

    rule: str
    line: int
    text: str

class Fix(TypedDict):
    """One repair: the smallest span that shows it, before and after."""

    rule: str
    line: int
    before: str
    after: str

class Record(TypedDict):
    """One cleaned document. Every key is always present with this type."""

    id: str
    source: str
    title: str
    dateline: str
    text: str
    captions: list[str]
    credits: list[str]
    related: list[Related]
    removed: list[Removed]
    fixes: list[Fix]
    encoding: str

FIELDS: list[str]
"""The keys of a record, in order."""

__version__: str

def clean(
    text: _Doc,
    *,
    rules: _Rules = None,
    disable: Sequence[str] | None = (),
    guess: bool = True,
) -> Record:
    """Clean one document (``str``, or ``bytes`` of any encoding) into a record."""

def clean_batch(
    texts: Iterable[_Doc],
    *,
    rules: _Rules = None,
    disable: Sequence[str] | None = (),
    guess: bool = True,
) -> list[Record]:
    """Clean many documents in parallel (GIL released), in input order."""

def fix(text: str, *, guess: bool = True) -> str:
    """Repair mis-encoded text (the repair stage alone)."""
