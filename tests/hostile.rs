//! The README's promises under hostile use, through the real binary, one
//! section per class of promise: output paths, memory, exit codes and
//! messages, signals, and the smaller ones. Each test names the promise it
//! holds; each failed on the code before the fix it came with.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

mod common;

use common::{rinse, temp_files, tmp, write};

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
// 1. No output may destroy an input, a device, or another output
// ---------------------------------------------------------------------------

/// Runs `rinse clean -q ARGS` and returns its output.
fn clean(args: &[&std::ffi::OsStr]) -> Output {
    rinse().args(["clean", "-q"]).args(args).output().unwrap()
}

fn os(s: &(impl AsRef<std::ffi::OsStr> + ?Sized)) -> &std::ffi::OsStr {
    s.as_ref()
}

/// Makes a FIFO at `path`.
fn mkfifo(path: &Path) {
    let made = Command::new("mkfifo").arg(path).status().unwrap().success();
    assert!(made, "mkfifo {}", path.display());
}

#[test]
fn no_output_flag_writes_over_an_input_by_any_name() {
    let d = tmp();
    let input = d.path().join("a.txt");
    write(&input, article(1));
    fs::create_dir(d.path().join("sub")).unwrap();
    std::os::unix::fs::symlink(&input, d.path().join("sym.txt")).unwrap();
    fs::hard_link(&input, d.path().join("hard.txt")).unwrap();
    let names = [
        input.clone(),
        d.path().join("sub/../a.txt"),
        d.path().join("sym.txt"),
        d.path().join("hard.txt"),
    ];
    let out = d.path().join("out.jsonl");
    for flag in ["--errors", "--stats"] {
        for name in &names {
            let run = clean(&[os(&input), os("-o"), os(&out), os(flag), os(name)]);
            let err = stderr(&run);
            assert_eq!(code(&run), 2, "{flag} {}: {err}", name.display());
            assert!(err.contains("refusing to write over an input"), "{err}");
            assert_eq!(fs::read_to_string(&input).unwrap(), article(1));
            assert!(!out.exists(), "nothing is written before the check");
        }
    }
}

#[test]
fn stdin_and_the_path_list_are_inputs_too() {
    let d = tmp();
    let input = d.path().join("a.txt");
    write(&input, article(1));
    // `rinse clean - -o a.txt < a.txt`
    let run = rinse()
        .args(["clean", "-q", "-", "-o"])
        .arg(&input)
        .stdin(fs::File::open(&input).unwrap())
        .output()
        .unwrap();
    assert_eq!(code(&run), 2, "{}", stderr(&run));
    assert!(stderr(&run).contains("standard input"), "{}", stderr(&run));
    assert_eq!(fs::read_to_string(&input).unwrap(), article(1));
    // `rinse clean a.txt >> a.txt`: standard output is the input.
    let appended = fs::OpenOptions::new().append(true).open(&input).unwrap();
    let run = rinse()
        .args(["clean", "-q"])
        .arg(&input)
        .stdout(appended)
        .output()
        .unwrap();
    assert_eq!(code(&run), 2, "{}", stderr(&run));
    assert_eq!(fs::read_to_string(&input).unwrap(), article(1));
    // `--files-from l.txt -o l.txt`
    let list = d.path().join("l.txt");
    write(&list, format!("{}\n", input.display()));
    let run = clean(&[os("--files-from"), os(&list), os("-o"), os(&list)]);
    assert_eq!(code(&run), 2, "{}", stderr(&run));
    assert_eq!(
        fs::read_to_string(&list).unwrap(),
        format!("{}\n", input.display())
    );
    // A rule file read with --rules.
    let rules = d.path().join("rules");
    let rule = "[[rule]]\nid = \"x.y\"\ndescription = \"d\"\naction = \"remove\"\n\
                equals = [\"zz\"]\nexamples = [\"zz\"]\n";
    write(&rules.join("x.toml"), rule);
    let run = clean(&[
        os(&input),
        os("--rules"),
        os(&rules),
        os("--stats"),
        os(&rules.join("x.toml")),
    ]);
    assert_eq!(code(&run), 2, "{}", stderr(&run));
    assert_eq!(fs::read_to_string(rules.join("x.toml")).unwrap(), rule);
}

#[test]
fn attributes_and_output_dirs_never_write_over_an_input() {
    let d = tmp();
    let input = d.path().join("in");
    write(&input.join("x.txt"), article(1));
    write(&input.join("y.txt"), article(2));
    let run = clean(&[
        os(&input),
        os("--output-dir"),
        os(&d.path().join("out")),
        os("--attributes-dir"),
        os(&input),
    ]);
    assert_eq!(code(&run), 2, "{}", stderr(&run));
    assert_eq!(fs::read_to_string(input.join("x.txt")).unwrap(), article(1));
    assert!(!d.path().join("out").exists());
}

#[test]
fn two_outputs_are_never_one_file() {
    let d = tmp();
    let input = d.path().join("a.txt");
    write(&input, article(1));
    let s = d.path().join("s.jsonl");
    let other = d.path().join("sub/../s.jsonl");
    fs::create_dir(d.path().join("sub")).unwrap();
    for (a, b) in [
        ("-o", "--errors"),
        ("-o", "--stats"),
        ("--errors", "--stats"),
    ] {
        for second in [&s, &other] {
            let run = clean(&[os(&input), os(a), os(&s), os(b), os(second)]);
            let err = stderr(&run);
            assert_eq!(code(&run), 2, "{a} {b}: {err}");
            assert!(err.contains("are one file"), "{err}");
            assert!(!s.exists());
        }
    }
    // Two inputs mapped to one output under --output-dir.
    write(&d.path().join("d1/a.txt"), article(1));
    write(&d.path().join("d2/a.txt"), article(2));
    let out = d.path().join("out");
    let run = clean(&[
        os(&d.path().join("d1/a.txt")),
        os(&d.path().join("d2/a.txt")),
        os("--output-dir"),
        os(&out),
    ]);
    let err = stderr(&run);
    assert_eq!(code(&run), 2, "{err}");
    assert!(
        err.contains("d1/a.txt") && err.contains("d2/a.txt") && err.contains("one file"),
        "{err}"
    );
    assert!(!out.exists(), "nothing written");
}

#[test]
fn special_files_are_written_in_place_never_renamed_over() {
    let d = tmp();
    let input = d.path().join("mixed.jsonl");
    write(&input, jsonl_line(1) + "{\"id\":\"bad\",\"text\":1}\n");
    // A FIFO as --errors, -o and --stats: each read by a thread here.
    for flag in ["--errors", "-o", "--stats"] {
        let fifo = d.path().join(format!("fifo{flag}"));
        mkfifo(&fifo);
        let (send, got) = std::sync::mpsc::channel();
        let reader = fifo.clone();
        std::thread::spawn(move || {
            let _ = send.send(fs::read(&reader));
        });
        let mut args = vec![os(&input), os(flag), os(&fifo)];
        let out = d.path().join("o.jsonl");
        if flag != "-o" {
            args.extend([os("-o"), os(&out)]);
        }
        let run = clean(&args);
        assert_eq!(code(&run), 1, "{flag}: {}", stderr(&run));
        let meta = fs::symlink_metadata(&fifo).unwrap();
        use std::os::unix::fs::FileTypeExt;
        assert!(meta.file_type().is_fifo(), "{flag}: the FIFO was replaced");
        let bytes = got
            .recv_timeout(Duration::from_secs(10))
            .expect("the FIFO was written")
            .unwrap();
        let text = String::from_utf8(bytes).unwrap();
        let want = match flag {
            "--errors" => "not a string",
            "-o" => "\"id\":\"1\"",
            _ => "documents_in",
        };
        assert!(text.contains(want), "{flag}: {text}");
    }
    // /proc/self/fd/1 as the error report: standard output, in place.
    let out = d.path().join("o.jsonl");
    let run = clean(&[
        os(&input),
        os("-o"),
        os(&out),
        os("--errors"),
        os("/proc/self/fd/1"),
    ]);
    assert_eq!(code(&run), 1, "{}", stderr(&run));
    assert!(
        String::from_utf8_lossy(&run.stdout).contains("not a string"),
        "{}",
        stderr(&run)
    );
    assert!(temp_files(d.path()).is_empty());
}

#[test]
fn output_dir_paths_never_escape_their_folder() {
    let d = tmp();
    write(&d.path().join("other/v.txt"), article(1));
    fs::create_dir(d.path().join("base")).unwrap();
    let out = d.path().join("out");
    let run = clean(&[
        os(&d.path().join("base/../other/v.txt")),
        os("--base"),
        os(&d.path().join("base")),
        os("--output-dir"),
        os(&out),
    ]);
    assert_eq!(code(&run), 0, "{}", stderr(&run));
    assert!(
        !d.path().join("other/v.jsonl").exists(),
        "written outside out/"
    );
    let written: Vec<PathBuf> = walkdir::WalkDir::new(d.path())
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().ends_with(".jsonl"))
        .map(|e| e.path().to_path_buf())
        .collect();
    assert_eq!(written, [out.join("v.jsonl")]);
}

#[test]
fn a_run_never_reads_its_own_outputs() {
    let d = tmp();
    let input = d.path().join("in");
    write(&input.join("x.txt"), article(1));
    let out = input.join("out");
    for extra in [&[][..], &["--resume"][..], &[][..]] {
        let run = rinse()
            .args(["clean", "--glob", "*"])
            .args(extra)
            .arg(&input)
            .arg("--output-dir")
            .arg(&out)
            .output()
            .unwrap();
        assert_eq!(code(&run), 0, "{extra:?}: {}", stderr(&run));
        let docs = common::summary_counts(&stderr(&run)).0;
        let want = if extra.is_empty() { 1 } else { 0 };
        assert_eq!(docs, want, "{extra:?}: {}", stderr(&run));
        assert!(!out.join("out").exists(), "its outputs were read as inputs");
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

// ---------------------------------------------------------------------------
// 4. Signals at any moment
// ---------------------------------------------------------------------------

fn signal(child: &std::process::Child, sig: &str) {
    let ok = Command::new("kill")
        .arg(format!("-{sig}"))
        .arg(child.id().to_string())
        .status()
        .unwrap()
        .success();
    assert!(ok, "kill -{sig}");
}

/// Waits until `dir` holds a rinse temporary file: the run has installed its
/// signal handler and opened its output.
fn wait_for_temp_file(dir: &Path) {
    let start = Instant::now();
    while temp_files(dir).is_empty() {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "no temporary file"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn sigterm_stops_a_run_blocked_on_stdin_or_reading_dev_zero_at_once() {
    for input in ["-", "/dev/zero"] {
        let d = tmp();
        let out = d.path().join("x.jsonl");
        let errors = d.path().join("e.jsonl");
        let mut child = rinse()
            .args(["clean", "-q", "--input-format", "jsonl", input, "-o"])
            .arg(&out)
            .arg("--errors")
            .arg(&errors)
            .stdin(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Standard input stays open and silent, like `sleep 100 | rinse …`.
        let stdin = child.stdin.take();
        wait_for_temp_file(d.path());
        signal(&child, "TERM");
        let run = wait_within(child, Duration::from_secs(5), input);
        drop(stdin);
        let err = stderr(&run);
        assert_eq!(code(&run), 130, "{input}: {err}");
        assert!(err.contains("interrupted after"), "{err}");
        assert!(!out.exists() && !errors.exists(), "{input}");
        assert!(temp_files(d.path()).is_empty(), "{input}");
    }
}

#[test]
fn a_second_signal_ends_at_once_and_leaves_no_temporary_file() {
    let d = tmp();
    // A document that takes a while to clean, and one after it.
    let big = d.path().join("in/0.txt");
    write(&big, article(0).repeat(40_000));
    write(&d.path().join("in/1.txt"), article(1));
    let out = d.path().join("out.jsonl");
    let errors = d.path().join("e.jsonl");
    let child = rinse()
        .args(["clean", "-q", "-j", "1"])
        .arg(d.path().join("in"))
        .arg("-o")
        .arg(&out)
        .arg("--errors")
        .arg(&errors)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_for_temp_file(d.path());
    signal(&child, "INT");
    signal(&child, "INT");
    let run = wait_within(child, Duration::from_secs(60), "rinse");
    assert_eq!(code(&run), 130, "{}", stderr(&run));
    assert!(!out.exists() && !errors.exists());
    assert!(
        temp_files(d.path()).is_empty(),
        "{:?}",
        temp_files(d.path())
    );
}

#[test]
fn sigterm_during_the_repeated_lines_pass_exits_130_with_a_message() {
    let d = tmp();
    let input = d.path().join("in");
    write(&input.join("a.txt"), article(1));
    let fifo = input.join("b.txt");
    mkfifo(&fifo);
    let out = d.path().join("out.jsonl");
    // A FIFO named directly is read (a folder walk takes regular files only).
    let child = rinse()
        .args(["clean", "-q", "--repeated-lines", "2"])
        .arg(input.join("a.txt"))
        .arg(&fifo)
        .arg("-o")
        .arg(&out)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Opening the FIFO for writing waits until the first pass opens it.
    let writer = fs::OpenOptions::new().write(true).open(&fifo).unwrap();
    signal(&child, "TERM");
    let run = wait_within(child, Duration::from_secs(5), "rinse --repeated-lines");
    drop(writer);
    let err = stderr(&run);
    assert_eq!(code(&run), 130, "{err}");
    assert!(err.contains("interrupted"), "{err}");
    assert!(!out.exists());
    assert!(temp_files(d.path()).is_empty());
}

#[test]
fn resume_removes_the_temporary_files_of_a_killed_run() {
    let d = tmp();
    let input = d.path().join("in");
    write(&input.join("a.txt"), article(1));
    // A FIFO without a writer: the run opens its output, then waits on it.
    let fifo = input.join("b.txt");
    mkfifo(&fifo);
    let out = d.path().join("out");
    let mut child = rinse()
        .args(["clean", "-q", "-j", "1"])
        .arg(input.join("a.txt"))
        .arg(&fifo)
        .arg("--output-dir")
        .arg(&out)
        .spawn()
        .unwrap();
    let start = Instant::now();
    while temp_files(&out)
        .iter()
        .all(|p| !p.to_string_lossy().contains(".b.jsonl."))
    {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "no temporary file"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(
        temp_files(&out).len(),
        1,
        "the killed run left its temporary file"
    );
    // A temporary file that a live process holds locked is not stale.
    let live = out.join(".c.jsonl.AbC123.rinse-tmp");
    fs::write(&live, "").unwrap();
    let held = fs::File::open(&live).unwrap();
    held.lock().unwrap();
    fs::remove_file(&fifo).unwrap();
    write(&fifo, article(2));
    let run = rinse()
        .args(["clean", "--resume"])
        .arg(input.join("a.txt"))
        .arg(&fifo)
        .arg("--output-dir")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(code(&run), 0, "{}", stderr(&run));
    assert_eq!(temp_files(&out), [live], "{}", stderr(&run));
    assert!(out.join("b.jsonl").exists());
    drop(held);
}

// ---------------------------------------------------------------------------
// 2. Memory is bounded by bytes (peak RSS: tests/memory.rs)
// ---------------------------------------------------------------------------

#[test]
fn a_document_of_many_short_lines_is_reported_with_its_line_count() {
    // 101 lines at 64 bytes a line are over a 6,400-byte limit, though the
    // document is 101 bytes; 99 lines are within it.
    let d = tmp();
    let many = d.path().join("many.txt");
    write(&many, "\n".repeat(100));
    let few = d.path().join("few.txt");
    write(&few, "\n".repeat(98));
    let run = rinse()
        .args(["clean", "--max-doc-bytes", "6400"])
        .arg(&many)
        .arg(&few)
        .output()
        .unwrap();
    let err = stderr(&run);
    assert_eq!(code(&run), 1, "{err}");
    assert!(
        err.contains("many.txt: document has 101 lines, over the limit of 6400 bytes"),
        "{err}"
    );
    assert_eq!(common::summary_counts(&err), (2, 1, 1));
}

// ---------------------------------------------------------------------------
// 5. Smaller promises
// ---------------------------------------------------------------------------

/// The records of a JSONL output.
fn records(out: &[u8]) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l}: {e}")))
        .collect()
}

#[test]
fn a_jsonl_file_starting_with_a_bom_keeps_its_first_document() {
    let d = tmp();
    let f = d.path().join("bom.jsonl");
    let mut bytes = b"\xef\xbb\xbf".to_vec();
    bytes.extend_from_slice((jsonl_line(1) + &jsonl_line(2)).as_bytes());
    write(&f, bytes);
    let run = rinse().args(["clean", "-q"]).arg(&f).output().unwrap();
    assert_eq!(code(&run), 0, "{}", stderr(&run));
    let ids: Vec<String> = records(&run.stdout)
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids, ["1", "2"]);
}

#[test]
fn ids_and_sources_are_always_strings() {
    let d = tmp();
    let f = d.path().join("ids.jsonl");
    let text = serde_json::to_string(&article(1)).unwrap();
    let lines = [
        format!("{{\"id\":5,\"text\":{text}}}"),
        format!("{{\"id\":null,\"text\":{text}}}"),
        format!("{{\"id\":{{\"a\": 1}},\"source\":7,\"text\":{text}}}"),
        format!("{{\"id\":true,\"source\":null,\"text\":{text}}}"),
        format!("{{\"text\":{text},\"id\":\"kept\"}}"),
    ];
    write(&f, lines.join("\n") + "\n");
    let run = rinse().args(["clean", "-q"]).arg(&f).output().unwrap();
    assert_eq!(code(&run), 0, "{}", stderr(&run));
    let recs = records(&run.stdout);
    let got: Vec<(&str, &str)> = recs
        .iter()
        .map(|r| (r["id"].as_str().unwrap(), r["source"].as_str().unwrap()))
        .collect();
    let src = |n: usize| format!("{}:{n}", f.display());
    assert_eq!(
        got,
        [
            ("5", src(1).as_str()),
            (src(2).as_str(), src(2).as_str()),
            ("{\"a\": 1}", "7"),
            ("true", src(4).as_str()),
            ("kept", src(5).as_str()),
        ]
    );
    // With another id key, the record's own id is its value as a string.
    write(
        &d.path().join("n.jsonl"),
        format!("{{\"n\":42,\"text\":{text}}}\n"),
    );
    let run = rinse()
        .args(["clean", "-q", "--id-key", "n"])
        .arg(d.path().join("n.jsonl"))
        .output()
        .unwrap();
    assert_eq!(records(&run.stdout)[0]["id"], "42");
}

#[test]
fn a_lone_surrogate_is_reported_as_what_it_is() {
    let d = tmp();
    let f = d.path().join("s.jsonl");
    write(
        &f,
        "{\"id\":\"a\",\"text\":\"fine \\ud83d\\ude00 then \\udc00 here\"}\n{\"id\":\"b\",\"text\":7}\n",
    );
    let run = rinse().args(["clean", "-q"]).arg(&f).output().unwrap();
    let err = stderr(&run);
    assert_eq!(code(&run), 1, "{err}");
    assert!(
        err.contains("s.jsonl:1: field \"text\" holds a lone surrogate escape (\\udc00"),
        "{err}"
    );
    assert!(
        err.contains("s.jsonl:2: field \"text\" is not a string"),
        "{err}"
    );
}

#[test]
fn an_interrupted_run_says_how_many_documents_it_did() {
    // 1,100 files, then a FIFO that nobody writes: the first batch (1,024
    // documents) is written while the run waits on the FIFO.
    let d = tmp();
    let input = d.path().join("in");
    for i in 0..1100 {
        write(&input.join(format!("{i:04}.txt")), article(i).repeat(6));
    }
    let fifo = input.join("9999.fifo");
    mkfifo(&fifo);
    let out = d.path().join("out.jsonl");
    let child = rinse()
        .args(["clean", "-q", "-j", "2"])
        .arg(&input)
        .arg(&fifo)
        .arg("-o")
        .arg(&out)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The run opens the FIFO with the second batch, and the first batch's
    // records reach its temporary file (past its 1 MiB buffer).
    let writer = fs::OpenOptions::new().write(true).open(&fifo).unwrap();
    let start = Instant::now();
    while !temp_files(d.path())
        .iter()
        .any(|p| fs::metadata(p).is_ok_and(|m| m.len() >= 1 << 20))
    {
        assert!(start.elapsed() < Duration::from_secs(60), "nothing written");
        std::thread::sleep(Duration::from_millis(10));
    }
    signal(&child, "TERM");
    let run = wait_within(child, Duration::from_secs(10), "rinse");
    drop(writer);
    let err = stderr(&run);
    assert_eq!(code(&run), 130, "{err}");
    assert!(err.contains("interrupted after 1024 documents"), "{err}");
    assert!(!out.exists());
}

#[test]
fn rules_list_shows_files_and_rules_test_adds_dir_to_the_built_in_rules() {
    let d = tmp();
    let dir = d.path().join("mine");
    write(
        &dir.join("mine.toml"),
        "[[rule]]\nid = \"mine.zz\"\ndescription = \"d\"\naction = \"remove\"\n\
         equals = [\"zz subscribe\"]\nexamples = [\"zz subscribe\"]\n\n\
         [[rule]]\nid = \"promo.follow-channel\"\ndescription = \"mine\"\naction = \"remove\"\n\
         equals = [\"follow me\"]\nexamples = [\"follow me\"]\n",
    );
    let list = rinse()
        .args(["rules", "list", "--rules"])
        .arg(&dir)
        .output()
        .unwrap();
    let list = String::from_utf8(list.stdout).unwrap();
    let line = |id: &str| {
        list.lines()
            .find(|l| l.starts_with(&format!("{id} ")))
            .unwrap_or_else(|| panic!("{id} not listed"))
            .to_string()
    };
    assert!(line("share.bar").contains("<builtin>/share.toml"), "{list}");
    assert!(line("mine.zz").contains("mine.toml"), "{list}");
    assert!(line("promo.follow-channel").contains("mine.toml"), "{list}");
    let builtin = rinse().args(["rules", "test"]).output().unwrap();
    let builtin = String::from_utf8(builtin.stdout).unwrap();
    let n = |report: &str| -> usize {
        let last = report
            .lines()
            .rev()
            .find(|l| l.contains(" rules, "))
            .unwrap();
        last.split(' ').next().unwrap().parse().unwrap()
    };
    let test = rinse().args(["rules", "test"]).arg(&dir).output().unwrap();
    assert_eq!(code(&test), 0);
    let test = String::from_utf8(test.stdout).unwrap();
    // Built-in plus the folder's: one new rule, one that replaces its own.
    assert_eq!(n(&test), n(&builtin) + 1, "{test}");
    assert!(test.contains("share.bar"), "{test}");
    let follow = test
        .lines()
        .find(|l| l.contains("promo.follow-channel"))
        .unwrap();
    assert!(
        follow.contains("validated 1/1") && follow.contains("mine.toml"),
        "{follow}"
    );
}
