//! `--repeated-lines N`: a line seen in N documents is removed as
//! `corpus.repeated-line` outside the article span.

use assert_cmd::Command;

const PROSE: &str = "The council voted on Tuesday to expand the city's tram network, a plan that will cost more than two hundred million euros over ten years.";

#[test]
fn a_line_repeated_across_documents_is_removed_only_with_the_flag() {
    let dir = tempfile::tempdir().unwrap();
    for (i, town) in ["Lyon", "Leeds", "Lund"].iter().enumerate() {
        std::fs::write(
            dir.path().join(format!("d{i}.txt")),
            format!("Trams for {town} approved\n{town}: {PROSE}\nIn {town}, {PROSE}\nThe Evening Gazette weekly puzzle corner\n"),
        )
        .unwrap();
    }
    let run = |extra: &[&str]| {
        let out = Command::cargo_bin("rinse")
            .unwrap()
            .args(["clean", "-q"])
            .arg(dir.path())
            .args(extra)
            .output()
            .unwrap();
        assert!(out.status.success());
        String::from_utf8(out.stdout).unwrap()
    };
    assert!(!run(&[]).contains("corpus.repeated-line"));
    let with = run(&["--repeated-lines", "3"]);
    assert_eq!(with.matches("corpus.repeated-line").count(), 3, "{with}");
    assert!(
        with.contains("Leeds: The council"),
        "the body stays: {with}"
    );
}

#[test]
fn every_document_of_a_long_jsonl_file_is_counted() {
    // 600 documents: more than two of the counting pass's batches of 256, so the
    // threshold of 600 is met only if every batch reaches the count.
    let dir = tempfile::tempdir().unwrap();
    let footer = "The Evening Gazette weekly puzzle corner";
    let mut jsonl = String::new();
    for i in 0..600 {
        let text = format!(
            "Trams for town {i} approved\nTown {i}: {PROSE}\nIn town {i}, {PROSE}\n{footer}\n"
        );
        jsonl.push_str(&serde_json::json!({ "id": i, "text": text }).to_string());
        jsonl.push('\n');
    }
    let input = dir.path().join("docs.jsonl");
    std::fs::write(&input, jsonl).unwrap();
    let removed = |n: &str| {
        let out = Command::cargo_bin("rinse")
            .unwrap()
            .args(["clean", "-q", "-j", "2", "--repeated-lines", n])
            .arg(&input)
            .output()
            .unwrap();
        assert!(out.status.success());
        String::from_utf8(out.stdout)
            .unwrap()
            .matches("corpus.repeated-line")
            .count()
    };
    assert_eq!(removed("600"), 600);
    assert_eq!(removed("601"), 0);
}
