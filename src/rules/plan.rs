//! The fast-path planner: how [`super::fast`] runs one rule's regex. A regex
//! is split into its top-level branches; those anchored at the line start go
//! to the anchored automaton, the others are gated by literal prefixes that
//! every match starts with ([`gate_literals`]); the gates of all branches are
//! chosen together ([`choose_gates`]). A regex that cannot be split soundly
//! runs whole ([`Plan::Whole`]).
//!
//! Soundness is the contract: a gate may let through lines the branch does
//! not match, never hide one it does, so that the fast path agrees with the
//! reference matcher [`super::RuleSet::matches`].

use std::collections::HashMap;

use regex_automata::meta;
use regex_syntax::hir::{Class, Hir, HirKind, Look};

use super::REGEX_SIZE_LIMIT;

/// How the fast path runs one rule's regex.
pub(super) enum Plan {
    /// The whole regex, on every line the rule fits; why it cannot be split.
    Whole(String),
    /// Split into its anchored branches (one alternation) and its gated
    /// unanchored branches, each with its gate literals.
    Split {
        anchored: Option<Hir>,
        gated: Vec<(meta::Regex, Vec<Vec<u8>>)>,
        /// Branches that run only on the lines holding a byte of a rare
        /// class, anywhere or last ([`Held`]): anchored branches that start
        /// with a run of any letters and have no gate literal, but hold such
        /// a character further on (`^.*?…\d`), and branches that end the line
        /// with one (`says:$`).
        class_gated: Vec<(meta::Regex, ByteSet, Held)>,
    },
}

/// Where a line holds a byte of a class-gated branch's [`ByteSet`], if the
/// branch matches it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Held {
    /// Anywhere in the line ([`class_gate`]).
    Anywhere,
    /// As its last byte ([`end_gate`]).
    Last,
}

impl Held {
    /// Whether `hay` holds a byte of `bytes` where this says.
    #[inline]
    pub(super) fn in_line(self, bytes: &ByteSet, hay: &[u8]) -> bool {
        match self {
            Held::Anywhere => bytes.in_line(hay),
            Held::Last => hay.last().is_some_and(|&b| bytes.0[usize::from(b)]),
        }
    }
}

/// Bytes a line must hold for a branch to match it, anywhere or last (see
/// [`class_gate`] and [`end_gate`]).
#[derive(Clone, PartialEq, Eq)]
pub(super) struct ByteSet(pub(super) [bool; 256]);

impl std::fmt::Debug for ByteSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let bytes: Vec<u8> = (0..=255u8).filter(|&b| self.0[usize::from(b)]).collect();
        write!(f, "ByteSet({:?})", bytes.escape_ascii().to_string())
    }
}

impl ByteSet {
    /// Whether `hay` holds a byte of the set.
    #[inline]
    pub(super) fn in_line(&self, hay: &[u8]) -> bool {
        hay.iter().any(|&b| self.0[usize::from(b)])
    }

    fn union(mut self, other: &ByteSet) -> ByteSet {
        for (a, b) in self.0.iter_mut().zip(other.0) {
            *a |= b;
        }
        self
    }

    fn len(&self) -> usize {
        self.0.iter().filter(|&&b| b).count()
    }

    fn is_empty(&self) -> bool {
        !self.0.contains(&true)
    }

    /// Whether a line would seldom hold a byte of the set: no ASCII letter
    /// and no white space (which most lines hold), and few bytes (`\d` has
    /// the ten digits and the lead bytes of the other scripts' digits).
    fn is_rare(&self) -> bool {
        let common = |b: u8| b.is_ascii_alphabetic() || b.is_ascii_whitespace();
        self.len() <= 32 && !(0..=255u8).any(|b| self.0[usize::from(b)] && common(b))
    }
}

/// At most this many gate literals per branch (else the branch runs whole).
pub(super) const GATE_MAX_LITERALS: usize = 64;
/// Gate literals are cut to this many bytes.
pub(super) const GATE_MAX_LEN: usize = 32;
/// Gate literals are searched for by a window of this many bytes (see
/// [`choose_gates`]).
pub(super) const GATE_WINDOW: usize = 6;
/// A branch whose shortest gate literal is shorter runs whole: such a gate
/// would let through most lines.
pub(super) const GATE_MIN_LEN: usize = 3;

/// The matcher configuration of `regex::Regex` (leftmost-first, same limits),
/// with only the implicit whole-match group: the fast path reads no other.
pub(super) fn meta_builder() -> meta::Builder {
    meta_builder_kind(regex_automata::MatchKind::LeftmostFirst)
}

/// [`meta_builder`] with match kind `kind`.
pub(super) fn meta_builder_kind(kind: regex_automata::MatchKind) -> meta::Builder {
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

/// Splits regex `re` for the fast path (see [`Fast`](super::fast::Fast)). Characters that ASCII
/// lower-casing cannot fold onto a gate literal (the Kelvin sign for `(?i)k`,
/// the long s for `(?i)s`) are added to `wild`: a line holding one lets every
/// gated branch run.
pub(super) fn plan(re: &str, wild: &mut Vec<char>) -> Plan {
    // The parser `regex` uses, with its default settings.
    let Ok(hir) = regex_syntax::ParserBuilder::new().build().parse(re) else {
        return Plan::Whole("the planner cannot parse the regex".into());
    };
    if hir.properties().look_set().contains_word_unicode() {
        return Plan::Whole(
            "a Unicode word boundary `\\b`: write `(?-u:\\b)` for an ASCII one".into(),
        );
    }
    let branches = match hir.kind() {
        HirKind::Alternation(bs) => bs.clone(),
        _ => vec![hir],
    };
    let mut anchored = Vec::new();
    let mut gated = Vec::new();
    let mut class_gated = Vec::new();
    let mut wild_here = Vec::new();
    let n = branches.len();
    // Which branch, for a reader: its printed regex may be long (`\d` is
    // every Unicode digit).
    let which = |k: usize| {
        if n == 1 {
            "the regex".to_string()
        } else {
            format!("top-level branch {} of {n}", k + 1)
        }
    };
    for (k, b) in branches.into_iter().enumerate() {
        if b.properties().look_set_prefix().contains(Look::Start) {
            // A branch that keeps the anchored automaton alive past its
            // first bytes, but must hold a literal further on, is gated
            // by that literal instead (its regex keeps the `^`).
            if let Some(lits) = inner_gate(&b, &mut wild_here)
                && let Ok(re) = meta_builder().build_from_hir(&b)
            {
                gated.push((re, lits));
            } else if let Some(bytes) = class_gate(&b)
                && let Ok(re) = meta_builder().build_from_hir(&b)
            {
                class_gated.push((re, bytes, Held::Anywhere));
            } else {
                anchored.push(b);
            }
            continue;
        }
        if let Some(bytes) = end_gate(&b)
            && let Ok(re) = meta_builder().build_from_hir(&b)
        {
            class_gated.push((re, bytes, Held::Last));
            continue;
        }
        let Some(lits) = gate_literals(&b, &mut wild_here) else {
            return Plan::Whole(format!(
                "{} is not anchored with `^` and does not start with a literal of at \
                 least {GATE_MIN_LEN} bytes (at most {GATE_MAX_LITERALS} of them)",
                which(k)
            ));
        };
        let Ok(re) = meta_builder().build_from_hir(&b) else {
            return Plan::Whole(format!("{} does not build on its own", which(k)));
        };
        gated.push((re, lits));
    }
    wild.extend(wild_here);
    Plan::Split {
        anchored: (!anchored.is_empty()).then(|| Hir::alternation(anchored)),
        gated,
        class_gated,
    }
}

/// The gate literals of an anchored branch that starts with a run of any
/// letters (`^(?:.{0,40}?\s)?posted by`): the gate literals of the rest of
/// its sequence from the first part that has them. Every match of the branch
/// holds a match of that rest, so the line holds one of its literals.
///
/// Such a run keeps the lazy automaton of the anchored branches alive through
/// the first words of every line, and it builds a state for each mix of the
/// places the run may have reached with the states of the other rules alive
/// then; gated, the branch runs only on the lines that hold its literal.
/// `None` when the branch starts otherwise (with a literal, or a few marks
/// and spaces: it dies in the automaton within a few bytes) or no part of it
/// has a gate.
pub(super) fn inner_gate(hir: &Hir, wild: &mut Vec<char>) -> Option<Vec<Vec<u8>>> {
    let HirKind::Concat(subs) = hir.kind() else {
        return None;
    };
    let start = subs
        .iter()
        .position(|s| !matches!(s.kind(), HirKind::Look(_)))?;
    // (A probe: the wild characters of its own start are not wanted.)
    if gate_literals(&Hir::concat(subs[start..].to_vec()), &mut Vec::new()).is_some() {
        return None;
    }
    (start + 1..subs.len()).find_map(|k| {
        if !subs[start..k].iter().any(runs_over_words) {
            return None;
        }
        let mut here = Vec::new();
        let lits = gate_literals(&Hir::concat(subs[k..].to_vec()), &mut here)?;
        // Windows shorter than the full width (the words of `, on jan`)
        // are in too many words of text (`market`, `decide`): each would
        // stop the searcher, and run the branch, on every line of dates.
        let narrow = |l: &Vec<u8>| gate_windows(l).iter().all(|(w, _)| w.len() < GATE_WINDOW);
        if lits.iter().any(|l| l.len() < GATE_WINDOW || narrow(l)) {
            return None;
        }
        wild.extend(here);
        Some(lits)
    })
}

/// The rare bytes of an anchored branch that starts with a run of any letters
/// and has no gate literal (`^.*?(?:\d{4}|…) at \d{1,2}:\d{2}`): every match
/// holds one of them ([`required_bytes`]). The run keeps the anchored
/// automaton alive through every short line, as for [`inner_gate`]; the
/// branch runs on its own, on the few lines that hold such a byte.
pub(super) fn class_gate(hir: &Hir) -> Option<ByteSet> {
    let HirKind::Concat(subs) = hir.kind() else {
        return None;
    };
    let start = subs
        .iter()
        .position(|s| !matches!(s.kind(), HirKind::Look(_)))?;
    (start + 1..subs.len()).find_map(|k| {
        if !subs[start..k].iter().any(runs_over_words) {
            return None;
        }
        required_bytes(&Hir::concat(subs[k..].to_vec())).filter(ByteSet::is_rare)
    })
}

/// The rare last bytes of an unanchored branch that ends the line (`$`)
/// with a mark (`(?:says|wrote)\s*:$`): the line's last byte is one of them.
/// A check of one byte then spares the gate's search the branch's
/// literals, common words. `None` when the branch does not end the line or
/// its last bytes are not rare as line ends: letters, digits, spaces,
/// sentence marks, quotes, brackets (which close most lines of text), or
/// more than eight bytes.
pub(super) fn end_gate(hir: &Hir) -> Option<ByteSet> {
    let props = hir.properties();
    if !props.look_set_suffix().contains(Look::End) || props.minimum_len() == Some(0) {
        return None;
    }
    let set = last_bytes(hir)?;
    let common =
        |b: u8| b.is_ascii_alphanumeric() || b.is_ascii_whitespace() || b".!?)]\"'".contains(&b);
    (!set.is_empty() && set.len() <= 8 && !(0..=255u8).any(|b| set.0[usize::from(b)] && common(b)))
        .then_some(set)
}

/// The bytes that a non-empty match of `hir` may end with (sound, not
/// complete): for a character class, the last bytes of its characters'
/// UTF-8 forms (every continuation byte for a range of more than 256 of
/// them). `None` when it is not known.
pub(super) fn last_bytes(hir: &Hir) -> Option<ByteSet> {
    let mut set = ByteSet([false; 256]);
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => {}
        HirKind::Literal(l) => set.0[usize::from(*l.0.last()?)] = true,
        HirKind::Class(Class::Bytes(c)) => {
            for r in c.ranges() {
                for b in r.start()..=r.end() {
                    set.0[usize::from(b)] = true;
                }
            }
        }
        HirKind::Class(Class::Unicode(c)) => {
            for r in c.ranges() {
                let (lo, hi) = (u32::from(r.start()), u32::from(r.end()));
                if hi - lo > 256 {
                    let end = char::from_u32(hi.min(0x7F)).unwrap_or('\x7f');
                    for ch in r.start()..=end {
                        set.0[usize::from(ch as u8)] = true;
                    }
                    if hi >= 0x80 {
                        for b in 0x80..=0xBF {
                            set.0[b] = true;
                        }
                    }
                    continue;
                }
                for ch in r.start()..=r.end() {
                    let mut buf = [0; 4];
                    let last = *ch.encode_utf8(&mut buf).as_bytes().last()?;
                    set.0[usize::from(last)] = true;
                }
            }
        }
        // A non-empty match of a repetition ends with one of its part.
        HirKind::Repetition(r) => return last_bytes(&r.sub),
        HirKind::Capture(c) => return last_bytes(&c.sub),
        HirKind::Alternation(alts) => {
            for a in alts {
                set = set.union(&last_bytes(a)?);
            }
        }
        HirKind::Concat(subs) => {
            // From the end: the last part that cannot be empty, and every
            // part after it (which may be).
            for sub in subs.iter().rev() {
                set = set.union(&last_bytes(sub)?);
                if sub.properties().minimum_len() != Some(0) {
                    break;
                }
            }
        }
    }
    Some(set)
}

/// A set of bytes every match of `hir` holds one of (sound, not complete):
/// the bytes of a class (its ASCII members, and the UTF-8 lead bytes of the
/// others), the rarest byte of a literal, the union over an alternation's
/// branches, and the rarest set of a sequence's parts. `None` when a match
/// may be empty of them (an optional part, a look-around).
pub(super) fn required_bytes(hir: &Hir) -> Option<ByteSet> {
    let mut set = ByteSet([false; 256]);
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => return None,
        HirKind::Literal(l) => {
            let &b = l.0.iter().min_by_key(|&&b| byte_rank(b))?;
            set.0[usize::from(b)] = true;
        }
        HirKind::Class(Class::Bytes(c)) => {
            for r in c.ranges() {
                for b in r.start()..=r.end() {
                    set.0[usize::from(b)] = true;
                }
            }
        }
        HirKind::Class(Class::Unicode(c)) => {
            let lead = |ch: char| ch.encode_utf8(&mut [0; 4]).as_bytes()[0];
            for r in c.ranges() {
                // A lead byte grows with the code point: the range's
                // characters start with the bytes from its first's to its last's.
                for b in lead(r.start())..=lead(r.end()) {
                    set.0[usize::from(b)] = true;
                }
            }
        }
        HirKind::Repetition(r) if r.min >= 1 => return required_bytes(&r.sub),
        HirKind::Repetition(_) => return None,
        HirKind::Capture(c) => return required_bytes(&c.sub),
        HirKind::Concat(subs) => {
            return subs
                .iter()
                .filter_map(required_bytes)
                .min_by_key(|s| (!s.is_rare(), s.len()));
        }
        HirKind::Alternation(alts) => {
            let mut sets = alts.iter().map(required_bytes);
            let first = sets.next()??;
            return sets.try_fold(first, |acc, s| Some(acc.union(&s?)));
        }
    }
    Some(set)
}

/// Whether `hir` holds a repetition (more than once) of a class of every
/// ASCII letter (`.`, `\w`, `\p{L}`): a run that may go on over words.
fn runs_over_words(hir: &Hir) -> bool {
    let letters = |h: &Hir| match h.kind() {
        HirKind::Class(Class::Unicode(c)) => (b'a'..=b'z').all(|b| {
            c.ranges()
                .iter()
                .any(|r| (r.start()..=r.end()).contains(&char::from(b)))
        }),
        HirKind::Class(Class::Bytes(c)) => (b'a'..=b'z').all(|b| {
            c.ranges()
                .iter()
                .any(|r| (r.start()..=r.end()).contains(&b))
        }),
        _ => false,
    };
    fn any_class(h: &Hir, f: &dyn Fn(&Hir) -> bool) -> bool {
        f(h) || match h.kind() {
            HirKind::Capture(c) => any_class(&c.sub, f),
            HirKind::Repetition(r) => any_class(&r.sub, f),
            HirKind::Concat(subs) | HirKind::Alternation(subs) => {
                subs.iter().any(|s| any_class(s, f))
            }
            _ => false,
        }
    }
    match hir.kind() {
        HirKind::Repetition(r) if r.max != Some(1) && any_class(&r.sub, &letters) => true,
        HirKind::Capture(c) => runs_over_words(&c.sub),
        HirKind::Repetition(r) => runs_over_words(&r.sub),
        HirKind::Concat(subs) | HirKind::Alternation(subs) => subs.iter().any(runs_over_words),
        _ => false,
    }
}

/// A literal prefix: its bytes (ASCII lower case) and whether it covers the
/// whole of what it came from, so that what follows may extend it.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Lit {
    pub(super) bytes: Vec<u8>,
    pub(super) exact: bool,
}

impl Lit {
    pub(super) fn exact(bytes: Vec<u8>) -> Lit {
        Lit { bytes, exact: true }
    }

    /// Nothing known: the empty prefix, which does not extend.
    pub(super) fn open() -> Lit {
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
pub(super) fn gate_literals(hir: &Hir, wild: &mut Vec<char>) -> Option<Vec<Vec<u8>>> {
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
pub(super) fn prefixes(hir: &Hir, wild: &mut Vec<char>) -> Vec<Lit> {
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
pub(super) fn class_alternatives(class: &Class, wild: &mut Vec<char>) -> Option<Vec<Vec<u8>>> {
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
pub(super) fn byte_rank(b: u8) -> u32 {
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
pub(super) fn choose_gates(lits: Vec<(usize, Vec<u8>)>) -> (Vec<Vec<u8>>, Vec<Vec<usize>>) {
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
pub(super) fn gate_windows(lit: &[u8]) -> Vec<(Vec<u8>, u64)> {
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
pub(super) fn window_rank(w: &[u8]) -> u32 {
    w.iter().take(3).map(|&b| byte_rank(b)).sum()
}

/// Makes `patterns` prefix-free: a pattern that starts with another is
/// dropped, its branches going to the shorter one, which occurs wherever it
/// does. Duplicates merge the same way.
pub(super) fn prefix_free(
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
pub(super) fn folds_to(ch: char, letter: u8) -> bool {
    let is_letter = |c: char| c.eq_ignore_ascii_case(&char::from(letter));
    ch.to_lowercase().any(is_letter) || ch.to_uppercase().any(is_letter)
}

/// Why `re` would run whole, off the fast path (see [`plan`]); `None` when the
/// fast path splits it.
pub(super) fn why_whole(re: &str) -> Option<String> {
    match plan(re, &mut Vec::new()) {
        Plan::Whole(why) => Some(why),
        Plan::Split { .. } => None,
    }
}
