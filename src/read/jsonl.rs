//! JSON Lines: one line read at a time within a size limit (a longer line
//! skipped, never held whole), and each line's document, its fields kept in
//! order and borrowed from the line byte for byte.

use std::io::BufRead;

use serde::de::{Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;

/// What [`read_line_limited`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineRead {
    /// The end of the input: no line.
    Eof,
    /// A line, now in the buffer.
    Line,
    /// A line longer than the limit, skipped; its size in bytes.
    TooLong(u64),
}

/// Reads one line (without its `\n` or `\r\n`) into `buf`; a line over `limit`
/// bytes is skipped to its end and reported with its size, never held in memory.
pub fn read_line_limited(
    r: &mut dyn BufRead,
    buf: &mut Vec<u8>,
    limit: u64,
) -> std::io::Result<LineRead> {
    let mut size = 0u64;
    let mut any = false;
    loop {
        let chunk = r.fill_buf()?;
        if chunk.is_empty() {
            break;
        }
        any = true;
        let (take, done) = match memchr::memchr(b'\n', chunk) {
            Some(i) => (i, true),
            None => (chunk.len(), false),
        };
        size += take as u64;
        if size <= limit {
            buf.extend_from_slice(&chunk[..take]);
        } else {
            buf.clear();
        }
        r.consume(if done { take + 1 } else { take });
        if done {
            break;
        }
    }
    if !any {
        return Ok(LineRead::Eof);
    }
    if size > limit {
        return Ok(LineRead::TooLong(size));
    }
    if buf.last() == Some(&b'\r') {
        buf.pop();
    }
    Ok(LineRead::Line)
}

/// A JSONL document: its fields in input order, values kept byte for byte and
/// borrowed from the line (no copy of a document's text before it is decoded).
#[derive(Debug)]
pub struct JsonDoc<'a> {
    /// (key, raw JSON value) pairs, in input order.
    pub fields: Vec<(String, &'a RawValue)>,
}

impl<'a> JsonDoc<'a> {
    /// Parses one JSONL line. Fails unless it is a JSON object.
    pub fn parse(line: &'a str) -> std::result::Result<Self, String> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Vec<(String, &'de RawValue)>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, &'de RawValue>()? {
                    out.push((k, v));
                }
                Ok(out)
            }
        }
        let mut de = serde_json::Deserializer::from_str(line);
        let fields = (&mut de).deserialize_map(V).map_err(|e| {
            if e.is_data() {
                "not a JSON object".to_string()
            } else {
                format!("invalid JSON: {e}")
            }
        })?;
        de.end().map_err(|e| format!("invalid JSON: {e}"))?;
        Ok(JsonDoc { fields })
    }

    /// The raw value of `key`, if present.
    pub fn get(&self, key: &str) -> Option<&'a RawValue> {
        self.fields.iter().find(|(k, _)| k == key).map(|(_, v)| *v)
    }

    /// The value of `key` as a string, if present and a string.
    pub fn get_str(&self, key: &str) -> Option<String> {
        self.get(key)
            .and_then(|v| serde_json::from_str::<String>(v.get()).ok())
    }

    /// The value of `key` as a string, if present: `Err` says what is wrong
    /// with it (`is not a string`, or a string holding a lone surrogate
    /// escape such as `\ud800`, which is no character).
    pub fn get_string(&self, key: &str) -> Option<std::result::Result<String, String>> {
        let raw = self.get(key)?.get();
        Some(serde_json::from_str::<String>(raw).map_err(|_| {
            if raw.starts_with('"') {
                // The line parsed, so its escapes are well formed: what
                // fails is a surrogate escape without its other half.
                let at = lone_surrogate(raw).unwrap_or("\\uD800-\\uDFFF");
                format!(
                    "holds a lone surrogate escape ({at} without its pair), which is no character"
                )
            } else {
                "is not a string".to_string()
            }
        }))
    }

    /// The value of `key` as text, for an id: a string's value; a number,
    /// `true`/`false`, an object or an array as its JSON text as written
    /// (`5` → `"5"`). `None` when it is absent or `null`, or a string that
    /// is not valid text.
    pub fn get_text(&self, key: &str) -> Option<String> {
        let raw = self.get(key)?.get();
        match raw.as_bytes().first() {
            Some(b'"') => serde_json::from_str::<String>(raw).ok(),
            _ if raw == "null" => None,
            _ => Some(raw.to_string()),
        }
    }
}

/// The first `\uXXXX` escape of the JSON string `raw` that is a surrogate
/// (`\ud800` to `\udfff`) not in a high-low pair.
fn lone_surrogate(raw: &str) -> Option<&str> {
    let b = raw.as_bytes();
    let unit = |i: usize| -> Option<u16> {
        (b.get(i..i + 2) == Some(b"\\u"))
            .then(|| raw.get(i + 2..i + 6))
            .flatten()
            .and_then(|h| u16::from_str_radix(h, 16).ok())
    };
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'\\' {
            i += 1;
            continue;
        }
        match unit(i) {
            Some(0xD800..=0xDBFF) if matches!(unit(i + 6), Some(0xDC00..=0xDFFF)) => i += 12,
            Some(0xD800..=0xDFFF) => return raw.get(i..i + 6),
            // Any other escape: skip the backslash and what it escapes.
            _ => i += 2,
        }
    }
    None
}

/// Takes a UTF-8 byte order mark off the start of `line` (the first line of
/// a JSONL file written by a tool that marks its UTF-8).
pub fn strip_bom(line: &mut Vec<u8>) {
    if line.starts_with(b"\xef\xbb\xbf") {
        line.drain(..3);
    }
}
