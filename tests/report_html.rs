//! End-to-end: the HTML report, rendered by a real browser, shows what the
//! JSON report says. Chromium's `--dump-dom` gives the DOM after parsing, so
//! an escaping mistake or malformed markup shows up as missing or extra
//! elements rather than passing a string search on our own output.
//!
//! Without Chromium the browser half is skipped with a note, unless
//! STANCE_REQUIRE_CHROMIUM=1 (as in CI), where a missing browser is a failure.

mod common;

use common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A start tag from the dumped DOM: name, attributes (entities decoded).
struct Tag {
    name: String,
    attrs: Vec<(String, String)>,
}

impl Tag {
    fn get(&self, k: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.as_str())
    }

    fn has_class(&self, c: &str) -> bool {
        self.get("class")
            .is_some_and(|v| v.split_whitespace().any(|x| x == c))
    }
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", "\u{a0}")
        .replace("&amp;", "&")
}

/// Start tags in document order. Enough of HTML for serialised DOMs and our
/// own output: comments and doctypes skipped, attribute values quoted or bare.
fn tags(html: &str) -> Vec<Tag> {
    let b = html.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(off) = html[i..].find('<') {
        i += off + 1;
        if html[i..].starts_with("!--") {
            i += html[i..].find("-->").map_or(html.len() - i, |e| e + 3);
            continue;
        }
        if i >= b.len() || !b[i].is_ascii_alphabetic() {
            continue;
        }
        let start = i;
        while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' && b[i] != b'/' {
            i += 1;
        }
        let mut tag = Tag {
            name: html[start..i].to_ascii_lowercase(),
            attrs: Vec::new(),
        };
        loop {
            while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
                i += 1;
            }
            if i >= b.len() || b[i] == b'>' {
                break;
            }
            let k0 = i;
            while i < b.len() && !b" \t\n\r=>/".contains(&b[i]) {
                i += 1;
            }
            let key = html[k0..i].to_ascii_lowercase();
            let mut value = String::new();
            if i < b.len() && b[i] == b'=' {
                i += 1;
                if i < b.len() && (b[i] == b'"' || b[i] == b'\'') {
                    let q = b[i] as char;
                    let end = html[i + 1..].find(q).map_or(html.len(), |e| i + 1 + e);
                    value = unescape(&html[i + 1..end]);
                    i = (end + 1).min(b.len());
                } else {
                    let v0 = i;
                    while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' {
                        i += 1;
                    }
                    value = unescape(&html[v0..i]);
                }
            }
            tag.attrs.push((key, value));
        }
        out.push(tag);
    }
    out
}

fn chromium() -> Option<PathBuf> {
    let on_path = std::env::var_os("PATH").and_then(|p| {
        std::env::split_paths(&p)
            .map(|d| d.join("chromium"))
            .find(|c| c.is_file())
    });
    on_path.or_else(|| {
        let p = PathBuf::from("/usr/bin/chromium");
        p.is_file().then_some(p)
    })
}

/// Chromium, or None after a skip note; panics when CI requires it.
fn require_chromium() -> Option<PathBuf> {
    let found = chromium();
    if found.is_none() {
        assert!(
            std::env::var("STANCE_REQUIRE_CHROMIUM").as_deref() != Ok("1"),
            "STANCE_REQUIRE_CHROMIUM=1 but no chromium on PATH or at /usr/bin/chromium"
        );
        eprintln!(
            "SKIPPING browser checks: chromium not installed \
             (apt-get install chromium, or set STANCE_REQUIRE_CHROMIUM=1 to fail instead)"
        );
    }
    found
}

/// Runs headless Chromium on a local file with a fresh profile and no
/// network features, killing it if it hangs; returns stdout.
fn run_chromium(bin: &Path, profile: &Path, extra: &[&str], page: &Path) -> String {
    let mut child = Command::new(bin)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(format!("file://{}", page.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start chromium");
    // Drain stdout on a thread so a large DOM cannot fill the pipe while we poll.
    let mut stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut stdout, &mut s).map(|_| s)
    });
    let deadline = Instant::now() + Duration::from_secs(120);
    let status = loop {
        if let Some(st) = child.try_wait().unwrap() {
            break st;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium did not finish within 120 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let out = reader.join().unwrap().expect("chromium stdout");
    assert!(status.success(), "chromium failed: {status}");
    out
}

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
    assert!(
        !tags.iter().any(|t| t.name == "script"),
        "script element in page"
    );
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
}

#[test]
fn html_report_on_seeds_matches_json_in_a_real_browser() {
    let dir = tempfile::tempdir().unwrap();
    let o = stance(&["run", "seeds/", "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let json: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(json.as_array().unwrap().len(), 5);
    let page = dir.path().join("report.html");
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
    let shot = dir.path().join("report.png");
    let arg = format!("--screenshot={}", shot.display());
    run_chromium(
        &bin,
        &dir.path().join("profile2"),
        &[&arg, "--window-size=1200,2000"],
        &page,
    );
    let png = std::fs::read(&shot).expect("screenshot written");
    assert!(
        png.len() > 10_000 && png.starts_with(b"\x89PNG"),
        "{} bytes",
        png.len()
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
        for bad in ["script", "img"] {
            assert!(!tags.iter().any(|t| t.name == bad), "<{bad}> in page");
        }
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
