//! Opening the inputs: files and standard input decompressed by their magic
//! bytes (gzip, zstd), with reads that a signal can stop; the input format
//! known by a file's name, or for standard input by its first line; and a
//! whole text document read within a size limit.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Seek};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use super::{InputFile, JsonDoc};
use crate::error::{Error, Result};

pub(super) fn is_jsonl_name(name: &str) -> bool {
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
pub(super) fn is_parquet_file_name(name: &str) -> bool {
    cfg!(feature = "parquet")
        && name.len() >= 8
        && name.as_bytes()[name.len() - 8..].eq_ignore_ascii_case(b".parquet")
}

/// Whether `p` ends in `.gz` or `.zst` (any case).
pub(crate) fn is_compressed_name(p: &Path) -> bool {
    p.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("gz") || e.eq_ignore_ascii_case("zst"))
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
/// is `{` and its first non-blank line is a JSON object, or when it starts
/// with a WARC record (a WET file, read as JSONL by [`open_stoppable`]). The bytes looked
/// at are kept for the read that follows ([`open_stoppable`]), nothing is
/// lost or read twice. For [`InputFormat::Auto`](super::InputFormat::Auto): an input format given
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
            // A WET file: a WARC record from the first byte on.
            if bom == 0 && head[0] == b'W' {
                if head.len() < 5 && b"WARC/".starts_with(&head) {
                    continue;
                }
                let wet = super::wet::is_warc_start(&head);
                return Ok((head, wet));
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
///
/// An input read as JSONL ([`InputFile::jsonl`]) that starts with a WARC
/// record is read through [`WetLines`](super::WetLines): one JSON object per
/// text record of a WET file.
pub fn open_stoppable(input: &InputFile, stop: Option<&Stop>) -> Result<Box<dyn BufRead + Send>> {
    if input.path.is_none()
        && let Some(peeked) = peeked_stdin(Option::take)
    {
        return as_records(input, peeked);
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
    let opened = open_bytes(input, stop)?;
    as_records(input, opened)
}

/// `reader`, the bytes of `input`, as [`open_stoppable`] gives them: WET
/// read as JSON Lines when `input` is read as JSONL.
fn as_records(
    input: &InputFile,
    reader: Box<dyn BufRead + Send>,
) -> Result<Box<dyn BufRead + Send>> {
    if !input.jsonl {
        return Ok(reader);
    }
    let name = input.path.as_deref().unwrap_or(Path::new("-"));
    super::wet::records(reader).map_err(|e| Error::io(name, e))
}

/// [`open_stoppable`] of a file or standard input as bytes, decompressed.
fn open_bytes(input: &InputFile, stop: Option<&Stop>) -> Result<Box<dyn BufRead + Send>> {
    const BUF: usize = 1 << 20;
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

#[cfg(test)]
mod tests {
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
