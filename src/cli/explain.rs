//! `rinse explain FILE` (`-`: standard input): every line with its class and the rule or signal that
//! decided it, coloured in a terminal and plain when piped.

use std::io::IsTerminal;
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;
use rinse::internals::classify::{Class, signal};
use rinse::internals::segment;

use super::EXIT_OK;
use super::clean::cleaner;

/// Arguments of `rinse explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The text file to explain; `-` reads standard input.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Add the rules in this folder (a rule with a built-in id replaces it).
    #[arg(long, value_name = "DIR")]
    pub rules: Vec<PathBuf>,
    /// Turn off a rule by id (repeatable).
    #[arg(long, value_name = "ID")]
    pub disable: Vec<String>,
    /// Colour the output: auto (when stdout is a terminal and NO_COLOR is
    /// not set), always or never.
    #[arg(long, default_value = "auto", value_name = "WHEN")]
    pub color: String,
}

fn colour(class: Class) -> &'static str {
    match class {
        Class::Blank => "",
        Class::Title => "\x1b[1;36m",
        Class::Dateline | Class::Credit => "\x1b[35m",
        Class::Caption => "\x1b[33m",
        Class::Body => "\x1b[32m",
        Class::RelatedHeader | Class::Related => "\x1b[34m",
        Class::Boilerplate | Class::Trailer => "\x1b[2;31m",
    }
}

/// Whether to colour: `always`, `never`, or (auto) on a terminal unless
/// `NO_COLOR` is set to a non-empty value (<https://no-color.org>).
fn colour_wanted(when: &str, no_color: Option<std::ffi::OsString>, terminal: bool) -> bool {
    match when {
        "always" => true,
        "never" => false,
        _ => terminal && no_color.is_none_or(|v| v.is_empty()),
    }
}

/// Runs `rinse explain`.
pub fn run(args: ExplainArgs) -> Result<u8> {
    let cleaner = cleaner(&args.rules, &args.disable)?;
    let bytes = if args.file.as_os_str() == "-" {
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin().lock(), &mut bytes)
            .context("reading standard input")?;
        bytes
    } else {
        std::fs::read(&args.file).with_context(|| format!("reading {}", args.file.display()))?
    };
    let e = cleaner.explain(&bytes)?;
    let colour_on = colour_wanted(
        &args.color,
        std::env::var_os("NO_COLOR"),
        std::io::stdout().is_terminal(),
    );
    super::to_stdout(|out| {
        for ((line, d), score) in segment::lines(&e.text)
            .iter()
            .zip(&e.decisions)
            .zip(&e.scores)
        {
            if d.class == Class::Blank {
                writeln!(out, "{:>5}", line.no)?;
                continue;
            }
            let (on, off) = if colour_on {
                (colour(d.class), "\x1b[0m")
            } else {
                ("", "")
            };
            match d.keep {
                // A page glued into one line: its edges, then the article.
                Some((a, b)) => {
                    for (class, reason, part) in [
                        (
                            Class::Boilerplate.name(),
                            signal::GLUED_EDGE,
                            &line.text[..a],
                        ),
                        (d.class.name(), d.reason.as_ref(), &line.text[a..b]),
                        (
                            Class::Boilerplate.name(),
                            signal::GLUED_EDGE,
                            &line.text[b..],
                        ),
                    ] {
                        let part = part.trim();
                        if !part.is_empty() {
                            writeln!(
                                out,
                                "{on}{:>5} {:<14} {:<28} {}{off}",
                                line.no, class, reason, part
                            )?;
                        }
                    }
                }
                None => writeln!(
                    out,
                    "{on}{:>5} {:<14} {:<28} {}{off}",
                    line.no,
                    d.class.name(),
                    d.reason,
                    line.text
                )?,
            }
            if let Some(s) = score {
                let top: Vec<String> = s.top.iter().map(|(n, c)| format!("{n} {c:+.2}")).collect();
                writeln!(
                    out,
                    "{on}{:>5} {:<14} p={:.2}  {}{off}",
                    "",
                    "",
                    s.p,
                    top.join(", ")
                )?;
            }
        }
        Ok(())
    })?;
    Ok(EXIT_OK)
}

#[cfg(test)]
mod tests {
    use super::colour_wanted;

    #[test]
    fn no_color_turns_auto_colour_off_but_not_always() {
        let set = || Some(std::ffi::OsString::from("1"));
        assert!(colour_wanted("auto", None, true));
        assert!(!colour_wanted("auto", set(), true));
        assert!(colour_wanted("auto", Some("".into()), true));
        assert!(!colour_wanted("auto", None, false));
        assert!(colour_wanted("always", set(), false));
        assert!(!colour_wanted("never", None, true));
    }
}
