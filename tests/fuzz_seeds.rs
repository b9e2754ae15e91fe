//! Every input under `fuzz/seeds/<target>/` (the fuzzers' seeds, and every
//! crash a fuzzer found, saved there) runs through the same checks as its
//! fuzz target, so that a fixed crash stays fixed.

use std::fs;
use std::path::Path;

use rinse::Cleaner;
use rinse::internals::read::JsonDoc;
use rinse::internals::repair::{RepairOptions, repair};
use rinse::internals::write::Format;

fn inputs(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/seeds")
        .join(target);
    let mut out: Vec<(String, Vec<u8>)> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| {
            let p = e.unwrap().path();
            (p.display().to_string(), fs::read(&p).unwrap())
        })
        .collect();
    out.sort();
    assert!(!out.is_empty(), "no seeds in {}", dir.display());
    out
}

#[test]
fn decode_repair_seeds() {
    for (name, data) in inputs("decode_repair") {
        if let Ok(decoded) = rinse::internals::decode::decode(&data, None) {
            let repaired = repair(&decoded.text, &RepairOptions::default());
            assert_eq!(
                repaired.text.split('\n').count(),
                decoded.text.split('\n').count(),
                "{name}: repair changed the number of lines"
            );
        }
    }
}

#[test]
fn clean_text_seeds() {
    let cleaner = Cleaner::builtin().unwrap();
    for (name, data) in inputs("clean_text") {
        let rec = cleaner.clean(&*String::from_utf8_lossy(&data)).unwrap();
        let mut out = Vec::new();
        Format::Jsonl.serialize(&rec, None, None, &mut out).unwrap();
        serde_json::from_slice::<serde_json::Value>(&out).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
}

#[test]
fn jsonl_seeds() {
    let cleaner = Cleaner::builtin().unwrap();
    let mut parsed = 0;
    for (name, data) in inputs("jsonl") {
        let Ok(line) = std::str::from_utf8(&data) else {
            continue;
        };
        let Ok(doc) = JsonDoc::parse(line) else {
            continue;
        };
        parsed += 1;
        let rec = cleaner
            .clean(&*doc.get_str("text").unwrap_or_default())
            .unwrap();
        let mut out = Vec::new();
        Format::Jsonl
            .serialize(&rec, Some((&doc, "text")), Some(""), &mut out)
            .unwrap();
        // Syntax only: values are kept byte for byte (7e777 is valid JSON that
        // no f64 holds).
        let line = std::str::from_utf8(&out).unwrap();
        let back = JsonDoc::parse(line.trim_end()).unwrap_or_else(|e| panic!("{name}: {e}"));
        for (k, _) in &doc.fields {
            assert!(back.get(k).is_some(), "{name}: lost key {k}");
        }
    }
    assert!(parsed > 0, "no seed parsed: the check ran on nothing");
}

#[test]
fn wet_seeds() {
    use std::io::Read;
    let mut lines = 0;
    for (name, data) in inputs("wet") {
        let mut reader = rinse::internals::read::WetLines::new(std::io::BufReader::with_capacity(
            7,
            data.as_slice(),
        ));
        let mut out = Vec::new();
        let _ = reader.read_to_end(&mut out);
        for line in out
            .split_inclusive(|&b| b == b'\n')
            .filter(|l| l.ends_with(b"\n"))
        {
            let v: serde_json::Value =
                serde_json::from_slice(line).unwrap_or_else(|e| panic!("{name}: {e}"));
            let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
            assert_eq!(keys, ["id", "url", "date", "language", "text"], "{name}");
            lines += 1;
        }
    }
    assert!(lines > 0, "no seed gave a record: the check ran on nothing");
}
