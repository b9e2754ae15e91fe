//! `rinse fix`: repair text only (decoding, mojibake, lost characters) and print it.

use std::io::{Read, Write};
use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use clap::Args;
use rinse::decode;
use rinse::repair::{self, RepairOptions};

use super::EXIT_OK;

/// Arguments of `rinse fix`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    rinse fix page.txt > fixed.txt\n  \
    printf 'caf\\xc3\\x83\\xc2\\xa9\\n' | rinse fix --explain -")]
pub struct FixArgs {
    /// The file to repair; `-` or nothing reads standard input. Bytes of any
    /// encoding: the text is decoded first.
    #[arg(value_name = "FILE")]
    pub path: Option<PathBuf>,

    /// List each repair on standard error as JSONL: {rule, line, before, after}.
    #[arg(long)]
    pub explain: bool,

    /// Do not guess characters lost to U+FFFD.
    #[arg(long)]
    pub no_guess: bool,

    /// Turn off a repair rule by id (repeatable; see the ids below).
    #[arg(long, value_name = "ID")]
    pub disable: Vec<String>,

    /// Top-level domain of the page (`fr`, `jp`), a hint for guessing legacy encodings.
    #[arg(long, value_name = "TLD")]
    pub tld: Option<String>,
}

/// Runs `rinse fix`.
pub fn run(args: FixArgs) -> Result<u8> {
    let mut opts = RepairOptions {
        guess: !args.no_guess,
        ..RepairOptions::default()
    };
    for id in &args.disable {
        if !repair::is_rule(id) {
            let ids: Vec<&str> = repair::RULES.iter().map(|(r, _)| *r).collect();
            bail!(
                "--disable {id}: no repair rule has that id (ids: {})",
                ids.join(", ")
            );
        }
        opts.disabled.insert(id.clone());
    }
    let (bytes, name) = match &args.path {
        Some(p) if p.as_os_str() != "-" => (
            std::fs::read(p).with_context(|| format!("reading {}", p.display()))?,
            p.display().to_string(),
        ),
        _ => {
            let mut buf = Vec::new();
            std::io::stdin()
                .lock()
                .read_to_end(&mut buf)
                .context("reading standard input")?;
            (buf, "<stdin>".to_string())
        }
    };
    let decoded = decode::decode(&bytes, args.tld.as_deref()).with_context(|| name.clone())?;
    let repaired = repair::repair(&decoded.text, &opts);
    super::to_stdout(|out| out.write_all(repaired.text.as_bytes()))?;
    if args.explain {
        let mut err = std::io::BufWriter::new(std::io::stderr().lock());
        decoded
            .fixes
            .iter()
            .chain(&repaired.fixes)
            .try_for_each(|fix| {
                serde_json::to_writer(&mut err, fix)?;
                err.write_all(b"\n")
            })
            .and_then(|()| err.flush())
            .context("writing the repairs on standard error")?;
    }
    Ok(EXIT_OK)
}
