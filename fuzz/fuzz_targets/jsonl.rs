//! Fuzz the JSONL reader and the merged writer: any line either parses as an
//! object, and then the output line is valid JSON with the input's keys, or is
//! refused.
#![no_main]
use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;

static CLEANER: LazyLock<rinse::Cleaner> =
    LazyLock::new(|| rinse::Cleaner::builtin().expect("built-in rules"));

fuzz_target!(|data: &[u8]| {
    let Ok(line) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(doc) = rinse::read::JsonDoc::parse(line) else {
        return;
    };
    let text = doc.get_str("text").unwrap_or_default();
    let rec = CLEANER.clean_text(&text);
    let mut out = Vec::new();
    rinse::write::Format::Jsonl
        .serialize(&rec, Some((&doc, "text")), Some(""), &mut out)
        .expect("serialise");
    let v: serde_json::Value = serde_json::from_slice(&out).expect("valid JSON");
    let obj = v.as_object().expect("an object");
    for (k, _) in &doc.fields {
        assert!(obj.contains_key(k), "lost key {k:?}");
    }
});
