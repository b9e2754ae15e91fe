//! Word lists shipped with the crate, for guessing letters lost to U+FFFD.
//!
//! `words/*.txt` hold lowercase words, one a line, written for rinse: common words of
//! French, Spanish, Portuguese, German, Italian, Nordic and Central European languages
//! that contain a non-ASCII letter, and English loanwords with accents. `en.txt`
//! holds common English words (for telling two glued words from one).

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

/// A language, or a group of languages that share a word list, as far as
/// guessing a lost letter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    /// English (its list holds loanwords with accents: `café`, `naïve`).
    En,
    /// French.
    Fr,
    /// Spanish.
    Es,
    /// Portuguese.
    Pt,
    /// German.
    De,
    /// Italian.
    It,
    /// Danish, Norwegian, Swedish, Finnish, Icelandic.
    Nordic,
    /// Polish, Czech, Slovak, Hungarian, Romanian, Turkish, Baltic, South Slavic.
    Central,
}

const ACCENTED: &[(Lang, &str)] = &[
    (Lang::Fr, include_str!("words/fr.txt")),
    (Lang::Es, include_str!("words/es.txt")),
    (Lang::Pt, include_str!("words/pt.txt")),
    (Lang::De, include_str!("words/de.txt")),
    (Lang::It, include_str!("words/it.txt")),
    (Lang::Nordic, include_str!("words/nordic.txt")),
    (Lang::Central, include_str!("words/central.txt")),
    (Lang::En, include_str!("words/en-loan.txt")),
];

const ENGLISH: &str = include_str!("words/en.txt");

/// Function words of each language, written for rinse: ASCII only, so that
/// they are found in a line that lost its accented letters. A line's language
/// is the one with most of them ([`line_lang`]).
const STOP: &[(Lang, &str)] = &[
    (
        Lang::En,
        "the of and to in is that for it with as was on be at by this are from have not but they his her which you we an or were has had their been will would there what about when who",
    ),
    (
        Lang::Fr,
        "le la les des et est une un du dans pour que qui sur pas par au aux avec ce il elle sont ont mais plus nous vous leur ses son sa cette ne se en",
    ),
    (
        Lang::De,
        "der die das und ist nicht mit den dem ein eine einen sich auf des von zu im sie es auch wir ich bei nach wie oder sind wird wurde hat noch aus",
    ),
    (
        Lang::Es,
        "el la los las y en que del por con una un para es se lo al como pero sus mas fue su muy ya esta este",
    ),
    (
        Lang::Pt,
        "o os as e do da dos das em no na que um uma para com por se mais foi ao pelo pela seu sua ele ela nao",
    ),
    (
        Lang::It,
        "il lo la gli di che della per non un una sono con si anche come nel alla al ha ma dei delle questo questa essere",
    ),
    (
        Lang::Nordic,
        "och att det som en ett av med har inte den til og er ikke af jeg han hun var fra om jag ja on ei se oli ovat sem vid eller efter",
    ),
    (
        Lang::Central,
        "i w z na nie do jest to jak ale od po czy je se ze jsou ako sa aj az hogy egy nem ve bir bu ile ir kad su kao za da bila bio ki ni",
    ),
];

/// Each function word of [`STOP`] with the languages it belongs to (bit `k`
/// for `STOP[k]`), and the length of the longest: one lookup a word.
fn stop_index() -> &'static (HashMap<&'static str, u8>, usize) {
    static INDEX: OnceLock<(HashMap<&'static str, u8>, usize)> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut map: HashMap<&'static str, u8> = HashMap::new();
        for (k, (_, list)) in STOP.iter().enumerate() {
            for w in list.split(' ') {
                *map.entry(w).or_insert(0) |= 1 << k;
            }
        }
        let longest = map.keys().map(|w| w.len()).max().unwrap_or(0);
        (map, longest)
    })
}

/// The language of `words` (lowercase), when its function words say so: at
/// least two of them, and more than of any other language.
pub fn line_lang<'a>(words: impl Iterator<Item = &'a str>) -> Option<Lang> {
    let (map, longest) = stop_index();
    let mut hits = [0usize; STOP.len()];
    for w in words {
        if w.len() > *longest {
            continue;
        }
        if let Some(&langs) = map.get(w) {
            for (k, h) in hits.iter_mut().enumerate() {
                *h += usize::from(langs >> k & 1 == 1);
            }
        }
    }
    let best = (0..hits.len()).max_by_key(|&k| hits[k])?;
    let second = (0..hits.len())
        .filter(|&k| k != best)
        .map(|k| hits[k])
        .max()
        .unwrap_or(0);
    (hits[best] >= 2 && hits[best] > second).then_some(STOP[best].0)
}

/// The lowercase letters outside ASCII of each language group of [`STOP`]
/// (none for English, which borrows any).
fn alphabet(lang: Lang) -> Option<&'static str> {
    match lang {
        Lang::En => None,
        Lang::Fr => Some("àâæçéèêëîïôœùûüÿ"),
        Lang::De => Some("äöüß"),
        Lang::Es => Some("áéíóúñü"),
        Lang::Pt => Some("áâãàçéêíóôõú"),
        Lang::It => Some("àèéìíîòóùú"),
        Lang::Nordic => Some("åäöæøéüáðíóúýþ"),
        Lang::Central => Some("ąćęłńóśźżáčďéěíňřšťúůýžäĺľôŕöőüűăâîșțşţçğıėįųūāēģīķļņđ"),
    }
}

/// The alphabet ([`alphabet`]) of the language that the function words of
/// `ascii` (lowercase ASCII words) name ([`line_lang`]), if any.
pub fn lang_alphabet(ascii: &str) -> Option<&'static str> {
    line_lang(
        ascii
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| !w.is_empty()),
    )
    .and_then(alphabet)
}

fn set(lists: &[&'static str]) -> HashSet<&'static str> {
    lists
        .iter()
        .flat_map(|l| l.lines())
        .map(str::trim)
        .filter(|w| !w.is_empty() && !w.starts_with('#'))
        .collect()
}

fn accented() -> &'static HashSet<&'static str> {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| set(&ACCENTED.iter().map(|(_, l)| *l).collect::<Vec<_>>()))
}

/// Whether lowercase `word` is a known word with a non-ASCII letter.
#[cfg(test)]
pub fn is_accented_word(word: &str) -> bool {
    accented().contains(word)
}

/// Whether lowercase `word` is in one of the lists (accented or English).
pub fn is_known(word: &str) -> bool {
    accented().contains(word) || is_english_word(word)
}

/// Every known word with a non-ASCII letter (lowercase), with its language, in
/// no order.
pub fn accented_words() -> impl Iterator<Item = (Lang, &'static str)> {
    ACCENTED.iter().flat_map(|&(lang, list)| {
        list.lines()
            .map(str::trim)
            .filter(|w| !w.is_empty() && !w.starts_with('#'))
            .map(move |w| (lang, w))
    })
}

/// Whether lowercase `word` is a common English word.
pub fn is_english_word(word: &str) -> bool {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| set(&[ENGLISH])).contains(word)
}

/// Every word list, for tests of their form.
#[cfg(test)]
pub fn all_lists() -> impl Iterator<Item = &'static str> {
    ACCENTED
        .iter()
        .map(|(_, l)| *l)
        .chain(std::iter::once(ENGLISH))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_sorted_lowercase_and_unique() {
        for list in all_lists() {
            let words: Vec<&str> = list.lines().filter(|l| !l.starts_with('#')).collect();
            assert!(!words.is_empty());
            for pair in words.windows(2) {
                assert!(pair[0] < pair[1], "{pair:?} out of order or repeated");
            }
            for w in words {
                assert_eq!(w, w.to_lowercase());
                assert!(!w.contains(char::is_whitespace));
            }
        }
    }

    #[test]
    fn lookups() {
        assert!(is_accented_word("café"));
        assert!(!is_accented_word("cafe"));
        assert!(is_english_word("authorities"));
    }

    #[test]
    fn a_line_has_a_language_when_its_function_words_agree() {
        let lang = |s: &str| line_lang(s.split(' '));
        assert_eq!(
            lang("il a bu un caf\u{FFFD} noir avec du lait"),
            Some(Lang::Fr)
        );
        assert_eq!(lang("les enfants et les parents"), Some(Lang::Fr));
        assert_eq!(lang("die stra\u{FFFD}e ist in der stadt"), Some(Lang::De));
        assert_eq!(lang("it was the best"), Some(Lang::En));
        // One function word, or a tie, says nothing.
        assert_eq!(lang("un caf\u{FFFD} noir"), None);
        assert_eq!(lang("la de"), None);
    }

    #[test]
    fn function_words_are_ascii_lowercase_and_unique_per_language() {
        for (lang, list) in STOP {
            let words: Vec<&str> = list.split(' ').collect();
            let unique: HashSet<&str> = words.iter().copied().collect();
            assert_eq!(unique.len(), words.len(), "{lang:?}");
            assert!(
                words
                    .iter()
                    .all(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase())),
                "{lang:?}"
            );
        }
    }
}
