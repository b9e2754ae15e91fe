//! `rinse features` (hidden): the line model's input rows, for the training
//! script (`train/train_lines.py`). One JSON object per document on stdout:
//! `{"id", "source", "no": [line numbers], "text": [lines], "free": [whether
//! the model decides the line], "x": [[row]…]}` (and `p1`, `p2` with
//! `--line-model`),
//! after a first object `{"names": [column names]}`.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;
use rayon::prelude::*;

use super::clean::cleaner_builder;
use super::docs;
use super::{EXIT_OK, EXIT_SOME_FAILED};

/// Arguments of `rinse features`.
#[derive(Debug, Args)]
pub struct FeaturesArgs {
    /// Files and folders.
    #[arg(value_name = "PATH", required = true)]
    pub paths: Vec<PathBuf>,
    /// Add the rules in this folder.
    #[arg(long, value_name = "DIR")]
    pub rules: Vec<PathBuf>,
    /// Which files to take from folders (by default every kind rinse reads, as
    /// for `rinse clean`).
    #[arg(long, default_value = rinse::internals::read::DEFAULT_GLOB, value_name = "GLOB")]
    pub glob: String,
    /// Also give each row's probabilities (`p1`, `p2`) under this line model.
    #[arg(long, value_name = "FILE")]
    pub line_model: Option<PathBuf>,
}

/// Runs `rinse features`.
pub fn run(args: FeaturesArgs) -> Result<u8> {
    let mut builder = cleaner_builder(&args.rules, &[]);
    if let Some(path) = &args.line_model {
        builder = builder.line_model(super::clean::load_line_model(path)?);
    }
    let cleaner = builder.build()?;
    let (inputs, mut errors) = docs::inputs(&args.paths, &args.glob)?;
    let limit = cleaner.max_doc_bytes();
    let mut docs = Vec::new();
    for input in &inputs {
        docs::for_each_doc(input, "text", limit, None, &mut errors, &mut |d| {
            docs.push((input.id.clone(), d));
            true
        });
    }
    let rows: Vec<Result<String, String>> = docs
        .par_iter()
        .map(|(id, d)| {
            let (text, fr) = cleaner
                .feature_rows_bytes(&d.bytes)
                .map_err(|e| format!("{}: {e}", d.source))?;
            let (idx, rows) = (&fr.idx, &fr.rows);
            let lines = rinse::internals::segment::lines(&text);
            let probs = args.line_model.as_ref().and(fr.probabilities.as_ref());
            let mut v = serde_json::json!({
                "id": id,
                "source": d.source,
                "no": idx.iter().map(|&i| lines[i].no).collect::<Vec<_>>(),
                "text": idx.iter().map(|&i| lines[i].text).collect::<Vec<_>>(),
                "free": fr.free,
                "x": rows.iter().map(|r| &r[..rinse::internals::classify::context::COLUMNS]).collect::<Vec<_>>(),
            });
            if let Some((p1, p2)) = probs {
                v["p1"] = serde_json::json!(p1);
                v["p2"] = serde_json::json!(p2);
            }
            Ok(v.to_string())
        })
        .collect();
    super::to_stdout(|out| {
        let names =
            serde_json::json!({ "names": rinse::internals::classify::context::NAMES.as_slice() });
        writeln!(out, "{names}")?;
        for r in rows {
            match r {
                Ok(line) => writeln!(out, "{line}")?,
                Err(e) => errors.push(e),
            }
        }
        Ok(())
    })?;
    for e in &errors {
        super::say(format_args!("rinse: {e}"));
    }
    Ok(if errors.is_empty() {
        EXIT_OK
    } else {
        EXIT_SOME_FAILED
    })
}
