//! Serialising records: JSONL (a JSONL input's fields merged in, byte for
//! byte), CSV rows, and the JSON lines that Parquet output takes as rows;
//! and the records of the error report.

use std::path::Path;

use serde::Serialize;

use crate::error::{Error, Result};
use crate::json::{self, WriteJson};
use crate::read::JsonDoc;
use crate::record::{FIELDS, FieldSet, Record};

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// One JSON object per line.
    #[default]
    Jsonl,
    /// Comma-separated values with a header row; list fields as JSON arrays.
    Csv,
    /// Parquet (cargo feature `parquet`). Records are serialised as JSONL
    /// lines holding the record's fields, then the input's other fields,
    /// which the Parquet writer turns into rows.
    Parquet,
}

impl Format {
    /// The format an output path implies by its extension (`.csv`,
    /// `.parquet`, or else JSONL; a `.gz`/`.zst` suffix is looked through).
    pub fn from_path(path: &Path) -> Format {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        let base = name
            .strip_suffix(".gz")
            .or_else(|| name.strip_suffix(".zst"))
            .unwrap_or(&name);
        if base.ends_with(".csv") {
            Format::Csv
        } else if base.ends_with(".parquet") {
            Format::Parquet
        } else {
            Format::Jsonl
        }
    }

    /// The bytes written before the first record (the CSV header). With
    /// `error_field`, records carry an `error` column/key after the record's fields.
    pub fn header(&self, error_field: bool) -> Vec<u8> {
        self.header_fields(error_field, FieldSet::ALL)
    }

    /// [`Format::header`] for records of the fields `fields` only.
    pub fn header_fields(&self, error_field: bool, fields: FieldSet) -> Vec<u8> {
        match self {
            Format::Jsonl | Format::Parquet => Vec::new(),
            Format::Csv => {
                let mut w = csv::Writer::from_writer(Vec::new());
                let mut names: Vec<&str> = fields.names().collect();
                if error_field {
                    names.push("error");
                }
                // Writing to a Vec cannot fail.
                let _ = w.write_record(names);
                w.into_inner().unwrap_or_default()
            }
        }
    }

    /// Serialises `rec`, followed by a line break, onto `out`. For JSONL input,
    /// `input` holds the input object: its fields come first, in their order and
    /// byte for byte, with `text_key`'s value replaced by the clean text; then the
    /// record's fields that the input does not have. With `error` set, an `error`
    /// key (CSV: column) follows, holding it.
    pub fn serialize(
        &self,
        rec: &Record,
        input: Option<(&JsonDoc, &str)>,
        error: Option<&str>,
        out: &mut Vec<u8>,
    ) -> Result<()> {
        self.serialize_fields(rec, input, error, FieldSet::ALL, out)
    }

    /// [`Format::serialize`] writing only the record's fields in `fields`
    /// (an input object's own fields are all written).
    pub fn serialize_fields(
        &self,
        rec: &Record,
        input: Option<(&JsonDoc, &str)>,
        error: Option<&str>,
        fields: FieldSet,
        out: &mut Vec<u8>,
    ) -> Result<()> {
        match self {
            Format::Jsonl => {
                out.reserve(rec.json_size_hint());
                match input {
                    None => write_selected(rec, fields, out),
                    Some((doc, text_key)) => write_merged(rec, doc, text_key, fields, out),
                }
                push_error(out, error);
            }
            Format::Parquet => {
                out.reserve(rec.json_size_hint());
                write_selected(rec, fields, out);
                if let Some((doc, text_key)) = input {
                    // The input's other fields, byte for byte, after the
                    // record's (the schema has the record's types first).
                    out.pop();
                    for (k, v) in &doc.fields {
                        if k == text_key || k == "error" || FIELDS.contains(&k.as_str()) {
                            continue;
                        }
                        out.push(b',');
                        json::push_str(out, k);
                        out.push(b':');
                        out.extend_from_slice(v.get().as_bytes());
                    }
                    out.push(b'}');
                }
                push_error(out, error);
            }
            Format::Csv => {
                // Strings borrowed as bytes: no copy of the text per record;
                // lists as JSON arrays.
                let mut row: Vec<std::borrow::Cow<'_, [u8]>> = fields
                    .names()
                    .map(|k| match string_field(rec, k) {
                        Some(s) => std::borrow::Cow::Borrowed(s.as_bytes()),
                        None => {
                            let mut cell = Vec::new();
                            if let Some(v) = rec.field(k) {
                                v.write_json(&mut cell);
                            }
                            std::borrow::Cow::Owned(cell)
                        }
                    })
                    .collect();
                if let Some(e) = error {
                    row.push(std::borrow::Cow::Borrowed(e.as_bytes()));
                }
                let mut w = csv::WriterBuilder::new()
                    .has_headers(false)
                    .from_writer(&mut *out);
                w.write_record(&row)
                    .map_err(|e| Error::Json(format!("CSV: {e}")))?;
                w.flush().map_err(|e| Error::io("<buffer>", e))?;
                return Ok(());
            }
        }
        out.push(b'\n');
        Ok(())
    }
}

/// The record's string field `name`; `None` for a list field.
fn string_field<'a>(rec: &'a Record, name: &str) -> Option<&'a str> {
    Some(match name {
        "id" => &rec.id,
        "source" => &rec.source,
        "title" => &rec.title,
        "dateline" => &rec.dateline,
        "text" => &rec.text,
        "encoding" => &rec.encoding,
        _ => return None,
    })
}

/// `rec` as a JSON object of the fields in `fields`, in record order.
fn write_selected(rec: &Record, fields: FieldSet, out: &mut Vec<u8>) {
    if fields.is_all() {
        rec.write_json(out);
        return;
    }
    out.push(b'{');
    for (i, k) in fields.names().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        json::push_str(out, k);
        out.push(b':');
        if let Some(v) = rec.field(k) {
            v.write_json(out);
        }
    }
    out.push(b'}');
}

/// Adds an `error` key holding `error`, when set, to the JSON object that
/// ends `out`.
fn push_error(out: &mut Vec<u8>, error: Option<&str>) {
    if let Some(e) = error {
        out.pop(); // the closing brace
        out.extend_from_slice(b",\"error\":");
        json::push_str(out, e);
        out.push(b'}');
    }
}

fn write_merged(rec: &Record, doc: &JsonDoc, text_key: &str, fields: FieldSet, out: &mut Vec<u8>) {
    out.push(b'{');
    let mut first = true;
    let mut key = |out: &mut Vec<u8>, k: &str| {
        if !first {
            out.push(b',');
        }
        first = false;
        json::push_str(out, k);
        out.push(b':');
    };
    for (k, v) in &doc.fields {
        key(out, k);
        if k == text_key {
            json::push_str(out, &rec.text);
        } else if (k == "id" || k == "source") && !v.get().starts_with('"') {
            // The input's own id and source win, as strings (every record
            // key keeps one type): a number or object as its JSON text,
            // null as the line's place.
            let text = doc.get_text(k);
            json::push_str(out, text.as_deref().unwrap_or(&rec.source));
        } else {
            out.extend_from_slice(v.get().as_bytes());
        }
    }
    // The record's fields the input does not have, in record order; `text` is
    // already in the text key's place.
    for k in FIELDS {
        if k == "text" || !fields.contains(k) || doc.get(k).is_some() {
            continue;
        }
        if let Some(value) = rec.field(k) {
            key(out, k);
            value.write_json(out);
        }
    }
    out.push(b'}');
}

/// A record of the error report (`--errors FILE`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct ErrorRecord {
    /// The file (and line, for JSONL) the document came from.
    pub source: String,
    /// The document's id, as far as it is known.
    pub id: String,
    /// Why it failed.
    pub reason: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{Fix, Related, Removed};

    /// Every record field is written as serde would write it, so that merged
    /// JSONL output and plain output agree field by field.
    #[test]
    fn write_field_covers_every_field_as_serde_does() {
        let rec = Record {
            id: "a".into(),
            source: "s".into(),
            title: "t\"q".into(),
            dateline: "d".into(),
            text: "x\ny".into(),
            captions: vec!["c".into()],
            credits: vec!["r".into()],
            related: vec![Related {
                section: "S".into(),
                title: "T".into(),
            }],
            removed: vec![Removed {
                rule: "r.r".into(),
                line: 3,
                text: "gone".into(),
            }],
            fixes: vec![Fix {
                rule: "repair.x".into(),
                line: 1,
                before: "b".into(),
                after: "a".into(),
            }],
            encoding: "UTF-8".into(),
        };
        let whole = serde_json::to_value(&rec).unwrap();
        for k in FIELDS {
            let mut out = Vec::new();
            rec.field(k).unwrap().write_json(&mut out);
            let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
            assert_eq!(v, whole[k], "{k}");
        }
    }
}
