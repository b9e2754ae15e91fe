//! Tests of the rule engine: the fast path against the reference matchers.

use std::path::Path;

use super::fast::{Bucket, ClassBranch, Gate, LONG_LINE_WORDS};
use super::literal::{alnum_words_at_most, is_plain};
use super::plan::{Held, choose_gates, gate_literals, prefix_free};
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
fn rule_ids_are_interned_once_per_process() {
    let a = RuleSet::builtin().unwrap();
    let b = RuleSet::builtin().unwrap();
    for (i, r) in a.rules().iter().enumerate() {
        assert_eq!(a.static_id(i), r.id);
        // The same id in another rule set is the same leaked string.
        assert!(std::ptr::eq(a.static_id(i), b.static_id(i)));
    }
    let mine =
        RuleSet::compile(vec![rule("promo.only-here", r#"contains = ["only here"]"#)]).unwrap();
    assert_eq!(mine.static_id(0), "promo.only-here");
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

#[test]
fn an_archive_widget_of_six_hundred_weeks_on_one_line_is_still_the_archive() {
    // A blog that lists every week since 2002 on one line: thousands of words.
    let mut line = String::from("Blog Archive");
    for week in 0..600 {
        line.push_str(&format!(" 10/{:02}/12 - 11/04/12 ({week})", week % 28 + 1));
    }
    assert!(super::literal::word_count(&line) > 2000);
    let set = RuleSet::builtin().unwrap();
    assert_eq!(
        set.first_match(&line).map(|r| r.id.as_str()),
        Some("nav.archive")
    );
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
        // An anchored branch that starts with a run of any characters:
        // gated by the literal after the run.
        rule(
            "inner.gate",
            "regex = '(?i)^(?:.{0,20}?\\s)?(?:posted|submitted) by \\d+'",
        ),
        // An anchored branch that starts with a run and has no gate
        // literal, but must hold a colon and digits: gated by the colon.
        rule(
            "class.gate",
            "regex = '(?i)^.*?(?:at|@) ?\\d{1,2}:\\d{2} ?[ap]m$'\nmax_words = 12",
        ),
        // An anchored branch that starts with a run, whose literal after
        // the run has only short words (`on jan`): not gated by them, but
        // by its digits.
        rule(
            "narrow.gate",
            "regex = '(?i)^(?:.{0,20}?\\s)?on (?:jan|feb) \\d+$'",
        ),
        // Unanchored branches that end the line with a mark: gated by the
        // line's last byte. The one ending with a full stop, as most
        // lines do, keeps its gate literal.
        rule(
            "end.gate",
            "regex = '(?i)(?:says|wrote|a dit)\\s*:$|(?i)said ?[,;]$|(?i)quoth\\.$'\nmax_words = 12",
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

/// The index of rule `id` in `set`.
fn index(set: &RuleSet, id: &str) -> usize {
    set.rules()
        .iter()
        .position(|r| r.id == id)
        .unwrap_or_else(|| panic!("no rule {id}"))
}

/// Whether no bucket of `set` searches rule `rule` in the anchored automaton.
fn out_of_automaton(set: &RuleSet, rule: usize) -> bool {
    set.fast
        .buckets
        .iter()
        .all(|b| !b.anchored_rules.contains(&rule))
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
            // Up to 86 words: past the last word bound of the built-in
            // rules, where the gate of the longest lines serves.
            for n in [0, 1, 2, 4, 7] {
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
    assert!(set.fast.anchored[0].is_some());
    // Every bucket with gated branches has a gate, over the patterns of the
    // branches that fit it only: a long line searches for fewer.
    let fast = &set.fast;
    for b in &fast.buckets {
        assert_eq!(b.gate.is_some(), b.first_gated.is_some());
    }
    let patterns = |b: &Bucket| b.gate.map_or(0, |g| fast.gates[g].targets.len());
    let (first, last) = (&fast.buckets[0], fast.buckets.last().unwrap());
    assert!(patterns(last) < patterns(first) / 4);
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
fn anchored_branch_starting_with_a_run_is_gated_by_its_inner_literal() {
    let (set, _) = user_set();
    let first = |l: &str| id(set, set.first_match_index(l));
    let rule = index(set, "inner.gate");
    assert!(set.fast.gated.iter().any(|b| b.rule == rule));
    assert!(out_of_automaton(set, rule));
    assert_eq!(first("Comment posted by 12 people"), Some("inner.gate"));
    assert_eq!(first("Posted By 3"), Some("inner.gate"));
    assert_eq!(first("poſted by 3"), Some("inner.gate"));
    // The run is at most 20 characters and ends in a space.
    assert_eq!(first("A comment here, it was posted by 12"), None);
    assert_eq!(first("reposted by 12"), None);
    // Builtin: `comments.posted-by` is gated too.
    let (builtin, _) = builtin_set();
    let posted_by = index(builtin, "comments.posted-by");
    assert!(builtin.fast.gated.iter().any(|b| b.rule == posted_by));
    assert!(out_of_automaton(builtin, posted_by));
}

#[test]
fn anchored_branch_whose_inner_literal_has_only_short_words_is_not_gated_by_it() {
    let (set, _) = user_set();
    let first = |l: &str| id(set, set.first_match_index(l));
    let rule = index(set, "narrow.gate");
    assert!(set.fast.gated.iter().all(|b| b.rule != rule));
    let branch = set.fast.class_gated.iter().find(|b| b.rule == rule);
    assert!(branch.unwrap().bytes.in_line(b"5") && !branch.unwrap().bytes.in_line(b"on jan"));
    assert_eq!(first("Jane, on Jan 5"), Some("narrow.gate"));
    assert_eq!(first("on feb 12"), Some("narrow.gate"));
    assert_eq!(first("The market on March 5"), None);
    // Builtin: `comments.name-on-date` (`…, on Jan 5, 2025`) runs on the
    // lines holding its comma, not on those holding `mar` or `dec`.
    let (builtin, _) = builtin_set();
    let on_date = index(builtin, "comments.name-on-date");
    assert!(builtin.fast.gated.iter().all(|b| b.rule != on_date));
    let branch = builtin.fast.class_gated.iter().find(|b| b.rule == on_date);
    let branch = branch.unwrap();
    assert_eq!(branch.held, Held::Anywhere);
    assert!(branch.bytes.in_line(b",") && !branch.bytes.in_line(b"Mar 5 2025"));
}

#[test]
fn branch_ending_the_line_with_a_rare_mark_is_gated_by_the_last_byte() {
    let (set, _) = user_set();
    let first = |l: &str| id(set, set.first_match_index(l));
    let rule = index(set, "end.gate");
    let ends: Vec<&ClassBranch> = set
        .fast
        .class_gated
        .iter()
        .filter(|b| b.rule == rule)
        .collect();
    assert_eq!(ends.len(), 2);
    assert!(ends.iter().all(|b| b.held == Held::Last));
    assert!(
        ends[0].held.in_line(&ends[0].bytes, b"a:") && !ends[0].held.in_line(&ends[0].bytes, b":a")
    );
    assert!(
        ends[1].held.in_line(&ends[1].bytes, b"a;") && !ends[1].held.in_line(&ends[1].bytes, b"")
    );
    // The full stop is a common line end: that branch keeps its literal.
    assert_eq!(set.fast.gated.iter().filter(|b| b.rule == rule).count(), 1);
    assert_eq!(first("Jane Doe says:"), Some("end.gate"));
    assert_eq!(first("Marie a dit :"), Some("end.gate"));
    assert_eq!(first("Jane said,"), Some("end.gate"));
    assert_eq!(first("And so quoth."), Some("end.gate"));
    assert_eq!(first("Jane says: hello"), None);
    assert_eq!(first("Jane said, then left"), None);
    // Builtin: `comments.says` ('Tomas said...' aside) is gated by the
    // line's last byte, and its words are out of the gate's search.
    let (builtin, _) = builtin_set();
    let says = index(builtin, "comments.says");
    let ends = builtin.fast.class_gated.iter().filter(|b| b.rule == says);
    assert!(ends.clone().count() >= 2 && ends.clone().all(|b| b.held == Held::Last));
    assert_eq!(
        builtin.fast.gated.iter().filter(|b| b.rule == says).count(),
        1
    );
}

#[test]
fn last_bytes_end_every_non_empty_match() {
    use super::plan::{end_gate, last_bytes};
    let hir = |re: &str| regex_syntax::Parser::new().parse(re).unwrap();
    let bytes = |s: super::plan::ByteSet| -> Vec<u8> {
        (0..=255u8).filter(|&b| s.0[usize::from(b)]).collect()
    };
    let set = |re: &str| last_bytes(&hir(re)).map(bytes);
    assert_eq!(set(r"ab"), Some(b"b".to_vec()));
    // Optional parts at the end add theirs to the part before them.
    assert_eq!(set(r"a[xy]?"), Some(b"axy".to_vec()));
    assert_eq!(set(r"(?:a|bc)\s*:$"), Some(b":".to_vec()));
    assert_eq!(set(r"(?:a|bc)$"), Some(b"ac".to_vec()));
    // Case folded; non-ASCII characters by their last byte.
    assert_eq!(set(r"(?i)q"), Some(b"Qq".to_vec()));
    assert_eq!(set(r"é|…"), Some(vec![0xA6, 0xA9]));
    // A wide class of non-ASCII characters: every continuation byte.
    let wide = set(r"\w").unwrap();
    assert!(
        wide.contains(&b'z')
            && wide.contains(&0x80)
            && wide.contains(&0xBF)
            && !wide.contains(&0xC3)
    );
    // Of the non-empty matches, even where the empty one matches too.
    assert_eq!(set(r"x*"), Some(b"x".to_vec()));
    assert_eq!(set(r"(?:a|b?)$"), Some(b"ab".to_vec()));
    // End gates: the branch must end the line, with rare marks only.
    let gate = |re: &str| end_gate(&hir(re)).map(bytes);
    assert_eq!(gate(r"(?i)says\s*:$"), Some(b":".to_vec()));
    assert_eq!(gate(r"(?i)says\s*:"), None);
    assert_eq!(gate(r"(?i)said\.$"), None);
    assert_eq!(gate(r"(?i)said\w$"), None);
    assert_eq!(gate(r"(?i)said…$"), Some(vec![0xA6]));
    // A branch that matches the empty line has no last byte to gate on.
    assert_eq!(gate(r":?$"), None);
}

#[test]
fn anchored_branch_starting_with_a_run_without_a_literal_is_gated_by_a_byte_class() {
    let (set, _) = user_set();
    let first = |l: &str| id(set, set.first_match_index(l));
    let rule = index(set, "class.gate");
    let branch = set
        .fast
        .class_gated
        .iter()
        .find(|b| b.rule == rule)
        .unwrap();
    // The colon: rarer than the digits, and every match holds one.
    assert!(branch.bytes.in_line(b"9:05") && !branch.bytes.in_line(b"at 905 pm"));
    assert!(out_of_automaton(set, rule));
    assert_eq!(first("Jane wrote at 9:05 pm"), Some("class.gate"));
    assert_eq!(first("Posted @12:30AM"), Some("class.gate"));
    assert_eq!(first("Jane wrote at 9:05 pm today"), None);
    assert_eq!(first("Jane wrote at nine pm"), None);
    // Arabic-Indic digits are `\d` too: their lead byte is in the class.
    assert_eq!(
        first("Jane at \u{661}:\u{663}\u{660} pm"),
        Some("class.gate")
    );
    // Builtin: `comments.posted-at` is gated by its digits, out of the
    // anchored automaton.
    let (builtin, _) = builtin_set();
    let posted_at = index(builtin, "comments.posted-at");
    let branch = builtin
        .fast
        .class_gated
        .iter()
        .find(|b| b.rule == posted_at);
    let bytes = &branch.unwrap().bytes;
    assert!((b'0'..=b'9').all(|d| bytes.0[usize::from(d)]));
    assert!(!bytes.in_line("Ünterschrift: é à ü, @ at".as_bytes()));
    assert!(out_of_automaton(builtin, posted_at));
}

#[test]
fn required_bytes_are_held_by_every_match() {
    use super::plan::required_bytes;
    let hir = |re: &str| regex_syntax::Parser::new().parse(re).unwrap();
    let set = |re: &str| {
        required_bytes(&hir(re)).map(|s| {
            (0..=255u8)
                .filter(|&b| s.0[usize::from(b)])
                .collect::<Vec<u8>>()
        })
    };
    // The rarest part of a sequence; an alternation's branches together.
    assert_eq!(set(r"(?-u:\d)+x"), Some(b"0123456789".to_vec()));
    assert_eq!(set(r"a[:;]b"), Some(b":;".to_vec()));
    assert_eq!(set(r"(?:1|2)z"), Some(b"12".to_vec()));
    // Case folded: both cases are in the class.
    assert_eq!(set(r"(?i)q"), Some(b"Qq".to_vec()));
    // Nothing is required of an optional part, or of a branch without one.
    assert_eq!(set(r"\d?"), None);
    assert_eq!(set(r"(?:\d|)x?"), None);
    // A literal by its rarest byte (here the tail of `é`), a class of
    // non-ASCII characters by their lead bytes.
    assert_eq!(set(r"é"), Some(vec![0xA9]));
    let digits = set(r"\d").unwrap();
    assert!(digits.contains(&b'5') && digits.contains(&0xD9) && !digits.contains(&0xC3));
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
        let k = index(set, whole);
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
        Just("at 9:05 pm".to_string()),
        Just("@12:30AM".to_string()),
        Just("abddx".to_string()),
        Just(":".to_string()),
        Just("says:".to_string()),
        Just("a dit :".to_string()),
        Just("said,".to_string()),
        Just("quoth.".to_string()),
        Just(", on Jan 5".to_string()),
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

#[test]
fn a_rule_using_a_list_matches_what_the_written_out_regex_matches() {
    let text = "[lists]\nagency = [\"afp\", \"a.p\", \"the associated press\"]\n\
                [[rule]]\nid = \"x.list\"\ndescription = \"d\"\naction = \"credit\"\n\
                regex = '(?i)^\\(\\s*{agency}\\s*\\)$|^with {agency}$'\n";
    let listed = parse_file("my.toml", text).unwrap();
    let written = rule(
        "x.list",
        r#"regex = '(?i)^\(\s*(?:afp|a\.p|the associated press)\s*\)$|^with (?:afp|a\.p|the associated press)$'"#,
    );
    assert_eq!(listed[0].regex, written.regex);
    let (a, b) = (
        RuleSet::compile(listed).unwrap(),
        RuleSet::compile(vec![written]).unwrap(),
    );
    for line in [
        "(AFP)",
        "( a.p )",
        "(a-p)",
        "with the associated press",
        "With AFP",
        "with apx",
        "(Reuters)",
    ] {
        assert_eq!(a.matches(line), b.matches(line), "{line:?}");
    }
    // Items are literal text: `a.p` does not match `a-p`.
    assert!(a.matches("(a-p)").is_empty() && !a.matches("(a.p)").is_empty());
}

#[test]
fn an_unknown_list_name_is_an_error_naming_file_and_rule() {
    let text = "[lists]\nagency = [\"afp\"]\n[[rule]]\nid = \"x.bad\"\ndescription = \"d\"\n\
                action = \"credit\"\nregex = '^with {agnecy}$'\n";
    let err = parse_file("my.toml", text).unwrap_err().to_string();
    assert!(
        err.contains("my.toml") && err.contains("x.bad") && err.contains("agnecy"),
        "{err}"
    );
    for (lists, want) in [
        ("[lists]\nBad = [\"a\"]\n", "list \"Bad\""),
        ("[lists]\nempty = []\n", "empty"),
    ] {
        let err = parse_file("my.toml", lists).unwrap_err().to_string();
        assert!(err.contains("my.toml") && err.contains(want), "{err}");
    }
}

#[test]
fn braces_that_name_no_list_are_left_alone() {
    let lists: Lists = [("a".to_string(), vec!["x".to_string()])].into();
    for re in [
        r"\p{Lu}\P{greek}x{2,3}",
        r"\x{41}\u{2014}\{a\}",
        "[{a}]",
        "[[:alpha:]{a}]",
        "{}",
        "{2}",
    ] {
        assert_eq!(super::lists::expand(re, &lists).as_deref(), Ok(re), "{re}");
    }
    assert_eq!(
        super::lists::expand("^{a}[{]{a}", &lists).as_deref(),
        Ok("^(?:x)[{](?:x)")
    );
}

#[test]
fn builtin_lists_are_used_and_keep_the_agency_slug_regex() {
    // The regex as written out before lists: the list must not change it.
    let agency = "(?:afp|ap|reuters|dpa|efe|ansa|apa|kna|europa press|agencies|agences|\
                  agenturen|agencias|the associated press|associated press|xinhua|bloomberg)";
    let slug = builtin_rules()
        .unwrap()
        .into_iter()
        .find(|r| r.id == "credit.agency-slug")
        .unwrap();
    let re = slug.regex.unwrap();
    assert_eq!(re.matches(agency).count(), 5, "{re}");
    assert!(!re.contains("{agency}"));
    // The program reads `dateline-agency`; no name is defined twice.
    assert!(builtin_list("dateline-agency").contains(&"Reuters".to_string()));
    let mut names = Vec::new();
    for (file, text) in BUILTIN {
        let (_, lists) = super::load::parse(file, text).unwrap();
        names.extend(lists.into_keys());
    }
    let n = names.len();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), n, "a list name defined in two built-in files");
}

#[test]
fn every_problem_of_a_file_is_reported_not_only_the_first() {
    let text = "[[rule]]\nid = \"Bad Id\"\ndescription = \"d\"\naction = \"remove\"\ncontains = [\"a\"]\n\
                [[rule]]\nid = \"x.ok\"\ndescription = \"d\"\naction = \"remove\"\ncontains = [\"b\"]\n\
                [[rule]]\nid = \"x.two\"\ndescription = \" \"\naction = \"remove\"\n\
                languages = [\"english\"]\nregex = \"(\"\n\
                [[rule]]\nid = \"x.ok\"\ndescription = \"d\"\naction = \"remove\"\nregex = \"(\"\n";
    let err = RuleSet::compile(parse_file("my.toml", text).unwrap())
        .unwrap_err()
        .to_string();
    let lines: Vec<&str> = err.lines().collect();
    for want in [
        "rule \"Bad Id\": id must be",
        "rule \"x.two\": language \"english\"",
        "rule \"x.two\": empty description",
        "rule \"x.ok\": duplicate id",
    ] {
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with("my.toml: ") && l.contains(want)),
            "{want}: {err}"
        );
    }
    // A rule with problems of its own is not also compiled: no regex error
    // for x.two, whose other problems come first.
    assert!(!err.contains("x.two\": bad regex"), "{err}");
    // Lists: every unknown name, each with its rule.
    let text = "[lists]\na = [\"x\"]\nBad = [\"y\"]\n\
                [[rule]]\nid = \"x.one\"\ndescription = \"d\"\naction = \"remove\"\nregex = '{b}'\n\
                [[rule]]\nid = \"x.two\"\ndescription = \"d\"\naction = \"remove\"\nregex = '{c}'\n";
    let err = parse_file("my.toml", text).unwrap_err().to_string();
    assert_eq!(err.lines().count(), 3, "{err}");
    assert!(
        err.contains("x.one")
            && err.contains("{b}")
            && err.contains("x.two")
            && err.contains("{c}"),
        "{err}"
    );
}

#[test]
fn an_action_is_named_as_in_a_rule_file() {
    use crate::rules::Action;
    for a in [
        Action::Remove,
        Action::Trailer,
        Action::RelatedHeader,
        Action::Caption,
        Action::Credit,
        Action::Related,
        Action::Comment,
        Action::CommentsHead,
    ] {
        let read: Action = serde_json::from_str(&format!("\"{}\"", a.name())).unwrap();
        assert_eq!(read, a);
    }
}
