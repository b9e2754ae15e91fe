//! A line's shape for the line model: counts of digits, capitals,
//! separators, times, years, bullets and URL marks, read in one pass over the
//! bytes, 64 at a time, and whether it is dated (a time, or a month name with
//! a number). [`shape`] must agree with the plain character-by-character
//! reference the tests keep (`shape_plain`).

#[cfg(target_arch = "x86_64")]
use crate::classify::masks::Block64Avx2;
use crate::classify::masks::{Block, Block64};
use crate::simd::Lanes;

/// Text measures the classifier does not need for itself.
#[derive(Clone, Copy, Default, Debug, PartialEq)]
pub(super) struct Shape {
    pub(super) capitals: u32,
    pub(super) digits: u32,
    pub(super) letters: u32,
    pub(super) bullet: bool,
    pub(super) separators: u32,
    pub(super) ellipsis: bool,
    pub(super) time: bool,
    pub(super) year: bool,
    pub(super) url: bool,
    pub(super) quote: bool,
}

/// Month names and their short forms in the languages of the rules (lower
/// case, without a trailing dot).
pub(super) const MONTHS: &[&str] = &[
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "januar",
    "februar",
    "märz",
    "mai",
    "juni",
    "juli",
    "oktober",
    "dezember",
    "janvier",
    "février",
    "mars",
    "avril",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
    "janeiro",
    "fevereiro",
    "março",
    "maio",
    "junho",
    "julho",
    "setembro",
    "outubro",
    "dezembro",
    "gennaio",
    "febbraio",
    "aprile",
    "maggio",
    "giugno",
    "luglio",
    "settembre",
    "ottobre",
    "dicembre",
    "januari",
    "februari",
    "maart",
    "mei",
    "augustus",
    "stycznia",
    "lutego",
    "marca",
    "kwietnia",
    "maja",
    "czerwca",
    "lipca",
    "sierpnia",
    "września",
    "października",
    "listopada",
    "grudnia",
];

/// [`MONTHS`] in a set, for [`is_month`], as bytes.
pub(super) static MONTH_SET: std::sync::LazyLock<
    std::collections::HashSet<&[u8], foldhash::fast::FixedState>,
> = std::sync::LazyLock::new(|| MONTHS.iter().map(|m| m.as_bytes()).collect());

/// Whether `word` (punctuation around it trimmed) is a month name. An ASCII
/// word is trimmed and lower-cased byte by byte (as `char::is_alphabetic`
/// and `char::to_lowercase` do it there); the plain reference is
/// `is_month_plain` in the tests.
pub(super) fn is_month(word: &str) -> bool {
    if word.is_ascii() {
        return is_month_ascii(word.as_bytes());
    }
    let w = word.trim_matches(|c: char| !crate::text::is_alphabetic(c));
    if w.len() < 3 || w.len() > 13 {
        return false;
    }
    let mut buf = [0u8; 16];
    let mut n = 0;
    for c in w.chars().flat_map(char::to_lowercase) {
        let mut b = [0u8; 4];
        let e = c.encode_utf8(&mut b).as_bytes();
        if n + e.len() > buf.len() {
            return false;
        }
        buf[n..n + e.len()].copy_from_slice(e);
        n += e.len();
    }
    MONTH_SET.contains(&buf[..n])
}

/// [`is_month`] of an ASCII word.
fn is_month_ascii(w: &[u8]) -> bool {
    let Some(a) = w.iter().position(u8::is_ascii_alphabetic) else {
        return false;
    };
    let b = w.iter().rposition(u8::is_ascii_alphabetic).unwrap_or(a);
    let w = &w[a..=b];
    if w.len() < 3 || w.len() > 13 || !w[1].is_ascii_alphabetic() {
        return false;
    }
    let pair = usize::from(w[0].to_ascii_lowercase() - b'a') * 26
        + usize::from(w[1].to_ascii_lowercase() - b'a');
    if MONTH_PAIRS[pair / 64] >> (pair % 64) & 1 == 0 {
        return false;
    }
    let mut buf = [0u8; 16];
    buf[..w.len()].copy_from_slice(w);
    buf[..w.len()].make_ascii_lowercase();
    MONTH_SET.contains(&buf[..w.len()])
}

/// The first letters of [`MONTHS`], bit `c - b'a'` for letter `c`.
const MONTH_INITIALS: u32 = {
    let mut bits = 0u32;
    let mut k = 0;
    while k < MONTHS.len() {
        bits |= 1 << (MONTHS[k].as_bytes()[0] - b'a');
        k += 1;
    }
    bits
};

/// The first two letters of the ASCII [`MONTHS`], bit `26 * (a - b'a') + (b -
/// b'a')` for letters `a`, `b`.
const MONTH_PAIRS: [u64; 11] = {
    let mut bits = [0u64; 11];
    let mut k = 0;
    while k < MONTHS.len() {
        let m = MONTHS[k].as_bytes();
        if m.is_ascii() {
            let pair = (m[0] - b'a') as usize * 26 + (m[1] - b'a') as usize;
            bits[pair / 64] |= 1 << (pair % 64);
        }
        k += 1;
    }
    bits
};

/// The shape of `text` (trimmed). Its ASCII letters, capitals, digits,
/// separators and spaces are found 64 bytes at a time as bit masks
/// ([`Block64`]) and counted with popcounts; other characters are decoded,
/// times and years are looked for at the digits only, URL marks where a
/// mark's first two bytes stand. The plain
/// reference is `shape_plain` in the tests.
pub(super) fn shape(text: &str) -> Shape {
    #[cfg(target_arch = "x86_64")]
    if crate::simd::has_avx2() {
        // SAFETY: the processor has AVX2.
        #[allow(unsafe_code)]
        return unsafe { shape_avx2(text) };
    }
    // SAFETY: SSE2 is in every x86-64 processor, and elsewhere `Bytes16`
    // compares byte by byte.
    #[allow(unsafe_code)]
    unsafe {
        shape_in::<Block64>(text)
    }
}

/// [`shape`] compiled for AVX2.
///
/// # Safety
/// The processor must have AVX2.
#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code)]
#[target_feature(enable = "avx2")]
unsafe fn shape_avx2(text: &str) -> Shape {
    // SAFETY: the processor has AVX2 (this function's contract).
    unsafe { shape_in::<Block64Avx2>(text) }
}

/// [`shape`] with blocks of type `B`.
///
/// # Safety
/// The processor must have the instructions of `B`.
#[inline(always)]
#[allow(unsafe_code)]
pub(super) unsafe fn shape_in<B: Block>(text: &str) -> Shape {
    let t = crate::text::trim(text);
    let mut s = Shape::default();
    let bytes = t.as_bytes();
    let (mut letters, mut capitals, mut digits, mut separators) = (0u32, 0u32, 0u32, 0u32);
    // Whether the byte before the block ends a white-space character (the
    // line's start counts as one): the next character starts a word.
    let mut space_before = true;
    // The end of a white-space character that runs into the next block.
    let mut space_ends_next = 0u64;
    for (b, chunk) in bytes.chunks(64).enumerate() {
        // SAFETY: the processor has `B`'s instructions (this function's
        // contract).
        let x = unsafe { B::new(chunk) };
        let upper = x.mask(|v| v.range(b'A', b'Z'));
        let alpha = upper | x.mask(|v| v.range(b'a', b'z'));
        let digit = x.mask(|v| v.range(b'0', b'9'));
        let separator = x.mask(|v| v.eq(b'|') | v.eq(b'>') | v.eq(b'/'));
        // Bits of bytes that end a white-space character.
        let mut space = x.mask(|v| v.range(9, 13) | v.eq(b' ')) | space_ends_next;
        space_ends_next = 0;
        let high = x.mask(|v| v.high());
        if high != 0 {
            // Lead bytes: not ASCII, not a continuation byte.
            let mut leads = high & !x.mask(|v| v.range(0x80, 0xBF));
            while leads != 0 {
                let p = leads.trailing_zeros() as usize;
                leads &= leads - 1;
                let at = 64 * b + p;
                let c = t[at..].chars().next().unwrap_or('\0');
                if c.is_whitespace() {
                    let end = p + c.len_utf8() - 1;
                    if end < 64 {
                        space |= 1 << end;
                    } else {
                        space_ends_next = 1 << (end - 64);
                    }
                } else if crate::text::is_alphabetic(c) {
                    letters += 1;
                    let word_start = if p == 0 {
                        space_before
                    } else {
                        space >> (p - 1) & 1 != 0
                    };
                    capitals += u32::from(word_start && c.is_uppercase());
                } else if matches!(c, '»' | '›' | '•' | '·') {
                    separators += 1;
                }
            }
        }
        let word_start = space << 1 | u64::from(space_before);
        letters += alpha.count_ones();
        capitals += (upper & word_start).count_ones();
        digits += digit.count_ones();
        separators += separator.count_ones();
        if !s.url {
            // `@`, or a byte that starts `http`, `www.` or `.com` and is
            // followed by the mark's second byte (or ends the block); those
            // are checked in full.
            let then = |c: u8| x.mask(|v| v.eq(c)) >> 1 | 1 << 63;
            let mut starts = x.mask(|v| v.eq(b'h')) & then(b't')
                | x.mask(|v| v.eq(b'w')) & then(b'w')
                | x.mask(|v| v.eq(b'.')) & then(b'c');
            s.url = x.mask(|v| v.eq(b'@')) != 0;
            while starts != 0 && !s.url {
                let rest = &bytes[64 * b + starts.trailing_zeros() as usize..];
                starts &= starts - 1;
                s.url = [b"http", b"www.", b".com"]
                    .iter()
                    .any(|m| rest.starts_with(*m));
            }
        }
        let mut at_digits = digit;
        while at_digits != 0 && !(s.time && s.year) {
            let p = at_digits.trailing_zeros() as usize;
            at_digits &= at_digits - 1;
            let at = 64 * b + p;
            if !s.time
                && bytes.get(at + 1) == Some(&b':')
                && bytes.get(at + 2).is_some_and(u8::is_ascii_digit)
                && bytes.get(at + 3).is_some_and(u8::is_ascii_digit)
            {
                s.time = true;
            }
            if !s.year
                && word_start >> p & 1 != 0
                && bytes.len() >= at + 4
                && matches!(&bytes[at..at + 2], b"19" | b"20")
                && bytes[at + 2..at + 4].iter().all(u8::is_ascii_digit)
                && !bytes.get(at + 4).is_some_and(u8::is_ascii_digit)
            {
                s.year = true;
            }
        }
        space_before = space >> 63 != 0;
    }
    s.letters = letters;
    s.capitals = capitals;
    s.digits = digits;
    s.separators = separators;
    let first = t.chars().next();
    s.bullet = matches!(
        first,
        Some('•' | '·' | '-' | '*' | '▪' | '►' | '»' | '>' | '–' | '—' | '◦' | '●')
    ) || {
        let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
        digits > 0 && digits <= 3 && matches!(bytes.get(digits), Some(b'.' | b')'))
    };
    s.quote = matches!(first, Some('"' | '“' | '«' | '„' | '‘' | '\''));
    s.ellipsis = t.ends_with("...") || t.ends_with('…');
    s
}

/// Whether `text`, of shape `sh`, is dated: it holds a time, or a month name
/// among its first 24 words and a digit. The month names are looked for only
/// where there is no time and there is a digit: most lines are answered by
/// their shape.
pub(super) fn dated(text: &str, sh: &Shape) -> bool {
    sh.time || (sh.digits > 0 && names_month(crate::text::trim(text)))
}

/// [`dated`] of `text` whose shape is not wanted otherwise: its digits and
/// times are read byte by byte, without the rest of [`shape`].
pub(super) fn is_dated(text: &str) -> bool {
    let t = crate::text::trim(text);
    let b = t.as_bytes();
    let mut digit = false;
    for (i, c) in b.iter().enumerate() {
        if c.is_ascii_digit() {
            digit = true;
            if b.get(i + 1) == Some(&b':')
                && b.get(i + 2).is_some_and(u8::is_ascii_digit)
                && b.get(i + 3).is_some_and(u8::is_ascii_digit)
            {
                return true;
            }
        }
    }
    digit && names_month(t)
}

/// Whether one of the first 24 words of `t` is a month name ([`is_month`]).
fn names_month(t: &str) -> bool {
    if !t.is_ascii() {
        return t.split_whitespace().take(24).any(is_month);
    }
    // ASCII: the white space `split_whitespace` splits on is these bytes,
    // and a month name starts with one of a few letters.
    t.as_bytes()
        .split(|b| matches!(b, 9..=13 | b' '))
        .filter(|w| !w.is_empty())
        .take(24)
        .any(|w| {
            w.iter()
                .find(|b| b.is_ascii_alphabetic())
                .is_some_and(|&b| MONTH_INITIALS >> (b.to_ascii_lowercase() - b'a') & 1 != 0)
                && is_month_ascii(w)
        })
}
