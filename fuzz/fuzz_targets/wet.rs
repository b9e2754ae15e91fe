//! Fuzz the WET reader: any bytes read as a WET file give whole lines that
//! are JSON objects with the five keys of a text record, then the end of the
//! input or an error; never a panic, never an endless read.
#![no_main]
use std::io::Read;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut reader = rinse::internals::read::WetLines::new(std::io::BufReader::with_capacity(7, data));
    let mut out = Vec::new();
    let _ = reader.read_to_end(&mut out);
    for line in out.split_inclusive(|&b| b == b'\n').filter(|l| l.ends_with(b"\n")) {
        let v: serde_json::Value = serde_json::from_slice(line).expect("a JSON line");
        let keys: Vec<&str> = v.as_object().expect("an object").keys().map(String::as_str).collect();
        assert_eq!(keys, ["id", "url", "date", "language", "text"]);
        assert!(v["text"].is_string());
    }
});
