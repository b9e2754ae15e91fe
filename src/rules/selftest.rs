//! A rule's self-test: its own `examples` and `counterexamples`, run through
//! the fast path ([`RuleSet::first_match_index`]), as `rinse rules test` does.

use super::{Rule, RuleSet};
use crate::error::Result;

/// The outcome of one rule's own examples (see [`test_rule`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RuleTest {
    /// The rule's id.
    pub id: String,
    /// The file the rule came from.
    pub file: String,
    /// Examples the rule matched, as it should.
    pub validated: usize,
    /// Examples the rule did not match.
    pub missing: Vec<String>,
    /// Counterexamples the rule matched.
    pub noisy: Vec<String>,
    /// Counterexamples the rule left alone, as it should.
    pub quiet: usize,
    /// Why the rule's regex falls off the fast path and runs whole on every
    /// line it fits (slower, still correct); `None` when it has no regex or
    /// the fast path serves it. A warning, not a failure.
    pub slow_path: Option<String>,
}

impl RuleTest {
    /// True when every example matched, no counterexample did, and there was at
    /// least one example.
    pub fn passed(&self) -> bool {
        self.missing.is_empty() && self.noisy.is_empty() && self.validated > 0
    }
}

/// Runs `rule` alone over its `examples` (which it must match) and
/// `counterexamples` (which it must not). Fails only when the rule does not compile.
pub fn test_rule(rule: &Rule) -> Result<RuleTest> {
    let set = RuleSet::compile(vec![rule.clone()])?;
    let mut t = RuleTest {
        id: rule.id.clone(),
        file: rule.file.clone(),
        slow_path: rule.regex.as_deref().and_then(super::plan::why_whole),
        ..RuleTest::default()
    };
    for e in &rule.examples {
        if set.first_match_index(e).is_some() {
            t.validated += 1;
        } else {
            t.missing.push(e.clone());
        }
    }
    for c in &rule.counterexamples {
        if set.first_match_index(c).is_some() {
            t.noisy.push(c.clone());
        } else {
            t.quiet += 1;
        }
    }
    Ok(t)
}
