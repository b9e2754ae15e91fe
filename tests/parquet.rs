//! Parquet input and output (cargo feature `parquet`, on by default): the
//! round trip with pass-through columns, the published schema, order and
//! `-j` independence, mirroring, and malformed files.
#![cfg(feature = "parquet")]

mod common;

use std::fs::File;
use std::path::Path;
use std::sync::Arc;

use arrow_array::builder::{ListBuilder, StringBuilder};
use arrow_array::{Array, ArrayRef, Float64Array, Int64Array, RecordBatch, StringArray};
use arrow_schema::DataType;
use common::{rinse, summary_counts, tmp, write};
use parquet::arrow::ArrowWriter;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;
use serde_json::Value;

const PAGE: &str = "Council approves the budget\n\nThe council approved the city budget on Tuesday after a long debate.\nShare this\nThe vote was seven to two, with one member absent from the chamber.\n";

fn text(i: usize) -> String {
    if i % 5 == 4 {
        String::new()
    } else {
        format!("{PAGE}Paragraph number {i} of the story, a sentence long enough.\n")
    }
}

/// Writes `rows` documents as Parquet at `path`: `id` (int64), `text`,
/// `url` (null on odd rows), `score` (float64), `tags` (list of strings,
/// empty on even rows), in row groups of 7 rows.
fn write_input(path: &Path, rows: usize, compression: Compression) {
    let ids: ArrayRef = Arc::new(Int64Array::from_iter_values(
        (0..rows).map(|i| 1000 + i as i64),
    ));
    let texts: ArrayRef = Arc::new(StringArray::from_iter_values((0..rows).map(text)));
    let urls: ArrayRef =
        Arc::new(StringArray::from_iter((0..rows).map(|i| {
            (i % 2 == 0).then(|| format!("https://example.com/{i}"))
        })));
    let scores: ArrayRef = Arc::new(Float64Array::from_iter_values(
        (0..rows).map(|i| i as f64 / 4.0),
    ));
    let mut tags = ListBuilder::new(StringBuilder::new());
    for i in 0..rows {
        if i % 2 == 1 {
            tags.values().append_value(format!("t{i}"));
            tags.values().append_value("news");
        }
        tags.append(true);
    }
    let tags: ArrayRef = Arc::new(tags.finish());
    let batch = RecordBatch::try_from_iter(vec![
        ("id", ids),
        ("text", texts),
        ("url", urls),
        ("score", scores),
        ("tags", tags),
    ])
    .unwrap();
    let props = WriterProperties::builder()
        .set_compression(compression)
        .set_max_row_group_row_count(Some(7))
        .build();
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let mut w =
        ArrowWriter::try_new(File::create(path).unwrap(), batch.schema(), Some(props)).unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
}

/// The rows of a Parquet file, one batch.
fn read_parquet(path: &Path) -> RecordBatch {
    let reader = ParquetRecordBatchReaderBuilder::try_new(File::open(path).unwrap())
        .unwrap()
        .build()
        .unwrap();
    let batches: Vec<RecordBatch> = reader.map(|b| b.unwrap()).collect();
    arrow_select::concat::concat_batches(&batches[0].schema(), &batches).unwrap()
}

/// The rows of a Parquet file as JSON objects.
fn parquet_as_json(path: &Path) -> Vec<Value> {
    let batch = read_parquet(path);
    let mut buf = Vec::new();
    let mut w = arrow_json::WriterBuilder::new()
        .with_explicit_nulls(true)
        .build::<_, arrow_json::writer::LineDelimited>(&mut buf);
    w.write(&batch).unwrap();
    w.finish().unwrap();
    drop(w);
    jsonl(&buf)
}

fn jsonl(bytes: &[u8]) -> Vec<Value> {
    String::from_utf8_lossy(bytes)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn parquet_round_trip_keeps_other_columns_and_cleans_as_jsonl_does() {
    let d = tmp();
    let input = d.path().join("in.parquet");
    write_input(&input, 30, Compression::SNAPPY);
    let out = d.path().join("out.parquet");
    let r = rinse()
        .arg("clean")
        .arg(&input)
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    assert_eq!(
        summary_counts(&String::from_utf8_lossy(&r.stderr)),
        (30, 30, 0)
    );

    let got = read_parquet(&out);
    let want = read_parquet(&input);
    assert_eq!(got.num_rows(), 30);
    // The record's fields first, with the published types, then the
    // input's other columns, unchanged.
    let schema = got.schema();
    let names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
    assert_eq!(
        names,
        [
            "id", "source", "title", "dateline", "text", "captions", "credits", "related",
            "removed", "fixes", "encoding", "url", "score", "tags"
        ]
    );
    for col in ["url", "score", "tags"] {
        let a = got.column_by_name(col).unwrap();
        let b = want.column_by_name(col).unwrap();
        assert_eq!(a.data_type(), b.data_type(), "{col}");
        assert_eq!(a.to_data(), b.to_data(), "{col}");
    }
    // The input's numeric id, as text (every record's id is a string).
    let ids = got.column_by_name("id").unwrap();
    let ids = ids.as_any().downcast_ref::<StringArray>().unwrap();
    assert_eq!(ids.value(3), "1003");

    // The same rows as JSONL give the same records: Parquet is only a container.
    let rows = jsonl(&{
        let mut buf = Vec::new();
        let mut w = arrow_json::WriterBuilder::new()
            .build::<_, arrow_json::writer::LineDelimited>(&mut buf);
        w.write(&want).unwrap();
        w.finish().unwrap();
        drop(w);
        buf
    });
    let as_jsonl: String = rows.iter().map(|v| format!("{v}\n")).collect();
    let jl = d.path().join("in.jsonl");
    write(&jl, as_jsonl);
    let r = rinse().args(["clean", "-q"]).arg(&jl).output().unwrap();
    let from_jsonl = jsonl(&r.stdout);
    let from_parquet = parquet_as_json(&out);
    for (a, b) in from_parquet.iter().zip(&from_jsonl) {
        for k in [
            "id", "title", "text", "captions", "removed", "fixes", "encoding",
        ] {
            assert_eq!(a[k], b[k], "{k}");
        }
    }
    // Parquet in, JSONL out: the input's columns in their place.
    let r = rinse().args(["clean", "-q"]).arg(&input).output().unwrap();
    let recs = jsonl(&r.stdout);
    assert_eq!(recs.len(), 30);
    assert_eq!(recs[1]["url"], Value::Null);
    assert_eq!(recs[1]["tags"], serde_json::json!(["t1", "news"]));
    assert_eq!(recs[2]["score"], serde_json::json!(0.5));
    assert_eq!(
        recs[2]["source"],
        "in.parquet:3".replace("in.parquet", &input.display().to_string())
    );
    assert_eq!(recs[0]["text"], from_jsonl[0]["text"]);
}

#[test]
fn parquet_output_is_the_same_bytes_for_any_thread_count_and_in_input_order() {
    let d = tmp();
    let input = d.path().join("in.parquet");
    write_input(&input, 200, Compression::UNCOMPRESSED);
    let mut outs = Vec::new();
    for j in ["1", "2", "4"] {
        let out = d.path().join(format!("out{j}.parquet"));
        let r = rinse()
            .args(["clean", "-q", "-j", j])
            .arg(&input)
            .arg("-o")
            .arg(&out)
            .output()
            .unwrap();
        assert!(r.status.success());
        outs.push(std::fs::read(&out).unwrap());
    }
    assert_eq!(outs[0], outs[1]);
    assert_eq!(outs[0], outs[2]);
    let got = read_parquet(&d.path().join("out1.parquet"));
    let ids = got.column_by_name("id").unwrap();
    let ids = ids.as_any().downcast_ref::<StringArray>().unwrap();
    let want: Vec<String> = (0..200).map(|i| (1000 + i).to_string()).collect();
    assert_eq!(
        ids.iter()
            .map(|v| v.unwrap().to_string())
            .collect::<Vec<_>>(),
        want
    );
}

#[test]
fn parquet_output_has_the_published_schema_even_when_every_list_is_empty() {
    let d = tmp();
    write(&d.path().join("a.txt"), "");
    write(&d.path().join("b.txt"), "A short line\n");
    let out = d.path().join("out.parquet");
    let r = rinse()
        .args(["clean", "-q", "--format", "parquet"])
        .arg(d.path())
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let got = read_parquet(&out);
    assert_eq!(got.num_rows(), 2);
    let schema = rinse().arg("schema").output().unwrap();
    assert!(schema.status.success());
    let published: Value = serde_json::from_slice(&schema.stdout).unwrap();
    let fields = published["fields"].as_array().unwrap();
    assert_eq!(fields.len(), got.schema().fields().len());
    for (p, f) in fields.iter().zip(got.schema().fields()) {
        assert_eq!(p["name"], f.name().as_str());
        let t = match f.data_type() {
            DataType::Utf8 => serde_json::json!("string"),
            DataType::List(item) => match item.data_type() {
                DataType::Utf8 => serde_json::json!({"list": "string"}),
                DataType::Struct(_) => p["type"].clone(),
                other => panic!("{} is a list of {other}", f.name()),
            },
            other => panic!("{} is {other}", f.name()),
        };
        assert_eq!(p["type"], t, "{}", f.name());
    }
    // Lists of structs keep their item fields though all are empty.
    let removed = got.schema().field_with_name("removed").unwrap().clone();
    let DataType::List(item) = removed.data_type() else {
        panic!("removed is {}", removed.data_type())
    };
    let DataType::Struct(inner) = item.data_type() else {
        panic!("removed's items are {}", item.data_type())
    };
    let inner: Vec<(&str, &DataType)> = inner
        .iter()
        .map(|f| (f.name().as_str(), f.data_type()))
        .collect();
    assert_eq!(
        inner,
        [
            ("rule", &DataType::Utf8),
            ("line", &DataType::Int64),
            ("text", &DataType::Utf8)
        ]
    );
    // --on-error record adds the error column, in the schema too.
    let schema = rinse().args(["schema", "--error-field"]).output().unwrap();
    let published: Value = serde_json::from_slice(&schema.stdout).unwrap();
    assert_eq!(published["fields"][11]["name"], "error");
}

#[test]
fn a_malformed_parquet_file_is_reported_by_name_and_reason_without_a_panic() {
    let d = tmp();
    let bad = d.path().join("bad.parquet");
    write(&bad, b"PAR1 this is not parquet at all PAR1");
    let good = d.path().join("good.parquet");
    write_input(&good, 3, Compression::ZSTD(Default::default()));
    // Cut short: the footer is gone.
    let full = std::fs::read(&good).unwrap();
    let cut = d.path().join("cut.parquet");
    write(&cut, &full[..full.len() / 2]);
    let out = d.path().join("out.jsonl");
    let errors = d.path().join("errors.jsonl");
    let r = rinse()
        .arg("clean")
        .arg(&bad)
        .arg(&good)
        .arg(&cut)
        .arg("-o")
        .arg(&out)
        .arg("--errors")
        .arg(&errors)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&r.stderr);
    assert_eq!(r.status.code(), Some(1), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(
        stderr.contains("bad.parquet: not a readable Parquet file"),
        "{stderr}"
    );
    assert!(
        stderr.contains("cut.parquet: not a readable Parquet file"),
        "{stderr}"
    );
    // The good file's documents are written, the two bad files reported.
    assert_eq!(summary_counts(&stderr), (5, 3, 2));
    let errs = jsonl(&std::fs::read(&errors).unwrap());
    assert_eq!(errs.len(), 2);
    assert!(errs[0]["source"].as_str().unwrap().ends_with("bad.parquet"));
    assert_eq!(jsonl(&std::fs::read(&out).unwrap()).len(), 3);
}

#[test]
fn output_dir_mirrors_parquet_inputs_as_parquet() {
    let d = tmp();
    let src = d.path().join("src");
    write_input(&src.join("a/x.parquet"), 4, Compression::SNAPPY);
    write(&src.join("b/y.jsonl.gz"), {
        use std::io::Write;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(b"{\"id\": 1, \"text\": \"Hello there\", \"lang\": \"en\"}\n")
            .unwrap();
        gz.finish().unwrap()
    });
    let out = d.path().join("out");
    let r = rinse()
        .args([
            "clean",
            "-q",
            "--glob",
            "*.{parquet,jsonl.gz}",
            "--format",
            "parquet",
        ])
        .arg(&src)
        .arg("--output-dir")
        .arg(&out)
        .output()
        .unwrap();
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    assert_eq!(read_parquet(&out.join("a/x.parquet")).num_rows(), 4);
    // A JSONL input's other fields are kept too, their types inferred.
    let y = read_parquet(&out.join("b/y.parquet"));
    assert_eq!(y.num_rows(), 1);
    let lang = y.column_by_name("lang").unwrap();
    assert_eq!(
        lang.as_any()
            .downcast_ref::<StringArray>()
            .unwrap()
            .value(0),
        "en"
    );
    // Only the finished files: no temporary file left.
    assert!(common::temp_files(&out).is_empty());
}
