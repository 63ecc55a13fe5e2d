//! End-to-end: the HTML report, rendered by a real browser, shows what the
//! JSON report says. Chromium's `--dump-dom` gives the DOM after parsing, so
//! an escaping mistake or malformed markup shows up as missing or extra
//! elements rather than passing a string search on our own output.
//!
//! Without Chromium the browser half is skipped with a note, unless
//! STANCE_REQUIRE_CHROMIUM=1 (as in CI), where a missing browser is a failure.
//!
//! Screenshots at 1280 and 1920 px go to `target/tmp/report-*.png` for a
//! person to look at; the README's `docs/report.png` is one of them.
//! `tests/report_page.rs` checks the page's content without a browser.

mod common;
mod dom;

use common::*;
use dom::*;
use serde_json::Value;

/// The page's tags grouped by article section, in order.
fn articles(tags: &[Tag]) -> Vec<(&Tag, &[Tag])> {
    let starts: Vec<usize> = (0..tags.len())
        .filter(|&i| tags[i].name == "section" && tags[i].has_class("article"))
        .collect();
    starts
        .iter()
        .enumerate()
        .map(|(j, &s)| {
            let end = starts.get(j + 1).copied().unwrap_or(tags.len());
            (&tags[s], &tags[s + 1..end])
        })
        .collect()
}

fn f3(v: &Value) -> String {
    format!("{:.3}", v.as_f64().expect("a number"))
}

/// Index of the chart `svg.chart.<kind>` for a section, by its hooks.
fn chart(inner: &[Tag], kind: &str, source: &str, part: &str) -> usize {
    inner
        .iter()
        .position(|t| {
            t.name == "svg"
                && t.has_class("chart")
                && t.has_class(kind)
                && t.get("data-source") == Some(source)
                && t.get("data-part") == Some(part)
        })
        .unwrap_or_else(|| panic!("no {kind} chart for {source} {part}"))
}

/// Every article, section, actor share and sentiment share of the JSON
/// report is in the page's hooks, to three decimals.
fn check_against_json(html: &str, json: &Value) {
    let tags = tags(html);
    // Our sorting script and nothing else.
    assert_eq!(tags.iter().filter(|t| t.name == "script").count(), 1);
    let arts = articles(&tags);
    let reports = json.as_array().unwrap();
    assert_eq!(arts.len(), reports.len(), "one section per article");
    for ((section, inner), r) in arts.iter().zip(reports) {
        assert_eq!(section.get("data-doc-id"), r["doc_id"].as_str());
        for s in r["sections"].as_array().unwrap() {
            let (source, part) = (s["source"].as_str().unwrap(), s["part"].as_str().unwrap());
            let at = chart(inner, "stance", source, part);
            let bars: Vec<&Tag> = inner[at + 1..]
                .iter()
                .take_while(|t| t.name != "svg")
                .filter(|t| t.name == "rect" && t.has_class("bar"))
                .collect();
            let actors = s["actors"].as_array().unwrap();
            assert_eq!(bars.len(), 2 * actors.len(), "{source} {part}");
            for a in actors {
                let code = a["actor"].as_str().unwrap();
                for side in ["pro", "anti"] {
                    let bar = bars
                        .iter()
                        .find(|t| t.has_class(side) && t.get("data-actor") == Some(code))
                        .unwrap_or_else(|| panic!("no {side} bar for {code}"));
                    let want = f3(&a[format!("{side}_share")]);
                    assert_eq!(bar.get("data-share"), Some(want.as_str()), "{code} {side}");
                    let cell = inner
                        .iter()
                        .skip_while(|t| {
                            !(t.name == "table"
                                && t.get("data-source") == Some(source)
                                && t.get("data-part") == Some(part))
                        })
                        .skip_while(|t| !(t.name == "tr" && t.get("data-actor") == Some(code)))
                        .find(|t| t.name == "td" && t.has_class(&format!("{side}-share")))
                        .unwrap_or_else(|| panic!("no {side}-share cell for {code}"));
                    assert_eq!(cell.get("data-value"), Some(want.as_str()));
                }
            }
            let at = chart(inner, "sentiment", source, part);
            if let Some(sent) = s["sentiment"].as_object() {
                for name in ["positive", "neutral", "negative"] {
                    let seg = inner[at + 1..]
                        .iter()
                        .take_while(|t| t.name != "svg")
                        .find(|t| t.name == "rect" && t.has_class("seg") && t.has_class(name))
                        .unwrap_or_else(|| panic!("no {name} segment"));
                    let want = f3(&sent[&format!("{name}_share")]);
                    assert_eq!(seg.get("data-share"), Some(want.as_str()), "{name}");
                    assert_eq!(seg.get("data-count"), Some(sent[name].to_string().as_str()));
                }
            }
        }
    }
    check_overview(&tags, json);
}

/// The overview has a row per article and section view, and a cell per
/// actor holding the section's net stance.
fn check_overview(tags: &[Tag], json: &Value) {
    for r in json.as_array().unwrap() {
        for s in r["sections"].as_array().unwrap() {
            let (source, part) = (s["source"].as_str().unwrap(), s["part"].as_str().unwrap());
            let row = tags
                .iter()
                .skip_while(|t| {
                    !(t.name == "table"
                        && t.has_class("overview")
                        && t.get("data-source") == Some(source)
                        && t.get("data-part") == Some(part))
                })
                .skip_while(|t| !(t.name == "tr" && t.get("data-doc-id") == r["doc_id"].as_str()));
            let cells: Vec<&Tag> = row
                .skip(1)
                .take_while(|t| t.name != "tr" && t.name != "table")
                .filter(|t| t.name == "td" && t.has_class("h"))
                .collect();
            let actors = s["actors"].as_array().unwrap();
            assert_eq!(cells.len(), actors.len(), "{source} {part} overview row");
            for (cell, a) in cells.iter().zip(actors) {
                assert_eq!(cell.get("data-actor"), a["actor"].as_str());
                assert_eq!(cell.get("data-net"), Some(f3(&a["net"]).as_str()));
                let ci = &a["net_ci"];
                assert_eq!(cell.get("data-lo"), Some(f3(&ci[0]).as_str()));
                assert_eq!(cell.get("data-hi"), Some(f3(&ci[1]).as_str()));
            }
        }
    }
}

#[test]
fn html_report_on_seeds_matches_json_in_a_real_browser() {
    let dir = tempfile::tempdir().unwrap();
    let o = stance(&["run", "seeds/", "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let json: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(json.as_array().unwrap().len(), 5);
    let (page, html) = seeds_page(dir.path());
    assert!(html.starts_with("<!DOCTYPE html>"));
    // Our own markup first, then the browser's view of it.
    check_against_json(&html, &json);
    let Some(bin) = require_chromium() else {
        return;
    };
    let dom = run_chromium(&bin, &dir.path().join("profile"), &["--dump-dom"], &page);
    assert!(
        dom.contains("<svg"),
        "no DOM dumped: {}",
        &dom[..dom.len().min(300)]
    );
    check_against_json(&dom, &json);
    // The page as people see it, at a laptop's and a desktop's width.
    let shots = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"));
    for width in [1280, 1920] {
        let shot = shots.join(format!("report-{width}.png"));
        let _ = std::fs::remove_file(&shot);
        let arg = format!("--screenshot={}", shot.display());
        let size = format!("--window-size={width},2000");
        run_chromium(
            &bin,
            &dir.path().join(format!("profile-{width}")),
            &[&arg, &size, "--hide-scrollbars"],
            &page,
        );
        let png = std::fs::read(&shot).expect("screenshot written");
        assert_eq!(png_size(&png), (width, 2000), "{}", shot.display());
        // A blank or broken render compresses to almost nothing.
        assert!(
            png.len() > 50_000,
            "{}: {} bytes",
            shot.display(),
            png.len()
        );
        eprintln!("screenshot: {}", shot.display());
    }
}

/// `stance run seeds/` as an HTML page in `dir`: its path and its text.
fn seeds_page(dir: &std::path::Path) -> (std::path::PathBuf, String) {
    let page = dir.join("report.html");
    let o = stance(&[
        "run",
        "seeds/",
        "--format",
        "html",
        "-o",
        page.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let html = std::fs::read_to_string(&page).unwrap();
    (page, html)
}

/// The sorting script runs under the page's Content-Security-Policy (its
/// hash matches) and sorts: a `#sort=` fragment sorts on load as a click
/// on the header would.
#[test]
fn overview_sorts_in_a_real_browser() {
    let dir = tempfile::tempdir().unwrap();
    let (page, html) = seeds_page(dir.path());
    // Column 2 of the paragraphs table is the first actor's (PAK) net.
    let nets = |page: &str| -> Vec<f64> {
        let tags = tags(page);
        tags.iter()
            .skip_while(|t| t.get("id") != Some("overview-1"))
            .take_while(|t| t.name != "details" && t.name != "section")
            .filter(|t| t.name == "td" && t.has_class("h") && t.get("data-actor") == Some("PAK"))
            .map(|t| t.get("data-net").unwrap().parse().unwrap())
            .collect()
    };
    let before = nets(&html);
    assert_eq!(before.len(), 5);
    let mut want = before.clone();
    want.sort_by(|a, b| b.total_cmp(a));
    assert_ne!(before, want, "already sorted: the test would prove nothing");
    let Some(bin) = require_chromium() else {
        return;
    };
    let url = format!("file://{}#sort=overview-1:2:desc", page.display());
    let dom = run_chromium_url(&bin, &dir.path().join("profile"), &["--dump-dom"], &url);
    let tags = tags(&dom);
    let root = tags.iter().find(|t| t.name == "html").unwrap();
    assert!(
        root.has_class("js"),
        "the script did not run (blocked by the CSP?)"
    );
    let th = tags
        .iter()
        .find(|t| t.name == "th" && t.get("data-actor") == Some("PAK"))
        .unwrap();
    assert_eq!(
        th.get("tabindex"),
        Some("0"),
        "headers are keyboard-sortable"
    );
    assert_eq!(nets(&dom), want);
    let sorted = tags
        .iter()
        .skip_while(|t| t.get("id") != Some("overview-1"))
        .find(|t| t.name == "th" && t.get("aria-sort").is_some())
        .unwrap();
    assert_eq!(
        (sorted.get("data-actor"), sorted.get("aria-sort")),
        (Some("PAK"), Some("descending"))
    );
}

#[test]
fn hostile_ids_and_text_stay_text_in_the_browser() {
    let dir = tempfile::tempdir().unwrap();
    let doc = "<script>alert(1)</script>&\"x'";
    let units = dir.path().join("hostile.jsonl");
    let line = |id: &str, text: &str| {
        serde_json::json!({"doc_id": doc, "unit_id": id, "kind": "comment", "text": text})
            .to_string()
    };
    let lines = [
        line(
            "<b>c1</b>",
            "Pakistan is great <img src=x onerror=alert(1)> & good",
        ),
        line("c2", "I hate India </q></li></ul><script>alert(2)</script>"),
    ];
    std::fs::write(&units, lines.join("\n") + "\n").unwrap();
    let page = dir.path().join("report.html");
    let o = stance(&[
        "run",
        units.to_str().unwrap(),
        "--format",
        "html",
        "-o",
        page.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let html = std::fs::read_to_string(&page).unwrap();
    // `-o -` writes the same page to stdout.
    let o = stance(&[
        "run",
        units.to_str().unwrap(),
        "--format",
        "html",
        "-o",
        "-",
    ]);
    assert_eq!(stdout(&o), html);
    let check = |page: &str| {
        let tags = tags(page);
        assert!(!tags.iter().any(|t| t.name == "img"), "<img> in page");
        // Only the page's own sorting script, none from the text.
        let scripts = tags.iter().filter(|t| t.name == "script").count();
        assert_eq!(scripts, 1, "injected <script> in page");
        let arts = articles(&tags);
        assert_eq!(arts.len(), 1);
        assert_eq!(arts[0].0.get("data-doc-id"), Some(doc));
    };
    check(&html);
    let Some(bin) = require_chromium() else {
        return;
    };
    check(&run_chromium(
        &bin,
        &dir.path().join("profile"),
        &["--dump-dom"],
        &page,
    ));
}
