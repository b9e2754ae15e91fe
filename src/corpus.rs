//! The corpus pass (`--repeated-lines N`): lines that repeat across many documents
//! of a corpus are boilerplate (site menus, footers, cookie notices), as in CCNet.
//!
//! A first pass feeds every document to a [`LineCounter`], which counts, for each
//! normalised line, the number of documents it appears in. Memory is bounded: the
//! counts live in a count-min sketch of fixed size (four rows of 2^21 saturating
//! 16-bit counters, 16 MiB), so a line's count can be over-estimated by hash
//! collisions but never under-estimated. [`LineCounter::finish`] turns it into
//! [`RepeatedLines`], which the classifier asks about each line
//! (rule id `corpus.repeated-line`).

use std::collections::HashSet;

/// Rows of the sketch.
const DEPTH: usize = 4;
/// Counters per row (a power of two).
const WIDTH: usize = 1 << 21;
/// Lines shorter than this (after normalisation) are not counted: single words
/// repeat everywhere and are better left to rules and signals.
const MIN_CHARS: usize = 8;

/// Hashes a line after normalisation (letters lower-cased, digits folded to `0`,
/// everything else dropped); `None` for lines too short to count.
///
/// The hash lives only for one run (it is never stored), so it is a fast one:
/// a multiply-rotate step per character and a final mix, with ASCII handled
/// without Unicode tables.
pub fn line_hash(line: &str) -> Option<u64> {
    let mut h = LineHasher(0);
    let mut n = 0usize;
    for c in line.chars() {
        if c.is_ascii() {
            let b = c as u8;
            if b.is_ascii_alphabetic() {
                h.add(u32::from(b.to_ascii_lowercase()));
                n += 1;
            } else if b.is_ascii_digit() {
                h.add(u32::from(b'0'));
                n += 1;
            }
        } else if ('\u{c0}'..='\u{ff}').contains(&c) && c != '\u{d7}' && c != '\u{f7}' {
            // Latin-1 letters: À to Þ lower-case 0x20 above, ß to ÿ are lower case.
            let l = c as u32;
            h.add(if l <= 0xDE { l + 0x20 } else { l });
            n += 1;
        } else if c.is_alphabetic() {
            for l in c.to_lowercase() {
                h.add(l as u32);
            }
            n += 1;
        } else if c.is_numeric() {
            h.add(u32::from(b'0'));
            n += 1;
        }
    }
    (n >= MIN_CHARS).then(|| h.finish())
}

/// The running hash of [`line_hash`].
struct LineHasher(u64);

impl LineHasher {
    #[inline]
    fn add(&mut self, c: u32) {
        self.0 = (self.0.rotate_left(5) ^ u64::from(c)).wrapping_mul(0x517c_c1b7_2722_0a95);
    }

    /// MurmurHash3's final mix: every bit of the state reaches every bit of
    /// the result, as the sketch's slots take different bits of it.
    fn finish(&self) -> u64 {
        let mut x = self.0;
        x ^= x >> 33;
        x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
        x ^= x >> 33;
        x = x.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        x ^ (x >> 33)
    }
}

/// The distinct line hashes of one document.
pub fn document_hashes(text: &str) -> Vec<u64> {
    let set: HashSet<u64> = text.lines().filter_map(line_hash).collect();
    let mut v: Vec<u64> = set.into_iter().collect();
    v.sort_unstable();
    v
}

fn slot(hash: u64, row: usize) -> usize {
    // Independent-enough indices from one 64-bit hash (Kirsch–Mitzenmacher).
    let a = hash as u32 as u64;
    let b = (hash >> 32) | 1;
    (a.wrapping_add((row as u64).wrapping_mul(b)) as usize) & (WIDTH - 1)
}

/// Counts, per normalised line, the documents it appears in (bounded memory).
#[derive(Clone)]
pub struct LineCounter {
    rows: Vec<u16>,
    documents: u64,
}

impl std::fmt::Debug for LineCounter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LineCounter")
            .field("documents", &self.documents)
            .finish_non_exhaustive()
    }
}

impl Default for LineCounter {
    fn default() -> Self {
        Self::new()
    }
}

impl LineCounter {
    /// An empty counter (allocates its fixed 16 MiB).
    pub fn new() -> Self {
        LineCounter {
            rows: vec![0; DEPTH * WIDTH],
            documents: 0,
        }
    }

    /// Counts one document given by its distinct line hashes ([`document_hashes`]).
    pub fn add_hashes(&mut self, hashes: &[u64]) {
        self.documents += 1;
        for &h in hashes {
            for row in 0..DEPTH {
                let c = &mut self.rows[row * WIDTH + slot(h, row)];
                *c = c.saturating_add(1);
            }
        }
    }

    /// Counts one document's text.
    pub fn add_document(&mut self, text: &str) {
        self.add_hashes(&document_hashes(text));
    }

    /// Documents counted so far.
    pub fn documents(&self) -> u64 {
        self.documents
    }

    /// The estimated number of documents `line` appears in (never under the truth).
    pub fn count(&self, line: &str) -> u32 {
        line_hash(line).map_or(0, |h| self.count_hash(h))
    }

    fn count_hash(&self, h: u64) -> u32 {
        (0..DEPTH)
            .map(|row| self.rows[row * WIDTH + slot(h, row)] as u32)
            .min()
            .unwrap_or(0)
    }

    /// Freezes the counts: lines in at least `min_docs` documents are repeated.
    pub fn finish(self, min_docs: u32) -> RepeatedLines {
        RepeatedLines {
            counter: self,
            min_docs: min_docs.max(2),
        }
    }
}

/// The lines seen in at least N documents of the corpus.
#[derive(Debug)]
pub struct RepeatedLines {
    counter: LineCounter,
    min_docs: u32,
}

impl RepeatedLines {
    /// True when `line` was seen in at least N documents.
    pub fn contains(&self, line: &str) -> bool {
        line_hash(line).is_some_and(|h| self.counter.count_hash(h) >= self.min_docs)
    }

    /// The threshold N.
    pub fn min_docs(&self) -> u32 {
        self.min_docs
    }

    /// Documents counted in the first pass.
    pub fn documents(&self) -> u64 {
        self.counter.documents
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_counted_once_per_document_after_normalisation() {
        let mut c = LineCounter::new();
        c.add_document(
            "Subscribe to our newsletter\nSubscribe to our newsletter\nStory one text here",
        );
        c.add_document("SUBSCRIBE to our  newsletter!\nStory two text here");
        c.add_document("Story three, updated 2024\nsomething else entirely");
        assert_eq!(c.count("subscribe to our newsletter"), 2);
        assert_eq!(c.count("Story one text here"), 1);
        let r = c.finish(2);
        assert!(r.contains("Subscribe to our newsletter."));
        assert!(!r.contains("Story one text here"));
        assert!(!r.contains("short"), "short lines are never counted");
    }

    #[test]
    fn case_and_punctuation_fold_in_every_script_and_words_do_not() {
        let same = [
            ("Ünïcode ÉTÉ À PARIS", "ünïcode été, à paris!"),
            ("Straße UND Ÿ", "straße und ÿ"),
            ("ΚΑΛΗΜΈΡΑ Κόσμε", "καλημέρα κόσμε"),
            ("Подписаться на РАССЫЛКУ", "подписаться на рассылку"),
            ("٣ أخبار ١٢", "0 أخبار 00"),
            ("× ÷ sign test line", "sign test line"),
        ];
        for (a, b) in same {
            assert_eq!(line_hash(a), line_hash(b), "{a:?} ~ {b:?}");
            assert!(line_hash(a).is_some(), "{a:?}");
        }
        let differ = [
            (
                "Subscribe to our newsletter",
                "Subscribe to our newsletters",
            ),
            ("été à paris ici", "ete a paris ici"),
            ("Þorn þorn aaaa", "þorn Þorn aaab"),
        ];
        for (a, b) in differ {
            assert_ne!(line_hash(a), line_hash(b), "{a:?} ~ {b:?}");
        }
        assert_eq!(line_hash("× ÷ ab"), None, "× and ÷ are not letters");
    }

    #[test]
    fn digits_are_folded() {
        assert_eq!(
            line_hash("Updated 12:30 2024"),
            line_hash("Updated 09:15 1999")
        );
    }
}
