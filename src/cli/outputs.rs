//! What a `rinse clean` run reads and writes, checked before anything is
//! written: no output may be an input, nor another output.
//!
//! A file is known by its device and inode when it exists (so every name of
//! it, through links, `..` or a hard link, is the same file), else by its
//! absolute path with the part that exists resolved. Character devices
//! (`/dev/null`, a terminal) are left out: writing to one destroys nothing,
//! and two outputs may share one.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

use anyhow::{Result, bail};
use rinse::internals::read::FileId;

/// What [`Plan::check`] calls standard input, read as the path
/// `/dev/stdin` (its file, where the platform has one).
pub const STDIN: &str = "standard input";

/// Where a file is.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Place {
    /// An existing file, known by device and inode.
    File(FileId),
    /// A path that does not exist yet, absolute, with its existing part resolved.
    New(PathBuf),
}

/// The outputs of a run, each under a key of the caller's (which it turns
/// into words only for a message).
#[derive(Debug, Default)]
pub struct Plan {
    /// Outputs in the order given, with where they are.
    outputs: Vec<(usize, Place)>,
    /// Folders already resolved, for outputs that do not exist yet.
    resolved: HashMap<PathBuf, Option<PathBuf>>,
}

impl Plan {
    /// Adds the output file `path` under `key`. One `stat`, and for a new
    /// file its folder resolved once. A character device is left out.
    pub fn output(&mut self, key: usize, path: &Path) {
        match std::fs::metadata(path) {
            Ok(m) if is_char_device(&m) => {}
            Ok(m) => {
                if let Some(id) = FileId::from_metadata(&m) {
                    self.outputs.push((key, Place::File(id)));
                }
            }
            Err(_) => {
                if let Some(p) = self.resolve_new(path) {
                    self.outputs.push((key, Place::New(p)));
                }
            }
        }
    }

    /// Adds standard output under `key`, when it is a file or a pipe that
    /// some input or other output could also name.
    pub fn stdout(&mut self, key: usize) {
        if let Some(m) = stdout_metadata()
            && !is_char_device(&m)
            && let Some(id) = FileId::from_metadata(&m)
        {
            self.outputs.push((key, Place::File(id)));
        }
    }

    /// Checks that no two outputs are one file, then that no input of
    /// `inputs` (`(what, path)`: `("the input", a.txt)`) is an output;
    /// `describe` names an output by its key. The inputs are looked at (one
    /// `stat` each) only when some output exists already: a new file cannot
    /// be an input.
    pub fn check<'a>(
        &self,
        describe: impl Fn(usize) -> String,
        inputs: impl IntoIterator<Item = (&'a str, &'a Path)>,
    ) -> Result<()> {
        let mut seen: HashMap<&Place, usize> = HashMap::new();
        for (key, place) in &self.outputs {
            if let Some(first) = seen.insert(place, *key) {
                bail!(
                    "{} and {} are one file: refusing to write one over the other",
                    describe(first),
                    describe(*key)
                );
            }
        }
        let existing: HashMap<FileId, usize> = self
            .outputs
            .iter()
            .filter_map(|(key, place)| match place {
                Place::File(id) => Some((*id, *key)),
                Place::New(_) => None,
            })
            .collect();
        if existing.is_empty() {
            return Ok(());
        }
        for (what, path) in inputs {
            let Ok(m) = std::fs::metadata(path) else {
                continue;
            };
            if is_char_device(&m) {
                continue;
            }
            if let Some(key) = FileId::from_metadata(&m).and_then(|id| existing.get(&id)) {
                let read = if what == STDIN {
                    what.to_string()
                } else {
                    format!("{what} {}", path.display())
                };
                bail!(
                    "refusing to write over an input: {} is also read as {read}",
                    describe(*key)
                );
            }
        }
        Ok(())
    }

    /// `path`, which does not exist, made absolute with its longest existing
    /// folder resolved (links and `..`), the rest read lexically.
    fn resolve_new(&mut self, path: &Path) -> Option<PathBuf> {
        let name = path.file_name()?.to_os_string();
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        Some(self.resolve_dir(&dir)?.join(name))
    }

    fn resolve_dir(&mut self, dir: &Path) -> Option<PathBuf> {
        if let Some(r) = self.resolved.get(dir) {
            return r.clone();
        }
        let r = match dir.canonicalize() {
            Ok(r) => Some(r),
            Err(_) => {
                // A folder to be created: its parent resolved, then its name.
                let last = dir.components().next_back();
                match last {
                    Some(Component::Normal(name)) => {
                        let parent = match dir.parent() {
                            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
                            _ => PathBuf::from("."),
                        };
                        self.resolve_dir(&parent).map(|p| p.join(name))
                    }
                    Some(Component::ParentDir) => {
                        let parent = dir.parent()?.to_path_buf();
                        self.resolve_dir(&parent)
                            .map(|p| p.parent().map_or(p.clone(), Path::to_path_buf))
                    }
                    Some(Component::CurDir) => {
                        let parent = match dir.parent() {
                            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
                            _ => return std::env::current_dir().ok(),
                        };
                        self.resolve_dir(&parent)
                    }
                    _ => None,
                }
            }
        };
        self.resolved.insert(dir.to_path_buf(), r.clone());
        r
    }
}

/// Checks that `relative`, a path to be joined onto an output folder, has
/// only plain names (no `..`, no root), so that it stays inside the folder.
pub fn inside(relative: &Path, dir: &Path, input: &str) -> Result<()> {
    if relative.as_os_str().is_empty()
        || !relative
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
    {
        bail!(
            "the output of {input} would be written outside {} (as {})",
            dir.display(),
            relative.display()
        );
    }
    Ok(())
}

fn is_char_device(m: &std::fs::Metadata) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        m.file_type().is_char_device()
    }
    #[cfg(not(unix))]
    {
        let _ = m;
        false
    }
}

/// The metadata of the file open as standard output.
fn stdout_metadata() -> Option<std::fs::Metadata> {
    #[cfg(unix)]
    {
        use std::os::fd::AsFd;
        let fd = std::io::stdout().as_fd().try_clone_to_owned().ok()?;
        std::fs::File::from(fd).metadata().ok()
    }
    #[cfg(not(unix))]
    {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_paths_that_name_one_file_are_one_place() {
        let d = tempfile::tempdir().unwrap();
        std::fs::create_dir(d.path().join("sub")).unwrap();
        let mut plan = Plan::default();
        let a = plan.resolve_new(&d.path().join("x.jsonl")).unwrap();
        let b = plan.resolve_new(&d.path().join("sub/../x.jsonl")).unwrap();
        let c = plan.resolve_new(&d.path().join("new/../x.jsonl")).unwrap();
        assert_eq!(a, b);
        assert_eq!(a, c);
        let e = plan.resolve_new(&d.path().join("new/y/x.jsonl")).unwrap();
        assert!(e.ends_with("new/y/x.jsonl"), "{}", e.display());
    }
}
