//! Writing a file atomically: under a temporary name beside it, synced and
//! renamed when complete, the temporary files of a killed run known and
//! removed; a special file (FIFO, device, `/dev/stdout`) written in place.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
