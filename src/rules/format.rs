//! The rule file format: the types a rule file (`rules/*.toml`) deserialises
//! into. The format itself is documented on [`crate::rules`]; this module must
//! agree with that documentation.

use serde::{Deserialize, Serialize};

/// What a rule does to the line it matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    /// Drop the line as boilerplate.
    Remove,
    /// The article has ended: drop this line and what follows, except related items.
    Trailer,
    /// The line heads a list of related links; the items below go to `related`.
    RelatedHeader,
    /// A photo caption or photo credit.
    Caption,
    /// A reporting or editing credit.
    Credit,
    /// The line is itself a related link (`ALSO READ | …`, `Lire aussi : …`).
    Related,
    /// A marker of a reader comment (its byline, its reply and report links):
    /// dropped, and read by the line model as a sign of a comment thread.
    Comment,
    /// The head of a comment section ('12 Comments', 'Leave a Reply', a
    /// comment form's notice): the article has ended, as with `Trailer`; a
    /// comment marker or another head close below makes it the start of the
    /// thread of reader comments.
    CommentsHead,
}

impl Action {
    /// The action as written in a rule file (`related-header`, `comments-head`).
    pub fn name(self) -> &'static str {
        match self {
            Action::Remove => "remove",
            Action::Trailer => "trailer",
            Action::RelatedHeader => "related-header",
            Action::Caption => "caption",
            Action::Credit => "credit",
            Action::Related => "related",
            Action::Comment => "comment",
            Action::CommentsHead => "comments-head",
        }
    }
}

/// One rule as written in a rule file.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// Unique id, `family.name`.
    pub id: String,
    /// What the rule catches and why.
    pub description: String,
    /// What happens to a matching line.
    pub action: Action,
    /// Languages the rule is written for (ISO 639-1), empty for any.
    #[serde(default)]
    pub languages: Vec<String>,
    /// Whole-line matches (case, spacing and trailing punctuation ignored).
    #[serde(default)]
    pub equals: Vec<String>,
    /// Line-prefix matches (case and spacing ignored).
    #[serde(default)]
    pub starts_with: Vec<String>,
    /// Substring matches (case and spacing ignored).
    #[serde(default)]
    pub contains: Vec<String>,
    /// A regular expression searched in the trimmed line.
    #[serde(default)]
    pub regex: Option<String>,
    /// The rule applies only to lines of at most this many words.
    #[serde(default)]
    pub max_words: Option<usize>,
    /// The rule applies only to lines of at least this many words.
    #[serde(default)]
    pub min_words: Option<usize>,
    /// Lines the rule must match.
    #[serde(default)]
    pub examples: Vec<String>,
    /// Lines the rule must not match.
    #[serde(default)]
    pub counterexamples: Vec<String>,
    /// The file the rule came from (set when loading).
    #[serde(skip)]
    pub file: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RuleFile {
    /// Named lists of literal text, used in a regex as `{name}`.
    #[serde(default)]
    pub(super) lists: super::lists::Lists,
    #[serde(default)]
    pub(super) rule: Vec<Rule>,
}

/// True for ids like `family.name` (lower-case ASCII letters, digits, `-`, `_`).
pub(super) fn valid_id(id: &str) -> bool {
    id.contains('.')
        && !id.starts_with('.')
        && !id.ends_with('.')
        && !id.contains("..")
        && id.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'_')
        })
}
