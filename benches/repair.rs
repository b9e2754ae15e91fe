//! Repair throughput, single thread, on clean and on 2 %-damaged English news text.
//!
//! Input: `samples/reuters-azerbaijan.txt` (a Reuters story kept in the repo), made
//! typographic (curly quotes and apostrophes) and repeated to about 4 MB: that is
//! the clean text. The damaged text is the same with 2 % of its sentences turned into
//! mojibake (their UTF-8 bytes read as windows-1252), chosen by a fixed-seed
//! generator among the sentences that have a non-ASCII character, so that the same
//! text is measured every run.
//!
//! `RINSE_BENCH_CLEAN=FILE RINSE_BENCH_DIRTY=FILE cargo bench --bench repair` measures
//! other files instead (for example the corpora that ftfy_baseline.py builds).
//!
//! Run: `cargo bench --bench repair`. Prints MB/s for each input, then divan's table.

use std::hint::black_box;
use std::sync::OnceLock;
use std::time::Instant;

use rinse::internals::repair::{RepairOptions, repair};

fn main() {
    let (clean, dirty) = inputs();
    let (ru, zh) = (russian(), chinese());
    for (name, text) in [
        ("clean", clean),
        ("damaged", dirty),
        ("clean Russian", ru),
        ("clean Chinese", zh),
    ] {
        let opts = RepairOptions::default();
        let mut best = f64::MAX;
        let mut fixes = 0;
        for _ in 0..5 {
            let t = Instant::now();
            let r = repair(black_box(text), &opts);
            best = best.min(t.elapsed().as_secs_f64());
            fixes = r.fixes.len();
        }
        let mb = text.len() as f64 / 1e6;
        println!(
            "repair {name}: {mb:.2} MB in {:.4} s = {:.0} MB/s ({fixes} fixes), best of 5, one thread",
            best,
            mb / best
        );
    }
    divan::main();
}

fn typographic(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 64);
    let mut open = true;
    let chars: Vec<char> = s.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        match c {
            '"' => {
                out.push(if open { '“' } else { '”' });
                open = !open;
            }
            '\'' if i > 0 && chars[i - 1].is_alphanumeric() => out.push('’'),
            '\'' => out.push('‘'),
            '\n' => {
                open = true;
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

/// UTF-8 bytes read as windows-1252 (undefined bytes as C1 controls), as browsers do.
fn mojibake(s: &str) -> String {
    let (text, _, _) = encoding_rs::WINDOWS_1252.decode(s.as_bytes());
    text.into_owned()
}

fn build() -> (String, String) {
    let sample = typographic(include_str!("../samples/reuters-azerbaijan.txt"));
    let mut clean = String::new();
    while clean.len() < 4_000_000 {
        clean.push_str(&sample);
        clean.push('\n');
    }
    // Split into sentences (". " ends one), mojibake 2 % of all sentences.
    let sentences: Vec<&str> = clean.split_inclusive(". ").collect();
    let non_ascii = sentences.iter().filter(|s| !s.is_ascii()).count();
    let rate = 0.02 * sentences.len() as f64 / non_ascii.max(1) as f64;
    let mut seed: u64 = 42;
    let mut dirty = String::with_capacity(clean.len() + clean.len() / 20);
    for s in &sentences {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let r = (seed >> 11) as f64 / (1u64 << 53) as f64;
        if !s.is_ascii() && r < rate {
            dirty.push_str(&mojibake(s));
        } else {
            dirty.push_str(s);
        }
    }
    (clean, dirty)
}

fn inputs() -> (&'static str, &'static str) {
    static INPUTS: OnceLock<(String, String)> = OnceLock::new();
    let (c, d) = INPUTS.get_or_init(|| {
        match (
            std::env::var("RINSE_BENCH_CLEAN"),
            std::env::var("RINSE_BENCH_DIRTY"),
        ) {
            (Ok(c), Ok(d)) => (
                std::fs::read_to_string(c).expect("RINSE_BENCH_CLEAN readable"),
                std::fs::read_to_string(d).expect("RINSE_BENCH_DIRTY readable"),
            ),
            _ => build(),
        }
    });
    (c, d)
}

#[divan::bench(sample_count = 10)]
fn clean_text(b: divan::Bencher) {
    let (clean, _) = inputs();
    let opts = RepairOptions::default();
    b.counter(divan::counter::BytesCount::of_str(clean))
        .bench(|| repair(black_box(clean), &opts));
}

#[divan::bench(sample_count = 10)]
fn damaged_text(b: divan::Bencher) {
    let (_, dirty) = inputs();
    let opts = RepairOptions::default();
    b.counter(divan::counter::BytesCount::of_str(dirty))
        .bench(|| repair(black_box(dirty), &opts));
}

/// Clean Russian news text (written for rinse), repeated to about 4 MB: every
/// character is non-ASCII, so each line takes the slow path through the badness check.
fn russian() -> &'static str {
    static T: OnceLock<String> = OnceLock::new();
    T.get_or_init(|| {
        "Президент России заявил в среду, что правительство подготовит новый бюджет до конца года. «Это очень важное решение», — сказал он. Её имя — Анна, а ёлка стоит в углу.\n"
            .repeat(4_000_000 / 300)
    })
}

/// Clean Chinese text with full-width punctuation (written for rinse), about 4 MB.
fn chinese() -> &'static str {
    static T: OnceLock<String> = OnceLock::new();
    T.get_or_init(|| {
        "北京市政府星期三公布了明年的预算方案。市长在新闻发布会上表示：“这是为了保障市民生活的预算。”（测试）\n"
            .repeat(4_000_000 / 150)
    })
}

#[divan::bench(sample_count = 10)]
fn clean_russian(b: divan::Bencher) {
    let text = russian();
    let opts = RepairOptions::default();
    b.counter(divan::counter::BytesCount::of_str(text))
        .bench(|| repair(black_box(text), &opts));
}
