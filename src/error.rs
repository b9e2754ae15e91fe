//! Errors of the library. Each names the input it happened on and the reason;
//! an error on one document never stops the others.

use std::path::PathBuf;

/// The result type of the library.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong while reading, cleaning or writing.
///
/// New kinds of error may be added in a minor release: match with a `_` arm.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file could not be opened, read or written.
    #[error("{path}: {error}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What the operating system said.
        error: std::io::Error,
    },
    /// The bytes look like a binary file, not text.
    #[error("binary file: {reason}")]
    Binary {
        /// Why the bytes were judged binary.
        reason: String,
    },
    /// The document is larger than the configured limit.
    #[error("document is {size} bytes, over the limit of {limit} bytes (--max-doc-bytes)")]
    TooLarge {
        /// The document's size in bytes.
        size: u64,
        /// The limit in bytes.
        limit: u64,
    },
    /// The document has more lines than the size limit allows, a line
    /// counting as 64 bytes however short: its lines, not its bytes, would
    /// take the memory.
    #[error(
        "document has {lines} lines, over the limit of {limit} bytes at {} bytes a line (--max-doc-bytes)",
        crate::cleaner::LINE_BYTES
    )]
    TooManyLines {
        /// The document's lines.
        lines: u64,
        /// The limit in bytes.
        limit: u64,
    },
    /// A JSONL line is not a JSON object, or lacks the text field.
    #[error("{0}")]
    Json(String),
    /// The run was interrupted (by a signal) before it finished.
    #[error("interrupted")]
    Interrupted,
    /// A document failed and the run was asked to stop at the first failure.
    #[error("{origin}: {reason} (stopped: --on-error fail)")]
    Stopped {
        /// Where the failed document came from.
        origin: String,
        /// Why it failed.
        reason: String,
    },
    /// A rule file is malformed.
    #[error("{file}: rule {rule:?}: {problem}")]
    Rule {
        /// The rule file (`<builtin>/promo.toml` for an embedded one).
        file: String,
        /// The rule id, or `""` when the problem is with the file as a whole.
        rule: String,
        /// What is wrong.
        problem: String,
    },
    /// A folder of rule files could not be read, or holds a bad rule file
    /// ([`crate::CleanerBuilder::rules_dir`]).
    #[error("loading rules from {}: {error}", dir.display())]
    RuleDir {
        /// The folder.
        dir: PathBuf,
        /// What went wrong in it: [`Error::Io`] or [`Error::Rule`].
        error: Box<Error>,
    },
    /// A rule id to disable is no rule's ([`crate::CleanerBuilder::disable`]).
    #[error("no rule has the id {id:?}")]
    UnknownRule {
        /// The id.
        id: String,
    },
    /// A line-model file is malformed or does not fit this build.
    #[error("line model: {problem}")]
    Model {
        /// What is wrong.
        problem: String,
    },
}

impl Error {
    /// An I/O error on `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            error: source,
        }
    }
}
