//! Command-line parsing (clap derive) and dispatch to one module per command.

mod clean;
mod coverage;
mod docs;
mod explain;
mod features;
mod fix;
mod jobs;
mod outputs;
mod progress;
mod rules;
mod schema;

use std::io::Write;
use std::process::ExitCode;

use anyhow::Context;
use clap::{CommandFactory, Parser, Subcommand};

/// Exit code: every document cleaned.
pub const EXIT_OK: u8 = 0;
/// Exit code: some documents failed (the rest were written).
pub const EXIT_SOME_FAILED: u8 = 1;
/// Exit code: usage error, or the output could not be written.
pub const EXIT_FATAL: u8 = 2;
/// Exit code: interrupted by SIGINT or SIGTERM (128 + SIGINT).
pub const EXIT_INTERRUPTED: u8 = 130;

/// Turn scraped web text into clean, structured records.
///
/// rinse decodes any encoding, repairs mojibake and lost characters, strips
/// boilerplate by named rules, separates the article from captions, credits and
/// related links, and writes JSONL, CSV or Parquet with an audit trail of every change.
#[derive(Debug, Parser)]
#[command(name = "rinse", version, propagate_version = true)]
#[command(after_help = "Examples:\n  \
    rinse clean samples/ -o cleaned.jsonl      clean a folder of .txt files\n  \
    rinse clean shard.jsonl.gz -o out.csv      clean a JSONL shard into CSV\n  \
    rinse clean train.parquet -o out.parquet   Parquet in, Parquet out (other columns kept)\n  \
    rinse explain page.txt                     why each line was kept or dropped\n  \
    rinse rules test my-rules/                 check your rules against their examples\n  \
    cat in.jsonl | rinse clean --input-format jsonl - > out.jsonl")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Clean documents into JSONL, CSV or Parquet records.
    Clean(Box<clean::CleanArgs>),
    /// List the rules, or test every rule against its examples.
    Rules(rules::RulesArgs),
    /// Count, per rule, the lines and documents it fires on in a corpus.
    Coverage(coverage::CoverageArgs),
    /// Show each line of a file with its class and the rule or signal that decided it.
    Explain(explain::ExplainArgs),
    /// Repair text only (encoding, mojibake, lost characters) and print it.
    Fix(fix::FixArgs),
    /// Print the record's Arrow schema (what Parquet output uses) as JSON.
    Schema(schema::SchemaArgs),
    /// Print a shell completion script (`rinse completions bash > /etc/bash_completion.d/rinse`).
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print rinse's man page (roff; `rinse man > rinse.1`).
    Man,
    /// The line model's input rows, as JSONL (for the training script).
    #[command(hide = true)]
    Features(features::FeaturesArgs),
}

/// Parses the command line and runs the command.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_FATAL } else { EXIT_OK };
            // Help and version go to stdout: a full disk there is an error,
            // a closed pipe (`rinse --help | head`) is not.
            return match e.print() {
                Err(io) if !e.use_stderr() && io.kind() != std::io::ErrorKind::BrokenPipe => {
                    say(format_args!("rinse: error: writing standard output: {io}"));
                    ExitCode::from(EXIT_FATAL)
                }
                _ => ExitCode::from(code),
            };
        }
    };
    let result = match cli.command {
        Command::Clean(args) => clean::run(*args),
        Command::Rules(args) => rules::run(args),
        Command::Coverage(args) => coverage::run(args),
        Command::Explain(args) => explain::run(args),
        Command::Fix(args) => fix::run(args),
        Command::Schema(args) => schema::run(args),
        Command::Completions { shell } => {
            // Generated in memory: clap_complete panics on a failed write.
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "rinse", &mut script);
            to_stdout(|out| out.write_all(&script)).map(|()| EXIT_OK)
        }
        Command::Man => {
            to_stdout(|out| clap_mangen::Man::new(Cli::command()).render(out)).map(|()| EXIT_OK)
        }
        Command::Features(args) => features::run(args),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            if is_broken_pipe(&e) {
                return ExitCode::from(EXIT_OK);
            }
            say(format_args!("rinse: error: {e:#}"));
            ExitCode::from(EXIT_FATAL)
        }
    }
}

/// Writes one line on standard error. A closed or full standard error is
/// ignored: a message must never stop a run, whose outcome the output files
/// and the exit status carry.
pub fn say(line: std::fmt::Arguments<'_>) {
    let mut err = std::io::stderr().lock();
    let _ = err.write_fmt(line);
    let _ = err.write_all(b"\n");
}

/// Runs `write` on standard output, buffered, and flushes it. A write error
/// comes back naming standard output (exit status 2); a closed pipe (`rinse …
/// | head`) ends the command quietly ([`main`] sees to it).
pub fn to_stdout(write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> anyhow::Result<()> {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    write(&mut out)
        .and_then(|()| out.flush())
        .context("writing standard output")
}

/// True when the error chain ends in a broken pipe (`rinse … | head`).
fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            || matches!(c.downcast_ref::<rinse::Error>(), Some(rinse::Error::Io { error, .. }) if error.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
