//! Stage 5: give every line a class, with the rule or signal that decided it.
//!
//! Three kinds of evidence decide a line:
//!
//! * **Rules** ([`crate::rules`]): named phrase and regex rules that say a line is
//!   a caption, a credit, a related-links header, an end-of-article marker, a
//!   reader-comment marker or boilerplate. A rule decides its line wherever it
//!   sits.
//! * **The heuristic** (`signal.*`), which holds in any language. Each line gets
//!   a score from its [`features`]: long, punctuated, stop-word-rich lines score
//!   their length, short or unpunctuated lines a small penalty, rule-matched
//!   boilerplate a larger one, and end-of-article markers cut the page. The
//!   **article span** is the run of lines with the highest total score (a
//!   maximum-sum segment), anchored on the headline repeated from the page title
//!   (`Headline - Site`, first line). Related-link items follow a related header
//!   or run headerless after the article; a thread of reader comments (three
//!   comment markers close together, below the first prose) ends the page
//!   (`signal.comments`).
//! * **The line model** ([`model`]): learned weights that read each line's
//!   measures, its rules, the heuristic's view and its neighbours ([`context`])
//!   and decide, for every line the heuristic left to its span, whether it is
//!   body (`model.body`, `model.before-article`, `model.boilerplate`,
//!   `model.after-article`). It can leave the article for a box and come back.
//!   When no line reaches its threshold, the heuristic's article stands. The
//!   headline is then looked for just above the body it chose
//!   (`signal.headline`).
//!
//! With a corpus pass ([`crate::corpus`]), a line seen in many documents counts
//! as boilerplate (`corpus.repeated-line`) unless it is body.

#[doc(hidden)]
pub mod context;
pub mod features;
mod masks;
pub mod model;
pub mod title;

use std::borrow::Cow;
use std::sync::Arc;

use crate::corpus::RepeatedLines;
use crate::rules::{Action, RuleSet};
use crate::segment::Line;
use features::Features;
use model::LineModel;
pub use model::LineScore;

/// The class of a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Class {
    /// An empty line.
    Blank,
    /// The headline.
    Title,
    /// A standalone dateline line.
    Dateline,
    /// A photo caption or photo credit.
    Caption,
    /// Article text.
    Body,
    /// A reporting or editing credit.
    Credit,
    /// The header of a related-links list.
    RelatedHeader,
    /// A related-link item.
    Related,
    /// Boilerplate, dropped.
    Boilerplate,
    /// Part of the page after the article ended, dropped.
    Trailer,
}

impl Class {
    /// A short lower-case name (`body`, `related-header`…), for `rinse explain`.
    pub fn name(self) -> &'static str {
        match self {
            Class::Blank => "blank",
            Class::Title => "title",
            Class::Dateline => "dateline",
            Class::Caption => "caption",
            Class::Body => "body",
            Class::Credit => "credit",
            Class::RelatedHeader => "related-header",
            Class::Related => "related",
            Class::Boilerplate => "removed",
            Class::Trailer => "trailer",
        }
    }
}

/// A line's class and what decided it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// The class.
    pub class: Class,
    /// The id of the rule or signal that decided the class (borrowed for a
    /// signal, so that most lines cost no allocation).
    pub reason: Cow<'static, str>,
}

impl Decision {
    /// The decision for a blank line.
    pub const BLANK: Decision = Decision {
        class: Class::Blank,
        reason: Cow::Borrowed(""),
    };
}

impl Decision {
    fn new(class: Class, signal: &'static str) -> Self {
        Decision {
            class,
            reason: Cow::Borrowed(signal),
        }
    }

    fn rule(class: Class, id: &str) -> Self {
        Decision {
            class,
            reason: Cow::Owned(id.to_string()),
        }
    }
}

/// Signal ids, as they appear in `Decision::reason` and `removed[].rule`.
pub mod signal {
    /// An empty line.
    pub const BLANK: &str = "blank";
    /// The headline, found repeated below the page title.
    pub const TITLE_REPEAT: &str = "signal.title-repeat";
    /// The headline taken from the page title (first line).
    pub const PAGE_TITLE: &str = "signal.page-title";
    /// A page-title line dropped because the headline was found repeated below it.
    pub const PAGE_TITLE_DUP: &str = "signal.page-title-dup";
    /// A line inside the article span.
    pub const ARTICLE: &str = "signal.article-span";
    /// A line above the article span.
    pub const BEFORE: &str = "signal.before-article";
    /// A line below the article span.
    pub const AFTER: &str = "signal.after-article";
    /// A line after an end-of-article marker.
    pub const AFTER_TRAILER: &str = "signal.after-trailer";
    /// A headline-shaped item under a related header.
    pub const RELATED_ITEM: &str = "signal.related-item";
    /// One of a headerless run of headline-shaped lines right after the article.
    pub const RELATED_RUN: &str = "signal.related-run";
    /// An item of a related box set between two paragraphs of the article.
    pub const RELATED_BOX: &str = "signal.related-box";
    /// A short line right above a photo-credit line: the photo's caption.
    pub const CAPTION_ABOVE_CREDIT: &str = "signal.caption-above-credit";
    /// A line of a document in which no article span was found.
    pub const NO_ARTICLE: &str = "signal.no-article";
    /// A line the line model reads as article body.
    pub const MODEL_BODY: &str = "model.body";
    /// A line above the article that the line model drops.
    pub const MODEL_BEFORE: &str = "model.before-article";
    /// A line below the article that the line model drops.
    pub const MODEL_AFTER: &str = "model.after-article";
    /// A line inside the article that the line model drops (a box, a form).
    pub const MODEL_BOILERPLATE: &str = "model.boilerplate";
    /// The headline found right above the article the line model chose.
    pub const HEADLINE: &str = "signal.headline";
    /// A line of a thread of reader comments: from the first of several
    /// comment markers (`comments.*` rules) close together to the end of the page.
    pub const COMMENTS: &str = "signal.comments";
}

/// Whether the model decides a line the heuristic decided so: by the article
/// span alone, not by a rule, the headline or a related list.
fn model_decides(d: &Decision) -> bool {
    matches!(
        d.reason.as_ref(),
        signal::ARTICLE
            | signal::BEFORE
            | signal::AFTER
            | signal::AFTER_TRAILER
            | signal::NO_ARTICLE
            | "corpus.repeated-line"
    )
}

/// Lines above the first body line where the headline is looked for.
const HEADLINE_WINDOW: usize = 12;

/// Comment markers that make a thread of reader comments…
const THREAD_MARKERS: usize = 3;
/// …within this many lines.
const THREAD_WINDOW: usize = 40;
/// Lines below a repeat of the page title that hold the article's own byline
/// and time stamp.
const HEADLINE_META: usize = 4;

/// The line model's inputs for a document (see [`Classifier::feature_rows`]).
#[doc(hidden)]
#[derive(Debug, Clone, Default)]
pub struct FeatureRows {
    /// The line index of each row.
    pub idx: Vec<usize>,
    /// The rows.
    pub rows: Vec<context::Row>,
    /// Whether the model decides each row's line.
    pub free: Vec<bool>,
    /// Each row's probabilities under the line model, stage 1's and stage
    /// 2's (0 for rows it does not decide); `None` without a model.
    pub probabilities: Option<(Vec<f32>, Vec<f32>)>,
}

/// What the heuristic found in a document.
struct Heuristic {
    /// Each line's score for the maximum-sum span.
    scores: Vec<i64>,
    /// The article span.
    span: Option<(usize, usize)>,
    /// The headline line.
    title: Option<usize>,
    /// The heuristic's decisions.
    decisions: Vec<Decision>,
}

impl Heuristic {
    /// The model's inputs.
    fn inputs<'a, 'b>(
        &'a self,
        lines: &'a [Line<'b>],
        infos: &'a [Info],
        actions: &'a [Option<Action>],
        heur: &'a [context::Heur],
        lang: Option<features::Lang>,
    ) -> context::Inputs<'a, 'b> {
        context::Inputs {
            lines,
            infos,
            actions,
            heur,
            span: self.span,
            title: self.title,
            lang,
        }
    }
}

/// Score of an end-of-article marker: no span crosses it.
const BARRIER: i64 = -1_000_000_000;
/// Score of a line a rule marks as boilerplate.
const BOILERPLATE_SCORE: i64 = -60;
/// Score of a short or unpunctuated line.
const SHORT_SCORE: i64 = -30;
/// Least score of a line of prose (a punctuated, stop-word-rich line of 60+).
const STRONG_SCORE: i64 = 60;
/// Fewest headline-shaped lines that make a headerless related run.
const MIN_RELATED_RUN: usize = 3;
/// Most items of a related box set inside the article.
const MAX_BOX_ITEMS: usize = 8;

/// Classifies lines with a compiled rule set and structural signals.
#[derive(Debug)]
pub struct Classifier {
    rules: RuleSet,
    repeated: Option<Arc<RepeatedLines>>,
    model: Option<Arc<LineModel>>,
}

/// What is known about one line before deciding it.
struct Info {
    blank: bool,
    rule: Option<usize>,
    f: Features,
    repeated: bool,
    /// Whether enough of the words are stop words of the document's language,
    /// when already looked up.
    wordy: Option<bool>,
}

/// Whether a line is long enough to score as prose: 60 or more with a
/// sentence mark (at its end or inside), or 150 or more.
fn is_long(f: &Features) -> bool {
    let sentence = f.terminal || f.inner_stops > 0;
    f.weight >= 60 && sentence || f.weight >= 150
}

/// Whether the score of a line that no rule decides and that is not repeated
/// asks for its stop-word share: a long line of six words or more (a shorter
/// one counts as wordy), not a glued teaser.
fn asks_stop_share(f: &Features) -> bool {
    is_long(f) && f.words >= 6 && !f.glued_teaser
}

/// The share of stop words that makes a long line read as prose.
const WORDY_SHARE: f32 = 0.12;

/// The score of a line; `stop_share` tells whether enough of its words are
/// stop words of the document's language (asked only of long lines).
fn line_score(
    info: &Info,
    action: Option<Action>,
    stop_share: impl FnOnce(&Features) -> bool,
) -> i64 {
    match action {
        Some(Action::Trailer) | Some(Action::RelatedHeader) => return BARRIER,
        Some(Action::Remove) | Some(Action::Comment) => return BOILERPLATE_SCORE,
        Some(Action::Caption) | Some(Action::Credit) | Some(Action::Related) => return 0,
        None => {}
    }
    if info.blank {
        return 0;
    }
    if info.repeated {
        return BOILERPLATE_SCORE;
    }
    let f = &info.f;
    let w = f.weight as i64;
    if f.glued_teaser {
        return SHORT_SCORE;
    }
    let sentence = f.terminal || f.inner_stops > 0;
    // Only a long line can score as prose, and only then is its share asked.
    let wordy = is_long(f) && (!asks_stop_share(f) || info.wordy.unwrap_or_else(|| stop_share(f)));
    if w >= 60 && sentence && wordy {
        w
    } else if w >= 150 && wordy {
        w / 2
    } else if sentence && w >= 25 {
        w / 4
    } else {
        SHORT_SCORE
    }
}

/// A long line that ends like a sentence is a paragraph, never a page title
/// (so that cleaning a record's text again does not take its first paragraph
/// for the page title).
fn is_prose_sentence(f: &Features) -> bool {
    f.terminal && f.words > 12
}

/// The maximum-sum run of `scores`, as an inclusive range; `None` when no line
/// scores above zero.
fn best_span(scores: &[i64]) -> Option<(usize, usize)> {
    let mut best: Option<(i64, usize, usize)> = None;
    let mut cur = 0i64;
    let mut start = 0usize;
    for (i, &s) in scores.iter().enumerate() {
        if cur <= 0 {
            cur = 0;
            start = i;
        }
        cur = cur.saturating_add(s);
        if cur > 0 && best.is_none_or(|(b, _, _)| cur > b) {
            best = Some((cur, start, i));
        }
    }
    best.map(|(_, s, e)| (s, e))
}

/// The best run that starts within `window` lines after `anchor`: (score, start, end).
fn anchored_span(scores: &[i64], anchor: usize, window: usize) -> Option<(i64, usize, usize)> {
    let n = scores.len();
    let lo = anchor + 1;
    if lo >= n {
        return None;
    }
    // Nor does it start below an end-of-article marker (a comment thread).
    let hi = (lo..(lo + window).min(n))
        .find(|&i| scores[i] == BARRIER)
        .unwrap_or((lo + window).min(n));
    // The article proper (a line of prose) must begin within the window: a copy of
    // the headline in a menu or a teaser list sits farther from it.
    if !scores[lo..hi].iter().any(|&s| s > 0) {
        return None;
    }
    // best[i]: the best sum of a run starting at i, and where it ends.
    let mut best: Vec<(i64, usize)> = vec![(0, 0); n + 1];
    for i in (lo..n).rev() {
        let (next, next_end) = best[i + 1];
        best[i] = if i + 1 < n && next > 0 {
            (scores[i].saturating_add(next), next_end)
        } else {
            (scores[i], i)
        };
    }
    (lo..hi)
        .map(|i| (best[i].0, i, best[i].1))
        .filter(|&(s, _, _)| s > 0)
        .max_by_key(|&(s, i, _)| (s, std::cmp::Reverse(i)))
}

/// Lines after the headline in which the article must start.
const ANCHOR_WINDOW: usize = 15;
/// An anchored span must reach this share of the best span's score.
const ANCHOR_SHARE: f64 = 0.2;

impl Classifier {
    /// A classifier using `rules`.
    pub fn new(rules: RuleSet) -> Self {
        Classifier {
            rules,
            repeated: None,
            model: model::builtin(),
        }
    }

    /// Uses `model` for the body decision instead of the built-in line model;
    /// `None` leaves it to the heuristic span alone.
    pub fn with_model(mut self, model: Option<Arc<LineModel>>) -> Self {
        self.model = model;
        self
    }

    /// Adds the corpus pass: lines in `repeated` count as boilerplate outside the
    /// article span.
    pub fn with_repeated_lines(mut self, repeated: Arc<RepeatedLines>) -> Self {
        self.repeated = Some(repeated);
        self
    }

    /// The line model in use, if any.
    pub fn model(&self) -> Option<&LineModel> {
        self.model.as_deref()
    }

    /// The rule set in use.
    pub fn rules(&self) -> &RuleSet {
        &self.rules
    }

    /// Classifies `lines`; the result has one decision per line.
    pub fn classify(&self, lines: &[Line<'_>]) -> Vec<Decision> {
        self.classify_scored(lines, false).0
    }

    /// [`Classifier::classify`], with the line model's score of each line it
    /// decided (for `rinse explain`; `None` for the other lines).
    pub fn explain(&self, lines: &[Line<'_>]) -> (Vec<Decision>, Vec<Option<LineScore>>) {
        let (decisions, scores) = self.classify_scored(lines, true);
        let scores = scores.unwrap_or_else(|| vec![None; lines.len()]);
        (decisions, scores)
    }

    fn classify_scored(
        &self,
        lines: &[Line<'_>],
        explain: bool,
    ) -> (Vec<Decision>, Option<Vec<Option<LineScore>>>) {
        let Some(model) = &self.model else {
            let (infos, lang) = self.measure(lines, false);
            return (self.heuristic(lines, &infos, lang).decisions, None);
        };
        let (infos, lang) = self.measure(lines, true);
        let h = self.heuristic(lines, &infos, lang);
        let (idx, body, scores) = self.with_rows(lines, &infos, &h, lang, |rows| {
            let idx = rows.lines().to_vec();
            let free: Vec<bool> = idx
                .iter()
                .map(|&i| model_decides(&h.decisions[i]))
                .collect();
            let body = model.body(rows, &free);
            let scores = explain.then(|| {
                let mut by_line = vec![None; lines.len()];
                for (&i, s) in idx.iter().zip(model.explain(rows, &free)) {
                    by_line[i] = s;
                }
                by_line
            });
            (idx, body, scores)
        });
        // A page the model would leave empty keeps the heuristic's article.
        if !body.contains(&true) {
            return (h.decisions, scores);
        }
        let mut out = Self::decide(h, &idx, &body);
        self.headline_above_body(lines, &infos, &idx, &body, &mut out);
        (out, scores)
    }

    /// Finds the headline just above the article the model chose, when the
    /// page title was not found repeated: the nearest line from the first
    /// body line up (that line itself only when it ends without a sentence
    /// mark and more body follows), within [`HEADLINE_WINDOW`] lines, that is shaped like a
    /// headline (three words or more, no sentence inside, no rule on it, no
    /// date) and whose words are the page title's (the page's own headline,
    /// without the site name around it). When the page title is
    /// no headline (a site name, a menu), the headline-shaped line right
    /// above the body (bylines and dates between) is taken. The page title's
    /// line then counts as a duplicate.
    fn headline_above_body(
        &self,
        lines: &[Line<'_>],
        infos: &[Info],
        idx: &[usize],
        body: &[bool],
        out: &mut [Decision],
    ) {
        let Some(first_body) = body.iter().position(|&b| b) else {
            return;
        };
        // A repeat of the page title is the headline already.
        if out.iter().any(|d| d.reason == signal::TITLE_REPEAT) {
            return;
        }
        let Some(&page) = idx.first() else {
            return;
        };
        let page_is_title = out[page].class == Class::Title;
        let page_words = title::words(lines[page].text);
        let mut next_to_body = true;
        // The first body line itself may be the headline, when more body follows.
        let top = if body[first_body + 1..].contains(&true) {
            first_body
        } else {
            first_body.saturating_sub(1)
        };
        for r in (first_body.saturating_sub(HEADLINE_WINDOW)..=top).rev() {
            let i = idx[r];
            if i == page {
                break;
            }
            if r == first_body && infos[i].f.terminal {
                continue;
            }
            let info = &infos[i];
            let text = lines[i].text;
            let date = context::has_date(text);
            if info.rule.is_none()
                && !date
                && info.f.is_headline_shaped(text)
                && (info.f.words >= 3 || info.f.weight >= 12)
            {
                let words = title::words(text);
                let shared = words.iter().filter(|w| page_words.contains(w)).count();
                // Every word in the page title (one may differ in a long
                // headline): a menu glued before the headline is not it.
                let of_page_title =
                    shared >= 2 && shared + usize::from(words.len() >= 6) >= words.len();
                if of_page_title || next_to_body && !page_is_title {
                    out[i] = Decision::new(Class::Title, signal::HEADLINE);
                    if page_is_title {
                        out[page] = Decision::new(Class::Boilerplate, signal::PAGE_TITLE_DUP);
                    }
                    return;
                }
            }
            // Bylines, dates and other rule lines may stand between the
            // headline and the body; anything else ends "right above".
            if info.rule.is_none() && !date {
                next_to_body = false;
            }
        }
    }

    /// The heuristic's decisions, with the lines it left to the article span
    /// decided by the model: `body[r]` for the line `idx[r]`.
    fn decide(h: Heuristic, idx: &[usize], body: &[bool]) -> Vec<Decision> {
        let mut out = h.decisions;
        let first = body.iter().position(|&b| b);
        let last = body.iter().rposition(|&b| b);
        for (r, &i) in idx.iter().enumerate() {
            // Rules, the headline, captions and related items stay as decided.
            if !model_decides(&out[i]) {
                continue;
            }
            out[i] = if body[r] {
                Decision::new(Class::Body, signal::MODEL_BODY)
            } else if out[i].reason == "corpus.repeated-line" {
                continue;
            } else if first.is_none_or(|f| r < f) {
                Decision::new(Class::Boilerplate, signal::MODEL_BEFORE)
            } else if last.is_some_and(|l| r > l) {
                Decision::new(Class::Trailer, signal::MODEL_AFTER)
            } else {
                Decision::new(Class::Boilerplate, signal::MODEL_BOILERPLATE)
            };
        }
        out
    }

    /// Runs `then` with the maker of the model's rows of the non-blank lines.
    fn with_rows<R>(
        &self,
        lines: &[Line<'_>],
        infos: &[Info],
        h: &Heuristic,
        lang: Option<features::Lang>,
        then: impl FnOnce(&context::RowMaker<'_, '_>) -> R,
    ) -> R {
        let actions: Vec<Option<Action>> = infos
            .iter()
            .map(|i| i.rule.map(|r| self.rules.rules()[r].action))
            .collect();
        let heur: Vec<context::Heur> = (0..lines.len())
            .map(|i| {
                let d = &h.decisions[i];
                context::Heur {
                    score: h.scores[i],
                    in_span: h.span.is_some_and(|(s, e)| (s..=e).contains(&i)),
                    body: d.class == Class::Body,
                    title: d.class == Class::Title,
                }
            })
            .collect();
        then(&context::RowMaker::new(
            &h.inputs(lines, infos, &actions, &heur, lang),
        ))
    }

    /// The model's input rows for `lines` (one per non-blank line), the line
    /// each row is of, and whether the model decides that line (rules, the
    /// headline and related lists decide the others), for `rinse features`
    /// and the training script.
    pub fn feature_rows(&self, lines: &[Line<'_>]) -> FeatureRows {
        let (infos, lang) = self.measure(lines, true);
        let h = self.heuristic(lines, &infos, lang);
        self.with_rows(lines, &infos, &h, lang, |rows| {
            let idx = rows.lines().to_vec();
            let free: Vec<bool> = idx
                .iter()
                .map(|&i| model_decides(&h.decisions[i]))
                .collect();
            let probabilities = self.model.as_ref().map(|m| m.probabilities(rows, &free));
            FeatureRows {
                idx,
                rows: rows.all(),
                free,
                probabilities,
            }
        })
    }

    /// Measures every line and matches it against the rules; with `all`, stop
    /// words are counted on every line (the model reads their share), else
    /// only where the language guess or a score needs them.
    fn measure(&self, lines: &[Line<'_>], all: bool) -> (Vec<Info>, Option<features::Lang>) {
        let mut scratch = features::Scratch::default();
        // Stop words of every language are counted over the lines the language
        // guess reads. Past them the language is known, and a line whose score
        // asks for its stop-word share has it looked up at once, while its
        // masks are at hand.
        let mut guess = features::LangGuess::default();
        let mut lang = None;
        let infos: Vec<Info> = lines
            .iter()
            .map(|l| {
                let reading = guess.reading();
                let f = if reading || all {
                    features::measure_all(l.text, &mut scratch)
                } else {
                    features::measure_shape(l.text, &mut scratch)
                };
                // A line is blank when it has no word; the rules take the count.
                let blank = f.words == 0;
                let rule = if blank {
                    None
                } else {
                    self.rules
                        .first_match_index_counted(l.text, f.words, f.alnum_words)
                };
                let repeated = !blank && self.repeated.as_ref().is_some_and(|r| r.contains(l.text));
                let mut wordy = None;
                if reading {
                    guess.add(&f);
                } else if !all && rule.is_none() && !blank && !repeated && asks_stop_share(&f) {
                    let lang = *lang.get_or_insert_with(|| guess.lang());
                    // The rules leave the masks of `measure_shape` alone.
                    wordy = Some(lang.is_none_or(|lang| {
                        features::stop_share(l.text, &f, lang, WORDY_SHARE, &mut scratch, false)
                    }));
                }
                Info {
                    blank,
                    rule,
                    f,
                    repeated,
                    wordy,
                }
            })
            .collect();
        (infos, guess.lang())
    }

    /// The heuristic classification: rule decisions, the maximum-sum article
    /// span anchored on the headline, related lists and runs.
    fn heuristic(
        &self,
        lines: &[Line<'_>],
        infos: &[Info],
        lang: Option<features::Lang>,
    ) -> Heuristic {
        let mut scratch = features::Scratch::default();
        let action = |i: usize| infos[i].rule.map(|r| self.rules.rules()[r].action);
        let mut scores: Vec<i64> = (0..lines.len())
            .map(|i| {
                line_score(&infos[i], action(i), |f| {
                    lang.is_none_or(|l| {
                        features::stop_share_reaches(lines[i].text, f, l, WORDY_SHARE, &mut scratch)
                    })
                })
            })
            .collect();
        // A related header followed straight by a paragraph of prose is an inline
        // link label inside the article (`Read more` above the next paragraph), not
        // the head of a list: it does not end the article. A related box set between
        // two paragraphs (header, a few headline items, prose again) does not end it
        // either: its header is crossed and its items go to `related`.
        let mut box_item = vec![false; lines.len()];
        for i in 0..scores.len() {
            if action(i) != Some(Action::RelatedHeader) {
                continue;
            }
            if let Some(items) = self.related_box(infos, lines, &scores, i, &action) {
                scores[i] = SHORT_SCORE;
                for j in items {
                    if action(j) == Some(Action::RelatedHeader) {
                        scores[j] = SHORT_SCORE;
                    } else {
                        box_item[j] = true;
                        scores[j] = scores[j].min(SHORT_SCORE);
                    }
                }
            } else if let Some(next) = (i + 1..scores.len()).find(|&j| !infos[j].blank)
                && scores[next] >= STRONG_SCORE
                && (0..i)
                    .rev()
                    .find(|&j| !infos[j].blank)
                    .is_some_and(|p| scores[p] >= STRONG_SCORE)
            {
                scores[i] = SHORT_SCORE;
            }
        }
        // A thread of reader comments never holds the article: it ends the page.
        let comments = self.comment_thread(lines, infos, &scores);
        if let Some(z) = comments {
            scores[z] = BARRIER;
            for s in &mut scores[z + 1..] {
                *s = (*s).min(BOILERPLATE_SCORE);
            }
        }
        let span = best_span(&scores);

        // The headline: the page title (first line) repeated above the article. The
        // earliest repeat followed closely by a strong enough run anchors the span.
        let first = infos.iter().position(|i| !i.blank);
        let mut title_line: Option<(usize, &'static str)> = None;
        let mut span = span;
        if let Some(first) = first
            && infos[first].rule.is_none()
            && !is_prose_sentence(&infos[first].f)
        {
            let page_title = lines[first].text;
            let head = title::headline_part(page_title);
            let best_score = span.map_or(0, |(s, e)| scores[s..=e].iter().sum::<i64>());
            let parts = title::parts(page_title);
            // Repeats of the headline part (or the whole title) come first,
            // then repeats of another part (a site name may be one).
            let repeat = |i: usize, of_head: bool| {
                !infos[i].blank
                    && infos[i].rule.is_none()
                    && (title::same_text(lines[i].text, head)
                        || title::same_text(lines[i].text, page_title))
                        == of_head
                    && (of_head || parts.iter().any(|p| title::same_text(lines[i].text, p)))
            };
            let mut fallback = None;
            for of_head in [true, false] {
                for t in (first + 1..lines.len()).filter(|&i| repeat(i, of_head)) {
                    if let Some((score, s, e)) = anchored_span(&scores, t, ANCHOR_WINDOW)
                        && score as f64 >= best_score as f64 * ANCHOR_SHARE
                    {
                        title_line = Some((t, signal::TITLE_REPEAT));
                        span = Some((s, e));
                        break;
                    }
                    if span.is_some_and(|(s, _)| t < s) && (of_head || fallback.is_none()) {
                        fallback = Some(t);
                    }
                }
                if title_line.is_some() {
                    break;
                }
            }
            if title_line.is_none() {
                if let Some(t) = fallback {
                    title_line = Some((t, signal::TITLE_REPEAT));
                } else if span.is_none_or(|(s, _)| first < s)
                    && infos[first].f.is_headline_shaped(head)
                {
                    title_line = Some((first, signal::PAGE_TITLE));
                }
            }
        }

        let mut out = Vec::with_capacity(lines.len());
        let (start, end) = span.unwrap_or((usize::MAX, usize::MAX));
        let mut in_related = false;
        let mut ended = false;
        // Where a headerless related run may begin (right after the span).
        let related_run = span.map(|(_, e)| self.headerless_run(infos, lines, e + 1));
        for (i, (line, info)) in lines.iter().zip(infos).enumerate() {
            if info.blank {
                out.push(Decision::new(Class::Blank, signal::BLANK));
                continue;
            }
            if let Some((t, why)) = title_line {
                if i == t {
                    out.push(Decision::new(Class::Title, why));
                    continue;
                }
                if Some(i) == first && why == signal::TITLE_REPEAT {
                    out.push(Decision::new(Class::Boilerplate, signal::PAGE_TITLE_DUP));
                    continue;
                }
            }
            let inside = span.is_some() && (start..=end).contains(&i);
            if info.rule.is_none() && comments.is_some_and(|z| i >= z) {
                out.push(Decision::new(Class::Trailer, signal::COMMENTS));
                continue;
            }
            if let Some(r) = info.rule {
                let rule = &self.rules.rules()[r];
                let class = match rule.action {
                    Action::Remove | Action::Comment => Class::Boilerplate,
                    Action::Trailer => {
                        if span.is_some() && i > start {
                            ended = true;
                        }
                        in_related = false;
                        Class::Trailer
                    }
                    Action::RelatedHeader => {
                        in_related = !ended;
                        if ended {
                            Class::Trailer
                        } else {
                            Class::RelatedHeader
                        }
                    }
                    Action::Caption => Class::Caption,
                    Action::Credit => Class::Credit,
                    Action::Related => Class::Related,
                };
                out.push(Decision::rule(class, &rule.id));
                continue;
            }
            if self.is_credit_below(infos, i) {
                out.push(Decision::new(Class::Caption, signal::CAPTION_ABOVE_CREDIT));
                continue;
            }
            if box_item[i] && inside {
                out.push(Decision::new(Class::Related, signal::RELATED_BOX));
                continue;
            }
            let shaped = info.f.is_headline_shaped(line.text);
            if inside {
                if in_related && shaped && !info.f.terminal {
                    out.push(Decision::new(Class::Related, signal::RELATED_ITEM));
                } else {
                    in_related = false;
                    out.push(Decision::new(Class::Body, signal::ARTICLE));
                }
                continue;
            }
            if info.repeated {
                out.push(Decision::new(Class::Boilerplate, "corpus.repeated-line"));
                continue;
            }
            if span.is_none() {
                out.push(Decision::new(Class::Boilerplate, signal::NO_ARTICLE));
                continue;
            }
            if i < start {
                out.push(Decision::new(Class::Boilerplate, signal::BEFORE));
                continue;
            }
            if ended {
                out.push(Decision::new(Class::Trailer, signal::AFTER_TRAILER));
                continue;
            }
            if in_related {
                if shaped {
                    out.push(Decision::new(Class::Related, signal::RELATED_ITEM));
                    continue;
                }
                if info.f.terminal && info.f.weight >= 60 {
                    in_related = false;
                }
            } else if related_run.is_some_and(|(a, b)| (a..=b).contains(&i)) {
                out.push(Decision::new(Class::Related, signal::RELATED_RUN));
                continue;
            }
            out.push(Decision::new(Class::Trailer, signal::AFTER));
        }
        Heuristic {
            scores,
            span,
            title: title_line.map(|(t, _)| t),
            decisions: out,
        }
    }

    /// The items of a related box set inside the article, when the related header
    /// at `h` heads one: the header follows a line of prose, then come
    /// headline-shaped items (at most [`MAX_BOX_ITEMS`] lines with the related
    /// headers among them), then prose again: one line after two items or more,
    /// two lines in a row after a single item. A list at the end of the article
    /// is followed by other lists, short lines or nothing, and an alternation of
    /// headlines and one-sentence teasers has a single headline before each prose
    /// line; prose right under a further header is that header's teasers, not
    /// the article. The result holds the items and the further headers.
    fn related_box(
        &self,
        infos: &[Info],
        lines: &[Line<'_>],
        scores: &[i64],
        h: usize,
        action: &dyn Fn(usize) -> Option<Action>,
    ) -> Option<Vec<usize>> {
        let prev = (0..h).rev().find(|&j| !infos[j].blank)?;
        if scores[prev] < STRONG_SCORE {
            return None;
        }
        let mut items = Vec::new();
        let mut headers = 0;
        let mut strong = 0;
        for j in h + 1..infos.len() {
            if infos[j].blank {
                continue;
            }
            let headlines = items.len() - headers;
            // Prose right under a further header is that header's list of teasers.
            let after_item = items.last().is_some_and(|&k| action(k).is_none());
            if strong > 0 || (after_item && scores[j] >= STRONG_SCORE) {
                if scores[j] < STRONG_SCORE {
                    return None;
                }
                strong += 1;
                if strong == 2 || headlines >= 2 {
                    return Some(items);
                }
                continue;
            }
            if action(j) == Some(Action::RelatedHeader) {
                headers += 1;
                items.push(j);
                continue;
            }
            if infos[j].rule.is_some() || !infos[j].f.is_headline_shaped(lines[j].text) {
                return None;
            }
            items.push(j);
            if items.len() > MAX_BOX_ITEMS {
                return None;
            }
        }
        None
    }

    /// Where a thread of reader comments begins: the first comment marker
    /// (a `comment` rule's line) followed by [`THREAD_MARKERS`]` - 1` more
    /// within [`THREAD_WINDOW`] lines. The thread runs to the end of the page.
    ///
    /// Comments follow the article: markers above the first line of prose
    /// do not count, nor does a marker within [`HEADLINE_META`] lines below a
    /// repeat of the page title (the article's own byline or time stamp).
    fn comment_thread(&self, lines: &[Line<'_>], infos: &[Info], scores: &[i64]) -> Option<usize> {
        let is_marker = |i: &Info| {
            i.rule
                .is_some_and(|r| self.rules.rules()[r].action == Action::Comment)
        };
        infos
            .iter()
            .filter(|i| is_marker(i))
            .nth(THREAD_MARKERS - 1)?;
        let first = infos.iter().position(|i| !i.blank)?;
        let prose = scores.iter().position(|&s| s >= STRONG_SCORE)?;
        let page_title = lines[first].text;
        let head = title::headline_part(page_title);
        let mut headline: Option<usize> = None;
        let mut markers = Vec::new();
        for (k, info) in infos.iter().enumerate().skip(first + 1) {
            if info.blank {
                continue;
            }
            if is_marker(info) {
                if k > prose && headline.is_none_or(|h| k > h + HEADLINE_META) {
                    markers.push(k);
                }
            } else if info.rule.is_none()
                && (title::same_text(lines[k].text, head)
                    || title::same_text(lines[k].text, page_title))
            {
                headline = Some(k);
            }
        }
        markers
            .windows(THREAD_MARKERS)
            .find(|w| w[THREAD_MARKERS - 1] - w[0] <= THREAD_WINDOW)
            .map(|w| w[0])
    }

    /// True when line `i` is short and the next non-blank line is a bare photo
    /// credit (a caption rule on a line of at most six words).
    fn is_credit_below(&self, infos: &[Info], i: usize) -> bool {
        if infos[i].f.weight > 160 || infos[i].f.words < 4 {
            return false;
        }
        let Some(next) = infos[i + 1..].iter().find(|n| !n.blank) else {
            return false;
        };
        next.f.words <= 6
            && next
                .rule
                .is_some_and(|r| self.rules.rules()[r].action == Action::Caption)
    }

    /// The headerless run of headline-shaped lines starting at `from` (blank lines
    /// and rule-matched boilerplate may come first), when long enough.
    fn headerless_run(&self, infos: &[Info], lines: &[Line<'_>], from: usize) -> (usize, usize) {
        let mut i = from;
        while i < infos.len()
            && (infos[i].blank
                || infos[i]
                    .rule
                    .is_some_and(|r| self.rules.rules()[r].action == Action::Remove))
        {
            i += 1;
        }
        let begin = i;
        let mut count = 0;
        let mut last = begin;
        while i < infos.len() {
            let info = &infos[i];
            if info.blank {
                i += 1;
                continue;
            }
            if info.rule.is_some() || !info.f.is_headline_shaped(lines[i].text) {
                break;
            }
            count += 1;
            last = i;
            i += 1;
        }
        if count >= MIN_RELATED_RUN {
            (begin, last)
        } else {
            (usize::MAX, usize::MAX)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::segment;

    /// The heuristic's classes and reasons (no line model), which these
    /// tests hold; the line model reads them as inputs.
    fn classify(text: &str) -> Vec<(Class, String)> {
        let c = Classifier::new(RuleSet::builtin().unwrap()).with_model(None);
        let lines = segment::lines(text);
        c.classify(&lines)
            .into_iter()
            .map(|d| (d.class, d.reason.into_owned()))
            .collect()
    }

    const PROSE: &str = "The council voted on Tuesday to expand the city's tram network, a plan that will cost more than two hundred million euros over ten years.";

    #[test]
    fn span_is_the_densest_prose_run() {
        assert_eq!(best_span(&[-30, 100, -30, 200, -30, -30]), Some((1, 3)));
        assert_eq!(best_span(&[-30, -30]), None);
        assert_eq!(best_span(&[100, BARRIER, 50]), Some((0, 0)));
    }

    #[test]
    fn short_lines_inside_the_span_are_kept_and_nav_outside_is_dropped() {
        let text = format!(
            "City votes on trams - Example Times\nHome\nNews\nSport\nCity votes on trams\n{PROSE}\nWhat happens next:\n{PROSE}\nPuzzles\nCrosswords\n"
        );
        let got = classify(&text);
        assert_eq!(got[0].1, signal::PAGE_TITLE_DUP);
        assert_eq!(got[1], (Class::Boilerplate, "nav.menu-item".to_string()));
        assert_eq!(got[2], (Class::Boilerplate, signal::BEFORE.to_string()));
        assert_eq!(got[4], (Class::Title, signal::TITLE_REPEAT.to_string()));
        assert_eq!(got[5].0, Class::Body);
        assert_eq!(got[6], (Class::Body, signal::ARTICLE.to_string()));
        assert_eq!(got[8], (Class::Trailer, signal::AFTER.to_string()));
    }

    #[test]
    fn headerless_headline_run_after_the_body_is_related() {
        let text = format!(
            "Trams win the vote\n\n{PROSE}\n\n{PROSE}\n\nMayor opens new bridge over the river\nFestival draws record crowds this summer\nSchools reopen after the long strike\n"
        );
        let got = classify(&text);
        assert_eq!(got[0].0, Class::Title);
        let related: Vec<_> = got.iter().filter(|(c, _)| *c == Class::Related).collect();
        assert_eq!(related.len(), 3, "{got:?}");
        assert_eq!(related[0].1, signal::RELATED_RUN);
    }

    #[test]
    fn a_sentence_that_mentions_follow_us_stays_in_the_body() {
        let text = format!(
            "Trams win the vote\n\n{PROSE}\n\nFollow us on the tram line, the mayor joked to reporters at the depot on Tuesday, before the first test run began.\n\n{PROSE}\n"
        );
        let got = classify(&text);
        assert_eq!(got[4].0, Class::Body, "{got:?}");
    }

    #[test]
    fn a_menu_copy_of_the_headline_far_above_the_article_does_not_anchor_it() {
        let nav: String = (0..20).map(|i| format!("Section {i}\n")).collect();
        let prose = format!("{PROSE}\n").repeat(6);
        let text = format!(
            "City votes on trams - Example Times\nCity votes on trams\n{nav}City votes on trams\n{prose}"
        );
        let got = classify(&text);
        assert_eq!(
            got[22],
            (Class::Title, signal::TITLE_REPEAT.to_string()),
            "{got:?}"
        );
        assert!(got[2..22].iter().all(|(c, _)| *c != Class::Body), "{got:?}");
        assert_eq!(got[23].0, Class::Body);
    }

    #[test]
    fn an_inline_read_more_label_above_a_paragraph_does_not_end_the_article() {
        let text = format!(
            "Trams win the vote\n\n{PROSE}\n\nRead More\n\n{PROSE}\n\nRelated\n\nMayor opens new bridge over the river\n"
        );
        let got = classify(&text);
        assert_eq!(got[6].0, Class::Body, "{got:?}");
        assert_eq!(got[8].0, Class::RelatedHeader, "{got:?}");
        assert_eq!(got[10].0, Class::Related, "{got:?}");
    }

    #[test]
    fn a_related_box_between_paragraphs_does_not_end_the_article() {
        let text = format!(
            "Trams win the vote\n\n{PROSE}\n\nRelated\n\nMayor opens new bridge over the river\nFestival draws record crowds this summer\n\n{PROSE}\n\n{PROSE}\n"
        );
        let got = classify(&text);
        assert_eq!(got[4].0, Class::RelatedHeader, "{got:?}");
        assert_eq!(
            got[6],
            (Class::Related, signal::RELATED_BOX.to_string()),
            "{got:?}"
        );
        assert_eq!(got[7].0, Class::Related, "{got:?}");
        assert_eq!(got[9].0, Class::Body, "{got:?}");
        assert_eq!(got[11].0, Class::Body, "{got:?}");
    }

    #[test]
    fn headlines_alternating_with_teasers_after_a_header_are_not_a_box() {
        let teaser = "The festival drew more visitors than ever before, organisers said on Sunday after the final concert.";
        let text = format!(
            "Trams win the vote\n\n{PROSE}\n\n{PROSE}\n\nMost Popular\n\nMayor opens new bridge over the river\n{teaser}\nSchools reopen after the long strike\n{teaser}\n"
        );
        let got = classify(&text);
        assert_eq!(got[6].0, Class::RelatedHeader, "{got:?}");
        assert!(got[7..].iter().all(|(c, _)| *c != Class::Body), "{got:?}");
    }

    #[test]
    fn teasers_under_a_second_header_after_a_list_are_not_the_article() {
        let teaser = "The festival drew more visitors than ever before, organisers said on Sunday after the final concert.";
        let text = format!(
            "Trams win the vote\n\n{PROSE}\n\n{PROSE}\n\n{PROSE}\n\nNext Up In Science\n\nMayor opens new bridge over the river\nFestival draws record crowds this summer\n\nMost Read\n\n{teaser}\n{teaser}\n{teaser}\n"
        );
        let got = classify(&text);
        assert_eq!(got[6].0, Class::Body, "{got:?}");
        assert_eq!(got[8].0, Class::RelatedHeader, "{got:?}");
        assert!(got[9..].iter().all(|(c, _)| *c != Class::Body), "{got:?}");
    }

    #[test]
    fn a_list_header_below_a_short_line_is_not_an_inline_label() {
        let text = format!(
            "Trams win the vote\n\n{PROSE}\n\n{PROSE}\n\n{PROSE}\n\nGet the app\n\nMost Popular Today\n\n{PROSE}\n"
        );
        let got = classify(&text);
        assert_eq!(got[6].0, Class::Body, "{got:?}");
        assert_eq!(got[10].0, Class::RelatedHeader, "{got:?}");
        assert_ne!(got[12].0, Class::Body, "{got:?}");
    }

    #[test]
    fn an_anchored_article_does_not_start_below_a_comments_header() {
        let comment = "I think this is the best thing that could have happened to the city, and I hope they build more lines soon.";
        let comments = format!("{comment}\n").repeat(20);
        let prose = format!("{PROSE}\n").repeat(6);
        let text = format!(
            "City votes on trams - Example Times\nCity votes on trams\n{prose}Comments\n{comments}"
        );
        let got = classify(&text);
        assert_eq!(got[1].0, Class::Title, "{got:?}");
        assert!(got[2..8].iter().all(|(c, _)| *c == Class::Body), "{got:?}");
        assert!(got[9..].iter().all(|(c, _)| *c != Class::Body), "{got:?}");
    }

    /// Classes and reasons with the built-in line model.
    fn classify_model(text: &str) -> Vec<(Class, String)> {
        let c = Classifier::new(RuleSet::builtin().unwrap());
        assert!(c.model().is_some());
        let lines = segment::lines(text);
        c.classify(&lines)
            .into_iter()
            .map(|d| (d.class, d.reason.into_owned()))
            .collect()
    }

    /// A page: the page title, a menu, the headline, a byline, paragraphs,
    /// then a thread of reader comments with their bylines and reply links.
    fn page_with_comments() -> String {
        let comment = "I think this is the best thing that could have happened to the city, and I hope they build more lines soon.";
        let mut thread = String::new();
        for (k, name) in ["Anna", "Bob", "Carla", "Dan"].iter().enumerate() {
            thread.push_str(&format!(
                "{name} on January {}, 2012 at 9:{:02} am\n{comment}\nReply\n",
                k + 3,
                k * 7
            ));
        }
        format!(
            "City votes on trams - Example Times\nHome\nNews\nCity votes on trams\nby Jane Roe on January 2, 2012 at 8:15 am\n{PROSE}\n{PROSE}\n{PROSE}\n4 Comments\n{thread}"
        )
    }

    #[test]
    fn a_comment_thread_is_removed_as_comments_and_never_wins_the_article() {
        for got in [
            classify(&page_with_comments()),
            classify_model(&page_with_comments()),
        ] {
            // The article's own time stamp under the headline starts no thread.
            assert_eq!(got[3].0, Class::Title, "{got:?}");
            assert_eq!(got[4].1, "comments.posted-at", "{got:?}");
            assert!(got[5..8].iter().all(|(c, _)| *c == Class::Body), "{got:?}");
            assert!(got[8..].iter().all(|(c, _)| *c != Class::Body), "{got:?}");
            let comments = got.iter().filter(|(_, r)| r == signal::COMMENTS).count();
            assert_eq!(comments, 4, "{got:?}");
        }
    }

    #[test]
    fn a_lone_comment_marker_starts_no_thread() {
        let text = format!("Trams win the vote\n\n{PROSE}\n\nReply\n\n{PROSE}\n\n{PROSE}\n");
        let got = classify(&text);
        assert!(got.iter().all(|(_, r)| r != signal::COMMENTS), "{got:?}");
        assert_eq!(got[6].0, Class::Body, "{got:?}");
    }

    #[test]
    fn the_model_finds_the_headline_above_the_body_when_the_page_title_is_a_site_name() {
        let text = format!(
            "Example Times\nSkip to main content\nHome\nNews\nSport\nTrams win the council vote after a long debate\nBy Jane Roe\n{PROSE}\n{PROSE}\n{PROSE}\n"
        );
        let got = classify_model(&text);
        assert_eq!(
            got[5],
            (Class::Title, signal::HEADLINE.to_string()),
            "{got:?}"
        );
        assert_ne!(got[0].0, Class::Title, "{got:?}");
        assert!(got[7..10].iter().all(|(c, _)| *c == Class::Body), "{got:?}");
    }

    #[test]
    fn model_decisions_are_named_by_where_they_stand() {
        let got = classify_model(&page_with_comments());
        assert!(got.iter().any(|(_, r)| r == signal::MODEL_BODY), "{got:?}");
        assert!(
            got[1..3]
                .iter()
                .all(|(_, r)| r.starts_with("nav.") || r == signal::MODEL_BEFORE),
            "{got:?}"
        );
    }
}
