//! Reading the documents of a corpus one by one, for the commands that look at
//! lines rather than write records (`rinse coverage`, `rinse features`, the
//! `--repeated-lines` pass).

use std::path::PathBuf;

use std::sync::atomic::Ordering;

use anyhow::Result;
use rinse::Cleaner;
use rinse::internals::jsonl::{self, JsonlLine, JsonlLines};
use rinse::internals::read::{self, InputFile, InputFormat};

/// One document's bytes and where it came from.
pub struct Doc {
    /// `PATH` or `PATH:LINE`.
    pub source: String,
    /// The document's bytes (text files) or its decoded text field (JSONL).
    pub bytes: Vec<u8>,
}

/// Finds the inputs under `paths` (as `rinse clean` does, JSONL on standard
/// input included).
pub fn inputs(paths: &[PathBuf], glob: &str) -> Result<(Vec<InputFile>, Vec<String>)> {
    let (mut inputs, errors) = read::find_inputs(paths, glob, InputFormat::Auto, None)?;
    read::detect_stdin_jsonl(&mut inputs, None)?;
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
/// standard input blocked in a read included). JSONL is read as `rinse
/// clean` reads it ([`jsonl`]): a line over the limit is skipped without
/// being held in memory.
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
    let mut lines = match read::open_stoppable(input, stop) {
        Ok(r) => JsonlLines::new(r, limit),
        Err(e) => {
            errors.push(format!("{source}: {e}"));
            return;
        }
    };
    while let Some(line) = lines.next_line() {
        let src = format!("{source}:{}", lines.line_no());
        let line = match line {
            JsonlLine::Line(line) => line,
            JsonlLine::Blank | JsonlLine::TooLong(_) => continue,
            JsonlLine::Failed(e) => {
                errors.push(format!("{src}: {e}"));
                return;
            }
        };
        match jsonl::parse(&line).and_then(|d| jsonl::text_field(&d, text_key)) {
            Ok(text) => {
                let more = each(Doc {
                    source: src,
                    bytes: text.into_bytes(),
                });
                if !more {
                    return;
                }
            }
            Err(e) => errors.push(format!("{src}: {e}")),
        }
    }
}

/// The first pass of `--repeated-lines`: counts normalised lines per document.
/// `None` when `stop` was set (a signal) before it finished.
pub fn count_lines(
    inputs: &[read::InputFile],
    cleaner: &Cleaner,
    text_key: &str,
    min_docs: u32,
    stop: &read::Stop,
) -> Option<rinse::internals::corpus::RepeatedLines> {
    use rayon::prelude::*;
    const BATCH: usize = 256;
    let mut counter = rinse::internals::corpus::LineCounter::new();
    let limit = cleaner.max_doc_bytes();
    // A thread reads and parses the documents, in batches of 256 (also inside
    // a large JSONL file, so that memory stays bounded whatever the input),
    // while the workers repair and hash the batch before; at most two batches
    // wait between them.
    std::thread::scope(|scope| {
        let (send, batches) = std::sync::mpsc::sync_channel::<Vec<Doc>>(2);
        scope.spawn(move || {
            let mut errors = Vec::new();
            let mut batch = Vec::with_capacity(BATCH);
            for input in inputs {
                for_each_doc(input, text_key, limit, Some(stop), &mut errors, &mut |d| {
                    batch.push(d);
                    if batch.len() >= BATCH {
                        let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
                        // The counting side has stopped: stop reading too.
                        return send.send(full).is_ok() && !stop.load(Ordering::Relaxed);
                    }
                    !stop.load(Ordering::Relaxed)
                });
                if stop.load(Ordering::Relaxed) {
                    return;
                }
            }
            if !batch.is_empty() {
                let _ = send.send(batch);
            }
        });
        for batch in batches {
            if stop.load(Ordering::Relaxed) {
                // Dropping the receiver ends the reading thread.
                return;
            }
            let hashes: Vec<Vec<u64>> = batch
                .into_par_iter()
                .filter_map(|d| cleaner.repaired_text(&d.bytes).ok())
                .map(|t| rinse::internals::corpus::document_hashes(&t))
                .collect();
            for h in hashes {
                counter.add_hashes(&h);
            }
        }
    });
    // Failures are reported by the second pass, which reads the same documents.
    (!stop.load(Ordering::Relaxed)).then(|| counter.finish(min_docs))
}
