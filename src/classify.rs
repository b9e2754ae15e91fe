//! Stage 5: give every line a class, with the rule or signal that decided it.

use crate::rules::{Action, RuleSet};
use crate::segment::Line;

/// The class of a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Class {
    /// An empty line.
    Blank,
    /// The headline.
    Title,
    /// A standalone dateline line.
    Dateline,
    /// A photo caption or photo credit.
    Caption,
    /// Article text.
    Body,
    /// A reporting or editing credit.
    Credit,
    /// The header of a related-links list.
    RelatedHeader,
    /// A related-link item.
    Related,
    /// Boilerplate, dropped.
    Boilerplate,
    /// Part of the page after the article ended, dropped.
    Trailer,
}

/// A line's class and what decided it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// The class.
    pub class: Class,
    /// The id of the rule or signal that decided the class.
    pub reason: String,
}

impl Decision {
    /// The decision for a blank line.
    pub const BLANK: Decision = Decision {
        class: Class::Blank,
        reason: String::new(),
    };

    fn new(class: Class, reason: &str) -> Self {
        Decision {
            class,
            reason: reason.to_string(),
        }
    }
}

/// Classifies lines with a compiled rule set and structural signals.
#[derive(Debug)]
pub struct Classifier {
    rules: RuleSet,
}

fn is_headline_shaped(text: &str) -> bool {
    let t = text.trim();
    let words = t.split_whitespace().count();
    (2..=25).contains(&words) && !t.ends_with(['.', ':', ';', ','])
}

impl Classifier {
    /// A classifier using `rules`.
    pub fn new(rules: RuleSet) -> Self {
        Classifier { rules }
    }

    /// The rule set in use.
    pub fn rules(&self) -> &RuleSet {
        &self.rules
    }

    /// Classifies `lines`; the result has one decision per line.
    pub fn classify(&self, lines: &[Line<'_>]) -> Vec<Decision> {
        let mut out = Vec::with_capacity(lines.len());
        let mut seen_title = false;
        let mut in_related = false;
        let mut ended = false;
        for line in lines {
            if line.is_blank() {
                out.push(Decision::new(Class::Blank, "blank"));
                continue;
            }
            if let Some(rule) = self.rules.first_match(line.text) {
                let class = match rule.action {
                    Action::Remove => Class::Boilerplate,
                    Action::Trailer => {
                        ended = true;
                        in_related = false;
                        Class::Trailer
                    }
                    Action::RelatedHeader => {
                        in_related = true;
                        Class::RelatedHeader
                    }
                    Action::Caption => Class::Caption,
                    Action::Credit => Class::Credit,
                };
                out.push(Decision::new(class, &rule.id));
                continue;
            }
            if ended {
                out.push(Decision::new(Class::Trailer, "signal.after-trailer"));
                continue;
            }
            if in_related && is_headline_shaped(line.text) {
                out.push(Decision::new(Class::Related, "signal.related-item"));
                continue;
            }
            in_related = false;
            if !seen_title && is_headline_shaped(line.text) {
                seen_title = true;
                out.push(Decision::new(Class::Title, "signal.first-headline"));
                continue;
            }
            seen_title = true;
            out.push(Decision::new(Class::Body, "signal.body"));
        }
        out
    }
}
