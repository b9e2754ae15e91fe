//! The `rinse clean` command, run through the real binary: inputs, outputs,
//! ordering, bad input and faults. Every test checks the invariant that
//! documents in = documents written + documents in the error report.

use std::fs;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

mod common;

use common::{rinse, summary_counts, temp_files, tmp, write};
use serde_json::Value;

/// A small article: a headline, two prose paragraphs and a promo line.
fn article(n: usize) -> String {
    format!(
        "Council approves budget number {n} after long debate\n\n\
         The city council approved budget number {n} on Tuesday, ending a debate that lasted weeks.\n\n\
         Members said the plan would fund schools, roads and parks for the coming year.\n\n\
         Follow us on our official WhatsApp channel for breaking news alerts!\n"
    )
}

fn records(jsonl: &[u8]) -> Vec<Value> {
    std::str::from_utf8(jsonl)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("bad JSON line {l:?}: {e}")))
        .collect()
}

fn ids(recs: &[Value]) -> Vec<String> {
    recs.iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect()
}

/// Runs rinse and returns (exit code, stdout, stderr).
fn run(cmd: &mut Command) -> (i32, Vec<u8>, String) {
    let out = cmd.output().expect("run rinse");
    (
        out.status.code().unwrap_or(-1),
        out.stdout,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn folder_is_walked_sorted_with_relative_ids_and_glob() {
    let d = tmp();
    let input = d.path().join("in");
    write(&input.join("b.txt"), article(2));
    write(&input.join("a/c.txt"), article(1));
    write(&input.join("notes.md"), "not matched by the default glob");
    let (code, out, err) = run(rinse().arg("clean").arg(&input));
    assert_eq!(code, 0, "{err}");
    let recs = records(&out);
    assert_eq!(ids(&recs), ["a/c.txt", "b.txt"]);
    assert_eq!(
        recs[0]["source"],
        input.join("a/c.txt").display().to_string()
    );
    assert_eq!(
        recs[0]["title"],
        "Council approves budget number 1 after long debate"
    );
    assert_eq!(recs[0]["removed"][0]["rule"], "promo.follow-channel");
    assert_eq!(summary_counts(&err), (2, 2, 0));

    let (_, out, _) = run(rinse().args(["clean", "--glob", "*.md"]).arg(&input));
    assert_eq!(ids(&records(&out)), ["notes.md"]);
}

#[test]
fn every_record_has_every_key_with_a_fixed_type() {
    let d = tmp();
    write(&d.path().join("empty.txt"), "");
    write(&d.path().join("full.txt"), article(1));
    let (code, out, err) = run(rinse().arg("clean").arg(d.path()));
    assert_eq!(code, 0, "{err}");
    let recs = records(&out);
    assert_eq!(recs.len(), 2, "an empty file gives an empty record");
    for rec in &recs {
        let obj = rec.as_object().unwrap();
        let keys: Vec<&str> = obj.keys().map(String::as_str).collect();
        assert_eq!(keys, rinse::internals::record::FIELDS);
        for k in ["id", "source", "title", "dateline", "text", "encoding"] {
            assert!(obj[k].is_string(), "{k} in {rec}");
        }
        for k in ["captions", "credits", "related", "removed", "fixes"] {
            assert!(obj[k].is_array(), "{k} in {rec}");
        }
    }
    assert_eq!(recs[0]["id"], "empty.txt");
    assert_eq!(recs[0]["text"], "");
}

#[test]
fn output_is_byte_identical_for_any_thread_count() {
    let d = tmp();
    for i in 0..60 {
        // Uneven sizes so that workers finish out of order.
        let body = article(i).repeat(1 + (i * 7) % 13);
        write(&d.path().join(format!("doc{i:03}.txt")), body);
    }
    let (c1, one, _) = run(rinse().args(["clean", "-q", "-j", "1"]).arg(d.path()));
    let (c2, two, _) = run(rinse().args(["clean", "-q", "-j", "2"]).arg(d.path()));
    let (c4, four, _) = run(rinse().args(["clean", "-q", "-j", "4"]).arg(d.path()));
    assert_eq!((c1, c2, c4), (0, 0, 0));
    assert_eq!(records(&one).len(), 60);
    assert!(
        one == two && two == four,
        "output differs between -j values"
    );
    let expected: Vec<String> = (0..60).map(|i| format!("doc{i:03}.txt")).collect();
    assert_eq!(ids(&records(&one)), expected);
}

#[test]
fn csv_has_header_and_json_list_cells() {
    let d = tmp();
    write(&d.path().join("in/x.txt"), article(1));
    let out = d.path().join("out.csv");
    let (code, _, err) = run(rinse()
        .arg("clean")
        .arg(d.path().join("in"))
        .arg("-o")
        .arg(&out));
    assert_eq!(code, 0, "{err}");
    let mut rdr = csv::Reader::from_path(&out).unwrap();
    let header: Vec<String> = rdr.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header, rinse::internals::record::FIELDS);
    let rows: Vec<csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 1);
    assert_eq!(&rows[0][0], "x.txt");
    let removed: Value = serde_json::from_str(&rows[0][8]).unwrap();
    assert_eq!(removed[0]["rule"], "promo.follow-channel");
    assert!(rows[0][4].contains("ending a debate that lasted weeks."));
}

#[test]
fn jsonl_input_keeps_other_fields_byte_for_byte_in_order() {
    let d = tmp();
    let text = serde_json::to_string(&article(7)).unwrap();
    let line = format!(
        r#"{{"id":"doc-7","added":"2024-01-01T00:00:00Z","text":{text},"metadata":{{"x":1.50,"u":"\u00e9","n":null}},"source":"cc"}}"#
    );
    write(&d.path().join("shard.jsonl"), format!("{line}\n"));
    let (code, out, err) = run(rinse().arg("clean").arg(d.path().join("shard.jsonl")));
    assert_eq!(code, 0, "{err}");
    let out = String::from_utf8(out).unwrap();
    assert!(
        out.contains(r#""metadata":{"x":1.50,"u":"\u00e9","n":null}"#),
        "metadata not kept byte for byte: {out}"
    );
    let rec: Value = serde_json::from_str(out.trim()).unwrap();
    let keys: Vec<&str> = rec
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(&keys[..5], ["id", "added", "text", "metadata", "source"]);
    assert_eq!(rec["id"], "doc-7");
    assert_eq!(rec["source"], "cc", "the input's own field wins");
    assert!(!rec["text"].as_str().unwrap().contains("WhatsApp"));
    assert_eq!(
        rec["title"],
        "Council approves budget number 7 after long debate"
    );
}

#[test]
fn text_and_id_keys_are_configurable() {
    let d = tmp();
    let text = serde_json::to_string(&article(3)).unwrap();
    write(
        &d.path().join("in.jsonl"),
        format!("{{\"doc_id\":\"k3\",\"content\":{text}}}\n"),
    );
    let (code, out, err) = run(rinse()
        .args(["clean", "--text-key", "content", "--id-key", "doc_id"])
        .arg(d.path().join("in.jsonl")));
    assert_eq!(code, 0, "{err}");
    let rec = &records(&out)[0];
    assert_eq!(rec["id"], "k3");
    assert!(
        rec["content"]
            .as_str()
            .unwrap()
            .starts_with("The city council")
    );
}

#[test]
fn malformed_jsonl_lines_go_to_the_error_report_and_the_rest_is_written() {
    let d = tmp();
    let good = |i: usize| {
        format!(
            "{{\"id\":\"g{i}\",\"text\":{}}}\n",
            serde_json::to_string(&article(i)).unwrap()
        )
    };
    let mut input = String::new();
    input += &good(1);
    input += "{not json\n";
    input += &good(2);
    input += "[1,2,3]\n";
    input += "{\"id\":\"nokey\",\"body\":\"x\"}\n";
    input += "{\"id\":\"num\",\"text\":42}\n";
    input += &good(3);
    write(&d.path().join("in.jsonl"), &input);
    let errors = d.path().join("errors.jsonl");
    let (code, out, err) = run(rinse()
        .arg("clean")
        .arg(d.path().join("in.jsonl"))
        .arg("--errors")
        .arg(&errors));
    assert_eq!(code, 1, "some documents failed: exit 1\n{err}");
    assert_eq!(ids(&records(&out)), ["g1", "g2", "g3"]);
    let reported = records(&fs::read(&errors).unwrap());
    let sources: Vec<&str> = reported
        .iter()
        .map(|r| r["source"].as_str().unwrap())
        .collect();
    let file = d.path().join("in.jsonl").display().to_string();
    assert_eq!(
        sources,
        [2, 4, 5, 6]
            .map(|n| format!("{file}:{n}"))
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>()
    );
    assert!(
        reported[0]["reason"]
            .as_str()
            .unwrap()
            .contains("invalid JSON")
    );
    assert!(
        reported[1]["reason"]
            .as_str()
            .unwrap()
            .contains("not a JSON object")
    );
    assert!(
        reported[2]["reason"]
            .as_str()
            .unwrap()
            .contains("no \"text\" field")
    );
    assert_eq!(reported[2]["id"], "nokey");
    assert!(
        reported[3]["reason"]
            .as_str()
            .unwrap()
            .contains("not a string")
    );
    assert!(err.contains(&format!("{file}:2: invalid JSON")), "{err}");
    assert_eq!(summary_counts(&err), (7, 3, 4));
}

#[test]
fn ten_thousand_line_jsonl_with_one_percent_bad_lines_loses_nothing() {
    let d = tmp();
    let mut input = String::new();
    let mut bad = Vec::new();
    for i in 1..=10_000 {
        if i % 100 == 37 {
            input += "{\"id\": broken\n";
            bad.push(i);
        } else {
            input +=
                &format!("{{\"id\":\"d{i}\",\"text\":\"Line {i} of the shard, a sentence.\"}}\n");
        }
    }
    write(&d.path().join("big.jsonl"), &input);
    let errors = d.path().join("errors.jsonl");
    let (code, out, err) = run(rinse()
        .args(["clean", "-q"])
        .arg(d.path().join("big.jsonl"))
        .arg("--errors")
        .arg(&errors)
        .arg("--stats")
        .arg(d.path().join("stats.json")));
    assert_eq!(code, 1, "{err}");
    assert_eq!(records(&out).len(), 9_900);
    let reported = records(&fs::read(&errors).unwrap());
    let lines: Vec<usize> = reported
        .iter()
        .map(|r| {
            r["source"]
                .as_str()
                .unwrap()
                .rsplit(':')
                .next()
                .unwrap()
                .parse()
                .unwrap()
        })
        .collect();
    assert_eq!(lines, bad);
    let stats: Value =
        serde_json::from_slice(&fs::read(d.path().join("stats.json")).unwrap()).unwrap();
    assert_eq!(stats["documents_in"], 10_000);
    assert_eq!(stats["documents_written"], 9_900);
    assert_eq!(stats["documents_failed"], 100);
}

#[test]
fn binary_and_unreadable_inputs_are_reported_and_the_run_goes_on() {
    let d = tmp();
    let input = d.path().join("in");
    write(&input.join("a.txt"), article(1));
    write(
        &input.join("b.txt"),
        b"\x7fELF\x02\x01\x01\x00\x00\x00\x00binary\x00\x00",
    );
    std::os::unix::fs::symlink(input.join("missing-target.txt"), input.join("c.txt")).unwrap();
    write(&input.join("d.txt"), article(4));
    let errors = d.path().join("errors.jsonl");
    let (code, out, err) = run(rinse()
        .arg("clean")
        .arg(&input)
        .arg("--errors")
        .arg(&errors));
    assert_eq!(code, 1, "{err}");
    assert_eq!(ids(&records(&out)), ["a.txt", "d.txt"]);
    let reported = records(&fs::read(&errors).unwrap());
    let text = format!("{reported:?}");
    assert_eq!(reported.len(), 2, "{text}");
    assert!(text.contains("binary file"), "{text}");
    assert!(text.contains("c.txt"), "{text}");
    assert!(err.contains("b.txt: binary file"), "{err}");
    assert_eq!(summary_counts(&err), (4, 2, 2));
}

#[test]
fn a_named_file_that_does_not_exist_is_an_error_not_a_crash() {
    let d = tmp();
    let (code, out, err) = run(rinse().arg("clean").arg(d.path().join("nope.txt")));
    assert_eq!(code, 1);
    assert!(out.is_empty());
    assert!(
        err.contains("nope.txt") && err.contains("No such file"),
        "{err}"
    );
    assert_eq!(summary_counts(&err), (1, 0, 1));
}

#[test]
fn documents_over_the_size_limit_are_reported_not_loaded() {
    let d = tmp();
    write(&d.path().join("in/big.txt"), "word ".repeat(10_000));
    write(&d.path().join("in/small.txt"), article(1));
    let long_line = format!("{{\"id\":\"long\",\"text\":\"{}\"}}\n", "x".repeat(50_000));
    write(
        &d.path().join("in/lines.jsonl"),
        format!("{long_line}{{\"id\":\"ok\",\"text\":\"fine\"}}\n"),
    );
    let (code, out, err) = run(rinse()
        .args(["clean", "--glob", "*", "--max-doc-bytes", "20000"])
        .arg(d.path().join("in")));
    assert_eq!(code, 1, "{err}");
    assert_eq!(ids(&records(&out)), ["ok", "small.txt"]);
    assert!(
        err.contains("big.txt: document is 50000 bytes, over the limit of 20000"),
        "{err}"
    );
    assert!(err.contains("lines.jsonl:1: document is"), "{err}");
}

#[test]
fn stdin_is_read_as_one_text_document() {
    let (code, out, err) = run(rinse()
        .args(["clean", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn_with_input(article(5).as_bytes()));
    assert_eq!(code, 0, "{err}");
    let recs = records(&out);
    assert_eq!(ids(&recs), ["-"]);
    assert_eq!(
        recs[0]["title"],
        "Council approves budget number 5 after long debate"
    );
}

/// Gives a command `input` on its stdin (through an anonymous temporary file).
trait SpawnWithInput {
    fn spawn_with_input(&mut self, input: &[u8]) -> &mut Self;
}

impl SpawnWithInput for Command {
    fn spawn_with_input(&mut self, input: &[u8]) -> &mut Self {
        use std::io::{Seek, SeekFrom};
        let mut f = tempfile::tempfile().unwrap();
        f.write_all(input).unwrap();
        f.seek(SeekFrom::Start(0)).unwrap();
        self.stdin(f);
        self
    }
}

#[test]
fn streaming_with_on_error_record_writes_one_line_per_input_line() {
    let input = "{\"id\":\"a\",\"text\":\"First document, a sentence.\"}\n\
                 {broken\n\
                 \n\
                 {\"id\":\"b\",\"text\":\"Second document, a sentence.\"}\n";
    let (code, out, err) = run(rinse()
        .args([
            "clean",
            "--input-format",
            "jsonl",
            "--on-error",
            "record",
            "-q",
            "-",
        ])
        .spawn_with_input(input.as_bytes()));
    assert_eq!(code, 0, "failures are in the output: exit 0\n{err}");
    let recs = records(&out);
    assert_eq!(recs.len(), 4, "one output line per input line");
    let errs: Vec<&str> = recs.iter().map(|r| r["error"].as_str().unwrap()).collect();
    assert_eq!(errs[0], "");
    assert!(errs[1].contains("invalid JSON"));
    assert_eq!(errs[2], "blank line");
    assert_eq!(errs[3], "");
    assert_eq!(recs[3]["id"], "b");
    // Error records have the same keys as the others.
    let keys = |r: &Value| {
        r.as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect::<std::collections::BTreeSet<_>>()
    };
    assert_eq!(keys(&recs[1]), keys(&recs[0]));
}

#[test]
fn on_error_fail_stops_and_leaves_no_output_file() {
    let d = tmp();
    write(
        &d.path().join("in.jsonl"),
        "{\"id\":\"a\",\"text\":\"ok\"}\n{bad\n{\"id\":\"c\",\"text\":\"ok\"}\n",
    );
    let out = d.path().join("out.jsonl");
    let (code, _, err) = run(rinse()
        .args(["clean", "--on-error", "fail"])
        .arg(d.path().join("in.jsonl"))
        .arg("-o")
        .arg(&out));
    assert_eq!(code, 1);
    assert!(
        err.contains("in.jsonl:2") && err.contains("--on-error fail"),
        "{err}"
    );
    assert!(!out.exists());
    assert!(temp_files(d.path()).is_empty());
}

#[test]
fn refuses_to_write_over_an_input() {
    let d = tmp();
    let input = d.path().join("a.txt");
    write(&input, article(1));
    let (code, _, err) = run(rinse().arg("clean").arg(&input).arg("-o").arg(&input));
    assert_eq!(code, 2);
    assert!(err.contains("refusing to write over an input"), "{err}");
    assert_eq!(fs::read_to_string(&input).unwrap(), article(1));
    // The same file by other names: another spelling of the path, a symbolic
    // link, a hard link; and the folder holding it as the input.
    fs::create_dir(d.path().join("sub")).unwrap();
    let mut others = vec![d.path().join("sub").join("..").join("a.txt")];
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(&input, d.path().join("sym.txt")).unwrap();
        fs::hard_link(&input, d.path().join("hard.txt")).unwrap();
        others.push(d.path().join("sym.txt"));
        others.push(d.path().join("hard.txt"));
    }
    for other in others {
        let (code, _, err) = run(rinse().arg("clean").arg(d.path()).arg("-o").arg(&other));
        assert_eq!(code, 2, "{}", other.display());
        assert!(err.contains("refusing to write over an input"), "{err}");
        assert_eq!(fs::read_to_string(&input).unwrap(), article(1));
    }
}

#[test]
fn output_file_appears_only_when_complete() {
    let d = tmp();
    write(&d.path().join("in/a.txt"), article(1));
    let out = d.path().join("out/cleaned.jsonl");
    fs::create_dir_all(out.parent().unwrap()).unwrap();
    let (code, _, err) = run(rinse()
        .arg("clean")
        .arg(d.path().join("in"))
        .arg("-o")
        .arg(&out));
    assert_eq!(code, 0, "{err}");
    assert_eq!(records(&fs::read(&out).unwrap()).len(), 1);
    assert!(temp_files(d.path()).is_empty());
    // A missing output folder is an output error: exit 2, nothing written.
    let bad = d.path().join("no/such/dir/out.jsonl");
    let (code, _, err) = run(rinse()
        .arg("clean")
        .arg(d.path().join("in"))
        .arg("-o")
        .arg(&bad));
    assert_eq!(code, 2);
    assert!(err.contains("no/such/dir/out.jsonl"), "{err}");
}

#[test]
fn a_full_disk_is_exit_2_with_no_output_under_the_final_name() {
    let d = tmp();
    for i in 0..20 {
        write(&d.path().join(format!("in/{i}.txt")), article(i).repeat(20));
    }
    let (code, _, err) = run(rinse()
        .arg("clean")
        .arg(d.path().join("in"))
        .args(["-o", "/dev/full"]));
    assert_eq!(code, 2);
    assert!(
        err.contains("/dev/full") && err.contains("No space left"),
        "{err}"
    );

    // A real file system that fills up: a 64 KiB tmpfs (needs root; skipped otherwise).
    let mnt = d.path().join("tiny");
    fs::create_dir_all(&mnt).unwrap();
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=64k", "tmpfs"])
        .arg(&mnt)
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !mounted {
        eprintln!("note: could not mount a tmpfs (not root?); checked /dev/full only");
        return;
    }
    let out = mnt.join("out.jsonl");
    let (code, _, err) = run(rinse()
        .arg("clean")
        .arg(d.path().join("in"))
        .arg("-o")
        .arg(&out));
    let files: Vec<_> = fs::read_dir(&mnt)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    let _ = Command::new("umount").arg(&mnt).status();
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("No space left"), "{err}");
    assert!(files.is_empty(), "left behind: {files:?}");
}

#[test]
fn output_dir_mirrors_paths_and_compression_and_resume_completes_a_run() {
    let d = tmp();
    let input = d.path().join("in");
    let line = |i: usize| {
        format!(
            "{{\"id\":\"{i}\",\"text\":{}}}\n",
            serde_json::to_string(&article(i)).unwrap()
        )
    };
    // Plain, gzip and zstd JSONL shards, and a text file, in subfolders.
    write(&input.join("a/one.jsonl"), line(1) + &line(2));
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all((line(3) + &line(4)).as_bytes()).unwrap();
    write(&input.join("b/two.jsonl.gz"), gz.finish().unwrap());
    write(
        &input.join("b/three.jsonl.zst"),
        zstd::encode_all(line(5).as_bytes(), 3).unwrap(),
    );
    write(&input.join("c/four.txt"), article(6));
    let out = d.path().join("out");
    let clean = |out: &Path, extra: &[&str]| {
        run(rinse()
            .args(["clean", "-q", "--glob", "*"])
            .args(extra)
            .arg(&input)
            .arg("--output-dir")
            .arg(out))
    };
    let (code, _, err) = clean(&out, &[]);
    assert_eq!(code, 0, "{err}");
    let one = fs::read(out.join("a/one.jsonl")).unwrap();
    assert_eq!(ids(&records(&one)), ["1", "2"]);
    let two = fs::read(out.join("b/two.jsonl.gz")).unwrap();
    let mut plain = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::MultiGzDecoder::new(&two[..]), &mut plain)
        .unwrap();
    assert_eq!(ids(&records(&plain)), ["3", "4"]);
    let three = zstd::decode_all(&fs::read(out.join("b/three.jsonl.zst")).unwrap()[..]).unwrap();
    assert_eq!(ids(&records(&three)), ["5"]);
    assert_eq!(
        ids(&records(&fs::read(out.join("c/four.jsonl")).unwrap())),
        ["c/four.txt"]
    );

    // An interrupted run leaves some outputs complete and others absent;
    // --resume does only the missing ones and the result is the same.
    let partial = d.path().join("partial");
    let (code, _, _) = clean(&partial, &[]);
    assert_eq!(code, 0);
    fs::remove_file(partial.join("b/two.jsonl.gz")).unwrap();
    fs::write(partial.join("a/one.jsonl"), "kept as is by --resume\n").unwrap();
    let (code, _, err) = run(rinse()
        .args(["clean", "--glob", "*", "--resume"])
        .arg(&input)
        .arg("--output-dir")
        .arg(&partial));
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("--resume skipped 3 inputs"), "{err}");
    assert_eq!(fs::read(partial.join("b/two.jsonl.gz")).unwrap(), two);
    assert_eq!(
        fs::read_to_string(partial.join("a/one.jsonl")).unwrap(),
        "kept as is by --resume\n"
    );
}

#[test]
fn files_from_shard_and_base() {
    let d = tmp();
    let mut list = String::new();
    for i in 0..7 {
        let p = d.path().join(format!("docs/{i}.txt"));
        write(&p, article(i));
        list += &format!("{}\n", p.display());
    }
    write(&d.path().join("list.txt"), &list);
    let mut seen = Vec::new();
    for shard in ["0/3", "1/3", "2/3"] {
        let (code, out, err) = run(rinse()
            .args(["clean", "-q", "--shard", shard, "--files-from"])
            .arg(d.path().join("list.txt"))
            .arg("--base")
            .arg(d.path()));
        assert_eq!(code, 0, "{err}");
        seen.extend(ids(&records(&out)));
    }
    seen.sort();
    let all: Vec<String> = (0..7).map(|i| format!("docs/{i}.txt")).collect();
    assert_eq!(seen, all, "shards are disjoint and cover every input");

    let (code, _, err) = run(rinse().args(["clean", "--shard", "3/3", "x"]));
    assert_eq!(code, 2);
    assert!(err.contains("I must be below N"), "{err}");
}

#[test]
fn usage_errors_exit_2_and_help_teaches() {
    let (code, _, err) = run(rinse().args(["clean", "--disable", "no.such-rule", "x"]));
    assert_eq!(code, 2);
    assert!(err.contains("no.such-rule"), "{err}");
    let (code, _, err) = run(rinse().args(["clean", "--format", "xml"]));
    assert_eq!(code, 2);
    assert!(err.contains("xml"), "{err}");
    let (code, out, _) = run(rinse().args(["clean", "--help"]));
    assert_eq!(code, 0);
    let help = String::from_utf8(out).unwrap();
    for flag in [
        "--output",
        "--format",
        "--errors",
        "--on-error",
        "--output-dir",
        "--shard",
    ] {
        assert!(help.contains(flag), "--help lacks {flag}");
    }
}

#[test]
fn sigint_leaves_no_output_under_the_final_name() {
    let d = tmp();
    let out = d.path().join("out.jsonl");
    let mut child = rinse()
        .args(["clean", "-q", "--input-format", "jsonl", "-", "-o"])
        .arg(&out)
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    for i in 0..50 {
        writeln!(
            stdin,
            "{{\"id\":\"{i}\",\"text\":\"A document that is being streamed.\"}}"
        )
        .unwrap();
    }
    stdin.flush().unwrap();
    // rinse installs its signal handler before it creates the temporary
    // output file; once that file exists, rinse is blocked reading stdin.
    let start = std::time::Instant::now();
    while temp_files(d.path()).is_empty() {
        assert!(
            start.elapsed().as_secs() < 60,
            "rinse never started writing"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let pid = child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-INT", &pid])
            .status()
            .unwrap()
            .success()
    );
    // Standard input stays open: the signal alone stops the run (closing it
    // here raced with the signal, and could end the run complete, exit 0).
    let status = child.wait_with_output().unwrap();
    drop(stdin);
    assert_eq!(
        status.status.code(),
        Some(130),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    assert!(!out.exists(), "no partial output under the final name");
    assert!(temp_files(d.path()).is_empty(), "temporary file removed");
}

#[test]
fn attributes_dir_marks_removed_lines_by_character_offsets() {
    let d = tmp();
    // A dolma document; "é" and "€" make byte and character offsets differ.
    let text = "Café prices rise by 5 € as council approves budget\n\n\
                The council approved the café budget on Tuesday, ending weeks of debate.\n\n\
                Follow us on our official WhatsApp channel for breaking news alerts!\n";
    let line = serde_json::json!({"id": "d1", "text": text, "source": "cc", "added": "2024-01-01"});
    write(&d.path().join("in/part/0.jsonl.gz"), {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        writeln!(gz, "{line}\n{{broken").unwrap();
        gz.finish().unwrap()
    });
    let (code, _, err) = run(rinse()
        .args(["clean", "-q"])
        .arg(d.path().join("in"))
        .args(["--glob", "*.jsonl.gz", "--output-dir"])
        .arg(d.path().join("out"))
        .arg("--attributes-dir")
        .arg(d.path().join("attrs")));
    assert_eq!(code, 1, "one broken line: {err}");
    let gz = fs::read(d.path().join("attrs/part/0.jsonl.gz")).unwrap();
    let mut plain = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::MultiGzDecoder::new(&gz[..]), &mut plain)
        .unwrap();
    let attrs = records(&plain);
    assert_eq!(
        attrs.len(),
        2,
        "one attribute line per input document, failed ones too"
    );
    assert_eq!(attrs[0]["id"], "d1");
    let spans = attrs[0]["attributes"]["rinse__boilerplate"]
        .as_array()
        .unwrap();
    assert_eq!(spans.len(), 1);
    let chars: Vec<char> = text.chars().collect();
    let (s, e) = (
        spans[0][0].as_u64().unwrap() as usize,
        spans[0][1].as_u64().unwrap() as usize,
    );
    let removed: String = chars[s..e].iter().collect();
    assert_eq!(
        removed,
        "Follow us on our official WhatsApp channel for breaking news alerts!"
    );
    let not_body = attrs[0]["attributes"]["rinse__not_body"]
        .as_array()
        .unwrap();
    assert!(
        not_body.len() >= 2,
        "title and promo are outside the body: {not_body:?}"
    );
    assert_eq!(
        attrs[1]["attributes"]["rinse__boilerplate"],
        serde_json::json!([])
    );

    // --attributes-dir alone writes attributes only: not with -o.
    let (code, _, err) =
        run(rinse().args(["clean", "--attributes-dir", "x", "y.jsonl", "-o", "z.jsonl"]));
    assert_eq!(code, 2);
    assert!(err.contains("attributes alone"), "{err}");
}

#[test]
fn input_format_format_and_no_guess_flags() {
    let d = tmp();
    // A .jsonl file read as one text document.
    write(&d.path().join("odd.jsonl"), "{\"text\":\"not parsed\"}\n");
    let (code, out, err) = run(rinse()
        .args(["clean", "-q", "--input-format", "text"])
        .arg(d.path().join("odd.jsonl")));
    assert_eq!(code, 0, "{err}");
    let recs = records(&out);
    assert_eq!(recs.len(), 1);
    assert_eq!(recs[0]["id"], "odd.jsonl");

    // --format csv to standard output.
    write(
        &d.path().join("a.txt"),
        "Title here for the test\n\nUS\u{FFFD}officials said the plan was approved on Monday.\n",
    );
    let (code, out, _) = run(rinse()
        .args(["clean", "-q", "--format", "csv"])
        .arg(d.path().join("a.txt")));
    assert_eq!(code, 0);
    let text = String::from_utf8(out).unwrap();
    assert!(text.starts_with("id,source,title,"), "{text}");
    assert!(text.contains("US officials said"), "{text}");

    // --no-guess leaves U+FFFD alone.
    let (_, out, _) = run(rinse()
        .args(["clean", "-q", "--no-guess"])
        .arg(d.path().join("a.txt")));
    let rec = &records(&out)[0];
    assert!(
        rec["text"]
            .as_str()
            .unwrap()
            .contains("US\u{FFFD}officials"),
        "{rec}"
    );
    assert_eq!(rec["fixes"], serde_json::json!([]));
}

#[test]
fn stats_count_every_removed_line_and_fix_by_rule() {
    // The per-rule counts are kept by the workers, apart from the records:
    // they must add up to what the records say, with two threads.
    let d = tmp();
    let out = d.path().join("out.jsonl");
    let stats = d.path().join("stats.json");
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
    let (code, _, err) = run(rinse()
        .args(["clean", "-q", "-j", "2", "--glob", "*.txt"])
        .arg(&samples)
        .arg("-o")
        .arg(&out)
        .arg("--stats")
        .arg(&stats));
    assert_eq!(code, 0, "{err}");
    let mut want: [std::collections::BTreeMap<String, u64>; 2] = Default::default();
    for rec in records(&fs::read(&out).unwrap()) {
        for (k, list) in ["removed", "fixes"].iter().enumerate() {
            for item in rec[*list].as_array().unwrap() {
                *want[k]
                    .entry(item["rule"].as_str().unwrap().to_string())
                    .or_default() += 1;
            }
        }
    }
    assert!(!want[0].is_empty() && !want[1].is_empty());
    let got: Value = serde_json::from_slice(&fs::read(&stats).unwrap()).unwrap();
    for (k, key) in ["removed_by_rule", "fixes_by_rule"].iter().enumerate() {
        let got: std::collections::BTreeMap<String, u64> =
            serde_json::from_value(got[*key].clone()).unwrap();
        assert_eq!(got, want[k], "{key}");
    }
}

#[test]
fn completions_and_man_page_come_from_the_command_line_definition() {
    for shell in ["bash", "zsh", "fish"] {
        let (code, out, err) = run(rinse().args(["completions", shell]));
        let out = String::from_utf8_lossy(&out);
        assert_eq!(code, 0, "{err}");
        // Every command and a flag of `clean` are offered.
        for word in ["clean", "schema", "explain", "--no-audit"] {
            assert!(out.contains(word), "{shell}: no {word}");
        }
    }
    let (code, _, _) = run(rinse().args(["completions", "tcsh"]));
    assert_eq!(code, 2);
    let (code, man, _) = run(rinse().arg("man"));
    let man = String::from_utf8_lossy(&man);
    assert_eq!(code, 0);
    assert!(man.contains(".TH rinse 1"), "{man}");
    assert!(man.contains("schema"), "{man}");
}

#[test]
fn a_run_that_finds_no_input_file_says_so_and_fails() {
    let d = tmp();
    // `.json` is not a default input kind (often one pretty-printed document).
    write(&d.path().join("a/x.json"), b"");
    let out = d.path().join("out.jsonl");
    let (code, _, err) = run(rinse().arg("clean").arg(d.path()).arg("-o").arg(&out));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("no input file found under"), "{err}");
    assert!(err.contains("--glob \"*.{txt,"), "{err}");
    assert!(!out.exists(), "nothing written");
    // The same folder with a glob that takes its file is a run.
    let (code, _, err) = run(rinse()
        .args(["clean", "-q", "--glob", "*.json"])
        .arg(d.path())
        .arg("-o")
        .arg(&out));
    assert_eq!(code, 0, "{err}");
}
