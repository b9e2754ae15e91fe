//! Restoring characters lost to U+FFFD: each kind of guess, what must stay, the
//! fixes reported, and `guess: false` (`--no-guess`) turning it all off.

use rinse::internals::repair::{RepairOptions, repair};

fn fixed(s: &str) -> String {
    repair(s, &RepairOptions::default()).text
}

#[test]
fn contractions_and_elisions_get_an_apostrophe() {
    assert_eq!(
        fixed("I don\u{FFFD}t know, it\u{FFFD}s fine"),
        "I don’t know, it’s fine"
    );
    assert_eq!(
        fixed("we\u{FFFD}re, they\u{FFFD}ll, you\u{FFFD}ve, I\u{FFFD}m"),
        "we’re, they’ll, you’ve, I’m"
    );
    assert_eq!(
        fixed("l\u{FFFD}homme et d\u{FFFD}abord la femme"),
        "l’homme et d’abord la femme"
    );
}

#[test]
fn glued_words_get_a_space() {
    let r = repair(
        "Two found fatally shot in car after iPhone sends crash alert, US\u{FFFD}authorities say",
        &RepairOptions::default(),
    );
    assert!(r.text.ends_with("US authorities say"));
    assert_eq!(r.fixes.len(), 1);
    let json = serde_json::to_string(&r.fixes[0]).unwrap();
    assert_eq!(
        json,
        r#"{"rule":"repair.fffd-space","line":1,"before":"US�authorities","after":"US authorities"}"#
    );
    assert_eq!(fixed("the\u{FFFD}government said"), "the government said");
}

#[test]
fn number_ranges_get_an_en_dash() {
    assert_eq!(
        fixed("the 2019\u{FFFD}2020 season, pages 10\u{FFFD}12"),
        "the 2019–2020 season, pages 10–12"
    );
}

#[test]
fn paired_quotes_become_curly_quotes() {
    assert_eq!(
        fixed("He said \u{FFFD}we will win,\u{FFFD} and left."),
        "He said “we will win,” and left."
    );
}

#[test]
fn a_lost_letter_needs_the_line_language_and_exactly_one_dictionary_candidate() {
    assert_eq!(
        fixed("Il a bu un caf\u{FFFD} noir avec du lait."),
        "Il a bu un café noir avec du lait."
    );
    assert_eq!(
        fixed("It was a na\u{FFFD}ve idea, and the plan failed."),
        "It was a naïve idea, and the plan failed."
    );
    assert_eq!(
        fixed("Die gro\u{FFFD}e Stra\u{FFFD}e ist in der Stadt."),
        "Die große Straße ist in der Stadt."
    );
    // Without a language, no letter.
    assert_eq!(fixed("un caf\u{FFFD} noir"), "un caf\u{FFFD} noir");
    // für (German) and før (Danish) are both Nordic-or-German: in a Swedish
    // line, för and før, so no guess.
    assert_eq!(
        fixed("Det var f\u{FFFD}r och att det"),
        "Det var f\u{FFFD}r och att det"
    );
}

#[test]
fn unresolvable_replacement_characters_stay() {
    for s in [
        "\u{FFFD}",
        "a \u{FFFD} b",
        "Xq\u{FFFD}zt",
        "Fran\u{FFFD}kfurt",
        "\u{FFFD}\u{FFFD}\u{FFFD}",
        "only one \u{FFFD}quote here",
    ] {
        let r = repair(s, &RepairOptions::default());
        assert_eq!(r.text, s);
        assert!(r.fixes.is_empty(), "{s:?}: {:?}", r.fixes);
    }
}

#[test]
fn every_restoration_is_a_fix() {
    let r = repair(
        "don\u{FFFD}t\n2019\u{FFFD}2020 un caf\u{FFFD} et le lait",
        &RepairOptions::default(),
    );
    let rules: Vec<(&str, usize)> = r.fixes.iter().map(|f| (f.rule.as_str(), f.line)).collect();
    assert_eq!(
        rules,
        [
            ("repair.fffd-apostrophe", 1),
            ("repair.fffd-dash", 2),
            ("repair.fffd-letter", 2)
        ]
    );
}

#[test]
fn no_guess_turns_it_off() {
    let opts = RepairOptions {
        guess: false,
        ..RepairOptions::default()
    };
    let s = "don\u{FFFD}t US\u{FFFD}authorities 2019\u{FFFD}2020 caf\u{FFFD}";
    let r = repair(s, &opts);
    assert_eq!(r.text, s);
    assert!(r.fixes.is_empty());
}

#[test]
fn one_rule_can_be_switched_off() {
    let mut opts = RepairOptions::default();
    opts.disabled.insert("repair.fffd-dash".into());
    assert_eq!(
        repair("2019\u{FFFD}2020 don\u{FFFD}t", &opts).text,
        "2019\u{FFFD}2020 don’t"
    );
    let mut opts = RepairOptions::default();
    opts.disabled.insert("repair.mojibake".into());
    opts.disabled.insert("repair.mojibake-inline".into());
    assert_eq!(repair("cafÃ©", &opts).text, "cafÃ©");
}
