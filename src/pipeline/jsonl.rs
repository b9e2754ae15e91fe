//! The one JSONL document reader: the pipeline and the commands that read a
//! corpus's documents without writing records (`rinse coverage`, `rinse
//! features`, the `--repeated-lines` pass) all read JSONL with it, so that a
//! line is a document (or a failure) to each of them alike.
//!
//! [`JsonlLines`] cuts a file into lines, a line over the size limit skipped
//! without being held; [`parse`] and [`text_field`] make a line a document
//! and take its text.

use std::io::BufRead;

use crate::read::{self, JsonDoc, LineRead};

/// A line of a JSONL file, as [`JsonlLines::next_line`] found it.
#[derive(Debug)]
pub enum JsonlLine {
    /// A line that is not blank (a UTF-8 byte order mark taken off the
    /// first), without its line ending: a document, once [`parse`]d.
    Line(Vec<u8>),
    /// A line of white space only: no document.
    Blank,
    /// A line longer than the limit, skipped without being held; its size.
    TooLong(u64),
    /// The file could not be read further; the rest of it is skipped.
    Failed(std::io::Error),
}

/// The lines of a JSONL file, each at most `limit` bytes held.
pub struct JsonlLines {
    reader: Box<dyn BufRead + Send>,
    limit: u64,
    line_no: usize,
    done: bool,
}

impl JsonlLines {
    /// Reads the lines of `reader`, holding none over `limit` bytes.
    pub fn new(reader: Box<dyn BufRead + Send>, limit: u64) -> Self {
        JsonlLines {
            reader,
            limit,
            line_no: 0,
            done: false,
        }
    }

    /// The 1-based number of the line [`JsonlLines::next_line`] returned last.
    pub fn line_no(&self) -> usize {
        self.line_no
    }

    /// The next line; `None` at the end of the file, and after
    /// [`JsonlLine::Failed`].
    pub fn next_line(&mut self) -> Option<JsonlLine> {
        if self.done {
            return None;
        }
        self.line_no += 1;
        let mut line = Vec::new();
        let got = read::read_line_limited(self.reader.as_mut(), &mut line, self.limit);
        if self.line_no == 1 {
            read::strip_bom(&mut line);
        }
        Some(match got {
            Ok(LineRead::Eof) => {
                self.done = true;
                return None;
            }
            Ok(LineRead::Line) if line.iter().all(u8::is_ascii_whitespace) => JsonlLine::Blank,
            Ok(LineRead::Line) => JsonlLine::Line(line),
            Ok(LineRead::TooLong(size)) => JsonlLine::TooLong(size),
            Err(e) => {
                self.done = true;
                JsonlLine::Failed(e)
            }
        })
    }
}

/// A JSONL line as a document: valid UTF-8 holding one JSON object.
pub fn parse(line: &[u8]) -> Result<JsonDoc<'_>, String> {
    let Ok(text) = simdutf8::basic::from_utf8(line) else {
        return Err("line is not valid UTF-8".into());
    };
    JsonDoc::parse(text)
}

/// The text of `doc`'s field `key` (`--text-key`), or why it has none.
pub fn text_field(doc: &JsonDoc<'_>, key: &str) -> Result<String, String> {
    match doc.get_string(key) {
        None => Err(format!("no {key:?} field")),
        Some(Err(why)) => Err(format!("field {key:?} {why}")),
        Some(Ok(text)) => Ok(text),
    }
}
