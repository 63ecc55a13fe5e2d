//! Issue 13, part 2, "any data in, everything kept": stdin for every input
//! the README promises it for, plain text, the user's own columns,
//! compressed and tab-separated files, extra fields through to the scores
//! and `report --by`, one rule for duplicate ids, unterminated quotes and
//! missing files — each as a user runs it.

mod common;

use common::*;
use std::fs;
use std::io::Write;

const LABELS: &str = "labels/000_d5edc36da2d9ba8b.csv";

fn summary_line(o: &std::process::Output, prefix: &str) -> String {
    stderr(o)
        .lines()
        .find(|l| l.starts_with(prefix))
        .unwrap_or_default()
        .to_string()
}

#[test]
fn report_scores_from_stdin() {
    let scores = stance(&["score", "seeds/"]);
    assert!(scores.status.success(), "{}", stderr(&scores));
    let o = stance_stdin(
        &["report", "--scores", "-", "--format", "json"],
        &scores.stdout,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let reports: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(reports.as_array().unwrap().len(), 5, "{}", stderr(&o));
}

#[test]
fn labels_check_and_add_from_stdin() {
    let labels = fs::read(root().join(LABELS)).unwrap();
    let o = stance_stdin(&["labels", "check", "-"], &labels);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("labels: 1 file(s), 240 rows"),
        "{}",
        stderr(&o)
    );
    let o = stance_stdin(&["labels", "add", "--dry-run", "-"], &labels);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("read 240 rows"), "{}", stderr(&o));
    assert!(stderr(&o).contains("unchanged 240"), "{}", stderr(&o));
}

#[test]
fn train_data_from_stdin_label_csv_and_json_lines() {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("m.model");
    let labels = fs::read(root().join(LABELS)).unwrap();
    let o = stance_stdin(
        &["train", "--data", "-", "-o", model.to_str().unwrap()],
        &labels,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("rejected 0"), "{}", stderr(&o));
    let lines = fs::read(root().join("tests/fixtures/stance_small.jsonl")).unwrap();
    let o = stance_stdin(
        &["train", "--data", "-", "-o", model.to_str().unwrap()],
        &lines,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(model.exists());
}

#[test]
fn plain_text_by_flag_and_by_line() {
    let o = stance(&[
        "score",
        "--text",
        "I love India.",
        "--text",
        "Pakistan is awful.",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = json_lines(&stdout(&o));
    assert_eq!(out.len(), 2);
    assert_eq!(out[0]["unit_id"], "text-1");
    assert_eq!(out[1]["unit_id"], "text-2");
    let ind = out[0]["actors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["actor"] == "IND")
        .unwrap();
    assert_eq!(ind["mentioned"], true);
    // A blank line is no unit; ids follow the physical lines.
    let o = stance_stdin(
        &["score", "--lines", "-"],
        b"I love India.\n\nPakistan is awful.\n",
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let out = json_lines(&stdout(&o));
    let ids: Vec<_> = out.iter().map(|r| r["unit_id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["line-1", "line-3"]);
    assert_eq!(out[0]["doc_id"], "stdin");
    assert!(summary_line(&o, "score:").contains("read 2, scored 2, rejected 0"));
    // `run` takes the same inputs.
    let o = stance(&["run", "--text", "I love India.", "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("\"doc_id\": \"text\""),
        "{}",
        stdout(&o)
    );
}

#[test]
fn own_columns_tsv_gzip_zstd_and_extra_fields() {
    let dir = tempfile::tempdir().unwrap();
    let csv = "id,comment,outlet,likes\n1,I love India,BBC,3\n2,Pakistan is bad,CNN,\n";
    let plain = dir.path().join("comments.csv");
    fs::write(&plain, csv).unwrap();
    let gz = dir.path().join("comments.csv.gz");
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(csv.as_bytes()).unwrap();
    fs::write(&gz, enc.finish().unwrap()).unwrap();
    let zst = dir.path().join("comments.csv.zst");
    fs::write(&zst, zstd::encode_all(csv.as_bytes(), 1).unwrap()).unwrap();
    let tsv = dir.path().join("comments.tsv");
    fs::write(&tsv, csv.replace(',', "\t")).unwrap();
    for f in [&plain, &gz, &zst, &tsv] {
        let o = stance(&[
            "score",
            "--id-col",
            "id",
            "--text-col",
            "comment",
            f.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}: {}", f.display(), stderr(&o));
        let out = json_lines(&stdout(&o));
        assert_eq!(out.len(), 2, "{}", stderr(&o));
        assert_eq!(out[0]["doc_id"], "comments");
        assert_eq!(out[0]["unit_id"], "1");
        assert_eq!(out[0]["fields"]["outlet"], "BBC");
        assert_eq!(out[0]["fields"]["likes"], "3");
        // An empty cell is no field.
        assert_eq!(out[1]["fields"], serde_json::json!({"outlet": "CNN"}));
    }
    // --delimiter for a CSV by another separator; JSON keys by name.
    let semi = dir.path().join("semi.csv");
    fs::write(&semi, "doc_id;unit_id;text\nd;1;I love India\n").unwrap();
    let o = stance(&["score", "--delimiter", ";", semi.to_str().unwrap()]);
    assert!(
        summary_line(&o, "score:").contains("scored 1, rejected 0"),
        "{}",
        stderr(&o)
    );
    let o = stance_stdin(
        &["score", "--doc-col", "article", "--id-col", "cid", "--text-col", "body", "-"],
        b"{\"article\":\"a\",\"cid\":7,\"body\":\"I love India\",\"author\":\"ann\",\"posted_at\":\"2024-05-01\"}\n",
    );
    let out = json_lines(&stdout(&o));
    assert_eq!(
        (out[0]["doc_id"].as_str(), out[0]["unit_id"].as_str()),
        (Some("a"), Some("7"))
    );
    assert_eq!(out[0]["fields"]["author"], "ann");
    assert_eq!(out[0]["fields"]["posted_at"], "2024-05-01");
}

#[test]
fn report_by_outlet_and_by_month() {
    let input = "{\"doc_id\":\"a\",\"unit_id\":\"c1\",\"text\":\"I love India\",\"outlet\":\"BBC\",\"posted_at\":\"2024-05-01\"}\n\
                 {\"doc_id\":\"b\",\"unit_id\":\"c1\",\"text\":\"India is terrible\",\"outlet\":\"BBC\",\"posted_at\":\"2024-06-04\"}\n\
                 {\"doc_id\":\"b\",\"unit_id\":\"c2\",\"text\":\"Pakistan is great\",\"outlet\":\"CNN\",\"posted_at\":\"2024-06-03\"}\n\
                 {\"doc_id\":\"c\",\"unit_id\":\"c1\",\"text\":\"No outlet here about China\"}\n";
    let scores = stance_stdin(&["score", "-"], input.as_bytes());
    assert!(scores.status.success(), "{}", stderr(&scores));
    let by = |field: &str| {
        let o = stance_stdin(
            &[
                "report", "--scores", "-", "--by", field, "--format", "json", "--method", "cc",
            ],
            &scores.stdout,
        );
        assert!(o.status.success(), "{}", stderr(&o));
        let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
        v.as_array()
            .unwrap()
            .iter()
            .map(|r| {
                let units = r["sections"][0]["units"].as_u64().unwrap();
                (r["doc_id"].as_str().unwrap().to_string(), units)
            })
            .collect::<Vec<_>>()
    };
    let want = |v: &[(&str, u64)]| {
        v.iter()
            .map(|(k, n)| (k.to_string(), *n))
            .collect::<Vec<_>>()
    };
    assert_eq!(by("outlet"), want(&[("BBC", 2), ("CNN", 1), ("(none)", 1)]));
    assert_eq!(
        by("month"),
        want(&[("2024-05", 1), ("2024-06", 2), ("(none)", 1)])
    );
    assert_eq!(
        by("week"),
        want(&[("2024-W18", 1), ("2024-W23", 2), ("(none)", 1)])
    );
}

#[test]
fn duplicate_unit_ids_are_rejected_by_score_run_and_ingest() {
    let input = b"doc_id,unit_id,text\nd,c1,I love India\nd,c1,I hate India\nd,c2,ok\n";
    for args in [
        &["score", "-"][..],
        &["ingest", "-"],
        &["run", "-", "--format", "json"],
    ] {
        let o = stance_stdin(args, input);
        let err = stderr(&o);
        assert!(err.contains("-:3: duplicate unit d c1"), "{args:?}: {err}");
        let line = err
            .lines()
            .find(|l| l.contains("read 3"))
            .unwrap_or_default();
        assert!(line.contains("rejected 1"), "{args:?}: {err}");
    }
}

#[test]
fn unterminated_quote_is_reported_not_swallowed() {
    let input = b"doc_id,unit_id,text\nd,c1,\"open quote\nd,c2,next row\nd,c3,third\n";
    let o = stance_stdin(&["score", "-"], input);
    let err = stderr(&o);
    assert!(
        err.contains("-:2: a quoted field runs over line breaks and lines 3–4"),
        "{err}"
    );
    assert!(
        summary_line(&o, "score:").contains("read 1, scored 0, rejected 1"),
        "{err}"
    );
}

#[test]
fn a_missing_input_stops_before_any_work() {
    for cmd in ["score", "ingest", "run"] {
        let o = stance(&[cmd, "seeds/", "no_such_file.jsonl"]);
        assert_eq!(o.status.code(), Some(2), "{cmd}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("no_such_file.jsonl: no such file"),
            "{}",
            stderr(&o)
        );
        assert!(stdout(&o).is_empty(), "{cmd} wrote output before failing");
    }
}
