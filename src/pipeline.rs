//! The driver: runs documents through the [`Cleaner`] in parallel, in input order.
//!
//! Jobs are read in batches (bounded by document count and bytes, so memory
//! stays bounded whatever the corpus size), cleaned and serialised in parallel
//! with rayon, then written in input order. The output is byte-identical for any
//! number of threads.

use std::collections::BTreeMap;
use std::io::{BufRead, Write};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use rayon::prelude::*;
use serde::Serialize;

use crate::classify::Decision;
use crate::cleaner::Cleaner;
use crate::error::{Error, Result};
use crate::read::{self, InputFile, JsonDoc, Known, LineRead, read_line_limited};
use crate::record::Record;
use crate::write::{ErrorRecord, Format};

/// What to do with a document that fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OnError {
    /// Leave it out of the output; it goes to the error report.
    #[default]
    Skip,
    /// Write an error record in its place (same keys, empty values, and an
    /// `error` field that every record then carries), so that output lines stay
    /// aligned with input lines.
    Record,
    /// Stop the run at the first failure.
    Fail,
}

/// Settings of a run.
#[derive(Debug, Clone)]
pub struct Config {
    /// Output format.
    pub format: Format,
    /// The JSONL field holding the text (`--text-key`).
    pub text_key: String,
    /// The JSONL field holding the id (`--id-key`).
    pub id_key: String,
    /// Documents per parallel batch.
    pub batch_docs: usize,
    /// Bytes per parallel batch (a batch ends when either bound is reached).
    pub batch_bytes: usize,
    /// What to do with a document that fails.
    pub on_error: OnError,
    /// Also produce a dolma attribute line per document ([`crate::write::attributes_line`]).
    pub attributes: bool,
    /// When set (for example by a signal handler), the run stops after the
    /// current batch with [`Error::Interrupted`].
    pub interrupt: Option<Arc<AtomicBool>>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            format: Format::Jsonl,
            text_key: "text".into(),
            id_key: "id".into(),
            batch_docs: 1024,
            batch_bytes: 16 << 20,
            on_error: OnError::Skip,
            attributes: false,
            interrupt: None,
        }
    }
}

/// Figures of a run.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Stats {
    /// Documents read (written + failed).
    pub documents_in: u64,
    /// Documents written to the output.
    pub documents_written: u64,
    /// Documents that failed and went to the error report.
    pub documents_failed: u64,
    /// Bytes of input documents.
    pub bytes_in: u64,
    /// Bytes written to the output.
    pub bytes_out: u64,
    /// Lines removed, by rule id.
    pub removed_by_rule: BTreeMap<String, u64>,
    /// Repairs made, by rule id.
    pub fixes_by_rule: BTreeMap<String, u64>,
}

impl Stats {
    /// Adds the figures of `other` to these.
    pub fn add(&mut self, other: &Stats) {
        self.documents_in += other.documents_in;
        self.documents_written += other.documents_written;
        self.documents_failed += other.documents_failed;
        self.bytes_in += other.bytes_in;
        self.bytes_out += other.bytes_out;
        for (k, v) in &other.removed_by_rule {
            *self.removed_by_rule.entry(k.clone()).or_default() += v;
        }
        for (k, v) in &other.fixes_by_rule {
            *self.fixes_by_rule.entry(k.clone()).or_default() += v;
        }
    }

    /// Total lines removed.
    pub fn lines_removed(&self) -> u64 {
        self.removed_by_rule.values().sum()
    }
    /// Total repairs made.
    pub fn fixes(&self) -> u64 {
        self.fixes_by_rule.values().sum()
    }
}

/// What the driver reports while it runs.
#[derive(Debug)]
pub enum Event<'a> {
    /// A document is done (written or failed); `bytes` is its input size.
    Progress {
        /// Input bytes of the document.
        bytes: u64,
    },
    /// A document failed; it is in the error report, not in the output.
    Failed(&'a ErrorRecord),
}

enum Job {
    /// A text file (or standard input) and what a `stat` said of it.
    Text(InputFile, Option<Known>),
    Json {
        source: Arc<str>,
        line_no: usize,
        line: Vec<u8>,
    },
    Failed(ErrorRecord, u64),
}

impl Job {
    fn size(&self) -> usize {
        match self {
            Job::Text(..) => 64 << 10,
            Job::Json { line, .. } => line.len(),
            Job::Failed(..) => 0,
        }
    }
}

enum Outcome {
    Written {
        bytes_in: u64,
        out: Vec<u8>,
        /// The dolma attribute line, when asked for.
        attributes: Vec<u8>,
    },
    Failed(ErrorRecord, u64),
}

/// A JSONL file being read: its reader, source name, input and last line number.
struct OpenJsonl<'a> {
    reader: Box<dyn BufRead + Send>,
    source: Arc<str>,
    input: &'a InputFile,
    line_no: usize,
}

/// Reads jobs from the inputs, in order, a batch at a time.
struct JobReader<'a> {
    inputs: std::slice::Iter<'a, InputFile>,
    /// The JSONL file being read.
    current: Option<OpenJsonl<'a>>,
    config: &'a Config,
    limit: u64,
}

impl<'a> JobReader<'a> {
    fn new(inputs: &'a [InputFile], config: &'a Config, limit: u64) -> Self {
        JobReader {
            inputs: inputs.iter(),
            current: None,
            config,
            limit,
        }
    }

    /// The next batch, bounded by document count and bytes; `None` at the end.
    fn next_batch(&mut self) -> Option<Vec<Job>> {
        let mut batch = Vec::new();
        let mut bytes = 0usize;
        while batch.len() < self.config.batch_docs && bytes < self.config.batch_bytes {
            match self.next_job() {
                Some(job) => {
                    bytes += job.size();
                    batch.push(job);
                }
                None => break,
            }
        }
        (!batch.is_empty()).then_some(batch)
    }

    fn next_job(&mut self) -> Option<Job> {
        loop {
            if let Some(OpenJsonl {
                reader,
                source,
                input,
                line_no,
            }) = &mut self.current
            {
                *line_no += 1;
                let n = *line_no;
                let at = || format!("{source}:{n}");
                let mut line = Vec::new();
                match read_line_limited(reader.as_mut(), &mut line, self.limit) {
                    Ok(LineRead::Eof) => {
                        self.current = None;
                        continue;
                    }
                    Ok(LineRead::Line) if line.iter().all(u8::is_ascii_whitespace) => {
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
                    Ok(LineRead::Line) => {
                        return Some(Job::Json {
                            source: source.clone(),
                            line_no: n,
                            line,
                        });
                    }
                    Ok(LineRead::TooLong(size)) => {
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
                    Err(e) => {
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
                        reader,
                        source: input.source().into(),
                        input,
                        line_no: 0,
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

/// Runs every document of `inputs` through `cleaner`, writing records to `out`
/// in input order. Per-document failures are reported through `events` and
/// counted; only a failure to write `out` ends the run early with an error.
///
/// Three stages overlap: while the worker threads clean batch N, the calling
/// thread writes batch N-1 and reads batch N+1.
pub fn run(
    inputs: &[InputFile],
    cleaner: &Cleaner,
    config: &Config,
    out: &mut (dyn Write + Send),
    out_name: &Path,
    mut attributes: Option<(&mut (dyn Write + Send), &Path)>,
    events: &mut (dyn FnMut(Event<'_>) + Send),
) -> Result<Stats> {
    let mut stats = Stats::default();
    let error_field = config.on_error == OnError::Record;
    let header = config.format.header(error_field);
    out.write_all(&header).map_err(|e| Error::io(out_name, e))?;
    stats.bytes_out += header.len() as u64;

    let mut reader = JobReader::new(inputs, config, cleaner.options().max_doc_bytes);
    let shared = Shared::default();
    let clean_batch = |batch: Vec<Job>| -> Vec<Outcome> {
        // Small pieces: rayon's adaptive split hands each thread a few long
        // runs of documents, and a thread that finishes early finds nothing
        // left to steal; short runs keep both busy to the end of the batch.
        batch
            .into_par_iter()
            .with_max_len(4)
            .map(|job| process(job, cleaner, config, &shared))
            .collect()
    };
    let mut next = reader.next_batch();
    let mut done: Option<Vec<Outcome>> = None;
    while next.is_some() || done.is_some() {
        let batch = next.take();
        let (written, cleaned) = rayon::join(
            || -> Result<Option<Vec<Job>>> {
                if let Some(outcomes) = done.take() {
                    write_outcomes(
                        outcomes,
                        config,
                        (out, out_name),
                        attributes.as_mut(),
                        (&mut stats, &shared),
                        events,
                    )?;
                }
                Ok(reader.next_batch())
            },
            || batch.map(clean_batch),
        );
        next = written?;
        done = cleaned;
    }
    // A signal during the last batch, or a read it stopped: not finished.
    if interrupted(config) {
        return Err(Error::Interrupted);
    }
    out.flush().map_err(|e| Error::io(out_name, e))?;
    if let Some((w, name)) = attributes.as_mut() {
        w.flush().map_err(|e| Error::io(*name, e))?;
    }
    if let Ok((removed, fixes)) = shared.counts.into_inner() {
        stats.removed_by_rule = removed;
        stats.fixes_by_rule = fixes;
    }
    Ok(stats)
}

/// What the workers and the writer share so that each thread frees what it
/// allocated. With glibc's allocator, a block freed by another thread than its
/// own takes the lock of its owner's arena; at `-j 2` the workers slept on it,
/// the writer freeing every record's buffers. So the rule counts are kept
/// where the documents are cleaned (the rule names are freed there), and the
/// writer hands each written record's buffer back for another record.
#[derive(Default)]
struct Shared {
    /// Lines removed and characters fixed, by rule.
    counts: Mutex<(BTreeMap<String, u64>, BTreeMap<String, u64>)>,
    /// Written records' buffers, empty, for reuse, and their capacity in all.
    buffers: Mutex<(Vec<Vec<u8>>, usize)>,
}

/// The bytes of spare buffers [`Shared`] keeps at most, and the largest
/// buffer it keeps: memory stays bounded whatever the records.
const SPARE_BYTES: usize = 16 << 20;
const SPARE_BUFFER_BYTES: usize = 256 << 10;

impl Shared {
    /// An empty buffer for a record.
    fn buffer(&self) -> Vec<u8> {
        let Ok(mut spare) = self.buffers.lock() else {
            return Vec::new();
        };
        match spare.0.pop() {
            Some(b) => {
                spare.1 -= b.capacity();
                b
            }
            None => Vec::new(),
        }
    }

    /// Takes back a written record's buffer.
    fn recycle(&self, mut buf: Vec<u8>) {
        if buf.capacity() > SPARE_BUFFER_BYTES {
            return;
        }
        buf.clear();
        if let Ok(mut spare) = self.buffers.lock()
            && spare.1 + buf.capacity() <= SPARE_BYTES
        {
            spare.1 += buf.capacity();
            spare.0.push(buf);
        }
    }

    /// Counts a record's removed lines and fixes by rule.
    fn count(&self, rec: Record) {
        if rec.removed.is_empty() && rec.fixes.is_empty() {
            return;
        }
        if let Ok(mut c) = self.counts.lock() {
            for r in rec.removed {
                *c.0.entry(r.rule).or_default() += 1;
            }
            for f in rec.fixes {
                *c.1.entry(f.rule).or_default() += 1;
            }
        }
    }
}

/// Writes a cleaned batch in order, counts it, and reports each document.
fn write_outcomes(
    outcomes: Vec<Outcome>,
    config: &Config,
    (out, out_name): (&mut (dyn Write + Send), &Path),
    mut attributes: Option<&mut (&mut (dyn Write + Send), &Path)>,
    (stats, shared): (&mut Stats, &Shared),
    events: &mut (dyn FnMut(Event<'_>) + Send),
) -> Result<()> {
    let write_err = |e| Error::io(out_name, e);
    // Interrupted: this batch is not written (reads it holds may have been
    // cut short), and the run ends.
    if interrupted(config) {
        return Err(Error::Interrupted);
    }
    let mut write_attributes = |line: &[u8]| -> Result<()> {
        if let Some((w, name)) = attributes.as_mut() {
            w.write_all(line).map_err(|e| Error::io(*name, e))?;
        }
        Ok(())
    };
    for o in outcomes {
        stats.documents_in += 1;
        match o {
            Outcome::Written {
                bytes_in,
                out: bytes,
                attributes,
            } => {
                out.write_all(&bytes).map_err(write_err)?;
                write_attributes(&attributes)?;
                stats.documents_written += 1;
                stats.bytes_in += bytes_in;
                stats.bytes_out += bytes.len() as u64;
                shared.recycle(bytes);
                events(Event::Progress { bytes: bytes_in });
            }
            Outcome::Failed(err, bytes_in) => {
                stats.documents_failed += 1;
                stats.bytes_in += bytes_in;
                if config.attributes {
                    let mut line = Vec::new();
                    crate::write::attributes_line(&err.id, "", &[], &mut line);
                    write_attributes(&line)?;
                }
                events(Event::Failed(&err));
                events(Event::Progress { bytes: bytes_in });
                match config.on_error {
                    OnError::Skip => {}
                    OnError::Record => {
                        let bytes = error_record(&err, config)?;
                        out.write_all(&bytes).map_err(write_err)?;
                        stats.bytes_out += bytes.len() as u64;
                    }
                    OnError::Fail => {
                        return Err(Error::Stopped {
                            origin: err.source,
                            reason: err.reason,
                        });
                    }
                }
            }
        }
    }
    if interrupted(config) {
        return Err(Error::Interrupted);
    }
    Ok(())
}

/// Whether the run's interrupt flag is set.
fn interrupted(config: &Config) -> bool {
    config
        .interrupt
        .as_ref()
        .is_some_and(|i| i.load(Ordering::Relaxed))
}

/// The reason text of an error, without the path (which the report names already).
fn error_reason(e: &Error) -> String {
    match e {
        Error::Io { error, .. } => error.to_string(),
        other => other.to_string(),
    }
}

fn process(job: Job, cleaner: &Cleaner, config: &Config, shared: &Shared) -> Outcome {
    match job {
        Job::Failed(err, size) => Outcome::Failed(err, size),
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
                )
            };
            let limit = cleaner.options().max_doc_bytes;
            let stop = config.interrupt.as_ref();
            let bytes = match read::read_text_with(&input, limit, known, stop) {
                Ok(b) => b,
                Err(e) => return fail(error_reason(&e), 0),
            };
            let size = bytes.len() as u64;
            match cleaner.clean_bytes_borrowed(&bytes, None) {
                Ok((mut rec, decisions, text)) => {
                    rec.id = input.id.clone();
                    rec.source = source.clone();
                    finish(rec, None, (&text, &decisions), size, (config, shared))
                        .unwrap_or_else(|e| fail(error_reason(&e), size))
                }
                Err(e) => fail(error_reason(&e), size),
            }
        }
        Job::Json {
            source,
            line_no,
            line,
        } => {
            let size = line.len() as u64;
            let src = format!("{source}:{line_no}");
            let fail = |id: String, reason: String| {
                Outcome::Failed(
                    ErrorRecord {
                        source: src.clone(),
                        id,
                        reason,
                    },
                    size,
                )
            };
            let Ok(text) = simdutf8::basic::from_utf8(&line) else {
                return fail(String::new(), "line is not valid UTF-8".into());
            };
            let doc = match JsonDoc::parse(text) {
                Ok(d) => d,
                Err(reason) => return fail(String::new(), reason),
            };
            let id = doc.get_str(&config.id_key).unwrap_or_else(|| {
                doc.get(&config.id_key)
                    .map(|v| v.get().to_string())
                    .unwrap_or_else(|| src.clone())
            });
            let Some(raw) = doc.get(&config.text_key) else {
                return fail(id, format!("no {:?} field", config.text_key));
            };
            let Ok(body) = serde_json::from_str::<String>(raw.get()) else {
                return fail(id, format!("field {:?} is not a string", config.text_key));
            };
            match cleaner.try_clean_text_detailed(&body) {
                Ok((mut rec, decisions)) => {
                    rec.id = id.clone();
                    rec.source = src.clone();
                    let input = Some((&doc, config.text_key.as_str()));
                    finish(rec, input, (&body, &decisions), size, (config, shared))
                        .unwrap_or_else(|e| fail(id, error_reason(&e)))
                }
                Err(e) => fail(id, error_reason(&e)),
            }
        }
    }
}

/// The output line standing in for a failed document (`--on-error record`).
fn error_record(err: &ErrorRecord, config: &Config) -> Result<Vec<u8>> {
    let rec = Record {
        id: err.id.clone(),
        source: err.source.clone(),
        ..Record::default()
    };
    let mut out = Vec::new();
    config
        .format
        .serialize(&rec, None, Some(&err.reason), &mut out)?;
    Ok(out)
}

/// Serialises a cleaned document. `(text, decisions)` are the input text and
/// its line decisions, for the attribute line.
fn finish(
    rec: Record,
    input: Option<(&JsonDoc, &str)>,
    (text, decisions): (&str, &[Decision]),
    bytes_in: u64,
    (config, shared): (&Config, &Shared),
) -> Result<Outcome> {
    // The format sizes the buffer from the record.
    let mut out = shared.buffer();
    let error = (config.on_error == OnError::Record).then_some("");
    config.format.serialize(&rec, input, error, &mut out)?;
    let mut attributes = Vec::new();
    if config.attributes {
        crate::write::attributes_line(&rec.id, text, decisions, &mut attributes);
    }
    shared.count(rec);
    Ok(Outcome::Written {
        bytes_in,
        out,
        attributes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spare_buffers_come_back_empty_and_stay_within_their_bound() {
        let shared = Shared::default();
        let mut b = Vec::with_capacity(1000);
        b.extend_from_slice(b"a written record");
        shared.recycle(b);
        let again = shared.buffer();
        assert!(again.is_empty() && again.capacity() >= 1000);
        assert_eq!(shared.buffers.lock().unwrap().1, 0);
        // A buffer too large for reuse is let go; the rest up to the bound.
        shared.recycle(Vec::with_capacity(SPARE_BUFFER_BYTES + 1));
        assert!(shared.buffers.lock().unwrap().0.is_empty());
        for _ in 0..(SPARE_BYTES / SPARE_BUFFER_BYTES + 5) {
            shared.recycle(Vec::with_capacity(SPARE_BUFFER_BYTES));
        }
        let spare = shared.buffers.lock().unwrap();
        assert!(spare.1 <= SPARE_BYTES);
        assert_eq!(spare.1, spare.0.iter().map(Vec::capacity).sum::<usize>());
    }

    #[test]
    fn rule_counts_are_kept_by_the_workers() {
        let shared = Shared::default();
        let rec = Record {
            removed: vec![
                crate::record::Removed {
                    rule: "promo.app".into(),
                    line: 1,
                    text: "Get our app".into(),
                },
                crate::record::Removed {
                    rule: "promo.app".into(),
                    line: 2,
                    text: "Download the app".into(),
                },
            ],
            ..Record::default()
        };
        shared.count(rec);
        let (removed, fixes) = shared.counts.into_inner().unwrap();
        assert_eq!(removed.get("promo.app"), Some(&2));
        assert!(fixes.is_empty());
    }
}
