//! The single-byte code pages that mojibake is undone through, in the order they are
//! tried, and a reverse index from a character to its byte in each page.

use std::sync::OnceLock;

use super::tables;

/// A single-byte code page: ASCII below 0x80 and a table above.
#[derive(Debug)]
pub struct Page {
    /// Bytes 0x80-0xFF.
    pub high: &'static [char; 128],
    /// Undefined bytes decode to the code point of the same number, and U+FFFD
    /// encodes as 0x1A (a byte that was lost), as browsers' decoders behave.
    pub sloppy: bool,
}

/// Every page, in the order mojibake repair tries them.
pub const PAGES: [Page; 10] = [
    Page {
        high: &tables::LATIN_1,
        sloppy: false,
    },
    Page {
        high: &tables::WINDOWS_1252,
        sloppy: true,
    },
    Page {
        high: &tables::WINDOWS_1251,
        sloppy: true,
    },
    Page {
        high: &tables::WINDOWS_1250,
        sloppy: true,
    },
    Page {
        high: &tables::WINDOWS_1253,
        sloppy: true,
    },
    Page {
        high: &tables::WINDOWS_1254,
        sloppy: true,
    },
    Page {
        high: &tables::WINDOWS_1257,
        sloppy: true,
    },
    Page {
        high: &tables::ISO_8859_2,
        sloppy: false,
    },
    Page {
        high: &tables::MAC_ROMAN,
        sloppy: false,
    },
    Page {
        high: &tables::CP437,
        sloppy: false,
    },
];

/// Index of windows-1252 in [`PAGES`].
pub const W1252: usize = 1;
/// Index of latin-1 in [`PAGES`].
pub const LATIN1: usize = 0;

/// A character's byte in each page (0 where the page lacks it).
pub type Bytes = [u8; PAGES.len()];

fn index() -> &'static [(char, Bytes)] {
    static INDEX: OnceLock<Vec<(char, Bytes)>> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut map: std::collections::BTreeMap<char, Bytes> = Default::default();
        for (p, page) in PAGES.iter().enumerate() {
            for (i, &c) in page.high.iter().enumerate() {
                if c != '\u{FFFD}' {
                    map.entry(c).or_insert([0; PAGES.len()])[p] = 0x80 + i as u8;
                }
            }
            if page.sloppy {
                map.entry('\u{FFFD}').or_insert([0; PAGES.len()])[p] = 0x1A;
            }
        }
        map.into_iter().collect()
    })
}

/// The bytes of non-ASCII `c` in every page, or `None` when no page has it.
pub fn lookup(c: char) -> Option<&'static Bytes> {
    let idx = index();
    idx.binary_search_by(|e| e.0.cmp(&c))
        .ok()
        .map(|i| &idx[i].1)
}

/// The byte of `c` in page `p`, if the page has it.
pub fn byte(c: char, p: usize) -> Option<u8> {
    if c.is_ascii() {
        return Some(c as u8);
    }
    lookup(c).map(|b| b[p]).filter(|&b| b != 0)
}

/// Encodes `text` in page `p`, or `None` when a character is not in it.
pub fn encode(text: &str, p: usize) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len());
    let mut rest = text;
    loop {
        // ASCII is its own byte in every page: copy runs of it.
        let ascii = rest.bytes().position(|b| b >= 0x80).unwrap_or(rest.len());
        out.extend_from_slice(&rest.as_bytes()[..ascii]);
        let mut chars = rest[ascii..].chars();
        let Some(c) = chars.next() else {
            return Some(out);
        };
        out.push(byte(c, p)?);
        rest = chars.as_str();
    }
}

/// Decodes one byte of page `p`.
pub fn decode_byte(b: u8, p: usize) -> char {
    if b < 0x80 {
        b as char
    } else {
        PAGES[p].high[(b - 0x80) as usize]
    }
}

/// Code points below this have their [`masks_in`] in a table.
pub const DENSE: usize = 0x2600;

/// [`masks_in`] computed from the index.
fn masks_of(c: char) -> (u16, u16) {
    let Some(bytes) = lookup(c) else {
        return (0, 0);
    };
    let (mut lead, mut cont) = (0u16, 0u16);
    for (p, &b) in bytes.iter().enumerate() {
        if (0xC2..=0xF4).contains(&b) {
            lead |= 1 << p;
        }
        if (0x80..=0xBF).contains(&b) || b == 0x1A {
            cont |= 1 << p;
        }
    }
    (lead, cont)
}

/// The masks of every code point below [`DENSE`], for [`masks_in`]: fetch it
/// once for a line, not once for a character.
pub fn dense_masks() -> &'static [(u16, u16); DENSE] {
    static TABLE: OnceLock<Box<[(u16, u16); DENSE]>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut t = Box::new([(0, 0); DENSE]);
        for (i, m) in t.iter_mut().enumerate() {
            *m = char::from_u32(i as u32).map_or((0, 0), masks_of);
        }
        t
    })
}

/// Bit `p` set: non-ASCII `c` is a UTF-8 lead byte (0xC2–0xF4) in page `p`, and,
/// second, a continuation byte (0x80–0xBF, or U+FFFD as a lost byte in a sloppy
/// page). `dense` is [`dense_masks`]: below U+2600, where nearly all page
/// characters are, a table gives the answer.
#[inline]
pub fn masks_in(dense: &[(u16, u16); DENSE], c: char) -> (u16, u16) {
    let cp = c as usize;
    if cp < DENSE {
        dense[cp]
    } else if cp < 0xF8FF {
        // No page has a character in U+2600..U+F8FF (CJK, Hangul…).
        (0, 0)
    } else {
        masks_of(c)
    }
}

/// The pages that have every character of `chars` (bit `p` for page `p`):
/// those that [`encode`] can take the text through.
pub fn having_all(chars: &[char]) -> u16 {
    static TABLE: OnceLock<Box<[u16; DENSE]>> = OnceLock::new();
    let table = TABLE.get_or_init(|| {
        let mut t = Box::new([0u16; DENSE]);
        for (i, m) in t.iter_mut().enumerate() {
            *m = char::from_u32(i as u32).map_or(0, having);
        }
        t
    });
    let all = (1u16 << PAGES.len()) - 1;
    chars.iter().fold(all, |acc, &c| {
        let cp = c as usize;
        let m = if c.is_ascii() {
            all
        } else if cp < DENSE {
            table[cp]
        } else {
            having(c)
        };
        acc & m
    })
}

/// The pages that have non-ASCII `c`.
fn having(c: char) -> u16 {
    if c.is_ascii() {
        return (1u16 << PAGES.len()) - 1;
    }
    lookup(c).map_or(0, |bytes| {
        bytes
            .iter()
            .enumerate()
            .filter(|(_, b)| **b != 0)
            .fold(0, |acc, (p, _)| acc | 1 << p)
    })
}

/// [`masks_in`] of any character, fetching the table.
#[cfg(test)]
pub fn masks(c: char) -> (u16, u16) {
    if c.is_ascii() {
        return (0, 0);
    }
    masks_in(dense_masks(), c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_page_has_a_character_where_masks_takes_its_shortcut() {
        for page in &PAGES {
            for &c in page.high.iter() {
                assert!(!(0x2600..0xF8FF).contains(&(c as u32)), "{c:?}");
            }
        }
    }

    #[test]
    fn table_and_shortcut_agree_with_the_index() {
        for c in (0x80..0x11000).filter_map(char::from_u32) {
            assert_eq!(masks(c), masks_of(c), "{c:?}");
        }
        assert_eq!(masks('a'), (0, 0));
    }

    #[test]
    fn a_page_has_all_characters_when_it_encodes_them() {
        for s in [
            "café",
            "Ã©",
            "中",
            "Ð¿Ñ€",
            "\u{FFFD}x",
            "a",
            "",
            "€Š",
            "├⌐",
            "ő",
        ] {
            let chars: Vec<char> = s.chars().collect();
            let mask = having_all(&chars);
            for p in 0..PAGES.len() {
                assert_eq!(
                    mask & (1 << p) != 0,
                    encode(s, p).is_some(),
                    "{s:?} page {p}"
                );
            }
        }
    }

    #[test]
    fn masks_agree_with_bytes() {
        // 'Ã' is 0xC3 in latin-1 and windows-1252: a lead byte there.
        let (lead, _) = masks('Ã');
        assert!(lead & (1 << LATIN1) != 0 && lead & (1 << W1252) != 0);
        // '©' is 0xA9 in windows-1252: a continuation byte.
        assert!(masks('©').1 & (1 << W1252) != 0);
        assert_eq!(masks('中'), (0, 0));
        assert_eq!(encode("café", W1252).as_deref(), Some(&b"caf\xe9"[..]));
        assert_eq!(encode("中", W1252), None);
    }
}
