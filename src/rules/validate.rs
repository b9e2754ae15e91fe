//! Validation of rules: every problem of every rule, not only the first, each
//! named by file and rule. [`RuleSet::compile`](super::RuleSet::compile)
//! refuses a rule set with any problem; the checks here are what its
//! documentation promises (ids, languages, descriptions, word bounds,
//! duplicates, something to match, non-empty phrases), the regex being
//! checked where it is built.

use std::collections::HashMap;

use super::Rule;
use super::format::valid_id;
use super::literal::normalize;
use crate::error::{Error, Result};

/// The problems of rule `r`, each a sentence. `seen` maps the ids met so far
/// to their files, for duplicates; `r`'s id is added.
pub(super) fn rule_problems<'a>(r: &'a Rule, seen: &mut HashMap<&'a str, &'a str>) -> Vec<String> {
    let mut out = Vec::new();
    if r.id.trim().is_empty() {
        out.push("empty id".into());
    } else if !valid_id(&r.id) {
        out.push(
            "id must be `family.name`: lower-case letters, digits, `-` and one or more `.`".into(),
        );
    }
    for bad in r
        .languages
        .iter()
        .filter(|l| l.len() != 2 || !l.bytes().all(|b| b.is_ascii_lowercase()))
    {
        out.push(format!(
            "language {bad:?} is not a two-letter ISO 639-1 code"
        ));
    }
    if r.description.trim().is_empty() {
        out.push("empty description".into());
    }
    if let (Some(lo), Some(hi)) = (r.min_words, r.max_words)
        && lo > hi
    {
        out.push(format!("min_words {lo} > max_words {hi}"));
    }
    if let Some(prev) = seen.insert(r.id.as_str(), r.file.as_str()) {
        out.push(format!("duplicate id (also in {prev})"));
    }
    if r.equals.is_empty() && r.starts_with.is_empty() && r.contains.is_empty() && r.regex.is_none()
    {
        out.push("matches nothing: give equals, starts_with, contains or regex".into());
    }
    if r.starts_with
        .iter()
        .chain(&r.contains)
        .any(|p| normalize(p).is_empty())
    {
        out.push("empty phrase".into());
    }
    out
}

/// A problem of rule `r`.
pub(super) fn problem(r: &Rule, problem: String) -> Error {
    Error::Rule {
        file: r.file.clone(),
        rule: r.id.clone(),
        problem,
    }
}

/// `Ok` when there is no problem; else one error that lists them all, one a
/// line, each as `file: rule "id": problem` (the first line is the error's
/// own `file` and `rule`).
pub(super) fn all(problems: Vec<Error>) -> Result<()> {
    let mut problems = problems.into_iter();
    let Some(first) = problems.next() else {
        return Ok(());
    };
    let rest: Vec<String> = problems.map(|e| e.to_string()).collect();
    if rest.is_empty() {
        return Err(first);
    }
    match first {
        Error::Rule {
            file,
            rule,
            problem,
        } => Err(Error::Rule {
            file,
            rule,
            problem: format!("{problem}\n{}", rest.join("\n")),
        }),
        other => Err(other),
    }
}
