//! Properties of repair on arbitrary text: it never panics, never adds or removes a
//! line break, and is idempotent (repairing repaired text changes nothing).

use proptest::prelude::*;
use rinse::internals::repair::{RepairOptions, repair};

/// Text made of pieces that exercise the rules: mojibake, entities, U+FFFD, C1
/// controls, accents, and plain words.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("cafÃ©".to_string()),
        Just("Ã ".to_string()),
        Just("â€™".to_string()),
        Just("â€".to_string()),
        Just("\u{FFFD}".to_string()),
        Just("\u{92}".to_string()),
        Just("&eacute;".to_string()),
        Just("&#x92;".to_string()),
        Just("Ð¿Ñ€".to_string()),
        Just("РґРѕ".to_string()),
        Just(" ".to_string()),
        Just("\n".to_string()),
        Just("don".to_string()),
        Just("t".to_string()),
        Just("2019".to_string()),
        Just("é".to_string()),
        Just("’".to_string()),
        "[a-zA-Z]{1,6}",
        any::<char>().prop_map(|c| c.to_string()),
    ]
}

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(piece(), 0..24).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn repair_is_idempotent_and_keeps_lines(s in text()) {
        let opts = RepairOptions::default();
        let once = repair(&s, &opts);
        prop_assert_eq!(once.text.matches('\n').count(), s.matches('\n').count());
        let twice = repair(&once.text, &opts);
        prop_assert_eq!(&twice.text, &once.text, "fixes the second time: {:?}", twice.fixes);
        for f in &once.fixes {
            prop_assert!(f.line >= 1 && f.line <= s.matches('\n').count() + 1);
        }
    }
}

/// Found by the idempotence property: one rule completing a pattern for another
/// (or for the trailing-space trim) must not leave work for a second pass.
#[test]
fn inputs_the_property_found_converge_in_one_pass() {
    let opts = RepairOptions::default();
    for s in [
        "Ã \u{e} ",
        "ab \u{e} ",
        "x\u{200b} ",
        // A space from a no-break space, and a letter restored from U+FFFD,
        // complete a lost `à` (`Ã `) that the first round could not see.
        "&eacute;Ã \u{a0}cafÃ©",
        "Ã \u{fffd}téâ€™\u{92}",
    ] {
        let once = repair(s, &opts).text;
        assert_eq!(repair(&once, &opts).text, once, "{s:?}");
        assert_eq!(once, once.trim_end(), "{s:?}");
    }
}
