//! The fast path of [`RuleSet::first_match_index`]: the rules' regexes split
//! into anchored branches (one multi-pattern automaton) and gated unanchored
//! branches (run only when a gate literal is in the line), bucketed by line
//! length, with per-thread search caches.
//!
//! It must agree with the reference matcher, [`RuleSet::matches`] (every
//! literal rule and every whole regex, in rule order): the first rule it
//! finds is the first of `matches`. The tests check this on every example of
//! every built-in rule and on random lines, against a naive reference too.
//! How a regex is split is decided by [`super::plan`].

use std::cell::RefCell;
use std::collections::HashMap;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use rayon::prelude::*;
use regex_automata::nfa::thompson;
use regex_automata::{Anchored, Input, PatternSet, hybrid, meta};
use regex_syntax::hir::Hir;

use super::literal::Lowered;
use super::plan::{ByteSet, Held, Plan, choose_gates, plan, prefix_free};
use super::{REGEX_SIZE_LIMIT, Rule, RuleSet, fits};

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
///   the branch starts with one of them. The gates of the branches that fit
///   the line's bucket are searched in one pass of an Aho-Corasick automaton
///   over the ASCII-lower-cased line, and a branch runs only when one of its
///   prefixes is there. A long line (prose) searches for few gates: most
///   gated rules are for short lines.
/// * An anchored branch that starts with a run of any letters would keep the
///   anchored automaton alive through every short line: it is gated by an
///   inner literal when it has one (as the unanchored branches are), else by
///   a rare byte class it must hold (`\d` in `^.*?… at \d{1,2}:\d{2}`), and
///   runs on its own on the lines that hold such a byte.
/// * A regex that cannot be split that way (a Unicode word boundary, which
///   would slow the shared automaton on non-ASCII lines; an unanchored branch
///   without usable prefix literals; a failed build) runs whole, as before.
#[derive(Debug)]
pub(super) struct Fast {
    /// Word counts where the set of fitting regex rules changes, ascending: a
    /// line of `w` words is in bucket `cuts.partition_point(|&c| c <= w)`.
    pub(super) cuts: Vec<usize>,
    pub(super) buckets: Vec<Bucket>,
    /// The anchored branches of split rules, one pattern per rule (an
    /// alternation of its branches), in rule order: `anchored[0]` of every
    /// split rule, `anchored[1]` (when it leaves some out) of those that fit a
    /// line of more than [`LONG_LINE_WORDS`] words. `None` if the build
    /// failed, and the rules' whole regexes run instead.
    pub(super) anchored: [Option<AnchoredSet>; 2],
    /// The gated (unanchored) branches, in rule order.
    pub(super) gated: Vec<GatedBranch>,
    /// The gates of the buckets ([`Bucket::gate`]), each over the gate
    /// patterns of the gated branches that fit its buckets.
    pub(super) gates: Vec<GateSet>,
    /// The branches gated by a byte class (anywhere in the line, or its
    /// last byte), in rule order.
    pub(super) class_gated: Vec<ClassBranch>,
    /// Non-ASCII characters that case-fold to an ASCII letter of some gate
    /// (the Kelvin sign, the long s): a line holding one lets every gated
    /// branch through. Searched apart from the gate, whose SIMD filter is
    /// weaker with patterns shorter than three bytes.
    pub(super) wild: Wild,
    /// Tells this rule set's anchored regex apart in the per-thread scratch,
    /// which keeps that regex's search cache: searching with a cache of one's
    /// own skips the regex's shared cache pool, whose lock every thread but
    /// the first takes on every search.
    pub(super) id: u64,
}

/// Lines of more than this many words (sentences of prose, which hold most
/// of a page's bytes) get an anchored automaton of their own, without the
/// rules for short lines (breadcrumbs, bylines, captions, mostly bounded by
/// 8 to 16 words). Those rules' patterns, of letters in any number, would
/// keep the automaton alive through the first words of every sentence.
pub(super) const LONG_LINE_WORDS: usize = 16;

/// An anchored multi-pattern automaton over some rules' anchored branches.
#[derive(Debug)]
pub(super) struct AnchoredSet {
    /// A forward lazy DFA: an anchored search needs no reverse automaton, nor
    /// captures.
    pub(super) dfa: hybrid::dfa::DFA,
    /// For each pattern, its rule.
    pub(super) rule: Vec<usize>,
}

/// The characters of [`Fast::wild`], found by their lead bytes.
#[derive(Debug)]
pub(super) struct Wild {
    /// Each character, in UTF-8.
    pub(super) chars: Vec<Vec<u8>>,
    /// Their distinct lead bytes.
    pub(super) leads: Vec<u8>,
}

impl Wild {
    pub(super) fn new(chars: &[char]) -> Wild {
        let chars: Vec<Vec<u8>> = chars.iter().map(|c| c.to_string().into_bytes()).collect();
        let mut leads: Vec<u8> = chars.iter().map(|c| c[0]).collect();
        leads.sort_unstable();
        leads.dedup();
        Wild { chars, leads }
    }

    /// Whether `hay` holds one of the characters: one `memchr` pass for up to
    /// three lead bytes, each hit checked in place.
    pub(super) fn in_line(&self, hay: &[u8]) -> bool {
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
pub(super) static NEXT_FAST_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

/// A searcher for the gate literals that reports every occurrence.
#[derive(Debug)]
pub(super) enum Gate {
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
    pub(super) fn for_each(&self, hay: &str, mut hit: impl FnMut(usize) -> bool) {
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

/// A gate: literals (ASCII lower case) searched in the ASCII-lower-cased line,
/// and the gated branches each lets through.
#[derive(Debug)]
pub(super) struct GateSet {
    pub(super) gate: Gate,
    /// For each pattern of `gate`: the gated branches it lets through that fit
    /// the gate's buckets (positions in [`Fast::gated`], ascending).
    pub(super) targets: Vec<Vec<usize>>,
}

/// An unanchored branch of a rule's regex, with its own matcher.
#[derive(Debug)]
pub(super) struct GatedBranch {
    pub(super) rule: usize,
    pub(super) re: meta::Regex,
}

/// A branch of a rule's regex that runs only on lines holding a byte of its
/// class: anywhere ([`super::plan::class_gate`]) or last
/// ([`super::plan::end_gate`]).
#[derive(Debug)]
pub(super) struct ClassBranch {
    pub(super) rule: usize,
    pub(super) re: meta::Regex,
    pub(super) bytes: ByteSet,
    /// Where a line it matches holds one of `bytes`.
    pub(super) held: Held,
}

/// The regex work for lines of one range of word counts.
#[derive(Debug)]
pub(super) struct Bucket {
    /// Rules fitting the bucket that have anchored branches, ascending.
    pub(super) anchored_rules: Vec<usize>,
    /// The automaton of [`Fast::anchored`] the bucket searches.
    pub(super) anchored_set: usize,
    /// Rules fitting the bucket whose regex runs whole, ascending.
    pub(super) whole: Vec<usize>,
    /// The class-gated branches fitting the bucket (positions in
    /// [`Fast::class_gated`], ascending).
    pub(super) class_gated: Vec<usize>,
    /// The lowest rule fitting the bucket that has gated branches.
    pub(super) first_gated: Option<usize>,
    /// The gate of the bucket's gated branches (a position in [`Fast::gates`]);
    /// `None` when no gated branch fits or no searcher could be built (then
    /// every gated branch runs).
    pub(super) gate: Option<usize>,
}

/// Per-thread scratch space of [`RuleSet::first_match_index`].
pub(super) struct Scratch {
    /// The ASCII-lower-cased line.
    pub(super) lower: String,
    /// The patterns of the anchored regex that match.
    pub(super) patterns: PatternSet,
    /// The search caches of the anchored automata of the rule set
    /// ([`Fast::id`]) this thread used last.
    pub(super) cache: Option<(u64, [Option<hybrid::dfa::Cache>; 2])>,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch {
        lower: String::new(),
        patterns: PatternSet::new(0),
        cache: None,
    });
}

impl RuleSet {
    /// [`RuleSet::first_match_index_counted`] on a trimmed, non-empty line;
    /// `alnum` is the count of words holding a letter or digit, when known.
    pub(super) fn first_match_trimmed(
        &self,
        line: &str,
        words: usize,
        alnum: Option<usize>,
    ) -> Option<usize> {
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
    pub(super) fn first_match_in(
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
        // Class-gated branches: only on lines holding one of their bytes
        // (anywhere, or last).
        for &c in &bucket.class_gated {
            let b = &fast.class_gated[c];
            if !before(best, b.rule) {
                break;
            }
            if b.held.in_line(&b.bytes, line.as_bytes()) && b.re.is_match(line) {
                best = Some(b.rule);
                break;
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
            match bucket.gate.map(|g| &fast.gates[g]) {
                Some(set) if !wild => set.gate.for_each(lower.get(), |p| {
                    try_branches(&mut best, &mut set.targets[p].iter().copied());
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
pub(super) fn anchored_matches(
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

impl Fast {
    /// Splits the regexes of `rules` (which all compile) and sorts the parts
    /// into word-count buckets.
    pub(super) fn build(rules: &[Rule]) -> Fast {
        // Planning compiles each branch of each regex: about half of the
        // start-up, spread over the worker threads.
        let (plans, wild): (Vec<Option<Plan>>, Vec<Vec<char>>) = rules
            .par_iter()
            .map(|r| {
                let mut wild = Vec::new();
                let p = r.regex.as_deref().map(|re| plan(re, &mut wild));
                (p, wild)
            })
            .unzip();
        let mut wild: Vec<char> = wild.into_iter().flatten().collect();
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
        let mut class_gated = Vec::new();
        let mut split = Vec::new();
        for (i, p) in plans.into_iter().enumerate() {
            match p {
                Some(Plan::Split {
                    anchored,
                    gated: branches,
                    class_gated: by_class,
                }) => {
                    class_gated.extend(by_class.into_iter().map(|(re, bytes, held)| ClassBranch {
                        rule: i,
                        re,
                        bytes,
                        held,
                    }));
                    if !branches.is_empty() {
                        gated_rules.push(i);
                    }
                    for (re, lits) in branches {
                        gate_lits.extend(lits.into_iter().map(|l| (gated.len(), l)));
                        gated.push(GatedBranch { rule: i, re });
                    }
                    split.push((i, anchored, true));
                }
                Some(Plan::Whole(_)) => split.push((i, None, false)),
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
        // The two automata take the other half of the start-up.
        let (all, long) = rayon::join(
            || AnchoredSet::build(&anchored_all),
            || {
                if anchored_long.len() < anchored_all.len() {
                    AnchoredSet::build(&anchored_long)
                } else {
                    None
                }
            },
        );
        let (patterns, gate_targets) = choose_gates(gate_lits);
        let (patterns, gate_targets) = prefix_free(patterns, gate_targets);
        let mut gates = Vec::new();
        // The gate of each set of fitting gated branches, by its patterns.
        let mut gate_of: HashMap<Vec<usize>, Option<usize>> = HashMap::new();
        // The gate of a bucket of lines of `words` words: the patterns that
        // let through a branch fitting it, and those branches; the rest could
        // only let through what `fits` turns away.
        let mut gate_for = |words: usize| {
            let mut chosen = Vec::new();
            let mut targets = Vec::new();
            for (p, t) in gate_targets.iter().enumerate() {
                let t: Vec<usize> = t
                    .iter()
                    .copied()
                    .filter(|&g| fits(&rules[gated[g].rule], words))
                    .collect();
                if !t.is_empty() {
                    chosen.push(p);
                    targets.push(t);
                }
            }
            *gate_of.entry(chosen.clone()).or_insert_with(|| {
                let gate = build_gate(chosen.iter().map(|&p| &patterns[p]))?;
                gates.push(GateSet { gate, targets });
                Some(gates.len() - 1)
            })
        };
        let buckets: Vec<Bucket> = (0..=cuts.len())
            .map(|k| {
                let words = if k == 0 { 0 } else { cuts[k - 1] };
                let first_gated = gated_rules
                    .iter()
                    .copied()
                    .find(|&i| fits(&rules[i], words));
                let mut b = Bucket {
                    anchored_rules: Vec::new(),
                    anchored_set: usize::from(long.is_some() && words > LONG_LINE_WORDS),
                    whole: Vec::new(),
                    class_gated: (0..class_gated.len())
                        .filter(|&c| fits(&rules[class_gated[c].rule], words))
                        .collect(),
                    first_gated,
                    gate: first_gated.and_then(|_| gate_for(words)),
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
        wild.sort_unstable();
        wild.dedup();
        let wild = Wild::new(&wild);
        Fast {
            cuts,
            buckets,
            anchored: [all, long],
            gated,
            gates,
            class_gated,
            wild,
            id: NEXT_FAST_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        }
    }
}

/// A searcher for the gate `patterns` (prefix-free); `None` if there are none
/// or none can be built.
fn build_gate<'p>(patterns: impl Iterator<Item = &'p Vec<u8>> + Clone) -> Option<Gate> {
    patterns.clone().next()?;
    aho_corasick::packed::Config::new()
        .heuristic_pattern_limits(false)
        .builder()
        .extend(patterns.clone())
        .build()
        .map(Gate::Packed)
        .or_else(|| {
            AhoCorasickBuilder::new()
                .match_kind(MatchKind::Standard)
                .build(patterns)
                .ok()
                .map(Gate::Automaton)
        })
}

/// The search cache of an anchored automaton may grow to this many bytes (per
/// thread) before it is cleared. Real pages drive the automaton into many
/// states (menus of capitalised words keep most patterns alive): at the
/// size limit of the other regexes (10 MB) the cache was cleared again and
/// again, and rebuilding states took 7 % of a run's cycles; at 40 MB, 2 %.
pub(super) const ANCHORED_CACHE_CAPACITY: usize = 4 * REGEX_SIZE_LIMIT;

impl AnchoredSet {
    /// The automaton of `patterns` (rule, anchored branches), in order; `None`
    /// if there are none or the build failed.
    pub(super) fn build(patterns: &[(usize, &Hir)]) -> Option<AnchoredSet> {
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
