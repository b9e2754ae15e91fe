//! Finding the headline: pages open with their `<title>` (`Headline - Site`,
//! `Site | Headline`), and the headline is usually repeated just above the article.

use crate::segment::Line;

/// Separators between a headline and a site name in a page title: the
/// first nine of [`MORE_SEPARATORS`].
const SEPARATORS: &[&str] = MORE_SEPARATORS.split_at(9).0;

/// Most words a site name part of a page title may have.
const MAX_SITE_WORDS: usize = 6;

/// The headline part of a page title: `Headline - Site` and `Site | Headline` give
/// `Headline`; a title without a short site part is returned whole.
pub fn headline_part(title: &str) -> &str {
    let (head, _) = strip_site(title.trim(), SEPARATORS);
    head
}

/// Every separator a page title is cut at: the last two only for the
/// record's title ([`page_headline`]): `Headline -- Site`, `Site : Section :
/// Headline`. ` « ` (`Headline « Blog`, old WordPress titles) only where no
/// `»` follows, and ` » ` only where no `«` comes before: in French they
/// open and close a quotation (`Macron : « Nous… »`).
const MORE_SEPARATORS: [&str; 11] = [
    " - ", " | ", " – ", " — ", " :: ", " · ", " » ", " || ", " « ", " -- ", " : ",
];

/// Whether `sep`, found at byte `i` of `t`, parts it: ` « ` opens a French
/// quotation when a `»` follows it, and ` » ` closes one after a `«`.
fn parts_at(t: &str, i: usize, sep: &str) -> bool {
    match sep {
        " « " => !t[i + sep.len()..].contains('»'),
        " » " => !t[..i].contains('«'),
        _ => true,
    }
}

/// Which side of a page title [`strip_site`] took a site name off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    /// Nothing was taken off.
    None,
    /// `Headline - Site`.
    After,
    /// `Site | Headline`.
    Before,
}

/// The headline part of the trimmed title `t` at `seps` ([`headline_part`]),
/// and the side the site name was taken off.
fn strip_site<'a>(t: &'a str, seps: &[&str]) -> (&'a str, Side) {
    let at = separators_in(t, seps);
    // Site name after the last separator.
    let mut best: Option<(usize, usize)> = None;
    for (sep, at) in seps.iter().zip(&at) {
        if let Some((_, i)) = *at {
            let site = &t[i + sep.len()..];
            let site_words = site.split_whitespace().count();
            // `Headline « Blog` is never the other way round: a short
            // headline (`Wheels Up…. « Joe McNally’s Blog`) keeps its place.
            if site_words <= MAX_SITE_WORDS
                && (site_words < t[..i].split_whitespace().count() || *sep == " « ")
                && best.is_none_or(|(b, _)| i > b)
                && i > 0
            {
                best = Some((i, sep.len()));
            }
        }
    }
    if let Some((i, _)) = best {
        let head = t[..i].trim();
        if head.split_whitespace().count() >= 2 {
            return (head, Side::After);
        }
    }
    // Site name before the first separator.
    for (sep, at) in seps.iter().zip(&at) {
        if let Some((i, _)) = *at
            && *sep != " « "
        {
            let site = &t[..i];
            let head = t[i + sep.len()..].trim();
            if site.split_whitespace().count() <= MAX_SITE_WORDS
                && head.split_whitespace().count() > site.split_whitespace().count()
            {
                return (head, Side::Before);
            }
        }
    }
    (t, Side::None)
}

/// The record's title from a page title: its [`headline_part`], cut again
/// (at ` -- ` too, and at ` : ` when it parts three pieces or more) while a
/// section or site part is left, as long as three words remain after a part
/// taken off the end (`Headline - Section - Site`, `Headline -- Page 1 --
/// Site`) or four after one taken off the start (`Site - Section -
/// Headline`; `Obama - McCain debate` stays); then a single ` : ` before a
/// short capitalised site name ends the headline (`… : India World`), and
/// `Site: Headline` gives `Headline` when one of `lines` is that headline
/// (`Headline: Site` gives `Headline` when it stands lower than the site).
pub fn page_headline<'a>(title: &'a str, lines: &[Line<'_>]) -> &'a str {
    let mut t = headline_part(title);
    // ` : ` is a French colon (`Covid-19 et infox : le parcours…`) unless it
    // parts three pieces or more (`The Hindu : National : …`).
    let seps: &[&str] = if title.matches(" : ").count() >= 2 {
        &MORE_SEPARATORS
    } else {
        &MORE_SEPARATORS[..MORE_SEPARATORS.len() - 1]
    };
    for _ in 0..4 {
        let (next, side) = strip_site(t, seps);
        let enough = match side {
            Side::None => break,
            Side::After => 3,
            Side::Before => 4,
        };
        if next.split_whitespace().count() < enough {
            break;
        }
        t = next;
    }
    // One ` : ` ends a site name only after the headline, in capitals
    // (`… : India World`); in French it is a colon (`Covid-19 et infox : le
    // parcours…`).
    if let Some((head, site)) = t.split_once(" : ")
        && !site.contains(" : ")
    {
        let (head, site) = (head.trim(), site.trim());
        let site_words = site.split_whitespace().count();
        if site.starts_with(|c: char| c.is_uppercase() || c.is_ascii_digit())
            && site_words <= MAX_SITE_WORDS
            && site_words < head.split_whitespace().count()
            && head.split_whitespace().count() >= 3
        {
            t = head;
        }
    }
    // `Site: Headline`, `Blog: Section: Headline`: the longest tail after a
    // colon that stands as a line of its own, of three words or more, or
    // shorter when what comes before the colon stands as a line too (`The
    // Fischbowl: Backwards!` over the lines `The Fischbowl` and `Backwards!`).
    // When both stand, the one standing lower is the headline, nearer its
    // article (a site name stands at the top): `Headline: Site` gives the
    // headline. A line ending with a colon is a label (`FILM REVIEW:`), not
    // a headline standing.
    let stands = |s: &str| {
        lines
            .iter()
            .position(|l| !l.text.trim_end().ends_with(':') && same_text(l.text, s))
    };
    for (i, _) in t.match_indices(": ") {
        let (head, tail) = (t[..i].trim(), t[i + 2..].trim());
        let Some(at) = stands(tail) else {
            continue;
        };
        match stands(head) {
            Some(h) if h > at => return head,
            Some(_) => return tail,
            None if tail.split_whitespace().count() >= 3 => return tail,
            None => {}
        }
    }
    t
}

/// Where each of `seps` (at most [`MORE_SEPARATORS`]) first and last starts
/// in `t` (what `find` and `rfind` give), in one pass over the spaces of
/// `t`: every separator starts with one.
fn separators_in(t: &str, seps: &[&str]) -> [Option<(usize, usize)>; MORE_SEPARATORS.len()] {
    let mut at = [None; MORE_SEPARATORS.len()];
    for i in memchr::memchr_iter(b' ', t.as_bytes()) {
        let rest = &t.as_bytes()[i..];
        for (sep, at) in seps.iter().zip(&mut at) {
            if rest.starts_with(sep.as_bytes()) && parts_at(t, i, sep) {
                let first = at.map_or(i, |(f, _)| f);
                *at = Some((first, i));
            }
        }
    }
    at
}

/// Whether a line that stands where a headline would (over a byline or a
/// date) reads as one, rather than as a menu, a link or names: it starts with
/// a capital letter, a digit or a quotation mark; it holds no menu separator
/// (`|`, `//`, ` / `, `«`, `»`, `•`, `$`); it is no list of tags (three or
/// more comma-separated items of one or two words); and upper-case words, if
/// it mixes them with others, are fewer than two or under 40 % of its words
/// (`Nation ASSOCIATED PRESS`, `MICHAEL HARRIS Josh Pringle`).
pub fn reads_as_headline(text: &str) -> bool {
    let t = text.trim();
    let starts_well = t.chars().next().is_some_and(|c| {
        c.is_uppercase()
            || c.is_ascii_digit()
            || matches!(c, '"' | '\'' | '‘' | '“' | '„' | '¿' | '¡')
    });
    if !starts_well
        || ["|", "//", " / ", "«", "»", "•", "$"]
            .iter()
            .any(|m| t.contains(m))
    {
        return false;
    }
    // A list of tags or sections: `Blog, Ernährung, Umweltschutz, Vegan`.
    if t.matches(',').count() >= 2 && t.split(',').all(|p| p.split_whitespace().count() <= 2) {
        return false;
    }
    let (mut words, mut upper) = (0usize, 0usize);
    for w in t.split_whitespace() {
        let letters = w.chars().filter(|c| c.is_alphabetic());
        let (n, up) = letters.fold((0, 0), |(n, up), c| {
            (n + 1, up + usize::from(c.is_uppercase()))
        });
        if n == 0 {
            continue;
        }
        words += 1;
        upper += usize::from(n >= 2 && up == n);
    }
    upper < 2 || upper == words || upper * 10 < words * 4
}

/// The parts of a page title split at every separator, longest first (the
/// candidates for the headline when the site name is in the middle or unusual).
pub fn parts(title: &str) -> Vec<&str> {
    let mut parts = vec![title.trim()];
    for sep in SEPARATORS {
        let mut next = Vec::new();
        for p in parts {
            if (*sep == " « " || *sep == " » ") && p.contains('«') && p.contains('»') {
                next.push(p);
            } else {
                next.extend(p.split(sep).map(str::trim));
            }
        }
        parts = next;
    }
    parts.retain(|p| p.split_whitespace().count() >= 3);
    parts.sort_by_key(|p| std::cmp::Reverse(p.len()));
    parts
}

/// The lower-cased words of `text` (runs of letters and digits).
pub fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Words a section label glued before a headline may have (`Sports`,
/// `South Asia`, `Life and Style`).
const MAX_LABEL_WORDS: usize = 3;

/// A headline line without the section label glued before it: when the
/// page title's own headline ([`page_headline`] of the first non-blank
/// line of `lines`) ends `line` after one to three words (`MAX_LABEL_WORDS`),
/// that headline (`Sports Henin beat Ivanovic…` under the page title
/// `SignOnSanDiego.com > Sports -- Henin beat Ivanovic…`); else `line`.
/// A label ends with a letter or digit: a line that joins a name to the
/// headline with a mark (`Isis – “Streetcleaner”`, `Site | Headline`) is
/// the headline as the page prints it.
pub fn without_label<'a>(line: &'a str, lines: &[Line<'_>]) -> &'a str {
    let Some(page) = lines.iter().find(|l| !l.text.trim().is_empty()) else {
        return line;
    };
    let head = page_headline(page.text.trim(), lines);
    if head.split_whitespace().count() < 3 {
        return line;
    }
    match line.strip_suffix(head) {
        Some(label)
            if label.ends_with(' ')
                && label.trim_end().ends_with(char::is_alphanumeric)
                && (1..=MAX_LABEL_WORDS).contains(&label.split_whitespace().count()) =>
        {
            &line[label.len()..]
        }
        _ => line,
    }
}

/// Whether the words of `text` ([`words`]) start with `head` and go on
/// past it; read without allocating.
pub fn starts_with_words(text: &str, head: &[String]) -> bool {
    let mut it = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty());
    head.iter().all(|h| {
        it.next()
            .is_some_and(|w| w.chars().flat_map(char::to_lowercase).eq(h.chars()))
    }) && it.next().is_some()
}

/// Compares two lines ignoring case, spacing and punctuation.
pub fn same_text(a: &str, b: &str) -> bool {
    // Byte by byte while both are ASCII: most lines differ from a title at
    // their first letter, and are told apart without decoding a character.
    let (x, y) = (a.as_bytes(), b.as_bytes());
    let (mut i, mut j) = (0, 0);
    let mut any = false;
    loop {
        while i < x.len() && x[i] < 0x80 && !x[i].is_ascii_alphanumeric() {
            i += 1;
        }
        while j < y.len() && y[j] < 0x80 && !y[j].is_ascii_alphanumeric() {
            j += 1;
        }
        match (x.get(i), y.get(j)) {
            (None, None) => return any,
            (Some(&p), Some(&q)) if p < 0x80 && q < 0x80 => {
                if !p.eq_ignore_ascii_case(&q) {
                    return false;
                }
                any = true;
                i += 1;
                j += 1;
            }
            (Some(&p), None) | (None, Some(&p)) if p < 0x80 => return false,
            _ => return same_text_chars(a, b),
        }
    }
}

/// A text that many lines are compared with ([`same_text`]): the page title,
/// its headline part, its other parts. The first byte the comparison reads of
/// it is kept, so that a line whose own first such byte ([`lead`]) differs is
/// told apart without a call.
pub(super) struct Target<'a> {
    text: &'a str,
    lead: Lead,
}

/// The first byte of a text that [`same_text`] compares: its first ASCII
/// letter or digit (lower-cased) when no other character comes before it
/// but ASCII punctuation and spaces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Lead {
    Ascii(u8),
    /// A character beyond ASCII comes first, or no letter or digit at all.
    Other,
}

/// The [`Lead`] of `text`.
pub(super) fn lead(text: &str) -> Lead {
    match text
        .bytes()
        .find(|b| !b.is_ascii() || b.is_ascii_alphanumeric())
    {
        Some(b) if b.is_ascii() => Lead::Ascii(b.to_ascii_lowercase()),
        _ => Lead::Other,
    }
}

impl<'a> Target<'a> {
    pub(super) fn new(text: &'a str) -> Self {
        Target {
            text,
            lead: lead(text),
        }
    }

    /// The text.
    pub(super) fn text(&self) -> &'a str {
        self.text
    }

    /// [`same_text`] of `line`, whose lead is `line_lead`, and the target.
    pub(super) fn same(&self, line: &str, line_lead: Lead) -> bool {
        match (line_lead, self.lead) {
            // Where `same_text` would stop at its first bytes.
            (Lead::Ascii(a), Lead::Ascii(b)) if a != b => false,
            _ => same_text(line, self.text),
        }
    }
}

/// [`same_text`], character by character.
fn same_text_chars(a: &str, b: &str) -> bool {
    fn key(s: &str) -> impl Iterator<Item = char> + '_ {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
    }
    let mut x = key(a);
    let mut y = key(b);
    let mut any = false;
    loop {
        match (x.next(), y.next()) {
            (None, None) => return any,
            (Some(p), Some(q)) if p == q => any = true,
            _ => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_section_label_glued_before_the_page_headline_is_cut_off() {
        let page = "SignOnSanDiego.com > Sports -- Henin beats Ivanovic to reach the final\nHome\n";
        let lines = crate::segment::lines(page);
        let head = "Henin beats Ivanovic to reach the final";
        for (line, want) in [
            // One to three words of a section before the headline.
            ("Sports Henin beats Ivanovic to reach the final", head),
            (
                "Tennis Results Henin beats Ivanovic to reach the final",
                head,
            ),
            // The headline itself, a longer run of words, a name joined by a
            // mark, or other words: the line as printed.
            (head, head),
            (
                "Latest Tennis News Today Henin beats Ivanovic to reach the final",
                "Latest Tennis News Today Henin beats Ivanovic to reach the final",
            ),
            (
                "Tennis | Henin beats Ivanovic to reach the final",
                "Tennis | Henin beats Ivanovic to reach the final",
            ),
            (
                "Sports Henin beats Ivanovic in the final",
                "Sports Henin beats Ivanovic in the final",
            ),
        ] {
            assert_eq!(without_label(line, &lines), want, "{line}");
        }
    }

    #[test]
    fn the_record_title_loses_every_section_and_site_part() {
        let lines = crate::segment::lines("Phishers on the hunt\nPepsi to push its MP3 store\n");
        for (title, want) in [
            (
                "Jeremy Clarkson ripped off - Digital Lifestyle - Macworld UK",
                "Jeremy Clarkson ripped off",
            ),
            (
                "Snake saved after eating golf balls -- Page 1 -- Times Union",
                "Snake saved after eating golf balls",
            ),
            (
                "The Hindu : National : Buddhadeb caution on modernising markets",
                "Buddhadeb caution on modernising markets",
            ),
            (
                "Allardyce leaves Magpies - Football News | SPORTBOX.tv",
                "Allardyce leaves Magpies",
            ),
            // A tail after a colon is taken only when the page has it as a line.
            (
                "ABC News: Pepsi to push its MP3 store",
                "Pepsi to push its MP3 store",
            ),
            (
                "Reports: Taiwan opposition surges to a big lead",
                "Reports: Taiwan opposition surges to a big lead",
            ),
            // A part taken off the start must leave four words.
            (
                "Obama - McCain debate recap - CNN.com",
                "Obama - McCain debate recap",
            ),
            ("Plain headline", "Plain headline"),
            // One ` : ` ends a capitalised site name; in French it is a colon.
            (
                "India developing missiles to destroy ICBMs : India World",
                "India developing missiles to destroy ICBMs",
            ),
            (
                "Covid-19 et infox : le parcours d'une fausse information",
                "Covid-19 et infox : le parcours d'une fausse information",
            ),
        ] {
            assert_eq!(page_headline(title, &lines), want, "{title:?}");
        }
    }

    #[test]
    fn a_colon_title_gives_the_part_that_stands_nearer_the_article() {
        // `Site: Headline` with a one-word headline: both parts stand alone,
        // the site at the top, the headline over the article.
        let page = "The Fischbowl: Backwards!\nThe Fischbowl\nSunday, October 28, 2012\nBackwards!\nI've read several items over the last weeks.\n";
        let lines = crate::segment::lines(page);
        assert_eq!(page_headline(lines[0].text, &lines), "Backwards!");
        // Without the site standing alone, a tail of one word is no headline.
        let page = "The Fischbowl: Backwards!\nSunday, October 28, 2012\nBackwards!\n";
        let lines = crate::segment::lines(page);
        assert_eq!(
            page_headline(lines[0].text, &lines),
            "The Fischbowl: Backwards!"
        );
        // `Headline: Site`: the headline stands lower than the site name.
        let page = "Preview of my keynote at the summit: Church of the Customer Blog\nChurch of the Customer Blog\nArchives\nPreview of my keynote at the summit\nNext week I speak in Las Vegas.\n";
        let lines = crate::segment::lines(page);
        assert_eq!(
            page_headline(lines[0].text, &lines),
            "Preview of my keynote at the summit"
        );
        // A label ending with a colon does not stand for the tail.
        let page = "Charlie Wilson's War: film review\nCharlie Wilson's War\nFILM REVIEW:\n";
        let lines = crate::segment::lines(page);
        assert_eq!(
            page_headline(lines[0].text, &lines),
            "Charlie Wilson's War: film review"
        );
    }

    #[test]
    fn a_guillemet_parts_a_blog_title_but_not_a_french_quotation() {
        assert_eq!(
            headline_part("Paris Meetup and Upcoming Bootcamp « Scott H Young"),
            "Paris Meetup and Upcoming Bootcamp"
        );
        // A headline shorter than the blog's name is still the headline.
        assert_eq!(
            headline_part("Wheels Up…. « Joe McNally’s Blog"),
            "Wheels Up…."
        );
        for french in [
            "Macron : « Nous ne céderons rien »",
            "Le « grand débat » national est lancé",
        ] {
            assert_eq!(headline_part(french), french);
            assert_eq!(parts(french), vec![french]);
        }
    }

    #[test]
    fn menus_and_names_over_a_date_do_not_read_as_headlines() {
        for yes in [
            "Aspen die-off alarms foresters",
            "'Surge' makes annual banned-words list",
            "HITZFELD BEGINS SWISS TALKS",
            "2014 Acura RLX review",
        ] {
            assert!(reads_as_headline(yes), "{yes:?}");
        }
        for no in [
            "Home | News | Sport",
            "twitter // youtube // rss",
            "« Older post",
            "Press / Public Speaking",
            "a work in progress",
            "- Scottdale Top Local Sports",
            "Nation ASSOCIATED PRESS",
            "MICHAEL HARRIS Josh Pringle",
        ] {
            assert!(!reads_as_headline(no), "{no:?}");
        }
    }

    #[test]
    fn site_names_are_cut_from_either_end() {
        assert_eq!(
            headline_part("Lawan moves motion for adjournment - The Paradigm"),
            "Lawan moves motion for adjournment"
        );
        assert_eq!(
            headline_part("El Diario | El Gobierno aprueba la nueva ley de vivienda"),
            "El Gobierno aprueba la nueva ley de vivienda"
        );
        assert_eq!(
            headline_part("A - B - Politics - Example News"),
            "A - B - Politics"
        );
        assert_eq!(headline_part("Plain headline"), "Plain headline");
        assert_eq!(
            headline_part("TechNews Daily | Chipmaker unveils faster processor for laptops"),
            "Chipmaker unveils faster processor for laptops"
        );
        assert_eq!(
            parts("News | Mayor resigns after vote - City Paper"),
            vec!["Mayor resigns after vote"]
        );
    }

    #[test]
    fn same_text_ignores_case_spacing_and_punctuation() {
        assert!(same_text("Hello, World!", "hello world"));
        assert!(!same_text("Hello world", "Hello world again"));
        assert!(!same_text("", ""));
    }

    #[test]
    fn separators_are_found_where_find_and_rfind_find_them() {
        for t in [
            "A - B | C - D",
            "A || B | C",
            "A  -  B – C — D",
            "Site :: A · B » C",
            " - x - ",
            "no separator at all",
            "é – é — é",
        ] {
            let at = separators_in(t, SEPARATORS);
            for (sep, at) in SEPARATORS.iter().zip(at) {
                assert_eq!(at, t.find(sep).zip(t.rfind(sep)), "{t:?} {sep:?}");
            }
        }
    }

    #[test]
    fn targets_answer_as_same_text() {
        let parts = [
            "", "a", "A", "b", " ", "-", "é", "É", "\u{212a}", "k", "中", "1", "“",
        ];
        let texts: Vec<String> = parts
            .iter()
            .flat_map(|a| parts.iter().map(move |b| format!("{a}{b}x")))
            .collect();
        for t in &texts {
            let target = Target::new(t);
            for line in &texts {
                assert_eq!(
                    target.same(line, lead(line)),
                    same_text(line, t),
                    "{line:?} {t:?}"
                );
            }
        }
        assert_eq!(lead(" -- Abc"), Lead::Ascii(b'a'));
        assert_eq!(lead("“Abc"), Lead::Other);
    }

    #[test]
    fn same_text_by_bytes_agrees_with_characters() {
        let parts = [
            "", "a", "A", "b", " ", "-", "é", "É", "ß", "SS", "1", "\u{212a}", "k", "中",
        ];
        for a in parts {
            for b in parts {
                for c in parts {
                    let x = format!("{a}{b}{c}");
                    for y in [
                        format!("{c}{b}{a}"),
                        format!("{a}, {b} {c}"),
                        x.to_uppercase(),
                    ] {
                        assert_eq!(same_text(&x, &y), same_text_chars(&x, &y), "{x:?} {y:?}");
                    }
                }
            }
        }
    }
}
