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

/// Every shipped stop word, with a bit per language of [`Lang::ALL`] it belongs
/// to, in an open-addressing table hashed on lower-case bytes. An ASCII word is
/// looked up without being copied or lower-cased first: this runs for every word
/// of every line.
struct StopTable {
    /// Slots: (hash, word, language bits); an empty word marks a free slot.
    slots: Vec<(u64, &'static str, u8)>,
    mask: usize,
    /// The longest stop word, in bytes: longer words are never looked up.
    max_len: usize,
}

/// FNV-1a over the ASCII-lower-cased bytes of `word`.
fn word_hash(word: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in word {
        h = (h ^ u64::from(b.to_ascii_lowercase())).wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

impl StopTable {
    fn build() -> StopTable {
        let mut words: Vec<(&'static str, u8)> = Vec::new();
        for (i, lang) in Lang::ALL.iter().enumerate() {
            for &w in lang.stop_words() {
                match words.iter_mut().find(|(x, _)| *x == w) {
                    Some((_, bits)) => *bits |= 1 << i,
                    None => words.push((w, 1 << i)),
                }
            }
        }
        let size = (words.len() * 4).next_power_of_two();
        let mut slots = vec![(0u64, "", 0u8); size];
        let mask = size - 1;
        for (w, bits) in &words {
            let h = word_hash(w.as_bytes());
            let mut i = h as usize & mask;
            while !slots[i].1.is_empty() {
                i = (i + 1) & mask;
            }
            slots[i] = (h, w, *bits);
        }
        let max_len = words.iter().map(|(w, _)| w.len()).max().unwrap_or(0);
        StopTable {
            slots,
            mask,
            max_len,
        }
    }

    /// The bits of `word`, which is lower-case or (when `ascii`) ASCII in any case.
    fn get(&self, word: &[u8], ascii: bool) -> u8 {
        if word.is_empty() || word.len() > self.max_len {
            return 0;
        }
        let h = word_hash(word);
        let mut i = h as usize & self.mask;
        loop {
            let (sh, sw, bits) = self.slots[i];
            if sw.is_empty() {
                return 0;
            }
            if sh == h
                && (if ascii {
                    sw.as_bytes().eq_ignore_ascii_case(word)
                } else {
                    sw.as_bytes() == word
                })
            {
                return bits;
            }
            i = (i + 1) & self.mask;
        }
    }
}

static STOPS: LazyLock<StopTable> = LazyLock::new(StopTable::build);

/// The languages (bits over [`Lang::ALL`]) whose stop words include `word`
/// (as it appears in text: case and surrounding punctuation are ignored).
fn stop_bits(word: &str, buf: &mut String) -> u8 {
    let table = &*STOPS;
    if word.is_ascii() {
        let w = word.trim_matches(|c: char| !c.is_ascii_alphanumeric());
        return table.get(w.as_bytes(), true);
    }
    // A token far longer than any stop word is not one, even after its
    // surrounding punctuation is trimmed: skip lower-casing it.
    if word.len() > table.max_len * 2 + 8 {
        return 0;
    }
    let w = lower_word(word, buf);
    table.get(w.as_bytes(), false)
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
    /// Words that are stop words of the document's language.
    pub stops: usize,
    /// Words that are ASCII digits or contain digits (dates, counts, times).
    pub numeric: usize,
    /// Stop words of each language of [`Lang::ALL`] (from [`measure_all`]).
    pub lang_stops: [u32; 4],
    /// A link teaser flattened into one line: a headline glued to its summary
    /// without a space (`…Spots In DetroitHoodline crunched…`).
    pub glued_teaser: bool,
}

/// Finds a lower-case run of three or more letters glued to a capital that starts
/// a new word, 15 to 160 characters in, with no sentence end before it.
fn glued_teaser(t: &str) -> bool {
    // Only the first 161 characters are looked at (and the one after): when
    // they are ASCII, bytes will do, without Unicode case tables.
    let bytes = t.as_bytes();
    let head = &bytes[..bytes.len().min(162)];
    if head.is_ascii() {
        return glued_teaser_ascii(head);
    }
    let mut lower_run = 0usize;
    let mut prev_upper = false;
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
            prev_upper = true;
            lower_run = 0;
        } else if c.is_lowercase() {
            lower_run += 1;
            let _ = prev_upper;
            prev_upper = false;
        } else {
            lower_run = 0;
            prev_upper = false;
        }
    }
    false
}

/// [`glued_teaser`] on ASCII text, byte by byte.
fn glued_teaser_ascii(t: &[u8]) -> bool {
    let mut lower_run = 0usize;
    for (i, &c) in t.iter().enumerate() {
        if i > 160 {
            break;
        }
        if matches!(c, b'.' | b'!' | b'?') && t.get(i + 1) == Some(&b' ') {
            return false;
        }
        if c.is_ascii_uppercase() {
            if lower_run >= 3 && i >= 15 && t.get(i + 1).is_some_and(u8::is_ascii_lowercase) {
                return true;
            }
            lower_run = 0;
        } else if c.is_ascii_lowercase() {
            lower_run += 1;
        } else {
            lower_run = 0;
        }
    }
    false
}

fn is_wide(c: char) -> bool {
    matches!(c as u32,
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

/// Lower-cases `word` into `buf` (reused between calls) with punctuation trimmed.
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

/// Measures `text`; `stops` are counted against `lang` when given.
pub fn measure(text: &str, lang: Option<Lang>, buf: &mut String) -> Features {
    let mut f = measure_all(text, buf);
    f.set_lang(lang);
    f
}

/// Measures `text` with stop words counted for every language
/// ([`Features::lang_stops`]) and `stops` left at 0: one pass over the words
/// serves both the document's language guess ([`lang_of`]) and the line's
/// stop-word density ([`Features::set_lang`]).
pub fn measure_all(text: &str, buf: &mut String) -> Features {
    let t = text.trim();
    let mut f = Features::default();
    if t.is_empty() {
        return f;
    }
    let mut count_word = |w: &str, f: &mut Features| {
        f.words += 1;
        if w.bytes().any(|b| b.is_ascii_digit()) {
            f.numeric += 1;
        }
        let bits = stop_bits(w, buf);
        if bits != 0 {
            for (i, n) in f.lang_stops.iter_mut().enumerate() {
                *n += u32::from(bits >> i & 1);
            }
        }
    };
    if t.is_ascii() {
        // The common case, byte by byte: every character weighs 1.
        f.weight = t.len();
        let mut prev_stop = false;
        for &b in t.as_bytes() {
            if prev_stop && b == b' ' {
                f.inner_stops += 1;
            }
            prev_stop = matches!(b, b'.' | b'!' | b'?')
                || (prev_stop && matches!(b, b'"' | b'\'' | b')' | b']' | b'*'));
        }
        for w in t.split_ascii_whitespace() {
            count_word(w, &mut f);
        }
    } else {
        let mut prev_stop = false;
        for c in t.chars() {
            f.weight += if is_wide(c) { 2 } else { 1 };
            if prev_stop && c == ' ' {
                f.inner_stops += 1;
            }
            prev_stop = is_stop(c) || (prev_stop && is_closer(c));
        }
        for w in t.split_whitespace() {
            count_word(w, &mut f);
        }
    }
    let end = t.trim_end_matches(|c: char| is_closer(c) || c.is_whitespace());
    let last = end.chars().next_back();
    f.terminal = last.is_some_and(is_stop)
        || (end.len() < t.len() && t.ends_with(')') && last.is_some_and(char::is_alphanumeric));
    f.colon = matches!(last, Some(':') | Some('：'));
    f.glued_teaser = f.weight >= 60 && glued_teaser(t);
    f
}

/// The words a language guess looks at: a thousand words tell the language as
/// well as the whole page does, at a fraction of the cost.
const LANG_WORDS: usize = 1000;

/// Guesses the document's language from its lines' measures, as [`detect_lang`]
/// does from their text.
pub fn lang_of<'a>(lines: impl Iterator<Item = &'a Features>) -> Option<Lang> {
    let mut hits = [0usize; 4];
    let mut words = 0usize;
    for f in lines {
        words += f.words;
        for (h, &n) in hits.iter_mut().zip(&f.lang_stops) {
            *h += n as usize;
        }
        if words > LANG_WORDS {
            break;
        }
    }
    let (best, &n) = hits.iter().enumerate().max_by_key(|(_, n)| **n)?;
    (words > 0 && n * 100 >= words * 8).then_some(Lang::ALL[best])
}

/// Guesses the document's language from stop-word hits over its lines; `None`
/// when no shipped list covers at least 8 % of the words.
pub fn detect_lang<'a>(lines: impl Iterator<Item = &'a str>) -> Option<Lang> {
    let mut hits = [0usize; 4];
    let mut words = 0usize;
    let mut buf = String::new();
    for line in lines {
        for w in line.split_whitespace() {
            words += 1;
            let bits = stop_bits(w, &mut buf);
            for (i, hit) in hits.iter_mut().enumerate() {
                *hit += usize::from(bits >> i & 1);
            }
        }
        if words > LANG_WORDS {
            break;
        }
    }
    let (best, &n) = hits.iter().enumerate().max_by_key(|(_, n)| **n)?;
    (words > 0 && n * 100 >= words * 8).then_some(Lang::ALL[best])
}

impl Features {
    /// Sets `stops` to the stop words of `lang` (none when `None`).
    pub fn set_lang(&mut self, lang: Option<Lang>) {
        self.stops = lang.map_or(0, |l| {
            let i = Lang::ALL.iter().position(|&x| x == l).unwrap_or(0);
            self.lang_stops[i] as usize
        });
    }

    /// Share of the words that are stop words.
    pub fn stop_ratio(&self) -> f32 {
        if self.words == 0 {
            0.0
        } else {
            self.stops as f32 / self.words as f32
        }
    }

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
mod tests {
    use super::*;

    fn m(t: &str) -> Features {
        measure(t, Some(Lang::En), &mut String::new())
    }

    #[test]
    fn sentence_ends_behind_quotes_and_cjk_stops_are_terminal() {
        assert!(m("He said \"we will stay.\"").terminal);
        assert!(m("서울에서 회의가 열렸다。").terminal);
        assert!(!m("Share this article").terminal);
        assert!(m("See tweets :").colon);
    }

    #[test]
    fn glued_teasers_are_spotted_but_camel_case_names_early_are_not() {
        assert!(m("The 4 Best Vegan Spots In DetroitHoodline crunched the numbers to find the top vegan spots around Detroit.").glued_teaser);
        assert!(!m("YouTube said on Monday that it would remove the videos, which had been viewed millions of times.").glued_teaser);
        assert!(!m("The firm said. PlayStation sales rose sharply in the quarter, beating what analysts had expected.").glued_teaser);
    }

    #[test]
    fn wide_characters_weigh_double() {
        assert_eq!(m("abc").weight, 3);
        assert_eq!(m("한국어").weight, 6);
    }

    #[test]
    fn stop_words_are_counted_case_insensitively() {
        let f = m("The cat sat on the mat.");
        assert_eq!(f.stops, 3);
        assert_eq!(f.words, 6);
    }

    #[test]
    fn language_is_detected_from_stop_words() {
        let fr = "Le président a annoncé que les élections auront lieu dans un mois et que le gouvernement est prêt.";
        let de = "Der Minister hat gesagt, dass die Regierung nicht mit der Opposition sprechen wird und das ist neu.";
        let es = "El presidente dijo que las elecciones se celebrarán en un mes y que el gobierno está listo para ello.";
        assert_eq!(detect_lang([fr].into_iter()), Some(Lang::Fr));
        assert_eq!(detect_lang([de].into_iter()), Some(Lang::De));
        assert_eq!(detect_lang([es].into_iter()), Some(Lang::Es));
        assert_eq!(detect_lang(["서울에서 회의가 열렸다"].into_iter()), None);
    }

    #[test]
    fn stop_word_lists_are_sorted_lowercase_and_unique() {
        for lang in Lang::ALL {
            let words: Vec<&str> = stop_word_file(lang).lines().collect();
            for w in &words {
                assert_eq!(*w, w.to_lowercase(), "{}: {w}", lang.code());
            }
            let mut sorted = words.clone();
            sorted.sort_unstable();
            sorted.dedup();
            assert_eq!(
                words,
                sorted,
                "{} list must be sorted and unique",
                lang.code()
            );
        }
    }
}
