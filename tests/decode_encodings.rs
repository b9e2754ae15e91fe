//! Every fixture in tests/data/encodings/ decodes to its expected text (see the
//! README there for how the bytes were made).

use std::path::Path;

use rinse::internals::decode::decode;

fn check(name: &str, want_encoding: &[&str], tld: Option<&str>) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/encodings");
    let bytes = std::fs::read(dir.join(format!("{name}.bin"))).unwrap();
    let want = std::fs::read_to_string(dir.join(format!("{name}.txt"))).unwrap();
    let d = decode(&bytes, tld).unwrap();
    assert!(
        want_encoding.contains(&d.encoding),
        "{name}: decoded as {}",
        d.encoding
    );
    assert_eq!(d.text, want, "{name}");
    assert!(d.fixes.is_empty());
}

#[test]
fn windows_1252() {
    check("windows-1252", &["windows-1252"], None);
}

#[test]
fn iso_8859_1_reads_as_its_superset_windows_1252() {
    check("iso-8859-1", &["windows-1252"], None);
}

#[test]
fn iso_8859_15_with_the_euro_sign() {
    check("iso-8859-15", &["ISO-8859-15"], Some("es"));
}

#[test]
fn windows_1251() {
    check("windows-1251", &["windows-1251"], None);
}

#[test]
fn koi8_r() {
    check("koi8-r", &["KOI8-R", "KOI8-U"], None);
}

#[test]
fn shift_jis() {
    check("shift_jis", &["Shift_JIS"], None);
}

#[test]
fn euc_kr() {
    check("euc-kr", &["EUC-KR"], None);
}

#[test]
fn gbk() {
    check("gbk", &["GBK", "gb18030"], None);
}

#[test]
fn utf_16_with_and_without_bom() {
    check("utf-16le-bom", &["UTF-16LE"], None);
    check("utf-16be-bom", &["UTF-16BE"], None);
    check("utf-16le", &["UTF-16LE"], None);
    check("utf-16be", &["UTF-16BE"], None);
    check("utf-8-bom", &["UTF-8"], None);
}

#[test]
fn a_binary_file_is_refused() {
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    bytes.extend((0..200u8).map(|i| i.wrapping_mul(37)));
    assert!(matches!(
        decode(&bytes, None),
        Err(rinse::Error::Binary { .. })
    ));
}

proptest::proptest! {
    /// Any bytes: decode returns text or an error, never panics, and UTF-8 stays as it is.
    #[test]
    fn decode_never_panics(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..256)) {
        if let Ok(d) = decode(&bytes, Some("fr"))
            && let Ok(s) = std::str::from_utf8(&bytes)
            && !bytes.starts_with(b"\xef\xbb\xbf")
        {
            proptest::prop_assert_eq!(d.text, s);
        }
    }
}

/// The raw-byte cases of the repair corpus (tests/data/repair/bytes.jsonl, made
/// by scripts/make-repair-corpus.py): the sentences of 30 languages, each
/// language as one document and each sentence alone, encoded without a BOM.
#[derive(serde::Deserialize)]
struct Raw {
    kind: String,
    encoding: String,
    lang: String,
    hex: String,
    want: String,
}

fn raw_cases() -> Vec<Raw> {
    include_str!("data/repair/bytes.jsonl")
        .lines()
        .map(|l| serde_json::from_str(l).expect("valid case"))
        .collect()
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex"))
        .collect()
}

#[test]
fn utf16_without_bom_is_recognised_in_every_script_that_has_zero_bytes() {
    let mut right = 0;
    let mut total = 0;
    let mut wrong = Vec::new();
    for r in raw_cases() {
        let bytes = unhex(&r.hex);
        // A text of CJK characters alone has no zero byte: nothing tells it.
        if !r.encoding.starts_with("utf-16") || !bytes.contains(&0) {
            continue;
        }
        total += 1;
        match decode(&bytes, None) {
            Ok(d) if d.text == r.want && d.encoding.eq_ignore_ascii_case(&r.encoding) => right += 1,
            other => wrong.push(format!(
                "{} {} [{}]: {:?}",
                r.kind,
                r.encoding,
                r.lang,
                other.map(|d| d.encoding)
            )),
        }
    }
    assert!(total > 150, "{total}");
    assert_eq!(right, total, "{}", wrong.join("\n"));
}

/// Every legacy single-byte and CJK case of the repair corpus decodes to its
/// text, each sentence alone too: short inputs where `chardetng` alone took a
/// neighbouring page (Hungarian `ő` as windows-1252 `õ`, Italian `ù` as
/// ISO-8859-4 `ų`, Romanian ISO-8859-16 `ș` as `ş`).
#[test]
fn legacy_encodings_of_short_inputs_are_told_apart() {
    let mut wrong = Vec::new();
    let mut total = 0;
    for r in raw_cases() {
        if r.encoding.starts_with("utf-16") {
            continue;
        }
        total += 1;
        let want: String = r
            .want
            .split('\n')
            .map(str::trim_end)
            .collect::<Vec<_>>()
            .join("\n");
        match decode(&unhex(&r.hex), None) {
            Ok(d) if d.text.split('\n').map(str::trim_end).eq(want.split('\n')) => {}
            other => wrong.push(format!(
                "{} {} [{}]: {:?}",
                r.kind,
                r.encoding,
                r.lang,
                other.map(|d| (d.encoding, d.text))
            )),
        }
    }
    assert!(total > 80, "{total}");
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// English quoted on a Japanese, Chinese or Korean page: windows-1252 with
/// curly quotes was read as Shift_JIS, GBK or EUC-KR (`的値l say…`) when the
/// domain hinted at those; real text of the page's script still wins.
#[test]
fn a_short_windows_1252_text_is_not_read_as_cjk() {
    let text = "“I’ll say…” he said.";
    let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(text);
    for tld in [None, Some("jp"), Some("cn"), Some("kr")] {
        let d = decode(&bytes, tld).unwrap();
        assert_eq!(
            (d.text.as_str(), d.encoding),
            (text, "windows-1252"),
            "{tld:?}"
        );
    }
    // windows-1251 has the same quotes: the same text.
    assert_eq!(decode(&bytes, Some("ru")).unwrap().text, text);
    for (text, enc, tld) in [
        ("政府は新しい法律を可決した。", encoding_rs::SHIFT_JIS, "jp"),
        ("政府通过了一项新法律。", encoding_rs::GBK, "cn"),
        ("정부는 새로운 법을 통과시켰다.", encoding_rs::EUC_KR, "kr"),
        (
            "Ebből a könyvből sokat tanultam.",
            encoding_rs::ISO_8859_2,
            "hu",
        ),
    ] {
        let (bytes, _, _) = enc.encode(text);
        for tld in [None, Some(tld)] {
            let d = decode(&bytes, tld).unwrap();
            assert_eq!(d.text, text, "{} {tld:?}", enc.name());
        }
    }
}
