//! Hostile input through the real binary: odd file systems, huge and broken
//! files. For each case: no crash, a clear error naming the file, and
//! documents in = written + reported.

use std::ffi::OsStr;
use std::fs;
use std::io::Write;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::process::Command;

mod common;

use common::{rinse, summary_counts};
use serde_json::Value;

fn run(cmd: &mut Command) -> (i32, Vec<Value>, String) {
    let out = cmd.output().expect("run rinse");
    let recs = String::from_utf8(out.stdout)
        .expect("output is UTF-8")
        .lines()
        .map(|l| serde_json::from_str(l).expect("output line is JSON"))
        .collect();
    (
        out.status.code().unwrap_or(-1),
        recs,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const DOC: &str = "A headline for the test\n\nA sentence of body text that ends properly.\n";

#[test]
fn symlink_loop_is_reported_and_the_rest_is_cleaned() {
    let d = tempfile::tempdir().unwrap();
    let root = d.path().join("in");
    fs::create_dir_all(root.join("sub")).unwrap();
    fs::write(root.join("sub/a.txt"), DOC).unwrap();
    std::os::unix::fs::symlink(&root, root.join("sub/loop")).unwrap();
    let (code, recs, err) = run(rinse().arg("clean").arg(&root));
    assert_eq!(code, 1, "{err}");
    assert_eq!(recs.len(), 1);
    assert!(err.contains("symlink loop"), "{err}");
    assert_eq!(summary_counts(&err), (2, 1, 1));
}

#[test]
fn very_deep_nesting_is_walked() {
    let d = tempfile::tempdir().unwrap();
    let mut p = d.path().join("in");
    for i in 0..200 {
        p.push(format!("d{}", i % 10));
    }
    fs::create_dir_all(&p).unwrap();
    fs::write(p.join("deep.txt"), DOC).unwrap();
    let (code, recs, err) = run(rinse().arg("clean").arg(d.path().join("in")));
    assert_eq!(code, 0, "{err}");
    assert_eq!(recs.len(), 1);
    assert!(recs[0]["id"].as_str().unwrap().ends_with("/deep.txt"));
}

#[test]
fn non_utf8_file_names_are_cleaned_with_a_lossy_id() {
    let d = tempfile::tempdir().unwrap();
    let name = OsStr::from_bytes(b"caf\xe9.txt");
    fs::write(d.path().join(name), DOC).unwrap();
    let (code, recs, err) = run(rinse().arg("clean").arg(d.path()));
    assert_eq!(code, 0, "{err}");
    assert_eq!(recs[0]["id"], "caf\u{FFFD}.txt");
}

#[test]
fn a_100_mb_single_line_file_is_reported_without_loading_it() {
    let d = tempfile::tempdir().unwrap();
    let big = d.path().join("in/big.txt");
    fs::create_dir_all(big.parent().unwrap()).unwrap();
    let f = fs::File::create(&big).unwrap();
    // A sparse 100 MB file: one line, no line break.
    f.set_len(100 << 20).unwrap();
    fs::write(d.path().join("in/ok.txt"), DOC).unwrap();
    let (code, recs, err) = run(rinse().arg("clean").arg(d.path().join("in")));
    assert_eq!(code, 1);
    assert_eq!(recs.len(), 1);
    assert!(
        err.contains("big.txt: document is 104857600 bytes, over the limit"),
        "{err}"
    );
}

#[test]
fn a_large_single_line_document_within_the_limit_is_cleaned() {
    let d = tempfile::tempdir().unwrap();
    let line = "word ".repeat(400_000) + "end.";
    fs::write(d.path().join("long.txt"), &line).unwrap();
    let (code, recs, err) = run(rinse().arg("clean").arg(d.path()));
    assert_eq!(code, 0, "{err}");
    assert_eq!(recs.len(), 1);
}

#[test]
fn truncated_gzip_keeps_what_was_read_and_reports_the_rest() {
    let d = tempfile::tempdir().unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    for i in 0..2000 {
        writeln!(
            gz,
            "{{\"id\":\"{i}\",\"text\":\"Document number {i}, one sentence.\"}}"
        )
        .unwrap();
    }
    let bytes = gz.finish().unwrap();
    let path = d.path().join("cut.jsonl.gz");
    fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
    let (code, recs, err) = run(rinse().arg("clean").arg(&path));
    assert_eq!(code, 1, "{err}");
    assert!(!recs.is_empty() && recs.len() < 2000, "{}", recs.len());
    // Records that were written are whole and in order.
    for (i, r) in recs.iter().enumerate() {
        assert_eq!(r["id"], i.to_string());
    }
    assert!(
        err.contains("cut.jsonl.gz:") && err.contains("rest of file skipped"),
        "{err}"
    );
    let (docs_in, written, failed) = summary_counts(&err);
    assert_eq!(
        (docs_in, written, failed),
        (recs.len() as u64 + 1, recs.len() as u64, 1)
    );
}

#[test]
fn invalid_utf8_in_a_jsonl_line_is_reported_with_its_line() {
    let d = tempfile::tempdir().unwrap();
    let path = d.path().join("x.jsonl");
    let mut bytes = b"{\"id\":\"a\",\"text\":\"fine\"}\n".to_vec();
    bytes.extend_from_slice(b"{\"id\":\"b\",\"text\":\"caf\xe9\"}\n");
    fs::write(&path, bytes).unwrap();
    let (code, recs, err) = run(rinse().arg("clean").arg(&path));
    assert_eq!(code, 1);
    assert_eq!(recs.len(), 1);
    assert!(err.contains("x.jsonl:2: line is not valid UTF-8"), "{err}");
}

#[test]
fn legacy_encoded_text_file_is_decoded_not_reported() {
    let d = tempfile::tempdir().unwrap();
    // "Café" and "déjà" in Windows-1252.
    let bytes = b"Caf\xe9 owners say d\xe9j\xe0 vu\n\nThe caf\xe9 reopened on Monday after a long closure.\n";
    fs::write(d.path().join("latin.txt"), bytes).unwrap();
    let (code, recs, err) = run(rinse().arg("clean").arg(d.path()));
    assert_eq!(code, 0, "{err}");
    assert_eq!(recs[0]["title"], "Café owners say déjà vu");
    assert_ne!(recs[0]["encoding"], "UTF-8");
}

#[test]
fn unwritable_error_report_is_a_fatal_error() {
    let d = tempfile::tempdir().unwrap();
    fs::write(d.path().join("a.txt"), DOC).unwrap();
    let (code, _, err) = run(rinse()
        .arg("clean")
        .arg(d.path())
        .arg("--errors")
        .arg(Path::new("/nonexistent-dir/errors.jsonl")));
    assert_eq!(code, 2);
    assert!(err.contains("/nonexistent-dir/errors.jsonl"), "{err}");
}

#[test]
fn a_file_that_fails_while_being_read_is_reported_and_the_run_goes_on() {
    // Found and stat'ed fine, but reading it fails (EIO): the path a file takes
    // when it disappears or breaks between discovery and its turn.
    let d = tempfile::tempdir().unwrap();
    fs::write(d.path().join("ok.txt"), DOC).unwrap();
    let (code, recs, err) = run(rinse()
        .arg("clean")
        .arg(d.path().join("ok.txt"))
        .arg("/proc/self/mem"));
    assert_eq!(code, 1, "{err}");
    assert_eq!(recs.len(), 1);
    assert!(err.contains("/proc/self/mem: Input/output error"), "{err}");
    assert_eq!(summary_counts(&err), (2, 1, 1));
}
