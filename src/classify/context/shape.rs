//! A line's shape for the line model: counts of digits, capitals,
//! separators, times, years, month names, bullets and URL marks, read in one
//! pass over the bytes through a class table. [`shape`] must agree with the
//! plain character-by-character reference the tests keep (`shape_plain`).

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
    pub(super) month: bool,
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

/// [`MONTHS`] in a set, for [`is_month`].
pub(super) static MONTH_SET: std::sync::LazyLock<
    std::collections::HashSet<&str, foldhash::fast::FixedState>,
> = std::sync::LazyLock::new(|| MONTHS.iter().copied().collect());

/// Whether `word` (punctuation around it trimmed) is a month name. An ASCII
/// word is lower-cased byte by byte (as `char::to_lowercase` does it there);
/// the plain reference is `is_month_plain` in the tests.
pub(super) fn is_month(word: &str) -> bool {
    let w = word.trim_matches(|c: char| !c.is_alphabetic());
    if w.len() < 3 || w.len() > 13 {
        return false;
    }
    let mut buf = [0u8; 16];
    let mut n = 0;
    if w.is_ascii() {
        n = w.len();
        buf[..n].copy_from_slice(w.as_bytes());
        buf[..n].make_ascii_lowercase();
    } else {
        for c in w.chars().flat_map(char::to_lowercase) {
            let mut b = [0u8; 4];
            let e = c.encode_utf8(&mut b).as_bytes();
            if n + e.len() > buf.len() {
                return false;
            }
            buf[n..n + e.len()].copy_from_slice(e);
            n += e.len();
        }
    }
    let lower = std::str::from_utf8(&buf[..n]).unwrap_or("");
    MONTH_SET.contains(lower)
}

/// Classes of ASCII bytes for [`shape`]: white space (as
/// `char::is_whitespace` has it), digit, letter, capital, separator.
pub(super) const SPACE: u8 = 1;
pub(super) const DIGIT: u8 = 2;
pub(super) const LETTER: u8 = 4;
pub(super) const CAPITAL: u8 = 8;
pub(super) const SEPARATOR: u8 = 16;

/// The class bits of each ASCII byte.
pub(super) static ASCII_CLASS: [u8; 128] = {
    let mut t = [0u8; 128];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        t[b] = if c == b' ' || (c >= b'\t' && c <= b'\r') {
            SPACE
        } else if c.is_ascii_digit() {
            DIGIT
        } else if c.is_ascii_uppercase() {
            LETTER | CAPITAL
        } else if c.is_ascii_lowercase() {
            LETTER
        } else if c == b'|' || c == b'>' || c == b'/' {
            SEPARATOR
        } else {
            0
        };
        b += 1;
    }
    t
};

/// The searchers of [`Shape::url`]'s marks but `@`.
pub(super) static URL_MARKS: std::sync::LazyLock<[memchr::memmem::Finder<'static>; 3]> =
    std::sync::LazyLock::new(|| {
        ["http", "www.", ".com"].map(|m| memchr::memmem::Finder::new(m.as_bytes()).into_owned())
    });

/// The shape of `text` (trimmed). ASCII bytes are counted through a table,
/// without a branch on their class; other characters are decoded. The plain
/// reference is `shape_plain` in the tests.
pub(super) fn shape(text: &str) -> Shape {
    let t = crate::text::trim(text);
    let mut s = Shape::default();
    let mut word_start = true;
    let bytes = t.as_bytes();
    let (mut letters, mut capitals, mut digits, mut separators) = (0u32, 0u32, 0u32, 0u32);
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            let class = ASCII_CLASS[usize::from(b)];
            letters += u32::from(class & LETTER != 0);
            capitals += u32::from(class & CAPITAL != 0 && word_start);
            separators += u32::from(class & SEPARATOR != 0);
            if class & DIGIT != 0 {
                digits += 1;
                let at = i;
                if !s.time
                    && bytes.get(at + 1) == Some(&b':')
                    && bytes.get(at + 2).is_some_and(u8::is_ascii_digit)
                    && bytes.get(at + 3).is_some_and(u8::is_ascii_digit)
                {
                    s.time = true;
                }
                if !s.year
                    && word_start
                    && bytes.len() >= at + 4
                    && matches!(&bytes[at..at + 2], b"19" | b"20")
                    && bytes[at + 2..at + 4].iter().all(u8::is_ascii_digit)
                    && !bytes.get(at + 4).is_some_and(u8::is_ascii_digit)
                {
                    s.year = true;
                }
            }
            word_start = class & SPACE != 0;
            i += 1;
            continue;
        }
        let c = t[i..].chars().next().unwrap_or('\0');
        i += c.len_utf8();
        if c.is_whitespace() {
            word_start = true;
            continue;
        }
        if c.is_alphabetic() {
            letters += 1;
            if word_start && c.is_uppercase() {
                capitals += 1;
            }
        } else if matches!(c, '»' | '›' | '•' | '·') {
            separators += 1;
        }
        word_start = false;
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
    s.month = s.digits > 0 && t.split_whitespace().take(24).any(is_month);
    s.url =
        memchr::memchr(b'@', bytes).is_some() || URL_MARKS.iter().any(|f| f.find(bytes).is_some());
    s
}
