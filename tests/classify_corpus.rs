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
