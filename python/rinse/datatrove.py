"""A datatrove ``PipelineStep`` that cleans documents with rinse.

Each document's ``text`` becomes rinse's clean body; rinse's other fields
(title, dateline, captions, credits, related links, removed lines, fixes,
encoding) go into ``doc.metadata[metadata_key]``, always with the same keys
and types. Documents are cleaned in batches with :func:`rinse.clean_batch`,
so the work runs on rinse's threads with the GIL released.

    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter
    from rinse.datatrove import RinseClean

    pipeline = [JsonlReader("in/"), RinseClean(), JsonlWriter("out/")]

``RinseClean(no_audit=True)`` (or ``fields=[...]``) keeps fewer of rinse's
fields. For datatrove's ``ParquetWriter``, pass ``schema=parquet_schema(...)``:
inferred from the first batch, a batch whose lists are all empty gives
``list<null>`` columns that later batches cannot be written to.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import islice

from datatrove.data import DocumentsPipeline
from datatrove.pipeline.base import PipelineStep
from datatrove.utils.typeshelper import StatHints

from rinse import arrow_schema, clean_batch

#: Record keys not copied into the metadata: ``text`` replaces ``doc.text``,
#: and ``id``/``source`` are the document's own.
_SKIP = ("text", "id", "source")


class RinseClean(PipelineStep):
    """Clean ``doc.text`` with rinse and keep rinse's fields in the metadata.

    Args:
        rules: extra rule folders (like ``rinse clean --rules``).
        disable: rule ids to turn off (like ``--disable``).
        guess: guess characters lost to U+FFFD (``False`` is ``--no-guess``).
        metadata_key: the metadata key that receives rinse's fields.
        drop_empty: drop documents whose clean body is empty.
        batch_size: documents per :func:`rinse.clean_batch` call.
        fields: rinse's fields to keep (names, or a comma-separated string),
            like ``rinse clean --fields``.
        no_audit: leave out the audit trail (``removed``, ``fixes``), like
            ``--no-audit``.
    """

    name = "🧽 rinse"
    type = "✂️ - FORMAT"

    def __init__(
        self,
        *,
        rules=None,
        disable: Sequence[str] = (),
        guess: bool = True,
        metadata_key: str = "rinse",
        drop_empty: bool = False,
        batch_size: int = 256,
        fields=None,
        no_audit: bool = False,
    ):
        super().__init__()
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, not {batch_size}")
        self.rules = rules
        self.disable = tuple(disable)
        self.guess = guess
        self.metadata_key = metadata_key
        self.drop_empty = drop_empty
        self.batch_size = batch_size
        self.fields = fields
        self.no_audit = no_audit

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        """Clean the documents of ``data``, in order, in batches."""
        if data is None:
            return
        it = iter(data)
        while batch := list(islice(it, self.batch_size)):
            with self.track_time(unit="batch"):
                records = clean_batch(
                    [doc.text for doc in batch],
                    rules=self.rules,
                    disable=self.disable,
                    guess=self.guess,
                    fields=self.fields,
                    no_audit=self.no_audit,
                )
            for doc, rec in zip(batch, records):
                self.stat_update(StatHints.total)
                if "removed" in rec:
                    self.stat_update("lines_removed", value=len(rec["removed"]))
                if "fixes" in rec:
                    self.stat_update("fixes", value=len(rec["fixes"]))
                if "text" in rec:
                    doc.text = rec["text"]
                doc.metadata[self.metadata_key] = {k: v for k, v in rec.items() if k not in _SKIP}
                if self.drop_empty and not doc.text:
                    self.stat_update(StatHints.dropped)
                    continue
                self.stat_update(StatHints.forwarded)
                self.update_doc_stats(doc)
                yield doc


def metadata_type(*, fields=None, no_audit: bool = False):
    """The Arrow type of ``doc.metadata[metadata_key]`` as :class:`RinseClean`
    fills it: a struct of rinse's fields but ``text``, ``id`` and ``source``."""
    import pyarrow as pa

    schema = arrow_schema(fields=fields, no_audit=no_audit)
    return pa.struct([f for f in schema if f.name not in _SKIP])


def parquet_schema(metadata=(), *, metadata_key: str = "rinse", fields=None, no_audit: bool = False):
    """A ``pyarrow.Schema`` for datatrove's ``ParquetWriter(schema=...)`` after
    :class:`RinseClean`: ``text``, ``id``, and ``metadata``, a struct of the
    ``metadata`` fields given (``pyarrow`` fields or ``(name, type)`` pairs,
    the documents' own) and rinse's fields under ``metadata_key``.

        ParquetWriter("out/", schema=parquet_schema([("url", pyarrow.string())]))
    """
    import pyarrow as pa

    own = [f if isinstance(f, pa.Field) else pa.field(*f) for f in metadata]
    meta = pa.struct([*own, pa.field(metadata_key, metadata_type(fields=fields, no_audit=no_audit))])
    return pa.schema([("text", pa.string()), ("id", pa.string()), ("metadata", meta)])
