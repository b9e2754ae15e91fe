//! The shipped samples: `rinse clean samples/` must give each sample's expected
//! record (`samples/expected/<name>.json`), and the samples must fire every
//! built-in rule.
//!
//! `RINSE_BLESS=1 cargo test --test samples` rewrites the expected files from the
//! current output; review every rewritten file by eye before committing, as an
//! expected record is a claim about correct output.

use std::collections::BTreeSet;
use std::path::Path;

use assert_cmd::Command;
use rinse::Record;

fn run_samples() -> Vec<Record> {
    let out = Command::cargo_bin("rinse")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["clean", "samples", "--quiet", "-j", "1"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn every_sample_gives_its_expected_record() {
    let records = run_samples();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/expected");
    let bless = std::env::var_os("RINSE_BLESS").is_some();
    assert!(records.len() >= 11, "only {} samples", records.len());
    let mut failures = Vec::new();
    for rec in &records {
        let name = rec.id.trim_end_matches(".txt");
        let path = dir.join(format!("{name}.json"));
        // Pending samples' files are written by hand once, then kept.
        if bless {
            let mut json = serde_json::to_string_pretty(rec).unwrap();
            json.push('\n');
            std::fs::write(&path, json).unwrap();
            continue;
        }
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{}: {e} (RINSE_BLESS=1 writes it)", path.display()));
        let want: Record = serde_json::from_str(&text).unwrap();
        if *rec != want {
            failures.push(format!(
                "{name}: got\n{}\nwant\n{}",
                serde_json::to_string_pretty(rec).unwrap(),
                text
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn the_reuters_seed_keeps_its_specified_record() {
    let records = run_samples();
    let rec = records
        .iter()
        .find(|r| r.id == "reuters-azerbaijan.txt")
        .unwrap();
    assert_eq!(
        rec.title,
        "Azerbaijan's president pledges to help French territories secure independence"
    );
    assert_eq!(rec.dateline, "SHUSHA, Azerbaijan");
    assert_eq!(rec.captions.len(), 1);
    assert!(rec.captions[0].starts_with("FILE PHOTO:"));
    assert_eq!(
        rec.credits,
        ["Reporting by Nailia Bagirova, Editing by Ron Popeski and Sandra Maler"]
    );
    let paras: Vec<&str> = rec.text.split("\n\n").collect();
    assert_eq!(paras.len(), 11);
    assert!(paras[0].starts_with("SHUSHA, Azerbaijan (Reuters) - Azerbaijani President"));
    assert!(paras[10].ends_with("expelled two French diplomats last December."));
    assert_eq!(rec.related.len(), 10);
    assert!(rec.related.iter().all(|r| r.section == "Next In World"));
    assert!(rec.related[1].title.ends_with("US authorities say"));
    let removed: Vec<&str> = rec.removed.iter().map(|r| r.text.as_str()).collect();
    assert!(removed.iter().any(|t| t.contains("WhatsApp channel")));
    assert!(removed.contains(&"Others Also Read"));
    assert!(
        rec.fixes
            .iter()
            .any(|f| f.before == "US\u{FFFD}authorities" && f.after == "US authorities")
    );
}

#[test]
fn samples_fire_every_builtin_rule() {
    let out = Command::cargo_bin("rinse")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["coverage", "samples"])
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let ids: BTreeSet<String> = rinse::internals::rules::builtin_rules()
        .unwrap()
        .into_iter()
        .map(|r| r.id)
        .collect();
    let fired: BTreeSet<String> = stdout
        .lines()
        .skip(1)
        .filter_map(|l| {
            let mut f = l.split_whitespace();
            let id = f.next()?;
            let lines: u64 = f.next()?.parse().ok()?;
            (lines > 0).then(|| id.to_string())
        })
        .filter(|id| ids.contains(id))
        .collect();
    assert_eq!(fired, ids, "rules that never fired on samples/:\n{stdout}");
}
