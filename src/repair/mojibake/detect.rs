//! Whether a line looks like mojibake ([`is_bad`]): pairs of characters that
//! a single-byte code page makes of a UTF-8 lead and continuation byte, with
//! the exceptions that real text has (Cyrillic, box drawing, `à` before a
//! space). [`may_be_bad`] is a byte-level prefilter that must never say no
//! where [`is_bad`] says yes; the tests check the two together.

use super::*;

/// True for the C1 control characters U+0080–U+009F.
pub fn is_c1(c: char) -> bool {
    ('\u{80}'..='\u{9F}').contains(&c)
}

/// Punctuation that real text puts next to accented letters often enough that a
/// lead character followed by it proves nothing.
pub(super) fn common(c: char) -> bool {
    matches!(c, '…' | '’' | '‘' | '”' | '“' | '–' | '—' | '•' | '\u{A0}')
}

/// Cyrillic letters of Russian, Ukrainian and Belarusian that sit in the
/// continuation-byte range of windows-1251.
pub(super) fn east_slavic(c: char) -> bool {
    "ёЁіІїЇєЄўЎґҐ".contains(c)
}

/// Lowercase letters of Serbian and Macedonian in the continuation-byte range
/// of windows-1251: after a capital they are a word (`Ој`, `Његош`).
pub(super) fn south_slavic(c: char) -> bool {
    "јљњђћџѓќѕ".contains(c)
}

pub(super) fn is_cyrillic(c: char) -> bool {
    ('\u{400}'..='\u{4FF}').contains(&c)
}

pub(super) fn is_box(c: char) -> bool {
    ('\u{2500}'..='\u{259F}').contains(&c)
}

/// Whether `cont` after `lead` is what real text does.
pub(super) fn plausible_cont(lead: char, cont: char) -> bool {
    common(cont)
        || (is_cyrillic(lead) && (east_slavic(cont) || matches!(cont, '«' | '»')))
        || (is_box(lead) && is_box(cont))
}

/// A byte's place in UTF-8: how many continuation bytes a lead byte wants.
pub(super) fn utf8_need(b: u8) -> Option<usize> {
    match b {
        0xC2..=0xDF => Some(1),
        0xE0..=0xEF => Some(2),
        0xF0..=0xF4 => Some(3),
        _ => None,
    }
}

pub(super) fn is_cont(b: u8) -> bool {
    (0x80..=0xBF).contains(&b)
}

/// The code point of a UTF-8 sequence (lead + continuation bytes), surrogates and
/// overlong forms included; `None` when malformed.
pub(super) fn sequence_value(seq: &[u8]) -> Option<u32> {
    let (first, rest) = seq.split_first()?;
    let mut v = match rest.len() {
        1 => (first & 0x1F) as u32,
        2 => (first & 0x0F) as u32,
        3 => (first & 0x07) as u32,
        _ => return None,
    };
    for &b in rest {
        if !is_cont(b) {
            return None;
        }
        v = (v << 6) | (b & 0x3F) as u32;
    }
    let min = [0, 0x80, 0x800, 0x10000][rest.len()];
    (v >= min && v <= 0x10FFFF).then_some(v)
}

/// Whether the characters around position `i` look like mojibake in page `p`:
/// returns the length in characters of the suspicious sequence.
pub(super) fn bad_at(chars: &[char], i: usize, p: usize) -> Option<usize> {
    let lead = chars[i];
    let x = pages::byte(lead, p)?;
    let need = utf8_need(x)?;
    if i + need >= chars.len() {
        return None;
    }
    let conts = &chars[i + 1..=i + need];
    let mut seq = [x, 0, 0, 0];
    let mut lossy = false;
    for (k, &c) in conts.iter().enumerate() {
        let b = pages::byte(c, p)?;
        if b == 0x1A {
            lossy = true;
            seq[k + 1] = 0x80;
        } else if is_cont(b) {
            seq[k + 1] = b;
        } else {
            return None;
        }
    }
    let value = sequence_value(&seq[..=need])?;
    let prev = i.checked_sub(1).map(|j| chars[j]);
    let next = chars.get(i + need + 1).copied();
    let len = need + 1;
    if lossy {
        return (need >= 2 || prev.is_some_and(char::is_alphabetic)).then_some(len);
    }
    let all_plausible = conts.iter().all(|&c| plausible_cont(lead, c));
    // Two sequences in a row (Hebrew, Arabic, Greek as windows-1252).
    if !all_plausible && let Some(next_lead) = next {
        let j = i + need + 1;
        if let Some(nb) = pages::byte(next_lead, p)
            && let Some(n2) = utf8_need(nb)
            && j + n2 < chars.len()
            && chars[j + 1..=j + n2]
                .iter()
                .all(|&c| pages::byte(c, p).is_some_and(is_cont))
        {
            return Some(len);
        }
    }
    if need >= 2 {
        // Letters after a letter are a word; one symbol repeated is decoration;
        // a private-use code point is no one's intent.
        let words = lead.is_alphabetic() && conts.iter().all(|c| c.is_alphabetic());
        let repeated = conts.iter().all(|&c| c == conts[0]);
        let private = (0xE000..=0xF8FF).contains(&value);
        return (!all_plausible && !words && !repeated && !private).then_some(len);
    }
    let cont = conts[0];
    match lead {
        // `Â` and a capital is a word in capitals (`ÂŞIK`): no UTF-8 sequence
        // of a page decodes from it to a letter but `ª`.
        'Â' if cont.is_uppercase() => return None,
        'Â' | 'Ã' => return (!matches!(cont, '…' | '’')).then_some(len),
        'Р' | 'С' => return (!plausible_cont(lead, cont)).then_some(len),
        // Among Cyrillic letters only: `Ој` is a word, `SchlГјssel` is not.
        _ if is_cyrillic(lead)
            && south_slavic(cont)
            && prev.is_none_or(|p| !p.is_alphabetic() || is_cyrillic(p))
            && next.is_none_or(|n| !n.is_alphabetic() || is_cyrillic(n)) =>
        {
            return None;
        }
        '√' | 'ƒ' | '∆' | '≈' => {
            return prev.is_some_and(char::is_alphabetic).then_some(len);
        }
        _ => {}
    }
    if is_box(lead) {
        // A box-drawing lead with a letter, or glued to a letter before it
        // and to a symbol that is not a box (`caf├⌐`; `a┼┐a` is line art).
        let glued = prev.is_some_and(|c| c.is_alphabetic()) && !is_box(cont);
        return (cont.is_alphabetic() || glued).then_some(len);
    }
    // A capital outside ASCII right after a lowercase letter is odd in any
    // word (`niĹĽ`, `EbbĹ‘l`, `VyriausybÄ—`), whatever follows it.
    let odd = prev.is_some_and(char::is_lowercase);
    if !lead.is_uppercase() || (all_plausible && !odd) {
        return None;
    }
    // Targets that real text rarely means: Latin-1 symbols (except through Â),
    // Armenian and the Cyrillic supplement.
    if (0x80..=0xBF).contains(&value) || (0x500..=0x5CF).contains(&value) {
        return None;
    }
    let bad = if cont.is_uppercase() {
        next.is_some_and(char::is_lowercase) || odd
    } else if cont.is_alphabetic() {
        true
    } else {
        next.is_some_and(char::is_alphanumeric) || prev.is_some_and(char::is_lowercase)
    };
    bad.then_some(len)
}

/// `Ã` and a space where `à` lost its 0xA0 byte: `voilÃ le`, `Ã perturber`.
pub(super) fn a_grave_at(chars: &[char], i: usize) -> bool {
    let prev = i.checked_sub(1).map(|j| chars[j]);
    chars.get(i) == Some(&'Ã')
        && chars.get(i + 1) == Some(&' ')
        && match chars.get(i + 2) {
            Some(' ') => prev.is_some_and(char::is_lowercase),
            Some(c) => c.is_lowercase() && !prev.is_some_and(char::is_uppercase),
            None => false,
        }
}

/// True when the text looks like mojibake: a C1 control character, or a character
/// sequence that is a UTF-8 sequence in some page and implausible as real text.
pub fn is_bad(chars: &[char]) -> bool {
    let dense = pages::dense_masks();
    let masks = |c: char| {
        if c.is_ascii() {
            (0, 0)
        } else {
            pages::masks_in(dense, c)
        }
    };
    for i in 0..chars.len() {
        let c = chars[i];
        if c.is_ascii() {
            continue;
        }
        if is_c1(c) || a_grave_at(chars, i) {
            return true;
        }
        let (lead, _) = masks(c);
        let cont = chars.get(i + 1).map_or(0, |&n| masks(n).1);
        let both = lead & cont;
        if both != 0
            && (0..PAGES.len()).any(|p| both & (1 << p) != 0 && bad_at(chars, i, p).is_some())
        {
            return true;
        }
    }
    false
}

/// False when [`is_bad`] is sure to be false, found without collecting the
/// characters: no C1 control, no `Ã ` and no two characters in a row that are a
/// lead and a continuation byte in the same page.
pub(super) fn may_be_bad(line: &str) -> bool {
    let dense = pages::dense_masks();
    let mut prev_lead = 0u16;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_ascii() {
            prev_lead = 0;
            continue;
        }
        let (lead, cont) = pages::masks_in(dense, c);
        if prev_lead & cont != 0 || is_c1(c) || (c == 'Ã' && chars.peek() == Some(&' ')) {
            return true;
        }
        prev_lead = lead;
    }
    false
}
