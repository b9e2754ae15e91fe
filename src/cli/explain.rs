//! `rinse explain FILE` (`-`: standard input): every line with its class and the rule or signal that
//! decided it, coloured in a terminal and plain when piped. A document of a JSONL, WET or
//! Parquet file is named by its place (`FILE:LINE`, as a record's `source` gives it) or
//! by its id (`--id`).

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use anyhow::{Result, bail};
use clap::Args;
use rinse::internals::classify::{Class, signal};
use rinse::internals::jsonl::{self, JsonlLine, JsonlLines};
use rinse::internals::read::{self, InputFile, InputFormat};
use rinse::internals::segment;

use super::EXIT_OK;
use super::clean::cleaner;

/// Arguments of `rinse explain`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  rinse explain page.txt                  a text file
  rinse explain shard.jsonl.gz:17         the document on line 17 (a record's `source`)
  rinse explain CC.warc.wet.gz:3          the third text record of a WET file
  rinse explain shard.jsonl --id doc-42   the document whose id is doc-42")]
pub struct ExplainArgs {
    /// The text file to explain (`-` reads standard input), or one document of a JSONL,
    /// WET or Parquet file: `FILE:LINE`, as a record's `source` names it (`FILE:N` for
    /// the N-th text record of a WET file, the N-th row of a Parquet file).
    #[arg(value_name = "FILE[:LINE]")]
    pub file: PathBuf,
    /// The document of FILE (JSONL, WET or Parquet) whose id is ID (the `--id-key` field).
    #[arg(long, value_name = "ID")]
    pub id: Option<String>,
    /// JSONL and Parquet input: the field (column) that holds the text.
    #[arg(long, default_value = "text", value_name = "KEY")]
    pub text_key: String,
    /// JSONL and Parquet input: the field (column) that holds the document id.
    #[arg(long, default_value = "id", value_name = "KEY")]
    pub id_key: String,
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
    let (path, line) = split_place(&args.file);
    if path.is_dir() {
        bail!("{}: a folder; explain takes one file", path.display());
    }
    let (mut found, problems) =
        read::find_inputs(std::slice::from_ref(&path), "*", InputFormat::Auto, None)?;
    if let Some(p) = problems.first() {
        bail!("{}: {}", p.source, p.reason);
    }
    if found.len() != 1 {
        bail!("{}: not a file", path.display());
    }
    let mut input = found.remove(0);
    if path.as_os_str() == "-" && line.is_none() && args.id.is_none() {
        read::detect_stdin_jsonl(std::slice::from_mut(&mut input), None)?;
    }
    // A place or an id names a document of a file of many.
    input.jsonl |= line.is_some() || args.id.is_some();
    let e = if input.jsonl {
        let wanted = match (line, &args.id) {
            (Some(n), None) => Wanted::Line(n),
            (None, Some(id)) => Wanted::Id(id),
            (Some(_), Some(_)) => bail!("give FILE:LINE or --id, not both"),
            (None, None) => bail!(
                "{} holds one document per line (JSON Lines, WET or Parquet): name one, as FILE:LINE (a record's `source`) or with --id ID",
                input.source()
            ),
        };
        let text = find_document(&input, &wanted, &args)?;
        cleaner.explain(&text)?
    } else {
        // Standard input as the JSONL check left it (bytes it read included).
        let bytes = read::read_text(&input, rinse::DEFAULT_MAX_DOC_BYTES)?;
        cleaner.explain(&bytes)?
    };
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

/// `FILE:LINE` as the file and the line, when `arg` is no file itself and
/// its part before the last colon is one (or `-`); else `arg` whole.
fn split_place(arg: &Path) -> (PathBuf, Option<usize>) {
    if arg.as_os_str() != "-" && !arg.exists() {
        let text = arg.to_string_lossy();
        if let Some((file, n)) = text.rsplit_once(':')
            && let Ok(n) = n.parse::<usize>()
            && (file == "-" || Path::new(file).exists())
        {
            return (PathBuf::from(file), Some(n));
        }
    }
    (arg.to_path_buf(), None)
}

/// Which document of a file of many to explain.
enum Wanted<'a> {
    /// The one on this line (1-based, as in a record's `source`).
    Line(usize),
    /// The one with this id.
    Id(&'a str),
}

/// The text of the document of `input` that `wanted` names, read as `rinse
/// clean` reads JSONL (and WET and Parquet through it).
fn find_document(input: &InputFile, wanted: &Wanted<'_>, args: &ExplainArgs) -> Result<String> {
    let source = input.source();
    let limit = rinse::DEFAULT_MAX_DOC_BYTES;
    let mut lines = JsonlLines::new(read::open(input)?, limit);
    let mut seen = 0;
    while let Some(got) = lines.next_line() {
        seen = lines.line_no();
        let at = format!("{source}:{seen}");
        let target = match wanted {
            Wanted::Line(n) => seen == *n,
            Wanted::Id(_) => true,
        };
        let line = match got {
            JsonlLine::Failed(e) => bail!("{at}: read error: {e}"),
            _ if !target => continue,
            JsonlLine::Line(line) => line,
            JsonlLine::Blank if matches!(wanted, Wanted::Id(_)) => continue,
            JsonlLine::Blank => bail!("{at}: a blank line, no document"),
            JsonlLine::TooLong(size) if matches!(wanted, Wanted::Id(_)) => {
                super::say(format_args!(
                    "rinse: {at}: skipped, a line of {size} bytes (over {limit})"
                ));
                continue;
            }
            JsonlLine::TooLong(size) => {
                bail!("{at}: a line of {size} bytes, over the limit of {limit}")
            }
        };
        let doc = match (jsonl::parse(&line), wanted) {
            (Ok(doc), _) => doc,
            // Looking for an id, a line that is no document is passed over.
            (Err(_), Wanted::Id(_)) => continue,
            (Err(e), Wanted::Line(_)) => bail!("{at}: {e}"),
        };
        if let Wanted::Id(id) = wanted {
            if doc.get_text(&args.id_key).as_deref() != Some(*id) {
                continue;
            }
            super::say(format_args!("rinse: explaining {at}"));
        }
        return jsonl::text_field(&doc, &args.text_key).map_err(|e| anyhow::anyhow!("{at}: {e}"));
    }
    match wanted {
        Wanted::Line(n) => bail!(
            "{source}: no line {n}; it has {seen} (a WET file counts its text records, a Parquet file its rows)"
        ),
        Wanted::Id(id) => bail!("{source}: no document with {} {id:?}", args.id_key),
    }
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
