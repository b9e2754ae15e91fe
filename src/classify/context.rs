//! The line model's inputs: a row of numbers per non-blank line, from the
//! line's own measures, the rules and the heuristic span, and the lines around
//! it.
//!
//! Blank lines are left out: windows count non-blank lines, so that a page
//! with a blank line between paragraphs reads as one without.
//!
//! [`NAMES`] lists the columns in order. The training script reads the same
//! rows (`rinse features`), so the model file names the columns it was
//! trained on and [`super::model::LineModel`] refuses a file whose names
//! differ.

use super::Info;
use super::features::Lang;
use crate::rules::Action;
use crate::segment::Line;

mod shape;
mod stage2;

use shape::*;
pub(super) use stage2::Stage2;
pub use stage2::{COLUMNS2, NAMES2, NAMES2_OWN};

/// The column names of a row, in order.
pub const NAMES: [&str; COLUMNS] = [
    // The line itself.
    "log_weight",
    "words",
    "terminal",
    "colon",
    "inner_stops",
    "glued_teaser",
    "headline_shaped",
    "stop_share",
    "alnum_share",
    "capital_share",
    "digit_share",
    "bullet",
    "separators",
    "ellipsis",
    "has_time",
    "has_year",
    "url_like",
    "quote_start",
    "dup_in_doc",
    "dup_count",
    "stamp",
    "stamps_before10",
    "stamps_after10",
    "stamps_before",
    "stamps_after",
    "w10_dup",
    "repeated",
    // Rules.
    "rule_remove",
    "rule_trailer",
    "rule_related_header",
    "rule_related",
    "rule_caption",
    "rule_credit",
    "rule_comment",
    "comments_before10",
    "comments_after10",
    "comments_before",
    "comments_after",
    "since_comment",
    "until_comment",
    // The heuristic.
    "heur_score",
    "heur_prose",
    "heur_in_span",
    "heur_body",
    "heur_title",
    "span_dist",
    "title_dist",
    "has_title",
    // Position.
    "rel_pos",
    "log_lines",
    "log_index",
    "log_rev_index",
    "prose_before",
    "trailers_before",
    "since_trailer",
    "comment_heads_before",
    "since_comment_head",
    // Neighbours.
    "prev_log_weight",
    "prev_terminal",
    "prev_prose",
    "prev_rule",
    "next_log_weight",
    "next_terminal",
    "next_prose",
    "next_rule",
    "w1_log_weight",
    "w1_terminal",
    "w1_prose",
    "w1_shaped",
    "w1_rule",
    "w2_log_weight",
    "w2_terminal",
    "w2_prose",
    "w2_shaped",
    "w2_rule",
    "w5_log_weight",
    "w5_terminal",
    "w5_prose",
    "w5_shaped",
    "w5_rule",
    "w10_log_weight",
    "w10_terminal",
    "w10_prose",
    "w10_shaped",
    "w10_rule",
    "before5_prose",
    "after5_prose",
    "run_length",
];

/// Columns of a row.
pub const COLUMNS: usize = 88;

/// The width of a row in memory: both stages' columns, padded to a power of
/// two so that the trees index a row with a mask instead of a bounds check.
pub const ROW_WIDTH: usize = 128;

/// A row: the first [`COLUMNS`] (stage 1) or [`COLUMNS2`] (stage 2) values
/// are the columns, the rest 0.
pub type Row = [f32; ROW_WIDTH];

const _: () = assert!(COLUMNS2 <= ROW_WIDTH && ROW_WIDTH.is_power_of_two());

/// What the heuristic decided about a line, as the model reads it.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Heur {
    /// The line's score for the maximum-sum span.
    pub score: i64,
    /// Inside the heuristic's article span.
    pub in_span: bool,
    /// Classed as body by the heuristic.
    pub body: bool,
    /// The headline.
    pub title: bool,
}

/// Per-line values that windows average.
#[derive(Clone, Copy, Default)]
struct Base {
    log_weight: f32,
    terminal: f32,
    prose: f32,
    shaped: f32,
    rule: f32,
}

/// Prefix sums of [`Base`] over lines, for window means in constant time.
struct Sums(Vec<[f32; 5]>);

impl Sums {
    fn new(base: &[Base]) -> Self {
        let mut acc = [0f32; 5];
        let mut v = Vec::with_capacity(base.len() + 1);
        v.push(acc);
        for b in base {
            for (a, x) in acc
                .iter_mut()
                .zip([b.log_weight, b.terminal, b.prose, b.shaped, b.rule])
            {
                *a += x;
            }
            v.push(acc);
        }
        Sums(v)
    }

    /// Means over `lo..hi` without `skip` (which lies inside).
    fn mean_without(&self, lo: usize, hi: usize, skip: &Base) -> [f32; 5] {
        let n = (hi - lo) as f32 - 1.0;
        if n <= 0.0 {
            return [0.0; 5];
        }
        let (a, b) = (&self.0[lo], &self.0[hi]);
        let own = [
            skip.log_weight,
            skip.terminal,
            skip.prose,
            skip.shaped,
            skip.rule,
        ];
        std::array::from_fn(|k| (b[k] - a[k] - own[k]) / n)
    }

    fn mean(&self, lo: usize, hi: usize, k: usize) -> f32 {
        if hi <= lo {
            return 0.0;
        }
        (self.0[hi][k] - self.0[lo][k]) / (hi - lo) as f32
    }
}

/// Natural logarithms of the counts below this, looked up: a row takes
/// eight logarithms of counts, and each row is made twice (once per stage).
const LN_TABLE: usize = 4096;

/// `LN[k]` = `(k as f32).ln()`, by the same function as the fallbacks of
/// [`ln_count`] and [`ln_1p`], so that a looked-up value is the computed one,
/// bit for bit.
static LN: std::sync::LazyLock<Box<[f32; LN_TABLE]>> =
    std::sync::LazyLock::new(|| Box::new(std::array::from_fn(|k| (k as f32).ln())));

/// `(k as f32).ln()`.
#[inline]
fn ln_count(k: usize) -> f32 {
    match LN.get(k) {
        Some(&v) => v,
        None => (k as f32).ln(),
    }
}

/// `(1.0 + k as f32).ln()`: below [`LN_TABLE`], `1.0 + k as f32` is exactly
/// `(k + 1) as f32`.
#[inline]
fn ln_1p(k: usize) -> f32 {
    match LN.get(k.wrapping_add(1)) {
        Some(&v) => v,
        None => (1.0 + k as f32).ln(),
    }
}

/// `v[k]` = how many of `flags[..k]` are set.
fn prefix_counts(flags: &[bool]) -> Vec<u32> {
    let mut v = Vec::with_capacity(flags.len() + 1);
    let mut n = 0;
    v.push(0);
    for &f in flags {
        n += u32::from(f);
        v.push(n);
    }
    v
}

/// Whether `text` holds a time or a month name with a number: a date
/// stamp, not a headline.
pub(super) fn has_date(text: &str) -> bool {
    dated(text, &shape(text))
}

/// A date stamp is a dated line ([`dated`]) of at most this many words.
pub(super) const STAMP_WORDS: usize = 16;

/// What the rows are made from.
pub(super) struct Inputs<'a, 'b> {
    /// The document's lines.
    pub lines: &'a [Line<'b>],
    /// Their measures and rule hits.
    pub infos: &'a [Info],
    /// The action of the rule that matched each line.
    pub actions: &'a [Option<Action>],
    /// The heuristic's view of each line.
    pub heur: &'a [Heur],
    /// The heuristic span, if any.
    pub span: Option<(usize, usize)>,
    /// The headline line, if any.
    pub title: Option<usize>,
    /// The document's language.
    pub lang: Option<Lang>,
    /// The lines the model decides, by line: only their rows are read in
    /// full, and the other rows' text-shape columns are left at 0 (a long
    /// line's shape is not read at all). `None`: every row is made in full
    /// (`rinse features`).
    pub decides: Option<&'a [bool]>,
}

/// Makes the rows of a document's non-blank lines, one at a time: what a row
/// reads of the lines around it is summed up front (in a few numbers per
/// line), so that no row has to be kept (a row is half a kilobyte).
pub(super) struct RowMaker<'a, 'b> {
    inp: &'a Inputs<'a, 'b>,
    /// The line of each row.
    idx: Vec<usize>,
    base: Vec<Base>,
    sums: Sums,
    shapes: Vec<Shape>,
    /// How often each row's text occurs in the document.
    count: Vec<u32>,
    span_rows: Option<(usize, usize)>,
    title_row: Option<usize>,
    /// The length of the run of prose (or of non-prose) each row is in.
    run: Vec<u32>,
    comment: Vec<bool>,
    comments_upto: Vec<u32>,
    next_comment: Vec<usize>,
    stamp: Vec<bool>,
    stamps_upto: Vec<u32>,
    dup: Vec<bool>,
    dups_upto: Vec<u32>,
    /// The share of the prose weight above each row.
    prose_before: Vec<f32>,
    /// End markers above each row, and the row of the last one.
    trailers_before: Vec<(u32, Option<u32>)>,
    /// The row of the last comment marker above each row (rows are `u32`
    /// here, as in the counts above: one entry per line, kept small).
    last_comment: Vec<Option<u32>>,
    /// Comment-section heads above each row, and the row of the last one.
    heads_before: Vec<(u32, Option<u32>)>,
}

impl<'a, 'b> RowMaker<'a, 'b> {
    /// Sums up `inp` for its rows.
    pub(super) fn new(inp: &'a Inputs<'a, 'b>) -> Self {
        let idx: Vec<usize> = (0..inp.lines.len())
            .filter(|&i| !inp.infos[i].blank)
            .collect();
        let n = idx.len();
        let base: Vec<Base> = idx
            .iter()
            .map(|&i| {
                let f = &inp.infos[i].f;
                Base {
                    log_weight: ln_1p(f.weight),
                    terminal: f32::from(u8::from(f.terminal)),
                    prose: f32::from(u8::from(inp.heur[i].score > 0)),
                    shaped: f32::from(u8::from(f.is_headline_shaped(inp.lines[i].text))),
                    rule: f32::from(u8::from(inp.infos[i].rule.is_some())),
                }
            })
            .collect();
        let sums = Sums::new(&base);
        // How often each line's text occurs in the document.
        // Each text is hashed once (foldhash, not SipHash: the keys are the
        // document's own lines and the map lives for one document), numbered
        // by first occurrence, and the counts are read by that number.
        let mut seen: std::collections::HashMap<&str, u32, foldhash::fast::FixedState> =
            std::collections::HashMap::with_capacity_and_hasher(n, Default::default());
        let mut sizes: Vec<u32> = Vec::new();
        let group: Vec<u32> = idx
            .iter()
            .map(|&i| {
                let next = sizes.len() as u32;
                let g = *seen
                    .entry(crate::text::trim(inp.lines[i].text))
                    .or_insert(next);
                if g == next {
                    sizes.push(0);
                }
                sizes[g as usize] += 1;
                g
            })
            .collect();
        drop(seen);
        let count: Vec<u32> = group.iter().map(|&g| sizes[g as usize]).collect();
        // Where the span and the title stand among the rows.
        let row_of = |line: usize| idx.partition_point(|&i| i < line);
        let span_rows = inp
            .span
            .map(|(s, e)| (row_of(s), row_of(e + 1).saturating_sub(1)));
        let title_row = inp.title.map(row_of);
        // Runs of lines of the same prose/not-prose kind.
        let mut run = vec![0u32; n];
        let mut j = 0;
        while j < n {
            let mut k = j;
            while k < n && base[k].prose == base[j].prose {
                k += 1;
            }
            for r in &mut run[j..k] {
                *r = (k - j) as u32;
            }
            j = k;
        }
        // Comment markers: a prefix count, and the nearest one on each side.
        let comment: Vec<bool> = idx
            .iter()
            .map(|&i| inp.actions[i] == Some(Action::Comment))
            .collect();
        let comments_upto = prefix_counts(&comment);
        let mut next_comment = vec![usize::MAX; n + 1];
        for r in (0..n).rev() {
            next_comment[r] = if comment[r] { r } else { next_comment[r + 1] };
        }
        // Date stamps: a short line with a time or a date (one heads the
        // article, one heads every comment of a thread).
        // A row the model does not decide needs no shape, only to tell a
        // stamp, which is a short line.
        let (shapes, stamp): (Vec<Shape>, Vec<bool>) = idx
            .iter()
            .map(|&i| {
                let text = inp.lines[i].text;
                let short = inp.infos[i].f.words <= STAMP_WORDS;
                if inp.decides.is_none_or(|d| d[i]) {
                    let sh = shape(text);
                    (sh, short && dated(text, &sh))
                } else {
                    (Shape::default(), short && is_dated(text))
                }
            })
            .unzip();
        let stamps_upto = prefix_counts(&stamp);
        let dup: Vec<bool> = count.iter().map(|&c| c > 1).collect();
        let dups_upto = prefix_counts(&dup);
        // What lies above each row.
        let prose_total: f32 = idx
            .iter()
            .filter(|&&i| inp.heur[i].score > 0)
            .map(|&i| inp.infos[i].f.weight as f32)
            .sum();
        let mut prose_before = Vec::with_capacity(n);
        let mut trailers_before = Vec::with_capacity(n);
        let mut last_comment = Vec::with_capacity(n);
        let mut heads_before = Vec::with_capacity(n);
        let (mut prose, mut trailers, mut trailer, mut comment_at) = (0f32, 0u32, None, None);
        let (mut heads, mut head) = (0u32, None);
        for (r, &i) in idx.iter().enumerate() {
            prose_before.push(if prose_total > 0.0 {
                prose / prose_total
            } else {
                0.0
            });
            trailers_before.push((trailers, trailer));
            last_comment.push(comment_at);
            heads_before.push((heads, head));
            if inp.heur[i].score > 0 {
                prose += inp.infos[i].f.weight as f32;
            }
            if comment[r] {
                comment_at = Some(r as u32);
            }
            if matches!(
                inp.actions[i],
                Some(Action::Trailer | Action::CommentsHead | Action::RelatedHeader)
            ) {
                trailers += 1;
                trailer = Some(r as u32);
            }
            if inp.actions[i] == Some(Action::CommentsHead) {
                heads += 1;
                head = Some(r as u32);
            }
        }
        RowMaker {
            inp,
            idx,
            base,
            sums,
            shapes,
            count,
            span_rows,
            title_row,
            run,
            comment,
            comments_upto,
            next_comment,
            stamp,
            stamps_upto,
            dup,
            dups_upto,
            prose_before,
            trailers_before,
            last_comment,
            heads_before,
        }
    }

    /// The line of each row.
    pub(super) fn lines(&self) -> &[usize] {
        &self.idx
    }

    /// Whether the heuristic took row `r`'s line for body.
    pub(super) fn heuristic_body(&self, r: usize) -> bool {
        self.inp.heur[self.idx[r]].body
    }

    /// How many rows there are.
    pub(super) fn len(&self) -> usize {
        self.idx.len()
    }

    /// The weight of each row's line.
    pub(super) fn weights(&self) -> Vec<f32> {
        self.idx
            .iter()
            .map(|&i| self.inp.infos[i].f.weight as f32)
            .collect()
    }

    /// Writes row `r` into `row` (its first [`COLUMNS`] values).
    pub(super) fn fill(&self, r: usize, row: &mut Row) {
        self.fill_with(r, |c, v| row[c] = v);
    }

    /// Gives each of the first [`COLUMNS`] values of row `r` to `set`, with
    /// its column.
    #[inline(always)]
    pub(super) fn fill_with(&self, r: usize, mut set: impl FnMut(usize, f32)) {
        let inp = self.inp;
        let n = self.idx.len();
        let i = self.idx[r];
        let info = &inp.infos[i];
        let f = &info.f;
        let h = &inp.heur[i];
        let b = &self.base[r];
        let sh = self.shapes[r];
        let action = inp.actions[i];
        let is = |a: Action| f32::from(u8::from(action == Some(a)));
        let words = f.words.max(1) as f32;
        let stop_share = match (inp.lang, f.lang_stops) {
            (Some(l), Some(c)) => c[l.index()] as f32 / words,
            _ => -1.0,
        };
        let span_dist = match self.span_rows {
            None => 100.0,
            Some((s, _)) if r < s => (r as f32 - s as f32).max(-50.0),
            Some((_, e)) if r > e => (r as f32 - e as f32).min(50.0),
            Some(_) => 0.0,
        };
        let title_dist = self
            .title_row
            .map_or(0.0, |t| (r as f32 - t as f32).clamp(-50.0, 50.0));
        let prev = r.checked_sub(1).map(|p| &self.base[p]);
        let next = self.base.get(r + 1);
        let (trailers, last_trailer) = self.trailers_before[r];
        let (heads, last_head) = self.heads_before[r];
        let count = self.count[r];
        let (lo, hi) = (r.saturating_sub(10), (r + 11).min(n));
        let (stamps, comments, dups) = (&self.stamps_upto, &self.comments_upto, &self.dups_upto);
        let mut c = 0;
        let mut put = |v: f32| {
            set(c, v);
            c += 1;
        };
        put(b.log_weight);
        put(f.words.min(200) as f32);
        put(b.terminal);
        put(f32::from(u8::from(f.colon)));
        put(f.inner_stops.min(10) as f32);
        put(f32::from(u8::from(f.glued_teaser)));
        put(b.shaped);
        put(stop_share);
        put(f.alnum_words as f32 / words);
        put(sh.capitals as f32 / words);
        put(sh.digits as f32 / (sh.digits + sh.letters).max(1) as f32);
        put(f32::from(u8::from(sh.bullet)));
        put(sh.separators.min(10) as f32);
        put(f32::from(u8::from(sh.ellipsis)));
        put(f32::from(u8::from(sh.time)));
        put(f32::from(u8::from(sh.year)));
        put(f32::from(u8::from(sh.url)));
        put(f32::from(u8::from(sh.quote)));
        put(f32::from(u8::from(count > 1)));
        put(ln_count(count as usize));
        put(f32::from(u8::from(self.stamp[r])));
        put((stamps[r] - stamps[lo]) as f32);
        put((stamps[hi] - stamps[r + 1]) as f32);
        put(ln_1p(stamps[r] as usize));
        put(ln_1p((stamps[n] - stamps[r + 1]) as usize));
        put((dups[hi] - dups[lo] - u32::from(self.dup[r])) as f32 / (hi - lo - 1).max(1) as f32);
        put(f32::from(u8::from(info.repeated)));
        put(is(Action::Remove));
        put(is(Action::Trailer) + is(Action::CommentsHead));
        put(is(Action::RelatedHeader));
        put(is(Action::Related));
        put(is(Action::Caption));
        put(is(Action::Credit));
        put(is(Action::Comment));
        put((comments[r] - comments[lo]) as f32);
        put((comments[hi] - comments[r + 1]) as f32);
        put(ln_1p(comments[r] as usize));
        put(ln_1p((comments[n] - comments[r + 1]) as usize));
        put(self.last_comment[r].map_or(100.0, |t| ((r - t as usize) as f32).min(100.0)));
        put(self.next_comment[r + 1]
            .checked_sub(r)
            .map_or(100.0, |d| (d as f32).min(100.0)));
        put(h.score.clamp(-100, 400) as f32);
        put(b.prose);
        put(f32::from(u8::from(h.in_span)));
        put(f32::from(u8::from(h.body)));
        put(f32::from(u8::from(h.title)));
        put(span_dist);
        put(title_dist);
        put(f32::from(u8::from(self.title_row.is_some())));
        put(r as f32 / n as f32);
        put(ln_1p(n));
        put(ln_1p(r));
        put(ln_count(n - r));
        put(self.prose_before[r]);
        put(trailers.min(5) as f32);
        put(last_trailer.map_or(100.0, |t| ((r - t as usize) as f32).min(100.0)));
        put(heads.min(5) as f32);
        put(last_head.map_or(-1.0, |t| ((r - t as usize) as f32).min(100.0)));
        put(prev.map_or(0.0, |p| p.log_weight));
        put(prev.map_or(0.0, |p| p.terminal));
        put(prev.map_or(0.0, |p| p.prose));
        put(prev.map_or(0.0, |p| p.rule));
        put(next.map_or(0.0, |p| p.log_weight));
        put(next.map_or(0.0, |p| p.terminal));
        put(next.map_or(0.0, |p| p.prose));
        put(next.map_or(0.0, |p| p.rule));
        for k in [1usize, 2, 5, 10] {
            let lo = r.saturating_sub(k);
            let hi = (r + k + 1).min(n);
            for v in self.sums.mean_without(lo, hi, b) {
                put(v);
            }
        }
        put(self.sums.mean(r.saturating_sub(5), r, 2));
        put(self.sums.mean(r + 1, (r + 6).min(n), 2));
        put(self.run[r].min(50) as f32);
        debug_assert_eq!(c, COLUMNS);
        debug_assert!(self.comment.len() == n);
    }

    /// Every row, for `rinse features`.
    pub(super) fn all(&self) -> Vec<Row> {
        (0..self.len())
            .map(|r| {
                let mut row = [0f32; ROW_WIDTH];
                self.fill(r, &mut row);
                row
            })
            .collect()
    }
}

#[cfg(test)]
mod tests;
