//! ftfy 6.3's own test cases (tests/data/ftfy/, Apache-2.0, see NOTICE-ftfy) run
//! through rinse's repair. `fixed` is what ftfy's encoding repair gives; HTML
//! entity decoding is off here because ftfy's `fix_encoding` does not do it
//! (one case, `10Î&frac14;s`, must stay as it is).

use rinse::internals::repair::{RepairOptions, repair};

#[derive(serde::Deserialize)]
struct Case {
    label: String,
    original: String,
    fixed: String,
    expect: String,
    source_file: String,
}

fn cases() -> Vec<Case> {
    include_str!("data/ftfy/ftfy-cases.jsonl")
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("valid case"))
        .collect()
}

fn opts() -> RepairOptions {
    let mut o = RepairOptions::default();
    o.disabled.insert("repair.html-entities".into());
    // ftfy keeps trailing whitespace (one case ends in a no-break space).
    o.disabled.insert("repair.whitespace".into());
    // ftfy's encoding repair keeps no-break spaces and invisible characters;
    // rinse's clean normalises them (see `repair::RULES`).
    o.disabled.insert("repair.nbsp".into());
    o.disabled.insert("repair.invisible".into());
    // ftfy does not guess what U+FFFD stood for.
    o.guess = false;
    o
}

fn run(c: &Case) -> String {
    repair(&c.original, &opts()).text
}

#[test]
fn all_pass_cases_come_out_as_ftfy_fixes_them() {
    let cases = cases();
    assert_eq!(cases.len(), 161);
    let pass: Vec<&Case> = cases.iter().filter(|c| c.expect == "pass").collect();
    assert_eq!(pass.len(), 151);
    let wrong: Vec<String> = pass
        .iter()
        .filter(|c| run(c) != c.fixed)
        .map(|c| {
            format!(
                "{}: {:?} -> {:?}, want {:?}",
                c.label,
                c.original,
                run(c),
                c.fixed
            )
        })
        .collect();
    assert!(
        wrong.is_empty(),
        "{} of 151 wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

#[test]
fn negative_cases_are_left_as_ftfy_leaves_them() {
    let cases = cases();
    let neg: Vec<&Case> = cases
        .iter()
        .filter(|c| c.source_file.ends_with("negative.json"))
        .collect();
    assert_eq!(neg.len(), 31);
    for c in neg {
        assert_eq!(run(c), c.fixed, "{}", c.label);
    }
}

#[test]
fn known_failures_of_ftfy_are_counted() {
    let cases = cases();
    let fail: Vec<&Case> = cases.iter().filter(|c| c.expect == "fail").collect();
    assert_eq!(fail.len(), 10);
    let fixed = fail.iter().filter(|c| run(c) == c.fixed).count();
    println!(
        "ftfy's known failures that rinse fixes: {fixed} of {}",
        fail.len()
    );
    // A known failure must never be made worse than the input in length of damage:
    // rinse either fixes it or leaves the line with as many lines as it had.
    for c in fail {
        assert_eq!(
            run(c).lines().count(),
            c.original.lines().count(),
            "{}",
            c.label
        );
    }
}
