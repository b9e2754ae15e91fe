//! `rinse fix`: repair text only (decoding, mojibake, lost characters) and print it.

use std::io::{Read, Write};
use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use clap::Args;
use rinse::internals::decode;
use rinse::internals::repair::{self, RepairOptions};

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
    let decoded =
        decode::decode_borrowed(&bytes, args.tld.as_deref()).with_context(|| name.clone())?;
    let mut fixes = Vec::new();
    super::to_stdout(|out| {
        fixes = repair_in_blocks(&decoded.text, &opts, out, args.explain)?;
        Ok(())
    })?;
    if args.explain {
        let mut err = std::io::BufWriter::new(std::io::stderr().lock());
        decoded
            .fixes
            .iter()
            .chain(&fixes)
            .try_for_each(|fix| {
                serde_json::to_writer(&mut err, fix)?;
                err.write_all(b"\n")
            })
            .and_then(|()| err.flush())
            .context("writing the repairs on standard error")?;
    }
    Ok(EXIT_OK)
}

/// How much text `rinse fix` repairs at a time: whole lines, about this many
/// bytes, so that the output is written as it is made instead of held whole
/// (a 50 MB file needed a second 50 MB buffer, its pages faulted in and freed).
const BLOCK: usize = 1 << 20;

/// Repairs `text` a block of whole lines at a time ([`BLOCK`]) and writes each
/// block to `out`: the same text as repairing it whole, since repair works
/// line by line. Returns the fixes, numbered by line of the whole text, when
/// `keep_fixes`.
fn repair_in_blocks(
    text: &str,
    opts: &RepairOptions,
    out: &mut dyn Write,
    keep_fixes: bool,
) -> std::io::Result<Vec<rinse::Fix>> {
    let mut fixes = Vec::new();
    let mut start = 0;
    let mut lines_before = 0;
    loop {
        // The block ends at the first line break after BLOCK bytes.
        let from = (start + BLOCK).min(text.len());
        let end = memchr::memchr(b'\n', &text.as_bytes()[from..]).map(|k| from + k);
        let block = &text[start..end.unwrap_or(text.len())];
        let repaired = repair::repair(block, opts);
        out.write_all(repaired.text.as_bytes())?;
        if keep_fixes {
            fixes.extend(repaired.fixes.into_iter().map(|mut f| {
                f.line += lines_before;
                f
            }));
        }
        lines_before += repaired.line_ends.len();
        match end {
            Some(nl) => {
                out.write_all(b"\n")?;
                start = nl + 1;
            }
            None => return Ok(fixes),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_give_what_one_repair_gives() {
        let line = "caf\u{c3}\u{a9} don\u{FFFD}t stop \u{c3}\u{a0} la plage\n";
        for text in [
            String::new(),
            "\n".to_string(),
            line.repeat(3),
            line.repeat(BLOCK / line.len() * 3),
            line.repeat(BLOCK / line.len() * 2).trim_end().to_string(),
        ] {
            let opts = RepairOptions::default();
            let whole = repair::repair(&text, &opts);
            let mut out = Vec::new();
            let fixes = repair_in_blocks(&text, &opts, &mut out, true).unwrap();
            assert_eq!(String::from_utf8(out).unwrap(), whole.text);
            assert_eq!(fixes, whole.fixes);
        }
    }
}
