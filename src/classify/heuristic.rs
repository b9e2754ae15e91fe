//! The heuristic classification, which holds in any language: a score per
//! line, the maximum-sum article span anchored on the headline, related
//! boxes, lists and runs, and threads of reader comments (see the
//! [`crate::classify`] module doc). The line model ([`super::model`]) decides
//! within what the heuristic leaves to it and falls back on this when no line
//! reaches its threshold; `Classifier::heuristic` is what it must agree with
//! on every document where the model stays silent.

use super::*;

/// Comment markers that make a thread of reader comments…
pub(super) const THREAD_MARKERS: usize = 3;
/// …within this many lines.
pub(super) const THREAD_WINDOW: usize = 40;
/// Lines below a repeat of the page title that hold the article's own byline
/// and time stamp.
pub(super) const HEADLINE_META: usize = 4;
/// A comment-section head opens the thread when a marker follows within
/// this many lines.
pub(super) const HEAD_REACH: usize = 8;

/// What the heuristic found in a document.
pub(super) struct Heuristic {
    /// Each line's score for the maximum-sum span.
    pub(super) scores: Vec<i64>,
    /// The article span.
    pub(super) span: Option<(usize, usize)>,
    /// The headline line.
    pub(super) title: Option<usize>,
    /// The heuristic's decisions.
    pub(super) decisions: Vec<Decision>,
}

impl Heuristic {
    /// The model's inputs.
    pub(super) fn inputs<'a, 'b>(
        &'a self,
        lines: &'a [Line<'b>],
        infos: &'a [Info],
        (actions, heur): (&'a [Option<Action>], &'a [context::Heur]),
        lang: Option<features::Lang>,
        decides: Option<&'a [bool]>,
    ) -> context::Inputs<'a, 'b> {
        context::Inputs {
            lines,
            infos,
            actions,
            heur,
            span: self.span,
            title: self.title,
            lang,
            decides,
        }
    }
}

/// Score of an end-of-article marker: no span crosses it.
pub(super) const BARRIER: i64 = -1_000_000_000;
/// Score of a line a rule marks as boilerplate.
pub(super) const BOILERPLATE_SCORE: i64 = -60;
/// Score of a short or unpunctuated line.
pub(super) const SHORT_SCORE: i64 = -30;
/// Least score of a line of prose (a punctuated, stop-word-rich line of 60+).
pub(super) const STRONG_SCORE: i64 = 60;
/// Fewest headline-shaped lines that make a headerless related run.
pub(super) const MIN_RELATED_RUN: usize = 3;
/// Most items of a related box set inside the article.
pub(super) const MAX_BOX_ITEMS: usize = 8;

/// Whether a line is long enough to score as prose: 60 or more with a
/// sentence mark (at its end or inside), or 150 or more.
pub(super) fn is_long(f: &Features) -> bool {
    let sentence = f.terminal || f.inner_stops > 0;
    f.weight >= 60 && sentence || f.weight >= 150
}

/// Whether the score of a line that no rule decides and that is not repeated
/// asks for its stop-word share: a long line of six words or more (a shorter
/// one counts as wordy), not a glued teaser.
pub(super) fn asks_stop_share(f: &Features) -> bool {
    is_long(f) && f.words >= 6 && !f.glued_teaser
}

/// The share of stop words that makes a long line read as prose.
pub(super) const WORDY_SHARE: f32 = 0.12;

/// The score of a line; `stop_share` tells whether enough of its words are
/// stop words of the document's language (asked only of long lines).
pub(super) fn line_score(
    info: &Info,
    action: Option<Action>,
    stop_share: impl FnOnce(&Features) -> bool,
) -> i64 {
    match action {
        Some(Action::Trailer | Action::CommentsHead | Action::RelatedHeader) => return BARRIER,
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
pub(super) fn is_prose_sentence(f: &Features) -> bool {
    f.terminal && f.words > 12
}

/// The maximum-sum run of `scores`, as an inclusive range; `None` when no line
/// scores above zero.
pub(super) fn best_span(scores: &[i64]) -> Option<(usize, usize)> {
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
pub(super) fn anchored_span(
    scores: &[i64],
    anchor: usize,
    window: usize,
) -> Option<(i64, usize, usize)> {
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
pub(super) const ANCHOR_WINDOW: usize = 15;
/// An anchored span must reach this share of the best span's score.
pub(super) const ANCHOR_SHARE: f64 = 0.2;

/// The headline's line and the signal that found it.
type Headline = (usize, &'static str);

/// The scores of phase 1 of [`Classifier::heuristic`].
pub(super) struct Scored {
    /// Each line's score.
    pub(super) scores: Vec<i64>,
    /// Lines that are items of a related box inside the article.
    pub(super) box_item: Vec<bool>,
    /// The first line of a thread of reader comments.
    pub(super) comments: Option<usize>,
}

/// The page title and its headline part, which lines repeat.
struct Titles<'a> {
    head: title::Target<'a>,
    /// The whole title, when the headline part is not all of it.
    whole: Option<title::Target<'a>>,
    /// The record's title from the page title ([`title::page_headline`]:
    /// cut at more separators, `Site: Headline`), when it is neither.
    page: Option<title::Target<'a>>,
}

impl<'a> Titles<'a> {
    fn new(page_title: &'a str, lines: &[Line<'_>]) -> Self {
        let head = title::headline_part(page_title);
        let page = title::page_headline(page_title, lines);
        Titles {
            head: title::Target::new(head),
            whole: (head != page_title).then(|| title::Target::new(page_title)),
            page: (page != head && page != page_title).then(|| title::Target::new(page)),
        }
    }

    /// Whether `text` (of lead `lead`) is the headline part, the whole
    /// title or the record's title from it ([`title::same_text`]).
    fn repeats(&self, text: &str, lead: title::Lead) -> bool {
        [Some(&self.head), self.whole.as_ref(), self.page.as_ref()]
            .into_iter()
            .flatten()
            .any(|t| t.same(text, lead))
    }
}

impl Classifier {
    /// The heuristic classification: rule decisions, the maximum-sum article
    /// span anchored on the headline, related lists and runs. Three phases:
    /// [`Classifier::score_lines`], [`Classifier::anchor_on_headline`],
    /// [`Classifier::label_lines`].
    pub(super) fn heuristic(
        &self,
        lines: &[Line<'_>],
        infos: &[Info],
        lang: Option<features::Lang>,
    ) -> Heuristic {
        let scored = self.score_lines(lines, infos, lang);
        let first = infos.iter().position(|i| !i.blank);
        let (title_line, span) = self.anchor_on_headline(
            lines,
            infos,
            &scored.scores,
            first,
            best_span(&scored.scores),
        );
        let decisions = self.label_lines(lines, infos, &scored, first, title_line, span);
        Heuristic {
            scores: scored.scores,
            span,
            title: title_line.map(|(t, _)| t),
            decisions,
        }
    }

    /// Phase 1: each line's score ([`line_score`]), with related headers inside
    /// the article crossed, related boxes marked, and everything from a thread
    /// of reader comments on scored as boilerplate.
    fn score_lines(
        &self,
        lines: &[Line<'_>],
        infos: &[Info],
        lang: Option<features::Lang>,
    ) -> Scored {
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
        Scored {
            scores,
            box_item,
            comments,
        }
    }

    /// Phase 2: the headline, and the article span it anchors. `first` is the
    /// first line that is not blank (the page title), `span` the best span by
    /// score alone; returns the headline line with its signal, and the span.
    fn anchor_on_headline(
        &self,
        lines: &[Line<'_>],
        infos: &[Info],
        scores: &[i64],
        first: Option<usize>,
        mut span: Option<(usize, usize)>,
    ) -> (Option<Headline>, Option<(usize, usize)>) {
        let mut title_line: Option<Headline> = None;
        // The headline: the page title (first line) repeated above the article. The
        // earliest repeat followed closely by a strong enough run anchors the span.
        if let Some(first) = first
            && infos[first].rule.is_none()
            && !is_prose_sentence(&infos[first].f)
        {
            let page_title = lines[first].text;
            let titles = Titles::new(page_title, lines);
            let head = titles.head.text();
            let best_score = span.map_or(0, |(s, e)| scores[s..=e].iter().sum::<i64>());
            let parts: Vec<title::Target<'_>> = title::parts(page_title)
                .into_iter()
                .map(title::Target::new)
                .collect();
            // Repeats of the headline part (or the whole title) come first,
            // then repeats of another part (a site name may be one).
            let repeat = |i: usize, of_head: bool| {
                let (text, lead) = (lines[i].text, title::lead(lines[i].text));
                !infos[i].blank
                    && infos[i].rule.is_none()
                    && titles.repeats(text, lead) == of_head
                    && (of_head || parts.iter().any(|p| p.same(text, lead)))
            };
            let mut fallback = None;
            for of_head in [true, false] {
                for t in (first + 1..lines.len()).filter(|&i| repeat(i, of_head)) {
                    // A repeat of the headline inside the best span parts
                    // the article below it from what stands above (a menu
                    // of long teasers): it anchors however short the article.
                    let inside = of_head && span.is_some_and(|(s, e)| s < t && t < e);
                    if let Some((score, s, e)) = anchored_span(scores, t, ANCHOR_WINDOW)
                        && (inside || score as f64 >= best_score as f64 * ANCHOR_SHARE)
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
        (title_line, span)
    }

    /// Phase 3: each line's decision, from its rule, its place against the
    /// span and the headline, related headers and runs, and trailers.
    fn label_lines(
        &self,
        lines: &[Line<'_>],
        infos: &[Info],
        scored: &Scored,
        first: Option<usize>,
        title_line: Option<Headline>,
        span: Option<(usize, usize)>,
    ) -> Vec<Decision> {
        let Scored {
            box_item, comments, ..
        } = scored;
        let comments = *comments;
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
                    Action::Trailer | Action::CommentsHead => {
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
                out.push(Decision::new(class, self.rules.static_id(r)));
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
        out
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
    pub(super) fn related_box(
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
    pub(super) fn comment_thread(
        &self,
        lines: &[Line<'_>],
        infos: &[Info],
        scores: &[i64],
    ) -> Option<usize> {
        let is_marker = |i: &Info| {
            i.rule
                .is_some_and(|r| self.rules.rules()[r].action == Action::Comment)
        };
        let is_head = |i: &Info| {
            i.rule
                .is_some_and(|r| self.rules.rules()[r].action == Action::CommentsHead)
        };
        if !infos.iter().any(|i| is_marker(i) || is_head(i)) {
            return None;
        }
        let first = infos.iter().position(|i| !i.blank)?;
        let prose = scores.iter().position(|&s| s >= STRONG_SCORE)?;
        let titles = Titles::new(lines[first].text, lines);
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
                && titles.repeats(lines[k].text, title::lead(lines[k].text))
            {
                headline = Some(k);
            }
        }
        // A thread whose markers sign the comments below their text (Movable
        // Type's `Posted by: … at …`) starts at the section head just above
        // its first marker, not at the marker under the first comment.
        let by_markers = markers
            .windows(THREAD_MARKERS)
            .find(|w| w[THREAD_MARKERS - 1] - w[0] <= THREAD_WINDOW)
            .map(|w| {
                (w[0].saturating_sub(HEAD_REACH).max(prose + 1)..w[0])
                    .find(|&k| is_head(&infos[k]))
                    .unwrap_or(w[0])
            });
        // A comment-section head with a marker or another head close below,
        // before any prose: a head in the article's meta line (a comment
        // count by the byline) is followed by the article itself.
        let by_head = (prose + 1..infos.len())
            .filter(|&k| is_head(&infos[k]))
            .find(|&k| {
                (k + 1..infos.len().min(k + 1 + HEAD_REACH))
                    .take_while(|&m| scores[m] < STRONG_SCORE)
                    .any(|m| is_marker(&infos[m]) || is_head(&infos[m]))
            });
        match (by_markers, by_head) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// True when line `i` is short and the next non-blank line is a bare photo
    /// credit (a caption rule on a line of at most six words).
    pub(super) fn is_credit_below(&self, infos: &[Info], i: usize) -> bool {
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
    pub(super) fn headerless_run(
        &self,
        infos: &[Info],
        lines: &[Line<'_>],
        from: usize,
    ) -> (usize, usize) {
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
