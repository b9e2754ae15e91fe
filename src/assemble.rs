//! Stage 6: build the record from classified lines.

use std::sync::LazyLock;

use regex::Regex;

use crate::classify::{Class, Decision};
use crate::record::{Record, Related, Removed};
use crate::segment::Line;

static DATELINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^([A-Z][A-Z .'-]+(?:, [A-Z][\w .'-]*)?) \((?:Reuters|AP|AFP|Bloomberg)\) [-–—]")
        .expect("dateline regex")
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
            Class::Title => rec.title = text.to_string(),
            Class::Dateline => rec.dateline = text.to_string(),
            Class::Caption => rec.captions.push(text.to_string()),
            Class::Credit => rec.credits.push(
                text.trim_start_matches('(')
                    .trim_end_matches(')')
                    .to_string(),
            ),
            Class::Body => paragraphs.push(text),
            Class::RelatedHeader => section = text.to_string(),
            Class::Related => rec.related.push(Related {
                section: section.clone(),
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
        && let Some(c) = DATELINE.captures(first)
    {
        rec.dateline = c[1].to_string();
    }
    rec.text = paragraphs.join("\n\n");
    rec
}
