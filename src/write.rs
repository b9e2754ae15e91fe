//! Stage 7: serialise records as JSONL or CSV, and write output files atomically.
//!
//! Records are serialised by the worker that cleaned them ([`Format::serialize`]),
//! so the writer only copies finished bytes, in input order. An output file is
//! written under a temporary name in its folder and renamed when complete
//! ([`AtomicFile`]), so an interrupted run never leaves a half file under the
//! final name. A path that is not a regular file (a FIFO, a device,
//! `/dev/stdout`, `/proc/self/fd/N`) is written in place, never renamed over
//! ([`Destination`]).

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::classify::{Class, Decision};
use crate::error::{Error, Result};
use crate::json::{self, WriteJson};
use crate::read::JsonDoc;
use crate::record::{FIELDS, FieldSet, Record};

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// One JSON object per line.
    #[default]
    Jsonl,
    /// Comma-separated values with a header row; list fields as JSON arrays.
    Csv,
    /// Parquet (`columnar`, cargo feature `parquet`). Records are
    /// serialised as JSONL lines holding the record's fields, then the
    /// input's other fields, which `Output::parquet` writes as rows.
    Parquet,
}

impl Format {
    /// The format an output path implies by its extension (`.csv`,
    /// `.parquet`, or else JSONL; a `.gz`/`.zst` suffix is looked through).
    pub fn from_path(path: &Path) -> Format {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        let base = name
            .strip_suffix(".gz")
            .or_else(|| name.strip_suffix(".zst"))
            .unwrap_or(&name);
        if base.ends_with(".csv") {
            Format::Csv
        } else if base.ends_with(".parquet") {
            Format::Parquet
        } else {
            Format::Jsonl
        }
    }

    /// The bytes written before the first record (the CSV header). With
    /// `error_field`, records carry an `error` column/key after the record's fields.
    pub fn header(&self, error_field: bool) -> Vec<u8> {
        self.header_fields(error_field, FieldSet::ALL)
    }

    /// [`Format::header`] for records of the fields `fields` only.
    pub fn header_fields(&self, error_field: bool, fields: FieldSet) -> Vec<u8> {
        match self {
            Format::Jsonl | Format::Parquet => Vec::new(),
            Format::Csv => {
                let mut w = csv::Writer::from_writer(Vec::new());
                let mut names: Vec<&str> = fields.names().collect();
                if error_field {
                    names.push("error");
                }
                // Writing to a Vec cannot fail.
                let _ = w.write_record(names);
                w.into_inner().unwrap_or_default()
            }
        }
    }

    /// Serialises `rec`, followed by a line break, onto `out`. For JSONL input,
    /// `input` holds the input object: its fields come first, in their order and
    /// byte for byte, with `text_key`'s value replaced by the clean text; then the
    /// record's fields that the input does not have. With `error` set, an `error`
    /// key (CSV: column) follows, holding it.
    pub fn serialize(
        &self,
        rec: &Record,
        input: Option<(&JsonDoc, &str)>,
        error: Option<&str>,
        out: &mut Vec<u8>,
    ) -> Result<()> {
        self.serialize_fields(rec, input, error, FieldSet::ALL, out)
    }

    /// [`Format::serialize`] writing only the record's fields in `fields`
    /// (an input object's own fields are all written).
    pub fn serialize_fields(
        &self,
        rec: &Record,
        input: Option<(&JsonDoc, &str)>,
        error: Option<&str>,
        fields: FieldSet,
        out: &mut Vec<u8>,
    ) -> Result<()> {
        match self {
            Format::Jsonl => {
                out.reserve(rec.json_size_hint());
                match input {
                    None => write_selected(rec, fields, out),
                    Some((doc, text_key)) => write_merged(rec, doc, text_key, fields, out),
                }
                push_error(out, error);
            }
            Format::Parquet => {
                out.reserve(rec.json_size_hint());
                write_selected(rec, fields, out);
                if let Some((doc, text_key)) = input {
                    // The input's other fields, byte for byte, after the
                    // record's (the schema has the record's types first).
                    out.pop();
                    for (k, v) in &doc.fields {
                        if k == text_key || k == "error" || FIELDS.contains(&k.as_str()) {
                            continue;
                        }
                        out.push(b',');
                        json::push_str(out, k);
                        out.push(b':');
                        out.extend_from_slice(v.get().as_bytes());
                    }
                    out.push(b'}');
                }
                push_error(out, error);
            }
            Format::Csv => {
                // Strings borrowed as bytes: no copy of the text per record;
                // lists as JSON arrays.
                let mut row: Vec<std::borrow::Cow<'_, [u8]>> = fields
                    .names()
                    .map(|k| match string_field(rec, k) {
                        Some(s) => std::borrow::Cow::Borrowed(s.as_bytes()),
                        None => {
                            let mut cell = Vec::new();
                            if let Some(v) = rec.field(k) {
                                v.write_json(&mut cell);
                            }
                            std::borrow::Cow::Owned(cell)
                        }
                    })
                    .collect();
                if let Some(e) = error {
                    row.push(std::borrow::Cow::Borrowed(e.as_bytes()));
                }
                let mut w = csv::WriterBuilder::new()
                    .has_headers(false)
                    .from_writer(&mut *out);
                w.write_record(&row)
                    .map_err(|e| Error::Json(format!("CSV: {e}")))?;
                w.flush().map_err(|e| Error::io("<buffer>", e))?;
                return Ok(());
            }
        }
        out.push(b'\n');
        Ok(())
    }
}

/// The record's string field `name`; `None` for a list field.
fn string_field<'a>(rec: &'a Record, name: &str) -> Option<&'a str> {
    Some(match name {
        "id" => &rec.id,
        "source" => &rec.source,
        "title" => &rec.title,
        "dateline" => &rec.dateline,
        "text" => &rec.text,
        "encoding" => &rec.encoding,
        _ => return None,
    })
}

/// `rec` as a JSON object of the fields in `fields`, in record order.
fn write_selected(rec: &Record, fields: FieldSet, out: &mut Vec<u8>) {
    if fields.is_all() {
        rec.write_json(out);
        return;
    }
    out.push(b'{');
    for (i, k) in fields.names().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        json::push_str(out, k);
        out.push(b':');
        if let Some(v) = rec.field(k) {
            v.write_json(out);
        }
    }
    out.push(b'}');
}

/// Adds an `error` key holding `error`, when set, to the JSON object that
/// ends `out`.
fn push_error(out: &mut Vec<u8>, error: Option<&str>) {
    if let Some(e) = error {
        out.pop(); // the closing brace
        out.extend_from_slice(b",\"error\":");
        json::push_str(out, e);
        out.push(b'}');
    }
}

fn write_merged(rec: &Record, doc: &JsonDoc, text_key: &str, fields: FieldSet, out: &mut Vec<u8>) {
    out.push(b'{');
    let mut first = true;
    let mut key = |out: &mut Vec<u8>, k: &str| {
        if !first {
            out.push(b',');
        }
        first = false;
        json::push_str(out, k);
        out.push(b':');
    };
    for (k, v) in &doc.fields {
        key(out, k);
        if k == text_key {
            json::push_str(out, &rec.text);
        } else if (k == "id" || k == "source") && !v.get().starts_with('"') {
            // The input's own id and source win, as strings (every record
            // key keeps one type): a number or object as its JSON text,
            // null as the line's place.
            let text = doc.get_text(k);
            json::push_str(out, text.as_deref().unwrap_or(&rec.source));
        } else {
            out.extend_from_slice(v.get().as_bytes());
        }
    }
    // The record's fields the input does not have, in record order; `text` is
    // already in the text key's place.
    for k in FIELDS {
        if k == "text" || !fields.contains(k) || doc.get(k).is_some() {
            continue;
        }
        if let Some(value) = rec.field(k) {
            key(out, k);
            value.write_json(out);
        }
    }
    out.push(b'}');
}

/// One line of a dolma attribute file for a document: character spans (code
/// points, as Python counts them) of `text`'s lines that rinse did not keep in
/// the body. `rinse__boilerplate` holds the removed lines (boilerplate and
/// trailer), `rinse__not_body` every non-blank line outside the body (those and
/// the title, dateline, captions, credits and related links). Each span is
/// `[start, end, 1.0]`. Two document-level attributes span the whole text
/// (`[[0, length, score]]`), for dolma's `filter.exclude`:
/// `rinse__body_empty` scores 1.0 when rinse kept no body line, else 0.0;
/// `rinse__removed_share` is the share of non-blank lines removed (0.0 to 1.0).
/// With `decisions` empty (a failed document) the span lists are empty and
/// the body counts as empty.
///
/// `id_json` is the document's id as JSON, as the input has it (`"d1"`,
/// `12345`): dolma's mixer matches it against the document's own `id`, type
/// and all.
pub fn attributes_line(id_json: &str, text: &str, decisions: &[Decision], out: &mut Vec<u8>) {
    let mut boilerplate: Vec<(usize, usize, f32)> = Vec::new();
    let mut not_body: Vec<(usize, usize, f32)> = Vec::new();
    let (mut lines, mut body) = (0usize, 0usize);
    let mut start = 0usize;
    for (line, d) in text
        .split('\n')
        .zip(decisions.iter().chain(std::iter::repeat(&Decision::BLANK)))
    {
        let len = line.chars().count();
        let end = start + line.trim_end().chars().count();
        if d.class != Class::Blank {
            lines += 1;
        }
        match d.class {
            Class::Blank => {}
            Class::Body => body += 1,
            class => {
                if matches!(class, Class::Boilerplate | Class::Trailer) {
                    boilerplate.push((start, end, 1.0));
                }
                not_body.push((start, end, 1.0));
            }
        }
        start += len + 1;
    }
    if decisions.is_empty() {
        boilerplate.clear();
        not_body.clear();
        body = 0;
    }
    let length = text.chars().count();
    let empty = if body == 0 { 1.0 } else { 0.0 };
    let share = if lines == 0 {
        0.0
    } else {
        // Rounded so that the attribute files read the same on every platform.
        ((boilerplate.len() as f64 / lines as f64) * 10_000.0).round() / 10_000.0
    };
    let attributes = serde_json::json!({
        "rinse__boilerplate": boilerplate,
        "rinse__not_body": not_body,
        "rinse__body_empty": [[0, length, empty]],
        "rinse__removed_share": [[0, length, share]],
    });
    out.extend_from_slice(b"{\"id\":");
    out.extend_from_slice(id_json.as_bytes());
    out.extend_from_slice(b",\"attributes\":");
    // Serialising a json! value cannot fail.
    let _ = serde_json::to_writer(&mut *out, &attributes);
    out.extend_from_slice(b"}\n");
}

/// A document id as JSON for [`attributes_line`]: the input's own `raw` id
/// when it is a string or a number (kept byte for byte), else `fallback`
/// as a string.
pub fn id_json(raw: Option<&serde_json::value::RawValue>, fallback: &str) -> String {
    match raw.map(|r| r.get()) {
        Some(r)
            if r.starts_with('"')
                || r.starts_with('-')
                || r.starts_with(|c: char| c.is_ascii_digit()) =>
        {
            r.to_string()
        }
        _ => {
            let mut out = Vec::new();
            json::push_str(&mut out, fallback);
            String::from_utf8(out).unwrap_or_default()
        }
    }
}

/// A record of the error report (`--errors FILE`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct ErrorRecord {
    /// The file (and line, for JSONL) the document came from.
    pub source: String,
    /// The document's id, as far as it is known.
    pub id: String,
    /// Why it failed.
    pub reason: String,
}

/// A file written under a temporary name and renamed over `path` on [`AtomicFile::commit`].
/// Dropped without commit, the temporary file is removed.
///
/// The temporary file is named `.NAME.XXXXXX.rinse-tmp` (six random letters
/// or digits) and locked (`flock`) while it is written: a temporary file of
/// that name that no process holds locked is left over from a killed run
/// ([`remove_stale_temporary_files`]). Every temporary file of the process is
/// listed until it is committed or dropped, so that a signal handler about to
/// exit can remove them ([`remove_temporary_files`]).
///
/// The file is synced to disk before the rename, so that a finished output
/// survives a crash of the machine. So that the sync at the end does not wait
/// for the whole output to reach the disk, every [`SYNC_EVERY`] bytes a
/// background thread syncs what has been written so far, while the run goes on.
#[derive(Debug)]
pub struct AtomicFile {
    path: PathBuf,
    tmp: Option<BufWriter<tempfile::NamedTempFile>>,
    /// Bytes written since the last background sync was asked for.
    unsynced: u64,
    sync_every: u64,
    syncer: Option<Syncer>,
}

/// Bytes an [`AtomicFile`] takes between background syncs.
pub const SYNC_EVERY: u64 = 64 << 20;

/// A thread that syncs a file each time it is asked to (asks coalesce while a
/// sync runs), and reports the first error when it is stopped: after a failed
/// sync, Linux may report success for the next, so no error may be dropped.
#[derive(Debug)]
struct Syncer {
    ask: Option<std::sync::mpsc::SyncSender<()>>,
    thread: Option<std::thread::JoinHandle<io::Result<usize>>>,
}

impl Syncer {
    fn start(file: File) -> io::Result<Syncer> {
        let (ask, asked) = std::sync::mpsc::sync_channel::<()>(1);
        let thread = std::thread::Builder::new()
            .name("rinse-sync".into())
            .spawn(move || {
                let mut syncs = 0;
                while asked.recv().is_ok() {
                    file.sync_data()?;
                    syncs += 1;
                }
                Ok(syncs)
            })?;
        Ok(Syncer {
            ask: Some(ask),
            thread: Some(thread),
        })
    }

    /// Asks for a sync, unless one is waiting to start already.
    fn ask(&self) {
        if let Some(ask) = &self.ask {
            let _ = ask.try_send(());
        }
    }

    /// Waits for the thread; the number of syncs it ran, or its first error.
    fn finish(mut self) -> io::Result<usize> {
        drop(self.ask.take());
        match self.thread.take().map(std::thread::JoinHandle::join) {
            Some(Ok(r)) => r,
            Some(Err(_)) => Err(io::Error::other("the sync thread panicked")),
            None => Ok(0),
        }
    }
}

impl AtomicFile {
    /// Creates a temporary file beside `path`.
    pub fn create(path: &Path) -> Result<Self> {
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let prefix = format!(".{name}.");
        let mut builder = tempfile::Builder::new();
        builder
            .prefix(&prefix)
            .rand_bytes(TEMP_RANDOM_CHARS)
            .suffix(TEMP_SUFFIX);
        // A temporary file is private (0600); the finished output is an ordinary file.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            builder.permissions(std::fs::Permissions::from_mode(0o644));
        }
        let tmp = builder.tempfile_in(dir).map_err(|e| Error::io(path, e))?;
        // The lock marks the file as written by a live process; a file
        // system without locks only loses the clean-up of stale files.
        let _ = tmp.as_file().try_lock();
        live_temporary_files(|live| live.push(tmp.path().to_path_buf()));
        Ok(AtomicFile {
            path: path.to_path_buf(),
            tmp: Some(BufWriter::with_capacity(1 << 20, tmp)),
            unsynced: 0,
            sync_every: SYNC_EVERY,
            syncer: None,
        })
    }

    /// Counts `n` bytes written; past [`SYNC_EVERY`], asks the background
    /// thread (started the first time) to sync what is on file so far.
    /// When the thread cannot be started, the file is synced at commit only.
    fn note_written(&mut self, n: usize) {
        self.unsynced += n as u64;
        if self.unsynced < self.sync_every {
            return;
        }
        self.unsynced = 0;
        if self.syncer.is_none()
            && let Some(w) = &self.tmp
        {
            match w.get_ref().as_file().try_clone().and_then(Syncer::start) {
                Ok(s) => self.syncer = Some(s),
                Err(_) => self.sync_every = u64::MAX,
            }
        }
        if let Some(s) = &self.syncer {
            s.ask();
        }
    }

    /// The final path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Flushes, syncs and renames the file to its final name.
    pub fn commit(mut self) -> Result<()> {
        let path = self.path.clone();
        let Some(w) = self.tmp.take() else {
            return Ok(());
        };
        let tmp_path = w.get_ref().path().to_path_buf();
        let done = (|| {
            let tmp = w
                .into_inner()
                .map_err(|e| Error::io(&path, e.into_error()))?;
            if let Some(s) = self.syncer.take() {
                s.finish().map_err(|e| Error::io(&path, e))?;
            }
            tmp.as_file().sync_all().map_err(|e| Error::io(&path, e))?;
            tmp.persist(&path).map_err(|e| Error::io(&path, e.error))?;
            Ok(())
        })();
        forget_temporary_file(&tmp_path);
        done
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        // Not committed: the temporary file goes (tempfile removes it).
        if let Some(w) = self.tmp.take() {
            let path = w.get_ref().path().to_path_buf();
            drop(w);
            forget_temporary_file(&path);
        }
    }
}

/// The suffix of rinse's temporary files.
pub const TEMP_SUFFIX: &str = ".rinse-tmp";
/// The random characters between a temporary file's prefix and suffix.
const TEMP_RANDOM_CHARS: usize = 6;

/// Calls `f` with the temporary files of this process not yet committed or
/// removed.
fn live_temporary_files<T>(f: impl FnOnce(&mut Vec<PathBuf>) -> T) -> T {
    static LIVE: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());
    let mut live = LIVE
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    f(&mut live)
}

fn forget_temporary_file(path: &Path) {
    live_temporary_files(|live| {
        if let Some(i) = live.iter().rposition(|p| p == path) {
            live.swap_remove(i);
        }
    });
}

/// Removes the temporary files of every [`AtomicFile`] of this process that
/// is neither committed nor dropped yet, for a signal handler that is about
/// to end the process (which runs no destructor). A file being renamed at
/// that moment is either complete under its final name or gone.
pub fn remove_temporary_files() {
    live_temporary_files(|live| {
        for p in live.drain(..) {
            let _ = std::fs::remove_file(p);
        }
    });
}

/// Whether `name` is the name of a temporary file of rinse's
/// (`.NAME.XXXXXX.rinse-tmp`).
pub fn is_temporary_name(name: &std::ffi::OsStr) -> bool {
    let name = name.as_encoded_bytes();
    let Some(rest) = name.strip_suffix(TEMP_SUFFIX.as_bytes()) else {
        return false;
    };
    let n = rest.len();
    n > TEMP_RANDOM_CHARS + 2
        && rest[0] == b'.'
        && rest[n - TEMP_RANDOM_CHARS - 1] == b'.'
        && rest[n - TEMP_RANDOM_CHARS..]
            .iter()
            .all(u8::is_ascii_alphanumeric)
}

/// Removes, under `dir` (recursively), the temporary files that a killed run
/// of rinse left: files named as rinse names them ([`is_temporary_name`])
/// that no process holds locked. A file that a live run is writing is
/// locked, and stays. Returns how many were removed.
pub fn remove_stale_temporary_files(dir: &Path) -> usize {
    let mut removed = 0;
    for entry in walkdir::WalkDir::new(dir).into_iter().flatten() {
        if !entry.file_type().is_file() || !is_temporary_name(entry.file_name()) {
            continue;
        }
        let Ok(f) = File::open(entry.path()) else {
            continue;
        };
        if f.try_lock().is_ok() && std::fs::remove_file(entry.path()).is_ok() {
            removed += 1;
        }
    }
    removed
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = match &mut self.tmp {
            Some(w) => w.write(buf)?,
            None => return Err(io::Error::other("file already committed")),
        };
        self.note_written(n);
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        match &mut self.tmp {
            Some(w) => w.flush(),
            None => Ok(()),
        }
    }
}

/// Compression of an output file, chosen by its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    /// No compression.
    None,
    /// gzip (`.gz`).
    Gzip,
    /// Zstandard (`.zst`).
    Zstd,
}

impl Compression {
    /// The compression `path`'s extension asks for.
    pub fn from_path(path: &Path) -> Compression {
        match path.extension().and_then(|e| e.to_str()) {
            Some(e) if e.eq_ignore_ascii_case("gz") => Compression::Gzip,
            Some(e) if e.eq_ignore_ascii_case("zst") => Compression::Zstd,
            _ => Compression::None,
        }
    }
}

/// Where a file's bytes go: a new file written under a temporary name and
/// renamed when complete ([`AtomicFile`]); or, for a path that must not be
/// renamed over ([`written_in_place`]: a FIFO, a device, `/dev/stdout`,
/// `/proc/self/fd/N`), the file itself.
#[derive(Debug)]
pub struct Destination {
    kind: DestinationKind,
    path: PathBuf,
}

#[derive(Debug)]
enum DestinationKind {
    Atomic(AtomicFile),
    InPlace(BufWriter<File>),
}

impl Destination {
    /// Opens `path` for writing: in place when [`written_in_place`] says so
    /// (appending when it is a regular file reached through `/proc`, as
    /// `/dev/stdout` redirected to a file is), else under a temporary name.
    pub fn create(path: &Path) -> Result<Self> {
        let kind = if written_in_place(path) {
            let regular = std::fs::metadata(path).is_ok_and(|m| m.is_file());
            let f = std::fs::OpenOptions::new()
                .write(true)
                .append(regular)
                .open(path)
                .map_err(|e| Error::io(path, e))?;
            DestinationKind::InPlace(BufWriter::with_capacity(1 << 20, f))
        } else {
            DestinationKind::Atomic(AtomicFile::create(path)?)
        };
        Ok(Destination {
            kind,
            path: path.to_path_buf(),
        })
    }

    /// The path given.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether the file is written in place rather than renamed when complete.
    pub fn in_place(&self) -> bool {
        matches!(self.kind, DestinationKind::InPlace(_))
    }

    /// Flushes, and renames the file to its final name unless written in place.
    pub fn commit(self) -> Result<()> {
        match self.kind {
            DestinationKind::Atomic(f) => f.commit(),
            DestinationKind::InPlace(mut w) => w.flush().map_err(|e| Error::io(&self.path, e)),
        }
    }
}

impl Write for Destination {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.kind {
            DestinationKind::Atomic(w) => w.write(buf),
            DestinationKind::InPlace(w) => w.write(buf),
        }
    }
    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        match &mut self.kind {
            DestinationKind::Atomic(w) => w.write_all(buf),
            DestinationKind::InPlace(w) => w.write_all(buf),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match &mut self.kind {
            DestinationKind::Atomic(w) => w.flush(),
            DestinationKind::InPlace(w) => w.flush(),
        }
    }
}

/// Whether an output at `path` is written in place instead of under a
/// temporary name renamed over it: when the path exists and is not a regular
/// file (a FIFO, a character or block device, a socket), or when it reaches
/// its file through `/proc` (`/dev/stdout`, `/dev/fd/N`, `/proc/self/fd/N`),
/// where a rename would replace the link, not write to the file open behind
/// it. Renaming over `/dev/null` would replace the system's `/dev/null`.
pub fn written_in_place(path: &Path) -> bool {
    // One `lstat` for an ordinary output: a new path or a regular file.
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return false;
    };
    if !meta.file_type().is_symlink() {
        return !meta.is_file();
    }
    if std::fs::metadata(path).is_ok_and(|m| !m.is_file()) {
        return true;
    }
    // A link to a regular file: followed one step at a time, any step in
    // /proc means in place (the entries of /proc/PID/fd are links).
    let mut p = path.to_path_buf();
    for _ in 0..40 {
        let dir = match p.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        if dir.canonicalize().is_ok_and(|d| d.starts_with("/proc")) {
            return true;
        }
        match std::fs::read_link(&p) {
            Ok(target) => p = dir.join(target),
            Err(_) => return false,
        }
    }
    false
}

enum Sink {
    Discard,
    Stdout(BufWriter<io::Stdout>),
    Plain(Destination),
    Gzip(flate2::write::GzEncoder<Destination>),
    Zstd(zstd::stream::write::Encoder<'static, Destination>),
    #[cfg(feature = "parquet")]
    Parquet(Box<crate::columnar::ParquetSink<Destination>>),
    #[cfg(feature = "parquet")]
    ParquetStdout(Box<crate::columnar::ParquetSink<BufWriter<io::Stdout>>>),
}

/// Where records go: standard output, or a file ([`Destination`]: written
/// atomically, or in place when it is a FIFO or device) compressed according
/// to its extension (`.gz`, `.zst`).
pub struct Output {
    sink: Sink,
    name: PathBuf,
}

impl std::fmt::Debug for Output {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Output").field("name", &self.name).finish()
    }
}

impl Output {
    /// Standard output.
    pub fn stdout() -> Self {
        Output {
            sink: Sink::Stdout(BufWriter::with_capacity(1 << 20, io::stdout())),
            name: PathBuf::from("<stdout>"),
        }
    }

    /// No output: records are serialised and dropped (attributes alone).
    pub fn discard() -> Self {
        Output {
            sink: Sink::Discard,
            name: PathBuf::from("<none>"),
        }
    }

    /// A file at `path`, written under a temporary name until [`Output::finish`];
    /// a path [`written_in_place`] (`/dev/stdout`, a FIFO) is written directly.
    pub fn create(path: &Path) -> Result<Self> {
        let file = Destination::create(path)?;
        let sink = match Compression::from_path(path) {
            Compression::None => Sink::Plain(file),
            Compression::Gzip => Sink::Gzip(flate2::write::GzEncoder::new(
                file,
                flate2::Compression::default(),
            )),
            Compression::Zstd => Sink::Zstd(
                zstd::stream::write::Encoder::new(file, 3).map_err(|e| Error::io(path, e))?,
            ),
        };
        Ok(Output {
            sink,
            name: path.to_path_buf(),
        })
    }

    /// Parquet with `schema` ([`crate::columnar::output_schema`]) to the
    /// file at `path` (as [`Output::create`] writes one), or to standard
    /// output when `path` is `None`. Takes records serialised by
    /// [`Format::Parquet`].
    #[cfg(feature = "parquet")]
    pub fn parquet(path: Option<&Path>, schema: arrow_schema::SchemaRef) -> Result<Self> {
        use crate::columnar::ParquetSink;
        let Some(path) = path else {
            let w = BufWriter::with_capacity(1 << 20, io::stdout());
            let sink = ParquetSink::new(w, schema).map_err(|e| Error::io("<stdout>", e))?;
            return Ok(Output {
                sink: Sink::ParquetStdout(Box::new(sink)),
                name: PathBuf::from("<stdout>"),
            });
        };
        let file = Destination::create(path)?;
        let sink = ParquetSink::new(file, schema).map_err(|e| Error::io(path, e))?;
        Ok(Output {
            sink: Sink::Parquet(Box::new(sink)),
            name: path.to_path_buf(),
        })
    }

    /// The output's name for messages (`<stdout>` or the final path).
    pub fn name(&self) -> &Path {
        &self.name
    }

    /// Flushes everything and, for a file, renames it to its final name.
    pub fn finish(self) -> Result<()> {
        let name = self.name;
        let err = |e| Error::io(&name, e);
        match self.sink {
            Sink::Discard => Ok(()),
            Sink::Stdout(mut w) => w.flush().map_err(err),
            Sink::Plain(f) => f.commit(),
            Sink::Gzip(g) => g.finish().map_err(err)?.commit(),
            Sink::Zstd(z) => z.finish().map_err(err)?.commit(),
            #[cfg(feature = "parquet")]
            Sink::Parquet(p) => p.finish().map_err(err)?.commit(),
            #[cfg(feature = "parquet")]
            Sink::ParquetStdout(p) => p.finish().and_then(|mut w| w.flush()).map_err(err),
        }
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.sink {
            Sink::Discard => Ok(buf.len()),
            Sink::Stdout(w) => w.write(buf),
            Sink::Plain(w) => w.write(buf),
            Sink::Gzip(w) => w.write(buf),
            Sink::Zstd(w) => w.write(buf),
            #[cfg(feature = "parquet")]
            Sink::Parquet(w) => w.write(buf),
            #[cfg(feature = "parquet")]
            Sink::ParquetStdout(w) => w.write(buf),
        }
    }
    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        match &mut self.sink {
            Sink::Discard => Ok(()),
            Sink::Stdout(w) => w.write_all(buf),
            Sink::Plain(w) => w.write_all(buf),
            Sink::Gzip(w) => w.write_all(buf),
            Sink::Zstd(w) => w.write_all(buf),
            #[cfg(feature = "parquet")]
            Sink::Parquet(w) => w.write_all(buf),
            #[cfg(feature = "parquet")]
            Sink::ParquetStdout(w) => w.write_all(buf),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match &mut self.sink {
            Sink::Discard => Ok(()),
            Sink::Stdout(w) => w.flush(),
            Sink::Plain(w) => w.flush(),
            Sink::Gzip(w) => w.flush(),
            Sink::Zstd(w) => w.flush(),
            #[cfg(feature = "parquet")]
            Sink::Parquet(w) => w.flush(),
            #[cfg(feature = "parquet")]
            Sink::ParquetStdout(w) => w.flush(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{Fix, Related, Removed};

    /// Held by the tests that make temporary files: one of them removes
    /// every temporary file of the process.
    static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

    fn serial() -> std::sync::MutexGuard<'static, ()> {
        SERIAL
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    #[test]
    fn background_syncs_leave_the_committed_file_whole() {
        let _serial = serial();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.jsonl");
        let mut f = AtomicFile::create(&path).unwrap();
        f.sync_every = 4096;
        let mut want = Vec::new();
        for i in 0..2000 {
            let line = format!("{{\"n\":{i},\"text\":\"{}\"}}\n", "x".repeat(i % 97));
            f.write_all(line.as_bytes()).unwrap();
            want.extend_from_slice(line.as_bytes());
        }
        f.flush().unwrap();
        assert!(f.syncer.is_some(), "no background sync was started");
        assert!(!path.exists(), "visible before commit");
        f.commit().unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), want);
        // Only the final file is left: no temporary beside it.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn temporary_names_are_known_and_listed_until_committed() {
        let _serial = serial();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.jsonl");
        let f = AtomicFile::create(&path).unwrap();
        let tmp = f.tmp.as_ref().unwrap().get_ref().path().to_path_buf();
        assert!(
            is_temporary_name(tmp.file_name().unwrap()),
            "{}",
            tmp.display()
        );
        assert!(live_temporary_files(|l| l.contains(&tmp)));
        // Locked while written: not stale.
        assert_eq!(remove_stale_temporary_files(dir.path()), 0);
        assert!(tmp.exists());
        f.commit().unwrap();
        assert!(!live_temporary_files(|l| l.contains(&tmp)));
        for (name, want) in [
            (".out.jsonl.Ab3x9Z.rinse-tmp", true),
            (".a.b.c.000000.rinse-tmp", true),
            ("out.jsonl.Ab3x9Z.rinse-tmp", false),
            (".out.jsonl.Ab3x9.rinse-tmp", false),
            (".out.jsonl.Ab3x9!.rinse-tmp", false),
            (".Ab3x9Z.rinse-tmp", false),
            ("notes.txt", false),
        ] {
            assert_eq!(
                is_temporary_name(std::ffi::OsStr::new(name)),
                want,
                "{name}"
            );
        }
        // Not locked by anyone: stale, removed.
        let stale = dir.path().join(".x.jsonl.Zz9Zz9.rinse-tmp");
        std::fs::write(&stale, "half").unwrap();
        assert_eq!(remove_stale_temporary_files(dir.path()), 1);
        assert!(!stale.exists() && path.exists());
    }

    #[test]
    fn remove_temporary_files_takes_every_uncommitted_one() {
        let _serial = serial();
        let dir = tempfile::tempdir().unwrap();
        let f = AtomicFile::create(&dir.path().join("a.jsonl")).unwrap();
        let tmp = f.tmp.as_ref().unwrap().get_ref().path().to_path_buf();
        assert!(tmp.exists());
        remove_temporary_files();
        assert!(!tmp.exists());
        drop(f);
    }

    #[cfg(unix)]
    #[test]
    fn special_files_and_proc_links_are_written_in_place() {
        let dir = tempfile::tempdir().unwrap();
        let plain = dir.path().join("plain.jsonl");
        assert!(!written_in_place(&plain), "a new file");
        std::fs::write(&plain, "").unwrap();
        assert!(!written_in_place(&plain), "a regular file");
        let link = dir.path().join("link.jsonl");
        std::os::unix::fs::symlink(&plain, &link).unwrap();
        assert!(!written_in_place(&link), "a link to a regular file");
        assert!(written_in_place(Path::new("/dev/null")));
        // A regular file open as a descriptor, reached through /proc.
        let f = File::open(&plain).unwrap();
        use std::os::fd::AsRawFd;
        let fd = format!("/proc/self/fd/{}", f.as_raw_fd());
        assert!(written_in_place(Path::new(&fd)), "{fd}");
    }

    #[test]
    fn the_sync_thread_counts_its_syncs_and_stops() {
        let dir = tempfile::tempdir().unwrap();
        let file = File::create(dir.path().join("f")).unwrap();
        let s = Syncer::start(file).unwrap();
        s.ask();
        // The ask waits in the channel until the thread takes it.
        assert_eq!(s.finish().unwrap(), 1);
    }

    /// Every record field is written as serde would write it, so that merged
    /// JSONL output and plain output agree field by field.
    #[test]
    fn write_field_covers_every_field_as_serde_does() {
        let rec = Record {
            id: "a".into(),
            source: "s".into(),
            title: "t\"q".into(),
            dateline: "d".into(),
            text: "x\ny".into(),
            captions: vec!["c".into()],
            credits: vec!["r".into()],
            related: vec![Related {
                section: "S".into(),
                title: "T".into(),
            }],
            removed: vec![Removed {
                rule: "r.r".into(),
                line: 3,
                text: "gone".into(),
            }],
            fixes: vec![Fix {
                rule: "repair.x".into(),
                line: 1,
                before: "b".into(),
                after: "a".into(),
            }],
            encoding: "UTF-8".into(),
        };
        let whole = serde_json::to_value(&rec).unwrap();
        for k in FIELDS {
            let mut out = Vec::new();
            rec.field(k).unwrap().write_json(&mut out);
            let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
            assert_eq!(v, whole[k], "{k}");
        }
    }
}
