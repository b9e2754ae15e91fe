//! Tests of the line model's inputs against plain references.

use super::*;

#[test]
fn names_and_columns_agree() {
    assert_eq!(NAMES.len(), COLUMNS);
    let mut seen = std::collections::HashSet::new();
    assert!(NAMES.iter().all(|n| seen.insert(n)), "duplicate name");
}

/// [`is_month`] as first written: every character lower-cased, the
/// list searched in order.
fn is_month_plain(word: &str) -> bool {
    let w = word.trim_matches(|c: char| !c.is_alphabetic());
    if w.len() < 3 || w.len() > 13 {
        return false;
    }
    let mut buf = [0u8; 16];
    let mut n = 0;
    for c in w.chars().flat_map(char::to_lowercase) {
        let mut b = [0u8; 4];
        let e = c.encode_utf8(&mut b).as_bytes();
        if n + e.len() > buf.len() {
            return false;
        }
        buf[n..n + e.len()].copy_from_slice(e);
        n += e.len();
    }
    let lower = std::str::from_utf8(&buf[..n]).unwrap_or("");
    MONTHS.contains(&lower)
}

/// [`shape`] as first written: a branch per byte class and
/// `str::contains` for the URL marks (the reference of the table-driven one).
fn shape_plain(text: &str) -> Shape {
    let t = crate::text::trim(text);
    let mut s = Shape::default();
    let mut word_start = true;
    let bytes = t.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        // ASCII bytes are told apart without decoding a character.
        let (c, len) = if b < 0x80 {
            (b as char, 1)
        } else {
            let c = t[i..].chars().next().unwrap_or('\0');
            (c, c.len_utf8())
        };
        let at = i;
        i += len;
        if c.is_whitespace() {
            word_start = true;
            continue;
        }
        if c.is_ascii_digit() {
            s.digits += 1;
            if !s.time
                && bytes.get(at + 1) == Some(&b':')
                && bytes.get(at + 2).is_some_and(u8::is_ascii_digit)
                && bytes.get(at + 3).is_some_and(u8::is_ascii_digit)
            {
                s.time = true;
            }
            if !s.year
                && word_start
                && bytes.len() >= at + 4
                && matches!(&bytes[at..at + 2], b"19" | b"20")
                && bytes[at + 2..at + 4].iter().all(u8::is_ascii_digit)
                && !bytes.get(at + 4).is_some_and(u8::is_ascii_digit)
            {
                s.year = true;
            }
        } else if b < 0x80 {
            if b.is_ascii_alphabetic() {
                s.letters += 1;
                if word_start && b.is_ascii_uppercase() {
                    s.capitals += 1;
                }
            } else if matches!(b, b'|' | b'>' | b'/') {
                s.separators += 1;
            }
        } else if c.is_alphabetic() {
            s.letters += 1;
            if word_start && c.is_uppercase() {
                s.capitals += 1;
            }
        } else if matches!(c, '»' | '›' | '•' | '·') {
            s.separators += 1;
        }
        word_start = false;
    }
    let first = t.chars().next();
    s.bullet = matches!(
        first,
        Some('•' | '·' | '-' | '*' | '▪' | '►' | '»' | '>' | '–' | '—' | '◦' | '●')
    ) || {
        let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
        digits > 0 && digits <= 3 && matches!(bytes.get(digits), Some(b'.' | b')'))
    };
    s.quote = matches!(first, Some('"' | '“' | '«' | '„' | '‘' | '\''));
    s.ellipsis = t.ends_with("...") || t.ends_with('…');
    s.url = t.contains("http") || t.contains("www.") || t.contains(".com") || t.contains('@');
    s
}

/// [`dated`] as first written: every word decoded and lower-cased.
fn dated_plain(text: &str) -> bool {
    let t = crate::text::trim(text);
    let s = shape_plain(t);
    s.time || (s.digits > 0 && t.split_whitespace().take(24).any(is_month_plain))
}

/// [`shape`]'s counts, character by character (the reference).
fn shape_chars(text: &str) -> (u32, u32, u32, u32) {
    let t = crate::text::trim(text);
    let (mut digits, mut letters, mut capitals, mut separators) = (0, 0, 0, 0);
    let mut word_start = true;
    for c in t.chars() {
        if c.is_whitespace() {
            word_start = true;
            continue;
        }
        if c.is_ascii_digit() {
            digits += 1;
        } else if c.is_alphabetic() {
            letters += 1;
            capitals += u32::from(word_start && c.is_uppercase());
        } else if matches!(c, '|' | '»' | '›' | '>' | '/' | '•' | '·') {
            separators += 1;
        }
        word_start = false;
    }
    (digits, letters, capitals, separators)
}

proptest::proptest! {
    #[test]
    fn shape_by_bytes_counts_as_by_characters(t in "([a-zA-Z0-9 :|/>»•·É中é\u{2003}\u{a0}]|19|20){0,40}") {
        let s = shape(&t);
        let r = shape_chars(&t);
        proptest::prop_assert_eq!((s.digits, s.letters, s.capitals, s.separators), r, "{:?}", t);
    }
    #[test]
    fn shape_agrees_with_the_plain_reference(
        t in "([a-zA-Z0-9 .:|/>»›•·\"“'*@\t\u{b}\u{1c}ÉéK\u{212a}中\u{2003}\u{a0}…-]|19|20|12:30|http|www\\.|\\.com|May|März|oct|\\.\\.\\.){0,40}"
    ) {
        proptest::prop_assert_eq!(shape(&t), shape_plain(&t), "{:?}", t);
        proptest::prop_assert_eq!(shape_sse2(&t), shape_plain(&t), "{:?}", t);
        proptest::prop_assert_eq!(dated(&t, &shape(&t)), dated_plain(&t), "{:?}", t);
        proptest::prop_assert_eq!(is_dated(&t), dated_plain(&t), "{:?}", t);
    }

    #[test]
    fn month_names_are_found_as_by_the_plain_reference(
        w in "[(\"]?([mM][aA][yY]|MÄRZ|märz|Sept|déc|DÉCEMBRE|[a-zA-Zäéçś]{1,12})[.,)]?"
    ) {
        proptest::prop_assert_eq!(is_month(&w), is_month_plain(&w), "{:?}", w);
    }
}

/// [`shape`] with 16-byte vectors, where [`shape`] itself takes 32-byte ones
/// (on a processor with AVX2): both ways are checked against the reference.
#[allow(unsafe_code)]
fn shape_sse2(text: &str) -> Shape {
    // SAFETY: `Block64` needs SSE2, in every x86-64 processor (and compares
    // byte by byte elsewhere).
    unsafe { shape_in::<crate::classify::masks::Block64>(text) }
}

/// Marks, spaces and characters that straddle [`shape`]'s 64-byte blocks.
#[test]
fn shape_agrees_with_the_plain_reference_across_blocks() {
    for piece in [
        "http",
        "www.",
        ".com",
        "@",
        "12:30",
        " 2019 ",
        "\u{2003}Émile",
        "\u{a0}Kelvin",
        "中",
        "» ",
    ] {
        for pad in 56..72 {
            for before in ["a", " ", "é"] {
                let t = format!("x{}{piece}A b", before.repeat(pad));
                assert_eq!(shape(&t), shape_plain(&t), "{t:?}");
                assert_eq!(shape_sse2(&t), shape_plain(&t), "{t:?}");
                assert_eq!(dated(&t, &shape(&t)), dated_plain(&t), "{t:?}");
                assert_eq!(is_dated(&t), dated_plain(&t), "{t:?}");
            }
        }
    }
}

#[test]
fn shape_finds_times_years_bullets_and_capitals() {
    let s = shape("• Posted by Jane at 02:30 PM, October 28, 2012");
    assert!(s.bullet && s.time && s.year);
    let line = "Posted by Jane on October 28, 2012";
    assert!(!shape(line).time && dated(line, &shape(line)));
    assert!(is_dated(line) && is_dated("at 02:30 PM"));
    // A month name without a number, and a number without a month, are not dates.
    for line in ["Posted by Jane in October", "Chapter 12 of the book: maybe"] {
        assert!(!dated(line, &shape(line)), "{line:?}");
        assert!(!is_dated(line), "{line:?}");
    }
    // Posted, Jane, PM, October.
    assert_eq!(s.capitals, 4);
    let s = shape("12) the list item without a year like 20123");
    assert!(s.bullet && !s.year && !s.time);
    assert!(shape("Visit www.example.org").url);
    assert!(shape("Read more…").ellipsis);
}

#[test]
fn second_stage_columns_read_the_first_stage_around_each_row() {
    let p = [0.0, 1.0, 0.0, 1.0];
    let weight = [1.0, 3.0, 1.0, 3.0];
    let stage2 = Stage2::new(&p, &weight);
    let r: Vec<Row> = (0..4)
        .map(|i| {
            let mut row = [0f32; ROW_WIDTH];
            stage2.fill(i, &mut row);
            row
        })
        .collect();
    let col = |name: &str| COLUMNS + NAMES2_OWN.iter().position(|n| *n == name).unwrap();
    assert_eq!(r[1][col("p")], 1.0);
    // The neighbours of row 1 within one row: rows 0 and 2.
    assert_eq!(r[1][col("p_w1")], 0.0);
    assert_eq!(r[2][col("p_w1")], 1.0);
    // Row 0 has nothing before it; after it within three: 1, 0, 1.
    assert_eq!(r[0][col("p_before3")], -1.0);
    assert!((r[0][col("p_after3")] - 2.0 / 3.0).abs() < 1e-6);
    // Mass (p × weight) before row 3: 3 of 6.
    assert!((r[3][col("mass_before")] - 0.5).abs() < 1e-6);
    assert_eq!(r[0][col("p_max")], 1.0);
    assert_eq!(r[0][col("p_share")], 0.5);
    assert_eq!(NAMES2.len(), COLUMNS2);
}

#[test]
fn looked_up_logarithms_are_the_computed_ones_bit_for_bit() {
    // Across the table's end, where the look-up gives way to the function.
    for k in (0..LN_TABLE + 70).chain([1 << 24, (1 << 24) + 1, usize::MAX >> 8]) {
        assert_eq!(ln_count(k).to_bits(), (k as f32).ln().to_bits(), "ln {k}");
        assert_eq!(
            ln_1p(k).to_bits(),
            (1.0 + k as f32).ln().to_bits(),
            "ln 1+{k}"
        );
    }
}

#[test]
fn every_month_name_is_found_in_any_case_and_punctuation() {
    for m in MONTHS {
        for w in [
            m.to_string(),
            m.to_uppercase(),
            format!("({m}.)"),
            format!("{m},"),
        ] {
            assert!(is_month(&w), "{w:?}");
            let line = format!("Posted {w} 12");
            assert!(dated(&line, &shape(&line)), "{line:?}");
        }
    }
    assert_eq!(is_month("mayo1"), is_month_plain("mayo1"));
    assert!(!is_month("Mark") && !is_month("Junk") && !is_month("ma"));
}
