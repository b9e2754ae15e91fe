//! Every built-in rule passes its own examples, and `rinse rules test` and
//! `rinse coverage --require-all` report failures through their exit status.

use assert_cmd::Command;

#[test]
fn every_builtin_rule_matches_its_examples_and_not_its_counterexamples() {
    for rule in rinse::internals::rules::builtin_rules().unwrap() {
        assert!(!rule.examples.is_empty(), "{} has no examples", rule.id);
        assert!(
            !rule.description.is_empty(),
            "{} has no description",
            rule.id
        );
        let t = rinse::internals::rules::test_rule(&rule).unwrap();
        assert!(
            t.passed(),
            "{}: missing {:?}, noisy {:?}",
            t.id,
            t.missing,
            t.noisy
        );
    }
}

#[test]
fn rules_test_passes_on_builtin_rules() {
    Command::cargo_bin("rinse")
        .unwrap()
        .args(["rules", "test"])
        .assert()
        .success();
}

/// Runs `rinse clean --rules DIR` on the seed sample: exit code and stderr.
fn clean_with_rules(dir: &std::path::Path) -> (Option<i32>, String) {
    let out = Command::cargo_bin("rinse")
        .unwrap()
        .args(["clean", "--rules"])
        .arg(dir)
        .arg("samples/reuters-azerbaijan.txt")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Runs `rinse rules test DIR`.
fn rules_test(dir: &std::path::Path) -> std::process::Output {
    Command::cargo_bin("rinse")
        .unwrap()
        .args(["rules", "test"])
        .arg(dir)
        .output()
        .unwrap()
}

fn rule_dir(body: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("mine.toml"), body).unwrap();
    dir
}

#[test]
fn rules_test_fails_on_a_missed_example_and_names_it() {
    let dir = rule_dir(
        "[[rule]]\nid = \"mine.promo\"\ndescription = \"d\"\naction = \"remove\"\nequals = [\"Buy now\"]\nexamples = [\"Buy now\", \"Shop today\"]\n",
    );
    let out = rules_test(dir.path());
    assert_eq!(out.status.code(), Some(1));
    let s = String::from_utf8_lossy(&out.stdout);
    assert!(s.contains("missing: \"Shop today\""), "{s}");
}

#[test]
fn rules_test_fails_on_a_rule_without_examples_and_on_an_unknown_id() {
    let dir = rule_dir(
        "[[rule]]\nid = \"mine.promo\"\ndescription = \"d\"\naction = \"remove\"\nequals = [\"Buy now\"]\n",
    );
    let run = |extra: &[&str]| {
        Command::cargo_bin("rinse")
            .unwrap()
            .args(["rules", "test"])
            .arg(dir.path())
            .args(extra)
            .output()
            .unwrap()
            .status
            .code()
    };
    assert_eq!(run(&[]), Some(1));
    assert_eq!(run(&["--only", "mine.nope"]), Some(2));
}

#[test]
fn a_bad_rule_file_names_file_rule_and_problem() {
    let dir = rule_dir(
        "[[rule]]\nid = \"mine.bad\"\ndescription = \"d\"\naction = \"remove\"\nregex = \"(unclosed\"\nexamples = [\"x\"]\n",
    );
    let (code, err) = clean_with_rules(dir.path());
    assert_eq!(code, Some(2));
    assert!(
        err.contains("mine.toml") && err.contains("mine.bad") && err.contains("bad regex"),
        "{err}"
    );
}

#[test]
fn coverage_require_all_fails_when_a_rule_never_fires() {
    let dir = rule_dir(
        "[[rule]]\nid = \"mine.never\"\ndescription = \"d\"\naction = \"remove\"\nequals = [\"zzz never seen zzz\"]\nexamples = [\"zzz never seen zzz\"]\n",
    );
    let out = Command::cargo_bin("rinse")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["coverage", "--require-all", "--rules"])
        .arg(dir.path())
        .arg("samples")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("never fired: mine.never"));
}

#[test]
fn explain_names_the_deciding_rule_and_is_plain_when_piped() {
    let out = Command::cargo_bin("rinse")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["explain", "samples/reuters-azerbaijan.txt"])
        .output()
        .unwrap();
    let s = String::from_utf8(out.stdout).unwrap();
    assert!(!s.contains('\x1b'));
    assert!(
        s.lines()
            .any(|l| l.contains("credit") && l.contains("credit.reporting-by"))
    );
    assert!(s.lines().any(|l| l.contains("trailer.others-also-read")));
}

#[test]
fn explain_reads_standard_input_as_it_reads_a_file() {
    let run = |args: &[&str], stdin: Vec<u8>| {
        let out = Command::cargo_bin("rinse")
            .unwrap()
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .args(args)
            .write_stdin(stdin)
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        String::from_utf8(out.stdout).unwrap()
    };
    let sample = "samples/reuters-azerbaijan.txt";
    let piped = run(&["explain", "-"], std::fs::read(sample).unwrap());
    assert!(piped.contains("trailer.others-also-read"), "{piped}");
    assert_eq!(piped, run(&["explain", sample], Vec::new()));
}

#[test]
fn explain_splits_a_page_glued_into_one_line_into_its_edges_and_article() {
    let out = Command::cargo_bin("rinse")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["explain", "samples/ferry-news-glued-en.txt"])
        .output()
        .unwrap();
    let s = String::from_utf8(out.stdout).unwrap();
    let line2: Vec<&str> = s
        .lines()
        .filter(|l| l.split_whitespace().next() == Some("2"))
        .collect();
    assert_eq!(line2.len(), 3, "{s}");
    assert!(line2[0].contains("signal.glued-edge") && line2[0].contains("Ferry Times Home News"));
    assert!(line2[1].contains("body") && line2[1].contains("The harbour board agreed"));
    assert!(line2[2].contains("signal.glued-edge") && line2[2].contains("Most Read"));
}

#[test]
fn a_regex_that_would_blow_up_is_refused_with_a_clear_error() {
    // Compiles to far more than the size limit: nested counted repetitions.
    let dir = rule_dir(
        "[[rule]]\nid = \"mine.huge\"\ndescription = \"d\"\naction = \"remove\"\nregex = '(?:\\w{100}){100}{100}'\nexamples = [\"x\"]\n",
    );
    let (code, err) = clean_with_rules(dir.path());
    assert_eq!(code, Some(2));
    assert!(
        err.contains("mine.huge") && err.contains("size limit"),
        "{err}"
    );
}

#[test]
fn a_user_rule_overrides_a_builtin_id_and_disable_turns_one_off() {
    let run = |extra: &[&str], dir: Option<&std::path::Path>| {
        let mut c = Command::cargo_bin("rinse").unwrap();
        c.args(["clean", "-q"])
            .current_dir(env!("CARGO_MANIFEST_DIR"));
        if let Some(d) = dir {
            c.arg("--rules").arg(d);
        }
        let out = c
            .args(extra)
            .arg("samples/reuters-azerbaijan.txt")
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()
    };
    let rules_of = |rec: &serde_json::Value| {
        rec["removed"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["rule"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    let base = run(&[], None);
    assert!(rules_of(&base).contains(&"promo.follow-channel".to_string()));
    // --disable: the promo line is no longer removed by that rule.
    let off = run(&["--disable", "promo.follow-channel"], None);
    assert!(!rules_of(&off).contains(&"promo.follow-channel".to_string()));
    // A user rule with the same id replaces the built-in one.
    let dir = rule_dir(
        "[[rule]]\nid = \"promo.follow-channel\"\ndescription = \"only Telegram\"\naction = \"remove\"\ncontains = [\"telegram\"]\nexamples = [\"Join our Telegram\"]\n",
    );
    let replaced = run(&[], Some(dir.path()));
    assert!(!rules_of(&replaced).contains(&"promo.follow-channel".to_string()));
}

#[test]
fn coverage_lists_signals_on_request_and_explain_colours_when_asked() {
    let root = env!("CARGO_MANIFEST_DIR");
    let out = Command::cargo_bin("rinse")
        .unwrap()
        .current_dir(root)
        .args(["coverage", "--signals", "samples"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("model.body"), "{text}");
    let plain = Command::cargo_bin("rinse")
        .unwrap()
        .current_dir(root)
        .args(["coverage", "samples"])
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&plain.stdout).contains("signal.article-span"));

    let coloured = Command::cargo_bin("rinse")
        .unwrap()
        .current_dir(root)
        .args([
            "explain",
            "--color",
            "always",
            "samples/reuters-azerbaijan.txt",
        ])
        .output()
        .unwrap();
    assert!(
        coloured.stdout.contains(&0x1b),
        "ANSI escapes with --color always"
    );
}

#[test]
fn rules_test_warns_of_a_rule_off_the_fast_path_and_says_why() {
    let dir = rule_dir(concat!(
        "[[rule]]\nid = \"mine.slow\"\ndescription = \"d\"\naction = \"remove\"\n",
        "regex = '\\d+ comments?'\nexamples = [\"12 comments\"]\n",
        "[[rule]]\nid = \"mine.unicode\"\ndescription = \"d\"\naction = \"remove\"\n",
        "regex = '(?i)\\bcafé\\b'\nexamples = [\"Café\"]\n",
        "[[rule]]\nid = \"mine.fast\"\ndescription = \"d\"\naction = \"remove\"\n",
        "regex = '(?i)^breaking news|(?-u:\\b)cookie wall'\nexamples = [\"Breaking news\"]\n",
    ));
    let out = rules_test(dir.path());
    // A warning, not a failure.
    assert_eq!(out.status.code(), Some(0));
    let s = String::from_utf8_lossy(&out.stdout);
    let warns: Vec<&str> = s.lines().filter(|l| l.starts_with("warn ")).collect();
    assert_eq!(warns.len(), 2, "{s}");
    assert!(
        warns[0].contains("mine.slow") && warns[0].contains("not anchored"),
        "{s}"
    );
    assert!(
        warns[1].contains("mine.unicode") && warns[1].contains("Unicode word boundary"),
        "{s}"
    );
}

#[test]
fn no_builtin_rule_is_off_the_fast_path() {
    for rule in rinse::internals::rules::builtin_rules().unwrap() {
        let t = rinse::test_rule(&rule).unwrap();
        assert_eq!(t.slow_path, None, "{}", rule.id);
    }
}
