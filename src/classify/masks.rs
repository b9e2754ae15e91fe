//! Bit masks over a line's bytes, 64 bytes to a `u64`: which bytes belong to a
//! word (are not whitespace), which are ASCII letters or digits, which are not
//! ASCII. The masks are built sixteen bytes at a time by vector compares
//! ([`crate::simd`]; no branch per byte), and words are then counted with popcounts and found
//! with trailing-zero counts, so that a line costs a branch per word, not per
//! byte.
//!
//! Whitespace is what [`str::split_whitespace`] splits on: the ASCII spaces and
//! the non-ASCII ones, recognised by their UTF-8 sequences.

use crate::simd::{Bytes16, Lanes};

/// A block of 64 bytes of a line, compared a vector at a time; a line's last
/// block is padded with spaces, which are in no class but whitespace.
pub(super) trait Block: Copy {
    /// The vectors the block is made of.
    type Lanes: Lanes;

    /// The block of `block` (at most 64 bytes).
    ///
    /// # Safety
    /// The processor must have the instructions of [`Block::Lanes`].
    unsafe fn new(block: &[u8]) -> Self;

    /// The mask of the bytes of the block in `class`, bit `i` for byte `i`.
    fn mask(self, class: impl Fn(Self::Lanes) -> <Self::Lanes as Lanes>::Mask) -> u64;
}

/// The `N` vectors of `W` bytes of `block` (at most 64 bytes, padded with
/// spaces), each made by `load`.
#[inline(always)]
fn vectors<const W: usize, const N: usize, L>(
    block: &[u8],
    load: impl Fn(&[u8; W]) -> L,
) -> [L; N] {
    let mut pad = [b' '; 64];
    let block: &[u8; 64] = match block.try_into() {
        Ok(full) => full,
        Err(_) => {
            pad[..block.len()].copy_from_slice(block);
            &pad
        }
    };
    std::array::from_fn(|j| load(block[W * j..W * j + W].try_into().unwrap_or(&[b' '; W])))
}

/// A [`Block`] of four [`Bytes16`] (SSE2, every x86-64 processor).
#[derive(Clone, Copy)]
pub(super) struct Block64([Bytes16; 4]);

impl Block for Block64 {
    type Lanes = Bytes16;

    #[inline(always)]
    unsafe fn new(block: &[u8]) -> Block64 {
        Block64(vectors(block, Bytes16::load))
    }

    #[inline(always)]
    fn mask(self, class: impl Fn(Bytes16) -> crate::simd::Mask16) -> u64 {
        let [a, b, c, d] = self.0.map(|x| u64::from(class(x).bits()));
        a | b << 16 | c << 32 | d << 48
    }
}

/// A [`Block`] of two [`crate::simd::Bytes32`]: half the compares of
/// [`Block64`], where the processor has AVX2.
#[cfg(target_arch = "x86_64")]
#[derive(Clone, Copy)]
pub(super) struct Block64Avx2([crate::simd::Bytes32; 2]);

#[cfg(target_arch = "x86_64")]
impl Block for Block64Avx2 {
    type Lanes = crate::simd::Bytes32;

    #[inline(always)]
    #[allow(unsafe_code)]
    unsafe fn new(block: &[u8]) -> Block64Avx2 {
        // SAFETY: the processor has AVX2 (this function's contract).
        Block64Avx2(vectors(block, |v| unsafe { crate::simd::Bytes32::load(v) }))
    }

    #[inline(always)]
    fn mask(self, class: impl Fn(crate::simd::Bytes32) -> crate::simd::Mask32) -> u64 {
        let [a, b] = self.0.map(|x| u64::from(class(x).bits()));
        a | b << 32
    }
}

/// The positions of the set bits of `mask`, in order.
fn set_bits(mask: &[u64]) -> SetBits<'_> {
    SetBits {
        mask,
        block: 0,
        bits: mask.first().copied().unwrap_or(0),
    }
}

/// The iterator of [`set_bits`].
struct SetBits<'a> {
    mask: &'a [u64],
    /// The block `bits` came from.
    block: usize,
    /// The bits of that block not yet given.
    bits: u64,
}

impl Iterator for SetBits<'_> {
    type Item = usize;

    #[inline]
    fn next(&mut self) -> Option<usize> {
        while self.bits == 0 {
            self.block += 1;
            self.bits = *self.mask.get(self.block)?;
        }
        let i = self.bits.trailing_zeros() as usize;
        self.bits &= self.bits - 1;
        Some(64 * self.block + i)
    }
}

/// The length of the non-ASCII whitespace character starting at `bytes[i]`
/// (a lead byte 0xC2, 0xE1, 0xE2 or 0xE3), or 0.
#[inline]
fn unicode_space_at(bytes: &[u8], i: usize) -> usize {
    let at = |k: usize| bytes.get(i + k).copied().unwrap_or(0);
    match bytes[i] {
        0xC2 if matches!(at(1), 0x85 | 0xA0) => 2,
        0xE1 if at(1) == 0x9A && at(2) == 0x80 => 3,
        0xE2 if at(1) == 0x80 && matches!(at(2), 0x80..=0x8A | 0xA8 | 0xA9 | 0xAF) => 3,
        0xE2 if at(1) == 0x81 && at(2) == 0x9F => 3,
        0xE3 if at(1) == 0x80 && at(2) == 0x80 => 3,
        _ => 0,
    }
}

/// The masks of one line. Reused from line to line: [`LineMasks::fill`] keeps
/// the allocations.
#[derive(Debug, Default, Clone)]
pub(super) struct LineMasks {
    /// Bytes inside words.
    word: Vec<u64>,
    /// ASCII letters and digits.
    alnum: Vec<u64>,
    /// Bytes of non-ASCII characters inside words.
    high: Vec<u64>,
    /// Bytes that may start a sentence mark: `.`, `!`, `?` and the lead
    /// bytes of the others (`features::is_stop` names them; a test checks
    /// that each starts on one of these bytes).
    marks: Vec<u64>,
    /// Lead bytes 0xE1 to 0xEF: the only ones of wide characters.
    wide_leads: Vec<u64>,
    /// UTF-8 continuation bytes in the line.
    tails: usize,
    /// Any non-ASCII byte in the line (whitespace included).
    any_high: bool,
    /// The masks of the line's first [`HEAD`] bytes for the glued-teaser test.
    head: HeadMasks,
}

impl LineMasks {
    /// Builds the masks of `text`. One zero block follows the last, so that a
    /// read of 16 bits from any byte of the line stays in bounds.
    pub(super) fn fill(&mut self, text: &str) {
        let bytes = text.as_bytes();
        let blocks = bytes.len().div_ceil(64);
        self.tails = 0;
        self.head = HeadMasks::default();
        for v in [
            &mut self.word,
            &mut self.alnum,
            &mut self.high,
            &mut self.marks,
            &mut self.wide_leads,
        ] {
            v.clear();
            v.resize(blocks + 1, 0);
        }
        let mut leads = 0u64;
        for (b, block) in bytes.chunks(64).enumerate() {
            // SAFETY: SSE2 is in every x86-64 processor, and elsewhere
            // `Bytes16` compares byte by byte. (AVX2 blocks made this loop
            // cost more instructions, not fewer: `benches/PERF.md`.)
            #[allow(unsafe_code)]
            let x = unsafe { Block64::new(block) };
            let high = x.mask(|x| x.high());
            // The padding is spaces, in no word and in no other class.
            self.word[b] = !x.mask(|x| x.range(9, 13) | x.eq(b' '));
            let ascii_marks = x.mask(|x| x.eq(b'.') | x.eq(b'!') | x.eq(b'?'));
            // The head (the first three blocks) keeps the glued-teaser masks.
            let head = b < 3;
            if head {
                let upper = x.mask(|x| x.range(b'A', b'Z'));
                let lower = x.mask(|x| x.range(b'a', b'z'));
                self.alnum[b] = upper | lower | x.mask(|x| x.range(b'0', b'9'));
                let h = &mut self.head;
                h.upper[b] = upper;
                h.lower[b] = lower;
                h.marks[b] = ascii_marks;
                h.spaces[b] = x.mask(|x| x.eq(b' '));
                h.high[b] = high;
            } else {
                self.alnum[b] =
                    x.mask(|x| x.range(b'0', b'9') | x.range(b'a', b'z') | x.range(b'A', b'Z'));
            }
            if high == 0 {
                self.marks[b] = ascii_marks;
                continue;
            }
            // Lead bytes of the other sentence marks (those of
            // `features::is_stop`), of wide characters (0xE1 to 0xEF), and
            // of non-ASCII spaces (0xC2, 0xE1 to 0xE3); continuation bytes.
            self.marks[b] = ascii_marks
                | x.mask(|x| x.eq(0xD8) | x.eq(0xE0) | x.range(0xE2, 0xE3) | x.eq(0xEF));
            self.high[b] = high;
            self.wide_leads[b] = x.mask(|x| x.range(0xE1, 0xEF));
            let tails = x.mask(|x| x.range(0x80, 0xBF));
            self.tails += tails.count_ones() as usize;
            leads |= x.mask(|x| x.eq(0xC2) | x.range(0xE1, 0xE3));
            if head {
                // Leads 0xC0 to 0xFF but the caseless 0xE3 to 0xE9; a 0xC3 lead
                // whose tail byte is 0xA0 or above (`à` to `ÿ`) starts no
                // capital, and the tail may sit in the next block.
                let upper_leads = x.mask(|x| x.range(0xC0, 0xE2) | x.range(0xEA, 0xFF));
                let c3 = x.mask(|x| x.eq(0xC3));
                let low_tail = x.mask(|x| x.range(0xA0, 0xBF));
                let next_tail = bytes
                    .get(64 * (b + 1))
                    .is_some_and(|&t| (0xA0..0xC0).contains(&t));
                let lower_latin1 = c3 & (low_tail >> 1 | u64::from(next_tail) << 63);
                self.head.upper_leads[b] = upper_leads & !lower_latin1;
            }
        }
        // The head is the first 162 bytes.
        for m in [
            &mut self.head.upper,
            &mut self.head.lower,
            &mut self.head.marks,
            &mut self.head.spaces,
            &mut self.head.high,
            &mut self.head.upper_leads,
        ] {
            m[2] &= (1 << (HEAD - 128)) - 1;
        }
        self.any_high = self.high.iter().any(|&h| h != 0);
        if leads != 0 {
            self.clear_unicode_spaces(bytes);
        }
    }

    /// Takes the non-ASCII whitespace characters out of the words.
    fn clear_unicode_spaces(&mut self, bytes: &[u8]) {
        // Lead bytes are never continuation bytes: each is looked at alone.
        let leads =
            memchr::memchr3_iter(0xC2, 0xE2, 0xE3, bytes).chain(memchr::memchr_iter(0xE1, bytes));
        for p in leads {
            for q in p..p + unicode_space_at(bytes, p) {
                self.word[q / 64] &= !(1 << (q % 64));
                self.high[q / 64] &= !(1 << (q % 64));
            }
        }
    }

    /// The characters of the line.
    pub(super) fn chars(&self, len: usize) -> usize {
        len - self.tails
    }

    /// The positions of the bytes that may start a sentence mark, in order.
    pub(super) fn mark_starts(&self) -> impl Iterator<Item = usize> + '_ {
        set_bits(&self.marks)
    }

    /// The positions of the lead bytes 0xE1 to 0xEF, in order.
    pub(super) fn wide_leads(&self) -> impl Iterator<Item = usize> + '_ {
        set_bits(&self.wide_leads)
    }

    /// The masks of the line's head.
    pub(super) fn head(&self) -> &HeadMasks {
        &self.head
    }

    /// Whether the line holds a non-ASCII byte.
    pub(super) fn any_high(&self) -> bool {
        self.any_high
    }

    /// The words of the line, as `split_whitespace` counts them.
    pub(super) fn words(&self) -> usize {
        let mut prev = 0u64;
        let mut n = 0;
        for &w in &self.word {
            n += (w & !(w << 1 | prev)).count_ones() as usize;
            prev = w >> 63;
        }
        n
    }

    /// The words holding a byte of `mask` (a mask of this line).
    ///
    /// Each word's leading run of bytes outside `mask` gets its first bit added
    /// to it: the carry runs through the run and lands on the byte after it,
    /// which is either in `mask` (the word holds one) or past the word.
    fn words_holding(&self, mask: impl Fn(usize) -> u64) -> usize {
        let mut prev = 0u64;
        let mut carry = false;
        let mut n = 0;
        for (k, &w) in self.word.iter().enumerate() {
            let m = mask(k) & w;
            let rest = w & !m;
            let starts = w & !(w << 1 | prev);
            let (x, c1) = rest.overflowing_add(starts & rest);
            let (x, c2) = x.overflowing_add(u64::from(carry));
            carry = c1 | c2;
            let landed = x & !rest;
            n += ((starts | landed) & m).count_ones() as usize;
            prev = w >> 63;
        }
        n
    }

    /// The words holding an ASCII letter or digit.
    pub(super) fn ascii_alnum_words(&self) -> usize {
        self.words_holding(|k| self.alnum[k])
    }

    /// The words holding an ASCII letter or digit or a non-ASCII character.
    pub(super) fn alnum_or_high_words(&self) -> usize {
        self.words_holding(|k| self.alnum[k] | self.high[k])
    }

    /// `n` (at most 57) bits of `mask` from bit `at`.
    #[inline]
    fn bits(mask: &[u64], at: usize, n: usize) -> u64 {
        let (b, off) = (at / 64, at % 64);
        let mut v = mask[b] >> off;
        if off + n > 64 {
            v |= mask[b + 1] << (64 - off);
        }
        v & ((1u64 << n) - 1)
    }

    /// Whether a byte of `mask` lies in `start..end`.
    fn any_in(mask: &[u64], start: usize, end: usize) -> bool {
        let mut at = start;
        while at < end {
            let n = (end - at).min(56);
            if Self::bits(mask, at, n) != 0 {
                return true;
            }
            at += n;
        }
        false
    }

    /// Whether `start..end` holds an ASCII letter or digit.
    pub(super) fn has_alnum(&self, start: usize, end: usize) -> bool {
        Self::any_in(&self.alnum, start, end)
    }

    /// Whether `start..end` holds a non-ASCII byte of a word.
    pub(super) fn has_high(&self, start: usize, end: usize) -> bool {
        Self::any_in(&self.high, start, end)
    }

    /// Calls `f(start, end)` with the byte range of each word, in order; stops
    /// when `f` returns `false`.
    #[inline]
    pub(super) fn for_each_word(&self, mut f: impl FnMut(usize, usize) -> bool) {
        self.for_each_word_bits(|w| f(w.start, w.end));
    }

    /// [`LineMasks::for_each_word`], each word with its masks.
    #[inline(always)]
    pub(super) fn for_each_word_bits(&self, mut f: impl FnMut(Word) -> bool) {
        let mut start = 0;
        let blocks = self.word.len();
        for k in 0..blocks {
            let w = self.word[k];
            if w == 0 {
                continue;
            }
            let prev = if k == 0 { 0 } else { self.word[k - 1] >> 63 };
            let next = if k + 1 < blocks {
                self.word[k + 1] & 1
            } else {
                0
            };
            let mut starts = w & !(w << 1 | prev);
            let mut ends = w & !(w >> 1 | next << 63);
            // A word from the previous block ends at the first end.
            if (prev & w & 1) != 0 && ends != 0 {
                let end = 64 * k + ends.trailing_zeros() as usize + 1;
                ends &= ends - 1;
                let n = (end - start).min(57);
                let word = Word {
                    start,
                    end,
                    alnum: Self::bits(&self.alnum, start, n),
                    high: Self::bits(&self.high, start, n),
                };
                if !f(word) {
                    return;
                }
            }
            // Every other end closes the word of the lowest start left.
            let (alnum, high) = (self.alnum[k], self.high[k]);
            while ends != 0 {
                let (s, e) = (
                    starts.trailing_zeros() as usize,
                    ends.trailing_zeros() as usize,
                );
                starts &= starts - 1;
                ends &= ends - 1;
                // The word's bits: `e - s` is below 64.
                let keep = (2u64 << (e - s)).wrapping_sub(1);
                let word = Word {
                    start: 64 * k + s,
                    end: 64 * k + e + 1,
                    alnum: (alnum >> s) & keep,
                    high: (high >> s) & keep,
                };
                if !f(word) {
                    return;
                }
            }
            // A word that goes on into the next block.
            if starts != 0 {
                start = 64 * k + starts.trailing_zeros() as usize;
            }
        }
    }
}

/// A word of a line, with its masks.
#[derive(Debug, Clone, Copy)]
pub(super) struct Word {
    /// Where it starts.
    pub start: usize,
    /// Where it ends (exclusive).
    pub end: usize,
    /// Its ASCII letters and digits, bit `i` for byte `start + i`, over its
    /// first 57 bytes at least.
    pub alnum: u64,
    /// Its non-ASCII bytes, as `alnum`.
    pub high: u64,
}

/// The bytes of a line's head: what the glued-teaser test looks at.
pub(super) const HEAD: usize = 162;

/// Masks of the first [`HEAD`] bytes of a line (in three blocks), for the
/// glued-teaser test: what a byte is, and what it may start.
#[derive(Debug, Default, Clone)]
pub(super) struct HeadMasks {
    /// ASCII capitals.
    pub upper: [u64; 3],
    /// ASCII lower-case letters.
    pub lower: [u64; 3],
    /// `.`, `!` and `?`.
    pub marks: [u64; 3],
    /// ` `.
    pub spaces: [u64; 3],
    /// Non-ASCII bytes.
    pub high: [u64; 3],
    /// Lead bytes of characters that may be capitals: all but the caseless
    /// CJK leads 0xE3 to 0xE9 and 0xC3 before 0xA0 to 0xBF (`à` to `ÿ`).
    pub upper_leads: [u64; 3],
}

/// `m` shifted to higher bit numbers by `n` (below 64): bit `i` of the result
/// is bit `i - n` of `m`.
pub(super) fn up3(m: [u64; 3], n: u32) -> [u64; 3] {
    [
        m[0] << n,
        m[1] << n | m[0].checked_shr(64 - n).unwrap_or(0),
        m[2] << n | m[1].checked_shr(64 - n).unwrap_or(0),
    ]
}

/// `m` shifted to lower bit numbers by `n` (below 64): bit `i` of the result
/// is bit `i + n` of `m`.
pub(super) fn down3(m: [u64; 3], n: u32) -> [u64; 3] {
    [
        m[0] >> n | m[1].checked_shl(64 - n).unwrap_or(0),
        m[1] >> n | m[2].checked_shl(64 - n).unwrap_or(0),
        m[2] >> n,
    ]
}

/// The lowest set bit of `m`, if any.
pub(super) fn first3(m: [u64; 3]) -> Option<usize> {
    m.iter()
        .enumerate()
        .find(|(_, w)| **w != 0)
        .map(|(k, w)| 64 * k + w.trailing_zeros() as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn masks(t: &str) -> LineMasks {
        let mut m = LineMasks::default();
        m.fill(t);
        m
    }

    fn spans(t: &str) -> Vec<&str> {
        let m = masks(t);
        let mut got = Vec::new();
        m.for_each_word_bits(|w| {
            let len = w.end - w.start;
            let n = len.min(57);
            let bits = |mask: &[u64]| LineMasks::bits(mask, w.start, n);
            // The first 57 bytes at least, and nothing past the word.
            assert_eq!(w.alnum & ((1 << n) - 1), bits(&m.alnum), "{t:?}");
            assert_eq!(w.high & ((1 << n) - 1), bits(&m.high), "{t:?}");
            assert_eq!(
                (w.alnum | w.high).checked_shr(len as u32).unwrap_or(0),
                0,
                "{t:?}"
            );
            got.push(&t[w.start..w.end]);
            true
        });
        got
    }

    fn check(t: &str) {
        let m = masks(t);
        let words: Vec<&str> = t.split_whitespace().collect();
        assert_eq!(spans(t), words, "{t:?}");
        assert_eq!(m.words(), words.len(), "{t:?}");
        let ascii_alnum = words
            .iter()
            .filter(|w| w.bytes().any(|b| b.is_ascii_alphanumeric()))
            .count();
        assert_eq!(m.ascii_alnum_words(), ascii_alnum, "{t:?}");
        let either = words
            .iter()
            .filter(|w| w.bytes().any(|b| b.is_ascii_alphanumeric() || b >= 0x80))
            .count();
        assert_eq!(m.alnum_or_high_words(), either, "{t:?}");
        assert_eq!(m.any_high(), !t.is_ascii(), "{t:?}");
    }

    #[test]
    fn every_byte_is_classed_as_the_standard_library_classes_it() {
        for b in 0u8..0x80 {
            let t = format!("a{}b", b as char);
            let m = masks(&t);
            let c = b as char;
            assert_eq!(m.word[0] >> 1 & 1 == 0, c.is_whitespace(), "{b:#x}");
            assert_eq!(
                m.alnum[0] >> 1 & 1 == 1,
                c.is_ascii_alphanumeric(),
                "{b:#x}"
            );
            check(&t);
        }
    }

    #[test]
    fn words_are_split_on_every_unicode_space() {
        let spaces: Vec<char> = (0..=0x3000u32)
            .filter_map(char::from_u32)
            .filter(|c| c.is_whitespace())
            .collect();
        for sp in &spaces {
            check(&format!("a{sp}bé{sp}{sp}ç{sp}"));
        }
        // Near misses: the same lead bytes, other characters.
        check("x\u{2010}y\u{1681}z\u{3001}w\u{c2}v\u{2060}u");
    }

    #[test]
    fn words_across_block_boundaries_are_counted_once() {
        for pad in 0..70 {
            for word in ["abc", "--x", "---", "é-", "«»", "((((the))))", "a"] {
                let t = format!("{}{word} {} {word}{word}", " ".repeat(pad), "-".repeat(pad));
                check(&t);
                let t = format!("{}{}", "x".repeat(pad), word.repeat(30));
                check(&t);
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn masks_agree_with_split_whitespace(
            t in "([a-zA-Z0-9.,!?'\"()*:éÉßü«»…。한국語’”—-]{0,80}[ \t\u{b}\u{a0}\u{2003}\u{3000}]{0,2}){0,12}"
        ) {
            check(&t);
        }
    }
}
