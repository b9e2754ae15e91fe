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
//!   comment markers close together, below the first prose, or a comment-section
//!   head with a marker close below it; a comment-section head just above the
//!   first marker opens the thread) ends the page (`signal.comments`).
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
mod glued;
mod heuristic;
mod masks;
mod memo;
pub mod model;
pub mod title;

use std::borrow::Cow;
use std::sync::Arc;

use crate::corpus::RepeatedLines;
use crate::rules::{Action, RuleSet};
use crate::segment::Line;
use features::Features;
use heuristic::*;
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
    /// The id of the rule or signal that decided the class (borrowed: a
    /// signal's id is a constant, a rule's is interned by its rule set).
    pub reason: Cow<'static, str>,
    /// For a body line that is a whole page glued into one line: the byte
    /// range of the line's text that holds the article (the rest is removed
    /// as [`signal::GLUED_EDGE`]); `None` keeps the whole line.
    pub keep: Option<(usize, usize)>,
}

impl Decision {
    /// The decision for a blank line.
    pub const BLANK: Decision = Decision {
        class: Class::Blank,
        reason: Cow::Borrowed(""),
        keep: None,
    };
}

impl Decision {
    fn new(class: Class, reason: &'static str) -> Self {
        Decision {
            class,
            reason: Cow::Borrowed(reason),
            keep: None,
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
    /// A paragraph between the article the line model chose and the credit
    /// line ('Reporting by …') that closes it, kept as body.
    pub const BEFORE_CREDIT: &str = "signal.before-credit";
    /// The menu before or the link list after the article inside a page
    /// glued into one line (the body keeps the article's part of the line).
    pub const GLUED_EDGE: &str = "signal.glued-edge";
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

/// A line of at least this many words that holds half the words of its page
/// or more is a page glued into one line (see [`free_rows`]).
const GLUED_WORDS: usize = 200;

/// How many lines ahead [`Classifier::measure`] brings a line's memo slot
/// into the cache: far enough for the fetch to arrive before the line is
/// reached, near enough that the slot is still there.
const PREFETCH_AHEAD: usize = 8;

/// True when a line of `words` words, on a page of `total` words, is a page
/// glued into one line.
fn is_glued(words: usize, total: usize) -> bool {
    words >= GLUED_WORDS && 2 * words >= total
}

/// Whether the model's body (`body` over the rows `idx`, of which it decides
/// the `free` ones) may replace the heuristic's `decisions`: it keeps a line,
/// and the page then keeps a paragraph (a line of prose,
/// [`heuristic::is_prose_sentence`]) whenever the heuristic's article has
/// one. A model that keeps only a headline or a few short lines of a page
/// whose paragraphs the heuristic found would lose the article.
fn keeps_prose(
    (idx, free, body): (&[usize], &[bool], &[bool]),
    decisions: &[Decision],
    infos: &[Info],
) -> bool {
    let prose = |i: usize| heuristic::is_prose_sentence(&infos[i].f);
    let heuristic_body = |i: usize| decisions[i].class == Class::Body;
    let kept = |r: usize| {
        if free[r] {
            body[r]
        } else {
            heuristic_body(idx[r])
        }
    };
    body.contains(&true)
        && ((0..idx.len()).any(|r| kept(r) && prose(idx[r]))
            || !idx.iter().any(|&i| heuristic_body(i) && prose(i)))
}

/// Which of the rows (lines `idx`) the line model decides: the lines the
/// heuristic left to it ([`model_decides`]), except a page glued into one
/// line (at least [`GLUED_WORDS`] words and half the page's words): no
/// decision on whole lines can split it, and dropping it would drop the
/// article with it, so the heuristic's verdict on it stands.
fn free_rows(idx: &[usize], decisions: &[Decision], infos: &[Info]) -> Vec<bool> {
    let free = free_lines(decisions, infos);
    idx.iter().map(|&i| free[i]).collect()
}

/// [`free_rows`] by line: whether the line model decides each line.
fn free_lines(decisions: &[Decision], infos: &[Info]) -> Vec<bool> {
    let total: usize = infos.iter().map(|i| i.f.words).sum();
    decisions
        .iter()
        .zip(infos)
        .map(|(d, i)| model_decides(d) && !is_glued(i.f.words, total))
        .collect()
}

/// What [`Classifier::with_rows`] makes rows of, past the lines.
type RowsOf<'a> = (
    &'a [Info],
    &'a Heuristic,
    Option<features::Lang>,
    Option<&'a [bool]>,
);

/// Cuts the menu and the link lists off a page glued into one line
/// ([`is_glued`]) that is kept as body: the decision keeps the article's
/// part of the line ([`glued::article_part`]).
fn trim_glued(
    lines: &[Line<'_>],
    infos: &[Info],
    lang: Option<features::Lang>,
    out: &mut [Decision],
) {
    let total: usize = infos.iter().map(|i| i.f.words).sum();
    for ((line, info), d) in lines.iter().zip(infos).zip(out.iter_mut()) {
        let words = info.f.words;
        if d.class == Class::Body && is_glued(words, total) {
            d.keep = glued::article_part(line.text, lang.unwrap_or(features::Lang::En));
        }
    }
}

/// Rows between the article's last body row and a credit line below it
/// ('Reporting by …', which closes a news story) that may be taken back.
const CREDIT_REACH: usize = 3;

/// A news story ends at its credit line: when a credit line follows the
/// model's last body row within [`CREDIT_REACH`] rows, and the heuristic had
/// every line the model decides between them as article, those lines are
/// body again (the model tends to cut a story's short last paragraph).
/// Returns the rows taken back.
fn run_to_credit(
    idx: &[usize],
    free: &[bool],
    heuristic: &[Decision],
    body: &mut [bool],
) -> Vec<usize> {
    let Some(last) = body.iter().rposition(|&b| b) else {
        return Vec::new();
    };
    let end = idx.len().min(last + 2 + CREDIT_REACH);
    let Some(credit) = (last + 1..end).find(|&r| heuristic[idx[r]].class == Class::Credit) else {
        return Vec::new();
    };
    let gap = last + 1..credit;
    if !gap
        .clone()
        .all(|r| !free[r] || heuristic[idx[r]].class == Class::Body)
    {
        return Vec::new();
    }
    let taken: Vec<usize> = gap.filter(|&r| free[r]).collect();
    for &r in &taken {
        body[r] = true;
    }
    taken
}

/// Lines above the first body line where the headline is looked for.
const HEADLINE_WINDOW: usize = 12;

/// Most lines between the body and the headline over a byline or date stamp
/// ([`Classifier::over_stamp`]), the stamps counted.
const STAMP_REACH: usize = 4;

/// Fewest words of a page title that another line confirms as the headline
/// by starting with it: a site name (`Winnipeg Free Press`) is shorter, and
/// is repeated in the page too.
const CONFIRMED_WORDS: usize = 5;

/// Most words of a date stamp between a headline and its article: a caption
/// or a sentence with a date is longer.
const STAMP_WORDS: usize = 10;

/// Whether a page title not shaped like a headline may still stand as the
/// record's title when nothing else does: no rule on it, three to 30 words,
/// no sentence of more than 12 words, no colon at its end (`On Air Now:`),
/// and its headline part ([`title::page_headline`]) reads as one
/// ([`title::reads_as_headline`]).
fn page_title_will_do(info: &Info, text: &str, lines: &[Line<'_>]) -> bool {
    info.rule.is_none()
        && (3..=30).contains(&info.f.words)
        && !is_prose_sentence(&info.f)
        && !info.f.colon
        && title::reads_as_headline(title::page_headline(text, lines))
}

/// How many of a line's words the article must echo for it to be taken for
/// the headline over a page title that does not (see [`echo`]).
const ECHO_WORDS: usize = 2;

/// The article's first body lines that [`echo`] reads.
const ECHO_LINES: usize = 5;

/// Counts, for a text, its distinct words that stand in the first
/// [`ECHO_LINES`] body lines (`body[r]` for line `idx[r]`): a headline
/// names what its article is about, a site or section name seldom does.
/// Words of four letters or more count; with `numbers`, words with a digit
/// too (`KDE 4.9.3 Has Been Officially Released`: the page title is heard
/// when the article speaks of `4.9`).
fn echo(lines: &[Line<'_>], idx: &[usize], body: &[bool]) -> impl Fn(&str, bool) -> usize {
    let counted = |text: &str, numbers: bool| {
        let mut words = title::words(text);
        words.retain(|w| {
            w.chars().count() >= 4 || (numbers && w.chars().any(|c| c.is_ascii_digit()))
        });
        words
    };
    let heard: std::collections::HashSet<String> = idx
        .iter()
        .zip(body)
        .filter(|&(_, &b)| b)
        .take(ECHO_LINES)
        .flat_map(|(&i, _)| counted(lines[i].text, true))
        .collect();
    move |text: &str, numbers: bool| {
        let mut own = counted(text, numbers);
        own.sort_unstable();
        own.dedup();
        own.iter().filter(|w| heard.contains(*w)).count()
    }
}

/// Whether a line is shaped like a headline: three words or more, no
/// sentence inside, no rule on it and no date (`date`: [`context::has_date`]).
fn headline_like(info: &Info, text: &str, date: bool) -> bool {
    info.rule.is_none()
        && !date
        && info.f.is_headline_shaped(text)
        && (info.f.words >= 3 || info.f.weight >= 12)
}

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

/// Classifies lines with a compiled rule set and structural signals.
#[derive(Debug)]
pub struct Classifier {
    rules: RuleSet,
    repeated: Option<Arc<RepeatedLines>>,
    model: Option<Arc<LineModel>>,
}

/// What is known about one line before deciding it.
#[cfg_attr(test, derive(Debug, PartialEq))]
struct Info {
    blank: bool,
    rule: Option<usize>,
    f: Features,
    repeated: bool,
    /// Whether enough of the words are stop words of the document's language,
    /// when already looked up.
    wordy: Option<bool>,
}

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
            let mut out = self.heuristic(lines, &infos, lang).decisions;
            self.headline_of_heuristic(lines, &infos, &mut out);
            trim_glued(lines, &infos, lang, &mut out);
            return (out, None);
        };
        let (infos, lang) = self.measure(lines, true);
        let h = self.heuristic(lines, &infos, lang);
        let decides = free_lines(&h.decisions, &infos);
        let rows_of = (&infos[..], &h, lang, Some(&decides[..]));
        let (idx, free, mut body, scores) = self.with_rows(lines, rows_of, |rows| {
            let idx = rows.lines().to_vec();
            let free: Vec<bool> = idx.iter().map(|&i| decides[i]).collect();
            let body = model.body(rows, &free);
            let scores = explain.then(|| {
                let mut by_line = vec![None; lines.len()];
                for (&i, s) in idx.iter().zip(model.explain(rows, &free)) {
                    by_line[i] = s;
                }
                by_line
            });
            (idx, free, body, scores)
        });
        // A page the model would leave empty, or without a paragraph where
        // the heuristic's article has one, keeps the heuristic's article.
        if !keeps_prose((&idx, &free, &body), &h.decisions, &infos) {
            let mut out = h.decisions;
            self.headline_of_heuristic(lines, &infos, &mut out);
            trim_glued(lines, &infos, lang, &mut out);
            return (out, scores);
        }
        let taken = run_to_credit(&idx, &free, &h.decisions, &mut body);
        let mut out = Self::decide(h, &idx, &free, &body);
        for r in taken {
            out[idx[r]] = Decision::new(Class::Body, signal::BEFORE_CREDIT);
        }
        self.headline_above_body(lines, &infos, &idx, &body, &mut out);
        trim_glued(lines, &infos, lang, &mut out);
        (out, scores)
    }

    /// [`Classifier::headline_above_body`] over the heuristic's article (no
    /// line model, or a page the model would have left without prose).
    fn headline_of_heuristic(&self, lines: &[Line<'_>], infos: &[Info], out: &mut [Decision]) {
        let idx: Vec<usize> = (0..lines.len()).filter(|&i| !infos[i].blank).collect();
        let body: Vec<bool> = idx.iter().map(|&i| out[i].class == Class::Body).collect();
        self.headline_above_body(lines, infos, &idx, &body, out);
    }

    /// Finds the headline just above the article the model chose, when the
    /// page title was not found repeated. A line shaped like a headline
    /// (three words or more, no sentence inside, no rule on it, no date) is
    /// taken, first found of:
    /// 1. within [`HEADLINE_WINDOW`] lines from the first body line up (that
    ///    line itself only when it ends without a sentence mark and more body
    ///    follows), the nearest whose words are the page title's (the page's
    ///    own headline, without the site name around it);
    /// 2. the line over the byline, credit or date stamp that stands close
    ///    above the body (`By Jane Doe`, `January 15, 2008`;
    ///    [`Classifier::over_stamp`]): where news and blog pages print their
    ///    headline, when the page title is not confirmed as the headline by
    ///    another line that starts with it (it may be a site or section name);
    /// 3. when the page title is no headline (a site name, a menu), the
    ///    nearest line right above the body, with only bylines, dates and
    ///    other rule lines between;
    /// 4. that same line when the page title is taken for the headline but
    ///    the article's first lines echo none of its words and at least
    ///    [`ECHO_WORDS`] of the line's ([`echo`]): the title is a site or
    ///    section name. Not a sentence, nor a caption ending with its credit.
    ///
    /// The page title's line then counts as a duplicate.
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
        let mut right_above = None;
        // The nearest headline-shaped line right above the body (past only
        // bylines, dates and other rule lines), whatever the page title is.
        let mut near = None;
        // The first body line itself may be the headline, when more body follows.
        let top = if body[first_body + 1..].contains(&true) {
            first_body
        } else {
            first_body.saturating_sub(1)
        };
        let mut found = None;
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
            if headline_like(info, text, date) {
                let words = title::words(text);
                let shared = words.iter().filter(|w| page_words.contains(w)).count();
                // Every word in the page title (one may differ in a long
                // headline): a menu glued before the headline is not it.
                if shared >= 2 && shared + usize::from(words.len() >= 6) >= words.len() {
                    found = Some(i);
                    break;
                }
                if next_to_body && near.is_none() {
                    near = Some(i);
                    if !page_is_title {
                        right_above = Some(i);
                    }
                }
            }
            // Bylines, dates and other rule lines may stand between the
            // headline and the body; anything else ends "right above".
            if info.rule.is_none() && !date {
                next_to_body = false;
            }
        }
        // The headline over a stamp replaces a page title that no line of
        // the page confirms: one starts with it (a site name is shorter, and
        // is repeated in the page too), or the line holds its first two
        // words after others (a breadcrumb: `Home Pictures Pleiades, M45`
        // under `Pleiades, M45 - Adventure Astronomy`; a line that starts
        // with them is the page's own wording of the headline).
        let over_stamp = || {
            let rows = (&idx[..first_body], idx[first_body]);
            let i = self.over_stamp(lines, infos, rows, page)?;
            if !page_is_title {
                return Some(i);
            }
            let head = title::words(title::page_headline(lines[page].text, lines));
            let confirmed = head.len() >= CONFIRMED_WORDS
                && idx[1..]
                    .iter()
                    .any(|&j| title::starts_with_words(lines[j].text, &head));
            let start = &head[..head.len().min(2)];
            let holds = head.len() >= 2
                && title::words(lines[i].text)
                    .windows(2)
                    .skip(1)
                    .any(|w| w == start);
            (!confirmed && !holds).then_some(i)
        };
        // A page title that tells nothing of the article (a site or section
        // name) gives way to the line right above the body that does.
        let echoed = || {
            let i = near.filter(|_| page_is_title)?;
            let heard = echo(lines, idx, body);
            // Not a sentence, nor a photo's caption with its credit (`… [EPA]`).
            (!infos[i].f.terminal
                && !lines[i].text.trim_end().ends_with(']')
                && heard(title::page_headline(lines[page].text, lines), true) == 0
                && heard(lines[i].text, false) >= ECHO_WORDS
                && title::reads_as_headline(lines[i].text))
            .then_some(i)
        };
        let stands_apart =
            first_body == 0 && body.get(1) == Some(&false) && body[1..].contains(&true);
        if let Some(i) = found.or_else(over_stamp).or(right_above).or_else(echoed) {
            out[i] = Decision::new(Class::Title, signal::HEADLINE);
            if page_is_title {
                out[page] = Decision::new(Class::Boilerplate, signal::PAGE_TITLE_DUP);
            }
        } else if !out.iter().any(|d| d.class == Class::Title)
            && page_title_will_do(&infos[page], lines[page].text, lines)
            && (out[page].class == Class::Boilerplate || stands_apart)
        {
            // No headline anywhere: the page title, though not shaped like
            // one (too long, a `!` or an abbreviation inside), is better
            // than none; also when the model kept it as body, if it stands
            // apart from the article (a menu between them): a first
            // paragraph runs on into the next.
            out[page] = Decision::new(Class::Title, signal::PAGE_TITLE);
        }
    }

    /// The headline over a byline, credit or date stamp close above the
    /// body: going up from the last of `rows` (the lines above the first body
    /// line, `first`), past at most [`STAMP_REACH`] lines that are stamps,
    /// rule lines or short lines (a role, `AP Golf Writer`), the first line
    /// above a stamp that is not one, if it is shaped like a headline. The
    /// first body line may be the stamp itself. Stops at `page`.
    fn over_stamp(
        &self,
        lines: &[Line<'_>],
        infos: &[Info],
        (rows, first): (&[usize], usize),
        page: usize,
    ) -> Option<usize> {
        let is_stamp = |i: usize| {
            let text = lines[i].text;
            self.is_stamp(&infos[i], text, context::has_date(text))
        };
        let mut stamped = is_stamp(first);
        for (passed, &i) in rows.iter().rev().enumerate() {
            if i == page || passed > STAMP_REACH {
                return None;
            }
            let info = &infos[i];
            if is_stamp(i) {
                stamped = true;
            } else if stamped
                && info.f.words >= 3
                && headline_like(info, lines[i].text, context::has_date(lines[i].text))
                && title::reads_as_headline(lines[i].text)
            {
                return Some(i);
            } else if info.rule.is_none() && info.f.words > 4 {
                return None;
            }
        }
        None
    }

    /// Whether a line is a byline, a credit or a date stamp: what stands
    /// between a headline and its article. `date` is [`context::has_date`] of
    /// `text`.
    fn is_stamp(&self, info: &Info, text: &str, date: bool) -> bool {
        if let Some(r) = info.rule {
            let rule = &self.rules.rules()[r];
            if rule.action == Action::Credit
                || ["meta.byline", "meta.timestamp"].contains(&&*rule.id)
            {
                return true;
            }
        }
        date && info.f.words <= STAMP_WORDS && !text.trim_end().ends_with('.')
    }

    /// The heuristic's decisions, with the lines it left to the article span
    /// decided by the model: `body[r]` for the line `idx[r]`.
    fn decide(h: Heuristic, idx: &[usize], free: &[bool], body: &[bool]) -> Vec<Decision> {
        let mut out = h.decisions;
        let first = body.iter().position(|&b| b);
        let last = body.iter().rposition(|&b| b);
        for (r, &i) in idx.iter().enumerate() {
            // Rules, the headline, captions, related items and a page glued
            // into one line stay as decided.
            if !free[r] {
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

    /// Runs `then` with the maker of the model's rows of the non-blank lines,
    /// from the lines' measures, the heuristic's verdicts, the language and
    /// the lines the model decides (see [`context::Inputs::decides`]).
    fn with_rows<R>(
        &self,
        lines: &[Line<'_>],
        (infos, h, lang, decides): RowsOf<'_>,
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
        then(&context::RowMaker::new(&h.inputs(
            lines,
            infos,
            (&actions, &heur),
            lang,
            decides,
        )))
    }

    /// The model's input rows for `lines` (one per non-blank line), the line
    /// each row is of, and whether the model decides that line (rules, the
    /// headline and related lists decide the others), for `rinse features`
    /// and the training script.
    pub fn feature_rows(&self, lines: &[Line<'_>]) -> FeatureRows {
        let (infos, lang) = self.measure(lines, true);
        let h = self.heuristic(lines, &infos, lang);
        self.with_rows(lines, (&infos, &h, lang, None), |rows| {
            let idx = rows.lines().to_vec();
            let free = free_rows(&idx, &h.decisions, &infos);
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
        memo::with(self.rules.id(), |mut memo| {
            let mut scratch = features::Scratch::default();
            // Stop words of every language are counted over the lines the
            // language guess reads. Past them the language is known, and a
            // line whose score asks for its stop-word share has it looked up
            // at once, while its masks are at hand.
            let mut guess = features::LangGuess::default();
            let mut lang = None;
            let infos: Vec<Info> = lines
                .iter()
                .enumerate()
                .map(|(i, l)| {
                    if let (Some(m), Some(ahead)) = (memo.as_deref(), lines.get(i + PREFETCH_AHEAD))
                    {
                        m.prefetch(ahead.text);
                    }
                    let reading = guess.reading();
                    let (f, rule, masks) = self.measure_line(
                        l.text,
                        reading || all,
                        &mut scratch,
                        memo.as_deref_mut(),
                    );
                    let blank = f.words == 0;
                    let repeated =
                        !blank && self.repeated.as_ref().is_some_and(|r| r.contains(l.text));
                    let mut wordy = None;
                    if reading {
                        guess.add(&f);
                    } else if !all && rule.is_none() && !blank && !repeated && asks_stop_share(&f) {
                        let lang = *lang.get_or_insert_with(|| guess.lang());
                        if !masks {
                            // Remembered: the masks are of another line.
                            features::measure_shape(l.text, &mut scratch);
                        }
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
        })
    }

    /// The measures of `text` (its stop words counted when `counts`) and its
    /// first rule hit, from `memo` when the line is remembered there, and
    /// whether `scratch` now holds the line's masks (it does not for a
    /// remembered line).
    fn measure_line(
        &self,
        text: &str,
        counts: bool,
        scratch: &mut features::Scratch,
        memo: Option<&mut memo::Memo>,
    ) -> (Features, Option<usize>, bool) {
        let seen = memo
            .as_deref()
            .and_then(|m| m.get(text))
            .filter(|(f, _)| !counts || f.lang_stops.is_some());
        if let Some((f, rule)) = seen {
            let lang_stops = if counts { f.lang_stops } else { None };
            return (Features { lang_stops, ..f }, rule, false);
        }
        let f = if counts {
            features::measure_all(text, scratch)
        } else {
            features::measure_shape(text, scratch)
        };
        // A line is blank when it has no word; the rules take the count.
        let rule = if f.words == 0 {
            None
        } else {
            self.rules
                .first_match_index_counted(text, f.words, f.alnum_words)
        };
        if let Some(m) = memo {
            m.put(text, f, rule);
        }
        (f, rule, true)
    }
}

#[cfg(test)]
mod tests;
