//! Characters lost to U+FFFD (the replacement character), guessed from context.
//!
//! A wrong character cannot be found downstream; a U+FFFD can. So a guess is
//! made only on strong evidence, never inside a word with letters other than
//! Latin ones:
//! * between two digits: an en dash (`2019–2020`, `fffd-dash`);
//! * between Latin letters in a contraction: an apostrophe (`fffd-apostrophe`):
//!   `n’t` after `don`, `can`, `isn`…; `’m`, `’ll`, `’d`, `’ve`, `’re`, `’s` after a
//!   pronoun (`I’m`, `it’s`); `’s`, `’ll`, `’re`, `’ve`, `’d` after any word of an
//!   English line; `l’`, `d’`, `qu’` before a vowel, and the other French and
//!   Italian elisions in a French or Italian line;
//! * inside a Latin word of a line whose language is known from its function
//!   words, the one letter that makes a word of that language's list (`café`,
//!   `fffd-letter`);
//! * between an acronym and a lowercase word, or two common English words: a
//!   space (`US authorities`, `fffd-space`);
//! * one at the start and one at the end of a quotation in an English line
//!   that lost no letter: `“` and `”` (`fffd-quotes`).
//!
//! Anything else stays U+FFFD.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::words::{self, Lang};
use super::{Disabled, RepairRule};
use crate::record::Fix;

const FFFD: char = '\u{FFFD}';

/// Letters a lost character may have been.
const CANDIDATES: &str = "àáâãäåæçèéêëìíîïñòóôõöøùúûüýÿœßąćęłńśźżčďěňřšťůžőűığşāēīūėįųðþ";

/// The letters of [`CANDIDATES`] that make a known word of `lang`'s list when
/// put in place of the NUL in `pattern` (a lowercase word with a NUL for the
/// lost letter). One look-up instead of one per candidate: the table maps each
/// known word, with one of its candidate letters taken out, to the letters
/// that fit and their languages.
fn fills(pattern: &str, lang: Lang) -> Vec<char> {
    static TABLE: OnceLock<HashMap<String, Vec<(char, Lang)>>> = OnceLock::new();
    let table = TABLE.get_or_init(|| {
        let mut table: HashMap<String, Vec<(char, Lang)>> = HashMap::new();
        for (l, word) in words::accented_words() {
            for (i, c) in word.char_indices() {
                if CANDIDATES.contains(c) {
                    let key = format!("{}\u{0}{}", &word[..i], &word[i + c.len_utf8()..]);
                    let letters = table.entry(key).or_default();
                    if !letters.contains(&(c, l)) {
                        letters.push((c, l));
                    }
                }
            }
        }
        table
    });
    let mut out: Vec<char> = table
        .get(pattern)
        .map(|v| {
            v.iter()
                .filter(|(_, l)| *l == lang)
                .map(|(c, _)| *c)
                .collect()
        })
        .unwrap_or_default();
    out.dedup();
    out
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == FFFD
}

/// A letter of the Latin script.
fn is_latin(c: char) -> bool {
    c.is_ascii_alphabetic()
        || (c.is_alphabetic() && matches!(c as u32, 0xC0..=0x24F | 0x1E00..=0x1EFF))
}

/// Left parts of `n’t` contractions.
const NOT: &[&str] = &[
    "ain", "aren", "can", "couldn", "didn", "doesn", "don", "hadn", "hasn", "haven", "isn",
    "mightn", "mustn", "needn", "shan", "shouldn", "wasn", "weren", "won", "wouldn",
];

/// Pronouns and the like before `’m`, `’ll`, `’d`, `’ve`, `’re`, `’s`.
const PRONOUNS: &[&str] = &[
    "he", "here", "how", "i", "it", "let", "she", "that", "there", "they", "we", "what", "where",
    "who", "you",
];

/// The guess for the U+FFFD at `k`, with its rule; `lang` is the line's
/// language, when known.
fn guess(
    chars: &[char],
    k: usize,
    lang: Option<Lang>,
    off: Disabled,
) -> Option<(char, RepairRule)> {
    let prev = k.checked_sub(1).map(|j| chars[j]);
    let next = chars.get(k + 1).copied();
    let on = |rule: RepairRule| !off.contains(rule);
    if on(RepairRule::FffdDash)
        && prev.is_some_and(|c| c.is_ascii_digit())
        && next.is_some_and(|c| c.is_ascii_digit())
    {
        return Some(('–', RepairRule::FffdDash));
    }
    // The word around k: letters, digits and U+FFFD.
    let start = (0..k)
        .rev()
        .take_while(|&j| is_word_char(chars[j]))
        .last()
        .unwrap_or(k);
    let end = (k + 1..chars.len())
        .take_while(|&j| is_word_char(chars[j]))
        .last()
        .map_or(k + 1, |j| j + 1);
    let (left, right) = (&chars[start..k], &chars[k + 1..end]);
    // Never inside a word of another script.
    if left
        .iter()
        .chain(right)
        .any(|&c| c.is_alphabetic() && !is_latin(c))
    {
        return None;
    }
    let one_fffd = !left.contains(&FFFD) && !right.contains(&FFFD);
    if !one_fffd {
        return None;
    }
    let left_alpha = !left.is_empty() && left.iter().all(|&c| is_latin(c));
    let right_alpha = !right.is_empty() && right.iter().all(|&c| is_latin(c));
    let l: String = left.iter().collect::<String>().to_lowercase();
    let r: String = right.iter().collect::<String>().to_lowercase();

    if on(RepairRule::FffdLetter)
        && let Some(lang) = lang
        && left.len() + right.len() >= 2
        && (left_alpha || left.is_empty())
        && (right_alpha || right.is_empty())
        && let [c] = fills(&format!("{l}\u{0}{r}"), lang)[..]
    {
        let word: Vec<char> = left.iter().chain(right).copied().collect();
        // A word in capitals, or a word's first letter at a sentence's start.
        let sentence_start = left.is_empty()
            && chars[..k]
                .iter()
                .rev()
                .find(|c| !c.is_whitespace())
                .is_none_or(|c| ".!?".contains(*c));
        let upper = (word.len() > 1 && word.iter().all(|c| c.is_uppercase())) || sentence_start;
        let c = if upper {
            c.to_uppercase().next().unwrap_or(c)
        } else {
            c
        };
        return Some((c, RepairRule::FffdLetter));
    }
    if on(RepairRule::FffdApostrophe) && left_alpha && right_alpha {
        let english = lang == Some(Lang::En);
        let contraction = (r == "t" && NOT.contains(&l.as_str()))
            || (PRONOUNS.contains(&l.as_str())
                && matches!(r.as_str(), "m" | "ll" | "d" | "ve" | "re" | "s"))
            || (english && matches!(r.as_str(), "s" | "ll" | "d" | "ve" | "re"));
        let vowel = right
            .first()
            .is_some_and(|c| "aeiouhàâéèêîôûAEIOUHÀÂÉÈÊÎÔÛ".contains(*c));
        let romance = matches!(lang, Some(Lang::Fr | Lang::It));
        let elision = vowel
            && romance
            && (right.len() >= 2 || matches!(r.as_str(), "a" | "y"))
            && matches!(
                l.as_str(),
                "l" | "d"
                    | "j"
                    | "n"
                    | "s"
                    | "m"
                    | "t"
                    | "c"
                    | "qu"
                    | "jusqu"
                    | "lorsqu"
                    | "puisqu"
                    | "dell"
                    | "nell"
                    | "all"
                    | "sull"
                    | "dall"
                    | "com"
                    | "un"
            );
        if contraction || elision {
            return Some(('’', RepairRule::FffdApostrophe));
        }
    }
    if on(RepairRule::FffdSpace)
        && left.len() >= 2
        && right.len() >= 2
        && left.iter().all(|c| c.is_ascii_alphanumeric())
        && right.iter().all(|c| c.is_ascii_alphabetic())
    {
        let acronym = left
            .iter()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
            && left.iter().filter(|c| c.is_ascii_uppercase()).count() >= 2
            && right.iter().all(|c| c.is_ascii_lowercase());
        let known = words::is_english_word(&l) && words::is_english_word(&r);
        if acronym || known {
            return Some((' ', RepairRule::FffdSpace));
        }
    }
    None
}

/// Positions of U+FFFD pairs that open and close a quotation: among the U+FFFD
/// of `chars` left without a guess (`open_fffd`), in a line whose letters are
/// all Latin, known to be English (other languages quote with `«»` or `„“`
/// too), that lost no letter (`letter_lost`: a line that
/// did loses them at word edges too), where every such U+FFFD is paired and
/// each pair holds a word of two letters or more before the closing one.
fn quote_pairs(
    chars: &[char],
    open_fffd: &[usize],
    letter_lost: bool,
    lang: Option<Lang>,
) -> Vec<(usize, usize)> {
    let mut pairs = Vec::new();
    if letter_lost
        || lang != Some(Lang::En)
        || chars.iter().any(|&c| c.is_alphabetic() && !is_latin(c))
    {
        return pairs;
    }
    let mut open: Option<usize> = None;
    for &k in open_fffd {
        let prev = k.checked_sub(1).map(|j| chars[j]);
        let next = chars.get(k + 1).copied();
        let opens = prev.is_none_or(|p| p.is_whitespace() || p == '(')
            && next.is_some_and(char::is_alphanumeric);
        // The word before a closing quote, punctuation aside.
        let word_before = chars[..k]
            .iter()
            .rev()
            .skip_while(|c| ".,!?;:".contains(**c))
            .take_while(|c| c.is_alphanumeric())
            .count();
        let closes = prev.is_some_and(|p| p.is_alphanumeric() || ".,!?;:".contains(p))
            && word_before >= 2
            && next.is_none_or(|n| n.is_whitespace() || ".,;:)".contains(n));
        match open {
            None if opens => open = Some(k),
            Some(o) if closes => {
                pairs.push((o, k));
                open = None;
            }
            // Left unpaired: no quotes in this line.
            _ => return Vec::new(),
        }
    }
    if open.is_some() {
        return Vec::new();
    }
    pairs
}

/// Restores what it can of the U+FFFD in `line`; the fixes name line `line_no`.
pub fn restore(line: &str, line_no: usize, off: Disabled) -> (String, Vec<Fix>) {
    let chars: Vec<char> = line.chars().collect();
    let mut repl: Vec<Option<(char, RepairRule)>> = vec![None; chars.len()];
    let lower = line.to_lowercase();
    let lang = words::line_lang(
        lower
            .split(|c: char| !c.is_alphanumeric() && c != FFFD)
            .filter(|w| !w.is_empty()),
    );
    for k in 0..chars.len() {
        if chars[k] == FFFD {
            repl[k] = guess(&chars, k, lang, off);
        }
    }
    if !off.contains(RepairRule::FffdQuotes) {
        let open: Vec<usize> = (0..chars.len())
            .filter(|&k| chars[k] == FFFD && repl[k].is_none())
            .collect();
        // A U+FFFD between letters that is not an apostrophe was a letter.
        let letter_lost = (1..chars.len().saturating_sub(1)).any(|k| {
            chars[k] == FFFD
                && chars[k - 1].is_alphabetic()
                && chars[k + 1].is_alphabetic()
                && repl[k].is_none_or(|(_, rule)| rule != RepairRule::FffdApostrophe)
        });
        for (o, c) in quote_pairs(&chars, &open, letter_lost, lang) {
            repl[o] = Some(('“', RepairRule::FffdQuotes));
            repl[c] = Some(('”', RepairRule::FffdQuotes));
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
        let rule = repl[k].map_or("", |(_, r)| r.id());
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
        restore(s, 1, Disabled::NONE).0
    }

    #[test]
    fn each_kind() {
        assert_eq!(fix("don\u{FFFD}t"), "don’t");
        assert_eq!(fix("US\u{FFFD}authorities say"), "US authorities say");
        assert_eq!(fix("2019\u{FFFD}2020"), "2019–2020");
        assert_eq!(
            fix("Il a bu un caf\u{FFFD} noir avec du lait"),
            "Il a bu un café noir avec du lait"
        );
        assert_eq!(
            fix("he said \u{FFFD}hello there,\u{FFFD} and left"),
            "he said “hello there,” and left"
        );
        assert_eq!(
            fix("Et l\u{FFFD}homme dans la rue"),
            "Et l’homme dans la rue"
        );
        assert_eq!(
            fix("Er und Bj\u{FFFD}rn sind in der Stadt"),
            "Er und Björn sind in der Stadt"
        );
        assert_eq!(
            fix("The CAF\u{FFFD} is on the left"),
            "The CAFÉ is on the left"
        );
        assert_eq!(
            fix("The company\u{FFFD}s shares and the rest"),
            "The company’s shares and the rest"
        );
    }

    /// What the guesser once invented.
    #[test]
    fn no_character_is_invented() {
        for s in [
            // Not in a word of another script.
            "\u{FFFD}름\u{FFFD} 지정\u{FFFD}지",
            "נתוני \u{FFFD}טו\u{FFFD}",
            "Децата \u{FFFD}е върнаха в училище \u{FFFD}лед",
            // Not `’s` outside English, not a space inside a word in capitals.
            "Les utilisateurs connect\u{FFFD}s sont nombreux et les autres",
            "TROIS-RIVI\u{FFFD}RES",
            // Not quotes in a line that lost letters.
            "Les \u{FFFD}l\u{FFFD}ves ont \u{FFFD}t\u{FFFD} accueillis \u{FFFD} la biblioth\u{FFFD}que.",
            // Not a letter without the line's language.
            "caf\u{FFFD}",
            "Bj\u{FFFD}rn",
            "l\u{FFFD}homme",
            "Modernen world kriegt ca besitzt l\u{FFFD}uft lernen jeder.",
            "Ofte \u{FFFD}gte dejlig sl\u{FFFD} idet sender udviklingen bredt.",
        ] {
            assert_eq!(fix(s), s, "{s}");
        }
    }

    /// The table gives what trying each candidate of the language's list in
    /// turn gives.
    #[test]
    fn fills_are_the_candidates_that_make_a_word() {
        let known: std::collections::HashSet<(Lang, &str)> = words::accented_words().collect();
        let brute = |pattern: &str, lang: Lang| -> Vec<char> {
            CANDIDATES
                .chars()
                .filter(|&c| {
                    known.contains(&(lang, &*pattern.replace('\u{0}', c.encode_utf8(&mut [0; 4]))))
                })
                .collect()
        };
        let mut patterns = vec![
            ("caf\u{0}".to_string(), Lang::Fr),
            ("bj\u{0}rn".to_string(), Lang::De),
        ];
        for (lang, word) in words::accented_words() {
            for (i, c) in word.char_indices() {
                patterns.push((
                    format!("{}\u{0}{}", &word[..i], &word[i + c.len_utf8()..]),
                    lang,
                ));
            }
        }
        patterns.extend([
            ("\u{0}".into(), Lang::Fr),
            ("f\u{0}r".into(), Lang::Nordic),
            ("qz\u{0}rtp".into(), Lang::De),
        ]);
        for (p, lang) in &patterns {
            let mut got = fills(p, *lang);
            got.sort_unstable();
            let mut want = brute(p, *lang);
            want.sort_unstable();
            assert_eq!(got, want, "{p:?}");
        }
        assert_eq!(fills("caf\u{0}", Lang::Fr), ['é']);
        // för and før.
        assert!(fills("f\u{0}r", Lang::Nordic).len() >= 2);
    }

    #[test]
    fn unresolvable_stays() {
        // för and før: two candidates, no guess.
        assert_eq!(
            fix("Det var f\u{FFFD}r och att det"),
            "Det var f\u{FFFD}r och att det"
        );
        assert_eq!(fix("Qz\u{FFFD}rtp"), "Qz\u{FFFD}rtp");
        assert_eq!(fix("x \u{FFFD} y"), "x \u{FFFD} y");
        assert_eq!(fix("Fran\u{FFFD}kfurt"), "Fran\u{FFFD}kfurt");
    }
}
