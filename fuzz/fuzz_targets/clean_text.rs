//! Fuzz line classification and record assembly through the whole cleaner.
#![no_main]
use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;

static CLEANER: LazyLock<rinse::Cleaner> =
    LazyLock::new(|| rinse::Cleaner::builtin().expect("built-in rules"));

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let rec = CLEANER.clean(&*text).unwrap();
    let mut out = Vec::new();
    rinse::internals::write::Format::Jsonl
        .serialize(&rec, None, None, &mut out)
        .expect("serialise");
    let _: serde_json::Value = serde_json::from_slice(&out).expect("valid JSON");
});
