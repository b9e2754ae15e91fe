//! Parquet input and output, and the record's Arrow schema (cargo feature
//! `parquet`, on by default).
//!
//! * [`record_schema`] is the one published Arrow schema of a [`Record`](crate::Record):
//!   Parquet output uses it, `rinse schema` prints it ([`schema_json`]), and
//!   Python's `rinse.arrow_schema()` reads it ([`schema_ipc`]).
//! * A Parquet input is read a batch of rows at a time and handed to the
//!   pipeline as JSONL, one object per row with every column
//!   ([`ParquetLines`]): a Parquet file is cleaned exactly as the same rows
//!   in a JSONL file would be.
//! * Parquet output ([`ParquetSink`]) takes the records as the pipeline
//!   serialises them ([`crate::write::Format::Parquet`]: the record's fields,
//!   then the input's other columns) and writes a row group every
//!   [`ROW_GROUP_BYTES`] of records, zstd-compressed.

use std::fs::File;
use std::io::{self, BufRead, Read, Write};
use std::path::Path;
use std::sync::atomic::Ordering;

use arrow_array::RecordBatch;
use arrow_schema::{DataType, Field, Fields, Schema, SchemaRef};
use parquet::arrow::ArrowWriter;
use parquet::arrow::arrow_reader::{ParquetRecordBatchReader, ParquetRecordBatchReaderBuilder};
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::properties::WriterProperties;

use crate::error::{Error, Result};
use crate::record::{FIELDS, FieldSet};

/// Whether `path` names a Parquet file (`.parquet`, any case).
pub fn is_parquet_name(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("parquet"))
}

fn utf8(name: &str) -> Field {
    Field::new(name, DataType::Utf8, true)
}

fn list_of(name: &str, item: DataType) -> Field {
    Field::new(name, DataType::new_list(item, true), true)
}

fn structure(fields: Vec<Field>) -> DataType {
    DataType::Struct(Fields::from(fields))
}

/// The Arrow type of each record field, in [`FIELDS`] order.
fn record_fields() -> Vec<Field> {
    let line = || Field::new("line", DataType::Int64, true);
    let fields = vec![
        utf8("id"),
        utf8("source"),
        utf8("title"),
        utf8("dateline"),
        utf8("text"),
        list_of("captions", DataType::Utf8),
        list_of("credits", DataType::Utf8),
        list_of("related", structure(vec![utf8("section"), utf8("title")])),
        list_of(
            "removed",
            structure(vec![utf8("rule"), line(), utf8("text")]),
        ),
        list_of(
            "fixes",
            structure(vec![utf8("rule"), line(), utf8("before"), utf8("after")]),
        ),
        utf8("encoding"),
    ];
    debug_assert!(fields.iter().map(|f| f.name().as_str()).eq(FIELDS));
    fields
}

/// The Arrow schema of a record: every field of [`FIELDS`], in order, strings
/// as `utf8`, line numbers as `int64`, lists as `list<…>` (also when every
/// list of a file is empty), all nullable so that any reader can merge it
/// with what it infers. With `error_field` (`--on-error record`), an `error`
/// string follows.
pub fn record_schema(error_field: bool) -> Schema {
    let mut fields = record_fields();
    if error_field {
        fields.push(utf8("error"));
    }
    Schema::new(fields)
}

/// The schema of Parquet output: [`record_schema`] keeping only `fields`, then `extra`'s columns (a Parquet input's), except those
/// named like a record field, `error` or `text_key` (which holds the text).
pub fn output_schema(
    error_field: bool,
    fields: FieldSet,
    extra: Option<&Schema>,
    text_key: &str,
) -> Schema {
    let base = record_schema(error_field);
    let mut fields: Vec<Field> = base
        .fields()
        .iter()
        .filter(|f| f.name() == "error" || fields.contains(f.name()))
        .map(|f| f.as_ref().clone())
        .collect();
    if let Some(extra) = extra {
        for f in extra.fields() {
            let name = f.name().as_str();
            if name == text_key || name == "error" || FIELDS.contains(&name) {
                continue;
            }
            fields.push(f.as_ref().clone());
        }
    }
    Schema::new(fields)
}

/// The Arrow schema of a Parquet file's rows, read from its footer.
pub fn file_schema(path: &Path) -> Result<Schema> {
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    let builder = ParquetRecordBatchReaderBuilder::try_new(file)
        .map_err(|e| Error::io(path, not_parquet(e)))?;
    Ok(builder.schema().as_ref().clone())
}

/// Lines of a JSONL input looked at to infer the types of its other fields.
pub const INFER_LINES: usize = 1000;

/// The Arrow schema of a JSONL input's fields, inferred from its first
/// [`INFER_LINES`] objects (lines that do not parse are passed over), in the
/// order the fields first appear; a field seen only as `null` or `[]` is
/// typed as strings (values that come later as numbers are written as
/// their text). `None` when nothing could be read.
pub fn jsonl_schema(reader: impl BufRead) -> Option<Schema> {
    let mut values = Vec::new();
    let mut order: Vec<String> = Vec::new();
    for line in reader.lines().take(INFER_LINES) {
        let Ok(line) = line else { break };
        let Ok(serde_json::Value::Object(map)) = serde_json::from_str::<serde_json::Value>(&line)
        else {
            continue;
        };
        for k in map.keys() {
            if !order.contains(k) {
                order.push(k.clone());
            }
        }
        values.push(serde_json::Value::Object(map));
    }
    if values.is_empty() {
        return None;
    }
    let inferred =
        arrow_json::reader::infer_json_schema_from_iterator(values.iter().map(Ok)).ok()?;
    let fields: Vec<Field> = order
        .iter()
        .filter_map(|k| inferred.field_with_name(k).ok())
        .map(|f| f.clone().with_data_type(no_null_type(f.data_type())))
        .collect();
    Some(Schema::new(fields))
}

/// `t` with every `null` type in it (what an empty list infers) made `utf8`.
fn no_null_type(t: &DataType) -> DataType {
    match t {
        DataType::Null => DataType::Utf8,
        DataType::List(item) => DataType::new_list(no_null_type(item.data_type()), true),
        DataType::Struct(fields) => structure(
            fields
                .iter()
                .map(|f| {
                    f.as_ref()
                        .clone()
                        .with_data_type(no_null_type(f.data_type()))
                })
                .collect(),
        ),
        other => other.clone(),
    }
}

fn not_parquet(e: impl std::fmt::Display) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("not a readable Parquet file: {e}"),
    )
}

/// A type as JSON for [`schema_json`]: a name (`"string"`, `"int64"`), or
/// `{"list": TYPE}`, or `{"struct": [FIELD…]}`.
fn type_json(t: &DataType) -> serde_json::Value {
    match t {
        DataType::Utf8 => "string".into(),
        DataType::Int64 => "int64".into(),
        DataType::List(item) => serde_json::json!({ "list": type_json(item.data_type()) }),
        DataType::Struct(fields) => serde_json::json!({
            "struct": fields.iter().map(|f| field_json(f)).collect::<Vec<_>>()
        }),
        other => other.to_string().into(),
    }
}

fn field_json(f: &Field) -> serde_json::Value {
    serde_json::json!({
        "name": f.name(),
        "type": type_json(f.data_type()),
        "nullable": f.is_nullable(),
    })
}

/// `schema` as JSON (`rinse schema`): `{"fields": [{"name", "type",
/// "nullable"}…]}`, types as [`record_schema`] names them.
pub fn schema_json(schema: &Schema) -> serde_json::Value {
    serde_json::json!({
        "fields": schema.fields().iter().map(|f| field_json(f)).collect::<Vec<_>>()
    })
}

/// `schema` as an Arrow IPC stream with no batch (what `pyarrow.ipc.open_stream`
/// reads), for Python's `rinse.arrow_schema()`.
pub fn schema_ipc(schema: &Schema) -> Vec<u8> {
    let mut out = Vec::new();
    // Writing a schema to memory cannot fail.
    if let Ok(mut w) = arrow_ipc::writer::StreamWriter::try_new(&mut out, schema) {
        let _ = w.finish();
    }
    out
}

/// Rows of a Parquet input read per batch.
pub const READ_BATCH_ROWS: usize = 256;

/// A Parquet file read as JSONL: one JSON object per row, every column by
/// name (nulls as `null`), a batch of [`READ_BATCH_ROWS`] rows converted at
/// a time, so memory holds one batch and the reader's current pages.
pub struct ParquetLines {
    rows: ParquetRecordBatchReader,
    buf: Vec<u8>,
    pos: usize,
    stop: Option<crate::read::Stop>,
}

impl ParquetLines {
    /// Opens the Parquet file at `path`; an error names what is wrong with it.
    /// Once `stop` is set, reads fail (as [`crate::read::open_stoppable`]'s do).
    pub fn open(path: &Path, stop: Option<crate::read::Stop>) -> Result<Self> {
        let file = File::open(path).map_err(|e| Error::io(path, e))?;
        let rows = ParquetRecordBatchReaderBuilder::try_new(file)
            .and_then(|b| b.with_batch_size(READ_BATCH_ROWS).build())
            .map_err(|e| Error::io(path, not_parquet(e)))?;
        Ok(ParquetLines {
            rows,
            buf: Vec::new(),
            pos: 0,
            stop,
        })
    }

    /// Converts the next batch into `buf`; `false` at the end of the file.
    fn next_batch(&mut self) -> io::Result<bool> {
        if self
            .stop
            .as_ref()
            .is_some_and(|s| s.load(Ordering::Relaxed))
        {
            return Err(crate::read::stopped_error());
        }
        let Some(batch) = self.rows.next() else {
            return Ok(false);
        };
        let batch = batch.map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
        self.buf.clear();
        self.pos = 0;
        let mut w = arrow_json::WriterBuilder::new()
            .with_explicit_nulls(true)
            .build::<_, arrow_json::writer::LineDelimited>(&mut self.buf);
        w.write(&batch)
            .and_then(|()| w.finish())
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
        Ok(true)
    }
}

impl Read for ParquetLines {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let avail = self.fill_buf()?;
        let n = avail.len().min(out.len());
        out[..n].copy_from_slice(&avail[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl BufRead for ParquetLines {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        while self.pos >= self.buf.len() {
            if !self.next_batch()? {
                return Ok(&[]);
            }
        }
        Ok(&self.buf[self.pos..])
    }

    fn consume(&mut self, n: usize) {
        self.pos = (self.pos + n).min(self.buf.len());
    }
}

/// Bytes of serialised records a row group of Parquet output holds: a row
/// group is decoded and written each time this much has come in, so memory
/// holds about one row group whatever the corpus.
pub const ROW_GROUP_BYTES: usize = 16 << 20;

/// Records decoded into one Arrow batch before it goes to the row group.
const DECODE_BATCH_ROWS: usize = 1024;

/// Writes records serialised as JSONL lines ([`crate::write::Format::Parquet`])
/// to `W` as Parquet with a fixed schema: a row group per
/// [`ROW_GROUP_BYTES`] of lines, zstd-compressed. Keys the schema lacks are
/// left out.
pub struct ParquetSink<W: Write + Send> {
    writer: ArrowWriter<W>,
    decoder: arrow_json::reader::Decoder,
    /// Bytes given to the decoder since the last row group.
    pending: usize,
}

impl<W: Write + Send> ParquetSink<W> {
    /// A sink writing Parquet with `schema` to `inner`.
    pub fn new(inner: W, schema: SchemaRef) -> io::Result<Self> {
        let props = WriterProperties::builder()
            .set_compression(Compression::ZSTD(ZstdLevel::default()))
            .build();
        let writer =
            ArrowWriter::try_new(inner, schema.clone(), Some(props)).map_err(io::Error::other)?;
        let decoder = arrow_json::ReaderBuilder::new(schema)
            .with_batch_size(DECODE_BATCH_ROWS)
            .with_coerce_primitive(true)
            .build_decoder()
            .map_err(io::Error::other)?;
        Ok(ParquetSink {
            writer,
            decoder,
            pending: 0,
        })
    }

    /// Hands the decoded records to the row group being written.
    fn decoded(&mut self) -> io::Result<()> {
        let batch: Option<RecordBatch> = self
            .decoder
            .flush()
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
        if let Some(b) = batch.filter(|b| b.num_rows() > 0) {
            self.writer.write(&b).map_err(io::Error::other)?;
        }
        Ok(())
    }

    /// Ends the row group: what came in is written out.
    fn row_group(&mut self) -> io::Result<()> {
        self.pending = 0;
        self.decoded()?;
        self.writer.flush().map_err(io::Error::other)
    }

    /// Writes the last row group and the footer; the inner writer, to commit.
    pub fn finish(mut self) -> io::Result<W> {
        self.row_group()?;
        self.writer.into_inner().map_err(io::Error::other)
    }
}

impl<W: Write + Send> Write for ParquetSink<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut done = 0;
        while done < buf.len() {
            let n = self
                .decoder
                .decode(&buf[done..])
                .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
            if n == 0 {
                // The decoder's batch is full: on to the row group.
                if self.decoder.is_empty() {
                    return Err(io::Error::other("the Parquet encoder took no input"));
                }
                self.decoded()?;
            }
            done += n;
            self.pending += n;
        }
        if self.pending >= ROW_GROUP_BYTES && !self.decoder.has_partial_record() {
            self.row_group()?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schema_names_every_record_field_in_order() {
        let s = record_schema(true);
        let names: Vec<&str> = s.fields().iter().map(|f| f.name().as_str()).collect();
        assert_eq!(&names[..11], FIELDS);
        assert_eq!(names[11], "error");
        let j = schema_json(&s);
        assert_eq!(
            j["fields"][5]["type"],
            serde_json::json!({"list": "string"})
        );
        assert_eq!(
            j["fields"][8]["type"]["list"]["struct"][1],
            serde_json::json!({"name": "line", "type": "int64", "nullable": true})
        );
    }

    #[test]
    fn the_sink_writes_lines_split_anywhere_as_rows() {
        let schema = std::sync::Arc::new(output_schema(false, FieldSet::ALL, None, "text"));
        let rec = crate::Record {
            id: "a".into(),
            text: "body".into(),
            ..Default::default()
        };
        let mut line = serde_json::to_vec(&rec).unwrap();
        line.push(b'\n');
        let lines = line.repeat(3);
        let mut sink = ParquetSink::new(Vec::new(), schema).unwrap();
        // Split inside a record: the decoder takes partial input.
        sink.write_all(&lines[..10]).unwrap();
        sink.write_all(&lines[10..]).unwrap();
        let bytes = sink.finish().unwrap();
        let d = tempfile::tempdir().unwrap();
        let path = d.path().join("x.parquet");
        std::fs::write(&path, bytes).unwrap();
        assert!(file_schema(&path).is_ok());
        let reader = ParquetRecordBatchReaderBuilder::try_new(File::open(&path).unwrap())
            .unwrap()
            .build()
            .unwrap();
        let rows: usize = reader.map(|b| b.unwrap().num_rows()).sum();
        assert_eq!(rows, 3);
    }
}
