//! Stage 3: repair mis-encoded text without touching text that was fine.
//!
//! Every change is a named rule (see [`RULES`]) and is reported as a [`Fix`].
//! Repair never adds or removes a line break, so line numbers stay those of the
//! decoded input. The rules, in the order they run on a line:
//!
//! * [`entities`]: HTML character references, only in text that is not HTML;
//! * [`mojibake`]: UTF-8 read through a single-byte code page, one or more times,
//!   whole lines or runs inside good lines, and C1 control characters;
//! * [`fffd`]: characters lost to U+FFFD, guessed from context (`guess`).
//!
//! Clean text is the common case: a line with nothing suspicious (two non-ASCII
//! characters in a row that could be a UTF-8 sequence in a code page, a C1
//! control, U+FFFD, `Ã `, `&`) is only trimmed, after one scan of its bytes.

use std::borrow::Cow;
use std::collections::BTreeSet;

use crate::record::Fix;
use crate::simd;
pub use rule::{Disabled, RepairRule};

pub mod entities;
mod entity_table;
pub mod fffd;
pub mod mojibake;
mod pages;
mod rule;
mod tables;
mod words;

/// Options of the repair stage.
#[derive(Debug, Clone)]
pub struct RepairOptions {
    /// Restore characters lost to U+FFFD by guessing from context (`--no-guess` turns it off).
    pub guess: bool,
    /// Repair rule ids turned off.
    pub disabled: BTreeSet<String>,
}

impl Default for RepairOptions {
    fn default() -> Self {
        RepairOptions {
            guess: true,
            disabled: BTreeSet::new(),
        }
    }
}

impl RepairOptions {
    /// Whether `rule` is turned off.
    pub fn is_disabled(&self, rule: RepairRule) -> bool {
        self.disabled.contains(rule.id())
    }

    /// The repair rules turned off, as a set (the ids parsed once).
    pub fn disabled_rules(&self) -> Disabled {
        Disabled::from_ids(self.disabled.iter().map(String::as_str))
    }
}

/// Repaired text and the fixes that made it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Repaired {
    /// The text after repair; it has as many lines as the input.
    pub text: String,
    /// Every repair made, in order of line.
    pub fixes: Vec<Fix>,
    /// The byte offset in `text` where each line ends: its `\n`, and for the
    /// last line the end of `text` (see [`crate::segment::lines_ending_at`]).
    pub line_ends: Vec<usize>,
}

impl Repaired {
    /// The lines of the repaired text (what [`crate::segment::lines`] gives,
    /// without looking for the line breaks again).
    pub fn lines(&self) -> Vec<crate::segment::Line<'_>> {
        crate::segment::lines_ending_at(&self.text, &self.line_ends)
    }
}

/// The repair rules: id and what each does ([`RepairRule::ALL`] in order).
pub const RULES: &[(&str, &str)] = &{
    let mut out = [("", ""); RepairRule::ALL.len()];
    let mut i = 0;
    while i < out.len() {
        out[i] = (RepairRule::ALL[i].id(), RepairRule::ALL[i].description());
        i += 1;
    }
    out
};

/// Whether `id` names a repair rule.
pub fn is_rule(id: &str) -> bool {
    RepairRule::from_id(id).is_some()
}

/// What one scan of a line found: whether it needs the normalisations (invisible
/// characters removed first; no-break spaces and soft hyphens handled last) and
/// whether any line rule could change it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Scan {
    /// Invisible characters: control characters other than tab, U+200B, U+2060, U+FEFF.
    invisible: bool,
    /// No-break spaces (U+00A0, U+202F, U+2007) or soft hyphens.
    nbsp: bool,
    /// Nothing a line rule (entities, mojibake, U+FFFD) could change.
    clean: bool,
}

impl Scan {
    /// Nothing found: the line only needs its trim.
    fn untouched(self) -> bool {
        self.clean && !self.invisible && !self.nbsp
    }
}

/// The index of the first byte of `b` from `i` on that is not printable
/// ASCII, or is `&` when `amp`; the length of `b` when there is none.
fn skip_plain(b: &[u8], i: usize, amp: bool) -> usize {
    simd::find(b, i, |x| {
        let special = x.range(0x00, 0x1F) | x.range(0x7F, 0xFF);
        if amp { special | x.eq(b'&') } else { special }
    })
}

/// The character whose UTF-8 lead byte is at `b[i]` (`b` is valid UTF-8) and its length.
fn char_at(b: &[u8], i: usize) -> (char, usize) {
    let cont = |k: usize| u32::from(b[i + k] & 0x3F);
    let x = u32::from(b[i]);
    let (v, len) = match b[i] {
        0x00..=0x7F => (x, 1),
        0x80..=0xDF => (((x & 0x1F) << 6) | cont(1), 2),
        0xE0..=0xEF => (((x & 0x0F) << 12) | (cont(1) << 6) | cont(2), 3),
        _ => (
            ((x & 0x07) << 18) | (cont(1) << 12) | (cont(2) << 6) | cont(3),
            4,
        ),
    };
    (char::from_u32(v).unwrap_or('\u{FFFD}'), len)
}

/// Scans the line of `text` that starts at byte `start`, up to the next `\n` or
/// the end: what it found (see [`Scan`]) and where the line ends. Printable
/// ASCII is skipped eight bytes at a time; a non-ASCII character is looked at
/// with the one before it.
///
/// A line is clean when it has no `&` (when `amp`), no C1 control, no U+FFFD, no
/// `Ã ` and no two non-ASCII characters in a row of which the first is a UTF-8 lead
/// byte and the second a continuation byte in the same code page: then
/// [`mojibake::is_bad`] is false, there is no entity and no U+FFFD, and no rule
/// changes the line. (Hangul, CJK, most Cyrillic and `ção` are clean.)
fn scan_line(text: &str, start: usize, amp: bool) -> (Scan, usize) {
    let b = text.as_bytes();
    let n = b.len();
    let mut s = Scan {
        invisible: false,
        nbsp: false,
        clean: true,
    };
    // Lead-byte page mask of the character before, when it was not ASCII.
    let mut prev_lead = 0u16;
    let dense = pages::dense_masks();
    let mut i = start;
    loop {
        let next = skip_plain(b, i, amp);
        if next > i {
            prev_lead = 0;
            i = next;
        }
        // A run of bytes that are not plain ASCII.
        loop {
            if i == n {
                return (s, n);
            }
            if !s.clean {
                // Only the normalisations are left to look for.
                let end = memchr::memchr(b'\n', &b[i..]).map_or(n, |k| i + k);
                let (invisible, nbsp) = needs_normalizing(&b[i..end]);
                s.invisible |= invisible;
                s.nbsp |= nbsp;
                return (s, end);
            }
            let x = b[i];
            if x < 0x80 {
                if x == b'\n' {
                    return (s, i);
                }
                if x == b'\t' {
                    // Special to the word test, but nothing to any rule.
                } else if x < 0x20 || x == 0x7F {
                    s.invisible = true;
                } else if amp && x == b'&' {
                    s.clean = false;
                } else {
                    break;
                }
                prev_lead = 0;
                i += 1;
                continue;
            }
            let (c, len) = char_at(b, i);
            let (lead, cont) = pages::masks_in(dense, c);
            let mut suspicious = prev_lead & cont != 0;
            // Every character looked for below starts with one of these bytes.
            if matches!(x, 0xC2 | 0xC3 | 0xE2 | 0xEF) {
                match c {
                    '\u{A0}' | '\u{AD}' | '\u{2007}' | '\u{202F}' => s.nbsp = true,
                    '\u{200B}' | '\u{2060}' | '\u{FEFF}' => s.invisible = true,
                    // C1 controls and U+FFFD.
                    '\u{80}'..='\u{9F}' | '\u{FFFD}' => suspicious = true,
                    'Ã' => suspicious |= b.get(i + len) == Some(&b' '),
                    _ => {}
                }
            }
            s.clean &= !suspicious;
            prev_lead = lead;
            i += len;
        }
    }
}

/// Which of the normalisations `line` (no line break in it) needs: (invisible
/// characters, no-break spaces or soft hyphens). One vectorisable pass for control
/// bytes and a `memchr` search for the lead bytes of the others.
fn needs_normalizing(line: &[u8]) -> (bool, bool) {
    let mut invisible = line.chunks(32).any(|chunk| {
        chunk.iter().fold(false, |acc, &b| {
            acc | ((b < 0x20) & (b != b'\t')) | (b == 0x7F)
        })
    });
    let mut nbsp = false;
    for i in memchr::memchr3_iter(0xC2, 0xE2, 0xEF, line) {
        match (line[i], line.get(i + 1), line.get(i + 2)) {
            // U+00A0 no-break space, U+00AD soft hyphen.
            (0xC2, Some(0xA0 | 0xAD), _) => nbsp = true,
            // U+2007 figure space, U+202F narrow no-break space.
            (0xE2, Some(0x80), Some(0x87 | 0xAF)) => nbsp = true,
            // U+200B zero-width space, U+2060 word joiner.
            (0xE2, Some(0x80), Some(0x8B)) | (0xE2, Some(0x81), Some(0xA0)) => invisible = true,
            // U+FEFF byte-order mark.
            (0xEF, Some(0xBB), Some(0xBF)) => invisible = true,
            _ => {}
        }
        if invisible && nbsp {
            break;
        }
    }
    (invisible, nbsp)
}

/// [`scan_line`] over all of `s`, line breaks included (a line break is a control
/// character, so invisible: entities can decode to one).
fn scan(s: &str, amp: bool) -> Scan {
    let (mut acc, mut end) = scan_line(s, 0, amp);
    while end < s.len() {
        let (next, e) = scan_line(s, end + 1, amp);
        acc = Scan {
            invisible: true,
            nbsp: acc.nbsp | next.nbsp,
            clean: acc.clean & next.clean,
        };
        end = e;
    }
    acc
}

/// True when no line rule could change `line` (see [`scan_line`]).
fn is_clean(line: &str, amp: bool) -> bool {
    scan(line, amp).clean
}

/// How unlike real text `text` is, for choosing between readings of the same
/// bytes: what mojibake repair counts as weird (letters outside one
/// language's alphabet, odd capitals, symbols stuck to letters, words that
/// mix scripts).
pub(crate) fn weirdness_of(text: &str) -> usize {
    mojibake::weirdness(text)
}

/// The lowercase letters outside ASCII of the language that the function
/// words of `ascii` (lowercase ASCII words) name, when they name one that
/// has an alphabet of its own (`Pių … lunedė` is not Italian).
pub(crate) fn function_word_alphabet(ascii: &str) -> Option<&'static str> {
    words::lang_alphabet(ascii)
}

/// The number of words of `text` in the word lists shipped with the crate.
pub(crate) fn known_words_in(text: &str) -> usize {
    mojibake::known_words(text)
}

/// Repairs `text`.
pub fn repair(text: &str, opts: &RepairOptions) -> Repaired {
    let trim = !opts.is_disabled(RepairRule::Whitespace);
    // Whether a line is HTML is decided line by line, so that dropping a line
    // with markup never changes how the others are repaired (cleaning is stable).
    let amp = !opts.is_disabled(RepairRule::HtmlEntities);
    let mut out = String::with_capacity(text.len());
    let mut fixes = Vec::new();
    let mut line_ends = Vec::with_capacity(text.len() / 32 + 1);
    let mut start = 0;
    for i in 0.. {
        // One scan finds the line's end and what it needs.
        let (found, end) = scan_line(text, start, amp);
        let raw = &text[start..end];
        let line = if !trim {
            raw
        } else if found.untouched() {
            crate::text::trim_end(raw)
        } else {
            // Only ASCII whitespace goes before the rules: a trailing no-break
            // space or NEL can be the last byte of mojibake (`cittÃ` and U+00A0
            // is `città`); the rest goes with the trim after them.
            raw.trim_end_matches(|c: char| c.is_ascii_whitespace())
        };
        if found.untouched() {
            // The common case: nothing to do but the trim, which cannot add work.
            out.push_str(line);
        } else {
            // What the trimmed line needs, exactly.
            let found = if line.len() == raw.len() {
                found
            } else {
                scan(line, amp)
            };
            let done = repair_slow(line, found, i + 1, trim, amp, opts, &mut fixes);
            out.push_str(if trim {
                crate::text::trim_end(&done)
            } else {
                &done
            });
        }
        line_ends.push(out.len());
        if end == text.len() {
            break;
        }
        out.push('\n');
        start = end + 1;
    }
    Repaired {
        text: out,
        fixes,
        line_ends,
    }
}

/// Repairs line `line_no` (its trailing ASCII whitespace trimmed when `trim`),
/// of which [`scan`] `found` something; the result wants the trim again.
fn repair_slow<'a>(
    line: &'a str,
    found: Scan,
    line_no: usize,
    trim: bool,
    amp: bool,
    opts: &RepairOptions,
    fixes: &mut Vec<Fix>,
) -> Cow<'a, str> {
    // Invisible characters go first, so that what they separated is seen
    // together by the other rules (and a second pass finds nothing to do).
    let (visible, seen) = match strip_invisible(line, found.invisible, opts) {
        Some(v) => {
            record(fixes, RepairRule::Invisible, line_no, line, &v);
            // What the removed characters hid at the end is trailing space now.
            let v = if trim { v.trim_end().to_string() } else { v };
            let seen = scan(&v, amp);
            (Cow::Owned(v), seen)
        }
        None => (Cow::Borrowed(line), found),
    };
    // An untouched line keeps what the scan found.
    let (fixed, nbsp) = if seen.clean {
        (visible, seen.nbsp)
    } else {
        let f = repair_line(&visible, line_no, amp, opts, fixes);
        if f == *visible {
            (visible, seen.nbsp)
        } else {
            let nbsp = scan(&f, amp).nbsp;
            (Cow::Owned(f), nbsp)
        }
    };
    // No-break spaces and soft hyphens last: mojibake repair needs them.
    match late_chars(&fixed, nbsp, line_no, opts, fixes) {
        // A space where a no-break space was can complete a pattern (`Ã ` is
        // a lost `à`): repair again, so that a second pass finds nothing.
        Some(normal) if !is_clean(&normal, amp) => {
            Cow::Owned(repair_line(&normal, line_no, amp, opts, fixes))
        }
        Some(normal) => Cow::Owned(normal),
        None => fixed,
    }
}

/// Removes invisible characters (`repair.invisible`): zero-width spaces, word
/// joiners, stray byte-order marks and control characters other than tab (soft
/// hyphens wait for [`late_chars`]). `None` when there are none. Keeps the zero-width joiner and
/// non-joiner, which scripts and emoji need.
/// `found` is what [`scan`] said of `line`.
fn strip_invisible(line: &str, found: bool, opts: &RepairOptions) -> Option<String> {
    if !found || opts.is_disabled(RepairRule::Invisible) {
        return None;
    }
    let invisible = |c: char| {
        matches!(c, '\u{200B}' | '\u{2060}' | '\u{FEFF}' | '\u{7F}') || (c < ' ' && c != '\t')
    };
    let out = line.replace(invisible, "");
    (out != line).then_some(out)
}

/// The last normalisations, after mojibake repair (which needs both characters:
/// `Ã` + no-break space is `à`, `Ã` + soft hyphen is `í`): no-break spaces (U+00A0,
/// U+202F, U+2007) become spaces (`repair.nbsp`, not reported per line) and soft
/// hyphens go (`repair.invisible`, reported). `found` is what
/// [`scan`] said of `line`; `None` when nothing changes.
fn late_chars(
    line: &str,
    found: bool,
    line_no: usize,
    opts: &RepairOptions,
    fixes: &mut Vec<Fix>,
) -> Option<String> {
    if !found {
        return None;
    }
    let mut cur = Cow::Borrowed(line);
    if !opts.is_disabled(RepairRule::Invisible) && cur.contains('\u{AD}') {
        let out = cur.replace('\u{AD}', "");
        record(fixes, RepairRule::Invisible, line_no, &cur, &out);
        cur = Cow::Owned(out);
    }
    if !opts.is_disabled(RepairRule::Nbsp) && cur.contains(['\u{A0}', '\u{202F}', '\u{2007}']) {
        cur = Cow::Owned(cur.replace(['\u{A0}', '\u{202F}', '\u{2007}'], " "));
    }
    match cur {
        Cow::Owned(s) => Some(s),
        Cow::Borrowed(_) => None,
    }
}

/// Repairs one line that failed the clean check.
fn repair_line(
    line: &str,
    line_no: usize,
    amp: bool,
    opts: &RepairOptions,
    fixes: &mut Vec<Fix>,
) -> String {
    // Each rule can complete a pattern for another (a restored U+FFFD letter
    // turns `Ã �té` into `Ã été`, where `Ã ` is a lost `à`): repeat the rules
    // until the line stops changing, so that repairing repaired text changes
    // nothing.
    let mut cur = repair_round(line, line_no, amp, opts, fixes);
    if cur == line {
        return cur;
    }
    for _ in 0..4 {
        if is_clean(&cur, amp) {
            break;
        }
        let next = repair_round(&cur, line_no, amp, opts, fixes);
        if next == cur {
            break;
        }
        cur = next;
    }
    cur
}

/// One pass of the line rules: entities, mojibake layer by layer, U+FFFD.
fn repair_round(
    line: &str,
    line_no: usize,
    amp: bool,
    opts: &RepairOptions,
    fixes: &mut Vec<Fix>,
) -> String {
    let mut cur: Cow<'_, str> = Cow::Borrowed(line);
    if amp
        && !entities::looks_like_html(&cur)
        && let Some(fixed) = entities::unescape(&cur)
    {
        record(fixes, RepairRule::HtmlEntities, line_no, &cur, &fixed);
        cur = Cow::Owned(fixed);
    }
    let off = opts.disabled_rules();
    for _ in 0..8 {
        match mojibake::fix_step(&cur, off) {
            Some((fixed, rule)) => {
                record(fixes, rule, line_no, &cur, &fixed);
                cur = Cow::Owned(fixed);
            }
            None => break,
        }
    }
    if opts.guess && cur.contains('\u{FFFD}') {
        let (fixed, mut found) = fffd::restore(&cur, line_no, off);
        fixes.append(&mut found);
        cur = Cow::Owned(fixed);
    }
    cur.into_owned()
}

/// Records the change from `old` to `new` as fixes that show the whitespace-delimited
/// tokens around each change.
pub(crate) fn record(fixes: &mut Vec<Fix>, rule: RepairRule, line: usize, old: &str, new: &str) {
    for (before, after) in changed_tokens(old, new) {
        fixes.push(Fix {
            rule: rule.id().to_string(),
            line,
            before,
            after,
        });
    }
}

/// `s.split(' ')`, with `memchr` finding the spaces.
fn split_spaces(s: &str) -> Vec<&str> {
    let mut out = Vec::with_capacity(s.len() / 6 + 1);
    let mut start = 0;
    for i in memchr::memchr_iter(b' ', s.as_bytes()) {
        out.push(&s[start..i]);
        start = i + 1;
    }
    out.push(&s[start..]);
    out
}

/// The changed whitespace-delimited spans between `old` and `new`.
pub(crate) fn changed_tokens(old: &str, new: &str) -> Vec<(String, String)> {
    if old == new {
        return Vec::new();
    }
    let (ot, nt) = (split_spaces(old), split_spaces(new));
    if ot.len() == nt.len() {
        let mut out = Vec::new();
        let mut k = 0;
        while k < ot.len() {
            if ot[k] == nt[k] {
                k += 1;
                continue;
            }
            let start = k;
            while k < ot.len() && ot[k] != nt[k] {
                k += 1;
            }
            out.push((ot[start..k].join(" "), nt[start..k].join(" ")));
        }
        return out;
    }
    // Different token counts: one span from the first to the last change.
    let prefix = old
        .char_indices()
        .zip(new.chars())
        .take_while(|((_, a), b)| a == b)
        .last()
        .map_or(0, |((i, a), _)| i + a.len_utf8());
    let suffix = old[prefix..]
        .chars()
        .rev()
        .zip(new[prefix..].chars().rev())
        .take_while(|(a, b)| a == b)
        .map(|(a, _)| a.len_utf8())
        .sum::<usize>();
    let start = old[..prefix].rfind(' ').map_or(0, |p| p + 1);
    let old_end = old.len() - suffix;
    let new_end = new.len() - suffix;
    let tail = old[old_end..].find(' ').unwrap_or(suffix);
    vec![(
        old[start..old_end + tail].to_string(),
        new[start..new_end + tail].to_string(),
    )]
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A line the clean check passes comes out of the rules unchanged.
    fn clean_means_unchanged(s: &str) -> Result<(), proptest::test_runner::TestCaseError> {
        if is_clean(s, true) {
            let mut fixes = Vec::new();
            let out = repair_line(s, 1, true, &RepairOptions::default(), &mut fixes);
            proptest::prop_assert_eq!(out.as_str(), s);
            proptest::prop_assert!(fixes.is_empty());
        }
        Ok(())
    }

    proptest! {
        /// The fast path never skips a line that the rules would change.
        #[test]
        fn a_clean_line_is_one_repair_leaves_alone(
            s in "([a-z ]|é|’|“|Ã|©|\u{92}|\u{FFFD}|&|amp;|€|Р|ё|中){0,12}"
        ) {
            clean_means_unchanged(&s)?;
        }

        /// The same with pairs of non-ASCII characters from many scripts, which the
        /// clean check lets through when no code page makes them a UTF-8 sequence.
        #[test]
        fn a_clean_pair_is_one_repair_leaves_alone(
            s in "([a-z ]|ç|ã|é|Ã|Â|Å|Ð|Ñ|Î|×|â|€|™|…|’|\u{A0}|\u{AD}|Р|С|ё|і|В|ê|ö|Ö|ß|ő|ı|ş|√|ƒ|│|╔|α|ש|서|中|😀|\u{301}){0,10}"
        ) {
            clean_means_unchanged(&s)?;
        }

        /// The word-at-a-time scan finds what a character-by-character one finds,
        /// wherever the bytes fall.
        #[test]
        fn scan_agrees_with_a_plain_loop(
            s in "([a-z &\t\n]|\u{1}|\u{7F}|é|Ã|Ã |©|\u{85}|\u{A0}|\u{AD}|\u{200B}|\u{2060}|\u{FEFF}|\u{2007}|\u{202F}|\u{FFFD}|’|Р|ё|中){0,40}",
            amp in any::<bool>(),
        ) {
            prop_assert_eq!(scan(&s, amp), slow_scan(&s, amp), "{:?}", s);
        }
    }

    /// [`scan`] written plainly, character by character.
    fn slow_scan(s: &str, amp: bool) -> Scan {
        let chars: Vec<char> = s.chars().collect();
        let mut found = Scan {
            invisible: false,
            nbsp: false,
            clean: true,
        };
        for (k, &c) in chars.iter().enumerate() {
            let next = chars.get(k + 1).copied();
            if (c < ' ' && c != '\t')
                || matches!(c, '\u{7F}' | '\u{200B}' | '\u{2060}' | '\u{FEFF}')
            {
                found.invisible = true;
            }
            if matches!(c, '\u{A0}' | '\u{AD}' | '\u{2007}' | '\u{202F}') {
                found.nbsp = true;
            }
            let pair =
                next.is_some_and(|n| !c.is_ascii() && pages::masks(c).0 & pages::masks(n).1 != 0);
            if (amp && c == '&')
                || mojibake::is_c1(c)
                || c == '\u{FFFD}'
                || (c == 'Ã' && next == Some(' '))
                || pair
            {
                found.clean = false;
            }
        }
        found
    }

    #[test]
    fn skip_plain_stops_at_the_first_special_byte_at_every_offset() {
        for amp in [false, true] {
            let special = |b: u8| !(0x20..0x7F).contains(&b) || (amp && b == b'&');
            for b in 0..=255u8 {
                for len in [1, 8, 15, 16, 17, 40] {
                    for at in 0..len {
                        // The byte among plain bytes, and among special ones.
                        for fill in [b'a', 0x00, 0xFF, b'&'] {
                            let mut bytes = vec![fill; len];
                            bytes[at] = b;
                            let want = bytes.iter().position(|&x| special(x)).unwrap_or(len);
                            assert_eq!(
                                skip_plain(&bytes, 0, amp),
                                want,
                                "{b:#x} at {at}/{len} in {fill:#x}"
                            );
                            let from = bytes[at..].iter().position(|&x| special(x));
                            assert_eq!(
                                skip_plain(&bytes, at, amp),
                                from.map_or(len, |k| at + k),
                                "{b:#x} from {at} in {fill:#x}"
                            );
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn scan_finds_each_byte_at_every_offset() {
        for len in 0..40 {
            for at in 0..len {
                for (c, want) in [
                    ("&", (false, false, false)),
                    ("\u{1}", (true, false, true)),
                    ("\u{A0}", (false, true, true)),
                    ("\u{FFFD}", (false, false, false)),
                    ("\u{92}", (false, false, false)),
                ] {
                    let s = format!("{}{c}{}", "a".repeat(at), "b".repeat(len - at));
                    let found = scan(&s, true);
                    assert_eq!((found.invisible, found.nbsp, found.clean), want, "{s:?}");
                    let (_, end) = scan_line(&format!("{s}\nÃ©"), 0, true);
                    assert_eq!(end, s.len());
                }
            }
        }
    }

    #[test]
    fn clean_pairs() {
        for s in [
            "서울시는",
            "ação",
            "Привет, мир!",
            "中文。“你好”",
            "’“quoted”",
        ] {
            assert!(is_clean(s, true), "{s}");
        }
        for s in ["Ã…", "Ã©", "Ð¿Ñ€", "РґРѕ", "â€™"] {
            assert!(!is_clean(s, true), "{s}");
        }
    }

    #[test]
    fn fast_path_sees_each_trigger() {
        for s in ["cafÃ©", "a\u{92}b", "x\u{FFFD}y", "Ã le", "&amp;"] {
            assert!(!is_clean(s, true), "{s}");
        }
        for s in [
            "plain ASCII",
            "café “quoted” it’s",
            "Ã…lesund? no: Ã",
            "a & b",
        ] {
            assert_eq!(is_clean(s, false), !s.contains('…'), "{s}");
        }
    }

    proptest! {
        /// The line ends repair keeps split its text as `segment::lines` does.
        #[test]
        fn line_ends_split_as_segment_does(
            s in "([a-z &\t\r\n]|\u{1}|\u{A0}|\u{200B}|Ã©|&amp;|\u{FFFD}){0,40}",
            trim in any::<bool>(),
        ) {
            let mut opts = RepairOptions::default();
            if !trim {
                opts.disabled.insert(RepairRule::Whitespace.id().into());
            }
            let r = repair(&s, &opts);
            prop_assert_eq!(r.lines(), crate::segment::lines(&r.text));
        }
    }

    #[test]
    fn spaces_split_as_str_split_does() {
        for s in ["", " ", "a", "a b", "  a  b ", "é ’ 中  x", "a\u{A0}b c"] {
            assert_eq!(split_spaces(s), s.split(' ').collect::<Vec<_>>(), "{s:?}");
        }
    }

    #[test]
    fn every_rule_id_is_named_and_described() {
        for (id, doc) in RULES {
            assert!(id.starts_with("repair."), "{id}");
            assert!(doc.len() > 20, "{id}");
        }
    }
}
