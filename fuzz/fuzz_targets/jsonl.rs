//! Fuzz the JSONL reader and the merged writer: any line either parses as an
//! object, and then the output line is a valid JSON object with the input's
//! keys, or is refused.
#![no_main]
use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;

static CLEANER: LazyLock<rinse::Cleaner> =
    LazyLock::new(|| rinse::Cleaner::builtin().expect("built-in rules"));

fuzz_target!(|data: &[u8]| {
    let Ok(line) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(doc) = rinse::internals::read::JsonDoc::parse(line) else {
        return;
    };
    let text = doc.get_str("text").unwrap_or_default();
    let rec = CLEANER.clean(&*text).unwrap();
    let mut out = Vec::new();
    rinse::internals::write::Format::Jsonl
        .serialize(&rec, Some((&doc, "text")), Some(""), &mut out)
        .expect("serialise");
    // Checked for syntax only: values are kept byte for byte, and a number such
    // as 7e777 is valid JSON that no f64 can hold.
    let line = std::str::from_utf8(&out).expect("UTF-8");
    let back = rinse::internals::read::JsonDoc::parse(line.trim_end()).expect("valid JSON object");
    for (k, _) in &doc.fields {
        assert!(back.get(k).is_some(), "lost key {k:?}");
    }
});
