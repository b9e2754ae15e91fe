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

/// [`char::is_alphabetic`], answered without Unicode tables for ASCII, for
/// the scripts most web text is in (Latin, Cyrillic, CJK ideographs, kana,
/// Hangul) and for the punctuation that most often sits among their words.
#[inline]
pub(crate) fn is_alphabetic(c: char) -> bool {
    match c as u32 {
        0..=0x7F => c.is_ascii_alphabetic(),
        // Latin-1 letters and Latin Extended-A and B: all letters, but × and ÷.
        0xC0..=0x24F => c != '\u{d7}' && c != '\u{f7}',
        // Cyrillic letters (not the thousands sign and combining marks).
        0x400..=0x481 | 0x48A..=0x52F => true,
        // Hiragana, katakana, CJK ideographs, Hangul syllables.
        0x3041..=0x3096 | 0x30A1..=0x30FA | 0x4E00..=0x9FFF | 0xAC00..=0xD7A3 => true,
        // No-break space, Latin-1 punctuation, dashes, quotes, bullets.
        0xA0..=0xA9 | 0xAB..=0xB4 | 0xB6..=0xB9 | 0xBB..=0xBF | 0x2010..=0x2027 => false,
        _ => c.is_alphabetic(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_alphabetic_shortcuts_agree_with_unicode() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            assert_eq!(
                is_alphabetic(c),
                c.is_alphabetic(),
                "{c:?} U+{:04X}",
                c as u32
            );
        }
    }

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
