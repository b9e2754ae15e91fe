//! A worker's part: one job cleaned and serialised into an [`Outcome`].

use serde_json::value::RawValue;

use super::buffers::Shared;
use super::jobs::Job;
use super::jsonl;
use super::{Config, OnError};
use crate::classify::Decision;
use crate::cleaner::Cleaner;
use crate::error::{Error, Result};
use crate::read::{self, JsonDoc};
use crate::record::Record;
use crate::write::ErrorRecord;

/// What a worker made of a job in a round: an outcome, or the job left for
/// the next round (the batch's records reached [`Config::batch_out_bytes`]).
pub(super) enum Step {
    Done(Outcome),
    Later(Job),
}

pub(super) enum Outcome {
    Written {
        bytes_in: u64,
        out: Vec<u8>,
        /// The dolma attribute line, when asked for.
        attributes: Vec<u8>,
    },
    /// A failed document, its input bytes, and its dolma attribute line
    /// when the worker made it (else the writer makes one from the error's id).
    Failed(ErrorRecord, u64, Vec<u8>),
}

impl Outcome {
    /// The bytes of output it holds.
    pub(super) fn held(&self) -> usize {
        match self {
            Outcome::Written {
                out, attributes, ..
            } => out.len() + attributes.len(),
            Outcome::Failed(..) => 0,
        }
    }
}

/// The reason text of an error, without the path (which the report names already).
pub(super) fn error_reason(e: &Error) -> String {
    match e {
        Error::Io { error, .. } => error.to_string(),
        other => other.to_string(),
    }
}

pub(super) fn process(job: Job, cleaner: &Cleaner, config: &Config, shared: &Shared) -> Outcome {
    match job {
        Job::Done(o) => o,
        Job::Failed(err, size) => Outcome::Failed(err, size, Vec::new()),
        Job::Text(input, known) => {
            let source = input.source();
            let fail = |reason: String, size| {
                Outcome::Failed(
                    ErrorRecord {
                        source: source.clone(),
                        id: input.id.clone(),
                        reason,
                    },
                    size,
                    Vec::new(),
                )
            };
            let limit = cleaner.max_doc_bytes();
            let stop = config.interrupt.as_ref();
            let bytes = match read::read_text_with(&input, limit, known, stop) {
                Ok(b) => b,
                Err(e) => return fail(error_reason(&e), 0),
            };
            let size = bytes.len() as u64;
            let (rec, attributes) = match cleaner.clean_bytes_borrowed(&bytes, None) {
                Ok((mut rec, decisions, text)) => {
                    rec.id = input.id.clone();
                    rec.source = source.clone();
                    let attributes = attribute_line(config, (None, &rec.id), &text, &decisions);
                    (rec, attributes)
                }
                Err(e) => return fail(error_reason(&e), size),
            };
            // The input and the line decisions go before the record is
            // serialised: only the record and its output are held then.
            drop(bytes);
            finish(rec, None, attributes, size, (config, shared))
                .unwrap_or_else(|e| fail(error_reason(&e), size))
        }
        Job::Json {
            source,
            line_no,
            line,
        } => {
            let size = line.len() as u64;
            let src = format!("{source}:{line_no}");
            // `raw` is the input's own id, for the attribute line.
            let fail = |id: String, raw: Option<&RawValue>, reason: String| {
                let mut line = Vec::new();
                if config.attributes {
                    let id = crate::write::id_json(raw, &id);
                    crate::write::attributes_line(&id, "", &[], &mut line);
                }
                Outcome::Failed(
                    ErrorRecord {
                        source: src.clone(),
                        id,
                        reason,
                    },
                    size,
                    line,
                )
            };
            let doc = match jsonl::parse(&line) {
                Ok(d) => d,
                Err(reason) => return fail(String::new(), None, reason),
            };
            // Always a string: a number or object as its JSON text, none
            // or null as the line's place.
            let id = doc.get_text(&config.id_key).unwrap_or_else(|| src.clone());
            let raw_id = doc.get(&config.id_key);
            let body = match jsonl::text_field(&doc, &config.text_key) {
                Ok(body) => body,
                Err(reason) => return fail(id, raw_id, reason),
            };
            let (rec, attributes) = match cleaner.clean_text_detailed(&body) {
                Ok((mut rec, decisions)) => {
                    rec.id = id.clone();
                    rec.source = src.clone();
                    let attributes = attribute_line(config, (raw_id, &rec.id), &body, &decisions);
                    (rec, attributes)
                }
                Err(e) => return fail(id, raw_id, error_reason(&e)),
            };
            drop(body);
            let input = Some((&doc, config.text_key.as_str()));
            finish(rec, input, attributes, size, (config, shared))
                .unwrap_or_else(|e| fail(id, raw_id, error_reason(&e)))
        }
    }
}

/// The output line standing in for a failed document (`--on-error record`).
pub(super) fn error_record(err: &ErrorRecord, config: &Config) -> Result<Vec<u8>> {
    let rec = Record {
        id: err.id.clone(),
        source: err.source.clone(),
        ..Record::default()
    };
    let mut out = Vec::new();
    config
        .format
        .serialize_fields(&rec, None, Some(&err.reason), config.fields, &mut out)?;
    Ok(out)
}

/// The dolma attribute line of a cleaned document, when asked for: `id` is
/// its input's own id (JSONL) and its record id, `text` its input text and
/// `decisions` its line decisions.
pub(super) fn attribute_line(
    config: &Config,
    (raw, id): (Option<&RawValue>, &str),
    text: &str,
    decisions: &[Decision],
) -> Vec<u8> {
    let mut line = Vec::new();
    if config.attributes {
        let id = crate::write::id_json(raw, id);
        crate::write::attributes_line(&id, text, decisions, &mut line);
    }
    line
}

/// Serialises a cleaned document, with its attribute line (empty when not
/// asked for).
pub(super) fn finish(
    rec: Record,
    input: Option<(&JsonDoc, &str)>,
    attributes: Vec<u8>,
    bytes_in: u64,
    (config, shared): (&Config, &Shared),
) -> Result<Outcome> {
    // The format sizes the buffer from the record.
    let mut out = shared.buffer();
    let error = (config.on_error == OnError::Record).then_some("");
    config
        .format
        .serialize_fields(&rec, input, error, config.fields, &mut out)?;
    shared.count(rec);
    Ok(Outcome::Written {
        bytes_in,
        out,
        attributes,
    })
}
