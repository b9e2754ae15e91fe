//! Clean text in many scripts and registers goes through repair unchanged: no
//! quote straightening, no NFKC or full-width conversion, no "restored" spaces,
//! no decoding of real words that happen to look like mojibake.

use rinse::internals::repair::{RepairOptions, repair};

const CLEAN: &[&str] = &[
    // English with curly quotes, dashes, ellipses, symbols.
    "“We’re cautious, but we’re not pessimistic,” he told analysts — on a call…",
    "The company’s shares closed 7.4% higher; ‘it’s fine’, she said. Tickets cost €12 or £10.",
    "Temperatures of 30°C — “unusual” — © 2024 Reuters™ • All rights reserved ® ±2 ½ ¼ ¾",
    "Renée Müller, José Álvarez Núñez, Björn Ångström, Zoë Brontë, François Dupré.",
    // French, German, Spanish, Portuguese, Italian.
    "« Le gouvernement a décidé de réformer l’économie », a déclaré le ministre à l’Élysée.",
    "Über die Straße gehen: Größere Häuser für Bürger, schöne Grüße aus Köln und München.",
    "¿Qué pasó en España? ¡Así es! El niño comió jalapeños en la montaña.",
    "A população não está satisfeita com a situação; as eleições serão em março. SÃO PAULO, AÇÃO.",
    "È già più di un anno che la città è così: perché? Però va bene.",
    // Turkish, Polish, Czech, Lithuanian, Latvian, Romanian, Hungarian, Nordic.
    "İstanbul’da ılık bir gün: Ağaçlar, çiçekler, şarkılar ve öğrenciler.",
    "Zażółć gęślą jaźń. Łódź, Gdańsk i Kraków świętują już w środę.",
    "Příliš žluťoučký kůň úpěl ďábelské ódy. Řekl, že přijde.",
    "Šiaip įdomu, kaip įsivaizduoji. Visų pirma tam reikia laiko.",
    "Saeimā ievēlētās partijas līdzvadītāja Antoņina Ņenaševa.",
    "În România, să fie şi aşa. Árvíztűrő tükörfúrógép.",
    "Ålesund og Tromsø ligger i Norge; Göteborg och Malmö i Sverige. HÅØYA ER BLÅØYD.",
    // Russian, Ukrainian, Serbian, Bulgarian.
    "Привет, мир! Её имя — Анна. «Ёлка» стоит в углу… Съешь же ещё этих мягких булок.",
    "Її звуть Ірина; ґанок, їжак, євро. ВІКІ — це Вікіпедія.",
    "Ђорђе и Љубица живе у Београду; Њујорк, Џон, Ћирилица.",
    "Ще в началото на седмицата бяха обявени резултатите.",
    // Greek, Arabic, Hebrew, Hindi, Thai.
    "Η ελληνική γλώσσα είναι πολύ όμορφη· «Καλημέρα», είπε.",
    "اللغة العربية جميلة جداً، أليس كذلك؟ ١٢٣",
    "עברית היא שפה שמית; ״שלום״ אמר.",
    "हिन्दी भारत की एक प्रमुख भाषा है। नमस्ते!",
    "ภาษาไทยเป็นภาษาที่สวยงาม",
    // Chinese, Japanese with full-width punctuation, Korean.
    "中文是世界上使用人数最多的语言之一。“你好，世界！”（测试）",
    "日本語の文章です。「こんにちは」、ＡＢＣ１２３！　全角スペースも。",
    "한국어는 아름다운 언어입니다. “안녕하세요”라고 말했다.",
    // Vietnamese, emoji, math.
    "Tiếng Việt có nhiều dấu: Tại sao giá hạt sầu riêng lại lên giá?",
    "Great news 🎉🎉 👍🏽 ❤️ 😍 — see you soon! ✔ done",
    "∀x ∈ ℝ: x² ≥ 0; √π ≈ 1.77; ∑ₙ 1/n² = π²/6; a ≠ b ⇒ |a − b| > 0",
    // Real words and names that look like mojibake, ambiguous short strings.
    "Ã…lesund",
    "C O N C L U S Ã O",
    "4288×…",
    "(-1/2)! = √π",
    "OK??:(   `¬´    ):",
    "Résumé: naïve café owner’s “déjà vu” — 10 Å— 5×£35",
    // No-break spaces stay; HTML stays when the text is HTML.
    "Le prix\u{a0}: 12\u{a0}€ — «\u{a0}bien\u{a0}»",
    "<p>Fish &amp; chips &eacute;</p>",
    "AT&T and R&D, Q&A; &nosuchentity; x&y;",
];

/// Repair with the one normalisation that changes clean text turned off: the
/// no-break space (French punctuation above) becomes a plain space by default,
/// which `nbsp_becomes_a_space_by_default` checks.
fn repair_only() -> RepairOptions {
    let mut o = RepairOptions::default();
    o.disabled.insert("repair.nbsp".into());
    o
}

#[test]
fn nbsp_becomes_a_space_by_default_and_is_not_reported() {
    let out = repair(
        "Le prix\u{a0}: 12\u{202f}€ — «\u{a0}bien\u{a0}»",
        &RepairOptions::default(),
    );
    assert_eq!(out.text, "Le prix : 12 € — « bien »");
    assert!(out.fixes.is_empty());
}

#[test]
fn invisible_characters_are_removed_and_reported_but_joiners_stay() {
    let out = repair(
        "zero\u{200b}width soft\u{ad}hyphen bell\u{7}\u{feff}",
        &RepairOptions::default(),
    );
    assert_eq!(out.text, "zerowidth softhyphen bell");
    assert!(
        out.fixes.iter().all(|f| f.rule == "repair.invisible"),
        "{:?}",
        out.fixes
    );
    assert!(!out.fixes.is_empty());
    // The zero-width joiner and non-joiner carry meaning (emoji, Persian).
    let kept = "👩\u{200d}💻 می\u{200c}خواهم";
    assert_eq!(repair(kept, &RepairOptions::default()).text, kept);
}

#[test]
fn clean_text_is_left_unchanged() {
    let opts = repair_only();
    let mut changed = Vec::new();
    for line in CLEAN {
        let out = repair(line, &opts);
        if out.text != *line || !out.fixes.is_empty() {
            changed.push(format!("{line:?} -> {:?} {:?}", out.text, out.fixes));
        }
    }
    assert!(changed.is_empty(), "changed:\n{}", changed.join("\n"));
}

#[test]
fn clean_text_as_one_document_is_unchanged() {
    let doc = CLEAN[..CLEAN.len() - 2].join("\n");
    let out = repair(&doc, &repair_only());
    assert_eq!(out.text, doc);
    assert!(out.fixes.is_empty(), "{:?}", out.fixes);
}

#[test]
fn ambiguous_run_is_decoded_only_beside_a_sure_one_in_the_same_word() {
    let opts = RepairOptions::default();
    assert_eq!(repair("Ã…lesund", &opts).text, "Ã…lesund");
    assert_eq!(
        repair("Chief executive BjÃ¶rn Ã…ngstrÃ¶m said “yes”", &opts).text,
        "Chief executive Björn Ångström said “yes”"
    );
}

/// With the default options (soft hyphens and no-break spaces normalised), the
/// characters they are part of in mojibake are still repaired: `í` is `Ã` + soft
/// hyphen and `à` is `Ã` + no-break space when UTF-8 is read as windows-1252.
#[test]
fn mojibake_made_of_soft_hyphens_and_no_break_spaces_is_repaired_by_default() {
    let out = repair(
        "said Mar\u{c3}\u{ad}a Garc\u{c3}\u{ad}a, d\u{c3}\u{a9}j\u{c3}\u{a0} vu",
        &RepairOptions::default(),
    );
    assert_eq!(out.text, "said María García, déjà vu");
    assert!(
        out.fixes
            .iter()
            .all(|f| f.rule.starts_with("repair.mojibake")),
        "{:?}",
        out.fixes
    );
}
