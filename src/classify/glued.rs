//! Pages glued into one line: the part of the line that holds the article.
//!
//! Some scrapers dump a whole page as one line: the menu, the article and the
//! link lists after it run together. No decision on whole lines can split
//! such a line (see `free_rows`), so when it is kept as body, its edges are
//! cut here instead: the article runs from the first window of
//! [`WINDOW`] words that reads as prose (a share of stop words of at least
//! [`PROSE_SHARE`]) to the last sentence end within the last such window. Menus and headline lists hold few stop words; running text holds
//! many. Both constants were chosen on the even-numbered L3S-GN1 pages
//! (file names in byte order) and measured on the odd ones (README).

use super::features::Lang;

/// Words in the window that measures the share of stop words.
const WINDOW: usize = 20;
/// The share of stop words from which a window reads as prose.
const PROSE_SHARE: f32 = 0.4;

/// The byte range of `text` that holds the article, when it is shorter than
/// the line: `None` when no window reads as prose or the article is the
/// whole line. Stop words are `lang`'s.
pub(super) fn article_part(text: &str, lang: Lang) -> Option<(usize, usize)> {
    let words: Vec<(usize, usize)> = word_ranges(text).collect();
    let n = words.len();
    if n < WINDOW {
        return None;
    }
    let stops = lang.stop_words();
    let mut upto = Vec::with_capacity(n + 1);
    upto.push(0u32);
    let mut word = String::new();
    for &(a, b) in &words {
        word.clear();
        word.extend(
            text[a..b]
                .chars()
                .filter(|c| c.is_alphanumeric())
                .flat_map(char::to_lowercase),
        );
        let last = upto[upto.len() - 1];
        upto.push(last + u32::from(stops.contains(word.as_str())));
    }
    // Whole windows only: a few words at the end of the line are no
    // measure of prose.
    let prose = |i: usize| (upto[i + WINDOW] - upto[i]) as f32 >= PROSE_SHARE * WINDOW as f32;
    let first = (0..=n - WINDOW).find(|&i| prose(i))?;
    let last = (0..=n - WINDOW).rev().find(|&i| prose(i))?;
    let ends = |k: usize| ends_sentence(&text[words[k].0..words[k].1]);
    // The article ends with the last sentence that ends in the last prose
    // window, or else with the first sentence that ends after it.
    let mut end = (last + WINDOW).min(n);
    match (last + 1..=end).rev().find(|&e| ends(e - 1)) {
        Some(e) => end = e,
        None => {
            while end < n && !ends(end - 1) {
                end += 1;
            }
        }
    }
    if first == 0 && end == n {
        return None;
    }
    Some((words[first].0, words[end - 1].1))
}

/// The byte ranges of the whitespace-separated words of `text`.
fn word_ranges(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    text.split_whitespace().map(move |w| {
        let a = w.as_ptr() as usize - text.as_ptr() as usize;
        (a, a + w.len())
    })
}

/// True when `word` ends a sentence: `.`, `!` or `?`, possibly before one
/// closing quote or bracket.
fn ends_sentence(word: &str) -> bool {
    let w = word.strip_suffix(['"', '”', '’', ')']).unwrap_or(word);
    w.ends_with(['.', '!', '?'])
}

#[cfg(test)]
mod tests {
    use super::*;

    const MENU: &str = "Home News Sport Football Cricket Rugby Tennis Golf Business Markets Technology Science Weather Travel Culture Music Film Books Video Podcasts";
    const STORY: &str = "The council voted on Tuesday to expand the city's tram network, and the mayor said that the first new line would open within three years of the vote.";
    const LINKS: &str = "Top Stories Markets Rally Tram Strike Ends Budget Row Deepens Election Date Set Storm Warning Issued Schools Reopen Bridge Closed Fares Rise Again";

    #[test]
    fn the_menu_before_and_the_links_after_the_story_are_cut() {
        let line = format!("{MENU} {STORY} {STORY} {STORY} {LINKS} {LINKS}");
        let (a, b) = article_part(&line, Lang::En).unwrap();
        // The story is kept whole and the link list is cut at its end.
        let kept = &line[a..b];
        assert!(
            kept.ends_with(&format!("{STORY} {STORY} {STORY}")),
            "{kept}"
        );
        // The cut comes within a window of the story's start: the first
        // window that reads as prose may begin with the menu's last words.
        let menu_words = MENU.split_whitespace().count();
        assert!(
            line[..a].split_whitespace().count() > menu_words - WINDOW / 2,
            "{kept}"
        );
    }

    #[test]
    fn a_line_of_prose_or_of_menus_alone_is_left_whole() {
        let prose = format!("{STORY} {STORY} {STORY}");
        assert_eq!(article_part(&prose, Lang::En), None);
        let menu = format!("{MENU} {LINKS} {MENU}");
        assert_eq!(article_part(&menu, Lang::En), None);
    }
}
