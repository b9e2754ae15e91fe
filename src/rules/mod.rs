//! Named, data-driven line rules: loaded from TOML, compiled once into fast matchers.
//!
//! A rule file (`rules/*.toml`) holds `[[rule]]` tables:
//!
//! ```toml
//! [[rule]]
//! id = "promo.whatsapp-channel"
//! description = "Invitations to follow the site on a messaging channel."
//! action = "remove"
//! languages = ["en"]
//! contains = ["whatsapp channel"]
//! max_words = 25
//! examples = ["Follow us on our official WhatsApp channel for breaking news alerts!"]
//! counterexamples = ["The minister said the WhatsApp channel was used to plan the attack, which police said left three people dead."]
//! ```
//!
//! A rule matches a line through any of: `equals` (the whole line, ignoring case,
//! spacing and trailing punctuation), `starts_with`, `contains` (ignoring case and
//! spacing) or `regex` (on the trimmed line; add `(?i)` for case-insensitivity).
//! `max_words` and `min_words` bound the line's length in words, so that a
//! sentence of the article that merely contains a phrase is not matched.
//!
//! Speed: every line of every document meets every rule whose word bounds fit,
//! so give `max_words` where you can, anchor regexes with `^`, and write word
//! boundaries as `(?-u:\b)` (ASCII) rather than `\b`: a Unicode `\b` makes the
//! regex engine fall back to its slowest matcher on any line with a non-ASCII
//! character. The built-in rules do all three.
//!
//! `action` is one of `remove` (boilerplate), `trailer` (the article has ended),
//! `related-header` (the items below are related links), `related` (the line is
//! itself a related link, `ALSO READ | …`), `caption`, `credit`, `comment` (a
//! marker of a reader comment: its byline or its reply and report links) or
//! `comments-head` (the head of a comment section: the article has ended, and
//! with a comment marker or another head close below, the thread of reader
//! comments starts there). `languages` lists
//! the ISO 639-1 codes the phrases are written in (documentation; rules apply to
//! every document). Ids are `family.name`; a built-in rule's family is its file
//! name. Every rule needs `examples`: `rinse rules test` fails without them.
//!
//! A file may name lists of literal text in a `[lists]` table, which its
//! rules' regexes use as `{name}`:
//!
//! ```toml
//! [lists]
//! agency = ["afp", "reuters", "the associated press"]
//!
//! [[rule]]
//! id = "credit.agency-slug"
//! # …
//! regex = '(?i)^\(\s*{agency}\s*\)$|^with {agency}$'
//! ```
//!
//! `{agency}` becomes `(?:afp|reuters|the associated press)`, each item
//! regex-escaped (`a.p` matches only `a.p`). A list name is lower-case letters,
//! digits, `-` and `_`, starting with a letter; a list serves the rules of its
//! own file. A `{` that opens no name (`x{2,5}`, `\p{Lu}`, inside `[…]`) is
//! the regex's own. A regex naming a list the file lacks is an error naming
//! the file and the rule. The built-in files' lists are also read by the
//! program where it must agree with the rules ([`builtin_list`]).
//!
//! The built-in rules are embedded in the binary ([`BUILTIN`]); users add a folder
//! of their own, whose rules add to them or replace a built-in rule of the same id.
//!
//! The module is split by concern: `format` (the types of a rule file),
//! `load` (the built-in files, a user folder, merging), `lists` (named lists
//! and their expansion), `validate` (every problem of every rule), `literal`
//! (the normal form and literal phrases), `plan` and `fast` (the regex fast
//! path, which must agree with the reference matcher [`RuleSet::matches`])
//! and `selftest` ([`test_rule`]). Compiling a [`RuleSet`] validates the
//! rules.

use std::collections::HashMap;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use regex::{Regex, RegexBuilder};

use crate::error::{Error, Result};

mod fast;
mod format;
mod lists;
mod literal;
mod load;
mod plan;
mod selftest;
#[cfg(test)]
mod tests;
mod validate;

use fast::Fast;
pub use format::{Action, Rule};
pub use lists::{Lists, builtin_list};
pub use literal::normalize;
use literal::{Lowered, normalize_whole, word_count};
pub use load::{BUILTIN, builtin_rules, load_dir, merge, parse_file};
pub use selftest::{RuleTest, test_rule};

/// A rule's whole regex. A regex whose text is a built-in rule's is built on
/// first use (the fast path seldom needs it, and building them all took most
/// of the start-up): the test suite builds every built-in regex, so it cannot
/// fail. Any other is built when the rule set is compiled, so that a bad one
/// is refused then, with the rule named.
#[derive(Debug)]
struct WholeRegex {
    text: String,
    re: std::sync::OnceLock<Option<Regex>>,
}

impl WholeRegex {
    /// The regex; `None` only if building a built-in one failed, which the
    /// tests rule out (a rule whose regex does not build then matches nothing).
    fn get(&self) -> Option<&Regex> {
        self.re
            .get_or_init(|| build_regex(&self.text).ok())
            .as_ref()
    }
}

/// Builds a rule's whole regex, within the size limits.
fn build_regex(re: &str) -> std::result::Result<Regex, regex::Error> {
    RegexBuilder::new(re)
        .size_limit(REGEX_SIZE_LIMIT)
        .dfa_size_limit(REGEX_SIZE_LIMIT)
        .build()
}

/// The regexes of the built-in rules.
static BUILTIN_REGEXES: std::sync::LazyLock<std::collections::HashSet<String>> =
    std::sync::LazyLock::new(|| {
        builtin_rules()
            .map(|rules| rules.into_iter().filter_map(|r| r.regex).collect())
            .unwrap_or_default()
    });

/// Limit on the compiled size of user regexes, so a rule file cannot exhaust memory.
pub const REGEX_SIZE_LIMIT: usize = 10 * (1 << 20);

/// A compiled set of rules.
#[derive(Debug)]
pub struct RuleSet {
    rules: Vec<Rule>,
    equals: HashMap<String, Vec<usize>>,
    literals: AhoCorasick,
    /// For each literal pattern: (rule index, anchored at line start).
    literal_rule: Vec<(usize, bool)>,
    /// (rule index, whole regex), in rule order: each rule's whole regex, for
    /// [`RuleSet::matches`] and for the rules the fast path runs whole.
    regexes: Vec<(usize, WholeRegex)>,
    /// For each rule, its position in `regexes`.
    regex_of: Vec<Option<usize>>,
    /// The most letter-or-digit words in any `equals` phrase: a line with more
    /// cannot equal one (normalising keeps those words), so it is not looked up.
    equals_max_words: usize,
    /// The regexes split for [`RuleSet::first_match_index`].
    fast: Fast,
    /// Each rule's id, interned ([`intern`]): a record names the rule of a
    /// removed line without allocating.
    ids: Vec<&'static str>,
}

/// `id`, as one `&'static str` per distinct id in the process. Each new id is
/// leaked once, so the memory is bounded by the distinct rule ids the
/// process ever compiles, however many rule sets it compiles.
fn intern(id: &str) -> &'static str {
    static IDS: std::sync::Mutex<std::collections::BTreeSet<&'static str>> =
        std::sync::Mutex::new(std::collections::BTreeSet::new());
    // A panic elsewhere while holding the lock leaves a whole set.
    let mut ids = IDS.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(&known) = ids.get(id) {
        return known;
    }
    let leaked: &'static str = Box::leak(id.to_owned().into_boxed_str());
    ids.insert(leaked);
    leaked
}

impl RuleSet {
    /// Compiles `rules`. Fails on a duplicate id, a rule with nothing to match,
    /// or a regex that does not compile within [`REGEX_SIZE_LIMIT`], among
    /// others: the error lists every problem of every rule, one a line.
    pub fn compile(rules: Vec<Rule>) -> Result<Self> {
        let mut equals: HashMap<String, Vec<usize>> = HashMap::new();
        let mut patterns = Vec::new();
        let mut literal_rule = Vec::new();
        let mut regexes = Vec::new();
        let mut regex_of = vec![None; rules.len()];
        let mut seen = HashMap::new();
        let mut problems = Vec::new();
        for (i, r) in rules.iter().enumerate() {
            let bad = validate::rule_problems(r, &mut seen);
            if !bad.is_empty() {
                problems.extend(bad.into_iter().map(|p| validate::problem(r, p)));
                continue;
            }
            for e in &r.equals {
                equals.entry(normalize_whole(e)).or_default().push(i);
            }
            for (list, anchored) in [(&r.starts_with, true), (&r.contains, false)] {
                for p in list {
                    patterns.push(normalize(p));
                    literal_rule.push((i, anchored));
                }
            }
            if let Some(re) = &r.regex {
                let whole = WholeRegex {
                    text: re.clone(),
                    re: std::sync::OnceLock::new(),
                };
                if !BUILTIN_REGEXES.contains(re) {
                    match build_regex(re) {
                        Ok(built) => {
                            let _ = whole.re.set(Some(built));
                        }
                        Err(e) => {
                            problems.push(validate::problem(r, format!("bad regex: {e}")));
                            continue;
                        }
                    }
                }
                regex_of[i] = Some(regexes.len());
                regexes.push((i, whole));
            }
        }
        validate::all(problems)?;
        let equals_max_words = equals
            .keys()
            .map(|k| {
                k.split_whitespace()
                    .filter(|w| w.chars().any(char::is_alphanumeric))
                    .count()
            })
            .max()
            .unwrap_or(0);
        // Patterns are lower case; ASCII case-insensitivity lets a plain ASCII
        // line be searched as it is, without normalising a copy.
        let literals = AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .ascii_case_insensitive(true)
            .build(&patterns)
            .map_err(|e| Error::Rule {
                file: String::new(),
                rule: String::new(),
                problem: format!("literal set: {e}"),
            })?;
        let fast = Fast::build(&rules);
        let ids = rules.iter().map(|r| intern(&r.id)).collect();
        Ok(RuleSet {
            ids,
            rules,
            equals,
            literals,
            literal_rule,
            regexes,
            regex_of,
            equals_max_words,
            fast,
        })
    }

    /// Compiles the built-in rules.
    pub fn builtin() -> Result<Self> {
        Self::compile(builtin_rules()?)
    }

    /// A number unique to this compiled rule set in the process: what a
    /// cache of its answers is keyed by.
    pub(crate) fn id(&self) -> u64 {
        self.fast.id
    }

    /// The id of rule `i` (an index into [`RuleSet::rules`]), for the life of
    /// the process.
    pub fn static_id(&self, i: usize) -> &'static str {
        self.ids[i]
    }

    /// The rules, in priority order.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// Whether rule `i` applies to a line of `words` words (its word bounds).
    fn fits(&self, i: usize, words: usize) -> bool {
        fits(&self.rules[i], words)
    }

    /// The whole regex of rule `i`, which has one.
    fn whole_regex(&self, i: usize) -> Option<&Regex> {
        self.regex_of[i].and_then(|k| self.regexes[k].1.get())
    }

    /// Indices of every rule that matches `line`, ascending (priority order).
    pub fn matches(&self, line: &str) -> Vec<usize> {
        let line = crate::text::trim(line);
        let mut hits = Vec::new();
        if line.is_empty() {
            return hits;
        }
        let words = word_count(line);
        let mut buf = String::new();
        let mut lower = Lowered::new(line, &mut buf);
        self.literal_hits(line, (words, None), &mut lower, |i| hits.push(i));
        for (i, re) in &self.regexes {
            if self.fits(*i, words) && re.get().is_some_and(|re| re.is_match(line)) {
                hits.push(*i);
            }
        }
        hits.sort_unstable();
        hits.dedup();
        hits
    }

    /// The first (highest-priority) rule that matches `line`.
    pub fn first_match(&self, line: &str) -> Option<&Rule> {
        self.first_match_index(line).map(|i| &self.rules[i])
    }

    /// The index of the first (highest-priority) rule that matches `line`: the
    /// first of [`RuleSet::matches`], found with less work.
    pub fn first_match_index(&self, line: &str) -> Option<usize> {
        let line = crate::text::trim(line);
        if line.is_empty() {
            return None;
        }
        self.first_match_trimmed(line, word_count(line), None)
    }

    /// [`RuleSet::first_match_index`] for a caller that has counted the words
    /// already: `words` must be the number of whitespace-separated words of
    /// `line` (as `str::split_whitespace` counts them), or the word bounds of
    /// the rules are applied to the wrong length; `alnum_words`, those of them
    /// holding a letter or a digit (a `char::is_alphanumeric` character),
    /// decides whether the line is short enough to equal an `equals` phrase.
    pub fn first_match_index_counted(
        &self,
        line: &str,
        words: usize,
        alnum_words: usize,
    ) -> Option<usize> {
        let line = crate::text::trim(line);
        if line.is_empty() {
            return None;
        }
        debug_assert_eq!(words, word_count(line), "word count of {line:?}");
        debug_assert_eq!(
            alnum_words,
            line.split_whitespace()
                .filter(|w| w.chars().any(char::is_alphanumeric))
                .count(),
            "alphanumeric words of {line:?}"
        );
        self.first_match_trimmed(line, words, Some(alnum_words))
    }
}

/// Whether `rule` applies to a line of `words` words (its word bounds).
fn fits(rule: &Rule, words: usize) -> bool {
    rule.max_words.is_none_or(|m| words <= m) && rule.min_words.is_none_or(|m| words >= m)
}
