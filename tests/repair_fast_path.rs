//! The shortcuts of repair (one scan per line, clean lines copied as they are)
//! never skip work: trailing whitespace is still trimmed, invisible characters
//! still removed, and a damaged line is found however much clean text surrounds it.

use rinse::internals::repair::{RepairOptions, repair};

fn rules(fixes: &[rinse::internals::record::Fix]) -> Vec<&str> {
    fixes.iter().map(|f| f.rule.as_str()).collect()
}

#[test]
fn clean_lines_are_still_trimmed() {
    let opts = RepairOptions::default();
    let text = "plain ascii   \nwith tab\t\n“curly” quotes \u{3000}\n서울시는  \n\t \n  \nend";
    let out = repair(text, &opts);
    assert_eq!(
        out.text,
        "plain ascii\nwith tab\n“curly” quotes\n서울시는\n\n\nend"
    );
    assert!(out.fixes.is_empty(), "{:?}", out.fixes);
    // Without the whitespace rule, nothing changes.
    let mut keep = RepairOptions::default();
    keep.disabled.insert("repair.whitespace".into());
    assert_eq!(repair(text, &keep).text, text);
}

#[test]
fn invisible_characters_are_still_removed() {
    let opts = RepairOptions::default();
    let out = repair(
        "a long plain line with a zero\u{200B}width space in it\nword\u{2060}joiner and a \u{FEFF}BOM\nbell\u{7}here",
        &opts,
    );
    assert_eq!(
        out.text,
        "a long plain line with a zerowidth space in it\nwordjoiner and a BOM\nbellhere"
    );
    // One fix per changed word.
    assert_eq!(rules(&out.fixes), ["repair.invisible"; 4]);
    assert_eq!(
        out.fixes.iter().map(|f| f.line).collect::<Vec<_>>(),
        [1, 2, 2, 3]
    );
}

#[test]
fn no_break_spaces_and_soft_hyphens_in_clean_lines() {
    let out = repair(
        "a plain line with a\u{A0}no-break space\nsoft\u{AD}hyphen",
        &RepairOptions::default(),
    );
    assert_eq!(out.text, "a plain line with a no-break space\nsofthyphen");
    assert_eq!(rules(&out.fixes), ["repair.invisible"]);
}

#[test]
fn damage_after_many_clean_lines_is_found() {
    let clean = "The quick brown fox jumps over the lazy dog, “twice” — café.\n".repeat(10_000);
    let opts = RepairOptions::default();
    for (damaged, fixed, rule) in [
        (
            "Le cafÃ© est fermÃ©.",
            "Le café est fermé.",
            "repair.mojibake",
        ),
        ("Fish &amp; chips", "Fish & chips", "repair.html-entities"),
        ("don\u{FFFD}t stop", "don’t stop", "repair.fffd-apostrophe"),
        ("x\u{92}s", "x’s", "repair.c1-controls"),
    ] {
        let text = format!("{clean}{damaged}\n{clean}");
        let out = repair(&text, &opts);
        assert_eq!(out.text, format!("{clean}{fixed}\n{clean}"), "{damaged}");
        assert!(!out.fixes.is_empty(), "{damaged}");
        for f in &out.fixes {
            assert_eq!((f.rule.as_str(), f.line), (rule, 10_001), "{damaged}");
        }
    }
}

#[test]
fn damage_at_every_offset_of_a_line() {
    let opts = RepairOptions::default();
    for at in 0..40 {
        let pad = "x".repeat(at);
        let out = repair(&format!("{pad} cafÃ© {pad}."), &opts);
        assert_eq!(out.text, format!("{pad} café {pad}."), "{at}");
        let out = repair(&format!("{pad}&eacute;{pad}  \n{pad}"), &opts);
        assert_eq!(out.text, format!("{pad}é{pad}\n{pad}"), "{at}");
    }
}

#[test]
fn clean_text_in_scripts_with_letter_pairs_is_left_alone() {
    let opts = RepairOptions::default();
    for s in [
        "서울시는 시민을 위한 예산을 발표했다.",
        "A população está satisfeita com a ação.",
        "Её имя — Анна, а ёлка стоит в углу.",
        "北京市政府星期三公布了明年的预算方案。",
    ] {
        let out = repair(s, &opts);
        assert_eq!(out.text, s);
        assert!(out.fixes.is_empty(), "{s}: {:?}", out.fixes);
    }
}
