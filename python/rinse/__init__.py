"""rinse: turn scraped web text into clean, structured records.

The work is done by rinse's Rust core (``rinse._rinse``):

* :func:`clean` cleans one document into a record (a dict with the keys in
  :data:`FIELDS`);
* :func:`clean_batch` cleans many in parallel on rinse's threads, with the GIL
  released, in input order;
* :func:`fix` runs the repair stage alone (mojibake, lost characters).

``rinse.datatrove`` has a datatrove ``PipelineStep`` built on them.
"""

from rinse._rinse import FIELDS, __version__, clean, clean_batch, fix

__all__ = ["FIELDS", "__version__", "clean", "clean_batch", "fix"]
