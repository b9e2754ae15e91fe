//! Finding the inputs: files named as given, folders walked recursively in
//! sorted order keeping the names a glob matches (not the run's own output
//! folders, nor rinse's temporary files), lists of paths (`--files-from`),
//! shards (`--shard`), and each input's id and output name.

use std::io::{self, BufRead};
use std::path::{Component, Path, PathBuf};

use globset::{Glob, GlobMatcher};

use super::open::{is_jsonl_name, is_parquet_file_name};
use super::wet::is_wet_name;
use super::{InputFile, InputFormat};
use crate::error::{Error, Result};

/// The files `rinse clean` takes from folders when no `--glob` is given:
/// every kind it reads by name. Text (`.txt`), JSON Lines (`.jsonl`,
/// `.ndjson`) and WET (`.wet`, Common Crawl's `.warc.wet.gz`), each also
/// gzip or zstd compressed, and Parquet (`.parquet`, when built with the
/// cargo feature `parquet`). Not `.json`: a `.json` file
/// is as often one (pretty-printed) JSON document as JSON Lines, such as the
/// expected records beside the sample pages of `samples/`.
#[cfg(feature = "parquet")]
pub const DEFAULT_GLOB: &str = "*.{txt,txt.gz,txt.zst,jsonl,jsonl.gz,jsonl.zst,ndjson,ndjson.gz,ndjson.zst,wet,wet.gz,wet.zst,parquet}";
/// The files `rinse clean` takes from folders when no `--glob` is given:
/// every kind it reads by name. Text (`.txt`), JSON Lines (`.jsonl`,
/// `.ndjson`) and WET (`.wet`), each also gzip or zstd compressed. Not `.json`: a `.json` file
/// is as often one (pretty-printed) JSON document as JSON Lines, such as the
/// expected records beside the sample pages of `samples/`.
#[cfg(not(feature = "parquet"))]
pub const DEFAULT_GLOB: &str = "*.{txt,txt.gz,txt.zst,jsonl,jsonl.gz,jsonl.zst,ndjson,ndjson.gz,ndjson.zst,wet,wet.gz,wet.zst}";

/// A problem met while finding inputs (an unreadable folder, a broken link…).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FindError {
    /// The path concerned.
    pub source: String,
    /// What went wrong.
    pub reason: String,
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
        InputFormat::Auto => is_jsonl_name(name) || is_parquet_file_name(name) || is_wet_name(name),
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
                    InputFormat::Jsonl => {
                        is_jsonl_name(&name) || is_wet_name(&name) || matcher.is_match(rel)
                    }
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

#[cfg(test)]
mod tests {
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
}
