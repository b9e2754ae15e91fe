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
/// to, in a small open-addressing table keyed on the word's lower-cased bytes
/// packed into a `u128` (no stop word is longer than 16 bytes). A lookup is one
/// 16-byte lower-casing, a multiply and, nearly always, one probe of a table
/// that stays in the L1 cache: this runs for every word of every line.
struct StopTable {
    /// Slot keys; 0 marks a free slot (no word packs to 0).
    keys: Vec<u128>,
    /// Language bits of the word in the slot of the same index.
    bits: Vec<u8>,
    /// `64 - log2(slots)`: the hash's top bits pick the slot.
    shift: u32,
    /// The longest stop word, in bytes: longer words are never looked up.
    max_len: usize,
}

/// The bytes of `word` (at most 16), ASCII-lower-cased and zero-padded.
#[inline]
fn pack(word: &[u8]) -> u128 {
    let mut k = [0u8; 16];
    for (k, b) in k.iter_mut().zip(word) {
        *k = b.to_ascii_lowercase();
    }
    u128::from_le_bytes(k)
}

/// ASCII-lower-cases the 16 bytes packed in `x`, which are all ASCII: the
/// bytes from `A` to `Z` get the `0x20` bit, in a few word-wide operations.
#[inline]
fn ascii_lower(x: u128) -> u128 {
    const ONES: u128 = u128::MAX / 0xFF;
    // The high bit of each byte: set when the byte is >= 'A', and when >= '['.
    // No byte carries into the next, as every byte is below 0x80.
    let ge_a = x + ONES * (0x80 - u128::from(b'A'));
    let ge_after_z = x + ONES * (0x80 - u128::from(b'Z' + 1));
    let upper = ge_a & !ge_after_z & (ONES * 0x80);
    x | (upper >> 2)
}

#[inline]
fn key_hash(key: u128) -> u64 {
    let (lo, hi) = (key as u64, (key >> 64) as u64);
    (lo ^ hi.rotate_left(29)).wrapping_mul(0x9e37_79b9_7f4a_7c15)
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
        let max_len = words.iter().map(|(w, _)| w.len()).max().unwrap_or(0);
        assert!(max_len <= 16, "a stop word longer than 16 bytes");
        let size = (words.len() * 4).next_power_of_two().max(16);
        let shift = 64 - size.trailing_zeros();
        let mut keys = vec![0u128; size];
        let mut bits = vec![0u8; size];
        for (w, b) in &words {
            let key = pack(w.as_bytes());
            let mut i = (key_hash(key) >> shift) as usize;
            while keys[i] != 0 {
                i = (i + 1) & (size - 1);
            }
            keys[i] = key;
            bits[i] = *b;
        }
        StopTable {
            keys,
            bits,
            shift,
            max_len,
        }
    }

    /// The bits of `word`: lower case, or ASCII in any case.
    #[inline]
    fn get(&self, word: &[u8]) -> u8 {
        if word.is_empty() || word.len() > self.max_len {
            return 0;
        }
        self.probe(pack(word))
    }

    /// [`StopTable::get`] for the ASCII word `hay[start..end]`.
    #[inline]
    fn get_ascii_in(&self, hay: &[u8], start: usize, end: usize) -> u8 {
        let len = end - start;
        if len == 0 || len > self.max_len {
            return 0;
        }
        match hay.get(start..start + 16) {
            // Sixteen bytes to read in place: load them, keep the word's.
            Some(chunk) => {
                let mut k = [0u8; 16];
                k.copy_from_slice(chunk);
                let x = u128::from_le_bytes(k) & (u128::MAX >> (8 * (16 - len)));
                self.probe(ascii_lower(x))
            }
            None => self.probe(pack(&hay[start..end])),
        }
    }

    #[inline]
    fn probe(&self, key: u128) -> u8 {
        let mask = self.keys.len() - 1;
        let mut i = (key_hash(key) >> self.shift) as usize;
        loop {
            let k = self.keys[i];
            if k == key {
                return self.bits[i];
            }
            if k == 0 {
                return 0;
            }
            i = (i + 1) & mask;
        }
    }
}

static STOPS: LazyLock<StopTable> = LazyLock::new(StopTable::build);

/// The languages (bits over [`Lang::ALL`]) whose stop words include `word`
/// (as it appears in text: case and surrounding punctuation are ignored).
fn stop_bits(word: &str, buf: &mut String) -> u8 {
    let table = &*STOPS;
    if word.is_ascii() {
        return table.get(trim_ascii_word(word.as_bytes()));
    }
    stop_bits_core(word.trim_matches(|c: char| !is_alphanumeric(c)), buf)
}

/// [`stop_bits`] for a non-ASCII word already trimmed to its alphanumeric core.
fn stop_bits_core(w: &str, buf: &mut String) -> u8 {
    let table = &*STOPS;
    // Lower-casing never shortens a character of one or two bytes, and one of
    // three bytes (like the Kelvin sign) to no less than one: a word that stays
    // too long for the table even so is not a stop word, and is not lower-cased.
    let three_byte = w.bytes().filter(|&b| b >= 0xE0).count();
    if w.len().saturating_sub(2 * three_byte) > table.max_len {
        return 0;
    }
    buf.clear();
    for c in w.chars() {
        push_lower(c, buf);
        if buf.len() > table.max_len {
            return 0;
        }
    }
    table.get(buf.as_bytes())
}

/// Pushes `c` lower-cased, as [`char::to_lowercase`] does, without its tables
/// for ASCII and Latin-1.
#[inline]
fn push_lower(c: char, buf: &mut String) {
    match c {
        '\0'..='\u{7f}' => buf.push(c.to_ascii_lowercase()),
        // À to Þ but ×: the lower-case letter is 0x20 above.
        '\u{c0}'..='\u{de}' if c != '\u{d7}' => {
            buf.push(char::from_u32(c as u32 + 0x20).unwrap_or(c));
        }
        '\u{80}'..='\u{ff}' => buf.push(c),
        // Scripts without case: CJK ideographs and Hangul syllables.
        '\u{4e00}'..='\u{9fff}' | '\u{ac00}'..='\u{d7a3}' => buf.push(c),
        _ => buf.extend(c.to_lowercase()),
    }
}

/// [`char::is_alphanumeric`], answered without Unicode tables for ASCII and
/// for the punctuation that most often sits around words.
#[inline]
fn is_alphanumeric(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    // Latin-1 letters and Latin Extended-A and B: all letters, but × and ÷.
    if ('\u{c0}'..='\u{24f}').contains(&c) {
        return c != '\u{d7}' && c != '\u{f7}';
    }
    // CJK ideographs and Hangul syllables: letters.
    if ('\u{4e00}'..='\u{9fff}').contains(&c) || ('\u{ac00}'..='\u{d7a3}').contains(&c) {
        return true;
    }
    if matches!(
        c,
        '\u{a0}'
            | '«'
            | '»'
            | '‘'
            | '’'
            | '‚'
            | '“'
            | '”'
            | '„'
            | '–'
            | '—'
            | '…'
            | '¿'
            | '¡'
            | '·'
    ) {
        return false;
    }
    c.is_alphanumeric()
}

/// `word` without the non-alphanumeric bytes at either end.
#[inline]
fn trim_ascii_word(word: &[u8]) -> &[u8] {
    let Some(first) = word.iter().position(u8::is_ascii_alphanumeric) else {
        return &[];
    };
    let last = word
        .iter()
        .rposition(u8::is_ascii_alphanumeric)
        .unwrap_or(first);
    &word[first..=last]
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
    /// Words holding a letter or a digit (punctuation-only tokens, like `|`
    /// or `—`, are not counted).
    pub alnum_words: usize,
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
    let table = &*STOPS;
    let mut count_word = |w: &str, f: &mut Features| {
        f.words += 1;
        let bytes = w.as_bytes();
        let (mut digit, mut high) = (false, 0u8);
        for &b in bytes {
            digit |= b.is_ascii_digit();
            high |= b;
        }
        f.numeric += usize::from(digit);
        let bits = if high < 0x80 {
            // The common case: an ASCII word, trimmed and looked up in place.
            match bytes.iter().position(u8::is_ascii_alphanumeric) {
                Some(first) => {
                    f.alnum_words += 1;
                    let last = bytes
                        .iter()
                        .rposition(u8::is_ascii_alphanumeric)
                        .unwrap_or(first);
                    let at = w.as_ptr() as usize - t.as_ptr() as usize;
                    table.get_ascii_in(t.as_bytes(), at + first, at + last + 1)
                }
                None => 0,
            }
        } else {
            let core = w.trim_matches(|c: char| !is_alphanumeric(c));
            f.alnum_words += usize::from(!core.is_empty());
            stop_bits_core(core, buf)
        };
        if bits != 0 {
            for (i, n) in f.lang_stops.iter_mut().enumerate() {
                *n += u32::from(bits >> i & 1);
            }
        }
    };
    let bytes = t.as_bytes();
    if t.is_ascii() {
        // The common case: every character weighs 1.
        f.weight = t.len();
        f.inner_stops = inner_stops_ascii(bytes);
        // A vertical tab is whitespace to `split_whitespace` but not to
        // `split_ascii_whitespace`: a line holding one splits the general way,
        // so that words are counted alike everywhere.
        if memchr::memchr(0x0B, bytes).is_none() {
            for w in t.split_ascii_whitespace() {
                count_word(w, &mut f);
            }
        } else {
            for_each_word(t, |w| count_word(w, &mut f));
        }
    } else {
        f.weight = weight(bytes);
        f.inner_stops = inner_stops(t);
        for_each_word(t, |w| count_word(w, &mut f));
    }
    line_end(t, &mut f);
    f
}

/// Sets what the end of the trimmed line `t` says (`terminal`, `colon`) and
/// `glued_teaser`, once `weight` is known.
fn line_end(t: &str, f: &mut Features) {
    let end = t.trim_end_matches(|c: char| is_closer(c) || c.is_whitespace());
    let last = end.chars().next_back();
    f.terminal = last.is_some_and(is_stop)
        || (end.len() < t.len() && t.ends_with(')') && last.is_some_and(char::is_alphanumeric));
    f.colon = matches!(last, Some(':') | Some('：'));
    f.glued_teaser = f.weight >= 60 && glued_teaser(t);
}

/// The weight of UTF-8 `bytes`: one per character, two for a wide one. Every
/// wide character takes three bytes, led by 0xE1 to 0xEF: only those are decoded.
fn weight(bytes: &[u8]) -> usize {
    let chars = bytes.iter().filter(|&&b| (b as i8) >= -0x40).count();
    let mut wide = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if (0xE1..0xF0).contains(&b) {
            let cp = (u32::from(b & 0x0F) << 12)
                | (u32::from(bytes[i + 1] & 0x3F) << 6)
                | u32::from(bytes[i + 2] & 0x3F);
            wide += usize::from(char::from_u32(cp).is_some_and(is_wide));
        }
    }
    chars + wide
}

/// Sentence ends inside an ASCII line: a space after `.`, `!` or `?`, with
/// closing quotes or brackets between. Found from the (rare) sentence marks.
fn inner_stops_ascii(bytes: &[u8]) -> usize {
    let mut n = 0;
    let mut next = 0;
    for p in memchr::memchr3_iter(b'.', b'!', b'?', bytes) {
        if p < next {
            continue;
        }
        let mut k = p + 1;
        while k < bytes.len()
            && matches!(
                bytes[k],
                b'.' | b'!' | b'?' | b'"' | b'\'' | b')' | b']' | b'*'
            )
        {
            k += 1;
        }
        if bytes.get(k) == Some(&b' ') {
            n += 1;
        }
        next = k;
    }
    n
}

/// [`inner_stops_ascii`] for any line: sentence marks include `…`, `。`, `！`,
/// `？`, `।` and `؟`, and closers `”`, `’`, `»` and the CJK brackets. Only the
/// bytes that can start one of them are looked at closely.
fn inner_stops(t: &str) -> usize {
    let bytes = t.as_bytes();
    let mut n = 0;
    let mut next = 0;
    for (p, &b) in bytes.iter().enumerate() {
        if p < next || !(matches!(b, b'.' | b'!' | b'?') || b >= 0xC0) {
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

/// Calls `f` on each word of `t` as `str::split_whitespace` splits it, on the
/// bytes: the non-ASCII whitespace characters are recognised by their UTF-8
/// sequences (lead bytes 0xC2, 0xE1, 0xE2 and 0xE3), so nothing is decoded.
fn for_each_word<'t>(t: &'t str, mut f: impl FnMut(&'t str)) {
    let bytes = t.as_bytes();
    let at = |i: usize| bytes.get(i).copied().unwrap_or(0);
    let mut start: Option<usize> = None;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let space = match b {
            b' ' | b'\t' | b'\n' | 0x0B | 0x0C | b'\r' => 1,
            0xC2 if matches!(at(i + 1), 0x85 | 0xA0) => 2,
            0xE1 if at(i + 1) == 0x9A && at(i + 2) == 0x80 => 3,
            0xE2 if at(i + 1) == 0x80 && matches!(at(i + 2), 0x80..=0x8A | 0xA8 | 0xA9 | 0xAF) => 3,
            0xE2 if at(i + 1) == 0x81 && at(i + 2) == 0x9F => 3,
            0xE3 if at(i + 1) == 0x80 && at(i + 2) == 0x80 => 3,
            _ => 0,
        };
        if space == 0 {
            start.get_or_insert(i);
            i += 1;
        } else {
            if let Some(s) = start.take() {
                f(&t[s..i]);
            }
            i += space;
        }
    }
    if let Some(s) = start {
        f(&t[s..]);
    }
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

    /// The plain [`measure_all`], with stop words looked up in each language's `HashSet`: measures `text` with stop words counted for every language
    /// ([`Features::lang_stops`]) and `stops` left at 0: one pass over the words
    /// serves both the document's language guess ([`lang_of`]) and the line's
    /// stop-word density ([`Features::set_lang`]).
    fn measure_all_reference(text: &str, buf: &mut String) -> Features {
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
            f.alnum_words += usize::from(w.chars().any(char::is_alphanumeric));
            let lower = lower_word(w, buf).to_string();
            let bits = Lang::ALL
                .iter()
                .enumerate()
                .filter(|(_, l)| l.stop_words().contains(lower.as_str()))
                .fold(0u8, |b, (i, _)| b | 1 << i);
            if bits != 0 {
                for (i, n) in f.lang_stops.iter_mut().enumerate() {
                    *n += u32::from(bits >> i & 1);
                }
            }
        };
        if t.is_ascii() && !t.contains('\x0b') {
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
        // The line's end is read by the same code: only the passes above differ.
        line_end(t, &mut f);
        f
    }

    #[test]
    fn measure_agrees_with_the_plain_reference() {
        let lines = [
            "The cat sat on the mat. It was (very) happy!",
            "  «Le président» a dit: «c'est l'été»…  ",
            "Der Minister hat gesagt, dass die Regierung 2024 nicht—mit uns—spricht.",
            "서울에서 회의가 열렸다。 다음 회의는 3월에.",
            "...and, THE end?\" ) ] * x",
            "tab\tseparated\x0bvertical\u{a0}nbsp\u{2003}em words",
            "a-very-long-hyphenated-compound-word-that-is-longer-than-any-stop-word the",
            "'the' \"of\" (and) [les] ¿qué? ¡él! über ÜBER Straße ((((the)))) \"\"\"\"and\"\"\"\"",
            "4 min read · 12:30 GMT · 1,000 people",
            "",
            "   ",
            "x",
        ];
        for l in lines {
            assert_eq!(
                measure_all(l, &mut String::new()),
                measure_all_reference(l, &mut String::new()),
                "{l:?}"
            );
        }
    }

    proptest::proptest! {
        #[test]
        fn measure_agrees_with_the_plain_reference_on_any_text(
            l in "([a-zA-Z0-9.,!?'\"()*:éÉßü«»…。한국語’”-]{0,12}[ \t\u{b}\u{a0}]{1,2}|the |The |THE |für |über |ÜBER |él |(the) ){0,12}"
        ) {
            proptest::prop_assert_eq!(
                measure_all(&l, &mut String::new()),
                measure_all_reference(&l, &mut String::new())
            );
        }
    }

    fn m(t: &str) -> Features {
        measure(t, Some(Lang::En), &mut String::new())
    }

    #[test]
    fn ascii_lower_cases_only_capital_letters() {
        let all: Vec<u8> = (0u8..0x80).collect();
        for chunk in all.chunks(16) {
            let mut k = [0u8; 16];
            k.copy_from_slice(chunk);
            let lowered = ascii_lower(u128::from_le_bytes(k)).to_le_bytes();
            for (b, l) in chunk.iter().zip(lowered) {
                assert_eq!(l, b.to_ascii_lowercase(), "{b:#x}");
            }
        }
    }

    #[test]
    fn the_punctuation_shortcut_agrees_with_unicode() {
        for c in (0..0x10000).filter_map(char::from_u32) {
            assert_eq!(is_alphanumeric(c), c.is_alphanumeric(), "{c:?}");
        }
    }

    #[test]
    fn words_split_on_every_unicode_space_as_split_whitespace_does() {
        let spaces: Vec<char> = (0..=0x3000u32)
            .filter_map(char::from_u32)
            .filter(|c| c.is_whitespace())
            .collect();
        for sp in &spaces {
            let t = format!("a{sp}bé{sp}{sp}ç{sp}");
            let mut got = Vec::new();
            for_each_word(&t, |w| got.push(w));
            assert_eq!(got, t.split_whitespace().collect::<Vec<_>>(), "{sp:?}");
        }
        // Near misses: the same lead bytes, other characters.
        let t = "x\u{2010}y\u{1681}z\u{3001}w\u{c2}v\u{2060}u";
        let mut got = Vec::new();
        for_each_word(t, |w| got.push(w));
        assert_eq!(got, t.split_whitespace().collect::<Vec<_>>());
    }

    proptest::proptest! {
        #[test]
        fn words_split_as_split_whitespace_does(
            t in "[a é\u{a0}\u{85}\u{2000}-\u{2030}\u{205f}\u{3000}\u{1680}\t\u{b}]{0,30}"
        ) {
            let mut got = Vec::new();
            for_each_word(&t, |w| got.push(w));
            proptest::prop_assert_eq!(got, t.split_whitespace().collect::<Vec<_>>());
        }
    }

    #[test]
    fn the_latin_lower_casing_shortcut_agrees_with_unicode() {
        for c in (0..0x10000).filter_map(char::from_u32) {
            let mut got = String::new();
            push_lower(c, &mut got);
            assert_eq!(got, c.to_lowercase().to_string(), "{c:?}");
        }
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
