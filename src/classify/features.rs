//! Per-line measurements the classifier reasons with: length, sentence punctuation,
//! headline shape and stop-word density.
//!
//! Everything here holds in any language: length is measured in "Latin character
//! equivalents" (a CJK or Hangul character counts double, as it carries about as
//! much as two Latin letters), and sentence ends include the CJK full stops.
//! Stop words are the one language-specific signal; the lists for English,
//! French, German and Spanish ship in `src/classify/stopwords/`.

use std::collections::HashSet;
use std::sync::LazyLock;

use super::masks::{LineMasks, Word, down3, first3, up3};

mod stops;

use stops::*;

/// A language with a shipped stop-word list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    /// English.
    En,
    /// French.
    Fr,
    /// German.
    De,
    /// Spanish.
    Es,
}

impl Lang {
    /// Every language with a stop-word list.
    pub const ALL: [Lang; 4] = [Lang::En, Lang::Fr, Lang::De, Lang::Es];

    /// The language's place in [`Lang::ALL`] (and its bit in stop-word bits).
    pub fn index(self) -> usize {
        self as usize
    }

    /// The ISO 639-1 code.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Fr => "fr",
            Lang::De => "de",
            Lang::Es => "es",
        }
    }

    /// The language's stop words (lower case).
    pub fn stop_words(self) -> &'static HashSet<&'static str> {
        static EN: LazyLock<HashSet<&str>> =
            LazyLock::new(|| set(include_str!("stopwords/en.txt")));
        static FR: LazyLock<HashSet<&str>> =
            LazyLock::new(|| set(include_str!("stopwords/fr.txt")));
        static DE: LazyLock<HashSet<&str>> =
            LazyLock::new(|| set(include_str!("stopwords/de.txt")));
        static ES: LazyLock<HashSet<&str>> =
            LazyLock::new(|| set(include_str!("stopwords/es.txt")));
        match self {
            Lang::En => &EN,
            Lang::Fr => &FR,
            Lang::De => &DE,
            Lang::Es => &ES,
        }
    }
}

fn set(list: &'static str) -> HashSet<&'static str> {
    list.lines()
        .map(str::trim)
        .filter(|w| !w.is_empty())
        .collect()
}

/// The shipped stop-word list of a language, as written in the file (for tests).
pub fn stop_word_file(lang: Lang) -> &'static str {
    match lang {
        Lang::En => include_str!("stopwords/en.txt"),
        Lang::Fr => include_str!("stopwords/fr.txt"),
        Lang::De => include_str!("stopwords/de.txt"),
        Lang::Es => include_str!("stopwords/es.txt"),
    }
}

/// Measurements of one line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Features {
    /// Length in Latin-character equivalents (CJK and Hangul count 2).
    pub weight: usize,
    /// Whitespace-separated words.
    pub words: usize,
    /// Ends like a sentence (`.`, `!`, `?`, `…`, `。`…, possibly before closing quotes
    /// or brackets).
    pub terminal: bool,
    /// Ends with a colon (introduces a list or a quote).
    pub colon: bool,
    /// Sentence ends inside the line (`. ` followed by more text).
    pub inner_stops: usize,
    /// Words holding a letter or a digit (punctuation-only tokens, like `|`
    /// or `—`, are not counted).
    pub alnum_words: usize,
    /// Stop words of each language of [`Lang::ALL`]: counted by
    /// [`measure_all`], not by [`measure_shape`].
    pub lang_stops: Option<[u32; 4]>,
    /// A link teaser flattened into one line: a headline glued to its summary
    /// without a space (`…Spots In DetroitHoodline crunched…`), or to the
    /// dateline its story opens with (`… from US NEW DELHI: Their American…`).
    pub glued_teaser: bool,
}

/// Finds a lower-case run of three or more letters glued to a capital that starts
/// a new word, 15 to 160 characters in, with no sentence end before it.
///
/// Only the first 161 characters are looked at (and the one after), through
/// bit masks of their bytes: when they are ASCII, the masks answer; otherwise
/// they rule out most lines, and the rest are read character by character
/// ([`glued_teaser_chars`]).
fn glued_teaser(t: &str, masks: &LineMasks) -> bool {
    let m = masks.head();
    let ascii = m.high == [0; 3];
    let or = |a: [u64; 3], b: [u64; 3]| [a[0] | b[0], a[1] | b[1], a[2] | b[2]];
    let and = |a: [u64; 3], b: [u64; 3]| [a[0] & b[0], a[1] & b[1], a[2] & b[2]];
    // Any byte of a non-ASCII character may belong to a lower-case letter,
    // and a lead byte may start a capital.
    let (upper, lower) = if ascii {
        (m.upper, m.lower)
    } else {
        (or(m.upper, m.upper_leads), or(m.lower, m.high))
    };
    // A capital 15 to 160 bytes in, after three lower-case letters and
    // before a fourth.
    let mut glued = and(upper, and(down3(lower, 1), bits3(15, 160)));
    for n in 1..=3 {
        glued = and(glued, up3(lower, n));
    }
    if !ascii {
        return glued != [0; 3] && glued_teaser_chars(t);
    }
    let stops = and(m.marks, and(down3(m.spaces, 1), bits3(0, 160)));
    first3(glued).is_some_and(|g| first3(stops).is_none_or(|s| g < s))
}

/// Finds a headline glued to the dateline its story opens with: a run of one
/// to four capitalised words holding five capitals or more, after a word that
/// is not capitalised and 15 to 200 bytes in, with a colon and a capital after
/// it and no sentence end before it (`… in US NEW YORK: An Indian-origin
/// man…`). A dateline opens a story; one inside a line is a teaser's.
fn glued_dateline(t: &str) -> bool {
    let b = t.as_bytes();
    memchr::memchr_iter(b':', &b[..b.len().min(200)]).any(|colon| {
        let after = t[colon + 1..].strip_prefix(' ').unwrap_or(&t[colon + 1..]);
        let mut next = after.chars();
        let opens = match (next.next(), next.next()) {
            (Some(c), Some(n)) if c.is_ascii_uppercase() => n.is_ascii_lowercase() || n == ' ',
            (Some('"' | '\u{201c}'), Some(c)) => c.is_ascii_uppercase(),
            _ => false,
        };
        opens
            && dateline_start(t, colon)
                .is_some_and(|start| start >= 15 && !sentence_end_in(&t[..start]))
    })
}

/// Where the run of capitalised words that ends at byte `end` of `t` starts
/// (see [`glued_dateline`]): the space before it, when the run holds five
/// capitals or more and follows a word that is not capitalised.
fn dateline_start(t: &str, end: usize) -> Option<usize> {
    let b = t.as_bytes();
    let in_word = |c: u8| c.is_ascii_uppercase() || matches!(c, b'.' | b'&' | b'\'' | b'-');
    let (mut i, mut capitals) = (end, 0);
    for _ in 0..4 {
        let mut j = i;
        while j > 0 && in_word(b[j - 1]) {
            j -= 1;
        }
        if i - j < 2 || !b[j].is_ascii_uppercase() {
            return None;
        }
        capitals += b[j..i].iter().filter(|c| c.is_ascii_uppercase()).count();
        // The space before the word, after a comma maybe.
        let space = j.checked_sub(1).filter(|&s| b[s] == b' ')?;
        let gap = if space > 0 && b[space - 1] == b',' {
            space - 1
        } else {
            space
        };
        if gap > 0 && b[gap - 1].is_ascii_uppercase() {
            i = gap;
            continue;
        }
        // The end of the word before the run: lower case, a digit or a
        // closing mark.
        let last = t[..gap].chars().next_back()?;
        let plain = last.is_lowercase()
            || last.is_ascii_digit()
            || matches!(last, ',' | ')' | '\'' | '"' | '\u{2019}' | '\u{201d}');
        return (plain && capitals >= 5).then_some(space);
    }
    None
}

/// Whether `t` holds a sentence end: `.`, `!` or `?`, closing marks maybe,
/// then a space.
fn sentence_end_in(t: &str) -> bool {
    t.match_indices(['.', '!', '?'])
        .any(|(k, _)| t[k + 1..].trim_start_matches(is_closer).starts_with(' '))
}

/// Bits `lo..=hi` (below 192) of a three-block mask.
fn bits3(lo: usize, hi: usize) -> [u64; 3] {
    std::array::from_fn(|k| {
        let (start, end) = (64 * k, 64 * k + 64);
        let (a, b) = (
            lo.clamp(start, end) - start,
            (hi + 1).clamp(start, end) - start,
        );
        if b == a {
            0
        } else {
            (u64::MAX >> (64 - (b - a))) << a
        }
    })
}

/// [`glued_teaser`], character by character.
fn glued_teaser_chars(t: &str) -> bool {
    let mut lower_run = 0usize;
    for (i, c) in t.char_indices() {
        if i > 160 {
            break;
        }
        if is_stop(c) && i + 1 < t.len() && t[i + c.len_utf8()..].starts_with(' ') {
            return false;
        }
        if c.is_uppercase() {
            if lower_run >= 3 && i >= 15 {
                let rest = &t[i + c.len_utf8()..];
                if rest.chars().next().is_some_and(char::is_lowercase) {
                    return true;
                }
            }
            lower_run = 0;
        } else if c.is_lowercase() {
            lower_run += 1;
        } else {
            lower_run = 0;
        }
    }
    false
}

fn is_wide(c: char) -> bool {
    // Most text never reaches the ranges: one comparison rules it out.
    (c as u32) >= 0x1100
        && matches!(c as u32,
        0x1100..=0x11FF | 0x2E80..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF)
}

fn is_closer(c: char) -> bool {
    matches!(
        c,
        '"' | '”' | '’' | '\'' | '»' | ')' | ']' | '*' | '」' | '』' | '）'
    )
}

fn is_stop(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '…' | '。' | '！' | '？' | '।' | '؟')
}

/// Lower-cases `word` into `buf` (reused between calls) with punctuation trimmed
/// (the plain way, for the reference measure in the tests).
#[cfg(test)]
fn lower_word<'b>(word: &str, buf: &'b mut String) -> &'b str {
    buf.clear();
    if word.is_ascii() {
        // The common case, without Unicode tables.
        let w = word.trim_matches(|c: char| !c.is_ascii_alphanumeric());
        buf.push_str(w);
        buf.make_ascii_lowercase();
        return buf.as_str();
    }
    let w = word.trim_matches(|c: char| !c.is_alphanumeric());
    for c in w.chars() {
        buf.extend(c.to_lowercase());
    }
    buf.as_str()
}

/// Scratch space of the measures, kept from line to line so that measuring
/// allocates nothing once it has grown.
#[derive(Debug, Default, Clone)]
pub struct Scratch {
    masks: LineMasks,
    buf: String,
}

/// Measures `text`, all but its stop words ([`Features::lang_stops`] is
/// `None`): what the rules and the line scores need of every line.
pub fn measure_shape(text: &str, s: &mut Scratch) -> Features {
    let t = crate::text::trim(text);
    let mut f = Features::default();
    if t.is_empty() {
        return f;
    }
    s.masks.fill(t);
    let m = &s.masks;
    f.words = m.words();
    f.alnum_words = m.ascii_alnum_words();
    let bytes = t.as_bytes();
    f.inner_stops = inner_stops(t, m.mark_starts());
    if m.any_high() {
        f.weight = weight(bytes, m);
        // Words without an ASCII letter or digit but with other characters
        // (`à`, `—`, `«»`) are decoded to tell.
        if m.alnum_or_high_words() > f.alnum_words {
            m.for_each_word(|a, b| {
                if !m.has_alnum(a, b) && m.has_high(a, b) {
                    f.alnum_words += usize::from(t[a..b].chars().any(is_alphanumeric));
                }
                true
            });
        }
    } else {
        // Every character weighs 1.
        f.weight = t.len();
    }
    line_end(t, &mut f);
    f.glued_teaser = f.weight >= 60 && (glued_teaser(t, m) || glued_dateline(t));
    f
}

/// Measures `text` with stop words counted for every language
/// ([`Features::lang_stops`]), for the document's language guess
/// ([`lang_of`]).
pub fn measure_all(text: &str, s: &mut Scratch) -> Features {
    let mut f = measure_shape(text, s);
    // The four counts, in 32-bit lanes of one number: a word adds its
    // language bits spread over the lanes (no line has 2^32 words).
    let mut lanes = 0u128;
    if f.words > 0 {
        let t = crate::text::trim(text);
        let Scratch { masks, buf } = s;
        let table = &*STOPS;
        masks.for_each_word_bits(|w| {
            lanes += SPREAD[usize::from(word_stop_bits(table, t, w, buf) & 0xF)];
            true
        });
    }
    f.lang_stops = Some(std::array::from_fn(|i| (lanes >> (32 * i)) as u32));
    f
}

/// Four language bits spread over four 32-bit lanes: bit `i` of the index
/// is 1 in lane `i`.
const SPREAD: [u128; 16] = {
    let mut t = [0u128; 16];
    let mut k = 0;
    while k < 16 {
        let mut i = 0;
        while i < 4 {
            t[k] |= ((k as u128 >> i) & 1) << (32 * i);
            i += 1;
        }
        k += 1;
    }
    t
};

/// The stop-word bits of the word `w` of `t`.
#[inline(always)]
fn word_stop_bits(table: &StopTable, t: &str, w: Word, buf: &mut String) -> u8 {
    let len = w.end - w.start;
    if len <= 16 && w.high == 0 {
        // An ASCII word: trimmed to its letters and digits by its mask and
        // looked up in place.
        if w.alnum == 0 {
            return 0;
        }
        let first = w.alnum.trailing_zeros() as usize;
        let last = 63 - w.alnum.leading_zeros() as usize;
        return table.get_ascii_in(t.as_bytes(), w.start + first, w.start + last + 1);
    }
    other_word_stop_bits(table, t, w, buf)
}

/// [`word_stop_bits`] of a word that is long or not ASCII: apart, so that the
/// common case inlines into the word loop.
#[inline(never)]
fn other_word_stop_bits(table: &StopTable, t: &str, w: Word, buf: &mut String) -> u8 {
    let word = &t[w.start..w.end];
    if let Some(bits) = table.latin1_word_bits(word.as_bytes()) {
        return bits;
    }
    // A letter or digit beyond Latin-1 stays in the trimmed word, and
    // lower-cases beyond Latin-1 (but for the four of `folds_into_latin1`):
    // no stop word has one. This rules out most words of other scripts after
    // a character or two.
    if word
        .chars()
        .any(|c| c > '\u{ff}' && !folds_into_latin1(c) && is_alphanumeric(c))
    {
        return 0;
    }
    stop_bits(word, buf)
}

/// The characters beyond Latin-1 whose lower case is within it: the Kelvin
/// sign, the Angstrom sign, the capital sharp s and `Ÿ`.
fn folds_into_latin1(c: char) -> bool {
    matches!(c, '\u{212a}' | '\u{212b}' | '\u{1e9e}' | '\u{178}')
}

/// Whether at least `share` of the words of `text` (measured as `f`) are stop
/// words of `lang`. Counted by [`measure_all`], the answer is read off
/// `f.lang_stops`; otherwise the words are looked up only until the share is
/// reached.
pub fn stop_share_reaches(
    text: &str,
    f: &Features,
    lang: Lang,
    share: f32,
    s: &mut Scratch,
) -> bool {
    stop_share(text, f, lang, share, s, true)
}

/// [`stop_share_reaches`]; the masks in `s` are filled from `text` first when
/// `fill`, else they must be of `text` already (right after [`measure_shape`]
/// of `text` with `s`).
pub(super) fn stop_share(
    text: &str,
    f: &Features,
    lang: Lang,
    share: f32,
    s: &mut Scratch,
    fill: bool,
) -> bool {
    let li = lang.index();
    let words = f.words as f32;
    let reaches = |k: usize| f.words > 0 && k as f32 / words >= share;
    if let Some(counts) = f.lang_stops {
        return reaches(counts[li] as usize);
    }
    if f.words == 0 {
        return 0.0 >= share;
    }
    // The fewest stop words that reach the share.
    let mut need = (f64::from(share) * f.words as f64).floor() as usize;
    while need > 0 && reaches(need - 1) {
        need -= 1;
    }
    while need <= f.words && !reaches(need) {
        need += 1;
    }
    if need == 0 {
        return true;
    }
    let t = crate::text::trim(text);
    let Scratch { masks, buf } = s;
    let table = &*STOPS;
    if fill {
        masks.fill(t);
    }
    let mut n = 0;
    masks.for_each_word_bits(|w| {
        n += usize::from(word_stop_bits(table, t, w, buf) >> li & 1);
        n < need
    });
    n >= need
}

/// Sets what the end of the trimmed line `t` says (`terminal`, `colon`).
fn line_end(t: &str, f: &mut Features) {
    if let Some(&b) = t.as_bytes().last()
        && b.is_ascii_graphic()
        && !is_closer(char::from(b))
    {
        // The common case: the last character, neither a closer nor a space,
        // is the one that tells.
        f.terminal = is_stop(char::from(b));
        f.colon = b == b':';
        return;
    }
    let end = t.trim_end_matches(|c: char| is_closer(c) || c.is_whitespace());
    let last = end.chars().next_back();
    f.terminal = last.is_some_and(is_stop)
        || (end.len() < t.len() && t.ends_with(')') && last.is_some_and(char::is_alphanumeric));
    f.colon = matches!(last, Some(':') | Some('：'));
}

/// The weight of UTF-8 `bytes` (masks `m`): one per character, two for a
/// wide one. Every wide character takes three bytes, led by 0xE1 to 0xEF: only
/// those are decoded.
fn weight(bytes: &[u8], m: &LineMasks) -> usize {
    let mut wide = 0;
    for i in m.wide_leads() {
        let cp = (u32::from(bytes[i] & 0x0F) << 12)
            | (u32::from(bytes[i + 1] & 0x3F) << 6)
            | u32::from(bytes[i + 2] & 0x3F);
        wide += usize::from(char::from_u32(cp).is_some_and(is_wide));
    }
    m.chars(bytes.len()) + wide
}

/// Sentence ends inside a line: a space after a sentence mark (`.`, `!`, `?`,
/// `…`, `。`, `！`, `？`, `।` or `؟`), with closers (quotes, brackets, `*`)
/// between. `starts` are the positions of the bytes that may start a mark
/// (the `marks` of [`LineMasks`]), in order: only
/// they are looked at closely.
fn inner_stops(t: &str, starts: impl Iterator<Item = usize>) -> usize {
    let bytes = t.as_bytes();
    let mut n = 0;
    let mut next = 0;
    for p in starts {
        if p < next {
            continue;
        }
        let mut chars = t[p..].chars();
        let Some(mark) = chars.next().filter(|&c| is_stop(c)) else {
            continue;
        };
        let mut k = p + mark.len_utf8();
        for c in chars {
            if !(is_stop(c) || is_closer(c)) {
                break;
            }
            k += c.len_utf8();
        }
        if bytes.get(k) == Some(&b' ') {
            n += 1;
        }
        next = k;
    }
    n
}

/// The words a language guess looks at: a thousand words tell the language as
/// well as the whole page does, at a fraction of the cost.
const LANG_WORDS: usize = 1000;

/// The document's language guess, fed one line at a time: [`lang_of`] in
/// steps, so that a caller knows the language as soon as the guess has read
/// all it reads.
#[derive(Debug, Default, Clone)]
pub struct LangGuess {
    hits: [usize; 4],
    words: usize,
}

impl LangGuess {
    /// Whether the guess reads the next line (which then needs its stop words
    /// counted, by [`measure_all`]).
    pub fn reading(&self) -> bool {
        self.words <= LANG_WORDS
    }

    /// Reads a line measured by [`measure_all`].
    pub fn add(&mut self, f: &Features) {
        self.words += f.words;
        debug_assert!(f.words == 0 || f.lang_stops.is_some(), "unmeasured stops");
        for (h, &n) in self.hits.iter_mut().zip(&f.lang_stops.unwrap_or_default()) {
            *h += n as usize;
        }
    }

    /// The language of the lines read: the one whose stop words are the most
    /// of their words, if at least 8 %.
    pub fn lang(&self) -> Option<Lang> {
        let (best, &n) = self.hits.iter().enumerate().max_by_key(|(_, n)| **n)?;
        (self.words > 0 && n * 100 >= self.words * 8).then_some(Lang::ALL[best])
    }
}

/// Guesses the document's language from its lines' measures, as [`detect_lang`]
/// does from their text.
pub fn lang_of<'a>(lines: impl Iterator<Item = &'a Features>) -> Option<Lang> {
    let mut guess = LangGuess::default();
    for f in lines {
        if !guess.reading() {
            break;
        }
        guess.add(f);
    }
    guess.lang()
}

/// Guesses the document's language from stop-word hits over its lines; `None`
/// when no shipped list covers at least 8 % of the words.
pub fn detect_lang<'a>(lines: impl Iterator<Item = &'a str>) -> Option<Lang> {
    let mut guess = LangGuess::default();
    let mut scratch = Scratch::default();
    for line in lines {
        if !guess.reading() {
            break;
        }
        guess.add(&measure_all(line, &mut scratch));
    }
    guess.lang()
}

impl Features {
    /// Looks like a headline or a link title: a few words, not a sentence
    /// followed by another, not ending in `.`, `:`, `;` or `,`.
    pub fn is_headline_shaped(&self, text: &str) -> bool {
        let t = text.trim_end();
        (15..=160).contains(&self.weight)
            && self.inner_stops == 0
            && !self.colon
            && !t.ends_with(['.', ';', ','])
            && (self.words >= 3 || self.weight >= 12)
    }
}

#[cfg(test)]
mod tests;
