//! End-to-end: `labels add`, `labels stats` and `agree` on temporary copies
//! of the shipped label store.

mod common;

use common::*;
use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

const D0: &str = "000_d5edc36da2d9ba8b";
const D2: &str = "002_7e72c071a9cad5df";
const D3: &str = "003_634046a7062ad050";
const HEADER: &str = "doc_id,unit_id,actor,stance,sentiment,note";

use common::seed_store_copy as store_copy;

/// Label rows and distinct units of the shipped store.
fn shipped_counts() -> (u64, u64) {
    let mut rows = 0;
    let mut units = std::collections::BTreeSet::new();
    for (name, bytes) in snapshot(&root().join("labels")) {
        if !name.ends_with(".csv") {
            continue;
        }
        for line in String::from_utf8(bytes).unwrap().lines().skip(1) {
            let f: Vec<&str> = line.split(',').collect();
            rows += 1;
            units.insert((f[0].to_string(), f[1].to_string()));
        }
    }
    (rows, units.len() as u64)
}

fn labels_of(dir: &tempfile::TempDir) -> String {
    dir.path().join("labels").display().to_string()
}

/// Removes the data lines of `file` that `drop` selects; returns them.
fn remove_lines(
    dir: &tempfile::TempDir,
    file: &str,
    drop: impl Fn(&[&str]) -> bool,
) -> Vec<String> {
    let path = dir.path().join("labels").join(file);
    let text = fs::read_to_string(&path).unwrap();
    // Line endings as they are: some shipped files use CRLF.
    let (mut keep, mut removed) = (String::new(), Vec::new());
    for (i, raw) in text.split_inclusive('\n').enumerate() {
        let line = raw.trim_end_matches(['\r', '\n']);
        let fields: Vec<&str> = line.split(',').collect();
        if i > 0 && drop(&fields) {
            removed.push(line.to_string());
        } else {
            keep.push_str(raw);
        }
    }
    fs::write(&path, keep).unwrap();
    removed
}

fn write_input(dir: &tempfile::TempDir, name: &str, header: &str, lines: &[String]) -> String {
    let p = dir.path().join(name);
    let mut text = format!("{header}\n");
    for l in lines {
        text.push_str(l);
        text.push('\n');
    }
    fs::write(&p, text).unwrap();
    p.display().to_string()
}

fn add(dir: &tempfile::TempDir, extra: &[&str]) -> std::process::Output {
    let labels = labels_of(dir);
    let mut args = vec!["labels", "add", "--labels", labels.as_str()];
    args.extend_from_slice(extra);
    stance(&args)
}

#[test]
fn removed_rows_added_back_restore_the_store_byte_for_byte() {
    let original = snapshot(&store_copy().path().join("labels"));
    let dir = store_copy();
    // Whole units with quoted notes, part of a unit's actors, and a whole
    // document (its file is created again).
    let mut removed = remove_lines(&dir, &format!("{D3}.csv"), |f| {
        ["p2", "p3", "p4"].contains(&f[1])
    });
    removed.extend(remove_lines(&dir, &format!("{D0}.csv"), |f| {
        f[1] == "c23" || f[1] == "c24" || (f[1] == "p3" && (f[2] == "RUS" || f[2] == "IND"))
    }));
    fs::remove_file(dir.path().join(format!("labels/{D2}.csv"))).unwrap();
    let d2 = fs::read_to_string(root().join(format!("labels/{D2}.csv"))).unwrap();
    removed.extend(d2.lines().skip(1).map(str::to_string));
    assert_eq!(removed.len(), 18 + 12 + 2 + 54);

    // The partial unit is incomplete for `labels check`.
    let labels = labels_of(&dir);
    let o = stance(&["labels", "check", &labels]);
    assert_eq!(o.status.code(), Some(1));
    // p3 lacks RUS and IND; c23 and c24 lack every actor.
    let missing = format!(
        "{D0}: labels missing on 3 unit(s) (PAK 2, RUS 3, CHN 2, USA 2, IND 3, AFG 2): p3, c23, c24"
    );
    assert!(stderr(&o).contains(&missing), "{}", stderr(&o));

    // First the p3 rows only: a partial unit is accepted and completed.
    let (p3, rest): (Vec<String>, Vec<String>) = removed
        .into_iter()
        .partition(|l| l.starts_with(&format!("{D0},p3,")));
    let first = write_input(&dir, "p3.csv", HEADER, &p3);
    let o = add(&dir, &[&first]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("read 2 rows: added 2, unchanged 0"),
        "{}",
        stderr(&o)
    );

    // Then the rest, in reverse order, with one unfilled template row and
    // rows already present.
    let mut lines: Vec<String> = rest.into_iter().rev().collect();
    lines.push(format!("{D0},c22,PAK,,,"));
    lines.extend(p3);
    let second = write_input(&dir, "rest.csv", HEADER, &lines);
    let o = add(&dir, &["--dry-run", &second]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("dry run: nothing written"));
    assert_ne!(snapshot(&dir.path().join("labels")), original);
    let o = add(&dir, &[&second]);
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(
        err.contains(
            "read 87 rows: added 84, unchanged 2, replaced 0, kept-old 0, rejected 0, unfilled 1"
        ),
        "{err}"
    );
    assert!(
        err.contains(&format!("{D2}.csv (new): 54 row(s) added")),
        "{err}"
    );
    assert_same_files(&snapshot(&dir.path().join("labels")), &original);
    let o = stance(&["labels", "check", &labels]);
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn a_conflict_is_refused_and_nothing_is_written() {
    let dir = store_copy();
    let removed = remove_lines(&dir, &format!("{D0}.csv"), |f| {
        f[1] == "c24" && f[2] == "USA"
    });
    assert_eq!(removed.len(), 1);
    let before = snapshot(&dir.path().join("labels"));
    let original = fs::read_to_string(root().join(format!("labels/{D0}.csv"))).unwrap();
    let row2: Vec<&str> = original.lines().nth(1).unwrap().split(',').collect();
    let flipped = if row2[3] == "pro" { "anti" } else { "pro" };
    let lines = [
        removed[0].clone(),
        format!("{D0},p1,PAK,{flipped},{},", row2[4]),
    ];
    let new = write_input(&dir, "new.csv", HEADER, &lines);
    let o = add(&dir, &[&new]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains(&format!(
            "new.csv:3: {D0} p1 PAK: stance {flipped} here but {} in the label store at ",
            row2[3]
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!("labels/{D0}.csv:2 (use --prefer")),
        "{err}"
    );
    assert!(
        err.contains("added 1, unchanged 0, replaced 0, kept-old 0, rejected 1"),
        "{err}"
    );
    assert!(err.contains("nothing written"), "{err}");
    assert_same_files(&snapshot(&dir.path().join("labels")), &before);
}

#[test]
fn prefer_new_replaces_and_prefer_old_keeps() {
    let dir = store_copy();
    let path = dir.path().join(format!("labels/{D0}.csv"));
    let before = fs::read_to_string(&path).unwrap();
    let row2: Vec<&str> = before.lines().nth(1).unwrap().split(',').collect();
    let flipped = if row2[3] == "pro" { "anti" } else { "pro" };
    let new_line = format!("{D0},p1,PAK,{flipped},{},relabelled", row2[4]);
    let new = write_input(&dir, "new.csv", HEADER, std::slice::from_ref(&new_line));

    let o = add(&dir, &["--prefer", "old", &new]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("replaced 0, kept-old 1, rejected 0"));
    assert_eq!(fs::read_to_string(&path).unwrap(), before);

    let o = add(&dir, &["--prefer", "new", "--dry-run", &new]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(fs::read_to_string(&path).unwrap(), before);

    let o = add(&dir, &["--prefer", "new", &new]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("replaced 1, kept-old 0, rejected 0"));
    let after = fs::read_to_string(&path).unwrap();
    let expected: Vec<String> = before
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i == 1 {
                new_line.clone()
            } else {
                l.to_string()
            }
        })
        .collect();
    assert_eq!(after, expected.join("\n") + "\n");
}

#[test]
fn bad_rows_are_named_by_file_and_line() {
    let dir = store_copy();
    let before = snapshot(&dir.path().join("labels"));
    let lines = [
        format!("{D0},p999,PAK,none,neutral,"),
        format!("{D0},p1,XYZ,none,neutral,"),
        format!("{D0},p1,RUS,maybe,neutral,"),
        format!("{D0},p1,CHN,none,angry,"),
        format!("{D0},p1,USA,,neutral,"),
        "nosuchdoc,p1,USA,none,neutral,".to_string(),
    ];
    let new = write_input(&dir, "bad.csv", HEADER, &lines);
    let o = add(&dir, &[&new]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    for expect in [
        format!("bad.csv:2: unit {D0} p999 is not in the corpus"),
        "bad.csv:3: unknown actor \"XYZ\"".to_string(),
        "bad.csv:4: unknown stance \"maybe\"".to_string(),
        "bad.csv:5: unknown sentiment \"angry\"".to_string(),
        "bad.csv:6: empty `stance`".to_string(),
        "bad.csv:7: unit nosuchdoc p1 is not in the corpus".to_string(),
        "rejected 6".to_string(),
    ] {
        assert!(err.contains(&expect), "missing {expect:?} in\n{err}");
    }
    assert_same_files(&snapshot(&dir.path().join("labels")), &before);
}

/// Rows per actor and stance, counted from the files with plain string
/// splitting (the first five columns never hold a comma).
fn count_stances(dir: &Path) -> BTreeMap<(String, String), u64> {
    let mut out = BTreeMap::new();
    for (name, bytes) in snapshot(dir) {
        if !name.ends_with(".csv") {
            continue;
        }
        for line in String::from_utf8(bytes).unwrap().lines().skip(1) {
            let f: Vec<&str> = line.split(',').collect();
            *out.entry((f[2].to_string(), f[3].to_string())).or_default() += 1;
        }
    }
    out
}

#[test]
fn stats_count_labels_and_unlabelled_units() {
    let dir = store_copy();
    let labels = labels_of(&dir);
    let o = stance(&["labels", "stats", &labels, "--json", "--corpus", "seeds"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(
        (v["files"].as_u64(), v["rows"].as_u64()),
        (Some(5), Some(1482))
    );
    assert_eq!(v["units"], 247);
    for ((actor, stance), n) in count_stances(&dir.path().join("labels")) {
        assert_eq!(v["stance"][&actor][&stance], n, "{actor} {stance}");
    }
    let sentiment = &v["sentiment"];
    let units: u64 = ["positive", "negative", "neutral"]
        .iter()
        .map(|k| sentiment[k].as_u64().unwrap())
        .sum();
    assert_eq!(units, 247);
    // Titles are the only units left, one per document.
    assert_eq!(v["unlabelled"]["title"], 5);
    assert_eq!(v["unlabelled"]["total"], 5);
    assert_eq!(v["partial"], 0);

    // Remove one comment and two actors of a paragraph.
    remove_lines(&dir, &format!("{D0}.csv"), |f| {
        f[1] == "c5" || (f[1] == "p2" && (f[2] == "PAK" || f[2] == "AFG"))
    });
    let o = stance(&["labels", "stats", &labels, "--json", "--corpus", "seeds"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["rows"], 1482 - 8);
    assert_eq!(v["units"], 246);
    assert_eq!(v["partial"], 1);
    assert_eq!(v["unlabelled"]["comment"], 1);
    assert_eq!(v["unlabelled"]["total"], 6);
    let d0 = &v["docs"][0];
    assert_eq!(d0["doc_id"], D0);
    assert_eq!(
        (d0["rows"].as_u64(), d0["units_labelled"].as_u64()),
        (Some(232), Some(39))
    );
    assert_eq!(d0["units_partial"], 1);
    assert_eq!(d0["unlabelled"]["comment"], 1);
    assert_eq!(d0["corpus_units"]["comment"], 24);

    let o = stance(&["labels", "stats", &labels, "--corpus", "seeds"]);
    assert!(o.status.success());
    assert!(stdout(&o).contains("unlabelled units: 6 (title 5, paragraph 0, comment 1)"));
}

/// (p_o − p_e) / (1 − p_e) from the textbook definition, for the test to
/// check the library against.
fn textbook_kappa(pairs: &[(String, String)]) -> f64 {
    let n = pairs.len() as f64;
    let p_o = pairs.iter().filter(|(a, b)| a == b).count() as f64 / n;
    let mut cats: Vec<&String> = pairs.iter().flat_map(|(a, b)| [a, b]).collect();
    cats.sort();
    cats.dedup();
    let p_e: f64 = cats
        .iter()
        .map(|c| {
            let a = pairs.iter().filter(|(x, _)| x == *c).count() as f64;
            let b = pairs.iter().filter(|(_, y)| y == *c).count() as f64;
            (a / n) * (b / n)
        })
        .sum();
    (p_o - p_e) / (1.0 - p_e)
}

#[test]
fn agree_with_itself_and_with_a_modified_copy() {
    let o = stance(&["agree", "labels/", "labels", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let (rows, units) = shipped_counts();
    assert_eq!(v["n"], rows);
    assert_eq!(v["stance"]["kappa"], 1.0);
    assert_eq!(v["stance"]["agreement"], 1.0);
    assert_eq!(v["sentiment"]["kappa"], 1.0);
    assert_eq!(v["sentiment"]["n"], units);
    assert_eq!(v["stance"]["per_actor"]["PAK"]["n"], units);
    assert_eq!(v["stance"]["per_actor"]["IND"]["kappa"], 1.0);
    assert_eq!(v["disagreements"].as_array().unwrap().len(), 0);

    // Flip the stance of three rows of 000 and the sentiment of unit c1.
    let dir = store_copy();
    let path = dir.path().join(format!("labels/{D0}.csv"));
    let text = fs::read_to_string(&path).unwrap();
    let flip = |s: &str| if s == "none" { "pro" } else { "none" };
    let targets = [("p1", "PAK"), ("c4", "IND"), ("c9", "RUS")];
    let mut expected = Vec::new();
    let out: Vec<String> = text
        .lines()
        .map(|line| {
            let mut f: Vec<String> = line.split(',').map(str::to_string).collect();
            if f.len() < 5 {
                return line.to_string();
            }
            if targets.contains(&(f[1].as_str(), f[2].as_str())) {
                expected.push((
                    f[1].clone(),
                    f[2].clone(),
                    f[3].clone(),
                    flip(&f[3]).to_string(),
                ));
                f[3] = flip(&f[3]).to_string();
            }
            if f[1] == "c1" {
                f[4] = if f[4] == "neutral" {
                    "positive"
                } else {
                    "neutral"
                }
                .to_string();
            }
            f.join(",")
        })
        .collect();
    fs::write(&path, out.join("\n") + "\n").unwrap();
    let copy = labels_of(&dir);
    let o = stance(&["agree", "labels", &copy, "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();

    let stances = |d: &Path| -> BTreeMap<(String, String, String), (String, String)> {
        let mut m = BTreeMap::new();
        for (name, bytes) in snapshot(d) {
            if name.ends_with(".csv") {
                for l in String::from_utf8(bytes).unwrap().lines().skip(1) {
                    let f: Vec<&str> = l.split(',').collect();
                    let key = (f[0].to_string(), f[1].to_string(), f[2].to_string());
                    m.insert(key, (f[3].to_string(), f[4].to_string()));
                }
            }
        }
        m
    };
    let seeds = store_copy();
    let a = stances(&seeds.path().join("labels"));
    let b = stances(&dir.path().join("labels"));
    let pairs: Vec<(String, String)> = a
        .iter()
        .map(|(k, v)| (v.0.clone(), b[k].0.clone()))
        .collect();
    let kappa = textbook_kappa(&pairs);
    assert!(kappa < 1.0);
    assert!((v["stance"]["kappa"].as_f64().unwrap() - kappa).abs() < 1e-9);
    assert!((v["stance"]["agreement"].as_f64().unwrap() - 1479.0 / 1482.0).abs() < 1e-12);
    let s = v["sentiment"]["agreement"].as_f64().unwrap();
    assert!((s - 246.0 / 247.0).abs() < 1e-12);

    let d = v["disagreements"].as_array().unwrap();
    assert_eq!(d.len(), 4, "{d:#?}");
    let stance_d: Vec<(String, String, String, String)> = d
        .iter()
        .filter(|x| x["field"] == "stance")
        .map(|x| {
            let s = |k: &str| x[k].as_str().unwrap().to_string();
            (s("unit_id"), s("actor"), s("a"), s("b"))
        })
        .collect();
    assert_eq!(stance_d, expected);
    let sent = d.iter().find(|x| x["field"] == "sentiment").unwrap();
    assert_eq!(
        (sent["unit_id"].as_str(), sent["actor"].is_null()),
        (Some("c1"), true)
    );
    // Excerpts are the start of the unit's text.
    let units = json_lines(&stdout(&stance(&["ingest", "seeds/"])));
    let c1 = units
        .iter()
        .find(|u| u["doc_id"] == D0 && u["unit_id"] == "c1")
        .unwrap();
    let text = c1["text"].as_str().unwrap();
    let excerpt = sent["excerpt"].as_str().unwrap();
    assert!(
        text.starts_with(excerpt.trim_end_matches('…')),
        "{excerpt:?}"
    );
    assert!(excerpt.chars().count() <= 80);

    let o = stance(&["agree", "labels", &copy]);
    let table = stdout(&o);
    assert!(table.contains("4 disagreement(s)"), "{table}");
    assert!(table.contains(&format!("{D0} c4 IND")), "{table}");
}

#[test]
fn agree_on_a_hand_computed_case() {
    // 8 pairs: 2 pro/pro, 1 anti/anti, 3 none/none, 1 pro/none, 1 none/anti.
    // p_o = 6/8; A pro 3, anti 1, none 4; B pro 2, anti 2, none 4;
    // p_e = (6 + 2 + 16)/64 = 0.375; kappa = (0.75 − 0.375)/0.625 = 0.6.
    // Sentiment, 2 units: p1 agree (neutral), p2 negative/positive:
    // p_o = 0.5, p_e = 0.25, kappa = 1/3.
    let dir = tempfile::tempdir().unwrap();
    let rows = |labels: &[(&str, &str, &str, &str)]| {
        let mut s = String::from("doc_id,unit_id,actor,stance,sentiment\n");
        for (u, a, st, se) in labels {
            s.push_str(&format!("{D0},{u},{a},{st},{se}\n"));
        }
        s
    };
    let a = [
        ("p1", "PAK", "pro", "neutral"),
        ("p1", "RUS", "pro", "neutral"),
        ("p1", "CHN", "anti", "neutral"),
        ("p1", "USA", "none", "neutral"),
        ("p2", "PAK", "none", "negative"),
        ("p2", "RUS", "none", "negative"),
        ("p2", "CHN", "pro", "negative"),
        ("p2", "USA", "none", "negative"),
    ];
    let b = [
        ("p1", "PAK", "pro", "neutral"),
        ("p1", "RUS", "pro", "neutral"),
        ("p1", "CHN", "anti", "neutral"),
        ("p1", "USA", "none", "neutral"),
        ("p2", "PAK", "none", "positive"),
        ("p2", "RUS", "none", "positive"),
        ("p2", "CHN", "none", "positive"),
        ("p2", "USA", "anti", "positive"),
    ];
    fs::write(dir.path().join("a.csv"), rows(&a)).unwrap();
    fs::write(dir.path().join("b.csv"), rows(&b)).unwrap();
    let pa = dir.path().join("a.csv").display().to_string();
    let pb = dir.path().join("b.csv").display().to_string();
    let o = stance(&["agree", &pa, &pb, "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["n"], 8);
    assert!((v["stance"]["kappa"].as_f64().unwrap() - 0.6).abs() < 1e-12);
    assert_eq!(v["stance"]["agreement"], 0.75);
    assert!((v["sentiment"]["kappa"].as_f64().unwrap() - 1.0 / 3.0).abs() < 1e-12);
    // PAK: pro/pro and none/none: kappa 1. USA: none/none, none/anti: A uses
    // one category, so p_e = p_o·… = 0.5 and kappa 0. RUS likewise perfect.
    assert_eq!(v["stance"]["per_actor"]["PAK"]["kappa"], 1.0);
    assert_eq!(v["stance"]["per_actor"]["USA"]["kappa"], 0.0);
    assert_eq!(v["stance"]["per_actor"]["USA"]["agreement"], 0.5);
    assert_eq!(v["disagreements"].as_array().unwrap().len(), 3);

    // A degenerate actor: both sets say none for every item.
    let same = [
        ("p1", "AFG", "none", "neutral"),
        ("p2", "AFG", "none", "neutral"),
    ];
    fs::write(dir.path().join("c.csv"), rows(&same)).unwrap();
    let pc = dir.path().join("c.csv").display().to_string();
    let o = stance(&["agree", &pc, &pc, "--json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert!(v["stance"]["kappa"].is_null());
    assert_eq!(v["stance"]["agreement"], 1.0);
    let o = stance(&["agree", &pc, &pc]);
    assert!(stdout(&o).contains("kappa n/a"), "{}", stdout(&o));
}
