//! The driver: runs documents through the [`Cleaner`] in parallel, in input order.
//!
//! Jobs are read in batches, cleaned and serialised in parallel with rayon,
//! then written in input order. The output is byte-identical for any number of
//! threads.
//!
//! Memory is bounded by bytes, whatever the corpus looks like: a batch holds
//! at most [`Config::batch_docs`] documents and about [`Config::batch_bytes`]
//! of input, each counted at its real size (a text file by its `stat`, a
//! JSONL document by its line), and at least one document per thread; its
//! cleaned records stop growing at [`Config::batch_out_bytes`]: past it, the
//! workers leave the rest of the batch for the next round (documents of
//! short lines, each removed with its audit entry, write many times their
//! size). What one document takes is bounded by [`crate::cleaner`]'s limit.

use std::collections::{BTreeMap, VecDeque};
use std::io::{BufRead, Write};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use rayon::prelude::*;
use serde::Serialize;

use crate::classify::Decision;
use crate::cleaner::Cleaner;
use crate::error::{Error, Result};
use crate::read::{self, InputFile, JsonDoc, Known, LineRead, read_line_limited};
use crate::record::{FieldSet, Record};
use crate::write::{ErrorRecord, Format};
use serde_json::value::RawValue;

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
    /// Input bytes per parallel batch (a batch ends when either bound is
    /// reached, and holds at least one document per thread).
    pub batch_bytes: usize,
    /// Bytes of cleaned records a batch holds at most, besides the documents
    /// its workers are cleaning when the bound is reached: the rest of the
    /// batch waits for the next round.
    pub batch_out_bytes: usize,
    /// What to do with a document that fails.
    pub on_error: OnError,
    /// Also produce a dolma attribute line per document ([`crate::write::attributes_line`]).
    pub attributes: bool,
    /// When set (for example by a signal handler), the run stops after the
    /// current batch with [`Error::Interrupted`].
    pub interrupt: Option<Arc<AtomicBool>>,
    /// The record's fields written (`--fields`, `--no-audit`).
    pub fields: FieldSet,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            format: Format::Jsonl,
            text_key: "text".into(),
            id_key: "id".into(),
            batch_docs: 1024,
            batch_bytes: 8 << 20,
            batch_out_bytes: 8 << 20,
            on_error: OnError::Skip,
            attributes: false,
            interrupt: None,
            fields: FieldSet::ALL,
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
    fn size(&self, limit: u64) -> usize {
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

/// What a worker made of a job in a round: an outcome, or the job left for
/// the next round (the batch's records reached [`Config::batch_out_bytes`]).
enum Step {
    Done(Outcome),
    Later(Job),
}

enum Outcome {
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
    fn held(&self) -> usize {
        match self {
            Outcome::Written {
                out, attributes, ..
            } => out.len() + attributes.len(),
            Outcome::Failed(..) => 0,
        }
    }
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

    /// Reads jobs onto the end of `queue` until it holds a batch: `min_docs`
    /// documents and [`Config::batch_bytes`], or [`Config::batch_docs`]
    /// documents, or the end of the inputs.
    fn fill(&mut self, queue: &mut VecDeque<Job>, min_docs: usize) {
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
                let got = read_line_limited(reader.as_mut(), &mut line, self.limit);
                if n == 1 {
                    read::strip_bom(&mut line);
                }
                match got {
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
    let header = config.format.header_fields(error_field, config.fields);
    out.write_all(&header).map_err(|e| Error::io(out_name, e))?;
    stats.bytes_out += header.len() as u64;

    let limit = cleaner.options().max_doc_bytes;
    let mut reader = JobReader::new(inputs, config, limit);
    let shared = Shared::default();
    // At least one document per thread in a batch, so that a batch of large
    // files still keeps every thread busy.
    let min_docs = rayon::current_num_threads();
    let clean_batch = |batch: Vec<Job>| -> (Vec<Outcome>, Vec<Job>) {
        // Records already made (waiting from the round before) count first.
        let held = batch
            .iter()
            .map(|j| match j {
                Job::Done(o) => o.held(),
                _ => 0,
            })
            .sum();
        let budget = AtomicUsize::new(held);
        // Small pieces: rayon's adaptive split hands each thread a few long
        // runs of documents, and a thread that finishes early finds nothing
        // left to steal; short runs keep both busy to the end of the batch.
        let steps: Vec<Step> = batch
            .into_par_iter()
            .enumerate()
            .with_max_len(4)
            .map(|(i, job)| match job {
                Job::Done(o) => Step::Done(o),
                // The first document always goes, so that every round
                // moves on.
                job if i > 0 && budget.load(Ordering::Relaxed) >= config.batch_out_bytes => {
                    Step::Later(job)
                }
                job => {
                    let o = process(job, cleaner, config, &shared);
                    budget.fetch_add(o.held(), Ordering::Relaxed);
                    Step::Done(o)
                }
            })
            .collect();
        // The records up to the first document left for later are written;
        // the rest waits, in order.
        let mut outcomes = Vec::with_capacity(steps.len());
        let mut later = Vec::new();
        for step in steps {
            match step {
                Step::Done(o) if later.is_empty() => outcomes.push(o),
                Step::Done(o) => later.push(Job::Done(o)),
                Step::Later(job) => later.push(job),
            }
        }
        (outcomes, later)
    };
    // Jobs read and not yet in a batch (or left for later), in input order.
    let mut queue: VecDeque<Job> = VecDeque::new();
    reader.fill(&mut queue, min_docs);
    let mut done: Option<Vec<Outcome>> = None;
    loop {
        let batch = take_batch(&mut queue, config, limit, min_docs);
        if batch.is_empty() && done.is_none() {
            break;
        }
        let (written, (cleaned, later)) = rayon::join(
            || -> Result<()> {
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
                reader.fill(&mut queue, min_docs);
                Ok(())
            },
            || clean_batch(batch),
        );
        written?;
        for job in later.into_iter().rev() {
            queue.push_front(job);
        }
        done = (!cleaned.is_empty()).then_some(cleaned);
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

/// Takes the next batch off the front of `queue`: up to
/// [`Config::batch_docs`] documents, and [`Config::batch_bytes`] of input
/// once it holds `min_docs`.
fn take_batch(queue: &mut VecDeque<Job>, config: &Config, limit: u64, min_docs: usize) -> Vec<Job> {
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
            Outcome::Failed(err, bytes_in, mut line) => {
                stats.documents_failed += 1;
                stats.bytes_in += bytes_in;
                if config.attributes {
                    if line.is_empty() {
                        let id = crate::write::id_json(None, &err.id);
                        crate::write::attributes_line(&id, "", &[], &mut line);
                    }
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
            let limit = cleaner.options().max_doc_bytes;
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
            let Ok(text) = simdutf8::basic::from_utf8(&line) else {
                return fail(String::new(), None, "line is not valid UTF-8".into());
            };
            let doc = match JsonDoc::parse(text) {
                Ok(d) => d,
                Err(reason) => return fail(String::new(), None, reason),
            };
            // Always a string: a number or object as its JSON text, none
            // or null as the line's place.
            let id = doc.get_text(&config.id_key).unwrap_or_else(|| src.clone());
            let raw_id = doc.get(&config.id_key);
            let body = match doc.get_string(&config.text_key) {
                None => return fail(id, raw_id, format!("no {:?} field", config.text_key)),
                Some(Err(why)) => {
                    return fail(id, raw_id, format!("field {:?} {why}", config.text_key));
                }
                Some(Ok(body)) => body,
            };
            let (rec, attributes) = match cleaner.try_clean_text_detailed(&body) {
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
fn error_record(err: &ErrorRecord, config: &Config) -> Result<Vec<u8>> {
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
fn attribute_line(
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
fn finish(
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

    /// Runs the pipeline over `inputs` with `config`; the output and stats.
    fn run_all(inputs: &[InputFile], config: &Config) -> (Vec<u8>, Stats) {
        let cleaner = Cleaner::builtin().unwrap();
        let mut out = Vec::new();
        let stats = run(
            inputs,
            &cleaner,
            config,
            &mut out,
            Path::new("<test>"),
            None,
            &mut |_| {},
        )
        .unwrap();
        (out, stats)
    }

    #[test]
    fn batches_cut_short_by_the_output_bound_write_the_same_records_in_order() {
        let d = tempfile::tempdir().unwrap();
        let mut lines = String::new();
        for i in 0..120 {
            // Records of very different sizes: many removed lines, or few.
            let text = if i % 3 == 0 {
                "Share this\n".repeat(1 + i * 7)
            } else {
                format!(
                    "Title {i}\n\nThe council approved budget number {i} on Tuesday, after a long debate.\n"
                )
            };
            lines += &serde_json::json!({"id": i.to_string(), "text": text}).to_string();
            lines.push('\n');
            if i == 50 {
                lines += "{broken\n";
            }
        }
        let jsonl = d.path().join("in.jsonl");
        std::fs::write(&jsonl, lines).unwrap();
        let mut inputs = vec![InputFile {
            path: Some(jsonl),
            id: "in.jsonl".into(),
            jsonl: true,
        }];
        for i in 0..30 {
            let p = d.path().join(format!("{i}.txt"));
            std::fs::write(
                &p,
                "Other page\n\nA sentence of body text here.\n".repeat(i + 1),
            )
            .unwrap();
            inputs.push(InputFile {
                path: Some(p),
                id: format!("{i}.txt"),
                jsonl: false,
            });
        }
        let whole = run_all(&inputs, &Config::default());
        // Every round stops after its first record, and batches are small.
        let tight = Config {
            batch_docs: 7,
            batch_bytes: 500,
            batch_out_bytes: 1,
            ..Config::default()
        };
        let cut = run_all(&inputs, &tight);
        assert_eq!(
            String::from_utf8_lossy(&cut.0),
            String::from_utf8_lossy(&whole.0)
        );
        assert_eq!(cut.1, whole.1);
        assert_eq!(whole.1.documents_in, 151);
    }

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
