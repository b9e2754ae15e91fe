//! Mojibake: UTF-8 text that was decoded through a single-byte code page, maybe
//! several times. The repair re-encodes through the code page and decodes as UTF-8,
//! when a badness measure says the text is mojibake and the bytes are valid UTF-8.
//!
//! The steps on a line, repeated until nothing changes:
//! 1. when the line looks bad ([`is_bad`]): the whole line through each page of
//!    `PAGES` in turn, with bytes that were lost restored (0xA0 that became a space,
//!    a sequence whose last byte became U+FFFD or `?`); the first that decodes wins;
//! 2. else mojibake runs inside an otherwise good line, through windows-1252 and
//!    every other page that has a lead and a continuation byte in a row there;
//! 3. else C1 control characters, read as the windows-1252 characters they were.

use super::pages::{self, PAGES, W1252};
use super::{Disabled, RepairRule};

mod detect;
mod weird;

use detect::*;
pub use detect::{is_bad, is_c1};
pub(crate) use weird::weirdness;
use weird::*;

/// Decodes UTF-8 and its variants: CESU-8 surrogate pairs and `C0 80` for NUL.
pub fn decode_utf8_variants(bytes: &[u8]) -> Option<String> {
    let mut out = String::with_capacity(bytes.len());
    let mut rest = bytes;
    loop {
        match std::str::from_utf8(rest) {
            Ok(s) => {
                out.push_str(s);
                return Some(out);
            }
            Err(e) => {
                let (good, bad) = rest.split_at(e.valid_up_to());
                out.push_str(std::str::from_utf8(good).ok()?);
                if bad.len() >= 6
                    && bad[0] == 0xED
                    && (0xA0..=0xAF).contains(&bad[1])
                    && is_cont(bad[2])
                    && bad[3] == 0xED
                    && (0xB0..=0xBF).contains(&bad[4])
                    && is_cont(bad[5])
                {
                    let hi = sequence_value(&bad[..3])?;
                    let lo = sequence_value(&bad[3..6])?;
                    let c = char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))?;
                    out.push(c);
                    rest = &bad[6..];
                } else if bad.starts_with(&[0xC0, 0x80]) {
                    out.push('\0');
                    rest = &bad[2..];
                } else {
                    return None;
                }
            }
        }
    }
}

/// Restores 0xA0 bytes that became spaces (`Â ` for a no-break space, `Ã ` for `à`).
fn restore_a0(b: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(b.len() + 4);
    let mut i = 0;
    while i < b.len() {
        let x = b[i];
        let at = |k: usize| b.get(i + k).copied();
        if x == 0xC3 && at(1) == Some(b' ') {
            let after = &b[(i + 2).min(b.len())..];
            let keep_space = !(after.first() == Some(&b' ')
                || after.starts_with(b"s ")
                || after.starts_with(b"quele")
                || after.starts_with(b"quela")
                || after.starts_with(b"quilo"));
            out.extend_from_slice(&[0xC3, 0xA0]);
            if keep_space {
                out.push(b' ');
            }
            i += 2;
            continue;
        }
        match utf8_need(x) {
            Some(1) if matches!(x, 0xC2 | 0xC5 | 0xCE | 0xD0 | 0xD9) && at(1) == Some(b' ') => {
                out.extend_from_slice(&[x, 0xA0]);
                i += 2;
                continue;
            }
            Some(n @ 2..=3) => {
                let seq: Vec<u8> = (1..=n).filter_map(at).collect();
                if seq.len() == n
                    && seq.iter().filter(|&&c| c == b' ').count() == 1
                    && seq.iter().all(|&c| c == b' ' || is_cont(c))
                {
                    out.push(x);
                    out.extend(seq.iter().map(|&c| if c == b' ' { 0xA0 } else { c }));
                    i += n + 1;
                    continue;
                }
            }
            _ => {}
        }
        out.push(x);
        i += 1;
    }
    out
}

/// Sequences whose continuation bytes were lost (0x1A for U+FFFD, or `?`) become
/// U+FFFD; a lone 0x1A that stood for U+FFFD becomes U+FFFD again.
fn replace_lossy(b: &[u8], had_sub: bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let x = b[i];
        if let Some(n) = utf8_need(x)
            && i + n < b.len()
        {
            let conts = &b[i + 1..=i + n];
            let lost = |c: u8| c == 0x1A || c == b'?';
            let first_ok = conts[0] != b'?' || matches!(x, 0xC2 | 0xC3 | 0xE2);
            if first_ok
                && conts.iter().all(|&c| is_cont(c) || lost(c))
                && conts.iter().any(|&c| lost(c))
            {
                out.extend_from_slice("\u{FFFD}".as_bytes());
                i += n + 1;
                continue;
            }
        }
        if x == 0x1A && !had_sub {
            out.extend_from_slice("\u{FFFD}".as_bytes());
        } else {
            out.push(x);
        }
        i += 1;
    }
    out
}

/// False when [`through_page`] is sure to fail, found from the first
/// character that is not ASCII in page `p`: it must be in the page and begin a
/// UTF-8 sequence (0xC0 too, for `C0 80`), and the characters after it must be
/// continuation bytes there or what the repair takes for lost ones (a space,
/// `?`, 0x1A). [`restore_a0`] and [`replace_lossy`] leave the bytes before it
/// valid and do not change its byte, so an invalid sequence there is invalid
/// in the end too. Encoding a long line through every page to learn that its
/// first accented letter stands alone is most of the cost otherwise.
fn may_go_through_page(line: &str, p: usize) -> bool {
    let mut chars = line.chars();
    let lead = loop {
        let Some(c) = chars.next() else {
            // ASCII in this page throughout.
            return false;
        };
        if c.is_ascii() {
            continue;
        }
        match pages::byte(c, p) {
            None => return false,
            Some(b) if b >= 0x80 => break b,
            Some(_) => {}
        }
    };
    let need = match lead {
        0xC0 => 1,
        b => match utf8_need(b) {
            Some(n) => n,
            None => return false,
        },
    };
    (0..need).all(|_| {
        chars.next().is_some_and(|c| {
            matches!(c, ' ' | '?' | '\u{1A}')
                || pages::byte(c, p).is_some_and(|b| is_cont(b) || b == 0x1A)
        })
    })
}

/// The whole line through page `p`, if that gives valid UTF-8.
fn through_page(line: &str, p: usize) -> Option<String> {
    if !may_go_through_page(line, p) {
        return None;
    }
    decode_through_page(line, p)
}

/// [`through_page`] without the quick check.
fn decode_through_page(line: &str, p: usize) -> Option<String> {
    let mut bytes = pages::encode(line, p)?;
    if bytes.is_ascii() {
        return None;
    }
    if bytes.contains(&b' ') && (PAGES[p].sloppy || p == pages::LATIN1) {
        bytes = restore_a0(&bytes);
    }
    // Only a 0x1A (U+FFFD in a sloppy page) or a `?` can stand for lost bytes.
    if (PAGES[p].sloppy || line.contains('?')) && memchr::memchr2(0x1A, b'?', &bytes).is_some() {
        bytes = replace_lossy(&bytes, line.contains('\u{1A}'));
    }
    decode_utf8_variants(&bytes)
}

/// windows-1252 byte of `c`, with C1 characters as their own byte (latin-1).
fn byte_1252(c: char) -> Option<u8> {
    pages::byte(c, W1252).or(if is_c1(c) { Some(c as u8) } else { None })
}

/// The byte of `c` in page `p` for runs inside a line: windows-1252 takes C1
/// controls as their own byte too.
fn inline_byte(c: char, p: usize) -> Option<u8> {
    if p == W1252 {
        byte_1252(c)
    } else {
        pages::byte(c, p)
    }
}

/// A run of UTF-8 sequences (as characters of a page) inside a line.
struct Run {
    start: usize,
    end: usize,
    fixed: String,
    /// Bad enough to decode: alone, or where it stands in the line.
    sure: bool,
    /// Bad alone (windows-1252 only), which needs no other evidence.
    alone: bool,
}

/// Fixes mojibake runs of page `p` inside a line that as a whole is not
/// mojibake. A run is decoded when it looks bad alone, or where it stands
/// ([`bad_at`] in the line: `neÅ¾ mzdy`, `zsynchronizowaÄ‡`); a run that is
/// ambiguous (`Ã…`) is decoded when another run in the same word is sure
/// (`Ã…ngstrÃ¶m`). Runs alone are judged only in windows-1252, the page of
/// most mojibake; in the others a run must be bad where it stands. The flag
/// says whether a word was decoded without a run that is bad alone: then the
/// caller wants more evidence ([`weirdness`]).
fn fix_inline(chars: &[char], p: usize) -> Option<(String, bool)> {
    let orphan = |c: char| {
        !c.is_ascii() && !common(c) && c != '\u{FFFD}' && inline_byte(c, p).is_some_and(is_cont)
    };
    let mut runs: Vec<Run> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        // Longest run of consecutive sequences starting at i, and where
        // each sequence starts.
        let mut j = i;
        let mut bytes = Vec::new();
        let mut starts = Vec::new();
        loop {
            if p == W1252 && a_grave_at(chars, j) {
                bytes.extend_from_slice(&[0xC3, 0xA0]);
                j += 1; // keep the space
                break;
            }
            let Some(need) = chars
                .get(j)
                .and_then(|&c| inline_byte(c, p))
                .and_then(utf8_need)
            else {
                break;
            };
            if j + need >= chars.len() {
                break;
            }
            let seq: Option<Vec<u8>> = chars[j..=j + need]
                .iter()
                .map(|&c| {
                    if c == '\u{FFFD}' {
                        Some(0x1A)
                    } else {
                        inline_byte(c, p)
                    }
                })
                .collect();
            let Some(seq) = seq else { break };
            let lossy = seq[1..].contains(&0x1A);
            // Bytes lost to U+FFFD: windows-1252 only, the page of lossy
            // mojibake (`пі�` is a Ukrainian word that lost a letter).
            let ok = if lossy {
                p == W1252
                    && seq[1..].iter().all(|&b| is_cont(b) || b == 0x1A)
                    && (seq[1] != 0x1A || seq[0] == 0xE2)
            } else {
                sequence_value(&seq).is_some()
            };
            if !ok {
                break;
            }
            bytes.extend_from_slice(&seq);
            starts.push(j);
            j += need + 1;
        }
        let eligible =
            j > i && !(i > 0 && orphan(chars[i - 1])) && !chars.get(j).is_some_and(|&c| orphan(c));
        if eligible && let Some(fixed) = decode_utf8_variants(&replace_lossy(&bytes, false)) {
            let run = &chars[i..j];
            // `Ã¥` could be latin-1 or MacRoman (ftfy's negative case): only
            // with another run in its word, or in a line with other letters
            // outside ASCII (`pÃ¥ mötet`).
            let ambiguous = run == ['Ã', '¥']
                && !chars[..i]
                    .iter()
                    .chain(&chars[j..])
                    .any(|c| !c.is_ascii() && c.is_alphabetic());
            let alone = p == W1252 && run != ['Ã', '¥'] && is_bad(run);
            let alone = alone || (p == W1252 && a_grave_at(chars, i));
            let in_line = !ambiguous
                && starts
                    .iter()
                    .any(|&k| bad_at(chars, k, p).is_some() || nbsp_in_word(chars, k));
            runs.push(Run {
                start: i,
                end: j,
                fixed,
                sure: alone || in_line,
                alone,
            });
            i = j;
            continue;
        }
        i += 1;
    }
    // Words end at ASCII whitespace: a no-break space can be a byte of a run.
    let word_of = |k: usize| {
        let s = (0..k)
            .rev()
            .find(|&x| chars[x].is_ascii_whitespace())
            .map_or(0, |x| x + 1);
        let e = (k..chars.len())
            .find(|&x| chars[x].is_ascii_whitespace())
            .unwrap_or(chars.len());
        (s, e)
    };
    let sure_words: Vec<(usize, usize)> = runs
        .iter()
        .filter(|r| r.sure)
        .map(|r| word_of(r.start))
        .collect();
    if sure_words.is_empty() {
        return None;
    }
    let alone_words: Vec<(usize, usize)> = runs
        .iter()
        .filter(|r| r.alone)
        .map(|r| word_of(r.start))
        .collect();
    // Each word with a sure run, decoded alone: kept when it does not mix
    // scripts more than before (`Úžasný` among damaged words stays).
    let decoded: Vec<&Run> = runs
        .iter()
        .filter(|r| r.sure || sure_words.contains(&word_of(r.start)))
        .collect();
    let mut out = String::with_capacity(chars.len() * 2);
    let mut k = 0;
    let mut needs_evidence = false;
    let mut changed = false;
    let mut r = 0;
    while r < decoded.len() {
        let (ws, we) = word_of(decoded[r].start);
        let end = r + decoded[r..]
            .iter()
            .take_while(|x| word_of(x.start) == (ws, we))
            .count();
        // A run ends inside its word, but for `Ã` and a space (`à `).
        let we = decoded[r..end].iter().map(|x| x.end).fold(we, usize::max);
        let mut word = String::new();
        let mut at = ws;
        for run in &decoded[r..end] {
            word.extend(&chars[at..run.start]);
            word.push_str(&run.fixed);
            at = run.end;
        }
        word.extend(&chars[at..we]);
        let old: String = chars[ws..we].iter().collect();
        // Lost bytes are read through windows-1252 only: elsewhere a word
        // with a U+FFFD may hold a sequence that cannot be read (`ç”¨æ„�`).
        let lost = p != W1252 && old.contains('\u{FFFD}');
        if !lost && mixed_words(&word) <= mixed_words(&old) {
            out.extend(&chars[k..ws]);
            out.push_str(&word);
            k = we;
            changed = true;
            needs_evidence |= !alone_words.contains(&(ws, we));
        } else {
            // A word left as it was: the others want more evidence.
            needs_evidence = true;
        }
        r = end;
    }
    if !changed {
        return None;
    }
    out.extend(&chars[k..]);
    Some((out, needs_evidence))
}

/// A capital that is a UTF-8 lead byte, then a no-break space that was its
/// continuation byte, glued to a lowercase letter at the start of a word
/// (`Å\u{A0}iaulių` for `Šiaulių`). Real text puts a no-break space after a
/// word, not inside one; [`fix_inline`] still asks that the line be less weird.
fn nbsp_in_word(chars: &[char], k: usize) -> bool {
    chars[k].is_uppercase()
        && chars.get(k + 1) == Some(&'\u{A0}')
        && chars.get(k + 2).is_some_and(|c| c.is_lowercase())
        && k.checked_sub(1).is_none_or(|j| !chars[j].is_alphanumeric())
}

/// Mojibake runs inside a good line ([`fix_inline`]) through every page that
/// has a lead and a continuation byte in a row in `line`, windows-1252 first:
/// of the plausible results (each, unless a run was bad alone, less weird
/// than the line ([`weirdness`]) and [`settled`]), the least weird when it is
/// the only one, then the one with most known words; otherwise nothing. A
/// windows-1252 result whose every word had a run bad alone is taken at once.
fn inline_through_pages(line: &str, chars: &[char]) -> Choice {
    let pairs = page_pairs(chars);
    let mut found: Vec<String> = Vec::new();
    // Counted once, when first needed.
    let (mut old_mixed, mut before) = (None, None);
    let order = std::iter::once(W1252).chain((0..PAGES.len()).filter(|&p| p != W1252));
    for p in order {
        // C1 controls count as windows-1252 bytes; other pages need a pair.
        if pairs & (1 << p) == 0 && !(p == W1252 && chars.iter().any(|&c| is_c1(c))) {
            continue;
        }
        if let Some((fixed, needs_evidence)) = fix_inline(chars, p)
            && fixed != line
            && !found.contains(&fixed)
            && mixed_words(&fixed) <= *old_mixed.get_or_insert_with(|| mixed_words(line))
            && (!needs_evidence
                || (weirdness(&fixed) < *before.get_or_insert_with(|| weirdness(line))
                    && settled(&fixed, p)))
        {
            // A clear winner: windows-1252, every word with a run bad alone
            // (what this repair did before it tried other pages).
            if p == W1252 && !needs_evidence {
                return Choice::One(fixed);
            }
            found.push(fixed);
        }
    }
    choose(found)
}

/// Whether [`fix_inline`] finds nothing more to decode in `s` through page
/// `p` nor through windows-1252: a repair that leaves mojibake behind was a
/// guess into a garble (`ã¢â‚¬â„¢ãƒæ’…`).
fn settled(s: &str, p: usize) -> bool {
    let chars: Vec<char> = s.chars().collect();
    fix_inline(&chars, p).is_none() && (p == W1252 || fix_inline(&chars, W1252).is_none())
}

/// The pages in which two characters in a row of `chars` are a UTF-8 lead
/// byte and a continuation byte (bit `p` for page `p`).
fn page_pairs(chars: &[char]) -> u16 {
    let dense = pages::dense_masks();
    let mut all = 0u16;
    let mut prev_lead = 0u16;
    for &c in chars {
        // ASCII is (0, 0) in the table.
        let (lead, cont) = pages::masks_in(dense, c);
        all |= prev_lead & cont;
        prev_lead = lead;
    }
    all
}

/// What the whole-line repair found.
enum Choice {
    /// No page decodes the line into plausible text.
    None,
    /// The repaired line: every page that decodes it agrees, or one result is
    /// clearly better than the others.
    One(String),
    /// Pages decode the line into different texts and none is clearly better.
    Undecided,
}

/// The whole line through every page ([`through_page`]); of the plausible
/// results that differ, the least weird ([`weirdness`]) when it is the only
/// one, then the one with most known words when it is the only one.
///
/// Only the pages that have every character of the line are tried, and the
/// line's own mixed words are counted once.
fn whole_line(line: &str, chars: &[char]) -> Choice {
    let having = pages::having_all(chars);
    let mut found: Vec<String> = Vec::new();
    let mut old_mixed = None;
    for p in 0..PAGES.len() {
        if having & (1 << p) == 0 {
            continue;
        }
        if let Some(fixed) = through_page(line, p)
            && fixed != line
            && !found.contains(&fixed)
            && mixed_words(&fixed) <= *old_mixed.get_or_insert_with(|| mixed_words(line))
        {
            found.push(fixed);
        }
    }
    choose(found)
}

/// Of the different results of repairing one line, the only one, or the
/// least weird ([`weirdness`]) when it is the only one, then the one with most
/// known words when it is the only one.
fn choose(mut found: Vec<String>) -> Choice {
    match found.len() {
        0 => Choice::None,
        1 => Choice::One(found.pop().unwrap_or_default()),
        _ => {
            let score = |s: &String| (weirdness(s), std::cmp::Reverse(known_words(s)));
            let best = found.iter().map(score).min();
            let mut best_ones = found.iter().filter(|s| Some(score(s)) == best);
            match (best_ones.next(), best_ones.next()) {
                (Some(one), None) => Choice::One(one.clone()),
                _ => Choice::Undecided,
            }
        }
    }
}

/// The number of words of `s` (lowercased, punctuation trimmed) in the word
/// lists shipped with the crate.
pub(crate) fn known_words(s: &str) -> usize {
    s.split(char::is_whitespace)
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase()
        })
        .filter(|w| !w.is_ascii() && super::words::is_known(w))
        .count()
}

/// One step of mojibake repair on a line: the new line and the rule that made it.
pub fn fix_step(line: &str, off: Disabled) -> Option<(String, RepairRule)> {
    if line.is_ascii() || !may_be_bad(line) {
        return None;
    }
    let chars: Vec<char> = line.chars().collect();
    if !is_bad(&chars) {
        return None;
    }
    if !off.contains(RepairRule::Mojibake) {
        match whole_line(line, &chars) {
            Choice::One(fixed) => return Some((fixed, RepairRule::Mojibake)),
            // Pages that disagree and nothing to choose between them: the
            // line is left as it is.
            Choice::Undecided => return None,
            Choice::None => {}
        }
    }
    if !off.contains(RepairRule::MojibakeInline) {
        match inline_through_pages(line, &chars) {
            Choice::One(fixed) => return Some((fixed, RepairRule::MojibakeInline)),
            // Pages that disagree: C1 controls can still be read.
            Choice::Undecided | Choice::None => {}
        }
    }
    if !off.contains(RepairRule::C1Controls) && chars.iter().any(|&c| is_c1(c)) {
        let fixed: String = chars
            .iter()
            .map(|&c| {
                if is_c1(c) {
                    pages::decode_byte(c as u8, W1252)
                } else {
                    c
                }
            })
            .collect();
        if fixed != line {
            return Some((fixed, RepairRule::C1Controls));
        }
    }
    None
}

#[cfg(test)]
mod tests;
