//! `rinse rules list` and `rinse rules test [DIR]`: the rules as a testable artefact.

use std::path::PathBuf;

use anyhow::{Result, bail};
use clap::{Args, Subcommand};
use rinse::internals::rules::{self, Rule};

use super::clean::{load_rules, rule_list};
use super::{EXIT_OK, EXIT_SOME_FAILED, to_stdout};

/// Arguments of `rinse rules`.
#[derive(Debug, Args)]
pub struct RulesArgs {
    #[command(subcommand)]
    command: RulesCommand,
}

#[derive(Debug, Subcommand)]
enum RulesCommand {
    /// List every rule: id, action, languages, file and description.
    List {
        /// Add the rules in this folder (a rule with a built-in id replaces it).
        #[arg(long, value_name = "DIR")]
        rules: Vec<PathBuf>,
    },
    /// Run every example and counterexample of every rule; prints validated /
    /// missing / noisy per rule, and warns of a rule whose regex the fast
    /// path cannot serve. Exit status 1 on any miss, any noisy
    /// counterexample, a rule without examples, or an unknown --only id.
    Test {
        /// Also test the rules of this folder, added to the built-in rules as
        /// `rinse clean --rules DIR` adds them (a rule with a built-in id
        /// replaces it). Without DIR: the built-in rules.
        #[arg(value_name = "DIR")]
        dir: Option<PathBuf>,
        /// Test only this rule id (repeatable); an unknown id is an error.
        #[arg(long, value_name = "ID")]
        only: Vec<String>,
    },
}

/// Runs `rinse rules …`.
pub fn run(args: RulesArgs) -> Result<u8> {
    match args.command {
        RulesCommand::List { rules } => {
            // Compile, so that a bad rule is reported before listing.
            let set = load_rules(&rules, &[])?;
            to_stdout(|out| {
                for r in set.rules() {
                    writeln!(
                        out,
                        "{:<28} {:<15} {:<18} {:<24} {}",
                        r.id,
                        r.action.name(),
                        if r.languages.is_empty() {
                            "any".to_string()
                        } else {
                            r.languages.join(",")
                        },
                        r.file,
                        r.description
                    )?;
                }
                Ok(())
            })?;
            Ok(EXIT_OK)
        }
        RulesCommand::Test { dir, only } => {
            let all: Vec<Rule> = rule_list(dir.as_slice(), &[])?;
            for id in &only {
                if !all.iter().any(|r| &r.id == id) {
                    bail!("--only {id}: no rule has that id");
                }
            }
            // The whole set must compile (duplicate ids, bad regexes).
            rules::RuleSet::compile(all.clone())?;
            let chosen: Vec<&Rule> = all
                .iter()
                .filter(|r| only.is_empty() || only.contains(&r.id))
                .collect();
            let tests = chosen
                .iter()
                .map(|r| rules::test_rule(r))
                .collect::<rinse::Result<Vec<_>>>()?;
            let cases: usize = tests
                .iter()
                .map(|t| t.validated + t.missing.len() + t.noisy.len() + t.quiet)
                .sum();
            let failed = tests.iter().filter(|t| !t.passed()).count();
            to_stdout(|out| {
                for (r, t) in chosen.iter().zip(&tests) {
                    let status = if t.passed() { "ok  " } else { "FAIL" };
                    writeln!(
                        out,
                        "{status} {:<28} validated {}/{}, counterexamples quiet {}/{}  {}",
                        t.id,
                        t.validated,
                        r.examples.len(),
                        t.quiet,
                        r.counterexamples.len(),
                        t.file,
                    )?;
                    if r.examples.is_empty() {
                        writeln!(out, "     no examples: every rule needs at least one")?;
                    }
                    for m in &t.missing {
                        writeln!(out, "     missing: {m:?}")?;
                    }
                    for n in &t.noisy {
                        writeln!(out, "     noisy:   {n:?}")?;
                    }
                    if let Some(why) = &t.slow_path {
                        writeln!(
                            out,
                            "warn {}: off the fast path, its regex runs whole on every line it fits: {why}",
                            t.id
                        )?;
                    }
                }
                writeln!(
                    out,
                    "{} rules, {cases} cases, {failed} failed",
                    chosen.len()
                )?;
                if cases == 0 {
                    writeln!(out, "no case ran")?;
                }
                Ok(())
            })?;
            Ok(if failed > 0 || cases == 0 {
                EXIT_SOME_FAILED
            } else {
                EXIT_OK
            })
        }
    }
}
