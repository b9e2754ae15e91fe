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
pub const COLUMNS: usize = 86;

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

/// Text measures the classifier does not need for itself.
#[derive(Clone, Copy, Default, Debug, PartialEq)]
struct Shape {
    capitals: u32,
    digits: u32,
    letters: u32,
    bullet: bool,
    separators: u32,
    ellipsis: bool,
    time: bool,
    year: bool,
    url: bool,
    quote: bool,
    month: bool,
}

/// Month names and their short forms in the languages of the rules (lower
/// case, without a trailing dot).
const MONTHS: &[&str] = &[
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "januar",
    "februar",
    "märz",
    "mai",
    "juni",
    "juli",
    "oktober",
    "dezember",
    "janvier",
    "février",
    "mars",
    "avril",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
    "janeiro",
    "fevereiro",
    "março",
    "maio",
    "junho",
    "julho",
    "setembro",
    "outubro",
    "dezembro",
    "gennaio",
    "febbraio",
    "aprile",
    "maggio",
    "giugno",
    "luglio",
    "settembre",
    "ottobre",
    "dicembre",
    "januari",
    "februari",
    "maart",
    "mei",
    "augustus",
    "stycznia",
    "lutego",
    "marca",
    "kwietnia",
    "maja",
    "czerwca",
    "lipca",
    "sierpnia",
    "września",
    "października",
    "listopada",
    "grudnia",
];

/// [`MONTHS`] in a set, for [`is_month`].
static MONTH_SET: std::sync::LazyLock<std::collections::HashSet<&str, foldhash::fast::FixedState>> =
    std::sync::LazyLock::new(|| MONTHS.iter().copied().collect());

/// Whether `word` (punctuation around it trimmed) is a month name. An ASCII
/// word is lower-cased byte by byte (as `char::to_lowercase` does it there);
/// the plain reference is `is_month_plain` in the tests.
fn is_month(word: &str) -> bool {
    let w = word.trim_matches(|c: char| !c.is_alphabetic());
    if w.len() < 3 || w.len() > 13 {
        return false;
    }
    let mut buf = [0u8; 16];
    let mut n = 0;
    if w.is_ascii() {
        n = w.len();
        buf[..n].copy_from_slice(w.as_bytes());
        buf[..n].make_ascii_lowercase();
    } else {
        for c in w.chars().flat_map(char::to_lowercase) {
            let mut b = [0u8; 4];
            let e = c.encode_utf8(&mut b).as_bytes();
            if n + e.len() > buf.len() {
                return false;
            }
            buf[n..n + e.len()].copy_from_slice(e);
            n += e.len();
        }
    }
    let lower = std::str::from_utf8(&buf[..n]).unwrap_or("");
    MONTH_SET.contains(lower)
}

/// Classes of ASCII bytes for [`shape`]: white space (as
/// `char::is_whitespace` has it), digit, letter, capital, separator.
const SPACE: u8 = 1;
const DIGIT: u8 = 2;
const LETTER: u8 = 4;
const CAPITAL: u8 = 8;
const SEPARATOR: u8 = 16;

/// The class bits of each ASCII byte.
static ASCII_CLASS: [u8; 128] = {
    let mut t = [0u8; 128];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        t[b] = if c == b' ' || (c >= b'\t' && c <= b'\r') {
            SPACE
        } else if c.is_ascii_digit() {
            DIGIT
        } else if c.is_ascii_uppercase() {
            LETTER | CAPITAL
        } else if c.is_ascii_lowercase() {
            LETTER
        } else if c == b'|' || c == b'>' || c == b'/' {
            SEPARATOR
        } else {
            0
        };
        b += 1;
    }
    t
};

/// The searchers of [`Shape::url`]'s marks but `@`.
static URL_MARKS: std::sync::LazyLock<[memchr::memmem::Finder<'static>; 3]> =
    std::sync::LazyLock::new(|| {
        ["http", "www.", ".com"].map(|m| memchr::memmem::Finder::new(m.as_bytes()).into_owned())
    });

/// The shape of `text` (trimmed). ASCII bytes are counted through a table,
/// without a branch on their class; other characters are decoded. The plain
/// reference is `shape_plain` in the tests.
fn shape(text: &str) -> Shape {
    let t = crate::text::trim(text);
    let mut s = Shape::default();
    let mut word_start = true;
    let bytes = t.as_bytes();
    let (mut letters, mut capitals, mut digits, mut separators) = (0u32, 0u32, 0u32, 0u32);
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            let class = ASCII_CLASS[usize::from(b)];
            letters += u32::from(class & LETTER != 0);
            capitals += u32::from(class & CAPITAL != 0 && word_start);
            separators += u32::from(class & SEPARATOR != 0);
            if class & DIGIT != 0 {
                digits += 1;
                let at = i;
                if !s.time
                    && bytes.get(at + 1) == Some(&b':')
                    && bytes.get(at + 2).is_some_and(u8::is_ascii_digit)
                    && bytes.get(at + 3).is_some_and(u8::is_ascii_digit)
                {
                    s.time = true;
                }
                if !s.year
                    && word_start
                    && bytes.len() >= at + 4
                    && matches!(&bytes[at..at + 2], b"19" | b"20")
                    && bytes[at + 2..at + 4].iter().all(u8::is_ascii_digit)
                    && !bytes.get(at + 4).is_some_and(u8::is_ascii_digit)
                {
                    s.year = true;
                }
            }
            word_start = class & SPACE != 0;
            i += 1;
            continue;
        }
        let c = t[i..].chars().next().unwrap_or('\0');
        i += c.len_utf8();
        if c.is_whitespace() {
            word_start = true;
            continue;
        }
        if c.is_alphabetic() {
            letters += 1;
            if word_start && c.is_uppercase() {
                capitals += 1;
            }
        } else if matches!(c, '»' | '›' | '•' | '·') {
            separators += 1;
        }
        word_start = false;
    }
    s.letters = letters;
    s.capitals = capitals;
    s.digits = digits;
    s.separators = separators;
    let first = t.chars().next();
    s.bullet = matches!(
        first,
        Some('•' | '·' | '-' | '*' | '▪' | '►' | '»' | '>' | '–' | '—' | '◦' | '●')
    ) || {
        let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
        digits > 0 && digits <= 3 && matches!(bytes.get(digits), Some(b'.' | b')'))
    };
    s.quote = matches!(first, Some('"' | '“' | '«' | '„' | '‘' | '\''));
    s.ellipsis = t.ends_with("...") || t.ends_with('…');
    s.month = s.digits > 0 && t.split_whitespace().take(24).any(is_month);
    s.url =
        memchr::memchr(b'@', bytes).is_some() || URL_MARKS.iter().any(|f| f.find(bytes).is_some());
    s
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
    let s = shape(text);
    s.time || s.month
}

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
    trailers_before: Vec<(u32, Option<usize>)>,
    /// The row of the last comment marker above each row.
    last_comment: Vec<Option<usize>>,
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
                    log_weight: (1.0 + f.weight as f32).ln(),
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
        let shapes: Vec<Shape> = idx.iter().map(|&i| shape(inp.lines[i].text)).collect();
        let stamp: Vec<bool> = idx
            .iter()
            .zip(&shapes)
            .map(|(&i, sh)| inp.infos[i].f.words <= 16 && (sh.time || sh.month))
            .collect();
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
        let (mut prose, mut trailers, mut trailer, mut comment_at) = (0f32, 0u32, None, None);
        for (r, &i) in idx.iter().enumerate() {
            prose_before.push(if prose_total > 0.0 {
                prose / prose_total
            } else {
                0.0
            });
            trailers_before.push((trailers, trailer));
            last_comment.push(comment_at);
            if inp.heur[i].score > 0 {
                prose += inp.infos[i].f.weight as f32;
            }
            if comment[r] {
                comment_at = Some(r);
            }
            if matches!(
                inp.actions[i],
                Some(Action::Trailer | Action::RelatedHeader)
            ) {
                trailers += 1;
                trailer = Some(r);
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
        let count = self.count[r];
        let (lo, hi) = (r.saturating_sub(10), (r + 11).min(n));
        let (stamps, comments, dups) = (&self.stamps_upto, &self.comments_upto, &self.dups_upto);
        let mut c = 0;
        let mut put = |v: f32| {
            row[c] = v;
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
        put((count as f32).ln());
        put(f32::from(u8::from(self.stamp[r])));
        put((stamps[r] - stamps[lo]) as f32);
        put((stamps[hi] - stamps[r + 1]) as f32);
        put((1.0 + stamps[r] as f32).ln());
        put((1.0 + (stamps[n] - stamps[r + 1]) as f32).ln());
        put((dups[hi] - dups[lo] - u32::from(self.dup[r])) as f32 / (hi - lo - 1).max(1) as f32);
        put(f32::from(u8::from(info.repeated)));
        put(is(Action::Remove));
        put(is(Action::Trailer));
        put(is(Action::RelatedHeader));
        put(is(Action::Related));
        put(is(Action::Caption));
        put(is(Action::Credit));
        put(is(Action::Comment));
        put((comments[r] - comments[lo]) as f32);
        put((comments[hi] - comments[r + 1]) as f32);
        put((1.0 + comments[r] as f32).ln());
        put((1.0 + (comments[n] - comments[r + 1]) as f32).ln());
        put(self.last_comment[r].map_or(100.0, |t| ((r - t) as f32).min(100.0)));
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
        put((1.0 + n as f32).ln());
        put((1.0 + r as f32).ln());
        put(((n - r) as f32).ln());
        put(self.prose_before[r]);
        put(trailers.min(5) as f32);
        put(last_trailer.map_or(100.0, |t| ((r - t) as f32).min(100.0)));
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

/// The second stage's own columns, which follow [`NAMES`] in its rows: the
/// first stage's probability `p` of the line and of the lines around it.
pub const NAMES2_OWN: [&str; COLUMNS2 - COLUMNS] = [
    "p",
    "p_w1",
    "p_w2",
    "p_w5",
    "p_w10",
    "p_w25",
    "p_before3",
    "p_after3",
    "p_before10",
    "p_after10",
    "p_before30",
    "p_after30",
    "mass_before",
    "mass_after",
    "p_max",
    "p_share",
];

/// Columns of a second-stage row.
pub const COLUMNS2: usize = COLUMNS + 16;

/// The column names of a second-stage row: [`NAMES`], then [`NAMES2_OWN`].
pub static NAMES2: std::sync::LazyLock<Vec<&'static str>> =
    std::sync::LazyLock::new(|| NAMES.iter().chain(&NAMES2_OWN).copied().collect());

/// What the second stage reads of the first stage's probabilities `p`
/// around each row, summed up front.
pub(super) struct Stage2<'p> {
    p: &'p [f32],
    /// Prefix sums of `p`.
    c: Vec<f64>,
    /// Each row's `p` × weight, and the running sum up to and with it.
    mass: Vec<(f64, f64)>,
    total: f64,
    p_max: f32,
    p_share: f32,
}

impl<'p> Stage2<'p> {
    /// Sums up `p` for rows whose lines weigh `weight`. The training script
    /// computes the same columns (`stage2_columns` in
    /// `scripts/train_lines.py`): change both together.
    pub(super) fn new(p: &'p [f32], weight: &[f32]) -> Self {
        let n = p.len();
        let mut c = Vec::with_capacity(n + 1);
        let mut acc = 0f64;
        c.push(0f64);
        for &x in p {
            acc += f64::from(x);
            c.push(acc);
        }
        let mut mass = Vec::with_capacity(n);
        let mut cum = 0f64;
        for (&x, &w) in p.iter().zip(weight) {
            let m = f64::from(x) * f64::from(w);
            cum += m;
            mass.push((m, cum));
        }
        let total = cum + 1e-6;
        Stage2 {
            p,
            c,
            mass,
            total,
            p_max: p.iter().copied().fold(0f32, f32::max),
            p_share: p.iter().filter(|&&x| x > 0.5).count() as f32 / n.max(1) as f32,
        }
    }

    /// Writes the second stage's own columns of row `i` into `row` (after
    /// its first [`COLUMNS`], which [`RowMaker::fill`] writes).
    pub(super) fn fill(&self, i: usize, row: &mut Row) {
        let (p, c) = (self.p, &self.c);
        let n = p.len();
        let window = |k: usize| {
            let lo = i.saturating_sub(k);
            let hi = (i + k + 1).min(n);
            let cnt = hi - lo - 1;
            if cnt == 0 {
                0.0
            } else {
                ((c[hi] - c[lo] - f64::from(p[i])) / cnt as f64) as f32
            }
        };
        let side = |k: usize, before: bool| {
            let (lo, hi) = if before {
                (i.saturating_sub(k), i)
            } else {
                ((i + 1).min(n), (i + 1 + k).min(n))
            };
            if hi == lo {
                -1.0
            } else {
                ((c[hi] - c[lo]) / (hi - lo) as f64) as f32
            }
        };
        let (m, cum) = self.mass[i];
        let own = [
            p[i],
            window(1),
            window(2),
            window(5),
            window(10),
            window(25),
            side(3, true),
            side(3, false),
            side(10, true),
            side(10, false),
            side(30, true),
            side(30, false),
            ((cum - m) / self.total) as f32,
            ((self.total - cum) / self.total) as f32,
            self.p_max,
            self.p_share,
        ];
        row[COLUMNS..COLUMNS2].copy_from_slice(&own);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_columns_agree() {
        assert_eq!(NAMES.len(), COLUMNS);
        let mut seen = std::collections::HashSet::new();
        assert!(NAMES.iter().all(|n| seen.insert(n)), "duplicate name");
    }

    /// [`is_month`] as first written: every character lower-cased, the
    /// list searched in order.
    fn is_month_plain(word: &str) -> bool {
        let w = word.trim_matches(|c: char| !c.is_alphabetic());
        if w.len() < 3 || w.len() > 13 {
            return false;
        }
        let mut buf = [0u8; 16];
        let mut n = 0;
        for c in w.chars().flat_map(char::to_lowercase) {
            let mut b = [0u8; 4];
            let e = c.encode_utf8(&mut b).as_bytes();
            if n + e.len() > buf.len() {
                return false;
            }
            buf[n..n + e.len()].copy_from_slice(e);
            n += e.len();
        }
        let lower = std::str::from_utf8(&buf[..n]).unwrap_or("");
        MONTHS.contains(&lower)
    }

    /// [`shape`] as first written: a branch per byte class and
    /// `str::contains` for the URL marks (the reference of the table-driven one).
    fn shape_plain(text: &str) -> Shape {
        let t = crate::text::trim(text);
        let mut s = Shape::default();
        let mut word_start = true;
        let bytes = t.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            // ASCII bytes are told apart without decoding a character.
            let (c, len) = if b < 0x80 {
                (b as char, 1)
            } else {
                let c = t[i..].chars().next().unwrap_or('\0');
                (c, c.len_utf8())
            };
            let at = i;
            i += len;
            if c.is_whitespace() {
                word_start = true;
                continue;
            }
            if c.is_ascii_digit() {
                s.digits += 1;
                if !s.time
                    && bytes.get(at + 1) == Some(&b':')
                    && bytes.get(at + 2).is_some_and(u8::is_ascii_digit)
                    && bytes.get(at + 3).is_some_and(u8::is_ascii_digit)
                {
                    s.time = true;
                }
                if !s.year
                    && word_start
                    && bytes.len() >= at + 4
                    && matches!(&bytes[at..at + 2], b"19" | b"20")
                    && bytes[at + 2..at + 4].iter().all(u8::is_ascii_digit)
                    && !bytes.get(at + 4).is_some_and(u8::is_ascii_digit)
                {
                    s.year = true;
                }
            } else if b < 0x80 {
                if b.is_ascii_alphabetic() {
                    s.letters += 1;
                    if word_start && b.is_ascii_uppercase() {
                        s.capitals += 1;
                    }
                } else if matches!(b, b'|' | b'>' | b'/') {
                    s.separators += 1;
                }
            } else if c.is_alphabetic() {
                s.letters += 1;
                if word_start && c.is_uppercase() {
                    s.capitals += 1;
                }
            } else if matches!(c, '»' | '›' | '•' | '·') {
                s.separators += 1;
            }
            word_start = false;
        }
        let first = t.chars().next();
        s.bullet = matches!(
            first,
            Some('•' | '·' | '-' | '*' | '▪' | '►' | '»' | '>' | '–' | '—' | '◦' | '●')
        ) || {
            let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
            digits > 0 && digits <= 3 && matches!(bytes.get(digits), Some(b'.' | b')'))
        };
        s.quote = matches!(first, Some('"' | '“' | '«' | '„' | '‘' | '\''));
        s.ellipsis = t.ends_with("...") || t.ends_with('…');
        s.month = s.digits > 0 && t.split_whitespace().take(24).any(is_month_plain);
        s.url = t.contains("http") || t.contains("www.") || t.contains(".com") || t.contains('@');
        s
    }

    /// [`shape`]'s counts, character by character (the reference).
    fn shape_chars(text: &str) -> (u32, u32, u32, u32) {
        let t = crate::text::trim(text);
        let (mut digits, mut letters, mut capitals, mut separators) = (0, 0, 0, 0);
        let mut word_start = true;
        for c in t.chars() {
            if c.is_whitespace() {
                word_start = true;
                continue;
            }
            if c.is_ascii_digit() {
                digits += 1;
            } else if c.is_alphabetic() {
                letters += 1;
                capitals += u32::from(word_start && c.is_uppercase());
            } else if matches!(c, '|' | '»' | '›' | '>' | '/' | '•' | '·') {
                separators += 1;
            }
            word_start = false;
        }
        (digits, letters, capitals, separators)
    }

    proptest::proptest! {
        #[test]
        fn shape_by_bytes_counts_as_by_characters(t in "([a-zA-Z0-9 :|/>»•·É中é\u{2003}\u{a0}]|19|20){0,40}") {
            let s = shape(&t);
            let r = shape_chars(&t);
            proptest::prop_assert_eq!((s.digits, s.letters, s.capitals, s.separators), r, "{:?}", t);
        }
        #[test]
        fn shape_agrees_with_the_plain_reference(
            t in "([a-zA-Z0-9 .:|/>»›•·\"“'*@\t\u{b}\u{1c}ÉéK\u{212a}中\u{2003}\u{a0}…-]|19|20|12:30|http|www\\.|\\.com|May|März|oct|\\.\\.\\.){0,40}"
        ) {
            proptest::prop_assert_eq!(shape(&t), shape_plain(&t), "{:?}", t);
        }

        #[test]
        fn month_names_are_found_as_by_the_plain_reference(
            w in "[(\"]?([mM][aA][yY]|MÄRZ|märz|Sept|déc|DÉCEMBRE|[a-zA-Zäéçś]{1,12})[.,)]?"
        ) {
            proptest::prop_assert_eq!(is_month(&w), is_month_plain(&w), "{:?}", w);
        }
    }

    #[test]
    fn shape_finds_times_years_bullets_and_capitals() {
        let s = shape("• Posted by Jane at 02:30 PM, October 28, 2012");
        assert!(s.bullet && s.time && s.year && s.month);
        // Posted, Jane, PM, October.
        assert_eq!(s.capitals, 4);
        let s = shape("12) the list item without a year like 20123");
        assert!(s.bullet && !s.year && !s.time);
        assert!(shape("Visit www.example.org").url);
        assert!(shape("Read more…").ellipsis);
    }

    #[test]
    fn second_stage_columns_read_the_first_stage_around_each_row() {
        let p = [0.0, 1.0, 0.0, 1.0];
        let weight = [1.0, 3.0, 1.0, 3.0];
        let stage2 = Stage2::new(&p, &weight);
        let r: Vec<Row> = (0..4)
            .map(|i| {
                let mut row = [0f32; ROW_WIDTH];
                stage2.fill(i, &mut row);
                row
            })
            .collect();
        let col = |name: &str| COLUMNS + NAMES2_OWN.iter().position(|n| *n == name).unwrap();
        assert_eq!(r[1][col("p")], 1.0);
        // The neighbours of row 1 within one row: rows 0 and 2.
        assert_eq!(r[1][col("p_w1")], 0.0);
        assert_eq!(r[2][col("p_w1")], 1.0);
        // Row 0 has nothing before it; after it within three: 1, 0, 1.
        assert_eq!(r[0][col("p_before3")], -1.0);
        assert!((r[0][col("p_after3")] - 2.0 / 3.0).abs() < 1e-6);
        // Mass (p × weight) before row 3: 3 of 6.
        assert!((r[3][col("mass_before")] - 0.5).abs() < 1e-6);
        assert_eq!(r[0][col("p_max")], 1.0);
        assert_eq!(r[0][col("p_share")], 0.5);
        assert_eq!(NAMES2.len(), COLUMNS2);
    }
}
