//! Literal matching: the normal form of lines and phrases (`equals`,
//! `starts_with`, `contains`), word counting, and the search of a line for
//! literal rules. [`normalize`] is the definition: every shortcut here
//! ([`is_plain`], [`word_count`], [`alnum_words_at_most`]) must agree with it
//! or with `str::split_whitespace`, as the tests check.

use super::RuleSet;

/// Lower-cases and folds runs of whitespace to one space; trims both ends.
pub fn normalize(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    for word in line.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        if word.is_ascii() {
            let start = out.len();
            out.push_str(word);
            out[start..].make_ascii_lowercase();
        } else {
            for c in word.chars() {
                out.extend(c.to_lowercase());
            }
        }
    }
    out
}

/// [`normalize`], then strips trailing punctuation and arrows (`:`, `»`, `>`…).
pub(super) fn normalize_whole(line: &str) -> String {
    trim_whole(&normalize(line)).to_string()
}

/// Strips trailing punctuation and arrows from a normalised line.
pub(super) fn trim_whole(norm: &str) -> &str {
    norm.trim_end_matches(|c: char| {
        c.is_whitespace()
            || matches!(
                c,
                ':' | '.' | '!' | '»' | '›' | '>' | '|' | '-' | '–' | '—' | '…' | '→'
            )
    })
}

/// The number of whitespace-separated words of `line`, as
/// `line.split_whitespace().count()` counts them.
pub(super) fn word_count(line: &str) -> usize {
    let bytes = line.as_bytes();
    if !line.is_ascii() && has_unicode_space(bytes) {
        return line.split_whitespace().count();
    }
    // Only ASCII white space: a word starts at a non-space after a space.
    let Some(&first) = bytes.first() else {
        return 0;
    };
    let mut count = usize::from(!ascii_space(first));
    // Per block, a one-byte counter: a loop the compiler vectorises.
    for (a, b) in bytes.chunks(128).zip(bytes[1..].chunks(128)) {
        let mut starts = 0u8;
        for (&x, &y) in a.iter().zip(b) {
            starts += u8::from(ascii_space(x) & !ascii_space(y));
        }
        count += usize::from(starts);
    }
    count
}

/// Whether UTF-8 `bytes` hold a white space character outside ASCII (U+0085,
/// U+00A0, U+1680, U+2000..=U+200A, U+2028, U+2029, U+202F, U+205F, U+3000).
pub(super) fn has_unicode_space(bytes: &[u8]) -> bool {
    let unicode_space = memchr::memchr3_iter(0xC2, 0xE2, 0xE3, bytes).any(|i| {
        let rest = &bytes[i + 1..];
        match bytes[i] {
            0xC2 => matches!(rest, [0x85 | 0xA0, ..]),
            0xE2 => matches!(
                rest,
                [0x80, 0x80..=0x8A | 0xA8 | 0xA9 | 0xAF, ..] | [0x81, 0x9F, ..]
            ),
            _ => matches!(rest, [0x80, 0x80, ..]),
        }
    });
    unicode_space || memchr::memmem::find(bytes, "\u{1680}".as_bytes()).is_some()
}

/// ASCII white space, as `char::is_whitespace` has it.
pub(super) fn ascii_space(b: u8) -> bool {
    b == b' ' || (b'\t'..=b'\r').contains(&b)
}

/// The line, ASCII-lower-cased on first use into a reused buffer.
pub(super) struct Lowered<'a> {
    line: &'a str,
    buf: &'a mut String,
    done: bool,
}

impl<'a> Lowered<'a> {
    pub(super) fn new(line: &'a str, buf: &'a mut String) -> Self {
        Lowered {
            line,
            buf,
            done: false,
        }
    }

    pub(super) fn get(&mut self) -> &str {
        if !self.done {
            self.buf.clear();
            self.buf.push_str(self.line);
            self.buf.make_ascii_lowercase();
            self.done = true;
        }
        self.buf
    }
}

/// Whether `text` has at most `max` words holding a letter or digit
/// (punctuation-only tokens do not count); stops counting past `max`.
pub(super) fn alnum_words_at_most(text: &str, max: usize) -> bool {
    // Byte by byte while the line is ASCII (no scan of the whole line first:
    // the count usually passes `max` within the first words).
    let mut count = 0;
    let mut in_word = false;
    let mut alnum = false;
    for &b in text.as_bytes() {
        if b >= 0x80 {
            return text
                .split_whitespace()
                .filter(|w| w.chars().any(char::is_alphanumeric))
                .nth(max)
                .is_none();
        }
        if ascii_space(b) {
            count += usize::from(in_word && alnum);
            in_word = false;
            alnum = false;
            if count > max {
                return false;
            }
        } else {
            in_word = true;
            alnum |= b.is_ascii_alphanumeric();
        }
    }
    count += usize::from(in_word && alnum);
    count <= max
}

/// Whether `line` is ASCII with single spaces and no other whitespace: its
/// own normal form ([`normalize`]) but for case. One pass, a word at a time.
pub(super) fn is_plain(line: &[u8]) -> bool {
    const ONES: u64 = u64::MAX / 0xFF;
    const HIGH: u64 = ONES * 0x80;
    // Whether the byte after a chunk's last one makes a double space with it.
    let mut space_before = false;
    let mut chunks = line.chunks_exact(8);
    for c in chunks.by_ref() {
        let x = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
        if x & HIGH != 0 {
            return false;
        }
        // Bytes 0x09 to 0x0D (tab to carriage return): below 0x0E but not
        // below 0x09, as every byte is below 0x80.
        let low = (x + ONES * (0x80 - 0x09)) & !(x + ONES * (0x80 - 0x0E)) & HIGH;
        let sp = x ^ (ONES * u64::from(b' '));
        // Spaces: bytes of `sp` that are 0.
        let spaces = !(((sp & !HIGH) + !HIGH) | sp) & HIGH;
        if low != 0 || spaces & (spaces >> 8) != 0 || (space_before && spaces & 0x80 != 0) {
            return false;
        }
        space_before = spaces >> 63 != 0;
    }
    for &b in chunks.remainder() {
        if b >= 0x80 || (0x09..=0x0D).contains(&b) || (space_before && b == b' ') {
            return false;
        }
        space_before = b == b' ';
    }
    true
}

impl RuleSet {
    /// Calls `hit` with each literal (`equals`, `starts_with`, `contains`) rule
    /// that matches `line` (trimmed, not empty) within its word bounds, in no
    /// particular order, possibly more than once.
    pub(super) fn literal_hits(
        &self,
        line: &str,
        (words, alnum): (usize, Option<usize>),
        lower: &mut Lowered,
        mut hit: impl FnMut(usize),
    ) {
        let need_equals = !self.equals.is_empty()
            && (words <= self.equals_max_words
                || match alnum {
                    Some(n) => n <= self.equals_max_words,
                    None => alnum_words_at_most(line, self.equals_max_words),
                });
        let need_phrases = !self.literal_rule.is_empty();
        if !need_equals && !need_phrases {
            return;
        }
        // An ASCII line with single spaces is its own normal form but for case,
        // which the phrase automaton ignores.
        let plain = is_plain(line.as_bytes());
        let norm = (!plain).then(|| normalize(line));
        if need_equals {
            let whole = match &norm {
                Some(n) => trim_whole(n),
                None => trim_whole(lower.get()),
            };
            if let Some(v) = self.equals.get(whole) {
                v.iter()
                    .copied()
                    .filter(|&i| self.fits(i, words))
                    .for_each(&mut hit);
            }
        }
        if need_phrases {
            let hay = norm.as_deref().unwrap_or(line);
            for m in self.literals.find_overlapping_iter(hay) {
                let (rule, anchored) = self.literal_rule[m.pattern().as_usize()];
                if (!anchored || m.start() == 0) && self.fits(rule, words) {
                    hit(rule);
                }
            }
        }
    }
}
