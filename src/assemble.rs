//! Stage 6: build the record from classified lines.
//!
//! Titles from the page title lose their site name, credit lines their
//! brackets, inline related links (`ALSO READ | Headline`) are split into section
//! and title, and the dateline is read from the start of the first paragraph
//! (`SHUSHA, Azerbaijan (Reuters) -`, `PARIS (AFP) -`, `BERLIN (dpa) -`) when no
//! line was a dateline of its own.

use std::sync::LazyLock;

use regex::Regex;

use crate::classify::{Class, Decision, signal, title};
use crate::record::{Record, Related, Removed};
use crate::segment::Line;

static DATELINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(\p{Lu}[\p{Lu}\p{M} .'-]*\p{Lu}(?:, \p{Lu}[\p{L}\p{M} .'-]*?)?) \((?:Reuters|AP|AFP|Bloomberg|dpa|DPA|EFE|Europa Press|ANSA|APA|KNA|Belga|ATS|SDA|Xinhua|IANS|PTI)\) ?[-–—:]",
    )
    .expect("dateline regex")
});

/// Separators between an inline related link's label and its headline.
static INLINE_RELATED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*([^|:»>–—-]{2,40}?)\s*(?:\||:|»|>|–|—|-)\s*(.+)$")
        .expect("inline related regex")
});

/// Builds a record's content fields (everything but `id`, `source`, `fixes` and
/// `encoding`) from lines and their decisions.
pub fn assemble(lines: &[Line<'_>], decisions: &[Decision]) -> Record {
    let mut rec = Record::default();
    let mut paragraphs: Vec<&str> = Vec::new();
    let mut section = String::new();
    for (line, d) in lines.iter().zip(decisions) {
        let text = line.text.trim();
        match d.class {
            Class::Blank => {}
            Class::Title => {
                rec.title = if d.reason == signal::PAGE_TITLE {
                    title::headline_part(text).to_string()
                } else {
                    text.to_string()
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
            Class::Body => paragraphs.push(text),
            Class::RelatedHeader => {
                section = text
                    .trim_end_matches([':', '»', '›', '>', '|', '.', ' '])
                    .to_string()
            }
            Class::Related if !d.reason.starts_with("signal.") => {
                // An inline related link: the label is the section.
                let (sec, title) = match INLINE_RELATED.captures(text) {
                    Some(c) => (c[1].trim().to_string(), c[2].trim().to_string()),
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
                rule: d.reason.to_string(),
                line: line.no,
                text: text.to_string(),
            }),
        }
    }
    if rec.dateline.is_empty()
        && let Some(first) = paragraphs.first()
        && let Some(c) = DATELINE.captures(first)
    {
        rec.dateline = c[1].to_string();
    }
    rec.text = paragraphs.join("\n\n");
    rec
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datelines_of_several_agencies_are_found() {
        for (line, want) in [
            ("SHUSHA, Azerbaijan (Reuters) - Text.", "SHUSHA, Azerbaijan"),
            ("PARIS (AFP) - Le texte.", "PARIS"),
            ("BERLIN (dpa) - Der Text.", "BERLIN"),
            ("SÃO PAULO (Reuters) - Text.", "SÃO PAULO"),
        ] {
            assert_eq!(&DATELINE.captures(line).unwrap()[1], want);
        }
        assert!(DATELINE.captures("The AP (Reuters) said").is_none());
    }
}
