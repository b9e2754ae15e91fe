"""The types of rinse's records, as ``TypedDict`` classes usable at run time.

``rinse.clean`` returns a :class:`Record`; every key is always present with
its type (unless ``fields=``/``no_audit=`` leave some out).
"""

from __future__ import annotations

from typing import TypedDict


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
    """One cleaned document."""

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
