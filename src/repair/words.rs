//! Word lists shipped with the crate, for guessing letters lost to U+FFFD.
//!
//! `words/*.txt` hold lowercase words, one a line, written for rinse: common words of
//! French, Spanish, Portuguese, German, Italian, Nordic and Central European languages
//! that contain a non-ASCII letter, and English loanwords with accents. `en.txt`
//! holds common English words (for telling two glued words from one).

use std::collections::HashSet;
use std::sync::OnceLock;

const ACCENTED: &[&str] = &[
    include_str!("words/fr.txt"),
    include_str!("words/es.txt"),
    include_str!("words/pt.txt"),
    include_str!("words/de.txt"),
    include_str!("words/it.txt"),
    include_str!("words/nordic.txt"),
    include_str!("words/central.txt"),
    include_str!("words/en-loan.txt"),
];

const ENGLISH: &str = include_str!("words/en.txt");

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
    SET.get_or_init(|| set(ACCENTED))
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

/// Every known word with a non-ASCII letter (lowercase), in no order.
pub fn accented_words() -> impl Iterator<Item = &'static str> {
    accented().iter().copied()
}

/// Whether lowercase `word` is a common English word.
pub fn is_english_word(word: &str) -> bool {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| set(&[ENGLISH])).contains(word)
}

/// Every word list, for tests of their form.
#[cfg(test)]
pub fn all_lists() -> impl Iterator<Item = &'static str> {
    ACCENTED.iter().copied().chain(std::iter::once(ENGLISH))
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
}
