//! HTML character references in text that is not HTML: `&eacute;`, `&#233;`,
//! `&#xE9;`. Only references that end in `;` are decoded, and numeric references in
//! the range 0x80–0x9F are read as windows-1252 (`&#146;` is `’`), as browsers do.

use super::entity_table::ENTITIES;
use super::pages::{self, W1252};

/// Whether `text` looks like HTML (a tag such as `<p>`, `<a href=…>`, `</div>`,
/// `<!--`, closed by a `>` after it): then references are left alone, since they
/// are the markup's own business.
pub fn looks_like_html(text: &str) -> bool {
    let bytes = text.as_bytes();
    memchr::memchr_iter(b'<', bytes).any(|i| {
        bytes
            .get(i + 1)
            .is_some_and(|&b| b.is_ascii_alphabetic() || b == b'/' || b == b'!')
            && memchr::memchr(b'>', &bytes[i + 1..]).is_some()
    })
}

/// The character(s) a reference body (between `&` and `;`) stands for.
fn resolve(body: &str) -> Option<String> {
    if let Some(num) = body.strip_prefix('#') {
        let n = match num.strip_prefix(['x', 'X']) {
            Some(hex) if !hex.is_empty() && hex.len() <= 6 => u32::from_str_radix(hex, 16).ok()?,
            None if !num.is_empty()
                && num.len() <= 7
                && num.bytes().all(|b| b.is_ascii_digit()) =>
            {
                num.parse().ok()?
            }
            _ => return None,
        };
        if (0x80..=0x9F).contains(&n) {
            return Some(pages::decode_byte(n as u8, W1252).to_string());
        }
        let c = char::from_u32(n)?;
        if c == '\0' {
            return None;
        }
        return Some(c.to_string());
    }
    ENTITIES
        .binary_search_by(|(name, _)| name.cmp(&body))
        .ok()
        .map(|i| ENTITIES[i].1.to_string())
}

/// Decodes the references in `line`; `None` when there are none.
pub fn unescape(line: &str) -> Option<String> {
    if !line.contains('&') {
        return None;
    }
    let mut out = String::with_capacity(line.len());
    let mut changed = false;
    let mut rest = line;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let body_len = after
            .bytes()
            .take(33)
            .position(|b| !(b.is_ascii_alphanumeric() || b == b'#'));
        if let Some(n) = body_len
            && n > 0
            && after.as_bytes()[n] == b';'
            && let Some(text) = resolve(&after[..n])
        {
            out.push_str(&text);
            changed = true;
            rest = &after[n + 1..];
        } else {
            out.push('&');
            rest = after;
        }
    }
    out.push_str(rest);
    changed.then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_numeric_and_c1_references() {
        assert_eq!(
            unescape("caf&eacute; &#233; &#xE9; &#146;").as_deref(),
            Some("café é é ’")
        );
    }

    #[test]
    fn needs_the_semicolon() {
        assert_eq!(unescape("AT&T and &eacute without"), None);
        assert_eq!(unescape("&nosuchentity; &#0;"), None);
    }

    #[test]
    fn html_is_recognised() {
        assert!(looks_like_html("<p>x &amp; y</p>"));
        assert!(!looks_like_html("a < b &amp; c"));
    }
}
