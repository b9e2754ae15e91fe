//! Stage 2: bytes of any encoding to text.
//!
//! Order of evidence: a byte-order mark; valid UTF-8; otherwise a guess by
//! `chardetng`, decoded with `encoding_rs`. Bytes that look binary (NUL bytes
//! outside UTF-16) are refused with [`Error::Binary`].

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

/// Decodes `bytes`. `tld_hint` is the top-level domain of the page's URL
/// (`"fr"`, `"jp"`), when known, to help guess legacy encodings.
pub fn decode(bytes: &[u8], tld_hint: Option<&str>) -> Result<Decoded> {
    if let Some((enc, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, _) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        return Ok(Decoded {
            text: text.into_owned(),
            encoding: enc.name(),
            fixes: Vec::new(),
        });
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        if text.contains('\0') {
            return Err(binary(bytes));
        }
        return Ok(Decoded {
            text: text.to_owned(),
            encoding: "UTF-8",
            fixes: Vec::new(),
        });
    }
    if memchr::memchr(0, bytes).is_some() {
        return Err(binary(bytes));
    }
    let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Allow);
    det.feed(bytes, true);
    let tld = tld_hint.map(str::as_bytes);
    let enc = det.guess(tld, chardetng::Utf8Detection::Allow);
    let (text, _, _) = enc.decode(bytes);
    Ok(Decoded {
        text: text.into_owned(),
        encoding: enc.name(),
        fixes: Vec::new(),
    })
}

fn binary(bytes: &[u8]) -> Error {
    let nul = memchr::memchr(0, bytes).unwrap_or(0);
    Error::Binary {
        reason: format!("NUL byte at offset {nul}"),
    }
}
