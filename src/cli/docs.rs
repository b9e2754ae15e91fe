//! Reading the documents of a corpus one by one, for the commands that look at
//! lines rather than write records (`rinse coverage`, the `--repeated-lines` pass).

use std::path::PathBuf;

use anyhow::Result;
use rinse::read::{self, InputFile, InputFormat, JsonDoc, LineRead};

/// One document's bytes and where it came from.
pub struct Doc {
    /// `PATH` or `PATH:LINE`.
    pub source: String,
    /// The document's bytes (text files) or its decoded text field (JSONL).
    pub bytes: Vec<u8>,
}

/// Finds the inputs under `paths` (as `rinse clean` does).
pub fn inputs(paths: &[PathBuf], glob: &str) -> Result<(Vec<InputFile>, Vec<String>)> {
    let (inputs, errors) = read::find_inputs(paths, glob, InputFormat::Auto, None)?;
    Ok((
        inputs,
        errors
            .into_iter()
            .map(|e| format!("{}: {}", e.source, e.reason))
            .collect(),
    ))
}

/// Calls `each` with every document of `input`, until it returns `false`;
/// problems go to `errors`. Once `stop` is set, reads give up (a FIFO or
/// standard input blocked in a read included).
pub fn for_each_doc(
    input: &InputFile,
    text_key: &str,
    limit: u64,
    stop: Option<&read::Stop>,
    errors: &mut Vec<String>,
    each: &mut dyn FnMut(Doc) -> bool,
) {
    let source = input.source();
    if !input.jsonl {
        match read::read_text_stoppable(input, limit, stop) {
            Ok(bytes) => {
                each(Doc { source, bytes });
            }
            Err(e) => errors.push(format!("{source}: {e}")),
        }
        return;
    }
    let mut reader = match read::open_stoppable(input, stop) {
        Ok(r) => r,
        Err(e) => {
            errors.push(format!("{source}: {e}"));
            return;
        }
    };
    let mut line = Vec::new();
    for n in 1.. {
        let src = format!("{source}:{n}");
        line.clear();
        // The same bounded reader as `rinse clean`: a line over the limit is
        // skipped without being held in memory.
        let got = read::read_line_limited(reader.as_mut(), &mut line, limit);
        if n == 1 {
            read::strip_bom(&mut line);
        }
        match got {
            Ok(LineRead::Eof) => return,
            Ok(LineRead::TooLong(_)) => continue,
            Ok(LineRead::Line) => {}
            Err(e) => {
                errors.push(format!("{src}: {e}"));
                return;
            }
        }
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let text = std::str::from_utf8(&line)
            .map_err(|e| e.to_string())
            .and_then(JsonDoc::parse)
            .and_then(|d| match d.get_string(text_key) {
                None => Err(format!("no {text_key:?} field")),
                Some(Err(why)) => Err(format!("field {text_key:?} {why}")),
                Some(Ok(t)) => Ok(t),
            });
        match text {
            Ok(t) => {
                let more = each(Doc {
                    source: src,
                    bytes: t.into_bytes(),
                });
                if !more {
                    return;
                }
            }
            Err(e) => errors.push(format!("{src}: {e}")),
        }
    }
}
