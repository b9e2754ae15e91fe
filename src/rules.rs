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
//! itself a related link, `ALSO READ | …`), `caption`, `credit` or `comment` (a
//! marker of a reader comment: its byline or its reply and report links). `languages` lists
//! the ISO 639-1 codes the phrases are written in (documentation; rules apply to
//! every document). Ids are `family.name`; a built-in rule's family is its file
//! name. Every rule needs `examples`: `rinse rules test` fails without them.
//!
//! The built-in rules are embedded in the binary ([`BUILTIN`]); users add a folder
//! of their own, whose rules add to them or replace a built-in rule of the same id.

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::Path;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use regex::{Regex, RegexBuilder};
use regex_automata::nfa::thompson;
use regex_automata::{Anchored, Input, PatternSet, hybrid, meta};
use regex_syntax::hir::{Class, Hir, HirKind, Look};
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
    ("comments.toml", include_str!("../rules/comments.toml")),
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
    /// A marker of a reader comment (its byline, its reply and report links):
    /// dropped, and read by the line model as a sign of a comment thread.
    Comment,
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

/// The number of whitespace-separated words of `line`, as
/// `line.split_whitespace().count()` counts them.
fn word_count(line: &str) -> usize {
    let bytes = line.as_bytes();
    if !line.is_ascii() && has_unicode_space(bytes) {
        return line.split_whitespace().count();
    }
    // Only ASCII white space: a word starts at a non-space after a space.
    let Some(&first) = bytes.first() else {
        return 0;
    };
    let mut count = usize::from(!ascii_space(first));
    // Per block, a one-byte counter: a loop the compiler vectorises.
    for (a, b) in bytes.chunks(128).zip(bytes[1..].chunks(128)) {
        let mut starts = 0u8;
        for (&x, &y) in a.iter().zip(b) {
            starts += u8::from(ascii_space(x) & !ascii_space(y));
        }
        count += usize::from(starts);
    }
    count
}

/// Whether UTF-8 `bytes` hold a white space character outside ASCII (U+0085,
/// U+00A0, U+1680, U+2000..=U+200A, U+2028, U+2029, U+202F, U+205F, U+3000).
fn has_unicode_space(bytes: &[u8]) -> bool {
    let unicode_space = memchr::memchr3_iter(0xC2, 0xE2, 0xE3, bytes).any(|i| {
        let rest = &bytes[i + 1..];
        match bytes[i] {
            0xC2 => matches!(rest, [0x85 | 0xA0, ..]),
            0xE2 => matches!(
                rest,
                [0x80, 0x80..=0x8A | 0xA8 | 0xA9 | 0xAF, ..] | [0x81, 0x9F, ..]
            ),
            _ => matches!(rest, [0x80, 0x80, ..]),
        }
    });
    unicode_space || memchr::memmem::find(bytes, "\u{1680}".as_bytes()).is_some()
}

/// ASCII white space, as `char::is_whitespace` has it.
fn ascii_space(b: u8) -> bool {
    b == b' ' || (b'\t'..=b'\r').contains(&b)
}

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
}

/// The regex side of [`RuleSet::first_match_index`], precomputed per line length.
///
/// Each rule's regex is split into its top-level alternation branches.
///
/// * Branches anchored at the line start (`^`) go into one anchored
///   multi-pattern regex, one pattern per rule. Its search gives up after a
///   few bytes on most lines and names every rule whose anchored branches
///   match; the first that fits the line's word count is the candidate. Rules
///   are sorted into word-count buckets, so that a line skips what cannot fit.
/// * Unanchored branches are gated by their literal prefixes: every match of
///   the branch starts with one of them. All gates are searched in one pass of
///   an Aho-Corasick automaton over the ASCII-lower-cased line, and a branch
///   runs only when one of its prefixes is there.
/// * A regex that cannot be split that way (a Unicode word boundary, which
///   would slow the shared automaton on non-ASCII lines; an unanchored branch
///   without usable prefix literals; a failed build) runs whole, as before.
#[derive(Debug)]
struct Fast {
    /// Word counts where the set of fitting regex rules changes, ascending: a
    /// line of `w` words is in bucket `cuts.partition_point(|&c| c <= w)`.
    cuts: Vec<usize>,
    buckets: Vec<Bucket>,
    /// The anchored branches of split rules, one pattern per rule (an
    /// alternation of its branches), in rule order: `anchored[0]` of every
    /// split rule, `anchored[1]` (when it leaves some out) of those that fit a
    /// line of more than [`LONG_LINE_WORDS`] words. `None` if the build
    /// failed, and the rules' whole regexes run instead.
    anchored: [Option<AnchoredSet>; 2],
    /// The gated (unanchored) branches, in rule order.
    gated: Vec<GatedBranch>,
    /// The gate: literals (ASCII lower case) searched in the ASCII-lower-cased
    /// line; `None` when there are no gated branches or no searcher could be
    /// built (then every gated branch runs).
    gate: Option<Gate>,
    /// For each gate pattern: the gated branches it lets through (positions in
    /// `gated`, ascending).
    gate_targets: Vec<Vec<usize>>,
    /// Non-ASCII characters that case-fold to an ASCII letter of some gate
    /// (the Kelvin sign, the long s): a line holding one lets every gated
    /// branch through. Searched apart from the gate, whose SIMD filter is
    /// weaker with patterns shorter than three bytes.
    wild: Wild,
    /// Tells this rule set's anchored regex apart in the per-thread scratch,
    /// which keeps that regex's search cache: searching with a cache of one's
    /// own skips the regex's shared cache pool, whose lock every thread but
    /// the first takes on every search.
    id: u64,
}

/// Lines of more than this many words (sentences of prose, which hold most
/// of a page's bytes) get an anchored automaton of their own, without the
/// rules for short lines (breadcrumbs, bylines, captions, mostly bounded by
/// 8 to 16 words). Those rules' patterns, of letters in any number, would
/// keep the automaton alive through the first words of every sentence.
const LONG_LINE_WORDS: usize = 16;

/// An anchored multi-pattern automaton over some rules' anchored branches.
#[derive(Debug)]
struct AnchoredSet {
    /// A forward lazy DFA: an anchored search needs no reverse automaton, nor
    /// captures.
    dfa: hybrid::dfa::DFA,
    /// For each pattern, its rule.
    rule: Vec<usize>,
}

/// The characters of [`Fast::wild`], found by their lead bytes.
#[derive(Debug)]
struct Wild {
    /// Each character, in UTF-8.
    chars: Vec<Vec<u8>>,
    /// Their distinct lead bytes.
    leads: Vec<u8>,
}

impl Wild {
    fn new(chars: &[char]) -> Wild {
        let chars: Vec<Vec<u8>> = chars.iter().map(|c| c.to_string().into_bytes()).collect();
        let mut leads: Vec<u8> = chars.iter().map(|c| c[0]).collect();
        leads.sort_unstable();
        leads.dedup();
        Wild { chars, leads }
    }

    /// Whether `hay` holds one of the characters: one `memchr` pass for up to
    /// three lead bytes, each hit checked in place.
    fn in_line(&self, hay: &[u8]) -> bool {
        let at = |i: usize| self.chars.iter().any(|c| hay[i..].starts_with(c));
        match self.leads[..] {
            [] => false,
            [a] => memchr::memchr_iter(a, hay).any(at),
            [a, b] => memchr::memchr2_iter(a, b, hay).any(at),
            [a, b, c] => memchr::memchr3_iter(a, b, c, hay).any(at),
            _ => self
                .chars
                .iter()
                .any(|c| memchr::memmem::find(hay, c).is_some()),
        }
    }
}

/// The next [`Fast::id`].
static NEXT_FAST_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

/// A searcher for the gate literals that reports every occurrence.
#[derive(Debug)]
enum Gate {
    /// SIMD (Teddy) search, restarted one byte after each hit. The patterns
    /// are prefix-free, so at most one matches at any position and none is
    /// hidden by another.
    Packed(aho_corasick::packed::Searcher),
    /// Overlapping Aho-Corasick search, where no SIMD searcher is available.
    Automaton(AhoCorasick),
}

impl Gate {
    /// Calls `hit` with the pattern of every occurrence in `hay` until it
    /// returns false.
    fn for_each(&self, hay: &str, mut hit: impl FnMut(usize) -> bool) {
        match self {
            Gate::Packed(s) => {
                let mut at = 0;
                while let Some(m) = s.find_in(hay, aho_corasick::Span::from(at..hay.len())) {
                    if !hit(m.pattern().as_usize()) {
                        return;
                    }
                    at = m.start() + 1;
                }
            }
            Gate::Automaton(ac) => {
                for m in ac.find_overlapping_iter(hay) {
                    if !hit(m.pattern().as_usize()) {
                        return;
                    }
                }
            }
        }
    }
}

/// An unanchored branch of a rule's regex, with its own matcher.
#[derive(Debug)]
struct GatedBranch {
    rule: usize,
    re: meta::Regex,
}

/// The regex work for lines of one range of word counts.
#[derive(Debug)]
struct Bucket {
    /// Rules fitting the bucket that have anchored branches, ascending.
    anchored_rules: Vec<usize>,
    /// The automaton of [`Fast::anchored`] the bucket searches.
    anchored_set: usize,
    /// Rules fitting the bucket whose regex runs whole, ascending.
    whole: Vec<usize>,
    /// The lowest rule fitting the bucket that has gated branches.
    first_gated: Option<usize>,
}

/// How the fast path runs one rule's regex.
enum Plan {
    /// The whole regex, on every line the rule fits.
    Whole,
    /// Split into its anchored branches (one alternation) and its gated
    /// unanchored branches, each with its gate literals.
    Split {
        anchored: Option<Hir>,
        gated: Vec<(meta::Regex, Vec<Vec<u8>>)>,
    },
}

/// At most this many gate literals per branch (else the branch runs whole).
const GATE_MAX_LITERALS: usize = 64;
/// Gate literals are cut to this many bytes.
const GATE_MAX_LEN: usize = 32;
/// Gate literals are searched for by a window of this many bytes (see
/// [`choose_gates`]).
const GATE_WINDOW: usize = 6;
/// A branch whose shortest gate literal is shorter runs whole: such a gate
/// would let through most lines.
const GATE_MIN_LEN: usize = 3;

/// The matcher configuration of `regex::Regex` (leftmost-first, same limits),
/// with only the implicit whole-match group: the fast path reads no other.
fn meta_builder() -> meta::Builder {
    meta_builder_kind(regex_automata::MatchKind::LeftmostFirst)
}

/// [`meta_builder`] with match kind `kind`.
fn meta_builder_kind(kind: regex_automata::MatchKind) -> meta::Builder {
    let mut b = meta::Builder::new();
    b.configure(
        meta::Config::new()
            .match_kind(kind)
            .utf8_empty(true)
            .nfa_size_limit(Some(REGEX_SIZE_LIMIT))
            .hybrid_cache_capacity(REGEX_SIZE_LIMIT)
            .which_captures(regex_automata::nfa::thompson::WhichCaptures::Implicit),
    );
    b
}

/// Splits regex `re` for the fast path (see [`Fast`]). Characters that ASCII
/// lower-casing cannot fold onto a gate literal (the Kelvin sign for `(?i)k`,
/// the long s for `(?i)s`) are added to `wild`: a line holding one lets every
/// gated branch run.
fn plan(re: &str, wild: &mut Vec<char>) -> Plan {
    // The parser `regex` uses, with its default settings.
    let Ok(hir) = regex_syntax::ParserBuilder::new().build().parse(re) else {
        return Plan::Whole;
    };
    if hir.properties().look_set().contains_word_unicode() {
        return Plan::Whole;
    }
    let branches = match hir.kind() {
        HirKind::Alternation(bs) => bs.clone(),
        _ => vec![hir],
    };
    let mut anchored = Vec::new();
    let mut gated = Vec::new();
    let mut wild_here = Vec::new();
    for b in branches {
        if b.properties().look_set_prefix().contains(Look::Start) {
            anchored.push(b);
            continue;
        }
        let Some(lits) = gate_literals(&b, &mut wild_here) else {
            return Plan::Whole;
        };
        let Ok(re) = meta_builder().build_from_hir(&b) else {
            return Plan::Whole;
        };
        gated.push((re, lits));
    }
    wild.extend(wild_here);
    Plan::Split {
        anchored: (!anchored.is_empty()).then(|| Hir::alternation(anchored)),
        gated,
    }
}

/// A literal prefix: its bytes (ASCII lower case) and whether it covers the
/// whole of what it came from, so that what follows may extend it.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Lit {
    bytes: Vec<u8>,
    exact: bool,
}

impl Lit {
    fn exact(bytes: Vec<u8>) -> Lit {
        Lit { bytes, exact: true }
    }

    /// Nothing known: the empty prefix, which does not extend.
    fn open() -> Lit {
        Lit {
            bytes: Vec::new(),
            exact: false,
        }
    }
}

/// The gate literals of an unanchored branch: every match of `hir` in a line
/// starts where one of them occurs in the ASCII-lower-cased line (characters
/// in `wild` aside). `None` when there is no such short list of literals of at
/// least [`GATE_MIN_LEN`] bytes.
fn gate_literals(hir: &Hir, wild: &mut Vec<char>) -> Option<Vec<Vec<u8>>> {
    let lits = prefixes(hir, wild);
    if lits.is_empty() || lits.iter().any(|l| l.bytes.len() < GATE_MIN_LEN) {
        return None;
    }
    let mut out: Vec<Vec<u8>> = lits.into_iter().map(|l| l.bytes).collect();
    out.sort();
    out.dedup();
    Some(out)
}

/// The literal prefixes of `hir`'s matches, ASCII lower-cased (see
/// [`gate_literals`]). Sound rather than complete: a prefix may be cut short
/// (not exact), and the empty open prefix means nothing is known.
fn prefixes(hir: &Hir, wild: &mut Vec<char>) -> Vec<Lit> {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => vec![Lit::exact(Vec::new())],
        HirKind::Literal(lit) => vec![Lit::exact(lit.0.to_ascii_lowercase())],
        HirKind::Class(class) => match class_alternatives(class, wild) {
            Some(alts) => alts.into_iter().map(Lit::exact).collect(),
            None => vec![Lit::open()],
        },
        HirKind::Capture(c) => prefixes(&c.sub, wild),
        HirKind::Repetition(r) => {
            let mut lits = prefixes(&r.sub, wild);
            if r.max != Some(1) {
                // `x{2,}` starts with `x` but may go on with more of it.
                for l in &mut lits {
                    l.exact = false;
                }
            }
            if r.min == 0 {
                // `x?`: the empty string, then what follows the repetition.
                lits.push(Lit::exact(Vec::new()));
            }
            lits
        }
        HirKind::Concat(subs) => {
            let mut acc = vec![Lit::exact(Vec::new())];
            for sub in subs {
                if acc.iter().all(|l| !l.exact) {
                    break;
                }
                let next = prefixes(sub, wild);
                let mut out = Vec::new();
                for a in &acc {
                    if !a.exact {
                        out.push(a.clone());
                        continue;
                    }
                    for n in &next {
                        let mut bytes = [a.bytes.as_slice(), n.bytes.as_slice()].concat();
                        let mut exact = n.exact;
                        if bytes.len() >= GATE_MAX_LEN {
                            bytes.truncate(GATE_MAX_LEN);
                            exact = false;
                        }
                        out.push(Lit { bytes, exact });
                    }
                }
                out.sort();
                out.dedup();
                if out.len() > GATE_MAX_LITERALS {
                    for a in &mut acc {
                        a.exact = false;
                    }
                    break;
                }
                acc = out;
            }
            acc
        }
        HirKind::Alternation(subs) => {
            let mut out = Vec::new();
            for sub in subs {
                out.extend(prefixes(sub, wild));
                if out.len() > GATE_MAX_LITERALS {
                    return vec![Lit::open()];
                }
            }
            out.sort();
            out.dedup();
            out
        }
    }
}

/// The byte strings a one-character class can put in the ASCII-lower-cased
/// line: ASCII letters folded to lower case, other characters as they are.
/// A class that folds to one ASCII letter plus case variants of it outside
/// ASCII (`(?i)k` is `[Kk\u{212A}]`) yields that letter, the others going to
/// `wild`. `None` for larger classes.
fn class_alternatives(class: &Class, wild: &mut Vec<char>) -> Option<Vec<Vec<u8>>> {
    const MAX_CHARS: u32 = 8;
    const MAX_ALTS: usize = 4;
    let mut ascii: Vec<u8> = Vec::new();
    let mut other: Vec<char> = Vec::new();
    match class {
        Class::Unicode(c) => {
            let mut n = 0u32;
            for r in c.ranges() {
                n += u32::from(r.end()) - u32::from(r.start()) + 1;
                if n > MAX_CHARS {
                    return None;
                }
                for ch in r.start()..=r.end() {
                    if ch.is_ascii() {
                        ascii.push(ch.to_ascii_lowercase() as u8);
                    } else {
                        other.push(ch);
                    }
                }
            }
        }
        Class::Bytes(c) => {
            let mut n = 0u32;
            for r in c.ranges() {
                n += u32::from(r.end()) - u32::from(r.start()) + 1;
                if n > MAX_CHARS || !r.end().is_ascii() {
                    return None;
                }
                for b in r.start()..=r.end() {
                    ascii.push(b.to_ascii_lowercase());
                }
            }
        }
    }
    ascii.sort_unstable();
    ascii.dedup();
    if let [letter] = ascii[..]
        && letter.is_ascii_lowercase()
        && !other.is_empty()
        && other.iter().all(|&ch| folds_to(ch, letter))
    {
        wild.extend(other);
        return Some(vec![vec![letter]]);
    }
    if ascii.len() + other.len() > MAX_ALTS {
        return None;
    }
    let mut alts: Vec<Vec<u8>> = ascii.into_iter().map(|b| vec![b]).collect();
    alts.extend(other.iter().map(|ch| ch.to_string().into_bytes()));
    Some(alts)
}

/// How common byte `b` is in lower-cased, mostly Latin-script text (higher
/// is more common).
fn byte_rank(b: u8) -> u32 {
    const LETTERS: &[u8] = b"etaoinshrdlcumwfgypbvkjxqz";
    match b {
        b' ' => 300,
        b'a'..=b'z' => {
            let pos = LETTERS.iter().position(|&l| l == b).unwrap_or(0);
            250 - 8 * pos as u32
        }
        b'0'..=b'9' => 120,
        // The lead byte of the accented Latin letters.
        0xC3 => 180,
        0x80.. => 80,
        _ => 60,
    }
}

/// Chooses the gate patterns for `lits`, (gated branch, literal) pairs: a few
/// short windows, each a substring of some literals, such that every literal
/// holds one. A line holding a literal holds its window, so a branch can
/// match only if the window assigned to one of its literals is there.
///
/// The SIMD searcher is fast while few places in a line look like a pattern,
/// so the windows should be rare in text: a window inside a long word
/// (`javasc`, from `javascript`) is rarer than one inside a short word
/// (`todos`) or across a space (`you ar`). The choice is a greedy set cover
/// of the literals, by estimated cost per literal covered.
///
/// Returns the patterns and, for each, the branches it lets through
/// (ascending).
fn choose_gates(lits: Vec<(usize, Vec<u8>)>) -> (Vec<Vec<u8>>, Vec<Vec<usize>>) {
    /// Above this many literals, each gets its own window without the search.
    const MAX_GREEDY: usize = 1024;
    let mut chosen: Vec<(Vec<u8>, Vec<usize>)> = Vec::new();
    if lits.len() > MAX_GREEDY {
        for (k, lit) in &lits {
            // (`gate_windows` always gives one; the literal itself would do.)
            let (w, _) = gate_windows(lit)
                .into_iter()
                .min_by_key(|(w, cost)| (*cost, window_rank(w)))
                .unwrap_or_else(|| (lit.clone(), 0));
            chosen.push((w, vec![*k]));
        }
    } else {
        // Each candidate window, with its cost and the literals it is in.
        let mut cands: HashMap<Vec<u8>, (u64, Vec<usize>)> = HashMap::new();
        for (j, (_, lit)) in lits.iter().enumerate() {
            for (w, cost) in gate_windows(lit) {
                let c = cands.entry(w).or_insert((cost, Vec::new()));
                c.0 = c.0.min(cost);
                if c.1.last() != Some(&j) {
                    c.1.push(j);
                }
            }
        }
        let mut cands: Vec<(Vec<u8>, u64, Vec<usize>)> =
            cands.into_iter().map(|(w, (c, js))| (w, c, js)).collect();
        cands.sort();
        let mut covered = vec![false; lits.len()];
        let mut left = lits.len();
        while left > 0 {
            // The lowest cost per literal newly covered; then the rarest.
            let mut best: Option<(usize, u64, u64)> = None;
            for (x, (w, cost, js)) in cands.iter().enumerate() {
                let n = js.iter().filter(|&&j| !covered[j]).count() as u64;
                if n == 0 {
                    continue;
                }
                let better = best.is_none_or(|(bx, bcost, bn)| {
                    (cost * bn, window_rank(w)) < (bcost * n, window_rank(&cands[bx].0))
                });
                if better {
                    best = Some((x, *cost, n));
                }
            }
            let (x, _, _) = best.expect("every literal has a window");
            let (w, _, js) = &cands[x];
            let mut targets = Vec::new();
            for &j in js {
                if !covered[j] {
                    covered[j] = true;
                    left -= 1;
                    targets.push(lits[j].0);
                }
            }
            chosen.push((w.clone(), targets));
        }
    }
    let mut patterns = Vec::new();
    let mut targets = Vec::new();
    for (w, mut t) in chosen {
        t.sort_unstable();
        t.dedup();
        patterns.push(w);
        targets.push(t);
    }
    (patterns, targets)
}

/// The candidate gate windows of literal `lit` (at least [`GATE_MIN_LEN`]
/// bytes), with an estimated cost (how often text holds them): windows of
/// [`GATE_WINDOW`] bytes (or whole shorter words) inside its words of at least
/// three bytes, dearer for shorter words; if it has none, every window of it,
/// dearer still.
fn gate_windows(lit: &[u8]) -> Vec<(Vec<u8>, u64)> {
    let mut out = Vec::new();
    for word in lit.split(u8::is_ascii_whitespace) {
        if word.len() < GATE_MIN_LEN {
            continue;
        }
        let cost = 1u64 << (8 - word.len().min(8));
        for s in 0..=word.len().saturating_sub(GATE_WINDOW) {
            out.push((word[s..word.len().min(s + GATE_WINDOW)].to_vec(), cost));
        }
    }
    if out.is_empty() {
        for s in 0..=lit.len().saturating_sub(GATE_WINDOW) {
            out.push((lit[s..lit.len().min(s + GATE_WINDOW)].to_vec(), 1 << 8));
        }
    }
    out
}

/// How common the first three bytes of window `w` are (lower is rarer): the
/// SIMD searcher filters on those.
fn window_rank(w: &[u8]) -> u32 {
    w.iter().take(3).map(|&b| byte_rank(b)).sum()
}

/// Makes `patterns` prefix-free: a pattern that starts with another is
/// dropped, its branches going to the shorter one, which occurs wherever it
/// does. Duplicates merge the same way.
fn prefix_free(
    patterns: Vec<Vec<u8>>,
    targets: Vec<Vec<usize>>,
) -> (Vec<Vec<u8>>, Vec<Vec<usize>>) {
    let mut pairs: Vec<(Vec<u8>, Vec<usize>)> = patterns.into_iter().zip(targets).collect();
    // Sorted, a pattern comes right after the shortest pattern it starts with,
    // or after others that start with that one too.
    pairs.sort();
    let mut out: Vec<(Vec<u8>, Vec<usize>)> = Vec::new();
    for (p, t) in pairs {
        match out.last_mut() {
            Some((q, qt)) if p.starts_with(q) => {
                qt.extend(t);
                qt.sort_unstable();
                qt.dedup();
            }
            _ => out.push((p, t)),
        }
    }
    out.into_iter().unzip()
}

/// Whether non-ASCII `ch` is a case variant of ASCII letter `letter`.
fn folds_to(ch: char, letter: u8) -> bool {
    let is_letter = |c: char| c.eq_ignore_ascii_case(&char::from(letter));
    ch.to_lowercase().any(is_letter) || ch.to_uppercase().any(is_letter)
}

/// Per-thread scratch space of [`RuleSet::first_match_index`].
struct Scratch {
    /// The ASCII-lower-cased line.
    lower: String,
    /// The patterns of the anchored regex that match.
    patterns: PatternSet,
    /// The search caches of the anchored automata of the rule set
    /// ([`Fast::id`]) this thread used last.
    cache: Option<(u64, [Option<hybrid::dfa::Cache>; 2])>,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch {
        lower: String::new(),
        patterns: PatternSet::new(0),
        cache: None,
    });
}

/// The line, ASCII-lower-cased on first use into a reused buffer.
struct Lowered<'a> {
    line: &'a str,
    buf: &'a mut String,
    done: bool,
}

impl<'a> Lowered<'a> {
    fn new(line: &'a str, buf: &'a mut String) -> Self {
        Lowered {
            line,
            buf,
            done: false,
        }
    }

    fn get(&mut self) -> &str {
        if !self.done {
            self.buf.clear();
            self.buf.push_str(self.line);
            self.buf.make_ascii_lowercase();
            self.done = true;
        }
        self.buf
    }
}

/// Whether `text` has at most `max` words holding a letter or digit
/// (punctuation-only tokens do not count); stops counting past `max`.
fn alnum_words_at_most(text: &str, max: usize) -> bool {
    // Byte by byte while the line is ASCII (no scan of the whole line first:
    // the count usually passes `max` within the first words).
    let mut count = 0;
    let mut in_word = false;
    let mut alnum = false;
    for &b in text.as_bytes() {
        if b >= 0x80 {
            return text
                .split_whitespace()
                .filter(|w| w.chars().any(char::is_alphanumeric))
                .nth(max)
                .is_none();
        }
        if ascii_space(b) {
            count += usize::from(in_word && alnum);
            in_word = false;
            alnum = false;
            if count > max {
                return false;
            }
        } else {
            in_word = true;
            alnum |= b.is_ascii_alphanumeric();
        }
    }
    count += usize::from(in_word && alnum);
    count <= max
}

impl RuleSet {
    /// Compiles `rules`. Fails on a duplicate id, a rule with nothing to match,
    /// or a regex that does not compile within [`REGEX_SIZE_LIMIT`].
    pub fn compile(rules: Vec<Rule>) -> Result<Self> {
        let mut equals: HashMap<String, Vec<usize>> = HashMap::new();
        let mut patterns = Vec::new();
        let mut literal_rule = Vec::new();
        let mut regexes = Vec::new();
        let mut regex_of = vec![None; rules.len()];
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
                let whole = WholeRegex {
                    text: re.clone(),
                    re: std::sync::OnceLock::new(),
                };
                if !BUILTIN_REGEXES.contains(re) {
                    let built = build_regex(re).map_err(|e| problem(format!("bad regex: {e}")))?;
                    let _ = whole.re.set(Some(built));
                }
                regex_of[i] = Some(regexes.len());
                regexes.push((i, whole));
            }
        }
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
        Ok(RuleSet {
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

    /// The rules, in priority order.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// Whether rule `i` applies to a line of `words` words (its word bounds).
    fn fits(&self, i: usize, words: usize) -> bool {
        fits(&self.rules[i], words)
    }

    /// Calls `hit` with each literal (`equals`, `starts_with`, `contains`) rule
    /// that matches `line` (trimmed, not empty) within its word bounds, in no
    /// particular order, possibly more than once.
    fn literal_hits(
        &self,
        line: &str,
        (words, alnum): (usize, Option<usize>),
        lower: &mut Lowered,
        mut hit: impl FnMut(usize),
    ) {
        let need_equals = !self.equals.is_empty()
            && (words <= self.equals_max_words
                || match alnum {
                    Some(n) => n <= self.equals_max_words,
                    None => alnum_words_at_most(line, self.equals_max_words),
                });
        let need_phrases = !self.literal_rule.is_empty();
        if !need_equals && !need_phrases {
            return;
        }
        // An ASCII line with single spaces is its own normal form but for case,
        // which the phrase automaton ignores.
        let plain = is_plain(line.as_bytes());
        let norm = (!plain).then(|| normalize(line));
        if need_equals {
            let whole = match &norm {
                Some(n) => trim_whole(n),
                None => trim_whole(lower.get()),
            };
            if let Some(v) = self.equals.get(whole) {
                v.iter()
                    .copied()
                    .filter(|&i| self.fits(i, words))
                    .for_each(&mut hit);
            }
        }
        if need_phrases {
            let hay = norm.as_deref().unwrap_or(line);
            for m in self.literals.find_overlapping_iter(hay) {
                let (rule, anchored) = self.literal_rule[m.pattern().as_usize()];
                if (!anchored || m.start() == 0) && self.fits(rule, words) {
                    hit(rule);
                }
            }
        }
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

    /// [`RuleSet::first_match_index_counted`] on a trimmed, non-empty line;
    /// `alnum` is the count of words holding a letter or digit, when known.
    fn first_match_trimmed(&self, line: &str, words: usize, alnum: Option<usize>) -> Option<usize> {
        // Room for the patterns of either automaton: the one for long lines
        // can exist when the one for all lines could not be built (too large).
        let need = self
            .fast
            .anchored
            .iter()
            .flatten()
            .map(|a| a.dfa.pattern_len())
            .max()
            .unwrap_or(0);
        SCRATCH.with(|cell| {
            let mut fresh;
            let mut borrowed;
            let scratch: &mut Scratch = match cell.try_borrow_mut() {
                Ok(s) => {
                    borrowed = s;
                    &mut borrowed
                }
                Err(_) => {
                    fresh = Scratch {
                        lower: String::new(),
                        patterns: PatternSet::new(need),
                        cache: None,
                    };
                    &mut fresh
                }
            };
            if scratch.patterns.capacity() < need {
                scratch.patterns = PatternSet::new(need);
            }
            let Scratch {
                lower,
                patterns,
                cache,
            } = scratch;
            self.first_match_in(
                line,
                (words, alnum),
                &mut Lowered::new(line, lower),
                patterns,
                cache,
            )
        })
    }

    /// [`RuleSet::first_match_trimmed`], with the line's lower-cased copy.
    fn first_match_in(
        &self,
        line: &str,
        (words, alnum): (usize, Option<usize>),
        lower: &mut Lowered,
        patterns: &mut PatternSet,
        cache: &mut Option<(u64, [Option<hybrid::dfa::Cache>; 2])>,
    ) -> Option<usize> {
        let mut best: Option<usize> = None;
        self.literal_hits(line, (words, alnum), lower, |i| {
            best = Some(best.map_or(i, |b| b.min(i)));
        });
        let before = |best: Option<usize>, i: usize| best.is_none_or(|b| i < b);
        let fast = &self.fast;
        let bucket = &fast.buckets[fast.cuts.partition_point(|&c| c <= words)];
        // Anchored branches: one search, dead after a few bytes on most lines.
        if let Some(&first) = bucket.anchored_rules.first()
            && before(best, first)
        {
            let set = fast.anchored[bucket.anchored_set].as_ref();
            let searched = set.and_then(|set| {
                if cache.as_ref().is_none_or(|(id, _)| *id != fast.id) {
                    *cache = Some((fast.id, [None, None]));
                }
                let (_, caches) = cache.as_mut()?;
                let c = caches[bucket.anchored_set].get_or_insert_with(|| set.dfa.create_cache());
                anchored_matches(&set.dfa, c, line, patterns).then_some(set)
            });
            if let Some(set) = searched {
                // Ascending pattern ids: rule order. Most lines match none,
                // and the set's iterator walks every pattern.
                let matched = if patterns.is_empty() {
                    None
                } else {
                    patterns
                        .iter()
                        .map(|p| set.rule[p.as_usize()])
                        .take_while(|&i| before(best, i))
                        .find(|&i| self.fits(i, words))
                };
                if matched.is_some() {
                    best = matched;
                }
            } else {
                // No automaton, or it gave up on this line: the whole regexes.
                for &i in &bucket.anchored_rules {
                    if !before(best, i) {
                        break;
                    }
                    if self.whole_regex(i).is_some_and(|re| re.is_match(line)) {
                        best = Some(i);
                        break;
                    }
                }
            }
        }
        // Unanchored branches: only those whose gate literal is in the line.
        if bucket.first_gated.is_some_and(|g| before(best, g)) {
            let mut tested = 0u64;
            let mut try_branches =
                |best: &mut Option<usize>, targets: &mut dyn Iterator<Item = usize>| {
                    for k in targets {
                        let b = &fast.gated[k];
                        if !before(*best, b.rule) {
                            break;
                        }
                        if k < 64 {
                            if tested & (1 << k) != 0 {
                                continue;
                            }
                            tested |= 1 << k;
                        }
                        if self.fits(b.rule, words) && b.re.is_match(line) {
                            *best = Some(b.rule);
                            break;
                        }
                    }
                };
            let wild = !line.is_ascii() && fast.wild.in_line(line.as_bytes());
            match &fast.gate {
                Some(gate) if !wild => gate.for_each(lower.get(), |p| {
                    try_branches(&mut best, &mut fast.gate_targets[p].iter().copied());
                    bucket.first_gated.is_some_and(|g| before(best, g))
                }),
                _ => try_branches(&mut best, &mut (0..fast.gated.len())),
            }
        }
        // Regexes run whole, in order.
        for &i in &bucket.whole {
            if !before(best, i) {
                break;
            }
            if self.whole_regex(i).is_some_and(|re| re.is_match(line)) {
                return Some(i);
            }
        }
        best
    }
}

/// Puts in `patterns` (cleared first) every pattern of the anchored automaton
/// `dfa` that matches at the start of `line`; `false` if the automaton gave up
/// (then `patterns` may miss some).
fn anchored_matches(
    dfa: &hybrid::dfa::DFA,
    cache: &mut hybrid::dfa::Cache,
    line: &str,
    patterns: &mut PatternSet,
) -> bool {
    patterns.clear();
    // A walk of the automaton by hand: the overlapping search's own loop
    // costs about twice as much per byte, and these lines die within a few.
    // A match state is entered one byte after its match ends, so a match
    // state names patterns that match the bytes before the last one read.
    let input = Input::new(line).anchored(Anchored::Yes);
    let Ok(mut state) = dfa.start_state_forward(cache, &input) else {
        return false;
    };
    let note = |state, cache: &hybrid::dfa::Cache, patterns: &mut PatternSet| {
        for k in 0..dfa.match_len(cache, state) {
            patterns.insert(dfa.match_pattern(cache, state, k));
        }
    };
    for &b in line.as_bytes() {
        let Ok(next) = dfa.next_state(cache, state, b) else {
            return false;
        };
        state = next;
        if state.is_tagged() {
            if state.is_match() {
                note(state, cache, patterns);
                if patterns.is_full() {
                    return true;
                }
            } else if state.is_dead() {
                return true;
            } else if state.is_quit() {
                return false;
            }
        }
    }
    match dfa.next_eoi_state(cache, state) {
        Ok(end) if end.is_match() => {
            note(end, cache, patterns);
            true
        }
        Ok(end) => !end.is_quit(),
        Err(_) => false,
    }
}

/// Whether `line` is ASCII with single spaces and no other whitespace: its
/// own normal form ([`normalize`]) but for case. One pass, a word at a time.
fn is_plain(line: &[u8]) -> bool {
    const ONES: u64 = u64::MAX / 0xFF;
    const HIGH: u64 = ONES * 0x80;
    // Whether the byte after a chunk's last one makes a double space with it.
    let mut space_before = false;
    let mut chunks = line.chunks_exact(8);
    for c in chunks.by_ref() {
        let x = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
        if x & HIGH != 0 {
            return false;
        }
        // Bytes 0x09 to 0x0D (tab to carriage return): below 0x0E but not
        // below 0x09, as every byte is below 0x80.
        let low = (x + ONES * (0x80 - 0x09)) & !(x + ONES * (0x80 - 0x0E)) & HIGH;
        let sp = x ^ (ONES * u64::from(b' '));
        // Spaces: bytes of `sp` that are 0.
        let spaces = !(((sp & !HIGH) + !HIGH) | sp) & HIGH;
        if low != 0 || spaces & (spaces >> 8) != 0 || (space_before && spaces & 0x80 != 0) {
            return false;
        }
        space_before = spaces >> 63 != 0;
    }
    for &b in chunks.remainder() {
        if b >= 0x80 || (0x09..=0x0D).contains(&b) || (space_before && b == b' ') {
            return false;
        }
        space_before = b == b' ';
    }
    true
}

/// Whether `rule` applies to a line of `words` words (its word bounds).
fn fits(rule: &Rule, words: usize) -> bool {
    rule.max_words.is_none_or(|m| words <= m) && rule.min_words.is_none_or(|m| words >= m)
}

impl Fast {
    /// Splits the regexes of `rules` (which all compile) and sorts the parts
    /// into word-count buckets.
    fn build(rules: &[Rule]) -> Fast {
        let mut wild = Vec::new();
        let plans: Vec<Option<Plan>> = rules
            .iter()
            .map(|r| r.regex.as_deref().map(|re| plan(re, &mut wild)))
            .collect();
        let mut cuts: Vec<usize> = Vec::new();
        for (r, p) in rules.iter().zip(&plans) {
            if p.is_some() {
                cuts.extend(r.min_words);
                cuts.extend(r.max_words.map(|m| m.saturating_add(1)));
            }
        }
        cuts.sort_unstable();
        cuts.dedup();
        let mut gated = Vec::new();
        let mut gate_lits: Vec<(usize, Vec<u8>)> = Vec::new();
        let mut gated_rules = Vec::new();
        let mut split = Vec::new();
        for (i, p) in plans.into_iter().enumerate() {
            match p {
                Some(Plan::Split {
                    anchored,
                    gated: branches,
                }) => {
                    if !branches.is_empty() {
                        gated_rules.push(i);
                    }
                    for (re, lits) in branches {
                        gate_lits.extend(lits.into_iter().map(|l| (gated.len(), l)));
                        gated.push(GatedBranch { rule: i, re });
                    }
                    split.push((i, anchored, true));
                }
                Some(Plan::Whole) => split.push((i, None, false)),
                None => {}
            }
        }
        let anchored_all: Vec<(usize, &Hir)> = split
            .iter()
            .filter_map(|(i, h, _)| Some((*i, h.as_ref()?)))
            .collect();
        let anchored_long: Vec<(usize, &Hir)> = anchored_all
            .iter()
            .copied()
            .filter(|&(i, _)| rules[i].max_words.is_none_or(|m| m > LONG_LINE_WORDS))
            .collect();
        let all = AnchoredSet::build(&anchored_all);
        let long = if anchored_long.len() < anchored_all.len() {
            AnchoredSet::build(&anchored_long)
        } else {
            None
        };
        let buckets: Vec<Bucket> = (0..=cuts.len())
            .map(|k| {
                let words = if k == 0 { 0 } else { cuts[k - 1] };
                let mut b = Bucket {
                    anchored_rules: Vec::new(),
                    anchored_set: usize::from(long.is_some() && words > LONG_LINE_WORDS),
                    whole: Vec::new(),
                    first_gated: gated_rules
                        .iter()
                        .copied()
                        .find(|&i| fits(&rules[i], words)),
                };
                for (i, anchored, is_split) in &split {
                    if !fits(&rules[*i], words) {
                        continue;
                    }
                    if !is_split {
                        b.whole.push(*i);
                    } else if anchored.is_some() {
                        b.anchored_rules.push(*i);
                    }
                }
                b
            })
            .collect();
        let (patterns, gate_targets) = choose_gates(gate_lits);
        let (patterns, gate_targets) = prefix_free(patterns, gate_targets);
        wild.sort_unstable();
        wild.dedup();
        let wild = Wild::new(&wild);
        let gate = if gated.is_empty() {
            None
        } else {
            aho_corasick::packed::Config::new()
                .heuristic_pattern_limits(false)
                .builder()
                .extend(&patterns)
                .build()
                .map(Gate::Packed)
                .or_else(|| {
                    AhoCorasickBuilder::new()
                        .match_kind(MatchKind::Standard)
                        .build(&patterns)
                        .ok()
                        .map(Gate::Automaton)
                })
        };
        Fast {
            cuts,
            buckets,
            anchored: [all, long],
            gated,
            gate,
            gate_targets,
            wild,
            id: NEXT_FAST_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        }
    }
}

/// The search cache of an anchored automaton may grow to this many bytes (per
/// thread) before it is cleared. Real pages drive the automaton into many
/// states (menus of capitalised words keep most patterns alive): at the
/// size limit of the other regexes (10 MB) the cache was cleared again and
/// again, and rebuilding states took 7 % of a run's cycles; at 40 MB, 2 %.
const ANCHORED_CACHE_CAPACITY: usize = 4 * REGEX_SIZE_LIMIT;

impl AnchoredSet {
    /// The automaton of `patterns` (rule, anchored branches), in order; `None`
    /// if there are none or the build failed.
    fn build(patterns: &[(usize, &Hir)]) -> Option<AnchoredSet> {
        if patterns.is_empty() {
            return None;
        }
        let (rule, hirs): (Vec<usize>, Vec<&Hir>) = patterns.iter().copied().unzip();
        // A forward lazy DFA alone: an anchored search needs no reverse
        // automaton, nor captures, and building those took most of the time.
        // `All`: the search names every pattern that matches, not only the
        // leftmost-first one, as the first may not fit the line's word count.
        let nfa = thompson::Compiler::new()
            .configure(
                thompson::Config::new()
                    .nfa_size_limit(Some(REGEX_SIZE_LIMIT))
                    .which_captures(thompson::WhichCaptures::None),
            )
            .build_many_from_hir(&hirs)
            .ok()?;
        let dfa = hybrid::dfa::DFA::builder()
            .configure(
                hybrid::dfa::Config::new()
                    .match_kind(regex_automata::MatchKind::All)
                    .cache_capacity(ANCHORED_CACHE_CAPACITY),
            )
            .build_from_nfa(nfa)
            .ok()?;
        Some(AnchoredSet { dfa, rule })
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

    #[test]
    fn alnum_word_counting_agrees_with_the_plain_definition() {
        let plain = |t: &str, max: usize| {
            t.split_whitespace()
                .filter(|w| w.chars().any(char::is_alphanumeric))
                .count()
                <= max
        };
        for t in [
            "Home",
            "Share — Facebook · Twitter",
            "a b c d e f g h i j k",
            "a b c d e f g h i j été",
            "été à - l’été",
            "- — – a",
            "서울 회의 열렸다",
            "one\ttwo\u{b}three\u{c}four",
            "",
        ] {
            for max in 0..8 {
                assert_eq!(alnum_words_at_most(t, max), plain(t, max), "{t:?} {max}");
            }
        }
    }
    use proptest::prelude::*;
    use std::sync::LazyLock;

    /// `first_match_index` takes shortcuts (split regexes, gates, early exits);
    /// it must agree with the plain `matches` on every example and
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
        for line in &lines {
            let all = set.matches(line);
            assert_eq!(
                set.first_match_index(line),
                all.first().copied(),
                "{line:?}"
            );
        }
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

    /// The naive reference: every rule in order, within its word bounds,
    /// through `equals`, `starts_with`, `contains` and its whole regex.
    struct Reference {
        rules: Vec<Rule>,
        regexes: Vec<Option<Regex>>,
    }

    impl Reference {
        fn new(rules: &[Rule]) -> Self {
            Reference {
                rules: rules.to_vec(),
                regexes: rules
                    .iter()
                    .map(|r| r.regex.as_deref().map(|re| Regex::new(re).unwrap()))
                    .collect(),
            }
        }

        fn first(&self, line: &str) -> Option<usize> {
            let line = line.trim();
            if line.is_empty() {
                return None;
            }
            let words = line.split_whitespace().count();
            let norm = normalize(line);
            let whole = normalize_whole(line);
            (0..self.rules.len()).find(|&i| {
                let r = &self.rules[i];
                fits(r, words)
                    && (r.equals.iter().any(|e| normalize_whole(e) == whole)
                        || r.starts_with
                            .iter()
                            .any(|p| norm.starts_with(&normalize(p)))
                        || r.contains.iter().any(|p| norm.contains(&normalize(p)))
                        || self.regexes[i].as_ref().is_some_and(|re| re.is_match(line)))
            })
        }
    }

    fn rule(id: &str, body: &str) -> Rule {
        let text =
            format!("[[rule]]\nid = \"{id}\"\ndescription = \"d\"\naction = \"remove\"\n{body}\n");
        parse_file("test.toml", &text).unwrap().remove(0)
    }

    /// User rules of every shape the fast path treats differently.
    fn user_rules() -> Vec<Rule> {
        vec![
            // Anchored and unanchored branches mixed; the unanchored ones
            // gated, one case-insensitive with `k` and `s` (Kelvin sign, long s).
            rule(
                "mix.branches",
                r#"regex = '(?i)^breaking news|(?-u:\b)cookies? (?:banner|wall)|^\d+ (?:min|hours?) ago$|(?-i:REUTERS)/'"#,
            ),
            // A Unicode word boundary: run whole.
            rule("uni.boundary", r#"regex = '(?i)\bcafé\b'"#),
            // An unanchored branch without a literal prefix: run whole.
            rule("nolit.digits", "regex = '\\d+ comments?'\nmax_words = 6"),
            rule(
                "lit.phrases",
                "contains = [\"Sign  up\", \"CAFÉ crème\"]\nstarts_with = [\"Read more\"]\nmax_words = 12",
            ),
            rule("lit.equals", "equals = [\"Menu\", \"»\", \"Top of page\"]"),
            // Word bounds on both sides.
            rule(
                "bounds.mid",
                "regex = '(?i)^(?:watch|listen)(?-u:\\b)|(?-u:\\b)podcast(?-u:\\b)'\nmin_words = 2\nmax_words = 5",
            ),
            // A short gate literal (`ab`) is not usable: run whole.
            rule("short.gate", "regex = 'ab[c-z]+x|zz top'"),
            // A lower-priority regex that also matches what the literal
            // rules catch.
            rule(
                "late.regex",
                "regex = '(?i)^menu$|sign\\s+up|read more|cookies'",
            ),
        ]
    }

    fn user_set() -> &'static (RuleSet, Reference) {
        static SET: LazyLock<(RuleSet, Reference)> = LazyLock::new(|| {
            let rules = user_rules();
            let reference = Reference::new(&rules);
            (RuleSet::compile(rules).unwrap(), reference)
        });
        &SET
    }

    fn builtin_set() -> &'static (RuleSet, Reference) {
        static SET: LazyLock<(RuleSet, Reference)> = LazyLock::new(|| {
            let rules = builtin_rules().unwrap();
            let reference = Reference::new(&rules);
            (RuleSet::compile(rules).unwrap(), reference)
        });
        &SET
    }

    fn id(set: &RuleSet, i: Option<usize>) -> Option<&str> {
        i.map(|i| set.rules()[i].id.as_str())
    }

    #[test]
    fn fast_path_agrees_with_the_reference_on_rule_examples() {
        for (set, reference) in [builtin_set(), user_set()] {
            let mut lines: Vec<String> = Vec::new();
            for r in builtin_rules().unwrap().iter().chain(&user_rules()) {
                lines.extend(r.examples.iter().cloned());
                lines.extend(r.counterexamples.iter().cloned());
            }
            let mut hits = 0;
            for line in &lines {
                let want = reference.first(line);
                assert_eq!(set.first_match_index(line), want, "{line:?}");
                let t = line.trim();
                let alnum = t
                    .split_whitespace()
                    .filter(|w| w.chars().any(char::is_alphanumeric))
                    .count();
                assert_eq!(
                    set.first_match_index_counted(t, t.split_whitespace().count(), alnum),
                    want,
                    "{line:?}"
                );
                hits += usize::from(want.is_some());
            }
            assert!(hits > 10, "only {hits} lines matched");
        }
    }

    proptest::proptest! {
        #[test]
        fn plain_lines_are_found_word_by_word_as_by_characters(
            l in "([a-z]{0,9}[ ]{1,2}|[\t\r\n\u{b}\u{c}é.]){0,12}"
        ) {
            let want = l.is_ascii()
                && !l.contains("  ")
                && !l.contains(['\t', '\r', '\n', '\x0b', '\x0c']);
            proptest::prop_assert_eq!(is_plain(l.as_bytes()), want);
        }
    }

    #[test]
    fn every_builtin_regex_builds_within_the_limits() {
        // They are built on first use, trusted: this is what earns the trust.
        let set = RuleSet::builtin().unwrap();
        assert!(!set.regexes.is_empty());
        for (i, re) in &set.regexes {
            assert!(re.re.get().is_none(), "{} built eagerly", set.rules[*i].id);
            assert!(re.get().is_some(), "{} does not build", set.rules[*i].id);
        }
    }

    #[test]
    fn long_lines_search_an_automaton_without_the_short_line_rules() {
        let filler = " and the council said on Tuesday it would meet again next week";
        for (set, reference) in [builtin_set(), user_set()] {
            let [all, long] = &set.fast.anchored;
            let (all, long) = (all.as_ref().unwrap(), long.as_ref().unwrap());
            assert!(long.rule.len() < all.rule.len());
            let rules = set.rules();
            assert!(
                long.rule
                    .iter()
                    .all(|&i| rules[i].max_words.is_none_or(|m| m > LONG_LINE_WORDS))
            );
            let mut lines: Vec<String> = ["Breaking news", "Watch", "Listen to this", "Menu"]
                .map(String::from)
                .to_vec();
            for r in builtin_rules().unwrap() {
                lines.extend(r.examples.into_iter().chain(r.counterexamples));
            }
            let mut long_hits = 0;
            for ex in &lines {
                for n in [0, 1, 2, 4] {
                    let line = format!("{ex}{}", filler.repeat(n));
                    let t = line.trim();
                    let words = t.split_whitespace().count();
                    let alnum = t
                        .split_whitespace()
                        .filter(|w| w.chars().any(char::is_alphanumeric))
                        .count();
                    let want = reference.first(t);
                    assert_eq!(
                        set.first_match_index_counted(t, words, alnum),
                        want,
                        "{t:?}"
                    );
                    long_hits += usize::from(words > LONG_LINE_WORDS && want.is_some());
                }
            }
            assert!(long_hits > 5, "only {long_hits} long lines matched");
        }
    }

    #[test]
    fn builtin_regexes_are_all_split_and_gated() {
        let set = RuleSet::builtin().unwrap();
        for b in &set.fast.buckets {
            assert!(b.whole.is_empty(), "run whole: {:?}", b.whole);
        }
        let gated: Vec<&str> = set
            .fast
            .gated
            .iter()
            .map(|g| set.rules()[g.rule].id.as_str())
            .collect();
        for want in ["caption.file-photo", "cookie.banner", "copyright.footer"] {
            assert!(gated.contains(&want), "{want} not gated: {gated:?}");
        }
        assert!(set.fast.gate.is_some());
        assert!(set.fast.anchored[0].is_some());
    }

    #[test]
    fn rule_sets_used_in_turn_on_one_thread_keep_their_own_search_caches() {
        // Each thread keeps the search cache of the last rule set it used; a
        // cache built for one set's regex must never serve another's.
        let a = RuleSet::compile(vec![
            rule("a.foo", r#"regex = '^foo\b'"#),
            rule("a.bar", r#"regex = '^(?:bar|baz) \d+$'"#),
        ])
        .unwrap();
        let b = RuleSet::compile(vec![rule("b.qux", r#"regex = '^(?:qux|foo) stop$'"#)]).unwrap();
        for _ in 0..3 {
            assert_eq!(a.first_match_index("foo and more"), Some(0));
            assert_eq!(b.first_match_index("foo and more"), None);
            assert_eq!(b.first_match_index("foo stop"), Some(0));
            assert_eq!(a.first_match_index("baz 12"), Some(1));
            assert_eq!(b.first_match_index("baz 12"), None);
            assert_eq!(a.first_match_index("qux stop"), None);
        }
    }

    #[test]
    fn mixed_anchored_and_unanchored_branches() {
        let (set, _) = user_set();
        let first = |l: &str| id(set, set.first_match_index(l));
        assert_eq!(first("BREAKING NEWS: the river rose"), Some("mix.branches"));
        assert_eq!(
            first("The site put up a Cookie Wall today"),
            Some("mix.branches")
        );
        assert_eq!(first("12 hours ago"), Some("mix.branches"));
        assert_eq!(first("A man waves. REUTERS/Jane Doe"), Some("mix.branches"));
        // Anchored branches do not match later in the line; the case-sensitive
        // branch keeps its case although the gate ignores it.
        assert_eq!(first("Not breaking news at all"), None);
        assert_eq!(first("It was 12 hours ago"), None);
        assert_eq!(first("A man waves. reuters/Jane Doe"), None);
        // `(?i)k` and `(?i)s` match the Kelvin sign and the long s, which
        // ASCII lower-casing leaves alone.
        assert_eq!(first("A coo\u{212A}ie banner"), Some("mix.branches"));
        assert_eq!(first("The cookieſ wall"), Some("mix.branches"));
        assert_eq!(set.fast.wild.chars.len(), 2);
        assert!(!set.fast.wild.in_line("’Kk\u{212B}s".as_bytes()));
        assert!(set.fast.wild.in_line("’\u{212B}\u{212A}".as_bytes()));
    }

    #[test]
    fn unicode_word_boundary_rule_runs_whole_and_right() {
        let (set, _) = user_set();
        let first = |l: &str| id(set, set.first_match_index(l));
        assert_eq!(first("Le Café est ouvert"), Some("uni.boundary"));
        assert_eq!(first("Les cafés sont ouverts"), None);
        // `é` is a word character to a Unicode `\b`: no boundary inside `écafé`.
        assert_eq!(first("écafé"), None);
        for whole in ["uni.boundary", "short.gate"] {
            let k = set.rules().iter().position(|r| r.id == whole).unwrap();
            assert!(
                set.fast.buckets.iter().all(|b| b.whole.contains(&k)),
                "{whole}"
            );
        }
        for split in ["mix.branches", "bounds.mid", "late.regex"] {
            assert!(
                set.fast
                    .gated
                    .iter()
                    .any(|g| set.rules()[g.rule].id == split)
            );
        }
    }

    #[test]
    fn lowest_index_wins_between_literal_and_regex_rules() {
        let (set, _) = user_set();
        let first = |l: &str| id(set, set.first_match_index(l));
        // The literal rules come before `late.regex`, which matches too.
        assert_eq!(first("Sign up for it"), Some("lit.phrases"));
        assert_eq!(first("Read more"), Some("lit.phrases"));
        assert_eq!(first("MENU"), Some("lit.equals"));
        // Past the literal rule's max_words, the regex rule decides.
        assert_eq!(
            first("Please sign up today for the daily letter from the team at the paper"),
            Some("late.regex")
        );
        // A regex rule before a literal one wins over it.
        assert_eq!(first("Our cookies banner: sign up"), Some("mix.branches"));
        // Reversed order: the literal rule first.
        let mut rules = user_rules();
        rules.reverse();
        let set = RuleSet::compile(rules).unwrap();
        assert_eq!(
            id(&set, set.first_match_index("Our cookies banner: sign up")),
            Some("late.regex")
        );
        assert_eq!(id(&set, set.first_match_index("Menu")), Some("late.regex"));
    }

    #[test]
    fn word_bounds_pick_the_bucket() {
        let (set, _) = user_set();
        let first = |l: &str| id(set, set.first_match_index(l));
        assert_eq!(first("Watch"), None);
        assert_eq!(first("Watch this"), Some("bounds.mid"));
        assert_eq!(first("the podcast is out now"), Some("bounds.mid"));
        assert_eq!(first("the podcast is out now again"), None);
        assert_eq!(first("3 comments"), Some("nolit.digits"));
        assert_eq!(first("there were 3 comments on this story today"), None);
    }

    #[test]
    fn gate_literals_cover_every_branch_match() {
        let hir = |re: &str| regex_syntax::parse(re).unwrap();
        let mut wild = Vec::new();
        let lits = gate_literals(
            &hir("(?i)(?-u:\\b)(?:we use cookies|accept (?:all )?cookies)"),
            &mut wild,
        )
        .unwrap();
        let lits: Vec<&str> = lits
            .iter()
            .map(|l| std::str::from_utf8(l).unwrap())
            .collect();
        assert_eq!(
            lits,
            ["accept all cookies", "accept cookies", "we use cookies"]
        );
        assert!(wild.contains(&'\u{212A}') && wild.contains(&'\u{17F}'));
        // Case-sensitive literals are lower-cased; a repetition ends the literal.
        let lits = gate_literals(&hir("REUTERS/|(?:AFP)+ photo"), &mut wild).unwrap();
        assert_eq!(lits, [b"afp".to_vec(), b"reuters/".to_vec()]);
        // An optional head leaves both ways open.
        let lits = gate_literals(&hir("(?:please )?enable js"), &mut wild).unwrap();
        assert_eq!(lits, [b"enable js".to_vec(), b"please enable js".to_vec()]);
        // Nothing usable: a class, a short literal, an optional start.
        assert!(gate_literals(&hir("\\d+ comments"), &mut wild).is_none());
        assert!(gate_literals(&hir("ab[c-z]+"), &mut wild).is_none());
        // Small classes branch out.
        let lits = gate_literals(&hir("ab(?:c|d)+"), &mut wild).unwrap();
        assert_eq!(lits, [b"abc".to_vec(), b"abd".to_vec()]);
        assert!(gate_literals(&hir("x?yz"), &mut wild).is_none());
    }

    #[test]
    fn gate_reports_overlapping_occurrences() {
        let patterns = ["abcd", "cdef", "zzz"];
        let packed = aho_corasick::packed::Config::new()
            .builder()
            .extend(patterns)
            .build();
        let automaton = AhoCorasick::new(patterns).ok();
        let gates = [packed.map(Gate::Packed), automaton.map(Gate::Automaton)];
        for gate in gates.iter().flatten() {
            for hay in ["abcdef", &format!("{}abcdef", "x".repeat(40))] {
                let mut seen = Vec::new();
                gate.for_each(hay, |p| {
                    seen.push(p);
                    true
                });
                assert_eq!(seen, [0, 1], "{gate:?} on {hay:?}");
            }
        }
    }

    #[test]
    fn prefix_free_merges_longer_patterns_into_their_prefix() {
        let (p, t) = prefix_free(
            vec![
                b"abc".to_vec(),
                b"ab".to_vec(),
                b"b".to_vec(),
                b"abd".to_vec(),
            ],
            vec![vec![0], vec![1], vec![2], vec![3]],
        );
        assert_eq!(p, [b"ab".to_vec(), b"b".to_vec()]);
        assert_eq!(t, [vec![0, 1, 3], vec![2]]);
    }

    #[test]
    fn gate_windows_cover_every_literal() {
        let lits: Vec<(usize, Vec<u8>)> = [
            "we use cookies",
            "accept cookies",
            "enable javascript",
            "page requires javascript",
            "todos los derechos",
            "afp/",
        ]
        .iter()
        .enumerate()
        .map(|(k, l)| (k, l.as_bytes().to_vec()))
        .collect();
        let (patterns, targets) = choose_gates(lits.clone());
        for (k, lit) in &lits {
            assert!(
                patterns
                    .iter()
                    .zip(&targets)
                    .any(|(p, t)| t.contains(k) && lit.windows(p.len()).any(|w| w == p)),
                "{:?} uncovered",
                String::from_utf8_lossy(lit)
            );
        }
        // Shared windows: `cookie` and `javasc` serve two literals each.
        assert_eq!(patterns.len(), 4, "{patterns:?}");
    }

    #[test]
    fn word_count_is_split_whitespace_count() {
        for line in [
            "",
            "one",
            " two  words ",
            "tab\tand\nnewline\x0bvt\x0cff\rcr",
            "\x1cnot a space\x1f",
            "no\u{a0}break",
            "thin\u{2009}space and\u{3000}ideographic\u{1680}ogham\u{85}nel",
            "curly ’quotes’ — dashes “all” é à ü",
            "\u{2028}\u{2029}\u{202f}\u{205f}",
            &"long line of many words ".repeat(40),
            &"mot accentué ".repeat(30),
        ] {
            assert_eq!(
                word_count(line),
                line.split_whitespace().count(),
                "{line:?}"
            );
        }
    }

    /// Pieces that lines are made of: rule phrases and their near misses, in
    /// any case, with odd spacing and look-alike characters.
    fn piece() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("we use cookies".to_string()),
            Just("Cookie Wall".to_string()),
            Just("coo\u{212A}ies".to_string()),
            Just("cookieſ".to_string()),
            Just("REUTERS/".to_string()),
            Just("Reuters /".to_string()),
            Just("AP Photo/".to_string()),
            Just("All rights reserved".to_string()),
            Just("tous droits réservés".to_string()),
            Just("TOUS DROITS RÉSERVÉS".to_string()),
            Just("protected by reCAPTCHA".to_string()),
            Just("WhatsApp channel".to_string()),
            Just("Follow us on".to_string()),
            Just("Sign  up".to_string()),
            Just("café".to_string()),
            Just("Café crème".to_string()),
            Just("Read more".to_string()),
            Just("Menu".to_string()),
            Just("»".to_string()),
            Just("podcast".to_string()),
            Just("3 comments".to_string()),
            Just("12 hours ago".to_string()),
            Just("Breaking news".to_string()),
            Just("By Jane Doe".to_string()),
            Just("Advertisement".to_string()),
            Just("javascript is disabled".to_string()),
            Just("zz top".to_string()),
            Just("abddx".to_string()),
            Just(":".to_string()),
            Just("\u{a0}".to_string()),
            Just("\t".to_string()),
            "[a-zA-Z]{1,9}",
            "[a-zé/ .]{1,12}",
            "\\PC{1,6}",
        ]
    }

    fn random_line() -> impl Strategy<Value = String> {
        (
            prop::collection::vec((piece(), "[ ]{0,2}"), 0..8),
            prop::bool::ANY,
            prop::bool::ANY,
        )
            .prop_map(|(parts, upper, rules_example)| {
                let mut line: String = parts.into_iter().map(|(p, sep)| p + &sep).collect();
                if upper {
                    line = line.to_uppercase();
                }
                if rules_example {
                    // A built-in example with the random text around it.
                    let rules = builtin_rules().unwrap();
                    let r = &rules[line.len() % rules.len()];
                    let ex = &r.examples[line.len() % r.examples.len()];
                    line = if line.len().is_multiple_of(2) {
                        format!("{ex} {line}")
                    } else {
                        format!("{line}{ex}")
                    };
                }
                line
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        /// The fast path gives the naive reference's answer, for the
        /// built-in rules and for user rules of every shape.
        #[test]
        fn fast_path_agrees_with_the_reference(line in random_line()) {
            for (set, reference) in [builtin_set(), user_set()] {
                let want = reference.first(&line);
                prop_assert_eq!(set.first_match_index(&line), want, "{:?}", line);
                prop_assert_eq!(set.matches(&line).first().copied(), want, "{:?}", line);
                // With the counts the classifier hands over.
                let t = line.trim();
                let words = t.split_whitespace();
                let alnum = words.clone().filter(|w| w.chars().any(char::is_alphanumeric)).count();
                prop_assert_eq!(
                    set.first_match_index_counted(&line, words.count(), alnum),
                    want,
                    "{:?}",
                    line
                );
            }
        }
    }
}
