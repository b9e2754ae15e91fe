//! Stage 6: build the record from classified lines.
//!
//! Titles from the page title lose their site name, credit lines their
//! brackets, inline related links (`ALSO READ | Headline`) are split into section
//! and title, and the dateline is read from the start of the first paragraph
//! (`SHUSHA, Azerbaijan (Reuters) -`, `PARIS (AFP) -`, `BERLIN (dpa) -`) when no
//! line was a dateline of its own.

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::Regex;

use crate::classify::{Class, Decision, signal, title};
use crate::record::{Record, Related, Removed};
use crate::segment::Line;

/// The news agencies a dateline names in brackets, matched as written: the
/// `dateline-agency` list of `rules/credit.toml` (see [`crate::rules::builtin_list`]).
fn agencies() -> &'static [String] {
    crate::rules::builtin_list("dateline-agency")
}

static DATELINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"^(\p{{Lu}}[\p{{Lu}}\p{{M}} .'-]*\p{{Lu}}(?:, \p{{Lu}}[\p{{L}}\p{{M}} .'-]*?)?) \((?:{})\) ?[-–—:]",
        agencies().join("|")
    ))
    .expect("dateline regex")
});

/// The dateline at the start of `paragraph` (`SHUSHA, Azerbaijan` of
/// `SHUSHA, Azerbaijan (Reuters) - …`), if any.
fn dateline_of(paragraph: &str) -> Option<&str> {
    // The place holds no `(`: the first one must open the agency's name, after
    // a space. Most paragraphs fail this, and the regex runs on the others.
    let open = paragraph.find('(')?;
    let agency = &paragraph[open + 1..];
    let plausible = paragraph[..open].ends_with(' ')
        && agencies()
            .iter()
            .any(|a| agency.strip_prefix(a).is_some_and(|r| r.starts_with(')')));
    if !plausible {
        return None;
    }
    DATELINE
        .captures(paragraph)
        .and_then(|c| c.get(1))
        .map(|m| m.as_str())
}

/// Separators between an inline related link's label and its headline.
const RELATED_SEPARATORS: [char; 7] = ['|', ':', '»', '>', '–', '—', '-'];

/// An inline related link (`ALSO READ | Headline`) split into its label and
/// headline, both trimmed; `None` when `line` is not of that form. `line` has
/// no leading or trailing whitespace.
///
/// The regex `^\s*([^|:»>–—-]{2,40}?)\s*(?:\||:|»|>|–|—|-)\s*(.+)$` said the
/// same (the tests check the two against each other): the label runs up to
/// the first separator, holds 2 to 40 characters before its trailing
/// whitespace (or exactly 2 when the characters before the whitespace are
/// fewer), and something must follow the separator.
fn split_inline_related(line: &str) -> Option<(&str, &str)> {
    let sep = line.find(RELATED_SEPARATORS)?;
    let label = &line[..sep];
    let trimmed = label.trim_end();
    let chars = trimmed.chars().count();
    if chars > 40 || label.chars().nth(1).is_none() {
        return None;
    }
    let sep_len = line[sep..].chars().next().map_or(1, char::len_utf8);
    let rest = &line[sep + sep_len..];
    if rest.is_empty() {
        return None;
    }
    // The label is at least two characters, whitespace or not.
    let label = if chars < 2 {
        let two = label.char_indices().nth(2).map_or(label.len(), |(i, _)| i);
        &label[..two]
    } else {
        trimmed
    };
    Some((label.trim(), rest.trim()))
}

/// Builds a record's content fields (everything but `id`, `source`, `fixes` and
/// `encoding`) from lines and their decisions.
pub fn assemble(lines: &[Line<'_>], decisions: &[Decision]) -> Record {
    let mut rec = Record::default();
    // Sized at once: on a page of many removed lines, a list grown by
    // doubling holds up to twice the entries.
    let removed = decisions
        .iter()
        .filter(|d| matches!(d.class, Class::Boilerplate | Class::Trailer))
        .count();
    rec.removed.reserve_exact(removed);
    let mut paragraphs: Vec<&str> = Vec::new();
    let mut section = String::new();
    for (line, d) in lines.iter().zip(decisions) {
        let text = crate::text::trim(line.text);
        match d.class {
            Class::Blank => {}
            Class::Title => {
                rec.title = if d.reason == signal::PAGE_TITLE {
                    title::page_headline(text, lines).to_string()
                } else {
                    // A headline line may carry a section label before it.
                    title::without_label(text, lines).to_string()
                }
            }
            Class::Dateline => rec.dateline = text.to_string(),
            Class::Caption => rec.captions.push(text.to_string()),
            Class::Credit => rec.credits.push(
                text.trim_start_matches(['(', '—', '–', '-', ' '])
                    .trim_end_matches(')')
                    .trim()
                    .to_string(),
            ),
            Class::Body => match d.keep {
                Some((a, b)) => {
                    // A page glued into one line: its edges are removed.
                    for (edge, keep) in [
                        (&line.text[..a], false),
                        (&line.text[a..b], true),
                        (&line.text[b..], false),
                    ] {
                        let edge = crate::text::trim(edge);
                        if keep {
                            paragraphs.push(edge);
                        } else if !edge.is_empty() {
                            rec.removed.push(Removed {
                                rule: Cow::Borrowed(signal::GLUED_EDGE),
                                line: line.no,
                                text: edge.to_string(),
                            });
                        }
                    }
                }
                None => paragraphs.push(text),
            },
            Class::RelatedHeader => {
                section = text
                    .trim_end_matches([':', '»', '›', '>', '|', '.', ' '])
                    .to_string()
            }
            Class::Related if !d.reason.starts_with("signal.") => {
                // An inline related link: the label is the section.
                let (sec, title) = match split_inline_related(text) {
                    Some((sec, title)) => (sec.to_string(), title.to_string()),
                    None => (String::new(), text.to_string()),
                };
                rec.related.push(Related {
                    section: sec,
                    title,
                });
            }
            Class::Related => rec.related.push(Related {
                section: if d.reason == signal::RELATED_RUN {
                    String::new()
                } else {
                    section.clone()
                },
                title: text.to_string(),
            }),
            Class::Boilerplate | Class::Trailer => rec.removed.push(Removed {
                rule: d.reason.clone(),
                line: line.no,
                text: text.to_string(),
            }),
        }
    }
    if rec.dateline.is_empty()
        && let Some(first) = paragraphs.first()
        && let Some(place) = dateline_of(first)
    {
        rec.dateline = place.to_string();
    }
    rec.text = paragraphs.join("\n\n");
    rec
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn datelines_of_several_agencies_are_found() {
        for (line, want) in [
            ("SHUSHA, Azerbaijan (Reuters) - Text.", "SHUSHA, Azerbaijan"),
            ("PARIS (AFP) - Le texte.", "PARIS"),
            ("BERLIN (dpa) - Der Text.", "BERLIN"),
            ("SÃO PAULO (Reuters) - Text.", "SÃO PAULO"),
        ] {
            assert_eq!(&DATELINE.captures(line).unwrap()[1], want);
            assert_eq!(dateline_of(line), Some(want));
        }
        assert!(DATELINE.captures("The AP (Reuters) said").is_none());
        assert_eq!(dateline_of("The AP (Reuters) said"), None);
    }

    /// The regex that [`split_inline_related`] stands for.
    static INLINE_RELATED: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^\s*([^|:»>–—-]{2,40}?)\s*(?:\||:|»|>|–|—|-)\s*(.+)$").unwrap()
    });

    fn by_regex(line: &str) -> Option<(&str, &str)> {
        INLINE_RELATED.captures(line).map(|c| {
            let part = |k| c.get(k).map_or("", |m| m.as_str()).trim();
            (part(1), part(2))
        })
    }

    #[test]
    fn inline_related_links_split_as_the_regex_does() {
        for line in [
            "ALSO READ | Headline here",
            "Read more: The story",
            "A: b",
            "A  : b",
            "AB:",
            ":AB",
            "x - y - z",
            "Siehe auch » Die Geschichte",
            "A label that is far longer than forty characters | Headline",
            "Forty characters exactly in this label.. | H",
        ] {
            assert_eq!(split_inline_related(line), by_regex(line), "{line:?}");
        }
    }

    proptest! {
        #[test]
        fn inline_related_split_agrees_with_the_regex(
            s in "([a-zé中 \t\u{A0}\u{2003}|:»>–—-]|a{20}){0,12}"
        ) {
            let line = s.trim();
            prop_assert_eq!(split_inline_related(line), by_regex(line), "{:?}", line);
        }

        #[test]
        fn dateline_prefilter_never_hides_a_dateline(
            s in "([A-ZÃa-z ,.'()\u{301}-]|Reuters|AP|AFP|Europa Press|[)] - |PARIS){0,10}"
        ) {
            let want = DATELINE.captures(&s).map(|c| c.get(1).unwrap().as_str());
            prop_assert_eq!(dateline_of(&s), want, "{:?}", s);
        }
    }
}
