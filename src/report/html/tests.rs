use super::*;
use crate::report::UnitRef;

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
        mentioned: Some(3),
        strongest_pro: (pro > 0).then(|| UnitRef {
            unit_id: "c<1>".into(),
            p: 0.9,
            excerpt: "<script>alert(1)</script> & more".into(),
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
    assert!(html.contains("<p class=\"headline\">Ties &lt;grow&gt; &amp; deepen</p>"));
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
        "<td class=\"anti-share\" data-value=\"0.500\">50%</td>",
        "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more",
        "data-unit-id=\"c&lt;1&gt;\"",
    ] {
        assert!(html.contains(want), "{want}");
    }
    // No script, no external resource of any kind.
    assert!(!html.contains("<script"));
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
    assert!(html.contains(&format!("width=\"{:.1}\" height=\"{BAR}\"", HALF)));
    assert!(html.contains("<svg class=\"chart sentiment empty\""));
}
