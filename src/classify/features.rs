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

/// Every shipped stop word, with a bit per language of [`Lang::ALL`] it belongs
/// to, in small open-addressing tables keyed on the word's lower-cased bytes:
/// the ASCII words (none longer than 8 bytes) packed into a `u64`, in a table
/// of 8 KiB that stays in the L1 cache; every word packed into a `u128` (none
/// is longer than 16 bytes), for non-ASCII words. A lookup of an ASCII word is
/// one 8-byte lower-casing, a multiply and, nearly always, one probe: this
/// runs for every word of most lines.
struct StopTable {
    /// The ASCII stop words.
    ascii: Slots<u64>,
    /// Every stop word.
    all: Slots<u128>,
    /// The longest stop word, in bytes: longer words are never looked up.
    max_len: usize,
}

/// A key of [`Slots`]: a word's bytes, packed and zero-padded.
trait Key: Copy + Eq + Default {
    fn hash(self) -> u64;
}

impl Key for u64 {
    #[inline]
    fn hash(self) -> u64 {
        self.wrapping_mul(0x9e37_79b9_7f4a_7c15)
    }
}

impl Key for u128 {
    #[inline]
    fn hash(self) -> u64 {
        let (lo, hi) = (self as u64, (self >> 64) as u64);
        (lo ^ hi.rotate_left(29)).wrapping_mul(0x9e37_79b9_7f4a_7c15)
    }
}

/// An open-addressing table from keys to language bits, a quarter full.
struct Slots<K> {
    /// Slot keys; 0 marks a free slot (no word packs to 0).
    keys: Vec<K>,
    /// Language bits of the word in the slot of the same index.
    bits: Vec<u8>,
    /// `64 - log2(slots)`: the hash's top bits pick the slot.
    shift: u32,
}

impl<K: Key> Slots<K> {
    fn build(entries: &[(K, u8)]) -> Slots<K> {
        let size = (entries.len() * 4).next_power_of_two().max(16);
        let mut slots = Slots {
            keys: vec![K::default(); size],
            bits: vec![0; size],
            shift: 64 - size.trailing_zeros(),
        };
        for &(key, bits) in entries {
            let mut i = (key.hash() >> slots.shift) as usize;
            while slots.keys[i] != K::default() {
                i = (i + 1) & (size - 1);
            }
            slots.keys[i] = key;
            slots.bits[i] = bits;
        }
        slots
    }

    #[inline]
    fn probe(&self, key: K) -> u8 {
        let mask = self.keys.len() - 1;
        let mut i = (key.hash() >> self.shift) as usize;
        loop {
            let k = self.keys[i];
            if k == key {
                return self.bits[i];
            }
            if k == K::default() {
                return 0;
            }
            i = (i + 1) & mask;
        }
    }
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

/// [`pack`] of a word of at most 8 bytes that ends less than 8 bytes before
/// its line does: rare, and kept out of the word loop.
#[cold]
#[inline(never)]
fn pack_cold(word: &[u8]) -> u64 {
    pack(word) as u64
}

/// ASCII-lower-cases the 8 bytes packed in `x`, which are all ASCII: the
/// bytes from `A` to `Z` get the `0x20` bit, in a few word-wide operations.
#[inline]
fn ascii_lower(x: u64) -> u64 {
    const ONES: u64 = u64::MAX / 0xFF;
    // The high bit of each byte: set when the byte is >= 'A', and when >= '['.
    // No byte carries into the next, as every byte is below 0x80.
    let ge_a = x + ONES * (0x80 - u64::from(b'A'));
    let ge_after_z = x + ONES * (0x80 - u64::from(b'Z' + 1));
    let upper = ge_a & !ge_after_z & (ONES * 0x80);
    x | (upper >> 2)
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
        assert!(
            words.iter().all(|(w, _)| w.chars().all(|c| c <= '\u{ff}')),
            "a stop word beyond Latin-1"
        );
        let all: Vec<(u128, u8)> = words
            .iter()
            .map(|(w, b)| (pack(w.as_bytes()), *b))
            .collect();
        let ascii: Vec<(u64, u8)> = words
            .iter()
            .filter(|(w, _)| w.is_ascii())
            .map(|(w, b)| {
                assert!(w.len() <= 8, "an ASCII stop word longer than 8 bytes: {w}");
                (pack(w.as_bytes()) as u64, *b)
            })
            .collect();
        StopTable {
            ascii: Slots::build(&ascii),
            all: Slots::build(&all),
            max_len,
        }
    }

    /// The bits of `word`: lower case, or ASCII in any case.
    #[inline]
    fn get(&self, word: &[u8]) -> u8 {
        if word.is_empty() || word.len() > self.max_len {
            return 0;
        }
        self.all.probe(pack(word))
    }

    /// [`StopTable::get`] for the ASCII word `hay[start..end]`.
    #[inline(always)]
    fn get_ascii_in(&self, hay: &[u8], start: usize, end: usize) -> u8 {
        let len = end - start;
        // No ASCII stop word is longer than 8 bytes.
        if len == 0 || len > 8 {
            return 0;
        }
        let x = match hay.get(start..start + 8) {
            // Eight bytes to read in place: load them, keep the word's.
            Some(chunk) => {
                let mut k = [0u8; 8];
                k.copy_from_slice(chunk);
                u64::from_le_bytes(k) & (u64::MAX >> (8 * (8 - len)))
            }
            None => pack_cold(&hay[start..end]),
        };
        self.ascii.probe(ascii_lower(x))
    }

    /// The bits of `word` (as it appears in text, like [`stop_bits`]) when it
    /// is written in ASCII and Latin-1 (no lead byte above 0xC3) and its first
    /// and last letters or digits are its ends once ASCII punctuation is
    /// trimmed: then its core is known without decoding, and lower-cases
    /// without changing length (`É` 0xC3 0x89 to `é` 0xC3 0xA9). `None` for
    /// any other word.
    fn latin1_word_bits(&self, word: &[u8]) -> Option<u8> {
        let punct = |b: &u8| *b < 0x80 && !b.is_ascii_alphanumeric();
        let Some(start) = word.iter().position(|b| !punct(b)) else {
            return Some(0);
        };
        let end = word
            .iter()
            .rposition(|b| !punct(b))
            .map_or(start, |e| e + 1);
        let core = &word[start..end];
        // A Latin-1 letter: 0xC3 and a tail but for `×` and `÷`.
        let letter = |lead: u8, tail: u8| lead == 0xC3 && !matches!(tail, 0x97 | 0xB7);
        let n = core.len();
        let first_ok = core[0].is_ascii_alphanumeric() || (n >= 2 && letter(core[0], core[1]));
        let last_ok =
            core[n - 1].is_ascii_alphanumeric() || (n >= 2 && letter(core[n - 2], core[n - 1]));
        if !first_ok || !last_ok || core.iter().any(|&b| b >= 0xC4) {
            return None;
        }
        if n > self.max_len {
            return Some(0);
        }
        // Lower-cased as `push_lower` does: `A` to `Z`, and `À` to `Þ` but `×`.
        let mut key = [0u8; 16];
        let mut after_c3 = false;
        for (k, &b) in key.iter_mut().zip(core) {
            *k = match b {
                b'A'..=b'Z' => b + 0x20,
                0x80..=0x9E if after_c3 && b != 0x97 => b + 0x20,
                _ => b,
            };
            after_c3 = b == 0xC3;
        }
        Some(self.all.probe(u128::from_le_bytes(key)))
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
    /// Words holding a letter or a digit (punctuation-only tokens, like `|`
    /// or `—`, are not counted).
    pub alnum_words: usize,
    /// Stop words of each language of [`Lang::ALL`]: counted by
    /// [`measure_all`], not by [`measure_shape`].
    pub lang_stops: Option<[u32; 4]>,
    /// A link teaser flattened into one line: a headline glued to its summary
    /// without a space (`…Spots In DetroitHoodline crunched…`).
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
    f.glued_teaser = f.weight >= 60 && glued_teaser(t, m);
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
/// (those of [`is_stop_lead`]), in order: only they are looked at closely.
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
mod tests {
    use super::*;

    /// [`glued_teaser`] of `t`, with its masks.
    fn glued(t: &str) -> bool {
        let mut m = LineMasks::default();
        m.fill(t);
        glued_teaser(t, &m)
    }

    #[test]
    fn glued_teasers_are_found_by_masks_as_character_by_character() {
        let cases = [
            "The 4 Best Vegan Spots In DetroitHoodline crunched the numbers to find the top vegan spots.",
            "Les 4 meilleures adresses à DétroitHoodline a compté les chiffres pour trouver les meilleures.",
            "Ça commence ici, et puis à la fin du compteÉtait une fois une très longue phrase sans point.",
            "Un texte en français où la capitale arrive tôt. PuisIci après le point, dans la même ligne.",
            "Ελληνικά κείμενα χωρίς κεφαλαία γράμματα μέσα στη λέξη αλλά μεγάλα κείμεναΑλλά εδώ είναι.",
            "中文文本没有大小写但是很长很长很长很长很长很长很长很长很长很长很长很长很长很长的一行字",
        ];
        for t in cases {
            assert_eq!(glued(t), glued_teaser_chars(t), "{t:?}");
        }
        assert!(glued(cases[0]));
        assert!(glued(cases[1]));
        assert!(glued(cases[2]));
    }

    #[test]
    fn only_four_characters_beyond_latin1_lower_case_into_it() {
        for c in (0x100..=0x10FFFFu32).filter_map(char::from_u32) {
            let into = c.to_lowercase().all(|l| l <= '\u{ff}');
            assert_eq!(into, folds_into_latin1(c), "{c:?}");
        }
    }

    #[test]
    fn words_of_other_scripts_are_not_stop_words_but_latin_ones_are() {
        let mut s = Scratch::default();
        for (line, stops) in [
            ("서울에서 회의가 열렸다", 0),
            ("Москва и Париж", 0),
            ("「été」 und ÜBER", 3),
            ("\u{212a}", 0),
        ] {
            let f = measure_all(line, &mut s);
            let want = measure_all_reference(line, &mut String::new());
            assert_eq!(f.lang_stops, want.lang_stops, "{line}");
            assert_eq!(
                f.lang_stops.map(|l| l.iter().sum::<u32>()),
                Some(stops),
                "{line}"
            );
        }
    }

    #[test]
    fn every_sentence_mark_starts_with_a_stop_lead() {
        for c in (0..=0x10FFFFu32)
            .filter_map(char::from_u32)
            .filter(|&c| is_stop(c))
        {
            let mut m = LineMasks::default();
            m.fill(&format!("{c}"));
            assert_eq!(m.mark_starts().next(), Some(0), "{c:?}");
        }
    }

    #[test]
    fn every_capital_starts_with_a_lead_byte_the_masks_let_through() {
        for c in (0x80..=0x10FFFFu32)
            .filter_map(char::from_u32)
            .filter(|c| c.is_uppercase())
        {
            let t = format!("{c}a");
            let mut m = LineMasks::default();
            m.fill(&t);
            assert_eq!(m.head().upper_leads[0] & 1, 1, "{c:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn glued_teaser_masks_agree_with_characters(
            t in "([a-zA-Z]{1,9}|[ .!?]|[éÉàÀçÇÿŸßẞ…。Ωω中]){0,60}"
        ) {
            proptest::prop_assert_eq!(glued(&t), glued_teaser_chars(&t));
        }
    }

    /// The plain [`measure_all`], character by character, with stop words
    /// looked up in each language's `HashSet`.
    fn measure_all_reference(text: &str, buf: &mut String) -> Features {
        let t = crate::text::trim(text);
        let mut f = Features {
            lang_stops: Some([0; 4]),
            ..Features::default()
        };
        if t.is_empty() {
            return f;
        }
        let mut count_word = |w: &str, f: &mut Features| {
            f.words += 1;
            f.alnum_words += usize::from(w.chars().any(char::is_alphanumeric));
            let lower = lower_word(w, buf).to_string();
            let bits = Lang::ALL
                .iter()
                .enumerate()
                .filter(|(_, l)| l.stop_words().contains(lower.as_str()))
                .fold(0u8, |b, (i, _)| b | 1 << i);
            if bits != 0 {
                let counts = f.lang_stops.as_mut().expect("set above");
                for (i, n) in counts.iter_mut().enumerate() {
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
        f.glued_teaser = f.weight >= 60 && glued_teaser_chars(t);
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
                measure_all(l, &mut Scratch::default()),
                measure_all_reference(l, &mut String::new()),
                "{l:?}"
            );
        }
    }

    #[test]
    fn latin1_words_are_looked_up_as_by_characters() {
        let cores = [
            "für", "ÜBER", "Über", "été", "ÉTÉ", "más", "también", "là", "the", "x",
        ];
        let wraps = ["", "(", ")", "...", "«", "»", "’", "×", "÷", "—", "1", "é"];
        let mut fast = 0;
        for core in cores
            .iter()
            .chain(&["verlängert", "stündlich", "a×b", "a«b", "K\u{212a}"])
        {
            for a in wraps {
                for b in wraps {
                    let w = format!("{a}{core}{b}");
                    let want = stop_bits(&w, &mut String::new());
                    if let Some(got) = STOPS.latin1_word_bits(w.as_bytes()) {
                        assert_eq!(got, want, "{w:?}");
                        fast += 1;
                    }
                }
            }
        }
        assert!(fast > 500, "only {fast} words took the Latin-1 path");
        assert_ne!(stop_bits("(Über)", &mut String::new()), 0);
        assert_eq!(
            STOPS.latin1_word_bits("(Über)".as_bytes()),
            Some(stop_bits("über", &mut String::new()))
        );
    }

    proptest::proptest! {
        #[test]
        fn measure_agrees_with_the_plain_reference_on_any_text(
            l in "([a-zA-Z0-9.,!?'\"()*:éÉßü«»…。한국語’”-]{0,12}[ \t\u{b}\u{a0}]{1,2}|the |The |THE |für |über |ÜBER |él |(the) ){0,12}"
        ) {
            proptest::prop_assert_eq!(
                measure_all(&l, &mut Scratch::default()),
                measure_all_reference(&l, &mut String::new())
            );
        }
    }

    proptest::proptest! {
        #[test]
        fn the_stop_share_is_reached_lazily_as_counted(
            l in "([a-zA-Z.,!?'\"()éÉü«»…—-]{0,8}[ \t\u{a0}]{1,2}|the |The |und |für |él |(les) |de ){0,20}",
            share in 0.0f32..0.7,
        ) {
            let mut s = Scratch::default();
            let counted = measure_all(&l, &mut s);
            let shape = measure_shape(&l, &mut s);
            proptest::prop_assert_eq!(shape.lang_stops, None);
            for lang in Lang::ALL {
                proptest::prop_assert_eq!(
                    stop_share(&l, &shape, lang, share, &mut s, false),
                    stop_share_reaches(&l, &counted, lang, share, &mut s),
                    "{:?}", lang
                );
                proptest::prop_assert_eq!(
                    stop_share_reaches(&l, &shape, lang, share, &mut s),
                    stop_share_reaches(&l, &counted, lang, share, &mut s),
                    "{:?}", lang
                );
            }
        }
    }

    #[test]
    fn the_stop_share_of_a_line_depends_on_its_language() {
        let l = "The minister said that the plan would be put to the vote in the spring.";
        let mut s = Scratch::default();
        let f = measure_shape(l, &mut s);
        assert!(stop_share_reaches(l, &f, Lang::En, 0.12, &mut s));
        assert!(!stop_share_reaches(l, &f, Lang::De, 0.12, &mut s));
        assert!(stop_share_reaches(l, &f, Lang::De, 0.0, &mut s));
    }

    #[test]
    fn each_language_knows_its_place() {
        for (i, l) in Lang::ALL.iter().enumerate() {
            assert_eq!(l.index(), i);
        }
    }

    fn m(t: &str) -> Features {
        measure_all(t, &mut Scratch::default())
    }

    #[test]
    fn ascii_lower_cases_only_capital_letters() {
        let all: Vec<u8> = (0u8..0x80).collect();
        for chunk in all.chunks(8) {
            let mut k = [0u8; 8];
            k.copy_from_slice(chunk);
            let lowered = ascii_lower(u64::from_le_bytes(k)).to_le_bytes();
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
        assert_eq!(f.lang_stops.map(|s| s[Lang::En.index()]), Some(3));
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
