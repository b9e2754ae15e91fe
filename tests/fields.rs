//! `--fields` and `--no-audit`: which of the record's fields are written, in
//! every format, and what `rinse schema` says of them.

mod common;

use common::{rinse, tmp, write};
use serde_json::Value;

const PAGE: &str = "Council approves the budget\n\nThe council approved the city budget on Tuesday after a long debate.\nShare this\nThe vote was seven to two, with one member absent from the chamber.\n";

fn keys(v: &Value) -> Vec<String> {
    v.as_object().unwrap().keys().cloned().collect()
}

fn run(args: &[&str], input: &std::path::Path) -> std::process::Output {
    let r = rinse()
        .args(["clean", "-q"])
        .args(args)
        .arg(input)
        .output()
        .unwrap();
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    r
}

#[test]
fn fields_picks_the_record_fields_in_record_order() {
    let d = tmp();
    let p = d.path().join("page.txt");
    write(&p, PAGE);
    let all: Value = serde_json::from_slice(&run(&[], &p).stdout).unwrap();
    let r = run(&["--fields", "text,id,title"], &p);
    let v: Value = serde_json::from_slice(&r.stdout).unwrap();
    assert_eq!(keys(&v), ["id", "title", "text"]);
    for k in ["id", "title", "text"] {
        assert_eq!(v[k], all[k], "{k}");
    }
    // The audit trail alone goes with --no-audit.
    let v: Value = serde_json::from_slice(&run(&["--no-audit"], &p).stdout).unwrap();
    let mut want = keys(&all);
    want.retain(|k| k != "removed" && k != "fixes");
    assert_eq!(keys(&v), want);
    assert!(!all["removed"].as_array().unwrap().is_empty());
    // CSV: the header and the cells follow.
    let r = run(&["--no-audit", "--format", "csv"], &p);
    let out = String::from_utf8(r.stdout).unwrap();
    assert_eq!(
        out.lines().next().unwrap(),
        "id,source,title,dateline,text,captions,credits,related,encoding"
    );
    let mut rd = csv::Reader::from_reader(out.as_bytes());
    let row = rd.records().next().unwrap().unwrap();
    assert_eq!(&row[4], all["text"].as_str().unwrap());
}

#[test]
fn fields_keep_every_field_of_a_jsonl_input_and_the_error_key() {
    let d = tmp();
    let p = d.path().join("in.jsonl");
    let line = serde_json::json!({"id": 7, "text": PAGE, "url": "https://x"});
    write(&p, format!("{line}\n{{broken\n"));
    let r = rinse()
        .args(["clean", "-q", "--no-audit", "--on-error", "record"])
        .arg(&p)
        .output()
        .unwrap();
    let lines: Vec<Value> = String::from_utf8_lossy(&r.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(
        keys(&lines[0]),
        [
            "id", "text", "url", "source", "title", "dateline", "captions", "credits", "related",
            "encoding", "error"
        ]
    );
    assert_eq!(
        keys(&lines[1]),
        [
            "id", "source", "title", "dateline", "text", "captions", "credits", "related",
            "encoding", "error"
        ]
    );
}

#[test]
fn an_unknown_field_is_a_usage_error_naming_the_known_ones() {
    let r = rinse()
        .args(["clean", "--fields", "id,body", "-"])
        .output()
        .unwrap();
    assert_eq!(r.status.code(), Some(2));
    let err = String::from_utf8_lossy(&r.stderr);
    assert!(err.contains("unknown field \"body\""), "{err}");
    assert!(err.contains("id,source,title"), "{err}");
}

#[cfg(feature = "parquet")]
#[test]
fn parquet_output_and_the_schema_leave_out_the_same_fields() {
    let d = tmp();
    let p = d.path().join("page.txt");
    write(&p, PAGE);
    let out = d.path().join("out.parquet");
    let r = rinse()
        .args(["clean", "-q", "--no-audit", "-o"])
        .arg(&out)
        .arg(&p)
        .output()
        .unwrap();
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let f = std::fs::File::open(&out).unwrap();
    let b = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(f).unwrap();
    let names: Vec<String> = b
        .schema()
        .fields()
        .iter()
        .map(|f| f.name().clone())
        .collect();
    let s = rinse().args(["schema", "--no-audit"]).output().unwrap();
    let schema: Value = serde_json::from_slice(&s.stdout).unwrap();
    let published: Vec<String> = schema["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(names, published);
    assert!(!names.iter().any(|n| n == "removed" || n == "fixes"));
    assert_eq!(names.len(), 9);
}
