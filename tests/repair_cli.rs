//! `rinse fix` and `--explain` through the real binary, and repair inside `rinse clean`.

use assert_cmd::Command;

fn rinse() -> Command {
    Command::cargo_bin("rinse").unwrap()
}

#[test]
fn fix_prints_the_repaired_text() {
    rinse()
        .args(["fix", "-"])
        .write_stdin("The Mona Lisa doesnÃ¢â‚¬â„¢t have eyebrows.\nclean line\n")
        .assert()
        .success()
        .stdout("The Mona Lisa doesn’t have eyebrows.\nclean line\n")
        .stderr("");
}

#[test]
fn explain_lists_each_repair_as_jsonl_on_stderr() {
    let out = rinse()
        .args(["fix", "--explain"])
        .write_stdin("ok\ncafÃ© and don\u{FFFD}t\n")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "ok\ncafé and don’t\n"
    );
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stderr)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["rule"], "repair.mojibake");
    assert_eq!(lines[0]["line"], 2);
    assert_eq!(lines[0]["before"], "cafÃ©");
    assert_eq!(lines[0]["after"], "café");
    assert_eq!(lines[1]["rule"], "repair.fffd-apostrophe");
}

#[test]
fn fix_reads_legacy_encodings_from_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cp1251.txt");
    let text = "Президент России заявил в среду, что правительство подготовит новый бюджет до конца года.\n";
    let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode(text);
    std::fs::write(&path, &bytes).unwrap();
    rinse()
        .arg("fix")
        .arg(&path)
        .assert()
        .success()
        .stdout(text.to_string());
}

#[test]
fn no_guess_and_disable() {
    rinse()
        .args([
            "fix",
            "--no-guess",
            "--disable",
            "repair.mojibake",
            "--disable",
            "repair.mojibake-inline",
        ])
        .write_stdin("don\u{FFFD}t cafÃ©\n")
        .assert()
        .success()
        .stdout("don\u{FFFD}t cafÃ©\n");
    rinse()
        .args(["fix", "--disable", "repair.nope"])
        .write_stdin("x")
        .assert()
        .code(2);
}

#[test]
fn clean_reports_repairs_in_fixes_and_accepts_repair_ids() {
    let input = "A headline about the city\n\nThe council voted on Tuesday to approve the budget for cafÃ©s in the old town, ending months of debate.\n";
    let out = rinse()
        .args(["clean", "-q", "-"])
        .write_stdin(input)
        .output()
        .unwrap();
    assert!(out.status.success());
    let rec: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(rec["text"].as_str().unwrap().contains("cafés"));
    assert_eq!(rec["fixes"][0]["rule"], "repair.mojibake");

    let out = rinse()
        .args([
            "clean",
            "-q",
            "--disable",
            "repair.mojibake",
            "--disable",
            "repair.mojibake-inline",
            "-",
        ])
        .write_stdin(input)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rec: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(rec["text"].as_str().unwrap().contains("cafÃ©s"));
    assert_eq!(rec["fixes"].as_array().unwrap().len(), 0);

    rinse()
        .args(["clean", "-q", "--disable", "no.such.rule", "-"])
        .write_stdin(input)
        .assert()
        .code(2);
}

/// `--tld` reaches the encoding guess: the same windows-1253 bytes read as
/// Greek by default and for `.gr`, as Cyrillic when the page says `.ru`.
#[test]
fn fix_passes_the_tld_hint_to_the_encoding_guess() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("greek.txt");
    // "Καλημέρα κόσμε" in windows-1253.
    std::fs::write(
        &path,
        b"\xca\xe1\xeb\xe7\xec\xdd\xf1\xe1 \xea\xfc\xf3\xec\xe5\n",
    )
    .unwrap();
    let fix = |tld: Option<&str>| {
        let mut c = assert_cmd::Command::cargo_bin("rinse").unwrap();
        c.arg("fix").arg(&path);
        if let Some(t) = tld {
            c.args(["--tld", t]);
        }
        String::from_utf8(c.output().unwrap().stdout).unwrap()
    };
    assert_eq!(fix(None), "Καλημέρα κόσμε\n");
    assert_eq!(fix(Some("gr")), "Καλημέρα κόσμε\n");
    assert_ne!(fix(Some("ru")), "Καλημέρα κόσμε\n");
}
