//! Tests of the classifier: rules, the heuristic and the line model together.

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
fn the_headline_after_a_blog_name_and_colon_is_the_title_not_the_blog_name() {
    // `Blog: Headline`: the line with the blog's name stands first, the
    // headline over the article (no separator that `headline_part` cuts at).
    let text = format!(
        "Presentation Zen: Kyoto conference held this Sunday\nPresentation Zen\nSeptember 20, 2012\nKyoto conference held this Sunday\n{PROSE}\n{PROSE}\n"
    );
    let got = classify(&text);
    assert_eq!(got[0].1, signal::PAGE_TITLE_DUP, "{got:?}");
    assert_ne!(got[1].0, Class::Title, "{got:?}");
    assert_eq!(
        got[3],
        (Class::Title, signal::TITLE_REPEAT.to_string()),
        "{got:?}"
    );
    assert_eq!(got[4].0, Class::Body);
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
fn a_comment_head_with_one_marker_below_opens_the_thread() {
    // Two comments, so two markers: too few for a thread by markers alone.
    let reply = "I tried this in my town and the trams were full from the first day, so I hope the council sticks with it.";
    let text = format!(
        "Trams win the vote\n{PROSE}\n{PROSE}\n2 comments:\nAnna said...\n{reply}\nBen said...\n{reply}\n"
    );
    let got = classify(&text);
    assert_eq!(got[3], (Class::Trailer, "trailer.comments".to_string()));
    assert_eq!(got[4].1, "comments.says", "{got:?}");
    assert_eq!(got[5], (Class::Trailer, signal::COMMENTS.to_string()));
    assert_eq!(got[7], (Class::Trailer, signal::COMMENTS.to_string()));
    // Without the marker, the head alone starts no thread.
    let text = format!("Trams win the vote\n{PROSE}\n{PROSE}\n2 comments:\n{reply}\n");
    assert!(classify(&text).iter().all(|(_, r)| r != signal::COMMENTS));
}

#[test]
fn a_thread_signed_below_each_comment_starts_at_its_head() {
    // Movable Type: the section head, then each comment's text above its
    // `Posted by: … at …` signature.
    let reply = "I tried this in my town and the trams were full from the first day, so I hope the council sticks with it.";
    let mut thread = String::new();
    for (k, name) in ["Anna", "Ben", "Carla"].iter().enumerate() {
        thread.push_str(&format!(
            "{reply}\nPosted by: {name} at November 13, 2012 6:3{k} AM\n"
        ));
    }
    let text = format!("Trams win the vote\n{PROSE}\n{PROSE}\nComments\n{thread}");
    let got = classify(&text);
    assert_eq!(got[3], (Class::Trailer, "trailer.comments".to_string()));
    assert_eq!(got[5].1, "comments.posted-by", "{got:?}");
    // The first comment's text, above the first signature, is in the thread.
    assert_eq!(got[4], (Class::Trailer, signal::COMMENTS.to_string()));
    assert_eq!(got[6], (Class::Trailer, signal::COMMENTS.to_string()));
    assert!(got[1..3].iter().all(|(c, _)| *c == Class::Body), "{got:?}");
}

#[test]
fn a_headline_inside_the_best_span_cuts_off_a_menu_of_long_teasers_above() {
    // A mega-menu whose entries carry long excerpts outweighs the short post
    // below the repeated headline (less than a fifth of the best span).
    let teaser = format!("{PROSE} {PROSE} {PROSE} {PROSE} {PROSE} And there is more…");
    let text = format!(
        "Keeper letters from three founders | Hats\nHome\nConsulting {teaser}\nPodcast\nBooks {teaser}\nAsk Bob\nAbout {teaser}\nKeeper letters from three founders\nFor the past week I have been getting great advice from a newsletter about starting a business, with three long letters from founders. Highly recommended.\n"
    );
    let got = classify(&text);
    assert_eq!(got[7].0, Class::Title, "{got:?}");
    assert_eq!(got[8].0, Class::Body, "{got:?}");
    for teaser in [2, 4, 6] {
        assert_ne!(got[teaser].0, Class::Body, "{got:?}");
    }
}

#[test]
fn a_comment_count_above_the_article_opens_no_thread() {
    // A standfirst, a comment count and a share button, then the article:
    // the marker below comes after prose, so the count opens nothing.
    let text = format!(
        "Trams win the vote\nBy Jane Roe\n{PROSE}\n12 Comments\nTweet\n{PROSE}\n{PROSE}\nBen said...\n"
    );
    let got = classify(&text);
    assert!(got.iter().all(|(_, r)| r != signal::COMMENTS), "{got:?}");
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
fn the_headline_over_a_byline_or_date_wins_over_a_short_page_title() {
    // The page title is the site's name; the headline stands over the
    // byline (a role line under it) or over the date, whatever the title says.
    for stamp in [
        "By Doug Ferguson\nAP Golf Writer",
        "January 15, 2008 3:42 pm",
    ] {
        let text = format!(
            "Charleston Daily Mail\nHome\nNews\nSport\nSubscription Services\nFormer winner back on tour after a decade away\n{stamp}\n{PROSE}\n{PROSE}\n{PROSE}\n"
        );
        // With the line model and without it (the heuristic's article).
        for got in [classify_model(&text), classify(&text)] {
            assert_eq!(
                got[5],
                (Class::Title, signal::HEADLINE.to_string()),
                "{got:?}"
            );
            assert_eq!(got[0].1, signal::PAGE_TITLE_DUP, "{got:?}");
        }
    }
    // A menu over the date is no headline, nor a breadcrumb that ends with
    // the page title's words: the page title stays.
    for text in [
        format!(
            "Charleston Daily Mail\nHome\nNews\nHome | News | Sport | Weather\nJanuary 15, 2008\n{PROSE}\n{PROSE}\n{PROSE}\n"
        ),
        format!(
            "Pleiades over the lake - Adventure Astronomy\nHome\nNews\nHome Pictures Pleiades over the lake\nSeptember 17, 2019 Helmut Rubik\n{PROSE}\n{PROSE}\n{PROSE}\n"
        ),
    ] {
        let got = classify_model(&text);
        assert_eq!(got[0].0, Class::Title, "{got:?}");
    }
}

#[test]
fn a_page_title_not_shaped_like_a_headline_is_better_than_no_title() {
    // A question and an exclamation inside: not headline-shaped, yet the
    // page's only candidate.
    let text =
        format!("Startup idea stuck? Spend a buck!\nHome\nNews\n{PROSE}\n{PROSE}\n{PROSE}\n");
    let got = classify_model(&text);
    assert_eq!(
        got[0],
        (Class::Title, signal::PAGE_TITLE.to_string()),
        "{got:?}"
    );
    // A label that ends with a colon is not one.
    let text = format!("On Air Now:\nHome\nNews\n{PROSE}\n{PROSE}\n{PROSE}\n");
    let got = classify_model(&text);
    assert!(got.iter().all(|(c, _)| *c != Class::Title), "{got:?}");
}

/// A line model that keeps every line it decides: one leaf in each stage,
/// far above both thresholds.
fn keep_all_model() -> std::sync::Arc<LineModel> {
    let leaf = r#"[{"feature":[],"threshold":[],"left":[],"right":[],"value":[],"leaf":[20.0]}]"#;
    let file = format!(
        r#"{{"format":1,"trained":"test","stage1":{{"names":{},"trees":{leaf}}},"stage2":{{"names":{},"trees":{leaf}}},"threshold":0.5,"threshold_heuristic_body":0.5}}"#,
        serde_json::to_string(&context::NAMES.to_vec()).unwrap(),
        serde_json::to_string(&*context::NAMES2).unwrap(),
    );
    std::sync::Arc::new(LineModel::parse(&file).unwrap())
}

#[test]
fn a_page_title_the_model_keeps_is_the_title_when_a_menu_parts_it_from_the_article() {
    let c = Classifier::new(RuleSet::builtin().unwrap()).with_model(Some(keep_all_model()));
    let run = |text: &str| -> Vec<(Class, String)> {
        c.classify(&segment::lines(text))
            .into_iter()
            .map(|d| (d.class, d.reason.into_owned()))
            .collect()
    };
    let got = run(&format!(
        "Startup idea stuck? Spend a buck!\nHome\nNews\n{PROSE}\n{PROSE}\n"
    ));
    assert_eq!(
        got[0],
        (Class::Title, signal::PAGE_TITLE.to_string()),
        "{got:?}"
    );
    // A first line that runs on into the article is its first paragraph.
    let got = run(&format!(
        "Startup idea stuck? Spend a buck!\n{PROSE}\n{PROSE}\n"
    ));
    assert_eq!(got[0].0, Class::Body, "{got:?}");
    // With no article after the menu, the line is all the body there is.
    let got = run("Startup idea stuck? Spend a buck!\nHome\nSearch\n");
    assert_eq!(got[0].0, Class::Body, "{got:?}");
}

#[test]
fn a_page_title_that_a_line_starts_with_stays_the_headline() {
    // The page title is the headline (a line of the page starts with it):
    // the deck over the date does not take its place.
    let text = format!(
        "Seattle quarterback beats the media blitz\nHome\nSports\nSeattle quarterback beats the media blitz 7-Day Sports index\nHasselbeck tackles the question before it is asked\nTuesday, January 8, 2008 3:20 AM\n{PROSE}\n{PROSE}\n{PROSE}\n"
    );
    let got = classify_model(&text);
    assert_eq!(got[0].0, Class::Title, "{got:?}");
    assert!(
        got.iter().filter(|(c, _)| *c == Class::Title).count() == 1,
        "{got:?}"
    );
}

#[test]
fn a_headline_the_article_echoes_wins_over_a_page_title_it_does_not() {
    // The page title names the site; the line right above the body names
    // what the article is about (`council`, `tram`, `network`).
    let page = |title: &str, headline: &str| {
        format!("{title}\nHome\nNews\nSport\n{headline}\n{PROSE}\n{PROSE}\n{PROSE}\n")
    };
    let text = page(
        "Harbour Evening Gazette Online",
        "Council approves a larger tram network",
    );
    for got in [classify_model(&text), classify(&text)] {
        assert_eq!(
            got[4],
            (Class::Title, signal::HEADLINE.to_string()),
            "{got:?}"
        );
        assert_eq!(got[0].1, signal::PAGE_TITLE_DUP, "{got:?}");
    }
    // The page title stays when the article echoes it, or when it echoes
    // too little of the line above it.
    for text in [
        page(
            "Tram network vote - Harbour Evening Gazette",
            "Council approves a larger tram network",
        ),
        page(
            "Harbour Evening Gazette Online",
            "Weekend weather brings snow to the hills",
        ),
    ] {
        let got = classify_model(&text);
        assert_eq!(got[0].0, Class::Title, "{got:?}");
        assert_ne!(got[4].0, Class::Title, "{got:?}");
    }
}

#[test]
fn the_record_title_drops_a_section_label_before_the_page_headline() {
    // The headline line repeats the page title's headline after a section
    // label (`Sports`): the record's title is the headline alone.
    let text = format!(
        "Daily Courier > Sports -- Henin beats Ivanovic to reach the final\nHome\nNews\nSports Henin beats Ivanovic to reach the final\n{PROSE}\n{PROSE}\n{PROSE}\n"
    );
    let rec = crate::Cleaner::builder()
        .build()
        .unwrap()
        .clean(text.as_str())
        .unwrap();
    assert_eq!(
        rec.title, "Henin beats Ivanovic to reach the final",
        "{rec:?}"
    );
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

#[test]
fn a_page_glued_into_one_line_is_not_left_to_the_model() {
    let c = Classifier::new(RuleSet::builtin().unwrap());
    let glued = PROSE.repeat(10);
    // The glued line holds nearly all the page's words: the model may not
    // drop it (a whole-line decision would drop the article with it).
    let text = format!("Trams win the vote\nHome\n{glued}\nShare this article\n");
    let lines = segment::lines(&text);
    let rows = c.feature_rows(&lines);
    let r = rows.idx.iter().position(|&i| i == 2).unwrap();
    assert!(!rows.free[r], "{:?}", rows.free);
    let got = classify_model(&text);
    assert_eq!(got[2].0, Class::Body, "{got:?}");
    // The same line among as many words of other prose is the model's again.
    let prose = format!("{PROSE}\n").repeat(12);
    let text = format!("Trams win the vote\n{prose}{glued}\n");
    let lines = segment::lines(&text);
    let rows = c.feature_rows(&lines);
    let r = rows.idx.iter().position(|&i| i == 13).unwrap();
    assert!(rows.free[r], "{:?}", rows.free);
}

#[test]
fn a_story_runs_to_its_credit_line() {
    let decisions = |classes: &[Class]| -> Vec<Decision> {
        classes.iter().map(|&c| Decision::new(c, "x")).collect()
    };
    use Class::{Body, Boilerplate, Credit, Trailer};
    let idx = [0, 1, 2, 3, 4];
    let free = [true, true, true, false, true];
    // The model cut the story's last paragraph: it is taken back.
    let heuristic = decisions(&[Body, Body, Body, Credit, Trailer]);
    let mut body = [true, true, false, false, false];
    assert_eq!(run_to_credit(&idx, &free, &heuristic, &mut body), vec![2]);
    assert_eq!(body, [true, true, true, false, false]);
    // A line the heuristic did not have as article blocks the way back.
    let heuristic = decisions(&[Body, Boilerplate, Body, Credit, Trailer]);
    let mut body = [true, false, false, false, false];
    assert!(run_to_credit(&idx, &free, &heuristic, &mut body).is_empty());
    assert_eq!(body, [true, false, false, false, false]);
    // No credit line within reach: nothing changes.
    let heuristic = decisions(&[Body; 5]);
    assert!(run_to_credit(&idx, &free, &heuristic, &mut body).is_empty());
    assert_eq!(body, [true, false, false, false, false]);
}

#[test]
fn a_model_that_keeps_no_paragraph_of_the_heuristics_article_gives_way() {
    let c = Classifier::new(RuleSet::builtin().unwrap());
    let text = format!("Trams win the vote\nHome\n{PROSE}\n{PROSE}\n");
    let lines = segment::lines(&text);
    let (infos, _) = c.measure(&lines, false);
    let idx = [0, 1, 2, 3];
    let free = [true; 4];
    let decisions = |classes: &[Class]| -> Vec<Decision> {
        classes.iter().map(|&c| Decision::new(c, "x")).collect()
    };
    use Class::{Body, Boilerplate, Title};
    let heuristic = decisions(&[Title, Boilerplate, Body, Body]);
    let keeps =
        |body: &[bool], heuristic: &[Decision]| keeps_prose((&idx, &free, body), heuristic, &infos);
    // Only the headline, or nothing: the heuristic's article stands.
    assert!(!keeps(&[true, false, false, false], &heuristic));
    assert!(!keeps(&[false; 4], &heuristic));
    // One paragraph of the article is enough.
    assert!(keeps(&[true, false, false, true], &heuristic));
    // A paragraph the heuristic decided outright (not the model's) counts.
    let fixed = [true, true, false, true];
    assert!(keeps_prose(
        (&idx, &fixed, &[true, false, false, false]),
        &heuristic,
        &infos
    ));
    // A heuristic article without a paragraph asks for none.
    let no_prose = decisions(&[Title, Body, Boilerplate, Boilerplate]);
    assert!(keeps(&[true, false, false, false], &no_prose));
}

#[test]
fn kept_first_stage_columns_give_the_refilled_probabilities_bit_for_bit() {
    let c = Classifier::new(RuleSet::builtin().unwrap());
    let model = c.model.clone().unwrap();
    // A long page of prose and short lines, and sample pages.
    let long: String = (0..45)
        .map(|i| format!("{PROSE} ({i})\nThe river walk, part {i}\n"))
        .collect();
    let mut most = 0;
    for text in [
        long.as_str(),
        include_str!("../../samples/ballpark-blog-thread-en.txt"),
        include_str!("../../samples/seoul-ko.txt"),
    ] {
        let lines = segment::lines(text);
        let (infos, lang) = c.measure(&lines, true);
        let h = c.heuristic(&lines, &infos, lang);
        c.with_rows(&lines, (&infos, &h, lang, None), |rows| {
            let free = free_rows(rows.lines(), &h.decisions, &infos);
            most = most.max(free.iter().filter(|&&f| f).count());
            let bits = |(a, b): (Vec<f32>, Vec<f32>)| {
                let v: Vec<u32> = a.iter().chain(&b).map(|x| x.to_bits()).collect();
                v
            };
            let kept = bits(model.probabilities_kept(rows, &free));
            assert_eq!(kept, bits(model.probabilities_refilled(rows, &free)));
            assert!(kept.iter().any(|&x| x != 0));
        });
    }
    // Several batches of rows, the last one part full.
    assert!(
        most > 2 * model::LANES && most % model::LANES != 0,
        "{most}"
    );
}

#[test]
fn rows_made_for_the_lines_the_model_decides_are_the_full_rows() {
    let c = Classifier::new(RuleSet::builtin().unwrap());
    let model = c.model.clone().unwrap();
    for text in [
        include_str!("../../samples/ballpark-blog-thread-en.txt"),
        include_str!("../../samples/seoul-ko.txt"),
        include_str!("../../samples/reuters-azerbaijan.txt"),
    ] {
        let lines = segment::lines(text);
        let (infos, lang) = c.measure(&lines, true);
        let h = c.heuristic(&lines, &infos, lang);
        let decides = free_lines(&h.decisions, &infos);
        let (idx, full, probabilities) = c.with_rows(&lines, (&infos, &h, lang, None), |rows| {
            let free = free_rows(rows.lines(), &h.decisions, &infos);
            (
                rows.lines().to_vec(),
                rows.all(),
                model.probabilities(rows, &free),
            )
        });
        let (part, part_probabilities) =
            c.with_rows(&lines, (&infos, &h, lang, Some(&decides)), |rows| {
                let free = free_rows(rows.lines(), &h.decisions, &infos);
                (rows.all(), model.probabilities(rows, &free))
            });
        let bits = |row: &context::Row| row.map(f32::to_bits);
        let mut long_undecided = 0;
        for (r, &i) in idx.iter().enumerate() {
            if decides[i] {
                assert_eq!(
                    bits(&full[r]),
                    bits(&part[r]),
                    "line {i}: {:?}",
                    lines[i].text
                );
            } else {
                long_undecided += usize::from(infos[i].f.words > context::STAMP_WORDS);
            }
        }
        // The stamps around each row (read from every row) are the same.
        let stamps = context::NAMES
            .iter()
            .position(|n| *n == "stamps_before")
            .unwrap();
        for r in 0..idx.len() {
            assert_eq!(full[r][stamps], part[r][stamps]);
        }
        assert_eq!(probabilities, part_probabilities);
        assert!(long_undecided > 0 || text.len() < 2000);
    }
}

#[test]
fn remembered_lines_are_measured_and_matched_as_fresh_ones() {
    let c = Classifier::new(RuleSet::builtin().unwrap());
    // Pages that repeat lines within themselves and one another.
    let pages = [
        include_str!("../../samples/ballpark-blog-thread-en.txt"),
        include_str!("../../samples/reuters-azerbaijan.txt"),
        include_str!("../../samples/seoul-ko.txt"),
        include_str!("../../samples/ballpark-blog-thread-en.txt"),
    ];
    let mut remembered = 0;
    for text in pages {
        let lines = segment::lines(text);
        for all in [false, true] {
            let fresh = memo::without(|| c.measure(&lines, all));
            // Twice: the second time every short line is in the memo.
            for _ in 0..2 {
                assert_eq!(c.measure(&lines, all), fresh);
            }
            memo::with(c.rules.id(), |m| {
                let m = m.unwrap();
                remembered += lines.iter().filter(|l| m.get(l.text).is_some()).count();
            });
        }
    }
    assert!(remembered > 100, "{remembered}");
}

#[test]
fn a_memo_answers_only_for_the_rule_set_it_was_made_for() {
    let line = "Share this article";
    let lines = segment::lines(line);
    let builtin = Classifier::new(RuleSet::builtin().unwrap());
    let none = Classifier::new(RuleSet::compile(Vec::new()).unwrap());
    for _ in 0..2 {
        assert!(builtin.measure(&lines, false).0[0].rule.is_some());
        assert_eq!(none.measure(&lines, false).0[0].rule, None);
    }
}
