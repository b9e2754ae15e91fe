//! The record rinse writes for each input document, and its parts.
//!
//! Every field is always present with a fixed type, so that Arrow-based readers
//! (datasets, Spark, Polars) see one schema for the whole output.

use std::borrow::Cow;

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
    /// The id of the rule or signal that dropped it (borrowed when rinse
    /// made the record: the ids are constants or interned by the rule set).
    pub rule: Cow<'static, str>,
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

/// A choice of a record's fields to write (`--fields`, `--no-audit`), in
/// [`FIELDS`] order whatever order they were named in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FieldSet(u16);

/// The audit trail: the fields `--no-audit` leaves out.
pub const AUDIT_FIELDS: [&str; 2] = ["removed", "fixes"];

impl FieldSet {
    /// Every field.
    pub const ALL: FieldSet = FieldSet((1 << FIELDS.len()) - 1);

    /// The fields named in `spec`, separated by commas (`id,text,title`).
    /// An unknown name is an error that lists the known ones.
    pub fn parse(spec: &str) -> Result<FieldSet, String> {
        let mut set = 0u16;
        for name in spec.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            let i = FIELDS.iter().position(|f| *f == name).ok_or_else(|| {
                format!(
                    "unknown field {name:?}; the record's fields are {}",
                    FIELDS.join(",")
                )
            })?;
            set |= 1 << i;
        }
        if set == 0 {
            return Err("no field named (give a comma-separated list such as id,text)".into());
        }
        Ok(FieldSet(set))
    }

    /// Every field but the audit trail ([`AUDIT_FIELDS`]).
    pub fn without_audit() -> FieldSet {
        let mut set = Self::ALL.0;
        for (i, f) in FIELDS.iter().enumerate() {
            if AUDIT_FIELDS.contains(f) {
                set &= !(1 << i);
            }
        }
        FieldSet(set)
    }

    /// Whether every field is in.
    pub fn is_all(self) -> bool {
        self == Self::ALL
    }

    /// Whether the field `name` is in.
    pub fn contains(self, name: &str) -> bool {
        FIELDS
            .iter()
            .position(|f| *f == name)
            .is_some_and(|i| self.0 & (1 << i) != 0)
    }

    /// The names of the fields in, in [`FIELDS`] order.
    pub fn names(self) -> impl Iterator<Item = &'static str> {
        FIELDS
            .iter()
            .enumerate()
            .filter(move |(i, _)| self.0 & (1 << i) != 0)
            .map(|(_, f)| *f)
    }
}

impl Default for FieldSet {
    fn default() -> Self {
        Self::ALL
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_sets_parse_in_record_order_and_name_unknown_fields() {
        let s = FieldSet::parse("text, id,title").unwrap();
        assert_eq!(s.names().collect::<Vec<_>>(), ["id", "title", "text"]);
        assert!(s.contains("text") && !s.contains("removed"));
        assert!(FieldSet::parse("id,body").unwrap_err().contains("\"body\""));
        assert!(FieldSet::parse(" , ").is_err());
        let n = FieldSet::without_audit();
        assert!(!n.contains("removed") && !n.contains("fixes") && n.contains("encoding"));
        assert_eq!(n.names().count(), FIELDS.len() - 2);
        assert!(FieldSet::ALL.is_all() && FieldSet::default().is_all());
    }
}
