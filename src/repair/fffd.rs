//! Characters lost to U+FFFD (the replacement character), guessed from context.
//!
//! A guess is made only when the context leaves one reading:
//! * between two digits: an en dash (`2019–2020`, `fffd-dash`);
//! * before `s`, `t`, `d`, `ll`, `re`, `ve`, `m` at a word's end, or after a French or
//!   Italian elided article before a letter: an apostrophe (`don’t`, `l’homme`,
//!   `fffd-apostrophe`);
//! * inside a word, the one letter that makes a known word (`café`, `fffd-letter`);
//! * between two words that stand on their own (an acronym or a known English
//!   word): a space (`US authorities`, `fffd-space`);
//! * one at the start and one at the end of a quotation: `“` and `”` (`fffd-quotes`).
//!
//! Anything else stays U+FFFD.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::words;
use crate::record::Fix;

const FFFD: char = '\u{FFFD}';

/// Letters a lost character may have been.
const CANDIDATES: &str = "àáâãäåæçèéêëìíîïñòóôõöøùúûüýÿœßąćęłńśźżčďěňřšťůžőűığş";

/// The letters of [`CANDIDATES`] that make a known word (`words::is_accented_word`)
/// when put in place of the NUL in `pattern` (a lowercase word with a NUL for the
/// lost letter). One look-up instead of one per candidate: the table maps each
/// known word, with one of its candidate letters taken out, to the letters that fit.
fn fills(pattern: &str) -> &'static [char] {
    static TABLE: OnceLock<HashMap<String, Vec<char>>> = OnceLock::new();
    let table = TABLE.get_or_init(|| {
        let mut table: HashMap<String, Vec<char>> = HashMap::new();
        for word in words::accented_words() {
            for (i, c) in word.char_indices() {
                if CANDIDATES.contains(c) {
                    let key = format!("{}\u{0}{}", &word[..i], &word[i + c.len_utf8()..]);
                    let letters = table.entry(key).or_default();
                    if !letters.contains(&c) {
                        letters.push(c);
                    }
                }
            }
        }
        table
    });
    table.get(pattern).map_or(&[], Vec::as_slice)
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == FFFD
}

/// The guess for the U+FFFD at `k`, with its rule.
fn guess(
    chars: &[char],
    k: usize,
    disabled: &dyn Fn(&str) -> bool,
) -> Option<(char, &'static str)> {
    let prev = k.checked_sub(1).map(|j| chars[j]);
    let next = chars.get(k + 1).copied();
    let on = |id: &str| !disabled(id);
    if on("repair.fffd-dash")
        && prev.is_some_and(|c| c.is_ascii_digit())
        && next.is_some_and(|c| c.is_ascii_digit())
    {
        return Some(('–', "repair.fffd-dash"));
    }
    // The word around k: letters and U+FFFD.
    let start = (0..k)
        .rev()
        .take_while(|&j| is_word_char(chars[j]))
        .last()
        .unwrap_or(k);
    let end = (k + 1..chars.len())
        .take_while(|&j| is_word_char(chars[j]))
        .last()
        .map_or(k + 1, |j| j + 1);
    let left: String = chars[start..k].iter().collect();
    let right: String = chars[k + 1..end].iter().collect();
    let left_alpha = !left.is_empty() && left.chars().all(char::is_alphabetic);
    let right_alpha = !right.is_empty() && right.chars().all(char::is_alphabetic);
    let one_fffd = !left.contains(FFFD) && !right.contains(FFFD);

    if on("repair.fffd-letter")
        && one_fffd
        && left.chars().count() + right.chars().count() >= 2
        && (left_alpha || left.is_empty())
        && (right_alpha || right.is_empty())
    {
        let lower = format!("{}{}{}", left.to_lowercase(), '\u{0}', right.to_lowercase());
        if let &[c] = fills(&lower) {
            let word: Vec<char> = left.chars().chain(right.chars()).collect();
            let upper = word.len() > 1 && word.iter().all(|c| c.is_uppercase())
                || (left.is_empty()
                    && right.chars().next().is_some_and(char::is_uppercase)
                    && right.chars().count() > 1
                    && right.chars().all(char::is_uppercase));
            let c = if upper {
                c.to_uppercase().next().unwrap_or(c)
            } else {
                c
            };
            return Some((c, "repair.fffd-letter"));
        }
    }
    if on("repair.fffd-apostrophe") && left_alpha && one_fffd {
        let r = right.to_lowercase();
        let suffix = matches!(r.as_str(), "s" | "t" | "d" | "ll" | "re" | "ve" | "m");
        let l = left.to_lowercase();
        let elision = matches!(
            l.as_str(),
            "l" | "d"
                | "j"
                | "n"
                | "s"
                | "m"
                | "t"
                | "c"
                | "qu"
                | "dell"
                | "nell"
                | "all"
                | "sull"
                | "dall"
        ) && right
            .chars()
            .next()
            .is_some_and(|c| "aeiouhàâéèêëîïôûùAEIOUHÀÂÉÈÊÎÔÛ".contains(c))
            && right.chars().count() >= 2;
        if (suffix && !right.is_empty()) || elision {
            return Some(('’', "repair.fffd-apostrophe"));
        }
    }
    if on("repair.fffd-space")
        && one_fffd
        && left.chars().count() >= 2
        && right.chars().count() >= 2
        && left.chars().all(char::is_alphanumeric)
        && right_alpha
    {
        let acronym = left.chars().all(|c| c.is_uppercase() || c.is_ascii_digit());
        let known = |w: &str| words::is_english_word(&w.to_lowercase());
        if acronym || known(&left) && known(&right) {
            return Some((' ', "repair.fffd-space"));
        }
    }
    None
}

/// Positions of U+FFFD pairs that open and close a quotation.
fn quote_pairs(chars: &[char]) -> Vec<(usize, usize)> {
    let mut pairs = Vec::new();
    let mut open: Option<usize> = None;
    for (k, &c) in chars.iter().enumerate() {
        if c != FFFD {
            continue;
        }
        let prev = k.checked_sub(1).map(|j| chars[j]);
        let next = chars.get(k + 1).copied();
        let opens = prev.is_none_or(|p| p.is_whitespace() || p == '(')
            && next.is_some_and(char::is_alphanumeric);
        let closes = prev.is_some_and(|p| p.is_alphanumeric() || ".,!?;:".contains(p))
            && next.is_none_or(|n| n.is_whitespace() || ".,;:)".contains(n));
        match open {
            None if opens => open = Some(k),
            Some(o) if closes => {
                pairs.push((o, k));
                open = None;
            }
            Some(_) if opens => open = Some(k),
            _ => {}
        }
    }
    pairs
}

/// Restores what it can of the U+FFFD in `line`; the fixes name line `line_no`.
pub fn restore(line: &str, line_no: usize, disabled: &dyn Fn(&str) -> bool) -> (String, Vec<Fix>) {
    let chars: Vec<char> = line.chars().collect();
    let mut repl: Vec<Option<(char, &'static str)>> = vec![None; chars.len()];
    if !disabled("repair.fffd-quotes") {
        for (o, c) in quote_pairs(&chars) {
            repl[o] = Some(('“', "repair.fffd-quotes"));
            repl[c] = Some(('”', "repair.fffd-quotes"));
        }
    }
    for k in 0..chars.len() {
        if chars[k] == FFFD && repl[k].is_none() {
            repl[k] = guess(&chars, k, disabled);
        }
    }
    let new: Vec<char> = chars
        .iter()
        .zip(&repl)
        .map(|(&c, r)| r.map_or(c, |(x, _)| x))
        .collect();
    // One fix per whitespace-delimited token that changed.
    let mut fixes = Vec::new();
    let mut k = 0;
    while k < chars.len() {
        if repl[k].is_none() {
            k += 1;
            continue;
        }
        let rule = repl[k].map_or("", |(_, r)| r);
        let start = (0..k)
            .rev()
            .take_while(|&j| !chars[j].is_whitespace())
            .last()
            .unwrap_or(k);
        let mut end = k + 1;
        while end < chars.len() && !chars[end].is_whitespace() {
            end += 1;
        }
        // A space put in joins the next token into this fix.
        fixes.push(Fix {
            rule: rule.to_string(),
            line: line_no,
            before: chars[start..end].iter().collect(),
            after: new[start..end].iter().collect(),
        });
        k = end;
    }
    (new.into_iter().collect(), fixes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fix(s: &str) -> String {
        restore(s, 1, &|_| false).0
    }

    #[test]
    fn each_kind() {
        assert_eq!(fix("don\u{FFFD}t"), "don’t");
        assert_eq!(fix("US\u{FFFD}authorities say"), "US authorities say");
        assert_eq!(fix("2019\u{FFFD}2020"), "2019–2020");
        assert_eq!(fix("caf\u{FFFD} noir"), "café noir");
        assert_eq!(
            fix("he said \u{FFFD}hello there,\u{FFFD} and left"),
            "he said “hello there,” and left"
        );
        assert_eq!(fix("l\u{FFFD}homme"), "l’homme");
        assert_eq!(fix("Bj\u{FFFD}rn"), "Björn");
        assert_eq!(fix("CAF\u{FFFD}"), "CAFÉ");
    }

    /// The table gives what trying each candidate in turn gives.
    #[test]
    fn fills_are_the_candidates_that_make_a_word() {
        let brute = |pattern: &str| -> Vec<char> {
            CANDIDATES
                .chars()
                .filter(|&c| {
                    words::is_accented_word(&pattern.replace('\u{0}', c.encode_utf8(&mut [0; 4])))
                })
                .collect()
        };
        let mut patterns = vec!["caf\u{0}".to_string(), "bj\u{0}rn".to_string()];
        for word in words::accented_words() {
            for (i, c) in word.char_indices() {
                patterns.push(format!("{}\u{0}{}", &word[..i], &word[i + c.len_utf8()..]));
            }
        }
        patterns.extend(["\u{0}".into(), "f\u{0}r".into(), "qz\u{0}rtp".into()]);
        for p in &patterns {
            let mut got = fills(p).to_vec();
            got.sort_unstable();
            let mut want = brute(p);
            want.sort_unstable();
            assert_eq!(got, want, "{p:?}");
        }
        assert_eq!(fills("caf\u{0}"), ['é']);
        assert!(fills("f\u{0}r").len() >= 2);
    }

    #[test]
    fn unresolvable_stays() {
        // für and før: two candidates, no guess.
        assert_eq!(fix("f\u{FFFD}r"), "f\u{FFFD}r");
        assert_eq!(fix("Qz\u{FFFD}rtp"), "Qz\u{FFFD}rtp");
        assert_eq!(fix("x \u{FFFD} y"), "x \u{FFFD} y");
        assert_eq!(fix("Fran\u{FFFD}kfurt"), "Fran\u{FFFD}kfurt");
    }
}
