//! Stage 7: serialise records as JSONL or CSV, and write output files atomically.
//!
//! Records are serialised by the worker that cleaned them ([`Format::serialize`]),
//! so the writer only copies finished bytes, in input order. An output file is
//! written under a temporary name in its folder and renamed when complete
//! ([`AtomicFile`]), so an interrupted run never leaves a half file under the
//! final name. A path that is not a regular file (a FIFO, a device,
//! `/dev/stdout`, `/proc/self/fd/N`) is written in place, never renamed over
//! ([`Destination`]).
//!
//! The stage is in four parts: `format` serialises records (JSONL, CSV, the
//! rows of Parquet); `atomic` writes a file under a temporary name and renames
//! it when complete, or in place for special files; `output` is where the
//! records of a run go (standard output or a file, compressed by its name);
//! `attributes` writes dolma attribute lines.

mod atomic;
mod attributes;
mod format;
mod output;

pub use atomic::{
    AtomicFile, Destination, SYNC_EVERY, TEMP_SUFFIX, is_temporary_name,
    remove_stale_temporary_files, remove_temporary_files, written_in_place,
};
pub use attributes::{attributes_line, id_json};
pub use format::{ErrorRecord, Format};
pub use output::{Compression, Output};
