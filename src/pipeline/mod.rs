//! The driver: runs documents through the [`Cleaner`] in parallel, in input order.
//!
//! Jobs are read in batches, cleaned and serialised in parallel with rayon,
//! then written in input order. The output is byte-identical for any number of
//! threads.
//!
//! Memory is bounded by bytes, whatever the corpus looks like: a batch holds
//! at most 1,024 documents and about 8 MB of input, each counted at its real
//! size (a text file by its `stat`, a JSONL document by its line), and at
//! least one document per thread; its cleaned records stop growing at 8 MB:
//! past it, the
//! workers leave the rest of the batch for the next round (documents of
//! short lines, each removed with its audit entry, write many times their
//! size). What one document takes is bounded by the cleaner's limit
//! ([`crate::CleanerBuilder::max_doc_bytes`]).
//!
//! The parts: `jobs` reads the inputs into jobs, `worker` cleans and
//! serialises one job, `buffers` holds what workers and writer share, and
//! `jsonl` is the JSONL document reader (also used by the CLI's corpus
//! passes). This module holds the settings and the loop that drives them.
//!
//! ```
//! use rinse::pipeline::{self, Config, Format, InputFile, Sink};
//!
//! let dir = tempfile::tempdir()?;
//! let page = dir.path().join("page.txt");
//! std::fs::write(&page, "Headline\n\nA first sentence of the body, long enough.\n")?;
//! let inputs = [InputFile {
//!     path: Some(page),
//!     id: "page.txt".into(),
//!     jsonl: false,
//! }];
//! let cleaner = rinse::Cleaner::builtin()?;
//! let config = Config::default().format(Format::Csv);
//! let mut out = Vec::new();
//! let stats = pipeline::run(
//!     &cleaner,
//!     &config,
//!     &inputs,
//!     Sink::new(&mut out, "<memory>".as_ref()),
//!     &mut |_event| {},
//! )?;
//! assert_eq!(stats.documents_written, 1);
//! assert!(out.starts_with(b"id,source,title"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod buffers;
mod jobs;
pub(crate) mod jsonl;
mod worker;

use std::collections::{BTreeMap, VecDeque};
use std::io::Write;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use rayon::prelude::*;
use serde::Serialize;

use crate::cleaner::Cleaner;
use crate::error::{Error, Result};
pub use crate::read::InputFile;
pub use crate::record::FieldSet;
pub use crate::write::{ErrorRecord, Format};
use buffers::Shared;
use jobs::{Job, JobReader, take_batch};
use worker::{Outcome, Step, error_record, process};

/// What to do with a document that fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
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

/// Settings of a run: what to write and how, set by its builder methods.
///
/// ```
/// use rinse::pipeline::{Config, Format, OnError};
/// let config = Config::default()
///     .format(Format::Jsonl)
///     .text_key("content")
///     .on_error(OnError::Record);
/// # let _ = config;
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct Config {
    /// Output format.
    pub(crate) format: Format,
    /// The JSONL field holding the text (`--text-key`).
    pub(crate) text_key: String,
    /// The JSONL field holding the id (`--id-key`).
    pub(crate) id_key: String,
    /// Documents per parallel batch.
    pub(crate) batch_docs: usize,
    /// Input bytes per parallel batch (a batch ends when either bound is
    /// reached, and holds at least one document per thread).
    pub(crate) batch_bytes: usize,
    /// Bytes of cleaned records a batch holds at most, besides the documents
    /// its workers are cleaning when the bound is reached: the rest of the
    /// batch waits for the next round.
    pub(crate) batch_out_bytes: usize,
    /// What to do with a document that fails.
    pub(crate) on_error: OnError,
    /// Also produce a dolma attribute line per document
    /// ([`crate::write::attributes_line`]): set by [`run`] when its
    /// [`Sink`] has somewhere to write them.
    pub(crate) attributes: bool,
    /// When set (for example by a signal handler), the run stops after the
    /// current batch with [`Error::Interrupted`].
    pub(crate) interrupt: Option<Arc<AtomicBool>>,
    /// The record's fields written (`--fields`, `--no-audit`).
    pub(crate) fields: FieldSet,
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

impl Config {
    /// The output format (default JSONL).
    pub fn format(mut self, format: Format) -> Self {
        self.format = format;
        self
    }

    /// The field of a JSONL or Parquet input that holds the text (default `text`).
    pub fn text_key(mut self, key: impl Into<String>) -> Self {
        self.text_key = key.into();
        self
    }

    /// The field of a JSONL or Parquet input that holds the document id
    /// (default `id`).
    pub fn id_key(mut self, key: impl Into<String>) -> Self {
        self.id_key = key.into();
        self
    }

    /// What to do with a document that fails (default [`OnError::Skip`]).
    pub fn on_error(mut self, on_error: OnError) -> Self {
        self.on_error = on_error;
        self
    }

    /// The record's fields to write (default all of them).
    pub fn fields(mut self, fields: FieldSet) -> Self {
        self.fields = fields;
        self
    }

    /// A flag that stops the run after the current batch once set (for
    /// example by a signal handler): [`run`] then returns
    /// [`Error::Interrupted`], and reads blocked on a FIFO or standard input
    /// give up within a tenth of a second.
    pub fn interrupt(mut self, flag: Arc<AtomicBool>) -> Self {
        self.interrupt = Some(flag);
        self
    }

    /// The output format ([`Config::format`]).
    pub fn output_format(&self) -> Format {
        self.format
    }

    /// What is done with a failed document ([`Config::on_error`]).
    pub fn error_handling(&self) -> OnError {
        self.on_error
    }

    /// The record's fields written ([`Config::fields`]).
    pub fn written_fields(&self) -> FieldSet {
        self.fields
    }

    /// Bounds a batch (default 1,024 documents, 8 MB of input, 8 MB of
    /// records): memory, not output, depends on them.
    #[doc(hidden)]
    pub fn batch(mut self, docs: usize, bytes: usize, out_bytes: usize) -> Self {
        self.batch_docs = docs;
        self.batch_bytes = bytes;
        self.batch_out_bytes = out_bytes;
        self
    }
}

/// Where a run writes: the records, and the dolma attribute lines when
/// [`Sink::with_attributes`] gives them a place.
pub struct Sink<'a> {
    records: &'a mut (dyn Write + Send),
    name: &'a Path,
    attributes: Option<(&'a mut (dyn Write + Send), &'a Path)>,
}

impl<'a> Sink<'a> {
    /// Writes the records to `records`; `name` names it in errors.
    pub fn new(records: &'a mut (dyn Write + Send), name: &'a Path) -> Self {
        Sink {
            records,
            name,
            attributes: None,
        }
    }

    /// Also writes a dolma attribute line per document (in input order, the
    /// lines rinse removed or kept out of the body marked by character
    /// offsets) to `attributes`, named `name` in errors.
    pub fn with_attributes(
        mut self,
        attributes: &'a mut (dyn Write + Send),
        name: &'a Path,
    ) -> Self {
        self.attributes = Some((attributes, name));
        self
    }
}

/// Figures of a run.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
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
#[non_exhaustive]
pub enum Event<'a> {
    /// A document is done (written or failed); `bytes` is its input size.
    Progress {
        /// Input bytes of the document.
        bytes: u64,
    },
    /// A document failed; it is in the error report, not in the output.
    Failed(&'a ErrorRecord),
}

/// Runs every document of `inputs` through `cleaner`, writing records to
/// `sink` in input order, on rayon's threads (the output is the same for any
/// number). Per-document failures are reported through `events` and counted;
/// only a failure to write ends the run early with an error
/// ([`Error::Stopped`] too with [`OnError::Fail`], [`Error::Interrupted`]
/// when [`Config::interrupt`]'s flag is set). Flushes the sink, but leaves
/// committing files to the caller.
///
/// Three stages overlap: while the worker threads clean batch N, the calling
/// thread writes batch N-1 and reads batch N+1.
pub fn run(
    cleaner: &Cleaner,
    config: &Config,
    inputs: &[InputFile],
    sink: Sink<'_>,
    events: &mut (dyn FnMut(Event<'_>) + Send),
) -> Result<Stats> {
    let Sink {
        records: out,
        name: out_name,
        mut attributes,
    } = sink;
    let config = &Config {
        attributes: attributes.is_some(),
        ..config.clone()
    };
    let mut stats = Stats::default();
    let error_field = config.on_error == OnError::Record;
    let header = config.format.header_fields(error_field, config.fields);
    out.write_all(&header).map_err(|e| Error::io(out_name, e))?;
    stats.bytes_out += header.len() as u64;

    let limit = cleaner.max_doc_bytes();
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
    (stats.removed_by_rule, stats.fixes_by_rule) = shared.counts();
    Ok(stats)
}

/// Writes a cleaned batch in order, counts it, and reports each document.
#[allow(clippy::type_complexity)]
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs the pipeline over `inputs` with `config`; the output and stats.
    fn run_all(inputs: &[InputFile], config: &Config) -> (Vec<u8>, Stats) {
        let cleaner = Cleaner::builtin().unwrap();
        let mut out = Vec::new();
        let sink = Sink::new(&mut out, Path::new("<test>"));
        let stats = run(&cleaner, config, inputs, sink, &mut |_| {}).unwrap();
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
}
