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
//! Clean text is the common case: a line with no suspicious byte (two non-ASCII
//! characters in a row, a C1 control, U+FFFD, `Ã `, `&`) is only trimmed.

use std::borrow::Cow;
use std::collections::BTreeSet;

use crate::record::Fix;

pub mod entities;
mod entity_table;
pub mod fffd;
pub mod mojibake;
mod pages;
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
    /// Whether rule `id` is turned off.
    pub fn is_disabled(&self, id: &str) -> bool {
        self.disabled.contains(id)
    }
}

/// Repaired text and the fixes that made it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Repaired {
    /// The text after repair; it has as many lines as the input.
    pub text: String,
    /// Every repair made, in order of line.
    pub fixes: Vec<Fix>,
}

/// The repair rules: id and what each does.
pub const RULES: &[(&str, &str)] = &[
    (
        "repair.html-entities",
        "HTML character references (`&eacute;`, `&#233;`, `&#x92;` as windows-1252) decoded, only with the `;` and only in text that is not HTML",
    ),
    (
        "repair.mojibake",
        "a line that is UTF-8 read through a single-byte code page (windows-1252/1250/1251/1253/1254/1257, latin-1, ISO-8859-2, MacRoman, CP437), re-encoded and decoded as UTF-8, layer by layer",
    ),
    (
        "repair.mojibake-inline",
        "mojibake runs inside an otherwise good line (`l’Ã©valuation`), decoded as UTF-8 through windows-1252",
    ),
    (
        "repair.c1-controls",
        "C1 control characters (U+0080–U+009F) read as the windows-1252 characters they were",
    ),
    (
        "repair.fffd-apostrophe",
        "U+FFFD in a contraction or elision was an apostrophe: `don\u{FFFD}t` → `don’t`",
    ),
    (
        "repair.fffd-space",
        "U+FFFD between two words was a lost no-break space: a space",
    ),
    (
        "repair.fffd-dash",
        "U+FFFD between two numbers was an en dash: `2019\u{FFFD}2020` → `2019–2020`",
    ),
    (
        "repair.fffd-quotes",
        "a pair of U+FFFD around words were curly double quotes",
    ),
    (
        "repair.fffd-letter",
        "U+FFFD inside a word was the one letter that makes a known word (`caf\u{FFFD}` → `café`)",
    ),
    (
        "repair.whitespace",
        "trailing whitespace removed, whitespace-only lines emptied (not reported per line)",
    ),
    (
        "repair.nbsp",
        "no-break spaces (U+00A0, U+202F, U+2007) to plain spaces, after mojibake repair (not reported per line)",
    ),
    (
        "repair.invisible",
        "zero-width spaces, word joiners, stray byte-order marks, soft hyphens and control characters other than tab removed",
    ),
];

/// Whether `id` names a repair rule.
pub fn is_rule(id: &str) -> bool {
    RULES.iter().any(|(r, _)| *r == id)
}

/// True when the line holds nothing any rule could change: no two non-ASCII
/// characters in a row, no C1 control, no U+FFFD, no `Ã ` and (when `amp`) no `&`.
fn is_clean(line: &[u8], amp: bool) -> bool {
    let n = line.len();
    let mut i = 0;
    while i < n {
        // Skip ASCII eight bytes at a time.
        if i + 8 <= n {
            let mut w = [0u8; 8];
            w.copy_from_slice(&line[i..i + 8]);
            let w = u64::from_ne_bytes(w);
            if w & 0x8080_8080_8080_8080 == 0 && !(amp && w.to_ne_bytes().contains(&b'&')) {
                i += 8;
                continue;
            }
        }
        let b = line[i];
        if b < 0x80 {
            if amp && b == b'&' {
                return false;
            }
            i += 1;
            continue;
        }
        let len = match b {
            0xC0..=0xDF => 2,
            0xE0..=0xEF => 3,
            _ => 4,
        };
        let end = (i + len).min(n);
        let ch = &line[i..end];
        if (b == 0xC2 && ch.get(1).is_some_and(|c| (0x80..=0x9F).contains(c)))
            || ch == [0xEF, 0xBF, 0xBD]
            || (ch == [0xC3, 0x83] && line.get(end) == Some(&b' '))
            || line.get(end).is_some_and(|&c| c >= 0x80)
        {
            return false;
        }
        i = end;
    }
    true
}

/// Repairs `text`.
pub fn repair(text: &str, opts: &RepairOptions) -> Repaired {
    let trim = !opts.is_disabled("repair.whitespace");
    // Whether a line is HTML is decided line by line, so that dropping a line
    // with markup never changes how the others are repaired (cleaning is stable).
    let amp = !opts.is_disabled("repair.html-entities");
    let mut out = String::with_capacity(text.len());
    let mut fixes = Vec::new();
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let line = if trim { line.trim_end() } else { line };
        // Invisible characters go first, so that what they separated is seen
        // together by the other rules (and a second pass finds nothing to do).
        let (invisible, nbsp) = needs_normalizing(line.as_bytes());
        let visible = match strip_invisible(line, invisible, opts) {
            Some(v) => {
                record(&mut fixes, "repair.invisible", i + 1, line, &v);
                // What the removed characters hid at the end is trailing space now.
                let v = if trim { v.trim_end().to_string() } else { v };
                Cow::Owned(v)
            }
            None => Cow::Borrowed(line),
        };
        let fixed = if is_clean(visible.as_bytes(), amp) {
            visible
        } else {
            Cow::Owned(repair_line(&visible, i + 1, amp, opts, &mut fixes))
        };
        // No-break spaces and soft hyphens last: mojibake repair needs them.
        // An untouched line keeps what the first scan found.
        let nbsp = match &fixed {
            Cow::Borrowed(_) => nbsp,
            Cow::Owned(f) => needs_normalizing(f.as_bytes()).1,
        };
        let done = match late_chars(&fixed, nbsp, i + 1, opts, &mut fixes) {
            // A space where a no-break space was can complete a pattern (`Ã ` is
            // a lost `à`): repair again, so that a second pass finds nothing.
            Some(normal) if !is_clean(normal.as_bytes(), amp) => {
                Cow::Owned(repair_line(&normal, i + 1, amp, opts, &mut fixes))
            }
            Some(normal) => Cow::Owned(normal),
            None => fixed,
        };
        out.push_str(if trim { done.trim_end() } else { &done });
    }
    Repaired { text: out, fixes }
}

/// Which of the normalisations `line` needs: (invisible characters removed first,
/// no-break spaces and soft hyphens handled last). One vectorisable pass for control bytes and a `memchr` search for
/// the lead bytes of the others, so that clean text, typographic quotes and all,
/// costs almost nothing.
fn needs_normalizing(line: &[u8]) -> (bool, bool) {
    let mut invisible = line.chunks(32).any(|chunk| {
        chunk.iter().fold(false, |acc, &b| {
            acc | ((b < 0x20) & (b != b'\t')) | (b == 0x7F)
        })
    });
    let mut nbsp = false;
    for i in memchr::memchr3_iter(0xC2, 0xE2, 0xEF, line) {
        match (line[i], line.get(i + 1), line.get(i + 2)) {
            // U+00A0 no-break space.
            (0xC2, Some(0xA0), _) => nbsp = true,
            // U+00AD soft hyphen: removed last, with the no-break spaces, since
            // `Ã` + soft hyphen is the mojibake of `í`.
            (0xC2, Some(0xAD), _) => nbsp = true,
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

/// Removes invisible characters (`repair.invisible`): zero-width spaces, word
/// joiners, stray byte-order marks and control characters other than tab (soft
/// hyphens wait for [`late_chars`]). `None` when there are none. Keeps the zero-width joiner and
/// non-joiner, which scripts and emoji need.
/// `found` is what [`needs_normalizing`] said of `line`.
fn strip_invisible(line: &str, found: bool, opts: &RepairOptions) -> Option<String> {
    if !found || opts.is_disabled("repair.invisible") {
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
/// [`needs_normalizing`] said of `line`; `None` when nothing changes.
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
    if !opts.is_disabled("repair.invisible") && cur.contains('\u{AD}') {
        let out = cur.replace('\u{AD}', "");
        record(fixes, "repair.invisible", line_no, &cur, &out);
        cur = Cow::Owned(out);
    }
    if !opts.is_disabled("repair.nbsp") && cur.contains(['\u{A0}', '\u{202F}', '\u{2007}']) {
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
        if is_clean(cur.as_bytes(), amp) {
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
        record(fixes, "repair.html-entities", line_no, &cur, &fixed);
        cur = Cow::Owned(fixed);
    }
    let disabled = |id: &str| opts.is_disabled(id);
    for _ in 0..8 {
        match mojibake::fix_step(&cur, &disabled) {
            Some((fixed, rule)) => {
                record(fixes, rule, line_no, &cur, &fixed);
                cur = Cow::Owned(fixed);
            }
            None => break,
        }
    }
    if opts.guess && cur.contains('\u{FFFD}') {
        let (fixed, mut found) = fffd::restore(&cur, line_no, &disabled);
        fixes.append(&mut found);
        cur = Cow::Owned(fixed);
    }
    cur.into_owned()
}

/// Records the change from `old` to `new` as fixes that show the whitespace-delimited
/// tokens around each change.
pub(crate) fn record(fixes: &mut Vec<Fix>, rule: &str, line: usize, old: &str, new: &str) {
    for (before, after) in changed_tokens(old, new) {
        fixes.push(Fix {
            rule: rule.to_string(),
            line,
            before,
            after,
        });
    }
}

/// The changed whitespace-delimited spans between `old` and `new`.
pub(crate) fn changed_tokens(old: &str, new: &str) -> Vec<(String, String)> {
    if old == new {
        return Vec::new();
    }
    let ot: Vec<&str> = old.split(' ').collect();
    let nt: Vec<&str> = new.split(' ').collect();
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

    proptest! {
        /// The fast path never skips a line that the rules would change.
        #[test]
        fn a_clean_line_is_one_repair_leaves_alone(
            s in "([a-z ]|é|’|“|Ã|©|\u{92}|\u{FFFD}|&|amp;|€|Р|ё|中){0,12}"
        ) {
            if is_clean(s.as_bytes(), true) {
                let mut fixes = Vec::new();
                let out = repair_line(&s, 1, true, &RepairOptions::default(), &mut fixes);
                prop_assert_eq!(out, s);
                prop_assert!(fixes.is_empty());
            }
        }
    }

    #[test]
    fn fast_path_sees_each_trigger() {
        for s in ["cafÃ©", "a\u{92}b", "x\u{FFFD}y", "Ã le", "&amp;"] {
            assert!(!is_clean(s.as_bytes(), true), "{s}");
        }
        for s in [
            "plain ASCII",
            "café “quoted” it’s",
            "Ã…lesund? no: Ã",
            "a & b",
        ] {
            assert_eq!(is_clean(s.as_bytes(), false), !s.contains('…'), "{s}");
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
