//! Tests of mojibake repair, ftfy's cases among them.

use super::*;

fn bad(s: &str) -> bool {
    is_bad(&s.chars().collect::<Vec<_>>())
}

#[test]
fn badness_flags_mojibake_and_not_text() {
    for s in [
        "cafÃ©",
        "â€œhiâ€\u{9d}",
        "РґРѕСЂРѕРіРµ",
        "×‘×”×•×“×¢×”",
        "g√¢teaux",
        "x\u{92}y",
    ] {
        assert!(bad(s), "{s}");
    }
    for s in [
        "café",
        "Ã…lesund",
        "ВІКІ",
        "её…",
        "(-1/2)! = √π",
        "NESTLÉ®",
        "HÅØYA",
    ] {
        assert!(!bad(s), "{s}");
    }
}

#[test]
fn the_quick_check_never_hides_bad_text() {
    let pieces = [
        "a", " ", "Ã", "©", "…", "’", "é", "Ð", "Ñ", "€", "Р", "ё", "»", "е", "\u{92}", "\u{A0}",
        "×", "‘", "√", "│", "中", "\u{FFFD}", "Â", "â", "™",
    ];
    // Every string of up to three pieces.
    let mut strings = vec![String::new()];
    for _ in 0..3 {
        let longer: Vec<String> = strings
            .iter()
            .flat_map(|s| pieces.iter().map(move |p| format!("{s}{p}")))
            .collect();
        strings.extend(longer);
    }
    for s in &strings {
        let chars: Vec<char> = s.chars().collect();
        if is_bad(&chars) {
            assert!(may_be_bad(s), "{s:?}");
        }
    }
}

/// Strings made of `pieces`, of up to `n` of them.
fn strings_of(pieces: &[&str], n: usize) -> Vec<String> {
    let mut strings = vec![String::new()];
    let mut last = strings.clone();
    for _ in 0..n {
        last = last
            .iter()
            .flat_map(|s| pieces.iter().map(move |p| format!("{s}{p}")))
            .collect();
        strings.extend(last.iter().cloned());
    }
    strings
}

#[test]
fn the_page_check_never_skips_a_line_that_decodes() {
    let pieces = [
        "a", " ", "?", "\u{1A}", "\u{FFFD}", "Ã", "©", "Ã ", "â€", "™", "Â", "\u{A0}", "é", "À",
        "Ð", "Ñ", "Р", "С", "’", "ð", "í", "¡", "Ø", "Ã¢", "\u{92}", "Ă", "Î",
    ];
    let mut decoded = 0;
    for s in strings_of(&pieces, 3) {
        for p in 0..PAGES.len() {
            if decode_through_page(&s, p).is_some() {
                assert!(may_go_through_page(&s, p), "{s:?} through page {p}");
                decoded += 1;
            }
        }
    }
    // The check was put to the test.
    assert!(decoded > 1000, "only {decoded} decoded");
}

proptest::proptest! {
    /// The same on longer lines, mojibake of real words among them.
    #[test]
    fn the_page_check_agrees_on_longer_lines(
        s in "([a-z ?]|\u{1A}|\u{FFFD}|Ã©|Ã |â€™|Ã|Â|\u{A0}|é|À|Ð¿|Ñ€|РґР|’|Ø|Ã¶|Å|Ä|Î±){0,12}"
    ) {
        for p in 0..PAGES.len() {
            if decode_through_page(&s, p).is_some() {
                proptest::prop_assert!(may_go_through_page(&s, p), "{:?} through page {}", s, p);
            }
        }
    }
}

#[test]
fn real_letters_that_look_like_mojibake_are_not_decoded() {
    // Decoding them would put an Arabic, Syriac or rare Cyrillic letter
    // inside a Latin word.
    for s in [
        "Úžasný deň.",
        "Úľava pre rodiny",
        "STOCKS: DÜŞÜŞ",
        "Óæskileg",
        "Ој",
    ] {
        assert_eq!(fix_step(s, Disabled::NONE), None, "{s}");
    }
    assert_eq!(mixed_words("ڞasný deň"), 1);
    // Greek in a Latin word, Cyrillic with a Latin typo, scripts across
    // punctuation: real text.
    for s in ["IL2RγcKO", "Cрпски", "سعيد.Que", "Ãˆ"] {
        assert_eq!(mixed_words(s), 0, "{s}");
    }
}

#[test]
fn pages_that_disagree_give_the_least_weird_text_or_nothing() {
    let step = |s: &str| fix_step(s, Disabled::NONE).map(|(f, _)| f);
    // windows-1250 gives `vrátili`, ISO-8859-2 `vr÷tili`.
    assert_eq!(
        step("Deti sa vrĂˇtili do ĹˇkĂ´l").as_deref(),
        Some("Deti sa vrátili do škôl")
    );
    // windows-1250 gives `Kßrbis`, ISO-8859-2 `Kürbis`: no way to tell…
    assert_eq!(step("KĂźrbis"), None);
    // …but for a word in the crate's lists.
    assert_eq!(step("SchlĂźssel").as_deref(), Some("Schlüssel"));
    assert!(weirdness("Les rÊunion") > weirdness("Les réunion"));
    assert!(weirdness("Barnen átervände ŷ") > weirdness("Barnen återvände"));
}

#[test]
fn damaged_words_in_clean_lines_through_any_page() {
    let step = |s: &str| fix_step(s, Disabled::NONE).map(|(f, _)| f);
    for (damaged, want) in [
        // Polish (windows-1252 or -1250), Turkish, Lithuanian (-1257),
        // Croatian, Czech, Russian (-1251), Greek (-1253).
        (
            "Nie udało się zsynchronizowaÄ‡ mmap",
            "Nie udało się zsynchronizować mmap",
        ),
        ("Bu ve bÄ±rak için değil", "Bu ve bırak için değil"),
        (
            "Vaikai grÄÆÅ¾o į mokyklas po ilgų",
            "Vaikai grįžo į mokyklas po ilgų",
        ),
        (
            "Vyriausybė priÄ—mÄ— naują įstatymą",
            "Vyriausybė priėmė naują įstatymą",
        ),
        (
            "Djeca su se vratila kuÄ‡i, rekao je šef.",
            "Djeca su se vratila kući, rekao je šef.",
        ),
        (
            "Ceny bytĹŻ ve velkých městech",
            "Ceny bytů ve velkých městech",
        ),
        (
            "Дети вернулись в школы РїРѕСЃР»Рµ долгих",
            "Дети вернулись в школы после долгих",
        ),
        ("Τα παιδιά ΟƒΟ„Ξ± σχολεία", "Τα παιδιά στα σχολεία"),
        // A word that decodes into another script stays; the damaged
        // one beside it does not.
        (
            "Úžasný deň. ĂšÄľava pre rodiny",
            "Úžasný deň. Úľava pre rodiny",
        ),
        // A no-break space that was a continuation byte.
        (
            "Å\u{A0}iauliÅ³ valdybos įvykiai",
            "Šiaulių valdybos įvykiai",
        ),
        // A single letter through CP437 in an ASCII line.
        ("Work social caf├⌐ talk", "Work social café talk"),
    ] {
        let mut cur = damaged.to_string();
        while let Some(next) = step(&cur) {
            cur = next;
        }
        assert_eq!(cur, want, "{damaged}");
    }
    // Line art, `Ã¥` alone (latin-1 or MacRoman?), a no-break space after
    // a capital word and the pages that disagree stay as they are.
    for s in [
        "├┤a┼┐a┼┐a┼┐a┼┐a",
        "Bremer/Mccoy – DrÃ¥ber",
        "É\u{A0}bom",
        "Loading█░░░ 20 %",
        "Slovensko vĂ\u{AD}ĹĄazstvo",
    ] {
        assert_eq!(step(s), None, "{s}");
    }
}

#[test]
fn the_exotic_shortcut_agrees_with_the_scripts() {
    // Modifier letters go with any script in mixed_words.
    let modifier = |c: char| ('\u{2B0}'..='\u{36F}').contains(&c);
    for c in (0..0x11000).filter_map(char::from_u32) {
        if c.is_alphabetic() && !modifier(c) && exotic(c, script(c)) {
            assert!(may_be_exotic(c), "{c:?} U+{:04X}", c as u32);
        }
    }
}

#[test]
fn utf8_variants() {
    assert_eq!(
        decode_utf8_variants(b"\xed\xa0\xbd\xed\xb8\x8d").as_deref(),
        Some("😍")
    );
    assert_eq!(decode_utf8_variants(b"a\xc0\x80b").as_deref(), Some("a\0b"));
    assert_eq!(decode_utf8_variants(b"\xe9t\xe9"), None);
}

#[test]
fn lost_bytes() {
    assert_eq!(restore_a0(b"voil\xc3 le"), b"voil\xc3\xa0 le");
    assert_eq!(restore_a0(b"\xc3 s crian"), b"\xc3\xa0s crian");
    assert_eq!(
        replace_lossy(b"\xe2\x80\x1a!", false),
        "\u{FFFD}!".as_bytes()
    );
}

#[test]
fn steps_layer_by_layer() {
    let mut cur = "The Mona Lisa doesnÃƒÂ¢Ã¢â€šÂ¬Ã¢â€žÂ¢t have eyebrows.".to_string();
    let mut rules = Vec::new();
    while let Some((f, r)) = fix_step(&cur, Disabled::NONE) {
        rules.push(r);
        cur = f;
    }
    assert_eq!(cur, "The Mona Lisa doesn’t have eyebrows.");
    assert!(rules.len() >= 2, "{rules:?}");
}
