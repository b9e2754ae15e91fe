//! The jobs of `rinse clean`: which inputs go into which output file, every
//! output checked against the inputs and the other outputs before anything
//! is written, and the outputs created.

use std::path::{Path, PathBuf};

#[cfg(feature = "parquet")]
use anyhow::Context;
use anyhow::{Result, bail};
use rinse::internals::read;
use rinse::internals::record::FieldSet;
use rinse::internals::write::{Format, Output};

use super::clean::CleanArgs;
use super::outputs;

/// One output file and the inputs that go into it.
pub(super) struct Job {
    pub(super) inputs: Vec<read::InputFile>,
    /// The output file; `None` for standard output, or for no records at all
    /// when `records` is false.
    pub(super) output: Option<PathBuf>,
    /// Whether records are written (not with --attributes-dir alone).
    pub(super) records: bool,
    /// The dolma attribute file, with --attributes-dir.
    pub(super) attributes: Option<PathBuf>,
}

/// Creates `path`'s folder and an [`Output`] at it.
pub(super) fn create_output(path: &Path) -> rinse::Result<Output> {
    if let Some(parent) = path.parent()
        && !parent.as_os_str().is_empty()
    {
        std::fs::create_dir_all(parent).map_err(|e| rinse::Error::io(parent, e))?;
    }
    Output::create(path)
}

/// The Parquet output of `job`: the record's fields, then the other columns
/// of its first Parquet or JSONL input (a JSONL input's types inferred from
/// its first lines; an unreadable input adds none: its read fails and is
/// reported).
#[cfg(feature = "parquet")]
pub(super) fn parquet_output(
    job: &Job,
    args: &CleanArgs,
    error_field: bool,
    fields: FieldSet,
) -> Result<Output> {
    use rinse::internals::columnar;
    // The first input with a path that is read as records gives the columns.
    let extra = job
        .inputs
        .iter()
        .find(|i| i.jsonl && i.path.is_some())
        .and_then(|i| match i.path.as_deref() {
            Some(p) if columnar::is_parquet_name(p) => columnar::file_schema(p).ok(),
            _ => read::open(i).ok().and_then(columnar::jsonl_schema),
        });
    let schema = columnar::output_schema(error_field, fields, extra.as_ref(), &args.text_key);
    if let Some(p) = &job.output
        && args.output_dir.is_some()
        && let Some(parent) = p.parent()
        && !parent.as_os_str().is_empty()
    {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("creating {}", parent.display()))?;
    }
    Ok(Output::parquet(
        job.output.as_deref(),
        std::sync::Arc::new(schema),
    )?)
}

#[cfg(not(feature = "parquet"))]
pub(super) fn parquet_output(
    _job: &Job,
    _args: &CleanArgs,
    _error_field: bool,
    _fields: FieldSet,
) -> Result<Output> {
    bail!("this rinse was built without the `parquet` feature: no Parquet output")
}

/// The jobs of a run (one per input with --output-dir, else one), with
/// every output checked against every input and every other output before
/// anything is written; with --resume, the inputs whose output exists are
/// left out, and their number returned.
pub(super) fn plan_jobs(
    args: &CleanArgs,
    format: Format,
    to_stdout: bool,
    inputs: Vec<read::InputFile>,
) -> Result<(Vec<Job>, u64)> {
    // Output keys: the three flags, then two per job (output, attributes).
    const OUTPUT: usize = 0;
    const ERRORS: usize = 1;
    const STATS: usize = 2;
    let job_key = |k: usize, attributes: bool| 3 + 2 * k + usize::from(attributes);
    let mut plan = outputs::Plan::default();
    let mut jobs: Vec<Job> = Vec::new();
    // Inputs --resume leaves out: not read, but not to be written over.
    let mut skipped: Vec<PathBuf> = Vec::new();
    let stdin_read = inputs.iter().any(|i| i.path.is_none())
        || args
            .files_from
            .as_ref()
            .is_some_and(|l| l.as_os_str() == "-");
    let mirror = args.output_dir.is_some() || args.attributes_dir.is_some();
    if mirror {
        for input in inputs {
            let Some(path) = input.path.as_deref() else {
                bail!(
                    "--output-dir and --attributes-dir need input files: standard input has no name to mirror"
                );
            };
            let out = match &args.output_dir {
                Some(dir) => {
                    let ext = match format {
                        Format::Jsonl => "jsonl",
                        Format::Csv => "csv",
                        Format::Parquet => "parquet",
                    };
                    let rel = read::output_name(&input.id, ext);
                    outputs::inside(&rel, dir, &path.display().to_string())?;
                    Some(dir.join(&rel))
                }
                None => None,
            };
            let attributes = match &args.attributes_dir {
                Some(a) => {
                    let rel = PathBuf::from(&input.id);
                    outputs::inside(&rel, a, &path.display().to_string())?;
                    Some(a.join(rel))
                }
                None => None,
            };
            // The file whose existence marks the input done: the output, or
            // the attributes when they are all that is written.
            let done = out.as_ref().or(attributes.as_ref());
            if args.resume && done.is_some_and(|p| p.exists()) {
                skipped.extend(input.path);
                continue;
            }
            if let Some(o) = &out {
                plan.output(job_key(jobs.len(), false), o);
            }
            if let Some(a) = &attributes {
                plan.output(job_key(jobs.len(), true), a);
            }
            jobs.push(Job {
                inputs: vec![input],
                records: out.is_some(),
                output: out,
                attributes,
            });
        }
    } else {
        if to_stdout {
            plan.stdout(OUTPUT);
        } else {
            plan.output(OUTPUT, &args.output);
        }
        jobs.push(Job {
            inputs,
            output: (!to_stdout).then(|| args.output.clone()),
            records: true,
            attributes: None,
        });
    }
    if let Some(p) = &args.errors {
        plan.output(ERRORS, p);
    }
    if let Some(p) = &args.stats {
        plan.output(STATS, p);
    }
    let describe = |key: usize| match key {
        OUTPUT if to_stdout => "standard output".to_string(),
        OUTPUT => format!("-o {}", args.output.display()),
        ERRORS => format!(
            "--errors {}",
            args.errors.as_deref().unwrap_or(Path::new("")).display()
        ),
        STATS => format!(
            "--stats {}",
            args.stats.as_deref().unwrap_or(Path::new("")).display()
        ),
        k => {
            let job = &jobs[(k - 3) / 2];
            let input = job.inputs[0].source();
            match (k % 2 == 0, &job.attributes, &job.output) {
                (true, Some(a), _) => format!("the attributes of {input} ({})", a.display()),
                (_, _, Some(o)) => format!("the output of {input} ({})", o.display()),
                _ => input,
            }
        }
    };
    // The files read: every input, standard input's file, the list of
    // --files-from and the rule files.
    let rule_files: Vec<PathBuf> = args
        .rules
        .iter()
        .flat_map(|dir| std::fs::read_dir(dir).into_iter().flatten().flatten())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    let listed = jobs
        .iter()
        .flat_map(|j| &j.inputs)
        .filter_map(|i| i.path.as_deref())
        .chain(skipped.iter().map(PathBuf::as_path))
        .map(|p| ("the input", p));
    let stdin = (stdin_read && cfg!(unix)).then_some((outputs::STDIN, Path::new("/dev/stdin")));
    let list = args
        .files_from
        .as_deref()
        .filter(|l| l.as_os_str() != "-")
        .map(|l| ("--files-from", l));
    let rules = rule_files.iter().map(|p| ("the rule file", p.as_path()));
    let read = listed.chain(stdin).chain(list).chain(rules);
    plan.check(describe, read)?;
    Ok((jobs, skipped.len() as u64))
}
