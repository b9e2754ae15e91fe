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
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import islice

from datatrove.data import DocumentsPipeline
from datatrove.pipeline.base import PipelineStep
from datatrove.utils.typeshelper import StatHints

from rinse import clean_batch

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
                )
            for doc, rec in zip(batch, records):
                self.stat_update(StatHints.total)
                self.stat_update("lines_removed", value=len(rec["removed"]))
                self.stat_update("fixes", value=len(rec["fixes"]))
                doc.text = rec["text"]
                doc.metadata[self.metadata_key] = {k: v for k, v in rec.items() if k not in _SKIP}
                if self.drop_empty and not doc.text:
                    self.stat_update(StatHints.dropped)
                    continue
                self.stat_update(StatHints.forwarded)
                self.update_doc_stats(doc)
                yield doc
