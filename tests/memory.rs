//! Peak memory (RSS) of the real binary on the worst shapes of input, held
//! to the bound the README states:
//!
//! ```text
//! peak ≤ start-up + 48 MiB + threads × 6 × largest document
//! ```
//!
//! where 48 MiB are two rounds of a batch (8 MiB of input, 8 MiB of records)
//! and the 16 MiB of record buffers kept for reuse, and a document's size is
//! its bytes, or 64 bytes a line when its lines are shorter
//! (`--max-doc-bytes` counts it so). Start-up is measured here, on a one-line
//! document, with the same build. Each case failed on the code before the
//! bound held: large files were batched as 64 KiB each, and a document of
//! millions of short lines took 150 times its size.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::process::{Command, Stdio};

mod common;

use common::{rinse, tmp, write};

const MIB: u64 = 1 << 20;
/// The batch terms of the bound: two rounds of 8 MiB of input and 8 MiB of
/// records, and 16 MiB of record buffers kept for reuse.
const BATCHES: u64 = (2 * (8 + 8) + 16) * MIB;
/// Memory of a document being cleaned, in its sizes.
const DOC_FACTOR: u64 = 6;
/// What a line counts for, however short.
const LINE_BYTES: u64 = 64;
/// Room for the allocator's timing: the debug binary's peak on the same
/// input varies by up to 9 MiB between runs (81–91 MB measured on the
/// 8 MiB-limit document of short lines, 2026-12-05; jemalloc returns freed
/// pages in the background), so each bound allows this much on top.
const SLACK: u64 = 8 * MIB;

/// Runs `cmd` to its end; its exit code and peak RSS in bytes (wait4).
///
/// The child's peak also counts the memory this process had at its highest
/// before the child's `exec` (Linux keeps the larger of the two), so the
/// tests write their files a line at a time and never hold one whole. (A
/// failed test that prints a backtrace raises this process's peak, and the
/// figures of the tests that run after it.)
#[allow(clippy::zombie_processes)] // waited for with wait4, which std cannot do
fn peak(cmd: &mut Command) -> (i32, u64) {
    let child = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("run rinse");
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: an all-zero rusage is valid, and wait4 fills it for our child,
    // which nothing else waits for.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let got = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(got, pid, "wait4");
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        -1
    };
    // Linux reports ru_maxrss in KiB.
    let rss = usage.ru_maxrss as u64 * 1024;
    eprintln!("peak {:.1} MiB: {cmd:?}", mib(rss));
    (code, rss)
}

/// Writes `count` lines made by `line` at `path`, through a small buffer;
/// returns the bytes written.
fn write_lines(path: &Path, count: usize, mut line: impl FnMut(usize) -> String) -> u64 {
    if let Some(p) = path.parent() {
        std::fs::create_dir_all(p).unwrap();
    }
    let mut f = BufWriter::new(File::create(path).unwrap());
    let mut bytes = 0;
    for i in 0..count {
        let l = line(i);
        bytes += l.len() as u64;
        f.write_all(l.as_bytes()).unwrap();
    }
    f.flush().unwrap();
    bytes
}

/// The peak of a run that cleans one short document: what the process takes
/// before any document (rules, threads, buffers).
fn start_up(d: &Path, threads: &str) -> u64 {
    let f = d.join("one.txt");
    write(&f, "A title\n\nOne sentence of body text.\n");
    let (code, rss) = peak(
        rinse()
            .args(["clean", "-q", "-j", threads])
            .arg(&f)
            .args(["-o", "/dev/null"]),
    );
    assert_eq!(code, 0);
    rss
}

/// A line of prose, about 250 bytes, varied by `seed`, with a blank line after.
fn prose_line(seed: usize) -> String {
    const WORDS: [&str; 12] = [
        "the", "council", "approved", "a", "budget", "for", "schools", "and", "roads", "after",
        "weeks", "of",
    ];
    let mut out = String::with_capacity(300);
    let mut k = seed as u64;
    for _ in 0..40 {
        k = k
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        out.push_str(WORDS[(k >> 33) as usize % WORDS.len()]);
        out.push(' ');
    }
    out.push_str("debate.\n\n");
    out
}

fn mib(b: u64) -> f64 {
    b as f64 / MIB as f64
}

/// Runs `rinse clean -q ARGS -o /dev/null`, and checks its exit code and
/// that its peak is within `bound`.
fn clean_within(args: &[&std::ffi::OsStr], code: i32, bound: u64, what: &str) {
    let (got, rss) = peak(
        rinse()
            .args(["clean", "-q"])
            .args(args)
            .args(["-o", "/dev/null"]),
    );
    assert_eq!(got, code, "{what}: exit code");
    assert!(
        rss <= bound + SLACK,
        "{what}: peak {:.0} MiB over the bound {:.0} MiB (+ {:.0} MiB slack)",
        mib(rss),
        mib(bound),
        mib(SLACK)
    );
}

#[test]
fn many_large_files_at_two_threads_stay_within_the_bound() {
    // 32 files of 2.5 MB: a batch counted each as 64 KiB and held all their
    // records at once.
    let d = tmp();
    let mut size = 0;
    for i in 0..32 {
        let f = d.path().join(format!("in/{i:02}.txt"));
        size = write_lines(&f, 10_000, |k| prose_line(i * 10_000 + k));
    }
    let base = start_up(d.path(), "2");
    let bound = base + BATCHES + 2 * DOC_FACTOR * size;
    let dir = d.path().join("in");
    clean_within(
        &["-j".as_ref(), "2".as_ref(), dir.as_ref()],
        0,
        bound,
        "large files",
    );
}

#[test]
fn documents_of_millions_of_short_lines_are_refused_before_they_are_cleaned() {
    // 3 MB of empty lines, and of one-letter lines: 3 and 1.5 million lines,
    // over the default limit at 64 bytes a line, reported as too large
    // (exit 1). They took 150 times their size before.
    let d = tmp();
    let base = start_up(d.path(), "1");
    for (name, line, count) in [
        ("empty.txt", "\n", 3_000_000),
        ("letters.txt", "a\n", 1_500_000),
    ] {
        let f = d.path().join(name);
        let size = write_lines(&f, count, |_| line.to_string());
        clean_within(&[f.as_ref()], 1, base + 2 * size, name);
    }
}

#[test]
fn a_document_of_short_lines_within_the_limit_stays_within_its_multiple() {
    // With an 8 MiB limit, 130,000 lines fit (64 bytes a line): the document
    // takes at most six times the limit, however short its lines.
    let d = tmp();
    let limit = 8 * MIB;
    let base = start_up(d.path(), "1");
    let lines = (limit / LINE_BYTES - 1_000) as usize;
    let limit_arg = limit.to_string();
    for (name, line) in [("empty.txt", "\n"), ("letters.txt", "a\n")] {
        let f = d.path().join(name);
        write_lines(&f, lines, |_| line.to_string());
        let args = ["--max-doc-bytes".as_ref(), limit_arg.as_ref(), f.as_ref()];
        clean_within(&args, 0, base + DOC_FACTOR * limit, name);
    }
}

#[test]
fn short_line_documents_in_one_batch_stay_within_the_bound() {
    // 200 files of 8,000 one-letter lines (16 KB each): every line is
    // removed with an audit entry, so each record is 28 times its input; a
    // batch held them all.
    let d = tmp();
    for i in 0..200 {
        write_lines(&d.path().join(format!("in/{i:03}.txt")), 8_000, |_| {
            "a\n".into()
        });
    }
    let base = start_up(d.path(), "2");
    let bound = base + BATCHES + 2 * DOC_FACTOR * 8_000 * LINE_BYTES;
    let dir = d.path().join("in");
    clean_within(
        &["-j".as_ref(), "2".as_ref(), dir.as_ref()],
        0,
        bound,
        "short lines",
    );
}
