//! Named lists: a rule file's `[lists]` table, whose lists a rule's `regex`
//! uses as `{name}`. Expanding `{name}` gives `(?:item|item|…)`, each item
//! regex-escaped (items are literal text), so a rule using a list matches
//! exactly what the same regex with the alternation written out matches (a
//! test checks this). The built-in files' lists are also read by the program
//! itself ([`builtin_list`]): one list of names serves both.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use super::load::BUILTIN;

/// A file's named lists: name → items, in file order.
pub type Lists = BTreeMap<String, Vec<String>>;

/// Whether `name` is a valid list name: a lower-case ASCII letter, then
/// lower-case letters, digits, `-` or `_`.
pub(super) fn valid_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_lowercase())
        && bytes.all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'-' | b'_'))
}

/// The problems of `lists` itself (bad names, empty lists or items), each a
/// sentence.
pub(super) fn problems(lists: &Lists) -> Vec<String> {
    let mut out = Vec::new();
    for (name, items) in lists {
        if !valid_name(name) {
            out.push(format!(
                "list {name:?}: a list name is lower-case letters, digits, `-` and `_`, starting with a letter"
            ));
        }
        if items.is_empty() {
            out.push(format!("list {name:?} is empty"));
        }
        if items.iter().any(|i| i.is_empty()) {
            out.push(format!("list {name:?} has an empty item"));
        }
    }
    out
}

/// `re` with every `{name}` replaced by the alternation of list `name`:
/// `(?:a|b)`, each item regex-escaped. A `{` that does not open a list name
/// (a repetition `x{2,5}`, an escape `\p{Lu}`, `\x{41}`, `\{`, or inside a
/// character class) is left as it is. Fails with the problem on a name that
/// `lists` lacks.
pub(super) fn expand(re: &str, lists: &Lists) -> Result<String, String> {
    if !re.contains('{') {
        return Ok(re.to_string());
    }
    let mut out = String::with_capacity(re.len());
    let mut class_depth = 0usize;
    let mut rest = re;
    while let Some(c) = rest.chars().next() {
        match c {
            '\\' => {
                // An escape: `\x`, and the braces of `\p{…}`, `\x{…}`, `\u{…}`.
                let mut chars = rest.char_indices().skip(1);
                let mut end = chars.next().map_or(rest.len(), |(i, ch)| i + ch.len_utf8());
                if matches!(rest[1..].chars().next(), Some('p' | 'P' | 'x' | 'u' | 'U'))
                    && rest[end..].starts_with('{')
                    && let Some(close) = rest[end..].find('}')
                {
                    end += close + 1;
                }
                out.push_str(&rest[..end]);
                rest = &rest[end..];
                continue;
            }
            '[' => class_depth += 1,
            ']' if class_depth > 0 => class_depth -= 1,
            '{' if class_depth == 0 => {
                let name_len = rest[1..]
                    .find(|ch: char| {
                        !(ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '-' || ch == '_')
                    })
                    .unwrap_or(rest.len() - 1);
                let name = &rest[1..1 + name_len];
                if rest[1 + name_len..].starts_with('}') && valid_name(name) {
                    let Some(items) = lists.get(name) else {
                        let known: Vec<&str> = lists.keys().map(String::as_str).collect();
                        return Err(format!(
                            "regex uses {{{name}}}, but the file has no list {name:?} (its lists: {})",
                            if known.is_empty() {
                                "none".to_string()
                            } else {
                                known.join(", ")
                            }
                        ));
                    };
                    out.push_str("(?:");
                    for (k, item) in items.iter().enumerate() {
                        if k > 0 {
                            out.push('|');
                        }
                        out.push_str(&regex::escape(item));
                    }
                    out.push(')');
                    rest = &rest[name_len + 2..];
                    continue;
                }
            }
            _ => {}
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    Ok(out)
}

/// The lists of the built-in rule files, by name (a test checks that no two
/// built-in files define one name).
static BUILTIN_LISTS: LazyLock<Lists> = LazyLock::new(|| {
    let mut all = Lists::new();
    // Only the files that have lists are parsed again.
    for (name, text) in BUILTIN.iter().filter(|(_, t)| t.contains("[lists]")) {
        if let Ok((_, lists)) = super::load::parse(name, text) {
            all.extend(lists);
        }
    }
    all
});

/// The items of the built-in list `name` (`[lists]` of a file in `rules/`),
/// for code that must agree with the built-in rules: the dateline agencies of
/// the assembly stage come from `rules/credit.toml`. Empty if there is no such
/// list; the tests check every name the program asks for.
pub fn builtin_list(name: &str) -> &'static [String] {
    BUILTIN_LISTS.get(name).map_or(&[], Vec::as_slice)
}
