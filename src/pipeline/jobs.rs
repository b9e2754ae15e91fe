//! Reading jobs: the documents of the inputs, in order, a batch at a time,
//! each counted at the bytes it takes once read.

use std::collections::VecDeque;
use std::sync::Arc;

use super::jsonl::{JsonlLine, JsonlLines};
use super::worker::{Outcome, error_reason};
use super::{Config, OnError};
use crate::error::Error;
use crate::read::{self, InputFile, Known};
use crate::write::ErrorRecord;

/// One document to clean, or what became of it.
pub(super) enum Job {
    /// A text file (or standard input) and what a `stat` said of it.
    Text(InputFile, Option<Known>),
    /// A document cleaned in an earlier round that waits for those before it.
    Done(Outcome),
    Json {
        source: Arc<str>,
        line_no: usize,
        line: Vec<u8>,
    },
    Failed(ErrorRecord, u64),
}

/// How much larger than its file a compressed text document is counted
/// (bounded by the document limit): text compresses about 3 to 10 times.
const COMPRESSED_RATIO: u64 = 10;

impl Job {
    /// The input bytes the document takes once read. A text file counts its
    /// size (a compressed one [`COMPRESSED_RATIO`] times it); standard input,
    /// a FIFO or a device, whose size is not known, counts as large as a
    /// document may be.
    pub(super) fn size(&self, limit: u64) -> usize {
        let bytes = match self {
            Job::Text(input, known) => match known {
                Some(k) if k.regular => {
                    let compressed = input.path.as_deref().is_some_and(read::is_compressed_name);
                    if compressed {
                        k.len.saturating_mul(COMPRESSED_RATIO).min(limit)
                    } else {
                        k.len
                    }
                }
                // Gone since it was listed: its read will fail.
                None if input.path.is_some() => 0,
                _ => limit,
            },
            Job::Json { line, .. } => line.len() as u64,
            Job::Done(_) | Job::Failed(..) => 0,
        };
        usize::try_from(bytes).unwrap_or(usize::MAX)
    }
}

/// A JSONL file being read: its lines, source name and input.
struct OpenJsonl<'a> {
    lines: JsonlLines,
    source: Arc<str>,
    input: &'a InputFile,
}

/// Reads jobs from the inputs, in order, a batch at a time.
pub(super) struct JobReader<'a> {
    inputs: std::slice::Iter<'a, InputFile>,
    /// The JSONL file being read.
    current: Option<OpenJsonl<'a>>,
    config: &'a Config,
    limit: u64,
}

impl<'a> JobReader<'a> {
    pub(super) fn new(inputs: &'a [InputFile], config: &'a Config, limit: u64) -> Self {
        JobReader {
            inputs: inputs.iter(),
            current: None,
            config,
            limit,
        }
    }

    /// Reads jobs onto the end of `queue` until it holds a batch: `min_docs`
    /// documents and [`Config::batch_bytes`], or [`Config::batch_docs`]
    /// documents, or the end of the inputs.
    pub(super) fn fill(&mut self, queue: &mut VecDeque<Job>, min_docs: usize) {
        let mut bytes: usize = queue.iter().map(|j| j.size(self.limit)).sum();
        while queue.len() < self.config.batch_docs
            && (bytes < self.config.batch_bytes || queue.len() < min_docs)
        {
            match self.next_job() {
                Some(job) => {
                    bytes = bytes.saturating_add(job.size(self.limit));
                    queue.push_back(job);
                }
                None => break,
            }
        }
    }

    fn next_job(&mut self) -> Option<Job> {
        loop {
            if let Some(OpenJsonl {
                lines,
                source,
                input,
            }) = &mut self.current
            {
                let Some(got) = lines.next_line() else {
                    self.current = None;
                    continue;
                };
                let n = lines.line_no();
                let at = || format!("{source}:{n}");
                match got {
                    JsonlLine::Blank => {
                        // A blank line is no document; in record mode it still
                        // gets an output line, so that lines stay aligned.
                        if self.config.on_error == OnError::Record {
                            let err = ErrorRecord {
                                source: at(),
                                id: String::new(),
                                reason: "blank line".into(),
                            };
                            return Some(Job::Failed(err, 0));
                        }
                    }
                    JsonlLine::Line(line) => {
                        return Some(Job::Json {
                            source: source.clone(),
                            line_no: n,
                            line,
                        });
                    }
                    JsonlLine::TooLong(size) => {
                        let err = ErrorRecord {
                            source: at(),
                            id: format!("{}:{n}", input.id),
                            reason: Error::TooLarge {
                                size,
                                limit: self.limit,
                            }
                            .to_string(),
                        };
                        return Some(Job::Failed(err, size));
                    }
                    JsonlLine::Failed(e) => {
                        let err = ErrorRecord {
                            source: at(),
                            id: format!("{}:{n}", input.id),
                            reason: format!("read error, rest of file skipped: {e}"),
                        };
                        self.current = None;
                        return Some(Job::Failed(err, 0));
                    }
                }
                continue;
            }
            let input = self.inputs.next()?;
            if !input.jsonl {
                // One `stat` here, none in the worker that reads the file: the
                // batch counts the file's bytes.
                let known = input.path.as_deref().and_then(|p| {
                    std::fs::metadata(p).ok().map(|m| Known {
                        len: m.len(),
                        regular: m.is_file(),
                    })
                });
                return Some(Job::Text(input.clone(), known));
            }
            match read::open_stoppable(input, self.config.interrupt.as_ref()) {
                Ok(reader) => {
                    self.current = Some(OpenJsonl {
                        lines: JsonlLines::new(reader, self.limit),
                        source: input.source().into(),
                        input,
                    })
                }
                Err(e) => {
                    let err = ErrorRecord {
                        source: input.source(),
                        id: input.id.clone(),
                        reason: error_reason(&e),
                    };
                    return Some(Job::Failed(err, 0));
                }
            }
        }
    }
}

/// [`Config::batch_docs`] documents, and [`Config::batch_bytes`] of input
/// once it holds `min_docs`.
pub(super) fn take_batch(
    queue: &mut VecDeque<Job>,
    config: &Config,
    limit: u64,
    min_docs: usize,
) -> Vec<Job> {
    let mut bytes = 0usize;
    let mut n = 0;
    for job in queue.iter() {
        if n >= config.batch_docs || (bytes >= config.batch_bytes && n >= min_docs) {
            break;
        }
        bytes = bytes.saturating_add(job.size(limit));
        n += 1;
    }
    queue.drain(..n).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_batch_takes_files_by_their_bytes_and_one_per_thread_at_least() {
        let config = Config {
            batch_bytes: 1000,
            ..Config::default()
        };
        let text = |len: u64| {
            Job::Text(
                InputFile {
                    path: Some("x.txt".into()),
                    id: "x.txt".into(),
                    jsonl: false,
                },
                Some(Known { len, regular: true }),
            )
        };
        let mut queue: VecDeque<Job> = (0..10).map(|_| text(400)).collect();
        // 400 bytes each: three make a batch.
        assert_eq!(take_batch(&mut queue, &config, 1 << 20, 1).len(), 3);
        // Large files: one per thread.
        let mut queue: VecDeque<Job> = (0..10).map(|_| text(1 << 20)).collect();
        assert_eq!(take_batch(&mut queue, &config, 1 << 20, 4).len(), 4);
        // Standard input counts as large as a document may be.
        let stdin = Job::Text(
            InputFile {
                path: None,
                id: "-".into(),
                jsonl: false,
            },
            None,
        );
        assert_eq!(stdin.size(5000), 5000);
    }
}
