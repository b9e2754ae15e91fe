//! Stage 1: find the input documents and read them.
//!
//! Inputs are files, folders (walked recursively in sorted order, keeping files
//! that match a glob), JSONL files (one document per line, gzip or zstd
//! compressed or not) or standard input, found by [`find_inputs`] in input order;
//! the pipeline reads a text file's bytes in the worker that cleans it, so reading
//! runs in parallel too.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Seek};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use globset::{Glob, GlobMatcher};
use serde::de::{Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;

use crate::error::{Error, Result};

/// How to read an input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum InputFormat {
    /// `.jsonl`, `.jsonl.gz`, `.jsonl.zst` (and `.json*` alike) are JSONL, the rest text;
    /// standard input is JSONL when it looks like it ([`detect_stdin_jsonl`]).
    #[default]
    Auto,
    /// Every input is one text document.
    Text,
    /// Every input is JSONL, one document per line.
    Jsonl,
}

/// One input file (or standard input) found on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputFile {
    /// The path as read; `None` for standard input.
    pub path: Option<PathBuf>,
    /// The document id: the path relative to the folder given, or the file name.
    pub id: String,
    /// Whether the file is read as JSONL.
    pub jsonl: bool,
}

impl InputFile {
    /// The source name used in records and errors: the path, or `-` for stdin.
    pub fn source(&self) -> String {
        match &self.path {
            Some(p) => p.display().to_string(),
            None => "-".to_string(),
        }
    }
}

/// The files `rinse clean` takes from folders when no `--glob` is given:
/// every kind it reads by name. Text (`.txt`), JSON Lines (`.jsonl`,
/// `.ndjson`), each also gzip or zstd compressed, and Parquet (`.parquet`,
/// when built with the cargo feature `parquet`). Not `.json`: a `.json` file
/// is as often one (pretty-printed) JSON document as JSON Lines, such as the
/// expected records beside the sample pages of `samples/`.
#[cfg(feature = "parquet")]
pub const DEFAULT_GLOB: &str =
    "*.{txt,txt.gz,txt.zst,jsonl,jsonl.gz,jsonl.zst,ndjson,ndjson.gz,ndjson.zst,parquet}";
/// The files `rinse clean` takes from folders when no `--glob` is given:
/// every kind it reads by name. Text (`.txt`), JSON Lines (`.jsonl`,
/// `.ndjson`), each also gzip or zstd compressed. Not `.json`: a `.json` file
/// is as often one (pretty-printed) JSON document as JSON Lines, such as the
/// expected records beside the sample pages of `samples/`.
#[cfg(not(feature = "parquet"))]
pub const DEFAULT_GLOB: &str =
    "*.{txt,txt.gz,txt.zst,jsonl,jsonl.gz,jsonl.zst,ndjson,ndjson.gz,ndjson.zst}";

/// A problem met while finding inputs (an unreadable folder, a broken link…).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FindError {
    /// The path concerned.
    pub source: String,
    /// What went wrong.
    pub reason: String,
}

fn is_jsonl_name(name: &str) -> bool {
    // Suffixes compared in any case, without a lower-cased copy per file.
    let ends = |s: &[u8], suffix: &str| {
        s.len() >= suffix.len()
            && s[s.len() - suffix.len()..].eq_ignore_ascii_case(suffix.as_bytes())
    };
    let name = name.as_bytes();
    let base = [".gz", ".zst"]
        .iter()
        .find(|z| ends(name, z))
        .map_or(name, |z| &name[..name.len() - z.len()]);
    [".jsonl", ".ndjson", ".json"].iter().any(|x| ends(base, x))
}

/// Whether `name` ends in `.parquet` (any case) and rinse reads Parquet
/// (cargo feature `parquet`): such a file is read as rows of JSON objects.
fn is_parquet_file_name(name: &str) -> bool {
    cfg!(feature = "parquet")
        && name.len() >= 8
        && name.as_bytes()[name.len() - 8..].eq_ignore_ascii_case(b".parquet")
}

/// Finds the input files named by `paths`: files as given, folders walked
/// recursively in sorted order keeping names that match `glob` (or JSONL names
/// when `format` is [`InputFormat::Jsonl`]). An empty `paths`, or `-`, is stdin.
///
/// A file's id is its path relative to the folder it was found in; for a file
/// named directly, its path relative to `base` when it lies under it, else its
/// file name.
pub fn find_inputs(
    paths: &[PathBuf],
    glob: &str,
    format: InputFormat,
    base: Option<&Path>,
) -> Result<(Vec<InputFile>, Vec<FindError>)> {
    find_inputs_skipping(paths, glob, format, base, &[])
}

/// [`find_inputs`], with folders not walked into: the folders of `skip` (the
/// run's own output folders, so that a run never reads its outputs) and
/// rinse's temporary files ([`crate::write::is_temporary_name`]). A path
/// named directly is always taken.
pub fn find_inputs_skipping(
    paths: &[PathBuf],
    glob: &str,
    format: InputFormat,
    base: Option<&Path>,
    skip: &[PathBuf],
) -> Result<(Vec<InputFile>, Vec<FindError>)> {
    // Only folders that exist can hold inputs.
    let skip: Vec<FileId> = skip.iter().filter_map(|p| FileId::of(p)).collect();
    let matcher: GlobMatcher = Glob::new(glob)
        .map_err(|e| Error::Json(format!("bad --glob {glob:?}: {e}")))?
        .compile_matcher();
    // The default glob matches every path: no need to ask it of each file.
    let match_all = glob == "*";
    let jsonl_for = |name: &str| match format {
        InputFormat::Auto => is_jsonl_name(name) || is_parquet_file_name(name),
        InputFormat::Text => false,
        InputFormat::Jsonl => true,
    };
    let mut files = Vec::new();
    let mut errors = Vec::new();
    if paths.is_empty() {
        files.push(InputFile {
            path: None,
            id: "-".into(),
            jsonl: format == InputFormat::Jsonl,
        });
        return Ok((files, errors));
    }
    for path in paths {
        if path.as_os_str() == "-" {
            files.push(InputFile {
                path: None,
                id: "-".into(),
                jsonl: format == InputFormat::Jsonl,
            });
            continue;
        }
        let meta = match std::fs::metadata(path) {
            Ok(m) => m,
            Err(e) => {
                errors.push(FindError {
                    source: path.display().to_string(),
                    reason: e.to_string(),
                });
                continue;
            }
        };
        if !meta.is_dir() {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| path.display().to_string());
            let id = base
                .and_then(|b| relative_below(path, b))
                .map(|rel| slash_path(&rel))
                .unwrap_or_else(|| name.clone());
            files.push(InputFile {
                path: Some(path.clone()),
                jsonl: jsonl_for(&name),
                id,
            });
            continue;
        }
        // Siblings share their folder's path: their whole paths sort as their
        // names do, compared as bytes, without finding each name again.
        let walker = walkdir::WalkDir::new(path)
            .follow_links(true)
            .sort_by(|a, b| a.path().as_os_str().cmp(b.path().as_os_str()))
            .into_iter()
            .filter_entry(|e| {
                if e.file_type().is_dir() {
                    // One `stat` per folder, and only when there is one to skip.
                    e.depth() == 0
                        || skip.is_empty()
                        || FileId::of(e.path()).is_none_or(|id| !skip.contains(&id))
                } else {
                    !crate::write::is_temporary_name(e.file_name())
                }
            });
        for entry in walker {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    let source = e
                        .path()
                        .map(|p| p.display().to_string())
                        .unwrap_or_else(|| path.display().to_string());
                    let reason = match e.loop_ancestor() {
                        Some(a) => format!("symlink loop back to {}", a.display()),
                        None => e
                            .io_error()
                            .map(|io| io.to_string())
                            .unwrap_or_else(|| e.to_string()),
                    };
                    errors.push(FindError { source, reason });
                    continue;
                }
            };
            if !entry.file_type().is_file() {
                continue;
            }
            let rel = relative_to(entry.path(), path);
            let name = entry.file_name().to_string_lossy();
            let wanted = match_all
                || match format {
                    InputFormat::Jsonl => is_jsonl_name(&name) || matcher.is_match(rel),
                    _ => matcher.is_match(rel) || matcher.is_match(&*name),
                };
            if !wanted {
                continue;
            }
            let id = walked_slash_path(rel);
            files.push(InputFile {
                path: Some(entry.path().to_path_buf()),
                jsonl: jsonl_for(&name),
                id,
            });
        }
    }
    Ok((files, errors))
}

/// Whether `p` ends in `.gz` or `.zst` (any case).
pub(crate) fn is_compressed_name(p: &Path) -> bool {
    p.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("gz") || e.eq_ignore_ascii_case("zst"))
}

/// `p`, a path found by walking the folder `root`, relative to `root`. The
/// walk joins each name onto its folder's path, so on Unix the bytes of `p`
/// are those of `root` and a separator before the rest: they are cut there,
/// without parsing either path into components.
fn relative_to<'a>(p: &'a Path, root: &Path) -> &'a Path {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        if let Some(rest) = p
            .as_os_str()
            .as_bytes()
            .strip_prefix(root.as_os_str().as_bytes())
        {
            let rest = rest.strip_prefix(b"/").unwrap_or(rest);
            return Path::new(std::ffi::OsStr::from_bytes(rest));
        }
    }
    p.strip_prefix(root).unwrap_or(p)
}

/// [`slash_path`] of a path a folder walk made: on Unix its names are joined
/// by single `/` already.
fn walked_slash_path(rel: &Path) -> String {
    if cfg!(unix) {
        rel.to_string_lossy().into_owned()
    } else {
        slash_path(rel)
    }
}

/// A relative path with `/` separators, lossily converted to UTF-8.
fn slash_path(rel: &Path) -> String {
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// `path` relative to `base` when it lies below it, both read lexically
/// (`.` dropped, `..` taking off the name before it): `base/../other/v.txt`
/// is not below `base`. The result has only plain names, so that an output
/// path built from it stays inside its folder.
fn relative_below(path: &Path, base: &Path) -> Option<PathBuf> {
    let path = lexical(path);
    let rel = path.strip_prefix(lexical(base)).ok()?;
    let plain = rel.components().all(|c| matches!(c, Component::Normal(_)));
    (plain && !rel.as_os_str().is_empty()).then(|| rel.to_path_buf())
}

/// `p` with `.` dropped and each `..` taking off the name before it (a
/// leading `..` of a relative path stays).
fn lexical(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => match out.components().next_back() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                // `/..` is `/`.
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => out.push(".."),
            },
            other => out.push(other),
        }
    }
    out
}

/// A file's identity: its device and inode (through links), so that two
/// paths to one file, hard links included, compare equal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FileId {
    dev: u64,
    ino: u64,
}

impl FileId {
    /// The identity of the file at `path` (links followed); `None` when it
    /// cannot be looked at.
    pub fn of(path: &Path) -> Option<FileId> {
        std::fs::metadata(path)
            .ok()
            .and_then(|m| FileId::from_metadata(&m))
    }

    /// The identity of the file `meta` describes (`None` where the platform
    /// has no inode numbers).
    pub fn from_metadata(meta: &std::fs::Metadata) -> Option<FileId> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            Some(FileId {
                dev: meta.dev(),
                ino: meta.ino(),
            })
        }
        #[cfg(not(unix))]
        {
            let _ = meta;
            None
        }
    }
}

/// Reads a list of paths, one per line (blank lines ignored), from `reader`.
pub fn read_path_list(reader: impl BufRead) -> io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for line in reader.lines() {
        let line = line?;
        let line = line.trim_end_matches('\r');
        if !line.trim().is_empty() {
            out.push(PathBuf::from(line));
        }
    }
    Ok(out)
}

/// Keeps shard `index` of `count`: the inputs at positions `index`, `index +
/// count`, … of the inputs sorted by path.
pub fn shard(mut inputs: Vec<InputFile>, index: usize, count: usize) -> Vec<InputFile> {
    inputs.sort_by(|a, b| a.path.cmp(&b.path));
    inputs
        .into_iter()
        .enumerate()
        .filter(|(i, _)| i % count == index)
        .map(|(_, f)| f)
        .collect()
}

/// The name of the output file for an input with id `id` in `--output-dir`
/// mode: the same relative path, with the data extension replaced by `ext`,
/// the format's (`jsonl`, `csv`, `parquet`), and the compression suffix kept
/// (not for `parquet`, compressed inside).
pub fn output_name(id: &str, ext: &str) -> PathBuf {
    let (stem, comp) = match id.rsplit_once('.') {
        Some((stem, ext)) if ext.eq_ignore_ascii_case("gz") || ext.eq_ignore_ascii_case("zst") => {
            (stem, Some(ext))
        }
        _ => (id, None),
    };
    let file_start = stem.rfind('/').map_or(0, |i| i + 1);
    let stem = match stem[file_start..].rfind('.') {
        Some(dot) if dot > 0 => &stem[..file_start + dot],
        _ => stem,
    };
    let mut name = format!("{stem}.{ext}");
    if let Some(c) = comp.filter(|_| ext != "parquet") {
        name.push('.');
        name.push_str(c);
    }
    PathBuf::from(name)
}

/// Wraps `reader` in a gzip (multi-member) or zstd decoder when its first bytes
/// are one of those formats' magic numbers.
pub fn decompress<'a, R: BufRead + Send + 'a>(
    mut reader: R,
) -> io::Result<Box<dyn BufRead + Send + 'a>> {
    let head = reader.fill_buf()?;
    if head.starts_with(&[0x1f, 0x8b]) {
        Ok(Box::new(BufReader::new(
            flate2::bufread::MultiGzDecoder::new(reader),
        )))
    } else if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
        Ok(Box::new(BufReader::new(
            zstd::stream::read::Decoder::with_buffer(reader)?,
        )))
    } else {
        Ok(Box::new(reader))
    }
}

/// Standard input as [`detect_stdin_jsonl`] left it: the bytes it looked
/// at, then the rest of the stream. The next open of standard input takes it,
/// so that no byte is lost or read twice.
type Peeked = Box<dyn BufRead + Send>;
static PEEKED_STDIN: std::sync::Mutex<Option<Peeked>> = std::sync::Mutex::new(None);

fn peeked_stdin<T>(f: impl FnOnce(&mut Option<Peeked>) -> T) -> T {
    let mut peeked = PEEKED_STDIN
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    f(&mut peeked)
}

/// The most bytes [`detect_stdin_jsonl`] reads ahead: a first line longer
/// than this is not taken for JSON Lines.
const PEEK_LIMIT: usize = 64 << 20;

/// Reads standard input as JSON Lines when it looks like them: for the
/// inputs of `inputs` that are standard input and not read as JSONL
/// already, looks at the start of standard input (decompressed), and reads
/// it as JSONL when its first non-blank byte (after a UTF-8 byte order mark)
/// is `{` and its first non-blank line is a JSON object. The bytes looked
/// at are kept for the read that follows ([`open_stoppable`]), nothing is
/// lost or read twice. For [`InputFormat::Auto`]: an input format given
/// explicitly is not second-guessed. Reads give up once `stop` is set.
pub fn detect_stdin_jsonl(inputs: &mut [InputFile], stop: Option<&Stop>) -> Result<()> {
    let mut looked = None;
    for input in inputs.iter_mut().filter(|i| i.path.is_none() && !i.jsonl) {
        let jsonl = match looked {
            Some(j) => j,
            None => {
                let mut reader = open_stoppable(input, stop)?;
                let (head, j) = looks_like_jsonl(&mut reader).map_err(|e| Error::io("-", e))?;
                peeked_stdin(|p| *p = Some(Box::new(io::Cursor::new(head).chain(reader))));
                looked = Some(j);
                j
            }
        };
        input.jsonl = jsonl;
    }
    Ok(())
}

/// Reads the start of `reader`, as far as needed to tell whether it is JSON
/// Lines ([`detect_stdin_jsonl`]): the bytes read, and the answer.
fn looks_like_jsonl(reader: &mut dyn BufRead) -> io::Result<(Vec<u8>, bool)> {
    let mut head = Vec::new();
    // Where the first non-blank byte is, once found.
    let mut start = None;
    loop {
        let chunk = reader.fill_buf()?;
        if chunk.is_empty() {
            break;
        }
        let from = head.len();
        let n = chunk.len();
        head.extend_from_slice(chunk);
        reader.consume(n);
        if start.is_none() {
            let bom = if head.starts_with(b"\xef\xbb\xbf") {
                3
            } else {
                0
            };
            if head.len() < 3 && b"\xef\xbb\xbf".starts_with(&head) {
                continue;
            }
            match head[bom..].iter().position(|b| !b.is_ascii_whitespace()) {
                Some(i) if head[bom + i] == b'{' => start = Some(bom + i),
                Some(_) => return Ok((head, false)),
                None => continue,
            }
        }
        let begin = start.unwrap_or(0).max(from);
        if memchr::memchr(b'\n', &head[begin..]).is_some() || head.len() > PEEK_LIMIT {
            break;
        }
    }
    let Some(start) = start else {
        return Ok((head, false));
    };
    let line = &head[start..];
    let line = match memchr::memchr(b'\n', line) {
        Some(end) => &line[..end],
        None if head.len() > PEEK_LIMIT => return Ok((head, false)),
        None => line,
    };
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let jsonl = std::str::from_utf8(line).is_ok_and(|l| JsonDoc::parse(l).is_ok());
    Ok((head, jsonl))
}

/// Opens `input` for reading (stdin when it has no path), decompressing by magic bytes.
pub fn open(input: &InputFile) -> Result<Box<dyn BufRead + Send>> {
    open_stoppable(input, None)
}

/// A flag that, once set (by a signal handler), makes the reads of
/// [`open_stoppable`] give up with an error that [`is_stop`] knows.
pub type Stop = Arc<AtomicBool>;

/// The error of a read given up because its [`Stop`] flag was set.
#[derive(Debug)]
struct Stopped;

impl std::fmt::Display for Stopped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("interrupted")
    }
}

impl std::error::Error for Stopped {}

/// The error of a read given up because its [`Stop`] flag was set.
#[cfg(feature = "parquet")]
pub(crate) fn stopped_error() -> io::Error {
    io::Error::other(Stopped)
}

/// Whether `e` is the error of a read given up because its [`Stop`] flag was set.
pub fn is_stop(e: &io::Error) -> bool {
    e.get_ref().is_some_and(|inner| inner.is::<Stopped>())
}

/// [`open`], with reads that give up once `stop` is set. A regular file
/// checks the flag before each read; standard input that is not a regular
/// file, a FIFO or a device is read by a thread of its own (which also opens
/// it: opening a FIFO waits for a writer) while the reader waits on it,
/// looking at the flag every 50 ms, so that a signal stops a run blocked on a
/// pipe at once. Without `stop`, the same as [`open`].
pub fn open_stoppable(input: &InputFile, stop: Option<&Stop>) -> Result<Box<dyn BufRead + Send>> {
    const BUF: usize = 1 << 20;
    if input.path.is_none()
        && let Some(peeked) = peeked_stdin(Option::take)
    {
        return Ok(peeked);
    }
    #[cfg(feature = "parquet")]
    if let Some(p) = input
        .path
        .as_deref()
        .filter(|p| crate::columnar::is_parquet_name(p))
    {
        return Ok(Box::new(crate::columnar::ParquetLines::open(
            p,
            stop.cloned(),
        )?));
    }
    let name = input.path.as_deref().unwrap_or(Path::new("-"));
    let err = |e| Error::io(name, e);
    let raw: Box<dyn Read + Send> = match (&input.path, stop) {
        (Some(p), None) => Box::new(File::open(p).map_err(err)?),
        (None, None) => Box::new(io::stdin()),
        (Some(p), Some(stop)) => {
            if std::fs::metadata(p).is_ok_and(|m| m.is_file()) {
                Box::new(Checked {
                    inner: File::open(p).map_err(err)?,
                    stop: stop.clone(),
                })
            } else {
                let owned = p.clone();
                Box::new(Fed::spawn(move || File::open(owned), stop.clone()).map_err(err)?)
            }
        }
        (None, Some(stop)) => {
            if stdin_is_regular() {
                Box::new(Checked {
                    inner: io::stdin(),
                    stop: stop.clone(),
                })
            } else {
                Box::new(Fed::spawn(|| Ok(io::stdin()), stop.clone()).map_err(err)?)
            }
        }
    };
    decompress(BufReader::with_capacity(BUF, raw)).map_err(err)
}

/// Whether standard input is a regular file (`< file`), whose reads never block.
fn stdin_is_regular() -> bool {
    stdin_metadata().is_some_and(|m| m.is_file())
}

/// The metadata of the file open as standard input, where the platform says.
pub fn stdin_metadata() -> Option<std::fs::Metadata> {
    #[cfg(unix)]
    {
        use std::os::fd::AsFd;
        let fd = io::stdin().as_fd().try_clone_to_owned().ok()?;
        File::from(fd).metadata().ok()
    }
    #[cfg(not(unix))]
    {
        None
    }
}

/// Reads `inner`, giving up once `stop` is set (checked before every read).
struct Checked<R> {
    inner: R,
    stop: Stop,
}

impl<R: Read> Read for Checked<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.stop.load(Ordering::Relaxed) {
            return Err(io::Error::other(Stopped));
        }
        self.inner.read(buf)
    }
}

/// Reads what a thread of its own reads from a source that may block for
/// ever (a pipe, a terminal, a FIFO without a writer), waiting for it with an
/// eye on the stop flag. At most [`Fed::QUEUE`] chunks wait between them.
/// When the reader gives up, the thread ends with its next read (or with the
/// process).
struct Fed {
    chunks: std::sync::mpsc::Receiver<io::Result<Vec<u8>>>,
    chunk: Vec<u8>,
    pos: usize,
    stop: Stop,
    done: bool,
}

impl Fed {
    const CHUNK: usize = 256 << 10;
    const QUEUE: usize = 4;
    const POLL: Duration = Duration::from_millis(50);

    /// Starts a thread that opens the source with `open` and reads it.
    fn spawn<R: Read + 'static>(
        open: impl FnOnce() -> io::Result<R> + Send + 'static,
        stop: Stop,
    ) -> io::Result<Fed> {
        let (send, chunks) = std::sync::mpsc::sync_channel(Self::QUEUE);
        std::thread::Builder::new()
            .name("rinse-read".into())
            .spawn(move || {
                let mut source = match open() {
                    Ok(r) => r,
                    Err(e) => {
                        let _ = send.send(Err(e));
                        return;
                    }
                };
                loop {
                    let mut buf = vec![0; Self::CHUNK];
                    let sent = match source.read(&mut buf) {
                        Ok(n) => {
                            buf.truncate(n);
                            send.send(Ok(buf)).is_ok() && n > 0
                        }
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => true,
                        Err(e) => {
                            let _ = send.send(Err(e));
                            false
                        }
                    };
                    if !sent {
                        return;
                    }
                }
            })?;
        Ok(Fed {
            chunks,
            chunk: Vec::new(),
            pos: 0,
            stop,
            done: false,
        })
    }
}

impl Read for Fed {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        use std::sync::mpsc::RecvTimeoutError;
        loop {
            if self.pos < self.chunk.len() {
                let n = buf.len().min(self.chunk.len() - self.pos);
                buf[..n].copy_from_slice(&self.chunk[self.pos..self.pos + n]);
                self.pos += n;
                return Ok(n);
            }
            if self.done {
                return Ok(0);
            }
            if self.stop.load(Ordering::Relaxed) {
                return Err(io::Error::other(Stopped));
            }
            match self.chunks.recv_timeout(Self::POLL) {
                // An empty chunk is the end of the source.
                Ok(Ok(c)) if c.is_empty() => self.done = true,
                Ok(Ok(c)) => {
                    self.chunk = c;
                    self.pos = 0;
                }
                Ok(Err(e)) => {
                    self.done = true;
                    return Err(e);
                }
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => self.done = true,
            }
        }
    }
}

/// What one `stat` says of a text input before it is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Known {
    /// The file's size in bytes.
    pub len: u64,
    /// Whether it is a regular file (not a FIFO or a device).
    pub regular: bool,
}

/// Reads a whole text document, refusing one larger than `limit` bytes
/// without loading it whole.
///
/// A plain file is read straight into a buffer of its size (one `fstat`, no
/// intermediate buffer); a compressed one, known by its magic bytes, through
/// its decoder.
pub fn read_text(input: &InputFile, limit: u64) -> Result<Vec<u8>> {
    read_text_with(input, limit, None, None)
}

/// [`read_text`], with reads of standard input, FIFOs and devices that give
/// up once `stop` is set ([`open_stoppable`]); one `stat` more for a file.
pub fn read_text_stoppable(input: &InputFile, limit: u64, stop: Option<&Stop>) -> Result<Vec<u8>> {
    let known = input.path.as_deref().and_then(|p| {
        std::fs::metadata(p).ok().map(|m| Known {
            len: m.len(),
            regular: m.is_file(),
        })
    });
    read_text_with(input, limit, known, stop)
}

/// [`read_text`], with what a `stat` said of the file already (no `fstat`
/// then), and reads of standard input, FIFOs and devices that give up once
/// `stop` is set ([`open_stoppable`]).
pub(crate) fn read_text_with(
    input: &InputFile,
    limit: u64,
    known: Option<Known>,
    stop: Option<&Stop>,
) -> Result<Vec<u8>> {
    let Some(p) = input.path.as_deref() else {
        return read_limited(open_stoppable(input, stop)?, Path::new("-"), limit);
    };
    if known.is_some_and(|k| !k.regular) && stop.is_some() {
        return read_limited(open_stoppable(input, stop)?, p, limit);
    }
    let mut f = File::open(p).map_err(|e| Error::io(p, e))?;
    let known = match known {
        Some(k) => k,
        None => {
            let meta = f.metadata().map_err(|e| Error::io(p, e))?;
            Known {
                len: meta.len(),
                regular: meta.is_file(),
            }
        }
    };
    if known.regular && known.len > limit && !is_compressed_name(p) {
        return Err(Error::TooLarge {
            size: known.len,
            limit,
        });
    }
    let size_hint = if known.regular {
        known.len.min(limit) as usize + 1
    } else {
        0
    };
    let mut buf = Vec::with_capacity(size_hint);
    (&mut f)
        .take(limit + 1)
        .read_to_end(&mut buf)
        .map_err(|e| Error::io(p, e))?;
    let compressed = buf.starts_with(&[0x1f, 0x8b]) || buf.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]);
    if compressed {
        if buf.len() as u64 <= limit {
            // The whole compressed file is in memory: decode it from there.
            let reader = decompress(&buf[..]).map_err(|e| Error::io(p, e))?;
            return read_limited(reader, p, limit);
        }
        // Larger than the limit compressed: decode it from the start of the file.
        f.seek(io::SeekFrom::Start(0))
            .map_err(|e| Error::io(p, e))?;
        let reader = decompress(BufReader::new(f)).map_err(|e| Error::io(p, e))?;
        return read_limited(reader, p, limit);
    }
    within_limit(buf, limit)
}

/// Reads `reader` to its end, or to `limit + 1` bytes.
fn read_limited(reader: impl Read, path: &Path, limit: u64) -> Result<Vec<u8>> {
    let mut buf = Vec::new();
    reader
        .take(limit + 1)
        .read_to_end(&mut buf)
        .map_err(|e| Error::io(path, e))?;
    within_limit(buf, limit)
}

/// `buf`, unless it holds more than `limit` bytes.
fn within_limit(buf: Vec<u8>, limit: u64) -> Result<Vec<u8>> {
    if buf.len() as u64 > limit {
        // Only the first `limit + 1` bytes were read: the size is a lower bound.
        return Err(Error::TooLarge {
            size: buf.len() as u64,
            limit,
        });
    }
    Ok(buf)
}

/// What [`read_line_limited`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineRead {
    /// The end of the input: no line.
    Eof,
    /// A line, now in the buffer.
    Line,
    /// A line longer than the limit, skipped; its size in bytes.
    TooLong(u64),
}

/// Reads one line (without its `\n` or `\r\n`) into `buf`; a line over `limit`
/// bytes is skipped to its end and reported with its size, never held in memory.
pub fn read_line_limited(
    r: &mut dyn BufRead,
    buf: &mut Vec<u8>,
    limit: u64,
) -> std::io::Result<LineRead> {
    let mut size = 0u64;
    let mut any = false;
    loop {
        let chunk = r.fill_buf()?;
        if chunk.is_empty() {
            break;
        }
        any = true;
        let (take, done) = match memchr::memchr(b'\n', chunk) {
            Some(i) => (i, true),
            None => (chunk.len(), false),
        };
        size += take as u64;
        if size <= limit {
            buf.extend_from_slice(&chunk[..take]);
        } else {
            buf.clear();
        }
        r.consume(if done { take + 1 } else { take });
        if done {
            break;
        }
    }
    if !any {
        return Ok(LineRead::Eof);
    }
    if size > limit {
        return Ok(LineRead::TooLong(size));
    }
    if buf.last() == Some(&b'\r') {
        buf.pop();
    }
    Ok(LineRead::Line)
}

/// A JSONL document: its fields in input order, values kept byte for byte and
/// borrowed from the line (no copy of a document's text before it is decoded).
#[derive(Debug)]
pub struct JsonDoc<'a> {
    /// (key, raw JSON value) pairs, in input order.
    pub fields: Vec<(String, &'a RawValue)>,
}

impl<'a> JsonDoc<'a> {
    /// Parses one JSONL line. Fails unless it is a JSON object.
    pub fn parse(line: &'a str) -> std::result::Result<Self, String> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Vec<(String, &'de RawValue)>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, &'de RawValue>()? {
                    out.push((k, v));
                }
                Ok(out)
            }
        }
        let mut de = serde_json::Deserializer::from_str(line);
        let fields = (&mut de).deserialize_map(V).map_err(|e| {
            if e.is_data() {
                "not a JSON object".to_string()
            } else {
                format!("invalid JSON: {e}")
            }
        })?;
        de.end().map_err(|e| format!("invalid JSON: {e}"))?;
        Ok(JsonDoc { fields })
    }

    /// The raw value of `key`, if present.
    pub fn get(&self, key: &str) -> Option<&'a RawValue> {
        self.fields.iter().find(|(k, _)| k == key).map(|(_, v)| *v)
    }

    /// The value of `key` as a string, if present and a string.
    pub fn get_str(&self, key: &str) -> Option<String> {
        self.get(key)
            .and_then(|v| serde_json::from_str::<String>(v.get()).ok())
    }

    /// The value of `key` as a string, if present: `Err` says what is wrong
    /// with it (`is not a string`, or a string holding a lone surrogate
    /// escape such as `\ud800`, which is no character).
    pub fn get_string(&self, key: &str) -> Option<std::result::Result<String, String>> {
        let raw = self.get(key)?.get();
        Some(serde_json::from_str::<String>(raw).map_err(|_| {
            if raw.starts_with('"') {
                // The line parsed, so its escapes are well formed: what
                // fails is a surrogate escape without its other half.
                let at = lone_surrogate(raw).unwrap_or("\\uD800-\\uDFFF");
                format!(
                    "holds a lone surrogate escape ({at} without its pair), which is no character"
                )
            } else {
                "is not a string".to_string()
            }
        }))
    }

    /// The value of `key` as text, for an id: a string's value; a number,
    /// `true`/`false`, an object or an array as its JSON text as written
    /// (`5` → `"5"`). `None` when it is absent or `null`, or a string that
    /// is not valid text.
    pub fn get_text(&self, key: &str) -> Option<String> {
        let raw = self.get(key)?.get();
        match raw.as_bytes().first() {
            Some(b'"') => serde_json::from_str::<String>(raw).ok(),
            _ if raw == "null" => None,
            _ => Some(raw.to_string()),
        }
    }
}

/// The first `\uXXXX` escape of the JSON string `raw` that is a surrogate
/// (`\ud800` to `\udfff`) not in a high-low pair.
fn lone_surrogate(raw: &str) -> Option<&str> {
    let b = raw.as_bytes();
    let unit = |i: usize| -> Option<u16> {
        (b.get(i..i + 2) == Some(b"\\u"))
            .then(|| raw.get(i + 2..i + 6))
            .flatten()
            .and_then(|h| u16::from_str_radix(h, 16).ok())
    };
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'\\' {
            i += 1;
            continue;
        }
        match unit(i) {
            Some(0xD800..=0xDBFF) if matches!(unit(i + 6), Some(0xDC00..=0xDFFF)) => i += 12,
            Some(0xD800..=0xDFFF) => return raw.get(i..i + 6),
            // Any other escape: skip the backslash and what it escapes.
            _ => i += 2,
        }
    }
    None
}

/// Takes a UTF-8 byte order mark off the start of `line` (the first line of
/// a JSONL file written by a tool that marks its UTF-8).
pub fn strip_bom(line: &mut Vec<u8>) {
    if line.starts_with(b"\xef\xbb\xbf") {
        line.drain(..3);
    }
}

#[cfg(test)]
mod read_text_tests {
    use super::*;
    use std::io::Write;

    fn input(path: &Path) -> InputFile {
        InputFile {
            path: Some(path.to_path_buf()),
            id: "x".into(),
            jsonl: false,
        }
    }

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(data).unwrap();
        gz.finish().unwrap()
    }

    #[test]
    fn plain_and_compressed_files_read_whole_within_the_limit() {
        let d = tempfile::tempdir().unwrap();
        let text = "Un été à Paris.\n".repeat(500);
        let plain = d.path().join("a.txt");
        let gz = d.path().join("b.txt.gz");
        let zst = d.path().join("c.txt.zst");
        std::fs::write(&plain, &text).unwrap();
        std::fs::write(&gz, gzip(text.as_bytes())).unwrap();
        std::fs::write(&zst, zstd::encode_all(text.as_bytes(), 3).unwrap()).unwrap();
        for p in [&plain, &gz, &zst] {
            let got = read_text(&input(p), 1 << 20).unwrap();
            assert_eq!(got, text.as_bytes(), "{}", p.display());
        }
        // Exactly at the limit is fine; one byte over is not.
        let n = text.len() as u64;
        assert_eq!(read_text(&input(&plain), n).unwrap().len() as u64, n);
        assert!(matches!(
            read_text(&input(&plain), n - 1),
            Err(Error::TooLarge { size, .. }) if size == n
        ));
    }

    #[test]
    fn compressed_files_over_the_limit_are_refused_either_way() {
        let d = tempfile::tempdir().unwrap();
        // Small compressed, large decompressed: refused after decoding.
        let zeros = vec![b'a'; 100_000];
        let gz = d.path().join("small.gz");
        std::fs::write(&gz, gzip(&zeros)).unwrap();
        let raw = std::fs::metadata(&gz).unwrap().len();
        assert!(raw < 50_000);
        assert!(matches!(
            read_text(&input(&gz), 50_000),
            Err(Error::TooLarge { .. })
        ));
        // Compressed larger than the limit: decoded again from the file's start.
        let limit = raw - 1;
        assert!(matches!(
            read_text(&input(&gz), limit),
            Err(Error::TooLarge { .. })
        ));
        // Incompressible bytes: the compressed file is larger than its content.
        let mut x = 0x2545_f491_4f6c_dd1d_u64;
        let noise: Vec<u8> = (0..20_000)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x as u8
            })
            .collect();
        let big = d.path().join("noise.gz");
        let packed = gzip(&noise);
        assert!(packed.len() > noise.len());
        std::fs::write(&big, &packed).unwrap();
        // Over the limit compressed, within it decompressed: read from the
        // file again and kept.
        assert_eq!(read_text(&input(&big), noise.len() as u64).unwrap(), noise);
    }
}

#[cfg(test)]
mod walk_tests {
    use super::*;

    #[test]
    fn base_is_applied_lexically_and_never_gives_a_climbing_id() {
        for (path, base, want) in [
            ("base/a/x.txt", "base", Some("a/x.txt")),
            ("./base/x.txt", "base/", Some("x.txt")),
            ("base/../other/v.txt", "base", None),
            ("base/sub/../x.txt", "base", Some("x.txt")),
            ("../c/x.txt", "../c", Some("x.txt")),
            ("../../x.txt", "..", None),
            ("base", "base", None),
            ("/abs/base/x.txt", "/abs/base", Some("x.txt")),
        ] {
            let got = relative_below(Path::new(path), Path::new(base));
            assert_eq!(got.as_deref(), want.map(Path::new), "{path} under {base}");
        }
    }

    #[test]
    fn walks_skip_the_folders_asked_and_temporary_files() {
        let d = tempfile::tempdir().unwrap();
        for f in ["a.txt", "out/b.txt", ".a.txt.Ab3x9Z.rinse-tmp", "sub/c.txt"] {
            let p = d.path().join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, "x").unwrap();
        }
        let (found, errors) = find_inputs_skipping(
            &[d.path().to_path_buf()],
            "*",
            InputFormat::Text,
            None,
            &[d.path().join("out"), d.path().join("missing")],
        )
        .unwrap();
        assert!(errors.is_empty());
        let ids: Vec<&str> = found.iter().map(|f| f.id.as_str()).collect();
        assert_eq!(ids, ["a.txt", "sub/c.txt"]);
    }

    #[test]
    fn a_stopped_read_gives_up_on_a_blocked_source_and_a_file() {
        let stop: Stop = Arc::new(AtomicBool::new(false));
        // A source that never answers, as a silent pipe does.
        let (_keep, never) = std::sync::mpsc::channel::<()>();
        struct Silent(std::sync::mpsc::Receiver<()>);
        impl Read for Silent {
            fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
                let _ = self.0.recv();
                Ok(0)
            }
        }
        let mut fed = Fed::spawn(move || Ok(Silent(never)), stop.clone()).unwrap();
        let flag = stop.clone();
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(100));
            flag.store(true, Ordering::SeqCst);
        });
        let err = fed.read(&mut [0; 16]).unwrap_err();
        assert!(is_stop(&err), "{err}");
        // What a fed source gives comes through whole before its end.
        let go: Stop = Arc::new(AtomicBool::new(false));
        let mut fed = Fed::spawn(|| Ok(&b"line one\nline two\n"[..]), go.clone()).unwrap();
        let mut all = String::new();
        fed.read_to_string(&mut all).unwrap();
        assert_eq!(all, "line one\nline two\n");
        // A file checks the flag before each read.
        let mut checked = Checked {
            inner: &b"abc"[..],
            stop: stop.clone(),
        };
        assert!(is_stop(&checked.read(&mut [0; 4]).unwrap_err()));
    }

    #[test]
    fn walked_paths_are_cut_from_their_root_as_by_components() {
        for (root, sub) in [
            ("corpus", "000/doc.txt"),
            ("corpus/", "000/doc.txt"),
            (".", "a.txt"),
            ("./x/../y", "z/w.jsonl"),
            ("/tmp//a", "b"),
        ] {
            let root = Path::new(root);
            let p = root.join(sub);
            let rel = relative_to(&p, root);
            assert_eq!(rel, p.strip_prefix(root).unwrap(), "{}", p.display());
            assert_eq!(walked_slash_path(rel), slash_path(rel));
        }
    }

    #[test]
    fn jsonl_is_told_from_text_a_byte_at_a_time_without_losing_one() {
        /// Gives one byte per read, as a slow pipe may.
        struct Trickle<'a>(&'a [u8]);
        impl Read for Trickle<'_> {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                let n = self.0.len().min(buf.len()).min(1);
                buf[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        for (input, want) in [
            (&b"{\"text\":\"a\"}\n{\"text\":\"b\"}\n"[..], true),
            (b"\xef\xbb\xbf \n\r\n\t{\"a\": [1, {}]}\r\nrest", true),
            (b"{\"text\":\"no line break\"}", true),
            (b"{{Infobox}}\n{\"text\":\"a\"}\n", false),
            (b"{\"a\":1} trailing\n", false),
            (b"[1]\n", false),
            (b"Title\n{\"text\":\"a\"}\n", false),
            (b"\xef\xbb", false),
            (b"  \n", false),
            (b"{\"\xff\":1}\n", false),
            (b"", false),
        ] {
            let mut r = BufReader::with_capacity(1, Trickle(input));
            let (head, jsonl) = looks_like_jsonl(&mut r).unwrap();
            assert_eq!(jsonl, want, "{:?}", String::from_utf8_lossy(input));
            let mut all = Vec::new();
            io::Cursor::new(head)
                .chain(r)
                .read_to_end(&mut all)
                .unwrap();
            assert_eq!(all, input, "{:?}", String::from_utf8_lossy(input));
        }
    }

    #[test]
    fn jsonl_names_are_known_in_any_case() {
        for (name, want) in [
            ("a.jsonl", true),
            ("A.JSONL.GZ", true),
            ("b.ndjson.zst", true),
            ("c.Json", true),
            ("d.txt", false),
            ("e.gz", false),
            ("jsonl", false),
            (".json", true),
        ] {
            assert_eq!(is_jsonl_name(name), want, "{name}");
        }
    }
}
