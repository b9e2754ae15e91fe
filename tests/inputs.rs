//! Inputs found without flags (issue 16): a folder run takes every input
//! kind rinse reads by default, each file read by its own format, and JSON
//! Lines piped on standard input are read as JSONL without `--input-format`.

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

mod common;

use common::{gzip, records, tmp, write};

fn rinse() -> Command {
    let mut c = Command::cargo_bin("rinse").expect("binary");
    c.env_remove("RUST_LOG");
    c
}

/// A small article: a headline and two prose paragraphs.
fn article(n: usize) -> String {
    format!(
        "Council approves budget number {n} after long debate\n\n\
         The city council approved budget number {n} on Tuesday, ending a debate that lasted weeks.\n\n\
         Members said the plan would fund schools, roads and parks for the coming year.\n"
    )
}

/// `article(n)` as a JSON Lines line with id `id`.
fn line(id: &str, n: usize) -> String {
    format!("{}\n", serde_json::json!({"id": id, "text": article(n)}))
}

fn field(recs: &[Value], key: &str) -> Vec<String> {
    recs.iter()
        .map(|r| r[key].as_str().unwrap_or_default().to_string())
        .collect()
}

/// Runs `rinse clean -q ARGS… PATH`; the records, after checking success.
fn clean(args: &[&str], path: &Path) -> Vec<Value> {
    succeeded(rinse().args(["clean", "-q"]).args(args).arg(path))
}

/// Pipes `input` into `rinse clean -q ARGS… -`; the records.
fn clean_stdin(args: &[&str], input: impl Into<Vec<u8>>) -> Vec<Value> {
    succeeded(
        rinse()
            .args(["clean", "-q"])
            .args(args)
            .arg("-")
            .write_stdin(input.into()),
    )
}

/// The records `cmd` writes, after checking that it succeeds.
fn succeeded(cmd: &mut Command) -> Vec<Value> {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    records(&out.stdout)
}

#[test]
fn a_folder_of_every_kind_is_read_by_default_each_file_by_its_format() {
    let d = tmp();
    let input = d.path().join("in");
    let shard = format!("{}{}", line("j1", 1), line("j2", 2));
    write(&input.join("a/x.jsonl.gz"), gzip(shard.as_bytes()));
    write(
        &input.join("b.ndjson.zst"),
        zstd::encode_all(line("n1", 3).as_bytes(), 3).unwrap(),
    );
    write(&input.join("c.txt"), article(4));
    write(&input.join("d.txt.gz"), gzip(article(5).as_bytes()));
    write(&input.join("e.jsonl"), line("p1", 6));
    // Not default kinds: a pretty-printed JSON document, notes.
    write(&input.join("f.json"), "{\n  \"id\": \"expected\"\n}\n");
    write(&input.join("notes.md"), article(7));
    let recs = clean(&[], &input);
    assert_eq!(
        field(&recs, "id"),
        ["j1", "j2", "n1", "c.txt", "d.txt.gz", "p1"]
    );
    let titles = field(&recs, "title");
    for (title, n) in titles.iter().zip([1, 2, 3, 4, 5, 6]) {
        assert_eq!(
            *title,
            format!("Council approves budget number {n} after long debate")
        );
    }
    // An explicit --glob keeps its meaning.
    let recs = clean(&["--glob", "*.txt"], &input);
    assert_eq!(field(&recs, "id"), ["c.txt"]);
    let recs = clean(&["--glob", "*.md"], &input);
    assert_eq!(field(&recs, "id"), ["notes.md"]);
}

#[test]
fn a_folder_with_no_file_of_a_kind_rinse_reads_fails() {
    let d = tmp();
    write(&d.path().join("notes.md"), "notes");
    write(&d.path().join("sub/expected.json"), "{\n}\n");
    let out = rinse().arg("clean").arg(d.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no input file found under"), "{err}");
    assert!(out.stdout.is_empty());
}

#[test]
fn jsonl_on_stdin_is_read_as_jsonl_without_a_flag() {
    let recs = clean_stdin(&[], "{\"text\":\"a\"}\n{\"text\":\"b\"}\n");
    assert_eq!(field(&recs, "id"), ["-:1", "-:2"]);
    assert_eq!(recs[1]["removed"][0]["text"], "b");
    // Blank lines, a byte order mark and CRLF before and around the first object.
    let recs = clean_stdin(
        &[],
        "\u{feff}\n  \r\n{\"text\":\"a\"}\r\n{\"text\":\"b\"}\r\n",
    );
    assert_eq!(field(&recs, "id"), ["-:3", "-:4"]);
    // Compressed.
    let recs = clean_stdin(&[], gzip(b"{\"text\":\"a\"}\n{\"text\":\"b\"}\n"));
    assert_eq!(recs.len(), 2);
    // --input-format given explicitly wins.
    let recs = clean_stdin(
        &["--input-format", "text"],
        "{\"text\":\"a\"}\n{\"text\":\"b\"}\n",
    );
    assert_eq!(recs.len(), 1);
    assert_eq!(recs[0]["id"], "-");
}

#[test]
fn a_long_first_line_on_stdin_loses_no_byte() {
    // Longer than a pipe's buffer: read in several chunks before it is judged.
    let long = "word ".repeat(100_000);
    let first = serde_json::json!({"keep": long, "text": article(1)}).to_string();
    let input = format!("{first}\n{}", line("second", 2));
    let recs = clean_stdin(&[], input);
    assert_eq!(recs.len(), 2);
    assert_eq!(recs[0]["keep"].as_str().unwrap(), long);
    assert_eq!(
        recs[0]["title"],
        "Council approves budget number 1 after long debate"
    );
    assert_eq!(recs[1]["id"], "second");
}

#[test]
fn text_on_stdin_starting_with_a_brace_stays_one_text_document() {
    for text in [
        format!("{{{{Infobox}}}}\n\n{}", article(1)),
        format!("{{\"not\": \"closed\"\n{}", article(1)),
        "{\"an\": \"object\"} and then words\nmore\n".to_string(),
        "[1, 2]\n[3]\n".to_string(),
        String::new(),
    ] {
        let recs = clean_stdin(&[], text.clone());
        assert_eq!(recs.len(), 1, "{text:?}");
        assert_eq!(recs[0]["id"], "-", "{text:?}");
    }
    let recs = clean_stdin(&[], format!("{{{{Infobox}}}}\n\n{}", article(1)));
    assert!(
        recs[0]["text"]
            .as_str()
            .unwrap()
            .contains("ending a debate that lasted weeks"),
        "{}",
        recs[0]
    );
}

/// `rinse coverage` finds inputs as `rinse clean` does: JSONL shards in a
/// folder by default, and JSON Lines on standard input.
#[test]
fn coverage_reads_jsonl_folders_and_jsonl_on_stdin_by_default() {
    let dir = tmp();
    let lines = format!("{}{}{}", line("a", 1), line("b", 2), line("c", 3));
    std::fs::write(dir.path().join("shard.jsonl.gz"), gzip(lines.as_bytes())).unwrap();
    let summary = |out: std::process::Output| {
        assert!(
            out.status.success() || out.status.code() == Some(1),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let folder = summary(rinse().arg("coverage").arg(dir.path()).output().unwrap());
    assert!(folder.contains("3 documents,"), "{folder}");
    let piped = summary(
        rinse()
            .args(["coverage", "-"])
            .write_stdin(lines)
            .output()
            .unwrap(),
    );
    assert!(piped.contains("3 documents,"), "{piped}");
}
