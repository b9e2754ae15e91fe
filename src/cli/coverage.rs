//! `rinse coverage`: which rules fire on a corpus, on how many lines and documents.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use anyhow::Result;
use clap::Args;
use rayon::prelude::*;

use super::clean::cleaner;
use super::docs;
use super::{EXIT_OK, EXIT_SOME_FAILED};

/// Arguments of `rinse coverage`.
#[derive(Debug, Args)]
pub struct CoverageArgs {
    /// Files and folders of the corpus.
    #[arg(value_name = "CORPUS", required = true)]
    pub paths: Vec<PathBuf>,
    /// Add the rules in this folder (a rule with a built-in id replaces it).
    #[arg(long, value_name = "DIR")]
    pub rules: Vec<PathBuf>,
    /// Turn off a rule by id (repeatable).
    #[arg(long, value_name = "ID")]
    pub disable: Vec<String>,
    /// Which files to take from folders (by default every kind rinse reads, as
    /// for `rinse clean`).
    #[arg(long, default_value = rinse::internals::read::DEFAULT_GLOB, value_name = "GLOB")]
    pub glob: String,
    /// JSONL input: the field that holds the text.
    #[arg(long, default_value = "text", value_name = "KEY")]
    pub text_key: String,
    /// Exit with status 1 when some rule never fired.
    #[arg(long)]
    pub require_all: bool,
    /// Also list the signals (`signal.*`) that decided lines.
    #[arg(long)]
    pub signals: bool,
}

/// Runs `rinse coverage`.
pub fn run(args: CoverageArgs) -> Result<u8> {
    let cleaner = cleaner(&args.rules, &args.disable)?;
    let (inputs, mut errors) = docs::inputs(&args.paths, &args.glob)?;
    let limit = cleaner.max_doc_bytes();
    // id -> (lines, documents)
    let mut counts: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    let mut documents = 0u64;
    // Documents are counted a batch at a time (at most BATCH documents held),
    // so that a large JSONL file is never held whole.
    const BATCH: usize = 256;
    let mut count = |batch: &mut Vec<docs::Doc>, errors: &mut Vec<String>| {
        let per_doc: Vec<Result<BTreeMap<String, u64>, String>> = batch
            .par_iter()
            .map(|d| {
                let decisions = cleaner
                    .line_decisions(&d.bytes)
                    .map_err(|e| format!("{}: {e}", d.source))?;
                let mut m = BTreeMap::new();
                for dec in decisions {
                    *m.entry(dec.reason.into_owned()).or_insert(0u64) += 1;
                }
                Ok(m)
            })
            .collect();
        batch.clear();
        for r in per_doc {
            match r {
                Ok(m) => {
                    documents += 1;
                    for (id, n) in m {
                        let c = counts.entry(id).or_default();
                        c.0 += n;
                        c.1 += 1;
                    }
                }
                Err(e) => errors.push(e),
            }
        }
    };
    let mut batch = Vec::with_capacity(BATCH);
    let mut failed = Vec::new();
    for input in &inputs {
        docs::for_each_doc(input, &args.text_key, limit, None, &mut errors, &mut |d| {
            batch.push(d);
            if batch.len() >= BATCH {
                count(&mut batch, &mut failed);
            }
            true
        });
    }
    count(&mut batch, &mut failed);
    errors.append(&mut failed);
    for e in &errors {
        super::say(format_args!("rinse: {e}"));
    }
    let ids: BTreeSet<&str> = cleaner
        .classifier()
        .rules()
        .rules()
        .iter()
        .map(|r| r.id.as_str())
        .collect();
    let mut never = Vec::new();
    super::to_stdout(|out| {
        writeln!(out, "{:<30} {:>8} {:>10}", "rule", "lines", "documents")?;
        for r in cleaner.classifier().rules().rules() {
            let (l, d) = counts.get(&r.id).copied().unwrap_or_default();
            writeln!(out, "{:<30} {l:>8} {d:>10}", r.id)?;
            if l == 0 {
                never.push(r.id.as_str());
            }
        }
        if args.signals {
            for (id, (l, d)) in counts.iter().filter(|(id, _)| !ids.contains(id.as_str())) {
                writeln!(out, "{id:<30} {l:>8} {d:>10}")?;
            }
        }
        writeln!(
            out,
            "{documents} documents, {} of {} rules fired",
            ids.len() - never.len(),
            ids.len()
        )?;
        if !never.is_empty() {
            writeln!(out, "never fired: {}", never.join(", "))?;
        }
        Ok(())
    })?;
    Ok(
        if args.require_all && !never.is_empty() || !errors.is_empty() {
            EXIT_SOME_FAILED
        } else {
            EXIT_OK
        },
    )
}
