//! Property tests (proptest) of the whole cleaner: for any input it never
//! panics, writes valid UTF-8 JSON and CSV that read back to the same record,
//! and cleaning is stable.

use proptest::prelude::*;
use rinse::Cleaner;
use rinse::read::JsonDoc;
use rinse::record::Record;
use rinse::write::Format;
use std::sync::LazyLock;

static CLEANER: LazyLock<Cleaner> = LazyLock::new(|| Cleaner::builtin().expect("built-in rules"));

/// Lines of the kinds scraped pages are made of, damaged or not.
fn line() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("Follow us on our official WhatsApp channel for breaking news alerts!".to_string()),
        Just("Others Also Read".to_string()),
        Just("Next In World".to_string()),
        Just("(Reporting by Jane Doe; Editing by John Roe)".to_string()),
        Just("FILE PHOTO: A view of the port. REUTERS/Jane Doe".to_string()),
        Just("The caf\u{FFFD} opened in 2019\u{FFFD}2020, officials said.".to_string()),
        Just("CafÃ© owners said the pricesâ€™ rise was steep.".to_string()),
        Just("Tom &amp; Jerry&#39;s show&nbsp;returned on Monday.".to_string()),
        "[A-Z][a-z]{2,9}( [a-z]{2,9}){3,12}",
        "[A-Z][a-z]{2,9}( [a-z]{2,9}){8,30}[.!?]",
        "\\PC{0,80}",
    ]
}

fn document() -> impl Strategy<Value = String> {
    prop::collection::vec(line(), 0..25).prop_map(|lines| lines.join("\n"))
}

fn roundtrip_jsonl(rec: &Record) {
    let mut out = Vec::new();
    Format::Jsonl.serialize(rec, None, None, &mut out).unwrap();
    assert_eq!(out.last(), Some(&b'\n'));
    let text = std::str::from_utf8(&out).expect("UTF-8");
    assert_eq!(text.matches('\n').count(), 1, "one line per record");
    let back: Record = serde_json::from_str(text).expect("valid JSON");
    assert_eq!(&back, rec);
}

fn roundtrip_csv(rec: &Record) {
    let mut out = Format::Csv.header(false);
    Format::Csv.serialize(rec, None, None, &mut out).unwrap();
    let mut rdr = csv::Reader::from_reader(&out[..]);
    let rows: Vec<csv::StringRecord> = rdr.records().map(|r| r.expect("valid CSV")).collect();
    assert_eq!(rows.len(), 1);
    assert_eq!(&rows[0][0], rec.id);
    assert_eq!(&rows[0][4], rec.text);
    let fixes: Vec<rinse::Fix> = serde_json::from_str(&rows[0][9]).unwrap();
    assert_eq!(fixes, rec.fixes);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn any_bytes_never_panic_and_serialise_validly(bytes in prop::collection::vec(any::<u8>(), 0..3000)) {
        match CLEANER.clean_bytes(&bytes, None) {
            Ok(rec) => {
                roundtrip_jsonl(&rec);
                roundtrip_csv(&rec);
            }
            Err(e) => prop_assert!(matches!(e, rinse::Error::Binary { .. }), "{e}"),
        }
    }

    #[test]
    fn any_text_document_serialises_validly(doc in document()) {
        let rec = CLEANER.clean_text(&doc);
        roundtrip_jsonl(&rec);
        roundtrip_csv(&rec);
        // Every line of the body came from the input (after repair), none invented.
        for para in rec.text.split("\n\n").filter(|p| !p.is_empty()) {
            prop_assert!(!para.contains('\n'), "a paragraph is one input line");
        }
    }

    #[test]
    fn cleaning_the_clean_text_again_keeps_it(doc in document()) {
        let rec = CLEANER.clean_text(&doc);
        let again = CLEANER.clean_text(&rec.text);
        // The body may lose its first line to the title slot only if that
        // line is headline-shaped; what stays must be unchanged.
        prop_assert_eq!(again.fixes.len(), 0, "repair converged: {:?}", again.fixes);
        prop_assert!(rec.text.ends_with(&again.text), "{:?} vs {:?}", rec.text, again.text);
    }

    #[test]
    fn jsonl_reader_never_panics(line in "\\PC{0,200}") {
        let _ = JsonDoc::parse(&line);
    }

    #[test]
    fn jsonl_reader_reads_back_any_object(
        fields in prop::collection::vec(("[a-z]{1,8}", any::<String>()), 0..6)
    ) {
        let obj: serde_json::Map<String, serde_json::Value> = fields
            .iter()
            .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
            .collect();
        let line = serde_json::to_string(&obj).unwrap();
        let doc = JsonDoc::parse(&line).unwrap();
        prop_assert_eq!(doc.fields.len(), obj.len());
        for (k, v) in &obj {
            let got = doc.get_str(k);
            prop_assert_eq!(got.as_deref(), v.as_str());
        }
    }
}
