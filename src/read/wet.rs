//! WET files: the text Common Crawl extracts from web pages, one WARC record
//! per page. A WET file is read as JSON Lines ([`WetLines`]), one object per
//! text record, so that it is cleaned exactly as the same records in a JSONL
//! file would be, by every command that reads JSONL:
//!
//! ```text
//! {"id":"<urn:uuid:…>","url":"https://…","date":"2024-…Z","language":"eng","text":"…"}
//! ```
//!
//! `id` is the record's `WARC-Record-ID`, `url` its `WARC-Target-URI`, `date`
//! its `WARC-Date`, `language` its `WARC-Identified-Content-Language` (`null`
//! for a header the record lacks), `text` its body. The text records are
//! `conversion` records (Common Crawl's) and `resource` records; `warcinfo`
//! and `metadata` records describe the file and are passed over. A
//! `response`, `request` or `revisit` record holds HTTP and HTML, not text: a
//! file with one is refused there, with the reason. Bytes of a body that are
//! not UTF-8 become U+FFFD.
//!
//! The framing is read here rather than by a WARC crate: a body is turned
//! into its JSON string as it streams through, a buffer at a time, so that
//! the JSONL reader's size limit skips an oversized record without holding
//! it (the crates either hold a whole record or lend its body out of the
//! reader).

use std::io::{self, BufRead, Read};

/// Headers of one record: at most this many bytes.
const MAX_HEADER: usize = 64 << 10;

/// What [`WetLines`] reads next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// The next record's header (or the end of the file).
    Header,
    /// `remaining` bytes of a text record's body.
    Body { remaining: u64 },
    /// Nothing more: the end of the file, or an error given.
    Done,
}

/// A WET stream read as JSON Lines: one line per text record (see the
/// module documentation). A malformed record is an [`io::ErrorKind::InvalidData`]
/// error naming the record and its byte offset, after which the stream ends.
pub struct WetLines<R> {
    inner: R,
    /// Output made and not yet consumed: `out[pos..]`.
    out: Vec<u8>,
    pos: usize,
    state: State,
    /// Bytes of `inner` consumed so far.
    offset: u64,
    /// Records begun so far (the 1-based number of the current one).
    record: u64,
    /// The byte offset of the current record's first line.
    record_at: u64,
    /// The bytes of a body that may be the start of a UTF-8 character cut by
    /// the end of a buffer (at most three).
    carry: Vec<u8>,
}

impl<R: BufRead> WetLines<R> {
    /// Reads the WET stream `inner` (decompressed).
    pub fn new(inner: R) -> Self {
        WetLines {
            inner,
            out: Vec::new(),
            pos: 0,
            state: State::Header,
            offset: 0,
            record: 0,
            record_at: 0,
            carry: Vec::new(),
        }
    }

    /// An error about the current record, which ends the stream.
    fn invalid(&mut self, what: impl std::fmt::Display) -> io::Error {
        self.state = State::Done;
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "WARC record {} (byte {}): {what}",
                self.record, self.record_at
            ),
        )
    }

    /// Reads one line of a header (without its line ending) onto `line`;
    /// `false` at the end of the input. A header past [`MAX_HEADER`] bytes
    /// is an error.
    fn header_line(&mut self, line: &mut Vec<u8>, header_len: &mut usize) -> io::Result<bool> {
        let start = line.len();
        loop {
            let chunk = self.inner.fill_buf()?;
            if chunk.is_empty() {
                return Ok(line.len() > start);
            }
            let (take, done) = match memchr::memchr(b'\n', chunk) {
                Some(i) => (i + 1, true),
                None => (chunk.len(), false),
            };
            *header_len += take;
            if *header_len > MAX_HEADER {
                return Err(self.invalid(format!("a header over {MAX_HEADER} bytes")));
            }
            line.extend_from_slice(&chunk[..take]);
            self.inner.consume(take);
            self.offset += take as u64;
            if done {
                break;
            }
        }
        while matches!(line.last(), Some(b'\n' | b'\r')) && line.len() > start {
            line.pop();
        }
        Ok(true)
    }

    /// Reads the next record's header and, for a text record, starts its
    /// line in `out`; skips the bodies of the records that are no
    /// documents. `false` at the end of the input.
    fn next_record(&mut self) -> io::Result<bool> {
        loop {
            // Blank lines end the previous record (two, by the standard).
            // The next line that is not blank starts a record.
            let mut line = Vec::new();
            let mut header_len;
            self.record += 1;
            loop {
                line.clear();
                header_len = 0;
                self.record_at = self.offset;
                if !self.header_line(&mut line, &mut header_len)? {
                    self.record -= 1;
                    self.state = State::Done;
                    return Ok(false);
                }
                if !line.is_empty() {
                    break;
                }
            }
            if !line.starts_with(b"WARC/") {
                let shown = String::from_utf8_lossy(&line[..line.len().min(40)]).into_owned();
                return Err(self.invalid(format!(
                    "expected a record's first line (`WARC/1.0`), found {shown:?}"
                )));
            }
            let mut fields: Vec<(String, String)> = Vec::new();
            loop {
                line.clear();
                if !self.header_line(&mut line, &mut header_len)? {
                    return Err(self.invalid("the file ends inside the record's header"));
                }
                if line.is_empty() {
                    break;
                }
                let text = String::from_utf8_lossy(&line);
                if line[0] == b' ' || line[0] == b'\t' {
                    // A folded header: more of the previous one's value.
                    if let Some((_, v)) = fields.last_mut() {
                        v.push(' ');
                        v.push_str(text.trim());
                    }
                    continue;
                }
                let Some((name, value)) = text.split_once(':') else {
                    let shown: String = text.chars().take(40).collect();
                    return Err(self.invalid(format!("a header line without a colon: {shown:?}")));
                };
                fields.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
            }
            let get = |name: &str| {
                fields
                    .iter()
                    .find(|(n, _)| n == name)
                    .map(|(_, v)| v.as_str())
            };
            let Some(length) = get("content-length") else {
                return Err(self.invalid("no Content-Length header"));
            };
            let Ok(length) = length.parse::<u64>() else {
                let shown = format!("{length:?}");
                return Err(self.invalid(format!("Content-Length {shown} is not a number")));
            };
            let kind = get("warc-type").unwrap_or("").to_ascii_lowercase();
            match kind.as_str() {
                "conversion" | "resource" => {
                    self.out.clear();
                    self.pos = 0;
                    self.out.push(b'{');
                    for (key, header) in [
                        ("id", "warc-record-id"),
                        ("url", "warc-target-uri"),
                        ("date", "warc-date"),
                        ("language", "warc-identified-content-language"),
                    ] {
                        push_json_str(&mut self.out, key);
                        self.out.push(b':');
                        match get(header) {
                            Some(v) => push_json_str(&mut self.out, v),
                            None => self.out.extend_from_slice(b"null"),
                        }
                        self.out.push(b',');
                    }
                    self.out.extend_from_slice(b"\"text\":\"");
                    self.carry.clear();
                    self.state = State::Body { remaining: length };
                    if length == 0 {
                        self.end_line();
                    }
                    return Ok(true);
                }
                "warcinfo" | "metadata" => self.skip(length)?,
                "" => return Err(self.invalid("no WARC-Type header")),
                other => {
                    let what = if matches!(other, "response" | "request" | "revisit") {
                        format!(
                            "a `{other}` record (HTTP and HTML): rinse reads text records (`conversion`, as in Common Crawl's WET files), so turn the HTML into text first"
                        )
                    } else {
                        format!(
                            "a `{other}` record: rinse reads text records (`conversion` or `resource`)"
                        )
                    };
                    return Err(self.invalid(what));
                }
            }
        }
    }

    /// How many bytes of the current body, of which `remaining` are left,
    /// the next buffer of `inner` holds; an error when the file ends first.
    fn body_available(&mut self, remaining: u64) -> io::Result<usize> {
        let n = self.inner.fill_buf()?.len();
        if n == 0 {
            return Err(self.invalid(format!(
                "the file ends {remaining} bytes before the end of the record's body"
            )));
        }
        Ok(n.min(usize::try_from(remaining).unwrap_or(usize::MAX)))
    }

    /// Skips the `length` bytes of the current record's body.
    fn skip(&mut self, mut length: u64) -> io::Result<()> {
        while length > 0 {
            let take = self.body_available(length)?;
            self.inner.consume(take);
            self.offset += take as u64;
            length -= take as u64;
        }
        Ok(())
    }

    /// Turns the next buffer of the current body into JSON string content
    /// in `out`, and ends the line at the end of the body.
    fn next_body(&mut self, remaining: u64) -> io::Result<()> {
        let take = self.body_available(remaining)?;
        // The buffer `body_available` filled, not a new read.
        let chunk = self.inner.fill_buf()?;
        let last = take as u64 == remaining;
        self.out.clear();
        self.pos = 0;
        if self.carry.is_empty() {
            self.carry = push_text(&mut self.out, &chunk[..take], last);
        } else {
            let mut bytes = std::mem::take(&mut self.carry);
            bytes.extend_from_slice(&chunk[..take]);
            self.carry = push_text(&mut self.out, &bytes, last);
        }
        self.inner.consume(take);
        self.offset += take as u64;
        self.state = State::Body {
            remaining: remaining - take as u64,
        };
        if last {
            self.end_line();
        }
        Ok(())
    }

    /// Closes the current line: the body's string, the object, the line.
    fn end_line(&mut self) {
        self.out.extend_from_slice(b"\"}\n");
        self.state = State::Header;
    }
}

impl<R: BufRead> Read for WetLines<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = {
            let avail = self.fill_buf()?;
            let n = avail.len().min(buf.len());
            buf[..n].copy_from_slice(&avail[..n]);
            n
        };
        self.consume(n);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for WetLines<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        while self.pos >= self.out.len() {
            match self.state {
                State::Done => return Ok(&[]),
                State::Header => {
                    self.out.clear();
                    self.pos = 0;
                    if !self.next_record()? {
                        return Ok(&[]);
                    }
                }
                State::Body { remaining } => self.next_body(remaining)?,
            }
        }
        Ok(&self.out[self.pos..])
    }

    fn consume(&mut self, amt: usize) {
        self.pos = (self.pos + amt).min(self.out.len());
    }
}

/// Appends `s` as a JSON string.
fn push_json_str(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    escape_into(out, s.as_bytes());
    out.push(b'"');
}

/// Appends the UTF-8 text `bytes` escaped for a JSON string: quotes,
/// backslashes and control characters.
fn escape_into(out: &mut Vec<u8>, bytes: &[u8]) {
    let mut run = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if b >= 0x20 && b != b'"' && b != b'\\' {
            continue;
        }
        out.extend_from_slice(&bytes[run..i]);
        run = i + 1;
        match b {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            _ => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.extend_from_slice(b"\\u00");
                out.push(HEX[usize::from(b >> 4)]);
                out.push(HEX[usize::from(b & 0xF)]);
            }
        }
    }
    out.extend_from_slice(&bytes[run..]);
}

/// Appends the body bytes `bytes` escaped for a JSON string, each byte that
/// is not part of a UTF-8 character as U+FFFD; returns the bytes at the end
/// that may start a character the next buffer ends (none when `last`).
fn push_text(out: &mut Vec<u8>, mut bytes: &[u8], last: bool) -> Vec<u8> {
    loop {
        match std::str::from_utf8(bytes) {
            Ok(s) => {
                escape_into(out, s.as_bytes());
                return Vec::new();
            }
            Err(e) => {
                let (good, bad) = bytes.split_at(e.valid_up_to());
                escape_into(out, good);
                match e.error_len() {
                    Some(n) => {
                        out.extend_from_slice("\u{FFFD}".as_bytes());
                        bytes = &bad[n..];
                    }
                    None if last => {
                        out.extend_from_slice("\u{FFFD}".as_bytes());
                        return Vec::new();
                    }
                    None => return bad.to_vec(),
                }
            }
        }
    }
}

/// Whether `head`, the first bytes of a decompressed input, starts a WARC
/// record.
pub(crate) fn is_warc_start(head: &[u8]) -> bool {
    head.starts_with(b"WARC/")
}

/// Whether `name` names a WET file: `.wet`, also `.gz` or `.zst`
/// compressed (Common Crawl's `….warc.wet.gz`), in any case.
pub(crate) fn is_wet_name(name: &str) -> bool {
    let ends = |s: &[u8], suffix: &[u8]| {
        s.len() >= suffix.len() && s[s.len() - suffix.len()..].eq_ignore_ascii_case(suffix)
    };
    let name = name.as_bytes();
    let base = [&b".gz"[..], b".zst"]
        .iter()
        .find(|z| ends(name, z))
        .map_or(name, |z| &name[..name.len() - z.len()]);
    ends(base, b".wet")
}

/// `reader` read as JSON Lines: through [`WetLines`] when it starts a WARC
/// record, as it is otherwise. Nothing is read twice or lost.
pub(crate) fn records<'a>(
    mut reader: Box<dyn BufRead + Send + 'a>,
) -> io::Result<Box<dyn BufRead + Send + 'a>> {
    const MAGIC: usize = 5;
    // The first bytes, read whole even when the first buffer is shorter.
    let first = reader.fill_buf()?;
    if first.len() >= MAGIC || first.is_empty() {
        let warc = is_warc_start(first);
        return Ok(if warc {
            Box::new(WetLines::new(reader))
        } else {
            reader
        });
    }
    let mut head = Vec::with_capacity(MAGIC);
    while head.len() < MAGIC {
        let chunk = reader.fill_buf()?;
        if chunk.is_empty() {
            break;
        }
        let take = chunk.len().min(MAGIC - head.len());
        head.extend_from_slice(&chunk[..take]);
        reader.consume(take);
        if !b"WARC/".starts_with(&head) {
            break;
        }
    }
    let warc = is_warc_start(&head);
    let joined: Box<dyn BufRead + Send + 'a> = Box::new(io::Cursor::new(head).chain(reader));
    Ok(if warc {
        Box::new(WetLines::new(joined))
    } else {
        joined
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A WET record of type `kind` with `body` and the headers given.
    fn record(kind: &str, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
        let mut r = format!("WARC/1.0\r\nWARC-Type: {kind}\r\n");
        for (k, v) in headers {
            r.push_str(&format!("{k}: {v}\r\n"));
        }
        r.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
        let mut r = r.into_bytes();
        r.extend_from_slice(body);
        r.extend_from_slice(b"\r\n\r\n");
        r
    }

    fn warcinfo() -> Vec<u8> {
        record(
            "warcinfo",
            &[("WARC-Record-ID", "<urn:uuid:info>")],
            b"isPartOf: CC-MAIN-2024-10\r\noperator: Common Crawl Admin\r\n",
        )
    }

    /// Every line `file` reads as, through buffers of `cap` bytes, or the
    /// error it ends with.
    fn lines(file: &[u8], cap: usize) -> (Vec<serde_json::Value>, Option<String>) {
        let mut r = WetLines::new(io::BufReader::with_capacity(cap, file));
        let mut out = Vec::new();
        let err = r.read_to_end(&mut out).err().map(|e| e.to_string());
        // Whole lines only: a line an error cut is not read as one.
        let values = out
            .split_inclusive(|&b| b == b'\n')
            .filter(|l| l.ends_with(b"\n"))
            .map(|l| serde_json::from_slice(l).expect("each line is JSON"))
            .collect();
        (values, err)
    }

    #[test]
    fn text_records_become_objects_and_the_others_are_passed_over() {
        let mut file = warcinfo();
        file.extend(record(
            "conversion",
            &[
                ("WARC-Target-URI", "https://example.com/a"),
                ("WARC-Date", "2024-02-20T10:00:00Z"),
                ("WARC-Record-ID", "<urn:uuid:1>"),
                ("WARC-Identified-Content-Language", "eng"),
                ("Content-Type", "text/plain"),
            ],
            "Headline\nA \"quoted\" line, a tab\there, a back\\slash, caf\u{e9}.\n".as_bytes(),
        ));
        file.extend(record(
            "metadata",
            &[("WARC-Record-ID", "<urn:uuid:m>")],
            b"fetchTimeMs: 12\r\n",
        ));
        file.extend(record(
            "conversion",
            &[("WARC-Record-ID", "<urn:uuid:2>")],
            b"",
        ));
        for cap in [1, 2, 3, 7, 64, 8192] {
            let (v, err) = lines(&file, cap);
            assert_eq!(err, None, "buffers of {cap}");
            assert_eq!(v.len(), 2, "buffers of {cap}");
            assert_eq!(v[0]["id"], "<urn:uuid:1>");
            assert_eq!(v[0]["url"], "https://example.com/a");
            assert_eq!(v[0]["date"], "2024-02-20T10:00:00Z");
            assert_eq!(v[0]["language"], "eng");
            assert_eq!(
                v[0]["text"],
                "Headline\nA \"quoted\" line, a tab\there, a back\\slash, caf\u{e9}.\n"
            );
            // Keys in a fixed order, absent headers as null.
            let keys: Vec<&String> = v[1].as_object().unwrap().keys().collect();
            assert_eq!(keys, ["id", "url", "date", "language", "text"]);
            assert_eq!(v[1]["url"], serde_json::Value::Null);
            assert_eq!(v[1]["text"], "");
        }
    }

    #[test]
    fn a_character_cut_by_a_buffer_is_kept_and_bad_bytes_are_replaced() {
        // é (2 bytes), € (3), 😀 (4), a control character, then a lone
        // continuation byte and a lead byte cut by the body's end.
        let mut body = "é€😀\u{1}x".as_bytes().to_vec();
        body.extend_from_slice(b"\x80y\xe2\x82");
        let file = record("conversion", &[], &body);
        for cap in 1..12 {
            let (v, err) = lines(&file, cap);
            assert_eq!(err, None);
            assert_eq!(
                v[0]["text"], "é€😀\u{1}x\u{FFFD}y\u{FFFD}",
                "buffers of {cap}"
            );
        }
    }

    #[test]
    fn html_records_and_broken_framing_are_errors_naming_the_record() {
        let mut file = warcinfo();
        file.extend(record("response", &[], b"HTTP/1.1 200 OK\r\n\r\n<html>"));
        let (v, err) = lines(&file, 64);
        assert!(v.is_empty());
        let err = err.expect("a response record is refused");
        assert!(err.starts_with("WARC record 2 (byte "), "{err}");
        assert!(err.contains("`response` record"), "{err}");

        // A body cut short: the records before it are read, and the error
        // names where the cut record starts.
        let mut file = record("conversion", &[], b"first");
        let second_at = file.len();
        file.extend(record("conversion", &[], b"second body"));
        file.truncate(file.len() - 10);
        let (v, err) = lines(&file, 64);
        assert_eq!(v.len(), 1);
        assert_eq!(v[0]["text"], "first");
        let err = err.expect("a cut body is an error");
        assert!(
            err.starts_with(&format!("WARC record 2 (byte {second_at}): ")),
            "{err}"
        );
        assert!(
            err.contains("bytes before the end of the record's body"),
            "{err}"
        );

        for (bad, why) in [
            (&b"hello\r\n"[..], "expected a record's first line"),
            (
                b"WARC/1.0\r\nWARC-Type: conversion\r\n\r\nbody",
                "no Content-Length",
            ),
            (
                b"WARC/1.0\r\nWARC-Type: conversion\r\nContent-Length: x1\r\n\r\n",
                "is not a number",
            ),
            (b"WARC/1.0\r\nContent-Length: 0\r\n\r\n", "no WARC-Type"),
            (b"WARC/1.0\r\nno colon here\r\n\r\n", "without a colon"),
            (
                b"WARC/1.0\r\nWARC-Type: conversion\r\n",
                "ends inside the record's header",
            ),
            (
                b"WARC/1.0\r\nWARC-Type: continuation\r\nContent-Length: 0\r\n\r\n",
                "`continuation` record",
            ),
        ] {
            let (v, err) = lines(bad, 64);
            assert!(v.is_empty());
            let err = err.unwrap_or_default();
            assert!(err.contains(why), "{err:?} should say {why:?}");
            assert!(err.starts_with("WARC record 1 (byte 0)"), "{err}");
        }
    }

    proptest::proptest! {
        /// Any body, cut into buffers of any size, reads back as the text
        /// that a lossy UTF-8 decoding of the whole body gives.
        #[test]
        fn any_body_reads_back_as_its_lossy_text(
            body in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::num::u8::ANY,
                    proptest::sample::select(vec![b'"', b'\\', b'\n', b'\r', 0, 0x1f, 0x7f, 0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f]),
                ],
                0..200,
            ),
            cap in 1usize..40,
        ) {
            let file = [record("conversion", &[], &body), record("conversion", &[], b"next")].concat();
            let (v, err) = lines(&file, cap);
            proptest::prop_assert_eq!(err, None);
            proptest::prop_assert_eq!(v.len(), 2);
            proptest::prop_assert_eq!(v[0]["text"].as_str(), Some(&*String::from_utf8_lossy(&body)));
            proptest::prop_assert_eq!(v[1]["text"].as_str(), Some("next"));
        }
    }

    #[test]
    fn an_endless_header_is_refused_without_being_held() {
        let mut file = b"WARC/1.0\r\nWARC-Type: conversion\r\nX: ".to_vec();
        file.resize(file.len() + 2 * MAX_HEADER, b'a');
        let (_, err) = lines(&file, 4096);
        assert!(err.unwrap_or_default().contains("a header over"));
    }

    #[test]
    fn wet_names_and_warc_starts_are_known() {
        for (name, want) in [
            ("CC-MAIN-20240220-00000.warc.wet.gz", true),
            ("x.WET", true),
            ("x.wet.zst", true),
            ("x.warc.gz", false),
            ("wet", false),
            ("x.wet.txt", false),
        ] {
            assert_eq!(is_wet_name(name), want, "{name}");
        }
        let read = |bytes: &'static [u8], cap: usize| {
            let r: Box<dyn BufRead + Send> = Box::new(io::BufReader::with_capacity(cap, bytes));
            let mut out = String::new();
            records(r).unwrap().read_to_string(&mut out).unwrap();
            out
        };
        let file = record("conversion", &[], b"a body");
        let file: &'static [u8] = file.leak();
        for cap in [1, 2, 4, 5, 64] {
            assert_eq!(
                read(file, cap),
                "{\"id\":null,\"url\":null,\"date\":null,\"language\":null,\"text\":\"a body\"}\n"
            );
            // Anything else, even a prefix of the magic, is left as it is.
            assert_eq!(read(b"WARC", cap), "WARC");
            assert_eq!(read(b"WAR{\"a\":1}\n", cap), "WAR{\"a\":1}\n");
            assert_eq!(read(b"{\"text\":\"x\"}\n", cap), "{\"text\":\"x\"}\n");
            assert_eq!(read(b"", cap), "");
        }
    }
}
