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
        self.text.trim().is_empty()
    }
}

/// Splits `text` into lines at `\n`; trailing whitespace (and so a `\r`) is trimmed.
pub fn lines(text: &str) -> Vec<Line<'_>> {
    text.split('\n')
        .enumerate()
        .map(|(i, l)| Line {
            no: i + 1,
            text: l.trim_end(),
        })
        .collect()
}
