//! Stage 4: split repaired text into numbered lines.

/// One line of a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Line<'a> {
    /// 1-based line number in the decoded input.
    pub no: usize,
    /// The line's text, without its line break and trailing whitespace.
    pub text: &'a str,
}

impl Line<'_> {
    /// True when the line holds nothing but whitespace.
    pub fn is_blank(&self) -> bool {
        crate::text::trim(self.text).is_empty()
    }
}

/// Splits `text` into lines at `\n`; trailing whitespace (and so a `\r`) is trimmed.
pub fn lines(text: &str) -> Vec<Line<'_>> {
    let ends: Vec<usize> = memchr::memchr_iter(b'\n', text.as_bytes())
        .chain([text.len()])
        .collect();
    lines_ending_at(text, &ends)
}

/// [`lines`] when the line ends are known already: `ends` holds the byte
/// offset of each line's `\n` in `text`, then `text.len()` (as
/// [`crate::repair::Repaired::line_ends`] does).
pub fn lines_ending_at<'a>(text: &'a str, ends: &[usize]) -> Vec<Line<'a>> {
    let mut start = 0;
    ends.iter()
        .enumerate()
        .map(|(i, &end)| {
            let line = Line {
                no: i + 1,
                text: crate::text::trim_end(&text[start..end]),
            };
            start = end + 1;
            line
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_split_as_str_split_does() {
        for text in ["", "\n", "a", "a\nb", "a \r\n\n b\u{A0}\n", "é\n中\n\n"] {
            let want: Vec<Line<'_>> = text
                .split('\n')
                .enumerate()
                .map(|(i, l)| Line {
                    no: i + 1,
                    text: l.trim_end(),
                })
                .collect();
            assert_eq!(lines(text), want, "{text:?}");
        }
    }
}
