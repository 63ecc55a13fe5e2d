use super::*;
use crate::report::{ActorStats, SentimentStats, UnitRef};

#[test]
fn escape_neutralises_markup() {
    assert_eq!(
        escape("<script>alert('x')</script>"),
        "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"
    );
    assert_eq!(escape("Tom & \"Jerry\""), "Tom &amp; &quot;Jerry&quot;");
    // Already-escaped text is escaped again, not trusted.
    assert_eq!(escape("&amp;"), "&amp;amp;");
    assert_eq!(escape("plain ünïcode"), "plain ünïcode");
}

fn actor(code: &str, pro: usize, anti: usize, none: usize) -> ActorStats {
    let n = pro + anti + none;
    let share = |k: usize| k as f64 / n as f64;
    ActorStats {
        actor: code.into(),
        pro,
        anti,
        none,
        pro_share: share(pro),
        anti_share: share(anti),
        none_share: share(none),
        pro_ci: crate::report::wilson(pro, n),
        anti_ci: crate::report::wilson(anti, n),
        none_ci: crate::report::wilson(none, n),
        net: share(pro) - share(anti),
        net_ci: Some(crate::report::net_interval(pro, anti, n)),
        mentioned: Some(3),
        strongest_pro: (pro > 0).then(|| UnitRef {
            unit_id: "c<1>".into(),
            p: 0.9,
            excerpt: "<script>alert(1)</script> & more".into(),
            context: None,
        }),
        strongest_anti: None,
        method: None,
        rates: None,
    }
}

fn report(actors: Vec<ActorStats>, sentiment: Option<SentimentStats>) -> Vec<ArticleReport> {
    let (source, part) = ("predicted".into(), "comments".into());
    let sections = vec![Section {
        source,
        part,
        units: 4,
        actors,
        sentiment,
        estimate: None,
    }];
    let doc_id = "d\"1<b>".into();
    vec![ArticleReport {
        doc_id,
        title: Some("Ties <grow> & deepen".into()),
        sections,
        headline: Vec::new(),
        compared: Vec::new(),
    }]
}

#[test]
fn hand_built_report_has_hooks_and_no_raw_markup() {
    let sentiment = SentimentStats {
        positive: 1,
        negative: 2,
        neutral: 1,
        positive_share: 0.25,
        negative_share: 0.5,
        neutral_share: 0.25,
    };
    let actors = vec![actor("PAK", 1, 2, 1), actor("RUS", 0, 0, 4)];
    let html = render_html(&report(actors, Some(sentiment)));
    assert!(html.contains("<h2 class=\"headline\">Ties &lt;grow&gt; &amp; deepen</h2>"));
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert_eq!(html.matches("<section class=\"article\"").count(), 1);
    for want in [
        "data-doc-id=\"d&quot;1&lt;b&gt;\"",
        "<svg class=\"chart stance\" data-source=\"predicted\" data-part=\"comments\"",
        "<svg class=\"chart sentiment\" data-source=\"predicted\"",
        "<rect class=\"bar pro\" data-actor=\"PAK\" data-share=\"0.250\"",
        "<rect class=\"bar anti\" data-actor=\"PAK\" data-share=\"0.500\"",
        // Zero shares still get a (zero-width) bar: every actor has both hooks.
        "<rect class=\"bar pro\" data-actor=\"RUS\" data-share=\"0.000\"",
        "<rect class=\"seg negative\" data-share=\"0.500\" data-count=\"2\"",
        "<td class=\"anti-share\" data-value=\"0.500\" data-lo=",
        "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more",
        "data-unit-id=\"c&lt;1&gt;\"",
    ] {
        assert!(html.contains(want), "{want}");
    }
    // Our one script, no other, and no external resource of any kind.
    assert_eq!(html.matches("<script").count(), 1);
    assert!(html.contains(&format!("<script>{}</script>", script::SCRIPT)));
    let bare = html.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
    for external in ["http:", "https:", "url(", "@import", "src="] {
        assert!(!bare.contains(external), "{external}");
    }
    assert!(!html.contains("\"NaN\"") && !html.contains("\"inf\""));
}

#[test]
fn degenerate_numbers_still_draw_inside_the_chart() {
    let mut a = actor("PAK", 1, 0, 0);
    a.pro_share = f64::NAN;
    a.anti_share = 7.0;
    let html = render_html(&report(vec![a], None));
    let (half, bar) = (charts::HALF, charts::BAR);
    assert!(html.contains(&format!("width=\"{half:.1}\" height=\"{bar}\"")));
    assert!(html.contains("<svg class=\"chart sentiment empty\""));
}

#[test]
fn quotes_highlight_the_mention_and_stay_escaped() {
    let mut a = actor("PAK", 1, 0, 0);
    let text = "<b>x</b> said Pakistan & \u{202e}more";
    let start = text.find("Pakistan").unwrap();
    a.strongest_pro.as_mut().unwrap().context = Some(crate::report::context::Context {
        text: text.into(),
        mention: [start, start + "Pakistan".len()],
    });
    let html = render_html(&report(vec![a], None));
    assert!(
        html.contains("<q>&lt;b&gt;x&lt;/b&gt; said <mark>Pakistan</mark> &amp; \\u{202e}more</q>"),
        "{html}"
    );
    // A span that does not fit the text falls back to the excerpt.
    let mut a = actor("PAK", 1, 0, 0);
    a.strongest_pro.as_mut().unwrap().context = Some(crate::report::context::Context {
        text: "short".into(),
        mention: [2, 99],
    });
    let html = render_html(&report(vec![a], None));
    assert!(html.contains("<q>&lt;script&gt;alert(1)&lt;/script&gt; &amp; more</q>"));
}

#[test]
fn compared_units_get_marks_and_a_labelled_headline_its_verdict() {
    use crate::labels::Stance;
    use crate::report::{Compared, ComparedActor, HeadlineStance};
    let mut r = report(vec![actor("PAK", 1, 2, 1)], None);
    let pair = |predicted, labelled| ComparedActor {
        actor: "PAK".into(),
        predicted,
        p: 0.8,
        labelled,
    };
    r[0].compared = vec![
        Compared {
            unit_id: "c<1>".into(),
            part: "comments".into(),
            excerpt: "x".into(),
            actors: vec![pair(Stance::Pro, Stance::Pro)],
        },
        Compared {
            unit_id: "c2".into(),
            part: "comments".into(),
            excerpt: "y".into(),
            actors: vec![pair(Stance::Anti, Stance::None)],
        },
    ];
    r[0].headline = vec![HeadlineStance {
        actor: "PAK".into(),
        predicted: Some(Stance::Pro),
        p: Some(0.71),
        labelled: Some(Stance::None),
    }];
    let html = render_html(&r);
    assert!(html.contains("data-pairs=\"2\" data-agree=\"1\""));
    assert!(html.contains("1 of 2 (50%)"));
    assert!(html.contains("data-predicted=\"pro\" data-labelled=\"pro\""));
    assert!(html.contains(">✗ anti → none</td>"));
    assert!(html.contains("data-agree=\"1\" data-pairs=\"2\">1/2</td>"));
    // The strongest pro quote is c<1>, labelled pro: marked as agreeing.
    assert!(html.contains("<span class=\"agree yes\" data-labelled=\"pro\">✓ labelled pro</span>"));
    assert!(html.contains("The headline itself: <span class=\"tag pro\" data-actor=\"PAK\""));
    assert!(
        html.contains(
            "(0.71) <span class=\"agree no\" data-labelled=\"none\">✗ labelled none</span>"
        )
    );
}

#[test]
fn without_a_card_the_page_says_not_recorded_and_collapses_by_count() {
    let mut r = report(vec![actor("PAK", 1, 2, 1)], None);
    r[0].sections[0].estimate = Some(crate::report::ShareMethod {
        method: crate::report::quantify::Method::Cc,
        requested: crate::report::quantify::Method::Cc,
        intervals: "wilson".into(),
        rounds: None,
        seed: None,
        labelled_pairs: 0,
        measured: None,
        note: None,
        model: None,
    });
    let html = render_html(&r);
    assert!(
        html.contains("<dd data-field=\"name\"><span class=\"unknown\">not recorded</span></dd>")
    );
    assert!(html.contains("<dd data-field=\"method-error\">not measured"));
    assert!(html.contains("<details class=\"body\" open>"));
    let page = Page {
        card: None,
        collapse_above: 0,
    };
    let html = render_page(&r, &page);
    assert!(html.contains("<details class=\"body\"><summary>"));
    // Label-only: no card to show, and it says why.
    r[0].sections[0].source = "labelled".into();
    r[0].sections[0].estimate = None;
    let html = render_html(&r);
    assert!(html.contains("No predictions in this report"));
}

#[test]
fn numbers_for_reading() {
    assert_eq!(signed(0.041), "+0.04");
    assert_eq!(signed(-0.2), "−0.20");
    assert_eq!(signed(-0.001), "0.00");
    assert_eq!(thousands(21009), "21,009");
    assert_eq!(thousands(999), "999");
    assert_eq!(thousands(1_234_567), "1,234,567");
}
