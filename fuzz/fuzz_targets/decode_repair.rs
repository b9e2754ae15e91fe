//! Fuzz decode + repair: any bytes decode (or are refused as binary) and
//! repair keeps the number of lines.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(decoded) = rinse::internals::decode::decode(data, None) {
        let opts = rinse::internals::repair::RepairOptions::default();
        let repaired = rinse::internals::repair::repair(&decoded.text, &opts);
        assert_eq!(
            repaired.text.split('\n').count(),
            decoded.text.split('\n').count(),
            "repair changed the number of lines"
        );
    }
});
