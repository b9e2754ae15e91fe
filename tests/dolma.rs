//! dolma attribute files: ids with the input's own JSON type, attributes
//! alone (a tagger's job), the document-level attributes, and the
//! `documents/` → `attributes/NAME/` layout with gzip.

mod common;

use std::io::{Read, Write};
use std::path::Path;

use common::{rinse, tmp, write};
use serde_json::{Value, json};

const PAGE: &str = "Council approves the budget\n\nThe council approved the city budget on Tuesday after a long debate.\nShare this\nThe vote was seven to two, with one member absent from the chamber.\n";

fn gz(text: &str) -> Vec<u8> {
    let mut g = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    g.write_all(text.as_bytes()).unwrap();
    g.finish().unwrap()
}

fn gunzip(path: &Path) -> String {
    let bytes = std::fs::read(path).unwrap();
    let mut plain = String::new();
    flate2::read::MultiGzDecoder::new(&bytes[..])
        .read_to_string(&mut plain)
        .unwrap();
    plain
}

fn gunzip_lines(path: &Path) -> Vec<Value> {
    gunzip(path)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// `rinse clean` in dolma's tagger role: the `*.jsonl.gz` under
/// `root/documents`, attributes alone under `attrs`.
fn tag(root: &Path, attrs: &Path, extra: &[&str]) -> std::process::Output {
    rinse()
        .args(["clean", "--glob", "*.jsonl.gz"])
        .args(extra)
        .arg(root.join("documents"))
        .arg("--attributes-dir")
        .arg(attrs)
        .output()
        .unwrap()
}

/// A dolma folder: `documents/part/0.jsonl.gz` with numeric, string and
/// big numeric ids, an empty text and a broken line.
fn dolma_docs(root: &Path) -> Vec<Value> {
    let docs = vec![
        json!({"id": 12345, "text": PAGE, "source": "cc"}),
        json!({"id": "d2", "text": "Share this\nFollow us on Twitter\n", "source": "cc"}),
        json!({"id": 3, "text": "", "source": "cc"}),
    ];
    let mut text: String = docs.iter().map(|d| format!("{d}\n")).collect();
    // Bigger than any float holds exactly: kept byte for byte.
    text += "{\"id\": 123456789012345678901234567890, \"text\": \"Some words here.\"}\n";
    text += "{\"id\": 77, \"body\": \"no text key\"}\n";
    write(&root.join("documents/part/0.jsonl.gz"), gz(&text));
    docs
}

#[test]
fn attributes_alone_keep_each_input_id_with_its_json_type() {
    let d = tmp();
    dolma_docs(d.path());
    let attrs = d.path().join("attributes/rinse");
    let r = tag(d.path(), &attrs, &["-q"]);
    // The line without a text fails: exit 1, its attribute line is written.
    assert_eq!(
        r.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&r.stderr)
    );
    assert!(r.stdout.is_empty(), "no cleaned documents on stdout");
    let path = attrs.join("part/0.jsonl.gz");
    let lines = gunzip_lines(&path);
    assert_eq!(lines.len(), 5, "one line per document, failed ones too");
    assert_eq!(lines[0]["id"], json!(12345));
    assert_eq!(lines[1]["id"], json!("d2"));
    assert_eq!(lines[2]["id"], json!(3));
    assert_eq!(lines[4]["id"], json!(77));
    let raw = gunzip(&path);
    assert!(
        raw.contains("{\"id\":123456789012345678901234567890,"),
        "{raw}"
    );
    // Nothing else under the attributes folder, and no documents folder made.
    let files: Vec<_> = walk(&attrs);
    assert_eq!(files, vec![path.clone()]);
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[test]
fn document_level_attributes_say_empty_bodies_and_the_share_removed() {
    let d = tmp();
    dolma_docs(d.path());
    let attrs = d.path().join("attrs");
    tag(d.path(), &attrs, &["-q"]);
    let lines = gunzip_lines(&attrs.join("part/0.jsonl.gz"));
    let a = |i: usize, k: &str| lines[i]["attributes"][k].clone();
    let chars = PAGE.chars().count();
    // The story: a body, one of its four non-blank lines removed.
    assert_eq!(a(0, "rinse__body_empty"), json!([[0, chars, 0.0]]));
    assert_eq!(a(0, "rinse__removed_share"), json!([[0, chars, 0.25]]));
    // Boilerplate only: no body, everything removed.
    let n = "Share this\nFollow us on Twitter\n".chars().count();
    assert_eq!(a(1, "rinse__body_empty"), json!([[0, n, 1.0]]));
    assert_eq!(a(1, "rinse__removed_share"), json!([[0, n, 1.0]]));
    // An empty text and a failed document: no body.
    assert_eq!(a(2, "rinse__body_empty"), json!([[0, 0, 1.0]]));
    assert_eq!(a(4, "rinse__body_empty"), json!([[0, 0, 1.0]]));
    assert_eq!(a(4, "rinse__boilerplate"), json!([]));
}

#[test]
fn attributes_alone_resume_by_the_attribute_files() {
    let d = tmp();
    dolma_docs(d.path());
    write(
        &d.path().join("documents/part/1.jsonl.gz"),
        gz(&format!("{}\n", json!({"id": 9, "text": PAGE}))),
    );
    let attrs = d.path().join("attrs");
    let run = || tag(d.path(), &attrs, &["--resume"]);
    run();
    std::fs::remove_file(attrs.join("part/1.jsonl.gz")).unwrap();
    let r = run();
    let err = String::from_utf8_lossy(&r.stderr);
    assert!(err.contains("--resume skipped 1 inputs"), "{err}");
    assert_eq!(
        gunzip_lines(&attrs.join("part/1.jsonl.gz"))[0]["id"],
        json!(9)
    );
}

#[cfg(feature = "parquet")]
#[test]
fn a_parquet_input_with_numeric_ids_gives_numeric_attribute_ids() {
    use std::sync::Arc;
    let d = tmp();
    let ids: arrow_array::ArrayRef = Arc::new(arrow_array::Int64Array::from(vec![5, 6]));
    let texts: arrow_array::ArrayRef = Arc::new(arrow_array::StringArray::from(vec![PAGE, ""]));
    let batch =
        arrow_array::RecordBatch::try_from_iter(vec![("id", ids), ("text", texts)]).unwrap();
    let input = d.path().join("docs/a.parquet");
    std::fs::create_dir_all(input.parent().unwrap()).unwrap();
    let mut w = parquet::arrow::ArrowWriter::try_new(
        std::fs::File::create(&input).unwrap(),
        batch.schema(),
        None,
    )
    .unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
    let attrs = d.path().join("attrs");
    let r = rinse()
        .args(["clean", "-q", "--glob", "*.parquet"])
        .arg(d.path().join("docs"))
        .arg("--attributes-dir")
        .arg(&attrs)
        .output()
        .unwrap();
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let text = std::fs::read_to_string(attrs.join("a.parquet")).unwrap();
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines[0]["id"], json!(5));
    assert_eq!(lines[1]["id"], json!(6));
}
