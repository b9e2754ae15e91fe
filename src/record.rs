//! The record rinse writes for each input document, and its parts.
//!
//! Every field is always present with a fixed type, so that Arrow-based readers
//! (datasets, Spark, Polars) see one schema for the whole output.

use serde::{Deserialize, Serialize};

/// One cleaned document.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    /// Path relative to the folder given on the command line, the file name for a
    /// file argument, or the input's own id for JSONL input.
    pub id: String,
    /// Where the document was read from: a path, or `FILE:LINE` for JSONL input.
    pub source: String,
    /// The headline, `""` when none was found.
    pub title: String,
    /// The dateline (`SHUSHA, Azerbaijan`), `""` when none was found.
    pub dateline: String,
    /// The article body after repair, paragraphs joined by a blank line.
    pub text: String,
    /// Photo captions and photo credits.
    pub captions: Vec<String>,
    /// Reporting and editing credits, agency slugs.
    pub credits: Vec<String>,
    /// Related-link items, each with the section header it stood under.
    pub related: Vec<Related>,
    /// Every line dropped, and the rule that dropped it.
    pub removed: Vec<Removed>,
    /// Every repair made to the text.
    pub fixes: Vec<Fix>,
    /// The encoding the bytes were decoded from (`UTF-8`, `windows-1252`…).
    pub encoding: String,
}

/// A related-link item.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Related {
    /// The header the item stood under (`Next In World`), `""` when none.
    pub section: String,
    /// The item's text.
    pub title: String,
}

/// A line that was dropped from the document.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Removed {
    /// The id of the rule or signal that dropped it.
    pub rule: String,
    /// The 1-based line number in the decoded input.
    pub line: usize,
    /// The line's text (after repair).
    pub text: String,
}

/// One repair made to the text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fix {
    /// The id of the repair rule (`repair.mojibake`, `repair.fffd-space`…).
    pub rule: String,
    /// The 1-based line number in the decoded input.
    pub line: usize,
    /// The text before the repair (the smallest span that shows it).
    pub before: String,
    /// The text after the repair.
    pub after: String,
}

/// The names of a record's fields, in output order (CSV header, schema checks).
pub const FIELDS: [&str; 11] = [
    "id", "source", "title", "dateline", "text", "captions", "credits", "related", "removed",
    "fixes", "encoding",
];
