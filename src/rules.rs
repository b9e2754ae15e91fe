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
//! itself a related link, `ALSO READ | …`), `caption` or `credit`. `languages` lists
//! the ISO 639-1 codes the phrases are written in (documentation; rules apply to
//! every document). Ids are `family.name`; a built-in rule's family is its file
//! name. Every rule needs `examples`: `rinse rules test` fails without them.
//!
//! The built-in rules are embedded in the binary ([`BUILTIN`]); users add a folder
//! of their own, whose rules add to them or replace a built-in rule of the same id.

use std::collections::HashMap;
use std::path::Path;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use regex::{Regex, RegexBuilder, RegexSet, RegexSetBuilder};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// The built-in rule files, embedded at compile time: (file name, contents).
///
/// The order is the rules' priority: when several rules match a line, the first
/// decides. A test checks that this list names every file in `rules/`.
pub const BUILTIN: &[(&str, &str)] = &[
    ("caption.toml", include_str!("../rules/caption.toml")),
    ("credit.toml", include_str!("../rules/credit.toml")),
    ("related.toml", include_str!("../rules/related.toml")),
    ("trailer.toml", include_str!("../rules/trailer.toml")),
    ("promo.toml", include_str!("../rules/promo.toml")),
    ("share.toml", include_str!("../rules/share.toml")),
    ("cookie.toml", include_str!("../rules/cookie.toml")),
    ("ads.toml", include_str!("../rules/ads.toml")),
    ("meta.toml", include_str!("../rules/meta.toml")),
    ("nav.toml", include_str!("../rules/nav.toml")),
    ("copyright.toml", include_str!("../rules/copyright.toml")),
];

/// What a rule does to the line it matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    /// Drop the line as boilerplate.
    Remove,
    /// The article has ended: drop this line and what follows, except related items.
    Trailer,
    /// The line heads a list of related links; the items below go to `related`.
    RelatedHeader,
    /// A photo caption or photo credit.
    Caption,
    /// A reporting or editing credit.
    Credit,
    /// The line is itself a related link (`ALSO READ | …`, `Lire aussi : …`).
    Related,
}

/// One rule as written in a rule file.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// Unique id, `family.name`.
    pub id: String,
    /// What the rule catches and why.
    pub description: String,
    /// What happens to a matching line.
    pub action: Action,
    /// Languages the rule is written for (ISO 639-1), empty for any.
    #[serde(default)]
    pub languages: Vec<String>,
    /// Whole-line matches (case, spacing and trailing punctuation ignored).
    #[serde(default)]
    pub equals: Vec<String>,
    /// Line-prefix matches (case and spacing ignored).
    #[serde(default)]
    pub starts_with: Vec<String>,
    /// Substring matches (case and spacing ignored).
    #[serde(default)]
    pub contains: Vec<String>,
    /// A regular expression searched in the trimmed line.
    #[serde(default)]
    pub regex: Option<String>,
    /// The rule applies only to lines of at most this many words.
    #[serde(default)]
    pub max_words: Option<usize>,
    /// The rule applies only to lines of at least this many words.
    #[serde(default)]
    pub min_words: Option<usize>,
    /// Lines the rule must match.
    #[serde(default)]
    pub examples: Vec<String>,
    /// Lines the rule must not match.
    #[serde(default)]
    pub counterexamples: Vec<String>,
    /// The file the rule came from (set when loading).
    #[serde(skip)]
    pub file: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    #[serde(default)]
    rule: Vec<Rule>,
}

/// With at least this many regex rules fitting a line, the line goes through the
/// regex set in one pass instead of regex by regex.
const SET_THRESHOLD: usize = 4;

/// Limit on the compiled size of user regexes, so a rule file cannot exhaust memory.
pub const REGEX_SIZE_LIMIT: usize = 10 * (1 << 20);

/// Parses one rule file. `name` is used in error messages.
pub fn parse_file(name: &str, text: &str) -> Result<Vec<Rule>> {
    let file: RuleFile = toml::from_str(text).map_err(|e| Error::Rule {
        file: name.to_string(),
        rule: String::new(),
        problem: e.to_string().trim().to_string(),
    })?;
    let mut rules = file.rule;
    for r in &mut rules {
        r.file = name.to_string();
    }
    Ok(rules)
}

/// Parses the built-in rule files.
pub fn builtin_rules() -> Result<Vec<Rule>> {
    let mut all = Vec::new();
    for (name, text) in BUILTIN {
        all.extend(parse_file(&format!("<builtin>/{name}"), text)?);
    }
    Ok(all)
}

/// Parses every `*.toml` file in `dir`, in file-name order.
pub fn load_dir(dir: &Path) -> Result<Vec<Rule>> {
    let mut paths = Vec::new();
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(dir, e))?;
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "toml") {
            paths.push(path);
        }
    }
    paths.sort();
    let mut all = Vec::new();
    for path in paths {
        let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
        all.extend(parse_file(&path.display().to_string(), &text)?);
    }
    Ok(all)
}

/// Merges `extra` into `base`: a rule whose id is already in `base` replaces it in
/// place, a new id is appended.
pub fn merge(base: &mut Vec<Rule>, extra: Vec<Rule>) {
    for rule in extra {
        match base.iter_mut().find(|r| r.id == rule.id) {
            Some(slot) => *slot = rule,
            None => base.push(rule),
        }
    }
}

/// Lower-cases and folds runs of whitespace to one space; trims both ends.
pub fn normalize(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    for word in line.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        if word.is_ascii() {
            let start = out.len();
            out.push_str(word);
            out[start..].make_ascii_lowercase();
        } else {
            for c in word.chars() {
                out.extend(c.to_lowercase());
            }
        }
    }
    out
}

/// [`normalize`], then strips trailing punctuation and arrows (`:`, `»`, `>`…).
fn normalize_whole(line: &str) -> String {
    trim_whole(&normalize(line)).to_string()
}

/// Strips trailing punctuation and arrows from a normalised line.
fn trim_whole(norm: &str) -> &str {
    norm.trim_end_matches(|c: char| {
        c.is_whitespace()
            || matches!(
                c,
                ':' | '.' | '!' | '»' | '›' | '>' | '|' | '-' | '–' | '—' | '…' | '→'
            )
    })
}

/// True for ids like `family.name` (lower-case ASCII letters, digits, `-`, `_`).
fn valid_id(id: &str) -> bool {
    id.contains('.')
        && !id.starts_with('.')
        && !id.ends_with('.')
        && !id.contains("..")
        && id.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'_')
        })
}

fn word_count(line: &str) -> usize {
    if line.is_ascii() {
        // Byte by byte: a word starts where a non-space follows a space.
        let mut count = 0;
        let mut in_word = false;
        for &b in line.as_bytes() {
            let space = matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0b' | b'\x0c');
            count += usize::from(!space && !in_word);
            in_word = !space;
        }
        return count;
    }
    line.split_whitespace().count()
}

/// A compiled set of rules.
#[derive(Debug)]
pub struct RuleSet {
    rules: Vec<Rule>,
    equals: HashMap<String, Vec<usize>>,
    literals: AhoCorasick,
    /// For each literal pattern: (rule index, anchored at line start).
    literal_rule: Vec<(usize, bool)>,
    /// (rule index, compiled regex), in rule order. Each is its own matcher
    /// rather than one `RegexSet`: a set cannot stop at the first (highest
    /// priority) hit, and falls back to its slowest engine on Unicode word
    /// boundaries, while single regexes fail fast on their anchors and literals.
    regexes: Vec<(usize, Regex)>,
    /// The regexes free of Unicode word boundaries, as one set (positions into
    /// `regexes` in `set_members`): on a short line where many rules fit, one
    /// pass of the set's automaton beats trying each regex in turn.
    set: RegexSet,
    set_members: Vec<usize>,
    /// The most letter-or-digit words in any `equals` phrase: a line with more
    /// cannot equal one (normalising keeps those words), so it is not looked up.
    equals_max_words: usize,
}

/// Whether `text` has at most `max` words holding a letter or digit
/// (punctuation-only tokens do not count); stops counting past `max`.
fn alnum_words_at_most(text: &str, max: usize) -> bool {
    text.split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .nth(max)
        .is_none()
}

impl RuleSet {
    /// Compiles `rules`. Fails on a duplicate id, a rule with nothing to match,
    /// or a regex that does not compile within [`REGEX_SIZE_LIMIT`].
    pub fn compile(rules: Vec<Rule>) -> Result<Self> {
        let mut equals: HashMap<String, Vec<usize>> = HashMap::new();
        let mut patterns = Vec::new();
        let mut literal_rule = Vec::new();
        let mut regexes = Vec::new();
        let mut set_members = Vec::new();
        let mut seen = HashMap::new();
        for (i, r) in rules.iter().enumerate() {
            let problem = |p: String| Error::Rule {
                file: r.file.clone(),
                rule: r.id.clone(),
                problem: p,
            };
            if r.id.trim().is_empty() {
                return Err(problem("empty id".into()));
            }
            if !valid_id(&r.id) {
                return Err(problem(
                    "id must be `family.name`: lower-case letters, digits, `-` and one or more `.`"
                        .into(),
                ));
            }
            if let Some(bad) = r
                .languages
                .iter()
                .find(|l| l.len() != 2 || !l.bytes().all(|b| b.is_ascii_lowercase()))
            {
                return Err(problem(format!(
                    "language {bad:?} is not a two-letter ISO 639-1 code"
                )));
            }
            if r.description.trim().is_empty() {
                return Err(problem("empty description".into()));
            }
            if let (Some(lo), Some(hi)) = (r.min_words, r.max_words)
                && lo > hi
            {
                return Err(problem(format!("min_words {lo} > max_words {hi}")));
            }
            if let Some(prev) = seen.insert(r.id.as_str(), &r.file) {
                return Err(problem(format!("duplicate id (also in {prev})")));
            }
            if r.equals.is_empty()
                && r.starts_with.is_empty()
                && r.contains.is_empty()
                && r.regex.is_none()
            {
                return Err(problem(
                    "matches nothing: give equals, starts_with, contains or regex".into(),
                ));
            }
            for e in &r.equals {
                equals.entry(normalize_whole(e)).or_default().push(i);
            }
            for (list, anchored) in [(&r.starts_with, true), (&r.contains, false)] {
                for p in list {
                    let p = normalize(p);
                    if p.is_empty() {
                        return Err(problem("empty phrase".into()));
                    }
                    patterns.push(p);
                    literal_rule.push((i, anchored));
                }
            }
            if let Some(re) = &r.regex {
                let compiled = RegexBuilder::new(re)
                    .size_limit(REGEX_SIZE_LIMIT)
                    .dfa_size_limit(REGEX_SIZE_LIMIT)
                    .build()
                    .map_err(|e| problem(format!("bad regex: {e}")))?;
                regexes.push((i, compiled));
                let unicode_boundary = regex_syntax::parse(re)
                    .map(|h| h.properties().look_set().contains_word_unicode())
                    .unwrap_or(true);
                if !unicode_boundary {
                    set_members.push(regexes.len() - 1);
                }
            }
        }
        let set = RegexSetBuilder::new(set_members.iter().map(|&k| regexes[k].1.as_str()))
            .size_limit(REGEX_SIZE_LIMIT)
            .dfa_size_limit(REGEX_SIZE_LIMIT)
            .build()
            .map_err(|e| Error::Rule {
                file: String::new(),
                rule: String::new(),
                problem: format!("regex set: {e}"),
            })?;
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
        Ok(RuleSet {
            rules,
            equals,
            literals,
            literal_rule,
            regexes,
            set,
            set_members,
            equals_max_words,
        })
    }

    /// Compiles the built-in rules.
    pub fn builtin() -> Result<Self> {
        Self::compile(builtin_rules()?)
    }

    /// The rules, in priority order.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// Whether rule `i` applies to a line of `words` words (its word bounds).
    fn fits(&self, i: usize, words: usize) -> bool {
        let r = &self.rules[i];
        r.max_words.is_none_or(|m| words <= m) && r.min_words.is_none_or(|m| words >= m)
    }

    /// Indices of the literal (`equals`, `starts_with`, `contains`) rules that
    /// match `line` (trimmed, not empty), unsorted, within their word bounds.
    fn literal_hits(&self, line: &str, words: usize, hits: &mut Vec<usize>) {
        let need_equals =
            !self.equals.is_empty() && alnum_words_at_most(line, self.equals_max_words);
        let need_phrases = !self.literal_rule.is_empty();
        if !need_equals && !need_phrases {
            return;
        }
        // An ASCII line with single spaces is its own normal form but for case,
        // which the phrase automaton ignores.
        let plain = line.is_ascii()
            && !line.contains("  ")
            && !line.contains(['\t', '\r', '\n', '\x0b', '\x0c']);
        let norm = (!plain).then(|| normalize(line));
        if need_equals {
            let lower;
            let whole = match &norm {
                Some(n) => trim_whole(n),
                None => {
                    lower = line.to_ascii_lowercase();
                    trim_whole(&lower)
                }
            };
            if let Some(v) = self.equals.get(whole) {
                hits.extend(v.iter().copied().filter(|&i| self.fits(i, words)));
            }
        }
        if need_phrases {
            let hay = norm.as_deref().unwrap_or(line);
            for m in self.literals.find_overlapping_iter(hay) {
                let (rule, anchored) = self.literal_rule[m.pattern().as_usize()];
                if (!anchored || m.start() == 0) && self.fits(rule, words) {
                    hits.push(rule);
                }
            }
        }
    }

    /// Indices of every rule that matches `line`, ascending (priority order).
    pub fn matches(&self, line: &str) -> Vec<usize> {
        let line = line.trim();
        let mut hits = Vec::new();
        if line.is_empty() {
            return hits;
        }
        let words = word_count(line);
        self.literal_hits(line, words, &mut hits);
        for (i, re) in &self.regexes {
            if self.fits(*i, words) && re.is_match(line) {
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

    /// The index of the first (highest-priority) rule that matches `line`.
    ///
    /// Cheaper than [`RuleSet::matches`]: regexes run in priority order, only
    /// for rules whose word bounds fit the line, and stop at the first hit or
    /// at the best literal hit.
    pub fn first_match_index(&self, line: &str) -> Option<usize> {
        let line = line.trim();
        if line.is_empty() {
            return None;
        }
        let words = word_count(line);
        let mut hits = Vec::new();
        self.literal_hits(line, words, &mut hits);
        let best = hits.into_iter().min();
        let candidate = |i: usize| best.is_none_or(|b| i < b) && self.fits(i, words);
        let fitting = self
            .set_members
            .iter()
            .filter(|&&k| candidate(self.regexes[k].0))
            .count();
        if fitting >= SET_THRESHOLD {
            // One pass for the set, then the regexes outside it, in order.
            // Most lines match no rule: a plain search says so faster than
            // the overlapping one that names every matching pattern.
            let from_set = if self.set.is_match(line) {
                self.set
                    .matches(line)
                    .iter()
                    .map(|m| self.regexes[self.set_members[m]].0)
                    .find(|&i| candidate(i))
            } else {
                None
            };
            let outside = self
                .regexes
                .iter()
                .enumerate()
                .filter(|(k, _)| self.set_members.binary_search(k).is_err())
                .find(|(_, (i, re))| candidate(*i) && re.is_match(line))
                .map(|(_, (i, _))| *i);
            return [best, from_set, outside].into_iter().flatten().min();
        }
        for (i, re) in &self.regexes {
            if best.is_some_and(|b| *i >= b) {
                break;
            }
            if self.fits(*i, words) && re.is_match(line) {
                return Some(*i);
            }
        }
        best
    }
}

/// The outcome of one rule's own examples (see [`test_rule`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RuleTest {
    /// The rule's id.
    pub id: String,
    /// The file the rule came from.
    pub file: String,
    /// Examples the rule matched, as it should.
    pub validated: usize,
    /// Examples the rule did not match.
    pub missing: Vec<String>,
    /// Counterexamples the rule matched.
    pub noisy: Vec<String>,
    /// Counterexamples the rule left alone, as it should.
    pub quiet: usize,
}

impl RuleTest {
    /// True when every example matched, no counterexample did, and there was at
    /// least one example.
    pub fn passed(&self) -> bool {
        self.missing.is_empty() && self.noisy.is_empty() && self.validated > 0
    }
}

/// Runs `rule` alone over its `examples` (which it must match) and
/// `counterexamples` (which it must not). Fails only when the rule does not compile.
pub fn test_rule(rule: &Rule) -> Result<RuleTest> {
    let set = RuleSet::compile(vec![rule.clone()])?;
    let mut t = RuleTest {
        id: rule.id.clone(),
        file: rule.file.clone(),
        ..RuleTest::default()
    };
    for e in &rule.examples {
        if set.first_match_index(e).is_some() {
            t.validated += 1;
        } else {
            t.missing.push(e.clone());
        }
    }
    for c in &rule.counterexamples {
        if set.first_match_index(c).is_some() {
            t.noisy.push(c.clone());
        } else {
            t.quiet += 1;
        }
    }
    Ok(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `first_match_index` takes shortcuts (the regex set on short lines, early
    /// exits); it must agree with the plain `matches` on every example and
    /// counterexample of every built-in rule, and on long prose.
    #[test]
    fn first_match_agrees_with_all_matches() {
        let set = RuleSet::builtin().unwrap();
        let prose = "The council approved the budget on Tuesday after a debate that lasted weeks, \
                     members said, and the plan will fund schools, roads and parks next year.";
        let mut lines: Vec<String> = vec![prose.to_string(), String::new(), "   ".into()];
        for r in set.rules() {
            lines.extend(r.examples.iter().cloned());
            lines.extend(r.counterexamples.iter().cloned());
        }
        let mut via_set = 0;
        for line in &lines {
            let all = set.matches(line);
            assert_eq!(
                set.first_match_index(line),
                all.first().copied(),
                "{line:?}"
            );
            let words = word_count(line.trim());
            if set
                .set_members
                .iter()
                .filter(|&&k| set.fits(set.regexes[k].0, words))
                .count()
                >= SET_THRESHOLD
            {
                via_set += 1;
            }
        }
        assert!(via_set > 10, "the set path ran on {via_set} lines only");
    }

    #[test]
    fn builtin_lists_every_rule_file() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
        let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".toml"))
            .collect();
        on_disk.sort();
        let mut listed: Vec<String> = BUILTIN.iter().map(|(n, _)| n.to_string()).collect();
        listed.sort();
        assert_eq!(listed, on_disk);
    }

    #[test]
    fn rule_ids_start_with_their_file_family() {
        for r in builtin_rules().unwrap() {
            let family = r
                .file
                .trim_start_matches("<builtin>/")
                .trim_end_matches(".toml");
            assert!(
                r.id.starts_with(&format!("{family}.")),
                "{} in {}",
                r.id,
                r.file
            );
        }
    }

    #[test]
    fn bad_rules_are_refused_with_file_rule_and_problem() {
        let cases = [
            ("id = \"Bad Id\"", "id must be"),
            ("id = \"x.y\"\nlanguages = [\"english\"]", "two-letter"),
            ("id = \"x.y\"\nregex = \"(\"", "bad regex"),
        ];
        for (head, want) in cases {
            let text = format!(
                "[[rule]]\n{head}\ndescription = \"d\"\naction = \"remove\"\ncontains = [\"a\"]\n"
            );
            let text = if head.contains("regex") {
                text.replace("contains = [\"a\"]\n", "")
            } else {
                text
            };
            let rules = parse_file("my.toml", &text).unwrap();
            let err = RuleSet::compile(rules).unwrap_err().to_string();
            assert!(err.contains("my.toml") && err.contains(want), "{err}");
        }
        let err = parse_file("my.toml", "[[rule]]\nid = \"a.b\"\nbogus = 1\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("my.toml") && err.contains("bogus"), "{err}");
    }

    #[test]
    fn equals_ignores_case_and_trailing_punctuation_but_not_extra_words() {
        let set = RuleSet::builtin().unwrap();
        let share = |l: &str| set.first_match(l).map(|r| r.id.as_str());
        assert_eq!(share("SHARE THIS:"), Some("share.button"));
        assert_eq!(share("Share this with your friends and family today"), None);
    }
}
