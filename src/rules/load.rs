//! Loading rule files: the embedded built-in files, a user's folder, and the
//! merge of the two. Parsing only; [`crate::rules::RuleSet::compile`]
//! validates what it is given.

use std::path::Path;

use super::format::{Rule, RuleFile};
use super::lists::{self, Lists};
use crate::error::{Error, Result};

/// The built-in rule files, embedded at compile time: (file name, contents).
///
/// The order is the rules' priority: when several rules match a line, the first
/// decides. A test checks that this list names every file in `rules/`.
pub const BUILTIN: &[(&str, &str)] = &[
    ("caption.toml", include_str!("../../rules/caption.toml")),
    ("credit.toml", include_str!("../../rules/credit.toml")),
    ("related.toml", include_str!("../../rules/related.toml")),
    ("trailer.toml", include_str!("../../rules/trailer.toml")),
    ("comments.toml", include_str!("../../rules/comments.toml")),
    ("promo.toml", include_str!("../../rules/promo.toml")),
    ("share.toml", include_str!("../../rules/share.toml")),
    ("cookie.toml", include_str!("../../rules/cookie.toml")),
    ("ads.toml", include_str!("../../rules/ads.toml")),
    ("meta.toml", include_str!("../../rules/meta.toml")),
    ("nav.toml", include_str!("../../rules/nav.toml")),
    ("copyright.toml", include_str!("../../rules/copyright.toml")),
];

/// Parses one rule file. `name` is used in error messages. A rule's regex
/// comes back with the file's named lists (`{name}`) expanded.
pub fn parse_file(name: &str, text: &str) -> Result<Vec<Rule>> {
    parse(name, text).map(|(rules, _)| rules)
}

/// [`parse_file`], with the file's named lists.
pub(super) fn parse(name: &str, text: &str) -> Result<(Vec<Rule>, Lists)> {
    let problem = |rule: &str, problem: String| Error::Rule {
        file: name.to_string(),
        rule: rule.to_string(),
        problem,
    };
    let file: RuleFile =
        toml::from_str(text).map_err(|e| problem("", e.to_string().trim().to_string()))?;
    // Every problem of the file, not only the first.
    let mut problems: Vec<Error> = lists::problems(&file.lists)
        .into_iter()
        .map(|p| problem("", p))
        .collect();
    let mut rules = file.rule;
    for r in &mut rules {
        r.file = name.to_string();
        if let Some(re) = &r.regex {
            match lists::expand(re, &file.lists) {
                Ok(expanded) => r.regex = Some(expanded),
                Err(p) => problems.push(problem(&r.id, p)),
            }
        }
    }
    super::validate::all(problems)?;
    Ok((rules, file.lists))
}

/// Parses the built-in rule files.
pub fn builtin_rules() -> Result<Vec<Rule>> {
    let mut all = Vec::new();
    for (name, text) in BUILTIN {
        all.extend(parse_file(&format!("<builtin>/{name}"), text)?);
    }
    Ok(all)
}

/// Parses every `*.toml` file in `dir`, in file-name order.
pub fn load_dir(dir: &Path) -> Result<Vec<Rule>> {
    let mut paths = Vec::new();
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(dir, e))?;
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "toml") {
            paths.push(path);
        }
    }
    paths.sort();
    let mut all = Vec::new();
    for path in paths {
        let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
        all.extend(parse_file(&path.display().to_string(), &text)?);
    }
    Ok(all)
}

/// Merges `extra` into `base`: a rule whose id is already in `base` replaces it in
/// place, a new id is appended.
pub fn merge(base: &mut Vec<Rule>, extra: Vec<Rule>) {
    for rule in extra {
        match base.iter_mut().find(|r| r.id == rule.id) {
            Some(slot) => *slot = rule,
            None => base.push(rule),
        }
    }
}
