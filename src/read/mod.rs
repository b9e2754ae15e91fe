//! Stage 1: find the input documents and read them.
//!
//! Inputs are files, folders (walked recursively in sorted order, keeping files
//! that match a glob), JSONL files (one document per line, gzip or zstd
//! compressed or not) or standard input, found by [`find_inputs`] in input order;
//! the pipeline reads a text file's bytes in the worker that cleans it, so reading
//! runs in parallel too.
//!
//! The stage is in three parts: `find` lists the inputs (folders walked, globs,
//! `--files-from` lists, shards, ids and output names); `open` opens them
//! (decompression, the format known by name or, for standard input, by its
//! first line, reads a signal stops, whole text documents within a limit);
//! `jsonl` reads JSON Lines (lines within a limit, each line's document);
//! `wet` reads WET files (Common Crawl's page text in WARC records) as JSON
//! Lines, one object per text record.

use std::path::PathBuf;

mod find;
mod jsonl;
mod open;
mod wet;

pub use find::{
    DEFAULT_GLOB, FileId, FindError, find_inputs, find_inputs_skipping, output_name,
    read_path_list, shard,
};
pub use jsonl::{JsonDoc, LineRead, read_line_limited, strip_bom};
#[cfg(feature = "parquet")]
pub(crate) use open::stopped_error;
pub(crate) use open::{Known, is_compressed_name, read_text_with};
pub use open::{
    Stop, decompress, detect_stdin_jsonl, is_stop, open, open_stoppable, read_text,
    read_text_stoppable, stdin_metadata,
};
pub use wet::WetLines;

/// How to read an input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum InputFormat {
    /// `.jsonl`, `.jsonl.gz`, `.jsonl.zst` (and `.json*` alike) are JSONL,
    /// `.wet` (also compressed) WET, the rest text; standard input is JSONL
    /// or WET when it looks like it ([`detect_stdin_jsonl`]).
    #[default]
    Auto,
    /// Every input is one text document.
    Text,
    /// Every input is JSONL, one document per line (or WET, one document
    /// per text record, when it starts with a WARC record).
    Jsonl,
}

/// One input file (or standard input) found on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputFile {
    /// The path as read; `None` for standard input.
    pub path: Option<PathBuf>,
    /// The document id: the path relative to the folder given, or the file name.
    pub id: String,
    /// Whether the file is read as JSONL (or as WET, which is read as
    /// JSONL: see [`WetLines`]).
    pub jsonl: bool,
}

impl InputFile {
    /// The source name used in records and errors: the path, or `-` for stdin.
    pub fn source(&self) -> String {
        match &self.path {
            Some(p) => p.display().to_string(),
            None => "-".to_string(),
        }
    }
}
