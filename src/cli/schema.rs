//! `rinse schema`: the record's Arrow schema as JSON.

use anyhow::Result;
use clap::Args;

/// Arguments of `rinse schema`.
#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// The schema of `--on-error record` output (an `error` string last).
    #[arg(long)]
    pub error_field: bool,

    /// The schema of `rinse clean --fields LIST` output.
    #[arg(long, value_name = "LIST", value_parser = rinse::internals::record::FieldSet::parse, conflicts_with = "no_audit")]
    pub fields: Option<rinse::internals::record::FieldSet>,

    /// The schema of `rinse clean --no-audit` output.
    #[arg(long)]
    pub no_audit: bool,
}

/// Runs `rinse schema`.
#[cfg(feature = "parquet")]
pub fn run(args: SchemaArgs) -> Result<u8> {
    use rinse::internals::record::FieldSet;
    let fields = match args.fields {
        Some(f) => f,
        None if args.no_audit => FieldSet::without_audit(),
        None => FieldSet::ALL,
    };
    let schema = rinse::internals::columnar::output_schema(args.error_field, fields, None, "text");
    let json = rinse::internals::columnar::schema_json(&schema);
    super::to_stdout(|out| {
        serde_json::to_writer_pretty(&mut *out, &json)?;
        out.write_all(b"\n")
    })?;
    Ok(super::EXIT_OK)
}

/// Runs `rinse schema`.
#[cfg(not(feature = "parquet"))]
pub fn run(_args: SchemaArgs) -> Result<u8> {
    anyhow::bail!("this rinse was built without the `parquet` feature, which holds the schema")
}
