//! End-to-end: ingest, actors and labels check as a user runs them.

mod common;

use common::*;
use std::fs;

#[test]
fn help_lists_subcommands_with_examples() {
    let o = stance(&["--help"]);
    assert!(o.status.success());
    for cmd in ["ingest", "actors", "labels"] {
        assert!(stdout(&o).contains(cmd), "{cmd} missing from --help");
    }
    for cmd in [
        &["ingest", "--help"][..],
        &["actors", "--help"],
        &["labels", "check", "--help"],
    ] {
        let o = stance(cmd);
        assert!(o.status.success());
        assert!(
            stdout(&o).contains("Examples:\n  stance "),
            "{cmd:?} help has no example"
        );
    }
}

#[test]
fn seed_comments_come_out_with_authors_and_timestamps() {
    let o = stance(&["ingest", "seeds/"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let units = json_lines(&stdout(&o));
    let comments: Vec<_> = units.iter().filter(|u| u["kind"] == "comment").collect();
    assert_eq!(comments.len(), 24);
    let authors: Vec<&str> = comments
        .iter()
        .map(|c| c["author"].as_str().unwrap())
        .collect();
    assert_eq!(
        authors,
        [
            "BrainBro",
            "Jamal",
            "MU",
            "salman",
            "Ravian",
            "kpsh",
            "Dr. Ashraf KHAN",
            "LOL",
            "Sunil",
            "Aware Citizen",
            "Pakistani",
            "Oommen",
            "Hyder",
            "Sexton",
            "Solat",
            "Feroz",
            "CPR",
            "numberrsnumbers",
            "AD",
            "Sohail Gem Wazir",
            "Sohail Gem Wazir",
            "Sexton",
            "Mostly Bull",
            "Sexton",
        ]
    );
    assert_eq!(
        authors.iter().filter(|a| **a == "Sohail Gem Wazir").count(),
        2
    );
    assert_eq!(authors.iter().filter(|a| **a == "Sexton").count(), 3);
    let ids: Vec<String> = (1..=24).map(|i| format!("c{i}")).collect();
    assert!(
        comments
            .iter()
            .zip(&ids)
            .all(|(c, id)| c["unit_id"] == id.as_str())
    );
    assert_eq!(comments[0]["posted_at"], "2017-04-03T09:01:00");
    assert_eq!(comments[17]["posted_at"], "2017-04-04T00:50:00");
    assert_eq!(comments[23]["posted_at"], "2017-04-05T02:09:00");
    // A comment over several paragraphs is one unit; the Recommend button is gone.
    let pakistani = comments[10]["text"].as_str().unwrap();
    assert!(pakistani.starts_with("Pakistan and US wil always be allies."));
    assert!(pakistani.ends_with("into these discussions"));
    assert!(
        comments
            .iter()
            .all(|c| !c["text"].as_str().unwrap().contains("Recommend"))
    );
    // Site furniture never becomes a unit.
    for u in &units {
        let t = u["text"].as_str().unwrap();
        for junk in [
            "Reader Comments",
            "Leave a Reply",
            "You may also like",
            "More in Pakistan",
            "Facebook Conversations",
        ] {
            assert!(!t.contains(junk), "{junk} in {}", u["unit_id"]);
        }
    }
    let title = &units[0];
    assert_eq!(title["unit_id"], "title");
    assert_eq!(title["posted_at"], "2017-04-03");
    // Stable field order.
    let first_line = stdout(&o).lines().next().unwrap().to_string();
    assert!(first_line.starts_with("{\"doc_id\":\"000_d5edc36da2d9ba8b\",\"unit_id\":\"title\",\"kind\":\"title\",\"author\":null,\"posted_at\":\"2017-04-03\",\"text\":"));
    assert!(stderr(&o).contains("read 252, kept 252, rejected 0"));
}

#[test]
fn bad_inputs_are_reported_and_the_rest_processed() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    fs::write(p.join("good.jsonl"), "{\"doc_id\":\"x\",\"unit_id\":\"c1\",\"text\":\"Pakistan is great\"}\n[1]\n{\"doc_id\":\"x\",\"unit_id\":\"c2\"}\n{\"doc_id\":\"x\",\"unit_id\":\"c1\",\"text\":\"again\"}\n").unwrap();
    fs::write(p.join("bad_utf8.txt"), b"Title\n\nA paragraph \xff here.\n").unwrap();
    fs::write(p.join("empty.txt"), "\n\n").unwrap();
    fs::write(
        p.join("units.csv"),
        "doc_id,unit_id,text\ny,c1,hello\ny,c2\n",
    )
    .unwrap();
    // A missing input stops the command before any work (issue 13): a
    // result silently short of a file is worse than none.
    let o = stance_in(p, &["ingest", ".", "missing.txt"], None);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("missing.txt: no such file or directory"));
    assert!(stdout(&o).is_empty());
    let o = stance_in(p, &["ingest", "."], None);
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert_eq!(json_lines(&stdout(&o)).len(), 2, "{}", stdout(&o));
    for expect in [
        "./bad_utf8.txt:3: invalid UTF-8",
        "./empty.txt: empty document",
        "./good.jsonl:2: expected a JSON object",
        "./good.jsonl:3: missing field `text`",
        "./good.jsonl:4: duplicate unit x c1",
        "./units.csv:3: 2 fields, the header has 3",
        "read 8, kept 2, rejected 6",
    ] {
        assert!(err.contains(expect), "missing {expect:?} in\n{err}");
    }
}

#[test]
fn stdin_is_sniffed() {
    let o = stance_stdin(
        &["ingest", "-"],
        b"{\"doc_id\":\"s\",\"unit_id\":\"1\",\"text\":\"hi\",\"author\":\"me\"}\n",
    );
    assert!(o.status.success());
    let u = &json_lines(&stdout(&o))[0];
    assert_eq!(
        (u["kind"].as_str(), u["author"].as_str()),
        (Some("comment"), Some("me"))
    );
    let page = "A title\n\nPublished: May 1, 2020\n\nThe body mentions India.\n";
    let o = stance_stdin(&["ingest", "-"], page.as_bytes());
    let units = json_lines(&stdout(&o));
    assert_eq!(units.len(), 2);
    assert_eq!(units[1]["doc_id"], "stdin");
    let o = stance_stdin(&["ingest", "-"], b"");
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("-: empty document"));
}

#[test]
fn actors_are_found_per_document() {
    let o = stance(&["actors", "seeds/000_d5edc36da2d9ba8b.txt"]);
    assert!(o.status.success());
    let s = stdout(&o);
    assert!(
        s.contains("units: 1 title, 16 paragraph, 24 comment"),
        "{s}"
    );
    assert!(
        s.lines()
            .any(|l| l.trim_start().starts_with("IND") && l.contains("Indians ×1")),
        "{s}"
    );
    let o = stance_stdin(&["actors", "--json", "-"], "{\"doc_id\":\"d\",\"unit_id\":\"u\",\"text\":\"Let us praise the US and Pakistani Islamabad\"}\n".as_bytes());
    let v = &json_lines(&stdout(&o))[0];
    let codes: Vec<&str> = v["mentions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["actor"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["USA", "PAK", "PAK"]);
    assert_eq!(v["mentions"][0]["start"], 18);
    let o = stance(&["actors", "--actors", "nope.toml", "seeds/"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("nope.toml"));
}

#[test]
fn shipped_labels_are_clean_and_complete() {
    let o = stance(&["labels", "check", "labels/"]);
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(
        !err.contains("have no labels"),
        "every seed document is labelled: {err}"
    );
    assert!(err.contains("; 0 error(s), 0 missing label(s)"), "{err}");
    // Every paragraph and comment of the five seeds, six actors each, and
    // (with ../shared/data) every labelled unit of the pool.
    let units = json_lines(&stdout(&stance(&["ingest", "seeds/"])));
    let mut labelled = units.iter().filter(|u| u["kind"] != "title").count();
    if shared_data("comments/pool.jsonl").is_some() {
        let pool: std::collections::BTreeSet<String> = fs::read_dir(root().join("labels"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "csv"))
            .filter(|p| !p.file_name().unwrap().to_str().unwrap().starts_with("00"))
            .flat_map(|p| {
                let text = fs::read_to_string(p).unwrap();
                text.lines()
                    .skip(1)
                    .map(|l| l.split(',').take(2).collect::<Vec<_>>().join("/"))
                    .collect::<Vec<_>>()
            })
            .collect();
        labelled += pool.len();
    }
    assert!(
        err.contains(&format!("{} complete units", labelled)),
        "{err}"
    );
    assert!(
        err.contains(&format!("{} unit×actor pairs", labelled * 6)),
        "{err}"
    );
}

/// A copy of the shipped labels with one line replaced.
fn broken_copy(line_no: usize, replace: impl Fn(&str) -> String) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let src = root().join("labels/000_d5edc36da2d9ba8b.csv");
    let text = fs::read_to_string(src).unwrap();
    let out: Vec<String> = text
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i + 1 == line_no {
                replace(l)
            } else {
                l.to_string()
            }
        })
        .collect();
    fs::write(
        dir.path().join("000_d5edc36da2d9ba8b.csv"),
        out.join("\n") + "\n",
    )
    .unwrap();
    dir
}

fn check_broken(dir: &tempfile::TempDir, expect: &str) {
    let labels = dir.path().to_str().unwrap();
    let o = stance(&[
        "labels",
        "check",
        labels,
        "--corpus",
        "seeds/000_d5edc36da2d9ba8b.txt",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains(expect), "expected {expect:?} in\n{err}");
}

fn set_field(line: &str, idx: usize, value: &str) -> String {
    let mut f: Vec<String> = line.split(',').map(str::to_string).collect();
    f[idx] = value.to_string();
    f.join(",")
}

#[test]
fn labels_check_reports_each_error_with_file_and_line() {
    let file = "000_d5edc36da2d9ba8b.csv";
    let d = broken_copy(2, |l| set_field(l, 2, "XYZ"));
    check_broken(&d, &format!("{file}:2: unknown actor \"XYZ\""));
    let d = broken_copy(3, |l| set_field(l, 3, "maybe"));
    check_broken(&d, &format!("{file}:3: unknown stance \"maybe\""));
    let d = broken_copy(4, |l| set_field(l, 4, "angry"));
    check_broken(&d, &format!("{file}:4: unknown sentiment \"angry\""));
    let d = broken_copy(5, |l| set_field(l, 1, "p999"));
    check_broken(
        &d,
        &format!("{file}:5: unit 000_d5edc36da2d9ba8b p999 is not in the corpus"),
    );
    // Row 3 relabelled as row 2's pair with a different stance: a conflict
    // and a missing pair.
    let d = broken_copy(3, |_| "000_d5edc36da2d9ba8b,p1,PAK,anti,neutral,".into());
    let first = fs::read_to_string(root().join("labels").join(file)).unwrap();
    let row2 = first.lines().nth(1).unwrap();
    if !row2.contains(",anti,") {
        check_broken(
            &d,
            &format!("{file}:3: 000_d5edc36da2d9ba8b p1 PAK labelled anti here"),
        );
    }
    check_broken(
        &d,
        "000_d5edc36da2d9ba8b: labels missing on 1 unit(s) (RUS 1): p1",
    );
    let d = broken_copy(3, |l| {
        let s = l.split(',').nth(4).unwrap();
        let other = if s == "neutral" {
            "positive"
        } else {
            "neutral"
        };
        set_field(l, 4, other)
    });
    check_broken(
        &d,
        &format!("{file}:3: 000_d5edc36da2d9ba8b p1 has sentiment"),
    );
    let d = broken_copy(1, |_| "doc_id,unit_id,actor,stance".into());
    check_broken(
        &d,
        &format!("{file}:1: label file lacks the column `sentiment`"),
    );
}
