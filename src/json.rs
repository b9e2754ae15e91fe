//! Compact JSON for records, written straight into the output buffer.
//!
//! The bytes are exactly those of `serde_json::to_writer` on the same values
//! (the serde derives of [`Record`] and its parts stay the reference, and the
//! tests compare the two), but strings are scanned for bytes that need escaping
//! sixteen at a time ([`simd::find`]) instead of one at a time.

use crate::record::{Fix, Record, Related, Removed};
use crate::simd::{self, Bytes16, Mask16};

/// A value that writes itself as compact JSON, as `serde_json` would.
pub(crate) trait WriteJson {
    /// Appends the JSON of `self` to `out`.
    fn write_json(&self, out: &mut Vec<u8>);
}

/// Appends the escape sequence of `b`, a byte that [`needs_escape`] takes.
fn push_escape(out: &mut Vec<u8>, b: u8) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    match b {
        b'"' => out.extend_from_slice(b"\\\""),
        b'\\' => out.extend_from_slice(b"\\\\"),
        b'\n' => out.extend_from_slice(b"\\n"),
        b'\t' => out.extend_from_slice(b"\\t"),
        b'\r' => out.extend_from_slice(b"\\r"),
        0x08 => out.extend_from_slice(b"\\b"),
        0x0C => out.extend_from_slice(b"\\f"),
        _ => out.extend_from_slice(&[
            b'\\',
            b'u',
            b'0',
            b'0',
            HEX[usize::from(b >> 4)],
            HEX[usize::from(b & 0xF)],
        ]),
    }
}

/// The bytes JSON must escape: control bytes below 0x20, `"` and `\`.
#[inline(always)]
fn needs_escape(x: Bytes16) -> Mask16 {
    x.range(0x00, 0x1F) | x.eq(b'"') | x.eq(b'\\')
}

/// Appends `s` as a JSON string, quotes included.
pub(crate) fn push_str(out: &mut Vec<u8>, s: &str) {
    let b = s.as_bytes();
    out.reserve(b.len() + 2);
    out.push(b'"');
    // `b[run..at]` needs no escaping.
    let mut run = 0;
    loop {
        let at = simd::find(b, run, needs_escape);
        out.extend_from_slice(&b[run..at]);
        let Some(&x) = b.get(at) else {
            break;
        };
        push_escape(out, x);
        run = at + 1;
    }
    out.push(b'"');
}

/// Appends a key (plain ASCII that needs no escaping), quoted, and its colon.
fn push_key(out: &mut Vec<u8>, key: &str) {
    out.push(b'"');
    out.extend_from_slice(key.as_bytes());
    out.extend_from_slice(b"\":");
}

impl WriteJson for String {
    fn write_json(&self, out: &mut Vec<u8>) {
        push_str(out, self);
    }
}

impl WriteJson for usize {
    fn write_json(&self, out: &mut Vec<u8>) {
        // Every removed line and fix has a number: `itoa`, not `fmt`, whose
        // machinery cost ten times as much.
        out.extend_from_slice(itoa::Buffer::new().format(*self).as_bytes());
    }
}

impl<T: WriteJson> WriteJson for Vec<T> {
    fn write_json(&self, out: &mut Vec<u8>) {
        out.push(b'[');
        for (k, item) in self.iter().enumerate() {
            if k > 0 {
                out.push(b',');
            }
            item.write_json(out);
        }
        out.push(b']');
    }
}

/// Writes a struct's fields as a JSON object, in the order given.
fn push_object(out: &mut Vec<u8>, fields: &[(&str, &dyn WriteJson)]) {
    out.push(b'{');
    for (k, (key, value)) in fields.iter().enumerate() {
        if k > 0 {
            out.push(b',');
        }
        push_key(out, key);
        value.write_json(out);
    }
    out.push(b'}');
}

impl WriteJson for Related {
    fn write_json(&self, out: &mut Vec<u8>) {
        push_object(out, &[("section", &self.section), ("title", &self.title)]);
    }
}

impl WriteJson for Removed {
    fn write_json(&self, out: &mut Vec<u8>) {
        // `push_object` spelt out: a page removes hundreds of lines.
        out.extend_from_slice(b"{\"rule\":");
        push_str(out, &self.rule);
        out.extend_from_slice(b",\"line\":");
        self.line.write_json(out);
        out.extend_from_slice(b",\"text\":");
        push_str(out, &self.text);
        out.push(b'}');
    }
}

impl WriteJson for Fix {
    fn write_json(&self, out: &mut Vec<u8>) {
        push_object(
            out,
            &[
                ("rule", &self.rule),
                ("line", &self.line),
                ("before", &self.before),
                ("after", &self.after),
            ],
        );
    }
}

impl Record {
    /// The record's field `key` (one of [`crate::record::FIELDS`]), `None` for
    /// another name.
    pub(crate) fn field(&self, key: &str) -> Option<&dyn WriteJson> {
        Some(match key {
            "id" => &self.id,
            "source" => &self.source,
            "title" => &self.title,
            "dateline" => &self.dateline,
            "text" => &self.text,
            "captions" => &self.captions,
            "credits" => &self.credits,
            "related" => &self.related,
            "removed" => &self.removed,
            "fixes" => &self.fixes,
            "encoding" => &self.encoding,
            _ => return None,
        })
    }

    /// About how many bytes the record's JSON takes (a little more, so that
    /// the buffer seldom grows while it is written).
    pub(crate) fn json_size_hint(&self) -> usize {
        let strings = |v: &[String]| v.iter().map(|s| s.len() + 3).sum::<usize>();
        let text = self.id.len()
            + self.source.len()
            + self.title.len()
            + self.dateline.len()
            + self.text.len()
            + self.encoding.len()
            + strings(&self.captions)
            + strings(&self.credits)
            + self
                .related
                .iter()
                .map(|r| r.section.len() + r.title.len() + 24)
                .sum::<usize>()
            + self
                .removed
                .iter()
                .map(|r| r.rule.len() + r.text.len() + 32)
                .sum::<usize>()
            + self
                .fixes
                .iter()
                .map(|f| f.rule.len() + f.before.len() + f.after.len() + 48)
                .sum::<usize>();
        // Keys and punctuation, and room for escapes.
        text + text / 16 + 160
    }
}

impl WriteJson for Record {
    fn write_json(&self, out: &mut Vec<u8>) {
        out.push(b'{');
        for (k, key) in crate::record::FIELDS.iter().enumerate() {
            if k > 0 {
                out.push(b',');
            }
            push_key(out, key);
            if let Some(value) = self.field(key) {
                value.write_json(out);
            }
        }
        out.push(b'}');
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn json<T: WriteJson>(v: &T) -> String {
        let mut out = Vec::new();
        v.write_json(&mut out);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn every_character_class_escapes_as_serde_json_does() {
        // Every byte value at every offset of a word, among plain and special bytes.
        for c in (0u32..0x100)
            .filter_map(char::from_u32)
            .chain(['é', '’', '中', '😀'])
        {
            for at in 0..20 {
                for fill in ["a", "\"", "\n", "é"] {
                    let s = format!("{}{c}{}", fill.repeat(at), "b".repeat(20 - at));
                    assert_eq!(
                        json(&s),
                        serde_json::to_string(&s).unwrap(),
                        "{c:?} at {at} in {fill:?}"
                    );
                }
            }
        }
    }

    fn text() -> impl Strategy<Value = String> {
        "([a-z \"\\\\/\n\r\t]|\u{0}|\u{1f}|\u{7f}|\u{80}|é|’|中|😀){0,40}"
    }

    fn strings() -> impl Strategy<Value = Vec<String>> {
        proptest::collection::vec(text(), 0..3)
    }

    prop_compose! {
        fn record()(
            s in proptest::collection::vec(text(), 6),
            captions in strings(),
            credits in strings(),
            related in proptest::collection::vec((text(), text()), 0..3),
            removed in proptest::collection::vec((text(), any::<usize>(), text()), 0..3),
            fixes in proptest::collection::vec((text(), any::<usize>(), text(), text()), 0..3),
        ) -> Record {
            Record {
                id: s[0].clone(),
                source: s[1].clone(),
                title: s[2].clone(),
                dateline: s[3].clone(),
                text: s[4].clone(),
                captions,
                credits,
                related: related.into_iter().map(|(section, title)| Related { section, title }).collect(),
                removed: removed.into_iter().map(|(rule, line, text)| Removed { rule: rule.into(), line, text }).collect(),
                fixes: fixes
                    .into_iter()
                    .map(|(rule, line, before, after)| Fix { rule, line, before, after })
                    .collect(),
                encoding: s[5].clone(),
            }
        }
    }

    proptest! {
        /// A record's JSON is serde_json's, byte for byte.
        #[test]
        fn records_write_as_serde_json_does(rec in record()) {
            prop_assert_eq!(json(&rec), serde_json::to_string(&rec).unwrap());
        }
    }

    #[test]
    fn an_empty_record_writes_as_serde_json_does() {
        let rec = Record::default();
        assert_eq!(json(&rec), serde_json::to_string(&rec).unwrap());
    }
}
