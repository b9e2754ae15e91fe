//! `rinse clean`: the main job.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::{Context, Result, bail};
use clap::{Args, ValueEnum};
use rinse::internals::read::{self, InputFormat};
use rinse::internals::record::FieldSet;
use rinse::internals::rules::{self, RuleSet};
use rinse::internals::write::{self, Destination, ErrorRecord, Format, Output};
use rinse::pipeline::{self, Config, Event, OnError, Sink, Stats};
use rinse::{Cleaner, CleanerBuilder, DEFAULT_MAX_DOC_BYTES};

use super::jobs::{Job, create_output, parquet_output, plan_jobs};
use super::progress::Progress;
use super::{EXIT_INTERRUPTED, EXIT_OK, EXIT_SOME_FAILED};

/// Output format names for `--format`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FormatArg {
    /// One JSON object per line.
    Jsonl,
    /// Comma-separated values with a header; list fields as JSON arrays.
    Csv,
    /// Parquet (zstd): the record's fields as `rinse schema` prints them,
    /// then a Parquet input's other columns.
    Parquet,
}

/// Input format names for `--input-format`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum InputFormatArg {
    /// `.jsonl`/`.ndjson`/`.json` files (also `.gz`, `.zst`) are JSONL,
    /// `.wet` files (also `.gz`, `.zst`: Common Crawl's `.warc.wet.gz`) WET,
    /// `.parquet` files Parquet, the rest text; standard input is JSONL when
    /// its first non-blank line is a JSON object, WET when it starts with a
    /// WARC record, else text.
    Auto,
    /// Every input is one text document.
    Text,
    /// Every input is JSONL, one document per line (WET, one document per
    /// text record, when it starts with a WARC record).
    Jsonl,
}

/// `--on-error` choices.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum OnErrorArg {
    /// Leave a failed document out of the output (it is in the error report).
    Skip,
    /// Write an error record in its place: same keys, empty values, and an
    /// `error` field that every record then carries. Keeps output lines aligned
    /// with input lines (for Spark's pipe()). The exit status is then 0: the
    /// failures are in the output (and in the summary and error report).
    Record,
    /// Stop at the first failed document (exit status 1).
    Fail,
}

/// Arguments of `rinse clean`.
#[derive(Debug, Args)]
#[command(
    after_help = "Every input document ends up in the output or in the error report; \
the summary says documents in = written + failed.\n\
Exit status: 0 all documents cleaned (or --on-error record), 1 some failed (the rest written), 2 usage error or \
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

    /// Output format [default: from the -o extension, `.csv`, `.parquet` or else jsonl].
    #[arg(long, value_enum)]
    pub format: Option<FormatArg>,

    /// Write only these fields of the record, comma-separated
    /// (`id,title,text`; `rinse schema` lists them); a JSONL or Parquet
    /// input's own fields are all kept.
    #[arg(long, value_name = "LIST", value_parser = FieldSet::parse, conflicts_with = "no_audit")]
    pub fields: Option<FieldSet>,

    /// Leave out the audit trail (`removed` and `fixes`): records of about
    /// the text's size.
    #[arg(long)]
    pub no_audit: bool,

    /// How to read inputs.
    #[arg(long, value_enum, default_value = "auto")]
    pub input_format: InputFormatArg,

    /// Which files to take from folders (matched against the relative path and the file name).
    /// By default every kind rinse reads: `.txt`, `.jsonl`, `.ndjson`, `.wet` (each also `.gz`,
    /// `.zst`) and `.parquet`; not `.json`, as often one JSON document as JSON Lines
    /// (`--glob '*.json'` takes them, read as JSONL).
    #[arg(long, default_value = read::DEFAULT_GLOB, value_name = "GLOB")]
    pub glob: String,

    /// JSONL and Parquet input: the field (column) that holds the text (a WET record's text
    /// is in `text`).
    #[arg(long, default_value = "text", value_name = "KEY")]
    pub text_key: String,

    /// JSONL and Parquet input: the field (column) that holds the document id (a WET
    /// record's `WARC-Record-ID` is in `id`).
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

    /// Refuse documents larger than this many bytes (they go to the error
    /// report); a line counts as at least 64 bytes, so that a document of
    /// millions of short lines is refused too (their lines take the memory).
    #[arg(long, default_value_t = DEFAULT_MAX_DOC_BYTES, value_name = "BYTES")]
    pub max_doc_bytes: u64,

    /// What to do with a document that fails.
    #[arg(long, value_enum, default_value = "skip")]
    pub on_error: OnErrorArg,

    /// Write one output file per input file under DIR, mirroring relative paths
    /// and compression (`a/x.jsonl.zst` → `DIR/a/x.jsonl.zst`, `a/y.txt` → `DIR/a/y.jsonl`).
    #[arg(long, value_name = "DIR")]
    pub output_dir: Option<PathBuf>,

    /// Write dolma attribute files under DIR, one per input file at the
    /// input's relative path (`documents/x.jsonl.gz` → `DIR/x.jsonl.gz`),
    /// marking by character offsets the lines rinse removed
    /// (`rinse__boilerplate`) or kept out of the body (`rinse__not_body`),
    /// with document-level `rinse__body_empty` and `rinse__removed_share`, so
    /// that dolma's mixer can apply rinse's decisions. Without --output-dir,
    /// only the attributes are written (dolma's tagger role).
    #[arg(long, value_name = "DIR")]
    pub attributes_dir: Option<PathBuf>,

    /// With --output-dir: skip inputs whose output file already exists (finished
    /// outputs only ever exist complete, so an interrupted run can be resumed).
    #[arg(long)]
    pub resume: bool,

    /// Read more input paths, one per line, from FILE (`-` for standard input).
    #[arg(long, value_name = "FILE")]
    pub files_from: Option<PathBuf>,

    /// Ids (and --output-dir paths) of files named directly are relative to DIR
    /// [default: the file name].
    #[arg(long, value_name = "DIR")]
    pub base: Option<PathBuf>,

    /// Process only shard I of N: the inputs at positions I, I+N, … of the sorted inputs.
    #[arg(long, value_name = "I/N", value_parser = parse_shard)]
    pub shard: Option<(usize, usize)>,

    /// Corpus pass: first count lines across all documents, then treat a line seen
    /// in at least N documents as boilerplate (`corpus.repeated-line`) unless it
    /// sits inside the article span. Reads the input twice (not for stdin).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(2..))]
    pub repeated_lines: Option<u32>,

    /// No progress bar and no summary.
    #[arg(short, long)]
    pub quiet: bool,

    /// Decide the article body with this line-model file instead of the
    /// built-in one (`scripts/train_lines.py` writes them; for evaluation);
    /// `none`: the heuristic article span alone.
    #[arg(long, value_name = "FILE", hide = true)]
    pub line_model: Option<PathBuf>,
}

/// Reads a line-model file (`--line-model`); `none` is no model.
pub fn load_line_model(
    path: &std::path::Path,
) -> Result<Option<std::sync::Arc<rinse::internals::classify::model::LineModel>>> {
    if path.as_os_str() == "none" {
        return Ok(None);
    }
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading --line-model {}", path.display()))?;
    let model = rinse::internals::classify::model::LineModel::parse(&text)
        .with_context(|| format!("--line-model {}", path.display()))?;
    Ok(Some(std::sync::Arc::new(model)))
}

/// The cleaner builder for `--rules DIR… --disable ID…`: the one place
/// where the commands turn them into rules (ids of line and repair rules
/// alike), as the Python module does through the same builder.
pub fn cleaner_builder(dirs: &[PathBuf], disable: &[String]) -> CleanerBuilder {
    let mut builder = Cleaner::builder();
    for dir in dirs {
        builder = builder.rules_dir(dir);
    }
    for id in disable {
        builder = builder.disable(id);
    }
    builder
}

/// A library error in the command line's words.
fn flag_error(e: rinse::Error) -> anyhow::Error {
    match e {
        rinse::Error::UnknownRule { id } => {
            anyhow::anyhow!("--disable {id}: no rule has that id (see `rinse rules list`)")
        }
        e => e.into(),
    }
}

/// A cleaner with the built-in rules, `dirs`' rules added and the `disable`d
/// ids turned off, and default options otherwise.
pub fn cleaner(dirs: &[PathBuf], disable: &[String]) -> Result<Cleaner> {
    cleaner_builder(dirs, disable).build().map_err(flag_error)
}

/// Loads built-in rules, adds `dirs`, removes `disable`d ids and compiles them.
pub fn load_rules(dirs: &[PathBuf], disable: &[String]) -> Result<RuleSet> {
    Ok(RuleSet::compile(rule_list(dirs, disable)?)?)
}

/// The built-in rules with `dirs`' rules added (a rule with a built-in id
/// replaces it) and the `disable`d ids removed, in priority order.
pub fn rule_list(dirs: &[PathBuf], disable: &[String]) -> Result<Vec<rules::Rule>> {
    cleaner_builder(dirs, disable)
        .rule_list()
        .map_err(flag_error)
}

/// Parses `I/N` for `--shard`.
fn parse_shard(s: &str) -> Result<(usize, usize), String> {
    let (i, n) = s
        .split_once('/')
        .ok_or_else(|| format!("{s:?} is not I/N (for example 0/4)"))?;
    let i: usize = i
        .trim()
        .parse()
        .map_err(|_| format!("{i:?} is not a number"))?;
    let n: usize = n
        .trim()
        .parse()
        .map_err(|_| format!("{n:?} is not a number"))?;
    if n == 0 || i >= n {
        return Err(format!(
            "shard {i}/{n}: I must be below N, and N at least 1"
        ));
    }
    Ok((i, n))
}

/// Installs the SIGINT/SIGTERM handler, the first thing a run does: the
/// first signal sets the flag, on which the run stops (reads of standard
/// input and FIFOs included, within a tenth of a second) and leaves no
/// partial output under a final name; a second one removes the temporary
/// files at once and ends the process.
fn interrupt_flag() -> Arc<AtomicBool> {
    let flag = Arc::new(AtomicBool::new(false));
    let f = flag.clone();
    // Failing to install the handler (already installed) only loses graceful stop.
    let _ = ctrlc::set_handler(move || {
        if f.swap(true, Ordering::SeqCst) {
            // A second signal: give up at once, without a temporary file.
            write::remove_temporary_files();
            std::process::exit(EXIT_INTERRUPTED as i32);
        }
    });
    flag
}

/// Says that the run was interrupted after `documents` documents, and gives
/// the exit status for it.
fn interrupted(documents: u64) -> u8 {
    super::say(format_args!(
        "rinse: interrupted after {documents} documents; no partial output was left under a final name"
    ));
    EXIT_INTERRUPTED
}

/// Threads per core that `-j` may ask for: the work is CPU-bound, so threads
/// beyond the cores add only memory (each holds the document it cleans) and
/// start-up time; `-j 10000` used to start ten thousand threads.
const MAX_THREADS_PER_CORE: usize = 4;

/// The worker threads to start for `-j asked`: at least 1, at most
/// [`MAX_THREADS_PER_CORE`] per core (said on stderr unless `quiet`).
fn thread_count(asked: Option<usize>, quiet: bool) -> Result<Option<usize>> {
    let Some(n) = asked else {
        return Ok(None);
    };
    if n == 0 {
        bail!("-j must be at least 1");
    }
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    let cap = cores.saturating_mul(MAX_THREADS_PER_CORE);
    if n > cap {
        if !quiet {
            super::say(format_args!(
                "rinse: -j {n} capped at {cap} ({MAX_THREADS_PER_CORE} threads for each of the {cores} cores); \
                 more threads add only memory"
            ));
        }
        return Ok(Some(cap));
    }
    Ok(Some(n))
}

/// Runs `rinse clean`.
pub fn run(mut args: CleanArgs) -> Result<u8> {
    // Before anything else: from here on a signal stops the run with status
    // 130 and a message, whatever it is doing.
    let interrupt = interrupt_flag();
    let to_stdout = args.output.as_os_str() == "-";
    if args.output_dir.is_some() && !to_stdout {
        bail!("give either -o/--output or --output-dir, not both");
    }
    if args.attributes_dir.is_some() && args.output_dir.is_none() && !to_stdout {
        bail!(
            "--attributes-dir without --output-dir writes the attributes alone: give no -o \
             (or give --output-dir for the cleaned documents too)"
        );
    }
    if args.resume && args.output_dir.is_none() && args.attributes_dir.is_none() {
        bail!("--resume needs --output-dir (it skips inputs whose output file exists)");
    }
    let format = match args.format {
        Some(FormatArg::Jsonl) => Format::Jsonl,
        Some(FormatArg::Csv) => Format::Csv,
        Some(FormatArg::Parquet) => Format::Parquet,
        None if to_stdout => Format::Jsonl,
        None => Format::from_path(&args.output),
    };
    if format == Format::Parquet {
        if !cfg!(feature = "parquet") {
            bail!("this rinse was built without the `parquet` feature: no Parquet output");
        }
        if to_stdout
            && args.output_dir.is_none()
            && std::io::IsTerminal::is_terminal(&std::io::stdout())
        {
            bail!("Parquet output is binary: give -o FILE.parquet or redirect standard output");
        }
    }
    let input_format = match args.input_format {
        InputFormatArg::Auto => InputFormat::Auto,
        InputFormatArg::Text => InputFormat::Text,
        InputFormatArg::Jsonl => InputFormat::Jsonl,
    };
    args.threads = thread_count(args.threads, args.quiet)?;
    // Before the rules compile: compiling them runs on the worker threads.
    rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads.unwrap_or(0))
        .build_global()
        .context("starting worker threads")?;
    // The rules compile (tens of milliseconds) on a thread of their own while
    // the inputs are listed.
    std::thread::scope(|scope| {
        let rules = scope.spawn(|| load_rules(&args.rules, &args.disable));
        let inputs = list_inputs(&args, input_format, &interrupt);
        let rules = rules
            .join()
            .map_err(|_| anyhow::anyhow!("compiling the rules failed"))??;
        if interrupt.load(Ordering::SeqCst) {
            return Ok(interrupted(0));
        }
        let inputs = inputs?;
        // Folders named, and not one file in them taken: most likely the
        // wrong --glob, not an empty corpus.
        if args.files_from.is_none()
            && !args.paths.is_empty()
            && inputs.0.is_empty()
            && inputs.1.is_empty()
        {
            bail!(
                "no input file found under {} matching --glob {:?} (give --glob to take other files)",
                args.paths
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
                args.glob
            );
        }
        run_with(&args, format, to_stdout, rules, inputs, interrupt)
    })
}

/// The inputs `args` name (paths, `--files-from`), with the errors met
/// listing them. Folders are not walked into the run's own output folders.
fn list_inputs(
    args: &CleanArgs,
    input_format: InputFormat,
    stop: &read::Stop,
) -> Result<(Vec<read::InputFile>, Vec<read::FindError>)> {
    let mut paths = args.paths.clone();
    if let Some(list) = &args.files_from {
        let listed = if list.as_os_str() == "-" {
            let stdin = read::InputFile {
                path: None,
                id: "-".into(),
                jsonl: false,
            };
            read::open_stoppable(&stdin, Some(stop))
                .map_err(anyhow::Error::from)
                .and_then(|r| Ok(read::read_path_list(r)?))
        } else {
            std::fs::File::open(list)
                .and_then(|f| read::read_path_list(std::io::BufReader::new(f)))
                .map_err(anyhow::Error::from)
        }
        .with_context(|| format!("reading --files-from {}", list.display()))?;
        if list.as_os_str() == "-" && paths.iter().any(|p| p.as_os_str() == "-") {
            bail!("--files-from - reads standard input, so `-` cannot also be an input");
        }
        paths.extend(listed);
    }
    let skip: Vec<PathBuf> = args
        .output_dir
        .iter()
        .chain(&args.attributes_dir)
        .cloned()
        .collect();
    // With --files-from, an empty list is an empty run, not a request to read stdin.
    let mut found = if paths.is_empty() && args.files_from.is_some() {
        (Vec::new(), Vec::new())
    } else {
        read::find_inputs_skipping(
            &paths,
            &args.glob,
            input_format,
            args.base.as_deref(),
            &skip,
        )?
    };
    if input_format == InputFormat::Auto {
        read::detect_stdin_jsonl(&mut found.0, Some(stop))?;
    }
    Ok(found)
}

/// [`run`] once the rules are compiled and the inputs listed: the phases of
/// a run, in order.
fn run_with(
    args: &CleanArgs,
    format: Format,
    to_stdout: bool,
    rules: RuleSet,
    (mut inputs, find_errors): (Vec<read::InputFile>, Vec<read::FindError>),
    interrupt: Arc<AtomicBool>,
) -> Result<u8> {
    let mut cleaner = build_cleaner(args, rules)?;
    if let Some((i, n)) = args.shard {
        inputs = read::shard(inputs, i, n);
    }
    let all_inputs = if args.repeated_lines.is_some() {
        inputs.clone()
    } else {
        Vec::new()
    };
    let (jobs, skipped) = plan_jobs(args, format, to_stdout, inputs)?;
    if args.resume {
        remove_stale_temporary_files(args);
    }
    let total_bytes = bar_total(&jobs, args.quiet);
    if let Some(n) = args.repeated_lines {
        match corpus_pass(args, cleaner, &all_inputs, n, &interrupt)? {
            Some(c) => cleaner = c,
            None => return Ok(interrupted(0)),
        }
    }

    let mut errors = ErrorReport::create(args.errors.as_deref())?;
    let mut progress = Progress::new(total_bytes, args.quiet);
    for fe in &find_errors {
        let err = ErrorRecord {
            source: fe.source.clone(),
            id: String::new(),
            reason: fe.reason.clone(),
        };
        errors.report(&err, &progress);
    }
    let config = pipeline_config(args, format, &interrupt);
    let (mut stats, outcome, documents) = clean_jobs(
        &jobs,
        &cleaner,
        &config,
        args,
        &interrupt,
        &mut errors,
        &mut progress,
    )?;
    progress.finish();
    stats.documents_in += find_errors.len() as u64;
    stats.documents_failed += find_errors.len() as u64;
    let error_file = errors.finish()?;
    // The error report is committed with the output, or when the run stopped
    // at a failed document (it says which); an interrupted or failed run
    // leaves it as it leaves the output: not under its final name.
    match outcome {
        Ok(()) if interrupt.load(Ordering::SeqCst) => return Ok(interrupted(documents)),
        Ok(()) => {}
        Err(rinse::Error::Interrupted) => return Ok(interrupted(documents)),
        Err(e @ rinse::Error::Stopped { .. }) => {
            if let Some(f) = error_file {
                f.commit()?;
            }
            super::say(format_args!("rinse: {e}"));
            return Ok(EXIT_SOME_FAILED);
        }
        Err(e) => return Err(e.into()),
    }
    if let Some(f) = error_file {
        f.commit()?;
    }
    report_run(args, &stats, skipped)?;
    // In record mode a failure is reported in the output itself, in its line's
    // place, so the run succeeded (Spark's pipe(checkCode=True) needs exit 0).
    Ok(
        if stats.documents_failed > 0 && config.error_handling() != OnError::Record {
            EXIT_SOME_FAILED
        } else {
            EXIT_OK
        },
    )
}

/// The cleaner of a run: `rules` (compiled while the inputs were listed)
/// with the repair options, the size limit and the line model of `args`.
fn build_cleaner(args: &CleanArgs, rules: RuleSet) -> Result<Cleaner> {
    let mut builder = cleaner_builder(&args.rules, &args.disable)
        .guess(!args.no_guess)
        .max_doc_bytes(args.max_doc_bytes);
    if let Some(path) = &args.line_model {
        builder = builder.line_model(load_line_model(path)?);
    }
    Ok(builder.build_with(rules))
}

/// With --resume: removes the temporary files a killed run left in the
/// output folders (no process holds them), and says how many.
fn remove_stale_temporary_files(args: &CleanArgs) {
    let stale: usize = args
        .output_dir
        .iter()
        .chain(&args.attributes_dir)
        .map(|d| write::remove_stale_temporary_files(d))
        .sum();
    if stale > 0 && !args.quiet {
        super::say(format_args!(
            "rinse: --resume removed {stale} temporary files left by an interrupted run"
        ));
    }
}

/// The progress bar's total: one `stat` per input, only when a bar is drawn.
fn bar_total(jobs: &[Job], quiet: bool) -> u64 {
    if !Progress::shown(quiet) {
        return 0;
    }
    jobs.iter()
        .flat_map(|j| &j.inputs)
        .filter_map(|i| i.path.as_ref())
        .filter_map(|p| std::fs::metadata(p).ok())
        .map(|m| m.len())
        .sum()
}

/// The `--repeated-lines` pass over every input (also those --resume skips,
/// so that a resumed run decides as an uninterrupted one would): the cleaner
/// that treats the repeated lines as boilerplate; `None` when interrupted.
fn corpus_pass(
    args: &CleanArgs,
    cleaner: Cleaner,
    all_inputs: &[read::InputFile],
    min_docs: u32,
    interrupt: &read::Stop,
) -> Result<Option<Cleaner>> {
    if all_inputs.iter().any(|i| i.path.is_none()) {
        bail!("--repeated-lines reads the input twice, so it cannot read standard input");
    }
    let repeated =
        super::docs::count_lines(all_inputs, &cleaner, &args.text_key, min_docs, interrupt);
    Ok(repeated.map(|r| cleaner.with_repeated_lines(Arc::new(r))))
}

/// The error report: every failure said on stderr and, with `--errors FILE`,
/// written there as JSONL. A failure to write the file is kept for the end
/// of the run, which it fails.
struct ErrorReport {
    file: Option<Destination>,
    write_error: Option<anyhow::Error>,
}

impl ErrorReport {
    fn create(path: Option<&Path>) -> Result<Self> {
        Ok(ErrorReport {
            file: path.map(Destination::create).transpose()?,
            write_error: None,
        })
    }

    fn report(&mut self, err: &ErrorRecord, progress: &Progress) {
        progress.println(&format!("rinse: {}: {}", err.source, err.reason));
        if let Some(f) = self.file.as_mut()
            && self.write_error.is_none()
        {
            let mut line = serde_json::to_vec(err).unwrap_or_default();
            line.push(b'\n');
            if let Err(e) = f.write_all(&line) {
                self.write_error = Some(
                    anyhow::Error::new(e)
                        .context(format!("writing the error report {}", f.path().display())),
                );
            }
        }
    }

    /// The report's file, not yet committed; the write error if there was one.
    fn finish(self) -> Result<Option<Destination>> {
        match self.write_error {
            Some(e) => Err(e),
            None => Ok(self.file),
        }
    }
}

/// The pipeline's settings for `args`.
fn pipeline_config(args: &CleanArgs, format: Format, interrupt: &Arc<AtomicBool>) -> Config {
    Config::default()
        .format(format)
        .text_key(&args.text_key)
        .id_key(&args.id_key)
        .on_error(match args.on_error {
            OnErrorArg::Skip => OnError::Skip,
            OnErrorArg::Record => OnError::Record,
            OnErrorArg::Fail => OnError::Fail,
        })
        .interrupt(interrupt.clone())
        .fields(match args.fields {
            Some(f) => f,
            None if args.no_audit => FieldSet::without_audit(),
            None => FieldSet::ALL,
        })
}

/// Cleans the jobs one after the other, each output committed when its job
/// is done: the summed figures, how the run ended (stopped at the first job
/// that failed as a whole, or interrupted), and the documents done (written
/// or failed). An output that cannot be created or committed is an error.
fn clean_jobs(
    jobs: &[Job],
    cleaner: &Cleaner,
    config: &Config,
    args: &CleanArgs,
    interrupt: &AtomicBool,
    errors: &mut ErrorReport,
    progress: &mut Progress,
) -> Result<(Stats, rinse::Result<()>, u64)> {
    let format = config.output_format();
    let mut documents = 0u64;
    let mut on_event = |ev: Event<'_>| match ev {
        Event::Progress { bytes } => {
            documents += 1;
            progress.document(bytes);
        }
        Event::Failed(err) => errors.report(err, progress),
        _ => {}
    };
    let mut stats = Stats::default();
    let stopped = || interrupt.load(Ordering::SeqCst);
    for job in jobs {
        let error_field = config.error_handling() == OnError::Record;
        let mut out = match &job.output {
            None if !job.records => Output::discard(),
            _ if format == Format::Parquet => {
                parquet_output(job, args, error_field, config.written_fields())?
            }
            None => Output::stdout(),
            // --output-dir creates the folders it mirrors; -o does not.
            Some(p) if args.output_dir.is_some() => create_output(p)?,
            Some(p) => Output::create(p)?,
        };
        let mut attributes = match &job.attributes {
            Some(p) => Some(create_output(p)?),
            None => None,
        };
        let name = out.name().to_path_buf();
        let attr_name = attributes.as_ref().map(|a| a.name().to_path_buf());
        let mut sink = Sink::new(&mut out, &name);
        if let (Some(w), Some(n)) = (attributes.as_mut(), attr_name.as_deref()) {
            sink = sink.with_attributes(w, n);
        }
        match pipeline::run(cleaner, config, &job.inputs, sink, &mut on_event) {
            // A signal after the last batch: the output is not committed.
            Ok(_) if stopped() => return Ok((stats, Err(rinse::Error::Interrupted), documents)),
            Ok(s) => {
                stats.add(&s);
                // The output file last: its existence marks the input done (--resume).
                if let Some(a) = attributes {
                    a.finish()?;
                }
                out.finish()?;
            }
            // Dropping the outputs removes their temporary files.
            Err(e) => return Ok((stats, Err(e), documents)),
        }
    }
    Ok((stats, Ok(()), documents))
}

/// Writes `--stats FILE` and says the summary (unless `--quiet`).
fn report_run(args: &CleanArgs, stats: &Stats, skipped: u64) -> Result<()> {
    if let Some(p) = &args.stats {
        let mut f = Destination::create(p)?;
        serde_json::to_writer_pretty(&mut f, stats)
            .map_err(std::io::Error::from)
            .and_then(|()| f.write_all(b"\n"))
            .with_context(|| format!("writing {}", p.display()))?;
        f.commit()?;
    }
    if !args.quiet {
        super::say(format_args!("{}", summary(stats)));
        if skipped > 0 {
            super::say(format_args!(
                "rinse: --resume skipped {skipped} inputs whose output already exists"
            ));
        }
    }
    Ok(())
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
