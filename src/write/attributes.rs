//! dolma attribute files: for each document, the character spans of the
//! lines rinse removed or kept out of the body, and two document-level
//! attributes for dolma's filters.

use crate::classify::{Class, Decision};
use crate::json;

/// One line of a dolma attribute file for a document: character spans (code
/// points, as Python counts them) of `text`'s lines that rinse did not keep in
/// the body. `rinse__boilerplate` holds the removed lines (boilerplate and
/// trailer), `rinse__not_body` every non-blank line outside the body (those and
/// the title, dateline, captions, credits and related links). Each span is
/// `[start, end, 1.0]`. Two document-level attributes span the whole text
/// (`[[0, length, score]]`), for dolma's `filter.exclude`:
/// `rinse__body_empty` scores 1.0 when rinse kept no body line, else 0.0;
/// `rinse__removed_share` is the share of non-blank lines removed (0.0 to 1.0).
/// With `decisions` empty (a failed document) the span lists are empty and
/// the body counts as empty.
///
/// `id_json` is the document's id as JSON, as the input has it (`"d1"`,
/// `12345`): dolma's mixer matches it against the document's own `id`, type
/// and all.
pub fn attributes_line(id_json: &str, text: &str, decisions: &[Decision], out: &mut Vec<u8>) {
    let mut boilerplate: Vec<(usize, usize, f32)> = Vec::new();
    let mut not_body: Vec<(usize, usize, f32)> = Vec::new();
    let (mut lines, mut body) = (0usize, 0usize);
    let mut start = 0usize;
    for (line, d) in text
        .split('\n')
        .zip(decisions.iter().chain(std::iter::repeat(&Decision::BLANK)))
    {
        let len = line.chars().count();
        let end = start + line.trim_end().chars().count();
        if d.class != Class::Blank {
            lines += 1;
        }
        match d.class {
            Class::Blank => {}
            Class::Body => body += 1,
            class => {
                if matches!(class, Class::Boilerplate | Class::Trailer) {
                    boilerplate.push((start, end, 1.0));
                }
                not_body.push((start, end, 1.0));
            }
        }
        start += len + 1;
    }
    if decisions.is_empty() {
        boilerplate.clear();
        not_body.clear();
        body = 0;
    }
    let length = text.chars().count();
    let empty = if body == 0 { 1.0 } else { 0.0 };
    let share = if lines == 0 {
        0.0
    } else {
        // Rounded so that the attribute files read the same on every platform.
        ((boilerplate.len() as f64 / lines as f64) * 10_000.0).round() / 10_000.0
    };
    let attributes = serde_json::json!({
        "rinse__boilerplate": boilerplate,
        "rinse__not_body": not_body,
        "rinse__body_empty": [[0, length, empty]],
        "rinse__removed_share": [[0, length, share]],
    });
    out.extend_from_slice(b"{\"id\":");
    out.extend_from_slice(id_json.as_bytes());
    out.extend_from_slice(b",\"attributes\":");
    // Serialising a json! value cannot fail.
    let _ = serde_json::to_writer(&mut *out, &attributes);
    out.extend_from_slice(b"}\n");
}

/// A document id as JSON for [`attributes_line`]: the input's own `raw` id
/// when it is a string or a number (kept byte for byte), else `fallback`
/// as a string.
pub fn id_json(raw: Option<&serde_json::value::RawValue>, fallback: &str) -> String {
    match raw.map(|r| r.get()) {
        Some(r)
            if r.starts_with('"')
                || r.starts_with('-')
                || r.starts_with(|c: char| c.is_ascii_digit()) =>
        {
            r.to_string()
        }
        _ => {
            let mut out = Vec::new();
            json::push_str(&mut out, fallback);
            String::from_utf8(out).unwrap_or_default()
        }
    }
}
