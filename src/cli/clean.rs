//! `rinse clean`: the main job.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::{Args, ValueEnum};
use rinse::Cleaner;
use rinse::cleaner::{DEFAULT_MAX_DOC_BYTES, Options};
use rinse::pipeline::{self, Config, Event, Stats};
use rinse::read::{self, InputFormat};
use rinse::rules::{self, RuleSet};
use rinse::write::{self, AtomicFile, ErrorRecord, Format};

use super::progress::Progress;
use super::{EXIT_FATAL, EXIT_OK, EXIT_SOME_FAILED};

/// Output format names for `--format`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FormatArg {
    /// One JSON object per line.
    Jsonl,
    /// Comma-separated values with a header; list fields as JSON arrays.
    Csv,
}

/// Input format names for `--input-format`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum InputFormatArg {
    /// `.jsonl`/`.ndjson`/`.json` files (also `.gz`, `.zst`) are JSONL, the rest text.
    Auto,
    /// Every input is one text document.
    Text,
    /// Every input is JSONL, one document per line.
    Jsonl,
}

/// Arguments of `rinse clean`.
#[derive(Debug, Args)]
#[command(
    after_help = "Every input document ends up in the output or in the error report; \
the summary says documents in = written + failed.\n\
Exit status: 0 all documents cleaned, 1 some failed (the rest written), 2 usage error or \
output not writable."
)]
pub struct CleanArgs {
    /// Files and folders to clean; folders are walked recursively in sorted order.
    /// `-` or nothing reads standard input.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Where to write records; `-` is standard output. Written under a temporary
    /// name and renamed when complete.
    #[arg(short, long, value_name = "FILE", default_value = "-")]
    pub output: PathBuf,

    /// Output format [default: from the -o extension, `.csv` or else jsonl].
    #[arg(long, value_enum)]
    pub format: Option<FormatArg>,

    /// How to read inputs.
    #[arg(long, value_enum, default_value = "auto")]
    pub input_format: InputFormatArg,

    /// Which files to take from folders (matched against the relative path and the file name).
    #[arg(long, default_value = "*.txt", value_name = "GLOB")]
    pub glob: String,

    /// JSONL input: the field that holds the text.
    #[arg(long, default_value = "text", value_name = "KEY")]
    pub text_key: String,

    /// JSONL input: the field that holds the document id.
    #[arg(long, default_value = "id", value_name = "KEY")]
    pub id_key: String,

    /// Worker threads [default: one per core].
    #[arg(short = 'j', long, value_name = "N")]
    pub threads: Option<usize>,

    /// Write failed documents here as JSONL ({source, id, reason}).
    #[arg(long, value_name = "FILE")]
    pub errors: Option<PathBuf>,

    /// Write the run's summary here as JSON.
    #[arg(long, value_name = "FILE")]
    pub stats: Option<PathBuf>,

    /// Add the rules in this folder's *.toml files (a rule with a built-in id replaces it).
    #[arg(long, value_name = "DIR")]
    pub rules: Vec<PathBuf>,

    /// Turn off a rule by id (repeatable).
    #[arg(long, value_name = "ID")]
    pub disable: Vec<String>,

    /// Do not guess characters lost to U+FFFD.
    #[arg(long)]
    pub no_guess: bool,

    /// Refuse documents larger than this many bytes (they go to the error report).
    #[arg(long, default_value_t = DEFAULT_MAX_DOC_BYTES, value_name = "BYTES")]
    pub max_doc_bytes: u64,

    /// No progress bar and no summary.
    #[arg(short, long)]
    pub quiet: bool,
}

/// Loads built-in rules, adds `dirs`, removes `disable`d ids and compiles them.
pub fn load_rules(dirs: &[PathBuf], disable: &[String]) -> Result<RuleSet> {
    let mut all = rules::builtin_rules()?;
    for dir in dirs {
        let extra = rules::load_dir(dir)
            .with_context(|| format!("loading rules from {}", dir.display()))?;
        rules::merge(&mut all, extra);
    }
    for id in disable {
        if rinse::repair::is_rule(id) {
            continue; // a repair rule: goes to the repair options
        }
        let before = all.len();
        all.retain(|r| &r.id != id);
        if all.len() == before {
            bail!("--disable {id}: no rule has that id (see `rinse rules list`)");
        }
    }
    Ok(RuleSet::compile(all)?)
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// Runs `rinse clean`.
pub fn run(args: CleanArgs) -> Result<u8> {
    let to_stdout = args.output.as_os_str() == "-";
    let format = match args.format {
        Some(FormatArg::Jsonl) => Format::Jsonl,
        Some(FormatArg::Csv) => Format::Csv,
        None if to_stdout => Format::Jsonl,
        None => Format::from_path(&args.output),
    };
    let input_format = match args.input_format {
        InputFormatArg::Auto => InputFormat::Auto,
        InputFormatArg::Text => InputFormat::Text,
        InputFormatArg::Jsonl => InputFormat::Jsonl,
    };
    if args.threads == Some(0) {
        bail!("-j must be at least 1");
    }
    let rules = load_rules(&args.rules, &args.disable)?;
    let mut options = Options {
        max_doc_bytes: args.max_doc_bytes,
        ..Options::default()
    };
    options.repair.guess = !args.no_guess;
    options.repair.disabled = args
        .disable
        .iter()
        .filter(|id| rinse::repair::is_rule(id))
        .cloned()
        .collect();
    let cleaner = Cleaner::new(rules, options);

    let (inputs, find_errors) = read::find_inputs(&args.paths, &args.glob, input_format)?;
    if !to_stdout
        && let Some(clash) = inputs
            .iter()
            .filter_map(|i| i.path.as_deref())
            .find(|p| same_file(p, &args.output))
    {
        bail!(
            "refusing to write over an input: {} is also read as {}",
            args.output.display(),
            clash.display()
        );
    }
    let total_bytes: u64 = inputs
        .iter()
        .filter_map(|i| i.path.as_ref())
        .filter_map(|p| std::fs::metadata(p).ok())
        .map(|m| m.len())
        .sum();

    rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads.unwrap_or(0))
        .build_global()
        .context("starting worker threads")?;

    let mut error_file = match &args.errors {
        Some(p) => Some(AtomicFile::create(p)?),
        None => None,
    };
    let mut error_write: Option<anyhow::Error> = None;
    let mut progress = Progress::new(total_bytes, args.quiet);
    let mut report = |err: &ErrorRecord, progress: &Progress| {
        progress.println(&format!("rinse: {}: {}", err.source, err.reason));
        if let Some(f) = error_file.as_mut()
            && error_write.is_none()
        {
            let mut line = serde_json::to_vec(err).unwrap_or_default();
            line.push(b'\n');
            if let Err(e) = f.write_all(&line) {
                error_write = Some(
                    anyhow::Error::new(e)
                        .context(format!("writing the error report {}", f.path().display())),
                );
            }
        }
    };
    for fe in &find_errors {
        report(
            &ErrorRecord {
                source: fe.source.clone(),
                id: String::new(),
                reason: fe.reason.clone(),
            },
            &progress,
        );
    }

    let config = Config {
        format,
        text_key: args.text_key.clone(),
        id_key: args.id_key.clone(),
        ..Config::default()
    };
    let mut on_event = |ev: Event<'_>| match ev {
        Event::Progress { bytes } => progress.document(bytes),
        Event::Failed(err) => report(err, &progress),
    };
    let mut stats: Stats = if to_stdout {
        let stdout = std::io::stdout();
        let mut out = std::io::BufWriter::with_capacity(1 << 20, stdout.lock());
        pipeline::run(
            &inputs,
            &cleaner,
            &config,
            &mut out,
            Path::new("<stdout>"),
            &mut on_event,
        )?
    } else {
        let mut out = AtomicFile::create(&args.output)?;
        let stats = pipeline::run(
            &inputs,
            &cleaner,
            &config,
            &mut out,
            &args.output,
            &mut on_event,
        )?;
        out.commit()?;
        stats
    };
    progress.finish();
    stats.documents_in += find_errors.len() as u64;
    stats.documents_failed += find_errors.len() as u64;
    if let Some(e) = error_write {
        return Err(e);
    }
    if let Some(f) = error_file {
        f.commit()?;
    }
    if let Some(p) = &args.stats {
        let mut f = write::create_plain(p)?;
        serde_json::to_writer_pretty(&mut f, &stats)?;
        f.write_all(b"\n")?;
        f.flush()
            .with_context(|| format!("writing {}", p.display()))?;
    }
    if !args.quiet {
        eprintln!("{}", summary(&stats));
    }
    Ok(if stats.documents_failed > 0 {
        EXIT_SOME_FAILED
    } else {
        let _ = EXIT_FATAL;
        EXIT_OK
    })
}

fn human(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["B", "KB", "MB", "GB"];
    let mut v = bytes as f64;
    let mut u = 0;
    while v >= 1000.0 && u + 1 < UNITS.len() {
        v /= 1000.0;
        u += 1;
    }
    if u == 0 {
        format!("{bytes} B")
    } else {
        format!("{v:.1} {}", UNITS[u])
    }
}

/// The summary printed on stderr at the end of a run.
fn summary(s: &Stats) -> String {
    let mut out = format!(
        "rinse: {} documents in = {} written + {} failed; {} in, {} out; {} lines removed, {} fixes",
        s.documents_in,
        s.documents_written,
        s.documents_failed,
        human(s.bytes_in),
        human(s.bytes_out),
        s.lines_removed(),
        s.fixes(),
    );
    let mut top: Vec<_> = s.removed_by_rule.iter().collect();
    top.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    if !top.is_empty() {
        out.push_str("\nrinse: top removal rules:");
        for (rule, n) in top.iter().take(5) {
            out.push_str(&format!(" {rule} {n},"));
        }
        out.pop();
    }
    out
}
