//! Small string helpers that the stages share.

/// [`str::trim`], with a shortcut for the common line that starts and ends
/// with printable ASCII: nothing to trim, and no character decoded.
#[inline]
pub(crate) fn trim(text: &str) -> &str {
    match text.as_bytes() {
        [first, .., last] if first.is_ascii_graphic() && last.is_ascii_graphic() => text,
        [only] if only.is_ascii_graphic() => text,
        _ => text.trim(),
    }
}

/// [`str::trim_end`], with the shortcut of [`trim`].
#[inline]
pub(crate) fn trim_end(text: &str) -> &str {
    match text.as_bytes().last() {
        Some(last) if last.is_ascii_graphic() => text,
        _ => text.trim_end(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_as_str_does() {
        let ends = [
            "", "a", "é", " ", "\t", "\u{A0}", "\u{3000}", ".", "~", "\u{7f}",
        ];
        for a in ends {
            for b in ends {
                for mid in ["", "x", " y ", "中"] {
                    let s = format!("{a}{mid}{b}");
                    assert_eq!(trim(&s), s.trim(), "{s:?}");
                    assert_eq!(trim_end(&s), s.trim_end(), "{s:?}");
                }
            }
        }
    }
}
