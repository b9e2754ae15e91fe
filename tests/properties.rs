//! Property tests (proptest) of the whole cleaner: for any input it never
//! panics, writes valid UTF-8 JSON and CSV that read back to the same record,
//! and cleaning is stable.

use proptest::prelude::*;
use rinse::Cleaner;
use rinse::internals::read::JsonDoc;
use rinse::internals::record::Record;
use rinse::internals::write::Format;
use std::sync::LazyLock;

static CLEANER: LazyLock<Cleaner> = LazyLock::new(|| Cleaner::builtin().expect("built-in rules"));

/// Lines of the kinds scraped pages are made of, damaged or not.
fn line() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("Follow us on our official WhatsApp channel for breaking news alerts!".to_string()),
        Just("Others Also Read".to_string()),
        Just("Next In World".to_string()),
        Just("(Reporting by Jane Doe; Editing by John Roe)".to_string()),
        Just("FILE PHOTO: A view of the port. REUTERS/Jane Doe".to_string()),
        Just("The caf\u{FFFD} opened in 2019\u{FFFD}2020, officials said.".to_string()),
        Just("CafÃ© owners said the pricesâ€™ rise was steep.".to_string()),
        Just("Tom &amp; Jerry&#39;s show&nbsp;returned on Monday.".to_string()),
        "[A-Z][a-z]{2,9}( [a-z]{2,9}){3,12}",
        "[A-Z][a-z]{2,9}( [a-z]{2,9}){8,30}[.!?]",
        "\\PC{0,80}",
    ]
}

fn document() -> impl Strategy<Value = String> {
    prop::collection::vec(line(), 0..25).prop_map(|lines| lines.join("\n"))
}

const STOP: &[&str] = &[
    "the", "a", "of", "to", "in", "and", "that", "for", "on", "with", "as", "was", "by", "at",
    "it", "from", "his", "her", "their", "is", "had", "have", "not", "but", "which", "after",
];
const CONTENT: &[&str] = &[
    "council",
    "budget",
    "minister",
    "river",
    "schools",
    "officials",
    "plan",
    "city",
    "election",
    "company",
    "shares",
    "report",
    "police",
    "weather",
    "trade",
    "market",
    "talks",
    "court",
    "museum",
    "festival",
    "railway",
    "harbour",
    "farmers",
    "prices",
    "approved",
    "said",
    "announced",
    "rejected",
    "opened",
    "closed",
    "rose",
    "fell",
    "Tuesday",
    "yesterday",
    "northern",
    "local",
    "new",
    "annual",
    "public",
    "final",
];

/// A sentence of real words, two stop words in five, as news prose has.
fn sentence() -> impl Strategy<Value = String> {
    prop::collection::vec((any::<bool>(), 0usize..40, any::<bool>()), 10..28).prop_map(|ws| {
        let mut out = String::new();
        for (i, (stop, k, comma)) in ws.iter().enumerate() {
            let w = if *stop && k % 5 < 2 {
                STOP[k % STOP.len()]
            } else {
                CONTENT[k % CONTENT.len()]
            };
            if i == 0 {
                let mut c = w.chars();
                out.extend(c.next().map(|f| f.to_ascii_uppercase()));
                out.push_str(c.as_str());
            } else {
                out.push(' ');
                out.push_str(w);
            }
            if *comma && i % 7 == 6 {
                out.push(',');
            }
        }
        out.push('.');
        out
    })
}

/// Boilerplate as pages carry it: every example line of the built-in rules.
static BOILERPLATE: LazyLock<Vec<String>> = LazyLock::new(|| {
    CLEANER
        .classifier()
        .rules()
        .rules()
        .iter()
        .flat_map(|r| r.examples.iter().cloned())
        .collect()
});

fn boilerplate() -> impl Strategy<Value = String> {
    (0..BOILERPLATE.len()).prop_map(|i| BOILERPLATE[i].clone())
}

/// An article page: navigation and promos, a headline, paragraphs of prose
/// (some damaged), then the boilerplate and related links that follow articles.
fn article() -> impl Strategy<Value = String> {
    (
        prop::collection::vec(boilerplate(), 0..4),
        "[A-Z][a-z]{3,9}( [a-z]{3,9}){4,9}",
        prop::collection::vec(
            prop_oneof![
                4 => prop::collection::vec(sentence(), 1..4).prop_map(|s| s.join(" ")),
                1 => Just("The caf\u{FFFD} opened in 2019\u{FFFD}2020, officials said, and the council approved the plan.".to_string()),
                1 => Just("CafÃ© owners said the pricesâ€™ rise was steep, and the council approved the new budget.".to_string()),
            ],
            2..10,
        ),
        prop::collection::vec(boilerplate(), 0..8),
    )
        .prop_map(|(nav, headline, paras, tail)| {
            let mut doc = nav.join("\n");
            doc.push('\n');
            doc.push_str(&headline);
            doc.push_str("\n\n");
            doc.push_str(&paras.join("\n\n"));
            doc.push('\n');
            doc.push_str(&tail.join("\n"));
            doc
        })
}

/// Headlines in other languages and scripts than the prose below them.
const FOREIGN_HEADLINES: &[&str] = &[
    "Stadtrat: Haushalt nach langer Debatte beschlossen",
    "Le budget adopté. Les écoles et les routes financées dès l'an prochain",
    "¿Aprobará el ayuntamiento el presupuesto? El debate sigue abierto tras semanas de discusión entre los grupos",
    "Bürgermeister Müller (SPD) verteidigt den Haushalt – Opposition kündigt Widerstand an",
    "Orçamento aprovado pela câmara municipal depois de um longo debate",
    "Il consiglio comunale approva il bilancio dopo un lungo dibattito.",
    "Le conseil municipal adopte le budget après un long débat",
    "Stadtrat beschließt den Haushalt nach langer Debatte",
    "El ayuntamiento aprueba el presupuesto tras un largo debate",
    "Городской совет утвердил бюджет после долгих дебатов",
    "Το δημοτικό συμβούλιο ενέκρινε τον προϋπολογισμό",
    "市议会在长时间辩论后通过预算",
    "시의회가 긴 토론 끝에 예산안을 승인했다",
    "مجلس المدينة يقر الميزانية بعد نقاش طويل",
];

/// An article page as [`article`] makes it, perturbed as scraped pages are:
/// its headline in another language or script than its prose (some with a
/// colon, a full stop or a question), and one of its first four lines lost
/// (a navigation line, the headline, or the blank line under it).
fn perturbed_article() -> impl Strategy<Value = String> {
    (
        article(),
        (0..FOREIGN_HEADLINES.len()).prop_map(Some),
        (0usize..4).prop_map(Some),
    )
        .prop_map(|(doc, foreign, lost)| {
            let mut lines: Vec<&str> = doc.split('\n').collect();
            if let Some(k) = foreign {
                // The headline is the first line followed by a blank one.
                if let Some(h) = (0..lines.len().saturating_sub(1))
                    .find(|&i| !lines[i].is_empty() && lines[i + 1].is_empty())
                {
                    lines[h] = FOREIGN_HEADLINES[k];
                }
            }
            if let Some(i) = lost
                && i + 1 < lines.len()
            {
                // The second line of the page, or one near it.
                lines.remove(i + 1);
            }
            lines.join("\n")
        })
}

fn roundtrip_jsonl(rec: &Record) {
    let mut out = Vec::new();
    Format::Jsonl.serialize(rec, None, None, &mut out).unwrap();
    assert_eq!(out.last(), Some(&b'\n'));
    let text = std::str::from_utf8(&out).expect("UTF-8");
    assert_eq!(text.matches('\n').count(), 1, "one line per record");
    let back: Record = serde_json::from_str(text).expect("valid JSON");
    assert_eq!(&back, rec);
}

fn roundtrip_csv(rec: &Record) {
    let mut out = Format::Csv.header(false);
    Format::Csv.serialize(rec, None, None, &mut out).unwrap();
    let mut rdr = csv::Reader::from_reader(&out[..]);
    let rows: Vec<csv::StringRecord> = rdr.records().map(|r| r.expect("valid CSV")).collect();
    assert_eq!(rows.len(), 1);
    assert_eq!(&rows[0][0], rec.id);
    assert_eq!(&rows[0][4], rec.text);
    let fixes: Vec<rinse::Fix> = serde_json::from_str(&rows[0][9]).unwrap();
    assert_eq!(fixes, rec.fixes);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn any_bytes_never_panic_and_serialise_validly(bytes in prop::collection::vec(any::<u8>(), 0..3000)) {
        match CLEANER.clean(&bytes) {
            Ok(rec) => {
                roundtrip_jsonl(&rec);
                roundtrip_csv(&rec);
            }
            Err(e) => prop_assert!(matches!(e, rinse::Error::Binary { .. }), "{e}"),
        }
    }

    #[test]
    fn any_text_document_serialises_validly(doc in document()) {
        let rec = CLEANER.clean(&doc).unwrap();
        roundtrip_jsonl(&rec);
        roundtrip_csv(&rec);
        // Every line of the body came from the input (after repair), none invented.
        for para in rec.text.split("\n\n").filter(|p| !p.is_empty()) {
            prop_assert!(!para.contains('\n'), "a paragraph is one input line");
        }
    }

    #[test]
    fn cleaning_the_clean_text_of_an_article_again_keeps_it(doc in article()) {
        let rec = CLEANER.clean(&doc).unwrap();
        prop_assert!(!rec.text.is_empty(), "a page with prose never comes out empty");
        let again = CLEANER.clean(&rec.text).unwrap();
        prop_assert_eq!(again.fixes.len(), 0, "repair converged: {:?}", again.fixes);
        prop_assert_eq!(&again.text, &rec.text);
        prop_assert!(again.removed.is_empty(), "{:?}", again.removed);
    }

    #[test]
    fn repair_of_any_document_converges(doc in document()) {
        let rec = CLEANER.clean(&doc).unwrap();
        let again = CLEANER.clean(&rec.text).unwrap();
        prop_assert_eq!(again.fixes.len(), 0, "repair converged: {:?}", again.fixes);
    }

    #[test]
    fn jsonl_reader_never_panics(line in "\\PC{0,200}") {
        let _ = JsonDoc::parse(&line);
    }

    #[test]
    fn jsonl_reader_reads_back_any_object(
        fields in prop::collection::vec(("[a-z]{1,8}", any::<String>()), 0..6)
    ) {
        let obj: serde_json::Map<String, serde_json::Value> = fields
            .iter()
            .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
            .collect();
        let line = serde_json::to_string(&obj).unwrap();
        let doc = JsonDoc::parse(&line).unwrap();
        prop_assert_eq!(doc.fields.len(), obj.len());
        for (k, v) in &obj {
            let got = doc.get_str(k);
            prop_assert_eq!(got.as_deref(), v.as_str());
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    /// The pages of issue 14: a foreign-language headline and a lost line.
    #[test]
    fn cleaning_the_clean_text_of_a_perturbed_article_again_keeps_it(doc in perturbed_article()) {
        let rec = CLEANER.clean(&doc).unwrap();
        let again = CLEANER.clean(&rec.text).unwrap();
        prop_assert_eq!(again.fixes.len(), 0, "repair converged: {:?}", again.fixes);
        prop_assert_eq!(&again.text, &rec.text, "title again: {:?}", again.title);
        prop_assert!(again.removed.is_empty(), "{:?}", again.removed);
    }
}
