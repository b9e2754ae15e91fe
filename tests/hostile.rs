//! The README's promises under hostile use, through the real binary, one
//! section per class of promise: output paths, memory, exit codes and
//! messages, signals, and the smaller ones. Each test names the promise it
//! holds; each failed on the code before the fix it came with.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

mod common;

use common::{rinse, tmp, write};

/// A small article.
fn article(n: usize) -> String {
    format!(
        "Council approves budget number {n} after long debate\n\n\
         The city council approved budget number {n} on Tuesday, ending a debate that lasted weeks.\n\n\
         Follow us on our official WhatsApp channel for breaking news alerts!\n"
    )
}

/// A JSONL line holding `article(n)`.
fn jsonl_line(n: usize) -> String {
    format!(
        "{{\"id\":\"{n}\",\"text\":{}}}\n",
        serde_json::to_string(&article(n)).unwrap()
    )
}

fn samples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("samples")
}

fn code(out: &Output) -> i32 {
    out.status.code().unwrap_or(-1)
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The write end of a pipe whose read end is already closed: every write to
/// it fails with a broken pipe, whatever the timing.
fn closed_pipe() -> Stdio {
    let (reader, writer) = std::io::pipe().expect("pipe");
    drop(reader);
    Stdio::from(writer)
}

/// Waits for `child` at most `limit`; kills it and fails past that.
fn wait_within(mut child: std::process::Child, limit: Duration, what: &str) -> Output {
    let start = Instant::now();
    loop {
        if child.try_wait().expect("wait").is_some() {
            return child.wait_with_output().expect("output");
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what} did not finish within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

// ---------------------------------------------------------------------------
// 3. Exit codes and messages, in every subcommand
// ---------------------------------------------------------------------------

/// Every subcommand that prints, with arguments that make it print.
fn printing_commands(d: &Path) -> Vec<Vec<String>> {
    let sample = samples().join("reuters-azerbaijan.txt");
    let sample = sample.display().to_string();
    let jsonl = d.join("in.jsonl");
    write(&jsonl, (0..50).map(jsonl_line).collect::<String>());
    vec![
        vec!["rules".into(), "list".into()],
        vec!["rules".into(), "test".into()],
        vec!["coverage".into(), samples().display().to_string()],
        vec!["explain".into(), sample.clone()],
        vec!["fix".into(), sample.clone()],
        vec!["clean".into(), "-q".into(), sample],
        vec!["clean".into(), "-q".into(), jsonl.display().to_string()],
        vec!["--help".into()],
    ]
}

#[test]
fn a_closed_stdout_ends_every_subcommand_quietly() {
    let d = tmp();
    for args in printing_commands(d.path()) {
        let out = rinse().args(&args).stdout(closed_pipe()).output().unwrap();
        assert_eq!(code(&out), 0, "{args:?}: {}", stderr(&out));
        assert_eq!(stderr(&out), "", "{args:?} is not quiet");
    }
}

#[test]
fn a_full_stdout_is_exit_2_with_a_message_in_every_subcommand() {
    let d = tmp();
    for args in printing_commands(d.path()) {
        let full = fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let out = rinse().args(&args).stdout(full).output().unwrap();
        let err = stderr(&out);
        assert_eq!(code(&out), 2, "{args:?}: {err}");
        assert!(err.contains("No space left on device"), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
}

#[test]
fn a_closed_stderr_never_stops_a_run_and_output_does_not_depend_on_it() {
    let d = tmp();
    // Forty bad lines between good ones: each is reported on stderr.
    let mut lines = String::new();
    for i in 0..40 {
        lines += &jsonl_line(i);
        lines += "{\"id\":\"bad\",\"text\":1}\n";
    }
    write(&d.path().join("mixed.jsonl"), lines);
    let out_file = d.path().join("o.jsonl");
    let out = rinse()
        .arg("clean")
        .arg(d.path().join("mixed.jsonl"))
        .arg("-o")
        .arg(&out_file)
        .stderr(closed_pipe())
        .output()
        .unwrap();
    assert_eq!(code(&out), 1, "some documents failed, the rest are written");
    let written = fs::read_to_string(&out_file).expect("-o written");
    assert_eq!(written.lines().count(), 40);
}

#[test]
fn a_rule_set_too_large_for_one_automaton_does_not_panic() {
    // Four rules for short lines whose regexes are large together: the
    // automaton over every rule cannot be built, the one for long lines
    // (without them) can. A long line matching a rule used to panic
    // ("PatternSet should have sufficient capacity").
    let d = tmp();
    let mut toml = String::new();
    for i in 0..3 {
        toml += &format!(
            "[[rule]]\nid = \"x.long{i}\"\ndescription = \"d\"\naction = \"remove\"\n\
             regex = '^zzlong{i} foo'\nexamples = [\"zzlong{i} foo\"]\n"
        );
    }
    for i in 0..4 {
        toml += &format!(
            "[[rule]]\nid = \"x.big{i}\"\ndescription = \"d\"\naction = \"remove\"\n\
             regex = '^\\w{{1,100}} qq{i}'\nmax_words = 5\nexamples = [\"abc qq{i}\"]\n"
        );
    }
    write(&d.path().join("rules/x.toml"), toml);
    let long_line = "zzlong0 foo one two three four five six seven eight nine ten \
                     eleven twelve thirteen fourteen fifteen sixteen seventeen";
    write(
        &d.path().join("doc.txt"),
        format!("A title line\n\n{long_line}\n\nabc qq2\n\n{}", article(1)),
    );
    let out = rinse()
        .args(["clean", "-q"])
        .arg(d.path().join("doc.txt"))
        .arg("--rules")
        .arg(d.path().join("rules"))
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let rec: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rules: Vec<&str> = rec["removed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["rule"].as_str().unwrap())
        .collect();
    assert!(
        rules.contains(&"x.long0") && rules.contains(&"x.big2"),
        "{rules:?}"
    );
}

#[test]
fn absurd_thread_counts_are_capped_with_a_message() {
    let d = tmp();
    write(&d.path().join("a.txt"), article(1));
    let child = rinse()
        .args(["clean", "-j", "100000"])
        .arg(d.path().join("a.txt"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let out = wait_within(child, Duration::from_secs(30), "rinse -j 100000");
    let err = stderr(&out);
    assert_eq!(code(&out), 0, "{err}");
    assert!(err.contains("-j 100000 capped at"), "{err}");
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 1);
}
