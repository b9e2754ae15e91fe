//! Throughput of each pipeline stage and of the whole pipeline per document,
//! single thread, on the shipped samples.
//!
//! Input: every `samples/*.txt` (news and blog pages in several languages and
//! layouts, written for the project; see `samples/`), concatenated into one
//! corpus of documents and repeated to about 8 MB so that each measurement runs
//! long enough. Stages:
//!
//! * `decode` — bytes to text: the corpus as UTF-8, and re-encoded as
//!   windows-1252 (the legacy-encoding path through `chardetng`).
//! * `clean_text` — repair, segment, classify and assemble (the middle of the
//!   pipeline, no I/O).
//! * `classify` — line classification only, on pre-repaired, pre-split lines.
//! * `jsonl` / `csv` — serialising the cleaned records.
//! * `document` — one document end to end from bytes to a JSONL line.
//!
//! Run: `cargo bench --bench pipeline`. Prints MB/s per stage (best of 5), then
//! divan's table. Whole-process figures over a corpus come from
//! `scripts/bench.sh`.

use std::hint::black_box;
use std::path::Path;
use std::time::Instant;

use rinse::Cleaner;
use rinse::internals::record::Record;
use rinse::internals::segment;
use rinse::internals::write::Format;

fn main() {
    let docs = corpus();
    let cleaner = Cleaner::builtin().expect("built-in rules");
    let total: usize = docs.iter().map(String::len).sum();
    let mb = total as f64 / 1e6;
    let latin1: Vec<Vec<u8>> = docs
        .iter()
        .map(|d| encoding_rs::WINDOWS_1252.encode(d).0.into_owned())
        .collect();
    let repaired: Vec<String> = docs
        .iter()
        .map(|d| rinse::internals::repair::repair(d, &Default::default()).text)
        .collect();
    let records: Vec<Record> = docs.iter().map(|d| cleaner.clean(d).unwrap()).collect();

    report("decode UTF-8", mb, || {
        for d in &docs {
            black_box(rinse::internals::decode::decode(d.as_bytes(), None).ok());
        }
    });
    report("decode windows-1252", mb, || {
        for d in &latin1 {
            black_box(rinse::internals::decode::decode(d, None).ok());
        }
    });
    report("clean_text (repair+segment+classify+assemble)", mb, || {
        for d in &docs {
            black_box(cleaner.clean(d).unwrap());
        }
    });
    report("classify", mb, || {
        for d in &repaired {
            let lines = segment::lines(d);
            black_box(cleaner.classifier().classify(&lines));
        }
    });
    for (name, format) in [("write JSONL", Format::Jsonl), ("write CSV", Format::Csv)] {
        report(name, mb, || {
            let mut out = Vec::with_capacity(total * 2);
            for r in &records {
                format
                    .serialize(r, None, None, &mut out)
                    .expect("serialise");
            }
            black_box(out);
        });
    }
    report("document (bytes to JSONL line)", mb, || {
        let mut out = Vec::with_capacity(total * 2);
        for d in &docs {
            let rec = cleaner.clean(d.as_bytes()).expect("clean");
            Format::Jsonl
                .serialize(&rec, None, None, &mut out)
                .expect("serialise");
        }
        black_box(out);
    });
    divan::main();
}

/// Times `f` five times and prints the best throughput.
fn report(name: &str, mb: f64, mut f: impl FnMut()) {
    let mut best = f64::MAX;
    for _ in 0..5 {
        let t = Instant::now();
        f();
        best = best.min(t.elapsed().as_secs_f64());
    }
    println!(
        "{name}: {mb:.1} MB in {best:.3} s = {:.0} MB/s, best of 5, one thread",
        mb / best
    );
}

/// The samples, repeated to about 8 MB.
fn corpus() -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
    let mut samples: Vec<String> = std::fs::read_dir(&dir)
        .expect("samples/")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .map(|p| std::fs::read_to_string(p).expect("sample"))
        .collect();
    samples.sort();
    let one: usize = samples.iter().map(String::len).sum();
    let copies = (8_000_000 / one.max(1)).max(1);
    let mut docs = Vec::with_capacity(samples.len() * copies);
    for _ in 0..copies {
        docs.extend(samples.iter().cloned());
    }
    docs
}

#[divan::bench]
fn clean_one_sample(bencher: divan::Bencher) {
    let cleaner = Cleaner::builtin().expect("built-in rules");
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/reuters-azerbaijan.txt"),
    )
    .expect("seed sample");
    bencher
        .counter(divan::counter::BytesCount::new(text.len()))
        .bench(|| cleaner.clean(black_box(&text)).unwrap());
}
