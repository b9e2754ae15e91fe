//! Stage 2: bytes of any encoding to text.
//!
//! Order of evidence:
//! 1. a byte-order mark (UTF-8, UTF-16LE/BE);
//! 2. valid UTF-8;
//! 3. UTF-16 without a BOM, in any script, recognised by its zero bytes (all on
//!    one side: the high bytes of ASCII spaces, digits, line breaks and of
//!    Latin, Greek or Cyrillic letters) and text that reads as text;
//! 4. NUL bytes otherwise: binary, refused with [`Error::Binary`];
//! 5. UTF-8 with a few bad bytes (a file pasted together from two sources): the bad
//!    bytes are read as windows-1252 instead of becoming U+FFFD, each reported as a
//!    `decode.stray-byte` fix;
//! 6. otherwise a guess by `chardetng` (with the page's top-level domain as a hint),
//!    decoded with `encoding_rs`.

use std::borrow::Cow;

use crate::error::{Error, Result};
use crate::record::Fix;

/// Text decoded from bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The decoded text.
    pub text: String,
    /// The name of the encoding the bytes were decoded from (`UTF-8`, `windows-1252`…).
    pub encoding: &'static str,
    /// Repairs made while decoding (for example single bad bytes in UTF-8 text).
    pub fixes: Vec<Fix>,
}

/// The decode-stage fix ids and what each does.
pub const RULES: &[(&str, &str)] = &[(
    "decode.stray-byte",
    "a byte that is not UTF-8 in otherwise UTF-8 text, read as windows-1252",
)];

/// Text decoded from bytes, borrowed from them when they were UTF-8 already
/// (see [`decode_borrowed`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodedRef<'a> {
    /// The decoded text: the input itself when it was valid UTF-8 without a BOM.
    pub text: Cow<'a, str>,
    /// The name of the encoding the bytes were decoded from (`UTF-8`, `windows-1252`…).
    pub encoding: &'static str,
    /// Repairs made while decoding (for example single bad bytes in UTF-8 text).
    pub fixes: Vec<Fix>,
}

impl DecodedRef<'_> {
    /// The owned [`Decoded`].
    pub fn into_owned(self) -> Decoded {
        Decoded {
            text: self.text.into_owned(),
            encoding: self.encoding,
            fixes: self.fixes,
        }
    }
}

impl From<Decoded> for DecodedRef<'_> {
    fn from(d: Decoded) -> Self {
        DecodedRef {
            text: Cow::Owned(d.text),
            encoding: d.encoding,
            fixes: d.fixes,
        }
    }
}

/// Decodes `bytes`. `tld_hint` is the top-level domain of the page's URL
/// (`"fr"`, `"jp"`), when known, to help guess legacy encodings.
pub fn decode(bytes: &[u8], tld_hint: Option<&str>) -> Result<Decoded> {
    decode_borrowed(bytes, tld_hint).map(DecodedRef::into_owned)
}

/// [`decode`], without copying input that is valid UTF-8 (the common case):
/// then the text borrows `bytes`.
pub fn decode_borrowed<'a>(bytes: &'a [u8], tld_hint: Option<&str>) -> Result<DecodedRef<'a>> {
    if let Some((enc, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, _) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        return Ok(DecodedRef {
            text,
            encoding: enc.name(),
            fixes: Vec::new(),
        });
    }
    // One SIMD pass to validate, one to look for NUL.
    if let Ok(text) = simdutf8::basic::from_utf8(bytes) {
        if memchr::memchr(0, bytes).is_some() {
            if let Some(d) = utf16_without_bom(bytes) {
                return Ok(d.into());
            }
            return Err(binary(bytes));
        }
        return Ok(DecodedRef {
            text: Cow::Borrowed(text),
            encoding: "UTF-8",
            fixes: Vec::new(),
        });
    }
    decode_legacy(bytes, tld_hint).map(DecodedRef::from)
}

/// [`decode`] for bytes that have no BOM and are not valid UTF-8.
fn decode_legacy(bytes: &[u8], tld_hint: Option<&str>) -> Result<Decoded> {
    if memchr::memchr(0, bytes).is_some() {
        return utf16_without_bom(bytes).ok_or_else(|| binary(bytes));
    }
    if let Some(d) = mostly_utf8(bytes) {
        return Ok(d);
    }
    let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Allow);
    det.feed(bytes, true);
    let tld = tld_hint
        .map(str::as_bytes)
        .filter(|t| !t.is_empty() && t.iter().all(|b| b.is_ascii_lowercase()));
    let mut enc = likeliest(bytes, det.guess(tld, chardetng::Utf8Detection::Allow));
    if enc == encoding_rs::WINDOWS_1252 && euro_as_iso_8859_15(bytes) {
        enc = encoding_rs::ISO_8859_15;
    }
    let (text, _, _) = enc.decode(bytes);
    Ok(plain(text.into_owned(), enc.name()))
}

/// The single-byte pages of Latin-script languages that a guess among them is
/// checked against, windows-1252 (the web's) first.
const LATIN_PAGES: [&encoding_rs::Encoding; 8] = [
    encoding_rs::WINDOWS_1252,
    encoding_rs::WINDOWS_1250,
    encoding_rs::ISO_8859_2,
    encoding_rs::WINDOWS_1257,
    encoding_rs::ISO_8859_13,
    encoding_rs::ISO_8859_4,
    encoding_rs::WINDOWS_1254,
    encoding_rs::ISO_8859_16,
];

/// How much of a legacy input the guard reads: the start.
const GUARD_BYTES: usize = 16 * 1024;

/// The guard on `chardetng`'s guess, which a short input can mislead (a few
/// accented letters, `“I’ll say…` read as Shift_JIS): the guess stands unless
/// another reading of the bytes through a page of [`LATIN_PAGES`] is less
/// unlikely ([`unlikely`]). On a tie the guess stands, but that Romanian
/// read through ISO-8859-16 has `ș` and `ț` (comma below), which the pages
/// of Central Europe give as `ş` and `ţ`.
fn likeliest(
    bytes: &[u8],
    guess: &'static encoding_rs::Encoding,
) -> &'static encoding_rs::Encoding {
    let sample = &bytes[..bytes.len().min(GUARD_BYTES)];
    // Readings differ only in the words that have a byte outside ASCII (no
    // encoding here has ASCII whitespace inside a character): those are
    // read, and the ASCII words tell the language.
    let mut words: Vec<u8> = Vec::new();
    let mut ascii = String::new();
    for token in sample.split(u8::is_ascii_whitespace) {
        if token.is_ascii() {
            ascii.extend(token.iter().map(|&b| char::from(b.to_ascii_lowercase())));
            ascii.push(' ');
        } else {
            words.extend_from_slice(token);
            words.push(b' ');
        }
    }
    if words.is_empty() {
        return guess;
    }
    let lang = crate::repair::function_word_alphabet(&ascii);
    let read = |enc: &'static encoding_rs::Encoding| enc.decode_without_bom_handling(&words).0;
    let guess_text = read(guess);
    let mut readings = vec![(unlikely(&guess_text, lang), guess, guess_text.clone())];
    for enc in LATIN_PAGES {
        if enc != guess {
            let text = read(enc);
            if text != guess_text {
                readings.push((unlikely(&text, lang), enc, text));
            }
        }
    }
    let Some(least) = readings.iter().map(|r| r.0).min() else {
        return guess;
    };
    // Among the least unlikely, the guess first: then more known words,
    // then Romanian comma-below letters.
    let tie_break = |text: &str| {
        let comma_below = text.chars().filter(|c| "șțȘȚ".contains(*c)).count();
        (
            std::cmp::Reverse(crate::repair::known_words_in(text)),
            std::cmp::Reverse(comma_below),
        )
    };
    let mut best: Option<(_, &'static encoding_rs::Encoding)> = None;
    for (score, enc, text) in &readings {
        if *score == least {
            let key = tie_break(text);
            if best.as_ref().is_none_or(|(k, _)| key < *k) {
                best = Some((key, enc));
            }
        }
    }
    best.map_or(guess, |(_, enc)| enc)
}

/// How unlikely `text` is as the reading of some bytes: characters no text
/// has (U+FFFD from bytes the encoding lacks, C1 controls, other controls)
/// count ten each; then what [`crate::repair`] counts as weird in mojibake
/// (letters outside one language's alphabet, odd capitals, symbols stuck to
/// letters), words that mix CJK with Latin letters (`的値l`), and letters
/// outside `lang`, the alphabet of the language the function words name.
fn unlikely(text: &str, lang: Option<&str>) -> usize {
    let impossible = text
        .chars()
        .filter(|&c| c == '\u{FFFD}' || (c.is_control() && !matches!(c, '\t' | '\n' | '\r')))
        .count();
    let outside = lang.map_or(0, |alphabet| {
        text.chars()
            .filter(|c| !c.is_ascii() && c.is_alphabetic())
            .flat_map(char::to_lowercase)
            .filter(|&c| !alphabet.contains(c))
            .count()
    });
    10 * impossible + crate::repair::weirdness_of(text) + cjk_in_latin_words(text) + outside
}

/// Runs of letters that mix CJK with Latin letters: two each.
fn cjk_in_latin_words(text: &str) -> usize {
    let cjk = |c: char| block(c) == 0x3000 || ('\u{3400}'..='\u{9FFF}').contains(&c);
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().any(cjk) && w.chars().any(|c| c.is_ascii_alphabetic()))
        .count()
        * 2
}

/// The top-level domain of `url` (`https://www.lemonde.fr/x` → `fr`), lowercased.
pub fn tld_of_url(url: &str) -> Option<String> {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let host = rest.split(['/', '?', '#']).next()?;
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    let host = host.split(':').next()?;
    let tld = host.rsplit('.').next()?.to_ascii_lowercase();
    (host.contains('.') && !tld.is_empty() && tld.bytes().all(|b| b.is_ascii_alphabetic()))
        .then_some(tld)
}

/// chardetng does not tell ISO-8859-15 from windows-1252. Their difference that
/// shows is the euro sign: 0xA4 (`¤` in windows-1252) next to a number, in text
/// without windows-1252's own euro byte 0x80, is ISO-8859-15's `€`.
fn euro_as_iso_8859_15(bytes: &[u8]) -> bool {
    if bytes.contains(&0x80) {
        return false;
    }
    let near_digit = |i: usize| {
        let lo = i.saturating_sub(2);
        let hi = (i + 3).min(bytes.len());
        bytes[lo..hi].iter().any(u8::is_ascii_digit)
    };
    memchr::memchr_iter(0xA4, bytes).any(near_digit)
}

fn plain(text: String, encoding: &'static str) -> Decoded {
    Decoded {
        text,
        encoding,
        fixes: Vec::new(),
    }
}

/// UTF-16 without a BOM, in any script: the zero bytes (the high byte of ASCII
/// spaces, digits and line breaks, and of every Latin, Greek or Cyrillic
/// letter) stand mostly on one side, and the bytes decode to text
/// ([`looks_like_text`]). `None` when not.
fn utf16_without_bom(bytes: &[u8]) -> Option<Decoded> {
    if bytes.len() < 4 || !bytes.len().is_multiple_of(2) {
        return None;
    }
    let (mut even, mut odd) = (0usize, 0usize);
    for pair in bytes.chunks_exact(2) {
        even += usize::from(pair[0] == 0);
        odd += usize::from(pair[1] == 0);
    }
    // The side with more zero bytes first: the high bytes of ASCII, Latin,
    // Greek, Cyrillic. CJK text has zero bytes on the other side too (U+4E00,
    // U+5C00), so the other order is tried second; what is not text
    // (`looks_like_text`: a pair of zero bytes is a NUL) fails both.
    let (le, be) = (encoding_rs::UTF_16LE, encoding_rs::UTF_16BE);
    let order = if odd >= even { [le, be] } else { [be, le] };
    order.into_iter().find_map(|enc| {
        let (text, had_errors) = enc.decode_without_bom_handling(bytes);
        (!had_errors && looks_like_text(&text)).then(|| plain(text.into_owned(), enc.name()))
    })
}

/// The coarse script block of a character, for [`looks_like_text`].
fn block(c: char) -> u32 {
    match c as u32 {
        // CJK ideographs, kana, Hangul, full-width forms: one block.
        0x3000..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF => 0x3000,
        x => x >> 7,
    }
}

/// Whether decoded UTF-16 reads as text: no NUL or other control character but
/// tab and line breaks, no private-use or non-character code point, and four
/// fifths of the letters outside ASCII in at most three blocks of 128 code
/// points (CJK and Hangul count as one; bytes that are not UTF-16 scatter over
/// many).
fn looks_like_text(text: &str) -> bool {
    let mut blocks: Vec<(u32, usize)> = Vec::new();
    let mut letters = 0usize;
    for c in text.chars() {
        let x = c as u32;
        if (c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
            || (0xE000..=0xF8FF).contains(&x)
            || (0xFDD0..=0xFDEF).contains(&x)
            || (x & 0xFFFE) == 0xFFFE
        {
            return false;
        }
        if c.is_alphabetic() && !c.is_ascii() {
            letters += 1;
            let b = block(c);
            match blocks.iter_mut().find(|(k, _)| *k == b) {
                Some((_, n)) => *n += 1,
                None => blocks.push((b, 1)),
            }
        }
    }
    blocks.sort_unstable_by_key(|b| std::cmp::Reverse(b.1));
    let top: usize = blocks.iter().take(3).map(|(_, n)| n).sum();
    top * 5 >= letters * 4
}

/// UTF-8 with a few bytes that are not: at least one valid multi-byte sequence, and
/// bad bytes fewer than one in a hundred of the non-ASCII bytes (or at most four).
fn mostly_utf8(bytes: &[u8]) -> Option<Decoded> {
    let mut text = String::with_capacity(bytes.len() + 16);
    let mut bad = Vec::new();
    let mut rest = bytes;
    loop {
        match std::str::from_utf8(rest) {
            Ok(s) => {
                text.push_str(s);
                break;
            }
            Err(e) => {
                let (good, tail) = rest.split_at(e.valid_up_to());
                text.push_str(std::str::from_utf8(good).ok()?);
                let n = e.error_len().unwrap_or(tail.len()).max(1);
                for &b in &tail[..n.min(tail.len())] {
                    bad.push((text.len(), b));
                    let one = [b];
                    let (c, _, _) = encoding_rs::WINDOWS_1252.decode(&one);
                    text.push_str(&c);
                }
                rest = &tail[n.min(tail.len())..];
            }
        }
    }
    let non_ascii = bytes.iter().filter(|&&b| b >= 0x80).count();
    let multibyte = text.chars().filter(|c| !c.is_ascii()).count() > bad.len();
    if !multibyte || bad.len() > 4.max(non_ascii / 100) {
        return None;
    }
    let fixes = bad.iter().map(|&(at, b)| stray_fix(&text, at, b)).collect();
    Some(Decoded {
        text,
        encoding: "UTF-8",
        fixes,
    })
}

/// The fix for byte `b` decoded at byte offset `at` of `text`.
fn stray_fix(text: &str, at: usize, b: u8) -> Fix {
    let line = text[..at].matches('\n').count() + 1;
    let start = text[..at].rfind(char::is_whitespace).map_or(0, |p| {
        p + text[p..].chars().next().map_or(1, char::len_utf8)
    });
    let c_len = text[at..].chars().next().map_or(0, char::len_utf8);
    let end = text[at + c_len..]
        .find(char::is_whitespace)
        .map_or(text.len(), |p| at + c_len + p);
    let after = text[start..end].to_string();
    let before = format!("{}\\x{b:02X}{}", &text[start..at], &text[at + c_len..end]);
    Fix {
        rule: "decode.stray-byte".to_string(),
        line,
        before,
        after,
    }
}

fn binary(bytes: &[u8]) -> Error {
    let nul = memchr::memchr(0, bytes).unwrap_or(0);
    Error::Binary {
        reason: format!("NUL byte at offset {nul}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tld_from_url() {
        assert_eq!(
            tld_of_url("https://www.lemonde.fr/a/b?c").as_deref(),
            Some("fr")
        );
        assert_eq!(
            tld_of_url("http://user@x.co.jp:8080/").as_deref(),
            Some("jp")
        );
        assert_eq!(tld_of_url("localhost"), None);
        assert_eq!(tld_of_url("http://1.2.3.4/"), None);
    }

    #[test]
    fn stray_bytes_in_utf8_are_windows_1252() {
        let bytes = b"na\xc3\xafve caf\xe9 ok\nline two \x93quoted\x94";
        let d = decode(bytes, None).unwrap();
        assert_eq!(d.text, "naïve café ok\nline two “quoted”");
        assert_eq!(d.encoding, "UTF-8");
        assert_eq!(d.fixes.len(), 3);
        assert_eq!(d.fixes[0].before, "caf\\xE9");
        assert_eq!(d.fixes[0].after, "café");
        assert_eq!(d.fixes[1].line, 2);
    }

    #[test]
    fn utf8_input_is_borrowed() {
        let utf8 = "Un été à Paris.\n";
        let d = decode_borrowed(utf8.as_bytes(), None).unwrap();
        assert!(matches!(d.text, Cow::Borrowed(t) if t == utf8));
        assert_eq!(d.encoding, "UTF-8");
        let bom = decode_borrowed(b"\xef\xbb\xbfBOM", None).unwrap();
        assert_eq!((&*bom.text, bom.encoding), ("BOM", "UTF-8"));
        let latin = decode_borrowed(b"caf\xe9 cr\xe8me br\xfbl\xe9e", None).unwrap();
        assert_eq!(latin.text, "café crème brûlée");
        assert!(matches!(latin.text, Cow::Owned(_)));
    }

    #[test]
    fn utf16_without_bom_in_any_script() {
        for text in [
            "Правительство приняло новый закон.\n",
            "Η κυβέρνηση ενέκρινε νέο νόμο.\n",
            "政府通过了一项关于环境保护的新法律。\n2024年\n",
            "政府は新しい法律を可決した。\n",
            "وافقت الحكومة على قانون جديد.\n",
        ] {
            for (enc, name) in [(false, "UTF-16LE"), (true, "UTF-16BE")] {
                let bytes: Vec<u8> = text
                    .encode_utf16()
                    .flat_map(|u| {
                        if enc {
                            u.to_be_bytes()
                        } else {
                            u.to_le_bytes()
                        }
                    })
                    .collect();
                let d = decode(&bytes, None).unwrap();
                assert_eq!((d.text.as_str(), d.encoding), (text, name));
            }
        }
    }

    #[test]
    fn nul_bytes_are_binary() {
        assert!(matches!(
            decode(b"\x7fELF\x02\x01\x00\x00\xff\x00", None),
            Err(Error::Binary { .. })
        ));
    }
}
