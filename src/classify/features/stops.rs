//! Stop-word lookup: every shipped stop word in small open-addressing tables
//! ([`StopTable`]), keyed on the word's lower-cased bytes packed into an
//! integer. [`stop_bits`] must agree with the shipped lists
//! (`super::stop_word_file`): the word trimmed of punctuation, lower-cased and
//! looked up in each; the tests check the fast paths against the slow one.

use super::*;

/// Every shipped stop word, with a bit per language of [`Lang::ALL`] it belongs
/// to, in small open-addressing tables keyed on the word's lower-cased bytes:
/// the ASCII words (none longer than 8 bytes) packed into a `u64`, in a table
/// of 8 KiB that stays in the L1 cache; every word packed into a `u128` (none
/// is longer than 16 bytes), for non-ASCII words. A lookup of an ASCII word is
/// one 8-byte lower-casing, a multiply and, nearly always, one probe: this
/// runs for every word of most lines.
pub(super) struct StopTable {
    /// The ASCII stop words.
    pub(super) ascii: Slots<u64>,
    /// Every stop word.
    pub(super) all: Slots<u128>,
    /// The longest stop word, in bytes: longer words are never looked up.
    pub(super) max_len: usize,
}

/// A key of [`Slots`]: a word's bytes, packed and zero-padded.
pub(super) trait Key: Copy + Eq + Default {
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
pub(super) struct Slots<K> {
    /// Slot keys; 0 marks a free slot (no word packs to 0).
    pub(super) keys: Vec<K>,
    /// Language bits of the word in the slot of the same index.
    pub(super) bits: Vec<u8>,
    /// `64 - log2(slots)`: the hash's top bits pick the slot.
    pub(super) shift: u32,
}

impl<K: Key> Slots<K> {
    pub(super) fn build(entries: &[(K, u8)]) -> Slots<K> {
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
    pub(super) fn probe(&self, key: K) -> u8 {
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
pub(super) fn pack(word: &[u8]) -> u128 {
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
pub(super) fn pack_cold(word: &[u8]) -> u64 {
    pack(word) as u64
}

/// ASCII-lower-cases the 8 bytes packed in `x`, which are all ASCII: the
/// bytes from `A` to `Z` get the `0x20` bit, in a few word-wide operations.
#[inline]
pub(super) fn ascii_lower(x: u64) -> u64 {
    const ONES: u64 = u64::MAX / 0xFF;
    // The high bit of each byte: set when the byte is >= 'A', and when >= '['.
    // No byte carries into the next, as every byte is below 0x80.
    let ge_a = x + ONES * (0x80 - u64::from(b'A'));
    let ge_after_z = x + ONES * (0x80 - u64::from(b'Z' + 1));
    let upper = ge_a & !ge_after_z & (ONES * 0x80);
    x | (upper >> 2)
}

impl StopTable {
    pub(super) fn build() -> StopTable {
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
    pub(super) fn get(&self, word: &[u8]) -> u8 {
        if word.is_empty() || word.len() > self.max_len {
            return 0;
        }
        self.all.probe(pack(word))
    }

    /// [`StopTable::get`] for the ASCII word `hay[start..end]`.
    #[inline(always)]
    pub(super) fn get_ascii_in(&self, hay: &[u8], start: usize, end: usize) -> u8 {
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
    pub(super) fn latin1_word_bits(&self, word: &[u8]) -> Option<u8> {
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

pub(super) static STOPS: LazyLock<StopTable> = LazyLock::new(StopTable::build);

/// The languages (bits over [`Lang::ALL`]) whose stop words include `word`
/// (as it appears in text: case and surrounding punctuation are ignored).
pub(super) fn stop_bits(word: &str, buf: &mut String) -> u8 {
    let table = &*STOPS;
    if word.is_ascii() {
        return table.get(trim_ascii_word(word.as_bytes()));
    }
    stop_bits_core(word.trim_matches(|c: char| !is_alphanumeric(c)), buf)
}

/// [`stop_bits`] for a non-ASCII word already trimmed to its alphanumeric core.
pub(super) fn stop_bits_core(w: &str, buf: &mut String) -> u8 {
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
pub(super) fn push_lower(c: char, buf: &mut String) {
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
pub(super) fn is_alphanumeric(c: char) -> bool {
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
pub(super) fn trim_ascii_word(word: &[u8]) -> &[u8] {
    let Some(first) = word.iter().position(u8::is_ascii_alphanumeric) else {
        return &[];
    };
    let last = word
        .iter()
        .rposition(u8::is_ascii_alphanumeric)
        .unwrap_or(first);
    &word[first..=last]
}
