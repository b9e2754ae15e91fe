//! Tests of the line measurements against their plain definitions.

use super::*;

/// [`glued_teaser`] of `t`, with its masks.
fn glued(t: &str) -> bool {
    let mut m = LineMasks::default();
    m.fill(t);
    glued_teaser(t, &m)
}

#[test]
fn glued_teasers_are_found_by_masks_as_character_by_character() {
    let cases = [
        "The 4 Best Vegan Spots In DetroitHoodline crunched the numbers to find the top vegan spots.",
        "Les 4 meilleures adresses à DétroitHoodline a compté les chiffres pour trouver les meilleures.",
        "Ça commence ici, et puis à la fin du compteÉtait une fois une très longue phrase sans point.",
        "Un texte en français où la capitale arrive tôt. PuisIci après le point, dans la même ligne.",
        "Ελληνικά κείμενα χωρίς κεφαλαία γράμματα μέσα στη λέξη αλλά μεγάλα κείμεναΑλλά εδώ είναι.",
        "中文文本没有大小写但是很长很长很长很长很长很长很长很长很长很长很长很长很长很长的一行字",
    ];
    for t in cases {
        assert_eq!(glued(t), glued_teaser_chars(t), "{t:?}");
    }
    assert!(glued(cases[0]));
    assert!(glued(cases[1]));
    assert!(glued(cases[2]));
}

#[test]
fn a_headline_glued_to_the_dateline_of_its_story_is_a_teaser() {
    for t in [
        "Indian-origin man pleads guilty to fraud scheme in US NEW YORK: An Indian-origin man has pleaded guilty.",
        "UN \u{2018}regrets\u{2019} new US position on settlements UNITED NATIONS: United Nations Secretary General said.",
        "Imran Khan-led govt\u{2019}s days are numbered: warns Pak cleric Fazlur Rehman KARACHI: Firebrand cleric said.",
        "Britain bans junk food adverts for children, Gulf/Arab World LONDON: \u{201c}Britain introduced a ban yesterday.",
    ] {
        assert!(glued_dateline(t), "{t:?}");
        assert!(
            measure_shape(t, &mut Scratch::default()).glued_teaser,
            "{t:?}"
        );
    }
    for t in [
        // The dateline opens the line: the story itself.
        "NEW DELHI: Their American dream shattered and huge savings wasted, nearly 150 Indians returned home.",
        // Fewer than five capitals: an acronym in running text.
        "Here is one of the most encouraging developments within the GOP: Young Republicans who disagree.",
        // A sentence ends before it.
        "The mayor spoke at length. Then the minister said on LONDON RADIO: Nobody will be left behind today.",
        // Nothing before the run but a capital: not the end of a headline.
        "IMPORTANT NOTICE FROM THE EDITORS: Comments are closed on this story until the trial ends today.",
        // No capital after the colon.
        "The paper printed the headline in full, right under NEW YORK: the city that never sleeps wakes up.",
    ] {
        assert!(!glued_dateline(t), "{t:?}");
    }
}

#[test]
fn only_four_characters_beyond_latin1_lower_case_into_it() {
    for c in (0x100..=0x10FFFFu32).filter_map(char::from_u32) {
        let into = c.to_lowercase().all(|l| l <= '\u{ff}');
        assert_eq!(into, folds_into_latin1(c), "{c:?}");
    }
}

#[test]
fn words_of_other_scripts_are_not_stop_words_but_latin_ones_are() {
    let mut s = Scratch::default();
    for (line, stops) in [
        ("서울에서 회의가 열렸다", 0),
        ("Москва и Париж", 0),
        ("「été」 und ÜBER", 3),
        ("\u{212a}", 0),
    ] {
        let f = measure_all(line, &mut s);
        let want = measure_all_reference(line, &mut String::new());
        assert_eq!(f.lang_stops, want.lang_stops, "{line}");
        assert_eq!(
            f.lang_stops.map(|l| l.iter().sum::<u32>()),
            Some(stops),
            "{line}"
        );
    }
}

#[test]
fn every_sentence_mark_starts_with_a_stop_lead() {
    for c in (0..=0x10FFFFu32)
        .filter_map(char::from_u32)
        .filter(|&c| is_stop(c))
    {
        let mut m = LineMasks::default();
        m.fill(&format!("{c}"));
        assert_eq!(m.mark_starts().next(), Some(0), "{c:?}");
    }
}

#[test]
fn every_capital_starts_with_a_lead_byte_the_masks_let_through() {
    for c in (0x80..=0x10FFFFu32)
        .filter_map(char::from_u32)
        .filter(|c| c.is_uppercase())
    {
        let t = format!("{c}a");
        let mut m = LineMasks::default();
        m.fill(&t);
        assert_eq!(m.head().upper_leads[0] & 1, 1, "{c:?}");
    }
}

proptest::proptest! {
    #[test]
    fn glued_teaser_masks_agree_with_characters(
        t in "([a-zA-Z]{1,9}|[ .!?]|[éÉàÀçÇÿŸßẞ…。Ωω中]){0,60}"
    ) {
        proptest::prop_assert_eq!(glued(&t), glued_teaser_chars(&t));
    }
}

/// The plain [`measure_all`], character by character, with stop words
/// looked up in each language's `HashSet`.
fn measure_all_reference(text: &str, buf: &mut String) -> Features {
    let t = crate::text::trim(text);
    let mut f = Features {
        lang_stops: Some([0; 4]),
        ..Features::default()
    };
    if t.is_empty() {
        return f;
    }
    let mut count_word = |w: &str, f: &mut Features| {
        f.words += 1;
        f.alnum_words += usize::from(w.chars().any(char::is_alphanumeric));
        let lower = lower_word(w, buf).to_string();
        let bits = Lang::ALL
            .iter()
            .enumerate()
            .filter(|(_, l)| l.stop_words().contains(lower.as_str()))
            .fold(0u8, |b, (i, _)| b | 1 << i);
        if bits != 0 {
            let counts = f.lang_stops.as_mut().expect("set above");
            for (i, n) in counts.iter_mut().enumerate() {
                *n += u32::from(bits >> i & 1);
            }
        }
    };
    if t.is_ascii() && !t.contains('\x0b') {
        // The common case, byte by byte: every character weighs 1.
        f.weight = t.len();
        let mut prev_stop = false;
        for &b in t.as_bytes() {
            if prev_stop && b == b' ' {
                f.inner_stops += 1;
            }
            prev_stop = matches!(b, b'.' | b'!' | b'?')
                || (prev_stop && matches!(b, b'"' | b'\'' | b')' | b']' | b'*'));
        }
        for w in t.split_ascii_whitespace() {
            count_word(w, &mut f);
        }
    } else {
        let mut prev_stop = false;
        for c in t.chars() {
            f.weight += if is_wide(c) { 2 } else { 1 };
            if prev_stop && c == ' ' {
                f.inner_stops += 1;
            }
            prev_stop = is_stop(c) || (prev_stop && is_closer(c));
        }
        for w in t.split_whitespace() {
            count_word(w, &mut f);
        }
    }
    // The line's end is read by the same code: only the passes above differ.
    line_end(t, &mut f);
    f.glued_teaser = f.weight >= 60 && glued_teaser_chars(t);
    f
}

#[test]
fn measure_agrees_with_the_plain_reference() {
    let lines = [
        "The cat sat on the mat. It was (very) happy!",
        "  «Le président» a dit: «c'est l'été»…  ",
        "Der Minister hat gesagt, dass die Regierung 2024 nicht—mit uns—spricht.",
        "서울에서 회의가 열렸다。 다음 회의는 3월에.",
        "...and, THE end?\" ) ] * x",
        "tab\tseparated\x0bvertical\u{a0}nbsp\u{2003}em words",
        "a-very-long-hyphenated-compound-word-that-is-longer-than-any-stop-word the",
        "'the' \"of\" (and) [les] ¿qué? ¡él! über ÜBER Straße ((((the)))) \"\"\"\"and\"\"\"\"",
        "4 min read · 12:30 GMT · 1,000 people",
        "",
        "   ",
        "x",
    ];
    for l in lines {
        assert_eq!(
            measure_all(l, &mut Scratch::default()),
            measure_all_reference(l, &mut String::new()),
            "{l:?}"
        );
    }
}

#[test]
fn latin1_words_are_looked_up_as_by_characters() {
    let cores = [
        "für", "ÜBER", "Über", "été", "ÉTÉ", "más", "también", "là", "the", "x",
    ];
    let wraps = ["", "(", ")", "...", "«", "»", "’", "×", "÷", "—", "1", "é"];
    let mut fast = 0;
    for core in cores
        .iter()
        .chain(&["verlängert", "stündlich", "a×b", "a«b", "K\u{212a}"])
    {
        for a in wraps {
            for b in wraps {
                let w = format!("{a}{core}{b}");
                let want = stop_bits(&w, &mut String::new());
                if let Some(got) = STOPS.latin1_word_bits(w.as_bytes()) {
                    assert_eq!(got, want, "{w:?}");
                    fast += 1;
                }
            }
        }
    }
    assert!(fast > 500, "only {fast} words took the Latin-1 path");
    assert_ne!(stop_bits("(Über)", &mut String::new()), 0);
    assert_eq!(
        STOPS.latin1_word_bits("(Über)".as_bytes()),
        Some(stop_bits("über", &mut String::new()))
    );
}

proptest::proptest! {
    #[test]
    fn measure_agrees_with_the_plain_reference_on_any_text(
        l in "([a-zA-Z0-9.,!?'\"()*:éÉßü«»…。한국語’”-]{0,12}[ \t\u{b}\u{a0}]{1,2}|the |The |THE |für |über |ÜBER |él |(the) ){0,12}"
    ) {
        proptest::prop_assert_eq!(
            measure_all(&l, &mut Scratch::default()),
            measure_all_reference(&l, &mut String::new())
        );
    }
}

proptest::proptest! {
    #[test]
    fn the_stop_share_is_reached_lazily_as_counted(
        l in "([a-zA-Z.,!?'\"()éÉü«»…—-]{0,8}[ \t\u{a0}]{1,2}|the |The |und |für |él |(les) |de ){0,20}",
        share in 0.0f32..0.7,
    ) {
        let mut s = Scratch::default();
        let counted = measure_all(&l, &mut s);
        let shape = measure_shape(&l, &mut s);
        proptest::prop_assert_eq!(shape.lang_stops, None);
        for lang in Lang::ALL {
            proptest::prop_assert_eq!(
                stop_share(&l, &shape, lang, share, &mut s, false),
                stop_share_reaches(&l, &counted, lang, share, &mut s),
                "{:?}", lang
            );
            proptest::prop_assert_eq!(
                stop_share_reaches(&l, &shape, lang, share, &mut s),
                stop_share_reaches(&l, &counted, lang, share, &mut s),
                "{:?}", lang
            );
        }
    }
}

#[test]
fn the_stop_share_of_a_line_depends_on_its_language() {
    let l = "The minister said that the plan would be put to the vote in the spring.";
    let mut s = Scratch::default();
    let f = measure_shape(l, &mut s);
    assert!(stop_share_reaches(l, &f, Lang::En, 0.12, &mut s));
    assert!(!stop_share_reaches(l, &f, Lang::De, 0.12, &mut s));
    assert!(stop_share_reaches(l, &f, Lang::De, 0.0, &mut s));
}

#[test]
fn each_language_knows_its_place() {
    for (i, l) in Lang::ALL.iter().enumerate() {
        assert_eq!(l.index(), i);
    }
}

fn m(t: &str) -> Features {
    measure_all(t, &mut Scratch::default())
}

#[test]
fn ascii_lower_cases_only_capital_letters() {
    let all: Vec<u8> = (0u8..0x80).collect();
    for chunk in all.chunks(8) {
        let mut k = [0u8; 8];
        k.copy_from_slice(chunk);
        let lowered = ascii_lower(u64::from_le_bytes(k)).to_le_bytes();
        for (b, l) in chunk.iter().zip(lowered) {
            assert_eq!(l, b.to_ascii_lowercase(), "{b:#x}");
        }
    }
}

#[test]
fn the_punctuation_shortcut_agrees_with_unicode() {
    for c in (0..0x10000).filter_map(char::from_u32) {
        assert_eq!(is_alphanumeric(c), c.is_alphanumeric(), "{c:?}");
    }
}

#[test]
fn the_latin_lower_casing_shortcut_agrees_with_unicode() {
    for c in (0..0x10000).filter_map(char::from_u32) {
        let mut got = String::new();
        push_lower(c, &mut got);
        assert_eq!(got, c.to_lowercase().to_string(), "{c:?}");
    }
}

#[test]
fn sentence_ends_behind_quotes_and_cjk_stops_are_terminal() {
    assert!(m("He said \"we will stay.\"").terminal);
    assert!(m("서울에서 회의가 열렸다。").terminal);
    assert!(!m("Share this article").terminal);
    assert!(m("See tweets :").colon);
}

#[test]
fn glued_teasers_are_spotted_but_camel_case_names_early_are_not() {
    assert!(m("The 4 Best Vegan Spots In DetroitHoodline crunched the numbers to find the top vegan spots around Detroit.").glued_teaser);
    assert!(!m("YouTube said on Monday that it would remove the videos, which had been viewed millions of times.").glued_teaser);
    assert!(!m("The firm said. PlayStation sales rose sharply in the quarter, beating what analysts had expected.").glued_teaser);
}

#[test]
fn wide_characters_weigh_double() {
    assert_eq!(m("abc").weight, 3);
    assert_eq!(m("한국어").weight, 6);
}

#[test]
fn stop_words_are_counted_case_insensitively() {
    let f = m("The cat sat on the mat.");
    assert_eq!(f.lang_stops.map(|s| s[Lang::En.index()]), Some(3));
    assert_eq!(f.words, 6);
}

#[test]
fn language_is_detected_from_stop_words() {
    let fr = "Le président a annoncé que les élections auront lieu dans un mois et que le gouvernement est prêt.";
    let de = "Der Minister hat gesagt, dass die Regierung nicht mit der Opposition sprechen wird und das ist neu.";
    let es = "El presidente dijo que las elecciones se celebrarán en un mes y que el gobierno está listo para ello.";
    assert_eq!(detect_lang([fr].into_iter()), Some(Lang::Fr));
    assert_eq!(detect_lang([de].into_iter()), Some(Lang::De));
    assert_eq!(detect_lang([es].into_iter()), Some(Lang::Es));
    assert_eq!(detect_lang(["서울에서 회의가 열렸다"].into_iter()), None);
}

#[test]
fn stop_word_lists_are_sorted_lowercase_and_unique() {
    for lang in Lang::ALL {
        let words: Vec<&str> = stop_word_file(lang).lines().collect();
        for w in &words {
            assert_eq!(*w, w.to_lowercase(), "{}: {w}", lang.code());
        }
        let mut sorted = words.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(
            words,
            sorted,
            "{} list must be sorted and unique",
            lang.code()
        );
    }
}
