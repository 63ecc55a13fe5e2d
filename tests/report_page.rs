//! The HTML report as an analyst uses it, from the command line: overview
//! first (net stance per article × actor, sortable), the model card and the
//! guide to every number, each article under its headline (collapsed when
//! there are many), quotes centred on the actor, predicted beside labelled
//! with per-unit agreement, and a file that grows linearly with the
//! articles. `tests/report_html.rs` renders the page in a real browser.

mod common;
mod dom;

use std::path::{Path, PathBuf};

use common::*;
use dom::*;
use serde_json::Value;

/// The five seed articles' label files (the store's other files label
/// documents outside seeds/).
const SEED_LABELS: [&str; 5] = [
    "labels/000_d5edc36da2d9ba8b.csv",
    "labels/001_83e1abe56069c214.csv",
    "labels/002_7e72c071a9cad5df.csv",
    "labels/003_634046a7062ad050.csv",
    "labels/004_2919847f946a5520.csv",
];

/// `stance run` on `inputs` with `extra` flags, as HTML and as JSON.
fn run(inputs: &[&str], extra: &[&str]) -> (String, Value) {
    let with = |format: &str| {
        let mut args = vec!["run"];
        args.extend(inputs);
        args.extend(extra);
        args.extend(["--format", format]);
        let o = stance(&args);
        assert!(o.status.success(), "{}", stderr(&o));
        stdout(&o)
    };
    (with("html"), serde_json::from_str(&with("json")).unwrap())
}

/// Raw inner HTML of the first element whose start tag begins with `open`,
/// up to `close`.
fn inner<'a>(html: &'a str, open: &str, close: &str) -> &'a str {
    let at = html.find(open).unwrap_or_else(|| panic!("no {open}"));
    let start = at + html[at..].find('>').unwrap() + 1;
    &html[start..start + html[start..].find(close).unwrap()]
}

/// `n` articles of identical shape (a headline, a paragraph, three
/// comments), ids of one width, as unit lines.
fn synthetic(dir: &Path, n: usize) -> PathBuf {
    let mut lines = String::new();
    for i in 0..n {
        let doc = format!("doc-{i:05}");
        for (unit, kind, text) in [
            (
                "title",
                "title",
                format!("Headline {i:05}: Pakistan and India talk trade"),
            ),
            (
                "p1",
                "paragraph",
                "Pakistan and India held talks on trade.".into(),
            ),
            ("c1", "comment", "I love Pakistan, a great friend.".into()),
            ("c2", "comment", "India is a terrible neighbour.".into()),
            ("c3", "comment", "Nothing to say about this.".into()),
        ] {
            let line =
                serde_json::json!({"doc_id": doc, "unit_id": unit, "kind": kind, "text": text});
            lines.push_str(&format!("{line}\n"));
        }
    }
    let path = dir.join(format!("articles-{n}.jsonl"));
    std::fs::write(&path, lines).unwrap();
    path
}

#[test]
fn articles_are_headed_by_their_headline_and_the_overview_comes_first() {
    let (html, json) = run(&["seeds/"], &[]);
    let overview = html.find("<section class=\"overview\"").expect("overview");
    let card = html.find("<section class=\"card\"").expect("model card");
    let first = html.find("<section class=\"article\"").expect("articles");
    assert!(
        overview < card && card < first,
        "overview, card, then articles"
    );
    for (i, r) in json.as_array().unwrap().iter().enumerate() {
        let at = html
            .find(&format!("<section class=\"article\" id=\"article-{i}\""))
            .unwrap();
        let heading = text_of(&html, at, "<h2 class=\"headline\"").unwrap();
        let title = r["title"].as_str().expect("seed articles have titles");
        assert_eq!(heading, title);
        assert_ne!(heading, r["doc_id"].as_str().unwrap(), "not the hash id");
        // The overview links the headline to the article.
        let link = format!(
            "<a href=\"#article-{i}\" title=\"{}\">",
            r["doc_id"].as_str().unwrap()
        );
        assert_eq!(text_of(&html, overview, &link).as_deref(), Some(title));
    }
    // Sortable overview: every column header but none marked sorted yet.
    let tags = tags(&html);
    let table = tags
        .iter()
        .position(|t| t.get("id") == Some("overview-0"))
        .unwrap();
    assert!(tags[table].has_class("sortable"));
    let heads: Vec<&Tag> = tags[table..]
        .iter()
        .take_while(|t| t.name != "tbody")
        .filter(|t| t.name == "th")
        .collect();
    assert_eq!(heads.len(), 2 + 6, "article, units and six actors");
    assert!(
        heads
            .iter()
            .all(|t| t.get("data-sort").is_some() && t.get("aria-sort").is_none())
    );
    // Heat classes follow the sign of the net stance.
    for t in tags.iter().filter(|t| t.name == "td" && t.has_class("h")) {
        let Some(net) = t.get("data-net").map(|v| v.parse::<f64>().unwrap()) else {
            continue;
        };
        let class = t.get("class").unwrap();
        let (lo, hi): (f64, f64) = (
            t.get("data-lo").unwrap().parse().unwrap(),
            t.get("data-hi").unwrap().parse().unwrap(),
        );
        // Hooks are rounded to three decimals: skip values at a boundary.
        let near = |x: f64, edge: f64| (x - edge).abs() < 0.001;
        if near(net.abs(), 0.05) || near(lo, 0.0) || near(hi, 0.0) {
            continue;
        }
        match net {
            n if n.abs() < 0.05 => assert!(class.contains("even"), "{class} {n}"),
            n if n > 0.0 => assert!(class.contains("pro"), "{class} {n}"),
            n => assert!(class.contains("anti"), "{class} {n}"),
        }
        assert!(lo <= net && net <= hi, "{lo} {net} {hi}");
        assert_eq!(class.contains(" ns"), lo <= 0.0 && hi >= 0.0, "{class}");
    }
    // The headline is reported on its own, counted in no section.
    assert!(html.contains("<p class=\"headline-stance\">The headline itself:"));
    assert!(json[0]["headline"].as_array().is_some_and(|h| h.len() == 6));
}

#[test]
fn the_model_card_says_what_the_model_and_registry_record() {
    let (html, _) = run(&["seeds/"], &[]);
    let registry: Value =
        serde_json::from_str(&std::fs::read_to_string("models/registry.json").unwrap()).unwrap();
    let name = registry["default"].as_str().unwrap();
    let entry = registry["models"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == name)
        .unwrap();
    let meta: Value =
        serde_json::from_str(&std::fs::read_to_string("models/default.meta.json").unwrap())
            .unwrap();
    let metrics: Value = serde_json::from_str(meta["metrics_json"].as_str().unwrap()).unwrap();
    let field = |k: &str| inner(&html, &format!("<dd data-field=\"{k}\""), "</dd>").to_string();
    assert_eq!(field("name"), name);
    assert_eq!(field("created"), entry["created"].as_str().unwrap());
    // The project's model (found from the checkout, so an absolute path).
    let file = field("file");
    assert!(file.ends_with("models/default.model</code>"), "{file}");
    assert!(field("kind").starts_with("logistic regression"));
    let training = field("training");
    assert!(training.contains("21,009 stance pairs"), "{training}");
    assert!(training.contains("newsmtsc (weight 0.3)"), "{training}");
    let validation = field("validation");
    let r = &metrics["report"];
    for want in [
        "on 2,118 held-out".to_string(),
        format!("<b>{:.3}</b>", r["f_avg"].as_f64().unwrap()),
        format!("accuracy {:.3}", r["accuracy"].as_f64().unwrap()),
        "intervals not recorded in the model".into(),
    ] {
        assert!(validation.contains(&want), "{want} in {validation}");
    }
    assert!(field("calibration").contains("temperature"));
    assert!(html.contains("<dd data-field=\"method\" data-method=\"cc\" data-requested=\"cc\" data-intervals=\"wilson\" data-mae=\"0."));
    assert!(field("method-error").contains("mean absolute error <b>0."));

    // A model outside any registry: what only the registry knows is "not
    // recorded", the rest still comes from the model file.
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("copy.model");
    std::fs::copy("models/default.model", &model).unwrap();
    let (html, _) = run(&["seeds/"], &["--model", model.to_str().unwrap()]);
    let field = |k: &str| inner(&html, &format!("<dd data-field=\"{k}\""), "</dd>").to_string();
    assert!(field("name").contains("not recorded"));
    assert!(field("created").contains("not recorded"));
    assert!(field("training").contains("21,009 stance pairs"));
}

#[test]
fn the_guide_explains_probabilities_and_what_intervals_include() {
    let (html, _) = run(&["seeds/"], &[]);
    let item = |k: &str| inner(&html, &format!("<li data-explains=\"{k}\""), "</li>").to_string();
    let p = item("probability");
    assert!(
        p.contains("(0.59)") && p.contains("calibrated probability"),
        "{p}"
    );
    assert!(p.contains("temperature T = "), "{p}");
    let i = item("intervals");
    assert!(i.contains("Wilson") && i.contains("Newcombe"), "{i}");
    assert!(i.contains("not the classifier's mistakes"), "{i}");
    assert!(item("colours").contains("blue (pro) and orange (anti)"));
    // Every quoted probability carries the explanation on hover too.
    assert!(
        html.contains("title=\"the model's calibrated probability that this unit is pro PAK\"")
    );

    let (html, json) = run(&["seeds/"], &["--method", "pacc", "--bootstrap", "50"]);
    let i = inner(&html, "<li data-explains=\"intervals\"", "</li>");
    assert!(
        i.contains("percentile bootstraps (50 rounds, seed 42)"),
        "{i}"
    );
    assert!(
        i.contains("labelled out-of-fold pairs the error rates come from"),
        "{i}"
    );
    assert!(i.contains("uncertainty of the error rates"), "{i}");
    assert!(
        html.contains("<dd data-field=\"method\" data-method=\"pacc\" data-requested=\"pacc\"")
    );
    // Every net stance has its interval, from the bootstrap's rounds.
    for s in json
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["sections"].as_array().unwrap())
    {
        for a in s["actors"].as_array().unwrap() {
            let (lo, hi) = (
                a["net_ci"][0].as_f64().unwrap(),
                a["net_ci"][1].as_f64().unwrap(),
            );
            assert!(-1.0 <= lo && lo <= hi && hi <= 1.0, "{a}");
        }
    }
}

#[test]
fn quotes_are_centred_on_the_actors_mention() {
    let (html, json) = run(&["seeds/"], &[]);
    let mut centred = 0;
    for s in json
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["sections"].as_array().unwrap())
    {
        for a in s["actors"].as_array().unwrap() {
            for side in ["strongest_pro", "strongest_anti"] {
                let Some(c) = a[side]["context"].as_object() else {
                    continue;
                };
                let text = c["text"].as_str().unwrap();
                let m: Vec<usize> = c["mention"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|x| x.as_u64().unwrap() as usize)
                    .collect();
                let mention = &text[m[0]..m[1]];
                assert!(!mention.is_empty(), "{c:?}");
                assert!(
                    text.chars().count() <= stance::report::CONTEXT_CHARS + 2,
                    "{text}"
                );
                assert!(
                    html.contains(&format!("<mark>{mention}</mark>")),
                    "{mention}"
                );
                centred += usize::from(text.starts_with('…'));
            }
        }
    }
    assert!(centred > 0, "some mention lies past the start of its unit");
}

#[test]
fn many_articles_start_collapsed_few_start_open() {
    let dir = tempfile::tempdir().unwrap();
    for (n, open) in [(20, true), (21, false)] {
        let units = synthetic(dir.path(), n);
        let (html, _) = run(&[units.to_str().unwrap()], &[]);
        let bodies = html.matches("<details class=\"body\"").count();
        let opened = html.matches("<details class=\"body\" open>").count();
        assert_eq!(bodies, n);
        assert_eq!(opened, if open { n } else { 0 }, "{n} articles");
        // The overview's first view is open either way, the others only
        // on a short page.
        let views: Vec<bool> = tags(&html)
            .iter()
            .filter(|t| t.name == "details" && t.has_class("view"))
            .map(|t| t.get("open").is_some())
            .collect();
        assert_eq!(views, [true, open], "{n} articles");
    }
}

#[test]
fn the_page_grows_linearly_with_the_articles() {
    let dir = tempfile::tempdir().unwrap();
    let size = |n: usize| {
        let units = synthetic(dir.path(), n);
        run(&[units.to_str().unwrap()], &[]).0.len() as f64
    };
    let (s30, s60, s120) = (size(30), size(60), size(120));
    // Each further article adds the same bytes: doubling the articles added
    // doubles the growth (ids and anchors gain a digit past 99: slack 3%).
    let growth = (s120 - s60) / (s60 - s30);
    assert!((1.97..=2.03).contains(&growth), "growth ratio {growth}");
    let ratio = s60 / s30;
    assert!(
        (1.8..=2.0).contains(&ratio),
        "size ratio {ratio}: {s30} → {s60}"
    );
}

#[test]
fn predicted_and_labelled_side_by_side_with_per_unit_agreement() {
    let (html, json) = run(&["seeds/"], &["--labels", SEED_LABELS[0]]);
    let art = &json[0];
    assert_eq!(art["doc_id"], "000_d5edc36da2d9ba8b");
    // The title is counted the same way in both: in neither part.
    let units = |source: &str, part: &str| {
        art["sections"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["source"] == source && s["part"] == part)
            .map(|s| s["units"].as_u64().unwrap())
    };
    assert_eq!(units("predicted", "paragraphs"), Some(16));
    assert_eq!(
        units("predicted", "paragraphs"),
        units("labelled", "paragraphs")
    );
    assert_eq!(
        units("predicted", "comments"),
        units("labelled", "comments")
    );
    // Every labelled row of a scored unit is compared.
    let rows = std::fs::read_to_string(SEED_LABELS[0])
        .unwrap()
        .lines()
        .count()
        - 1;
    let pairs: Vec<&Value> = art["compared"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["actors"].as_array().unwrap())
        .collect();
    assert_eq!(pairs.len(), rows);
    let agree = pairs
        .iter()
        .filter(|a| a["predicted"] == a["labelled"])
        .count();
    let tags = tags(&html);
    let summary = tags
        .iter()
        .find(|t| t.name == "details" && t.has_class("compare"))
        .unwrap();
    assert_eq!(summary.get("data-pairs"), Some(rows.to_string().as_str()));
    assert_eq!(summary.get("data-agree"), Some(agree.to_string().as_str()));
    let marks = |class: &str| {
        tags.iter()
            .filter(|t| t.name == "td" && t.has_class("mark") && t.has_class(class))
            .count()
    };
    assert_eq!((marks("yes"), marks("no")), (agree, rows - agree));
    // Quoted predictions say whether their hand label agrees.
    assert!(
        tags.iter()
            .any(|t| t.name == "span" && t.has_class("agree"))
    );
    // Side by side in one row per part, and a toggle that works without script.
    let pair = inner(
        &html,
        "<div class=\"pair\" data-part=\"comments\"",
        "<div class=\"pair\"",
    );
    assert!(
        pair.contains("data-source=\"predicted\"") && pair.contains("data-source=\"labelled\"")
    );
    for id in ["view-both", "view-predicted", "view-labelled"] {
        assert!(html.contains(&format!("<input type=\"radio\" name=\"view\" id=\"{id}\"")));
        assert!(html.contains(&format!("<label for=\"{id}\">")));
    }
    let css = inner(&html, "<style>", "</style>");
    let rule = "#view-predicted:checked~main [data-source=labelled],\
                #view-labelled:checked~main [data-source=predicted]{display:none}";
    assert!(css.contains(rule), "toggle rule");
    assert!(
        html.contains("flex-wrap:wrap"),
        "pairs wrap on narrow windows"
    );
}

#[test]
fn the_readme_shows_the_report_and_its_commands() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    assert!(
        readme.contains("![The HTML report"),
        "README shows the screenshot"
    );
    assert!(readme.contains("(docs/report.png)"));
    assert!(readme.contains("stance run seeds/ --format html -o report.html"));
    let png = std::fs::read(root().join("docs/report.png")).unwrap();
    assert!(
        png.len() < 300_000,
        "docs/report.png is {} bytes",
        png.len()
    );
    let (w, h) = png_size(&png);
    assert!(w == 1280 || w == 1920, "{w}×{h}");
}
