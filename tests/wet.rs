//! WET files (Common Crawl's page text in WARC records): each text record is
//! a document, cleaned as the same text in a file would be, with the
//! record's id, URL, date and language kept; the other records are passed
//! over or refused with the reason, and every record is counted.

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

mod common;

use common::{gzip, records, summary_counts, tmp, write};

fn rinse() -> Command {
    let mut c = Command::cargo_bin("rinse").expect("binary");
    c.env_remove("RUST_LOG");
    c
}

/// A small article: a headline and two prose paragraphs.
fn article(n: usize) -> String {
    format!(
        "Council approves budget number {n} after long debate\n\
         Home | News | Sport | Contact\n\
         The city council approved budget number {n} on Tuesday, ending a debate that lasted weeks.\n\
         Members said the plan would fund schools, roads and parks for the coming year.\n\
         Share on Facebook\n"
    )
}

/// A WARC record of type `kind` with the `headers` and `body`, framed as
/// Common Crawl frames them (CRLF headers, two CRLF after the body).
fn record(kind: &str, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut r = format!("WARC/1.0\r\nWARC-Type: {kind}\r\n");
    for (k, v) in headers {
        r.push_str(&format!("{k}: {v}\r\n"));
    }
    r.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    let mut r = r.into_bytes();
    r.extend_from_slice(body);
    r.extend_from_slice(b"\r\n\r\n");
    r
}

/// The text record of `article(n)`.
fn page(n: usize) -> Vec<u8> {
    record(
        "conversion",
        &[
            ("WARC-Target-URI", &format!("https://news.example/{n}")),
            ("WARC-Date", "2024-02-20T10:00:00Z"),
            ("WARC-Record-ID", &format!("<urn:uuid:{n}>")),
            ("WARC-Identified-Content-Language", "eng"),
            ("Content-Type", "text/plain"),
        ],
        article(n).as_bytes(),
    )
}

/// A WET file: its `warcinfo` record, then `records`.
fn wet(records: &[Vec<u8>]) -> Vec<u8> {
    let mut f = record(
        "warcinfo",
        &[("WARC-Record-ID", "<urn:uuid:info>")],
        b"isPartOf: CC-MAIN-2024-10\r\n",
    );
    for r in records {
        f.extend_from_slice(r);
    }
    f
}

/// `rinse clean ARGS… PATH…`: the records, the run's stderr and its exit code.
fn clean(args: &[&str], paths: &[&Path]) -> (Vec<Value>, String, Option<i32>) {
    let out = rinse()
        .arg("clean")
        .args(args)
        .args(paths)
        .output()
        .unwrap();
    (
        records(&out.stdout),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code(),
    )
}

#[test]
fn a_wet_file_in_a_folder_is_read_record_by_record() {
    let d = tmp();
    let dir = d.path().join("in");
    write(
        &dir.join("CC-MAIN-2024-00000.warc.wet.gz"),
        gzip(&wet(&[page(1), page(2)])),
    );
    // The same articles as text files, for the cleaning to be compared.
    write(&dir.join("text/1.txt"), article(1));
    write(&dir.join("text/2.txt"), article(2));
    let (recs, err, code) = clean(&[], &[&dir]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(recs.len(), 4);
    let (from_wet, from_text) = recs.split_at(2);
    for (n, (w, t)) in from_wet.iter().zip(from_text).enumerate() {
        let n = n + 1;
        // The record's headers come first, in their order, then the record.
        let keys: Vec<&str> = w
            .as_object()
            .unwrap()
            .keys()
            .take(6)
            .map(String::as_str)
            .collect();
        assert_eq!(keys, ["id", "url", "date", "language", "text", "source"]);
        assert_eq!(w["id"], format!("<urn:uuid:{n}>"));
        assert_eq!(w["url"], format!("https://news.example/{n}"));
        assert_eq!(w["date"], "2024-02-20T10:00:00Z");
        assert_eq!(w["language"], "eng");
        assert_eq!(
            w["source"],
            format!(
                "{}:{n}",
                dir.join("CC-MAIN-2024-00000.warc.wet.gz").display()
            )
        );
        // Cleaned as the same page in a text file is.
        for key in ["title", "text", "removed"] {
            assert_eq!(w[key], t[key], "{key} of page {n}");
        }
        assert!(
            w["text"].as_str().unwrap().contains("ending a debate"),
            "{w}"
        );
        assert_ne!(w["removed"], serde_json::json!([]));
    }
}

#[test]
fn wet_on_stdin_is_known_by_its_first_record() {
    for input in [wet(&[page(1), page(2)]), gzip(&wet(&[page(1), page(2)]))] {
        let out = rinse()
            .args(["clean", "-q", "-"])
            .write_stdin(input)
            .output()
            .unwrap();
        assert!(out.status.success());
        let recs = records(&out.stdout);
        let ids: Vec<&str> = recs.iter().map(|r| r["id"].as_str().unwrap()).collect();
        assert_eq!(ids, ["<urn:uuid:1>", "<urn:uuid:2>"]);
        assert_eq!(recs[1]["source"], "-:2");
    }
    // Text that starts like a WARC record but is none stays one text document.
    let out = rinse()
        .args(["clean", "-q", "-"])
        .write_stdin("WARCHIVE notes\n\nSome words of a page.\n")
        .output()
        .unwrap();
    assert_eq!(records(&out.stdout).len(), 1);
}

#[test]
fn bad_records_are_reported_and_counted_and_the_run_goes_on() {
    let d = tmp();
    // An HTML response record: refused, with the reason.
    let warc = d.path().join("a.warc.wet");
    write(
        &warc,
        wet(&[record(
            "response",
            &[],
            b"HTTP/1.1 200 OK\r\n\r\n<html></html>",
        )]),
    );
    // A record over the document limit: that record fails, the next is read.
    let big = d.path().join("b.wet");
    let mut long = article(3);
    long.push_str(&"More words of a very long page. ".repeat(200));
    write(
        &big,
        wet(&[
            record(
                "conversion",
                &[("WARC-Record-ID", "<urn:uuid:big>")],
                long.as_bytes(),
            ),
            page(4),
        ]),
    );
    // A file cut inside a record's body: the records before it are read.
    let cut = d.path().join("c.wet");
    let mut bytes = wet(&[page(5), page(6)]);
    bytes.truncate(bytes.len() - 40);
    write(&cut, bytes);
    let errors = d.path().join("errors.jsonl");
    let (recs, err, code) = clean(
        &[
            "--max-doc-bytes",
            "4000",
            "--errors",
            errors.to_str().unwrap(),
        ],
        &[&warc, &big, &cut],
    );
    assert_eq!(code, Some(1), "{err}");
    let ids: Vec<&str> = recs.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["<urn:uuid:4>", "<urn:uuid:5>"]);
    assert!(err.contains("`response` record"), "{err}");
    assert!(
        err.contains(&format!("{}:1: document is", big.display())),
        "{err}"
    );
    assert!(
        err.contains("bytes before the end of the record's body"),
        "{err}"
    );
    // Every failure is counted and in the error report.
    assert_eq!(summary_counts(&err), (5, 2, 3), "{err}");
    let reported = std::fs::read_to_string(&errors).unwrap();
    assert_eq!(reported.lines().count(), 3, "{reported}");
    assert!(reported.contains("WARC record 3"), "{reported}");
}

#[test]
fn coverage_counts_the_rules_on_wet_records() {
    let d = tmp();
    write(
        &d.path().join("x.warc.wet.gz"),
        gzip(&wet(&[page(1), page(2), page(3)])),
    );
    let out = rinse().arg("coverage").arg(d.path()).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let table = String::from_utf8_lossy(&out.stdout);
    // The share bar of each of the three pages.
    let share = table
        .lines()
        .find(|l| l.starts_with("share.button"))
        .unwrap_or_else(|| panic!("{table}"));
    let counts: Vec<&str> = share.split_whitespace().skip(1).collect();
    assert_eq!(counts, ["3", "3"], "{share}");
}

/// `rinse explain` of one document of a file of many, named by its place
/// (as a record's `source` gives it) or by its id, explains it as the same
/// text in a file of its own.
#[test]
fn explain_takes_one_document_of_a_wet_or_jsonl_file() {
    let d = tmp();
    let wet_file = d.path().join("x.warc.wet.gz");
    write(&wet_file, gzip(&wet(&[page(1), page(2)])));
    let jsonl_file = d.path().join("x.jsonl");
    let lines: String = [1, 2]
        .iter()
        .map(|&n| {
            format!(
                "{}\n",
                serde_json::json!({"doc": format!("d{n}"), "body": article(n)})
            )
        })
        .collect();
    write(&jsonl_file, lines);
    let text_file = d.path().join("2.txt");
    write(&text_file, article(2));
    let explain = |args: &[&str]| {
        let out = rinse()
            .args(["explain", "--color", "never"])
            .args(args)
            .output()
            .unwrap();
        (
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
            out.status.code(),
        )
    };
    let (want, _, code) = explain(&[text_file.to_str().unwrap()]);
    assert_eq!(code, Some(0));
    assert!(want.contains("Share on Facebook"), "{want}");
    let wet = wet_file.to_str().unwrap();
    let jsonl = jsonl_file.to_str().unwrap();
    let by_place = explain(&[&format!("{wet}:2")]);
    assert_eq!(by_place.0, want);
    let by_id = explain(&[wet, "--id", "<urn:uuid:2>"]);
    assert_eq!(by_id.0, want);
    assert!(
        by_id.1.contains(&format!("explaining {wet}:2")),
        "{}",
        by_id.1
    );
    let keys = ["--text-key", "body", "--id-key", "doc"];
    assert_eq!(
        explain(&[&[&format!("{jsonl}:2")[..]], &keys[..]].concat()).0,
        want
    );
    assert_eq!(
        explain(&[&[jsonl, "--id", "d2"][..], &keys[..]].concat()).0,
        want
    );
    // A file of many without a document named, a line past the end, an
    // unknown id: errors that say so.
    for (args, says) in [
        (vec![wet], "name one, as FILE:LINE"),
        (vec![&*format!("{wet}:3")], "no line 3; it has 2"),
        (vec![wet, "--id", "<urn:uuid:9>"], "no document with id"),
        (vec![jsonl, "--id", "d1"], "no document with id \"d1\""),
        (
            vec![jsonl, "--id", "d1", "--id-key", "doc"],
            "no \"text\" field",
        ),
    ] {
        let (out, err, code) = explain(&args);
        assert_eq!(code, Some(2), "{args:?}: {err}");
        assert!(out.is_empty());
        assert!(err.contains(says), "{args:?}: {err}");
    }
}
