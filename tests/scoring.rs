//! End-to-end: score, report and run as users call them.

mod common;

use common::*;
use std::fs;

#[test]
fn read_equals_scored_plus_rejected_and_order_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("mixed.jsonl");
    let mut lines = Vec::new();
    for i in 0..30 {
        lines.push(match i % 6 {
            0 => format!("{{\"doc_id\":\"d{}\",\"unit_id\":\"c{i}\",\"text\":\"Pakistan is great {i}\"}}", i / 10),
            1 => "not json".to_string(),
            2 => format!("{{\"text\":\"India hates Russia {i}\",\"target\":\"IND\",\"id\":\"t{i}\"}}"),
            3 => "{\"doc_id\":\"d\",\"unit_id\":\"x\"}".to_string(),
            4 => format!("{{\"sentence\":\"Putin smiled {i}\",\"mention\":\"Putin\",\"from\":0,\"to\":5,\"id\":\"n{i}\"}}"),
            _ => "[1,2]".to_string(),
        });
    }
    fs::write(&input, lines.join("\n") + "\n").unwrap();
    let rejects = dir.path().join("rejects.jsonl");
    let o = stance(&[
        "score",
        input.to_str().unwrap(),
        "--rejects",
        rejects.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("read 30, scored 15, rejected 15"),
        "{}",
        stderr(&o)
    );
    let out = json_lines(&stdout(&o));
    assert_eq!(out.len(), 15);
    // Output order = input order.
    assert_eq!(out[0]["unit_id"], "c0");
    assert_eq!(out[1]["id"], "t2");
    assert_eq!(out[2]["id"], "n4");
    assert_eq!(out[3]["unit_id"], "c6");
    assert_eq!(out[0]["actors"].as_array().unwrap().len(), 6);
    assert_eq!(out[0]["actors"][0]["actor"], "PAK");
    assert_eq!(out[0]["actors"][0]["mentioned"], true);
    assert_eq!(out[1]["actors"][0]["actor"], "IND");
    let rj = json_lines(&fs::read_to_string(&rejects).unwrap());
    assert_eq!(rj.len(), 15);
    assert_eq!(rj[0]["line"], 2);
    assert!(rj[0]["file"].as_str().unwrap().ends_with("mixed.jsonl"));
    // --strict: the first bad row is fatal.
    let o = stance(&["score", input.to_str().unwrap(), "--strict"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("mixed.jsonl:2"), "{}", stderr(&o));
}

#[test]
fn csv_output_and_stdin() {
    let o = stance_stdin(
        &["score", "--format", "csv", "-"],
        b"doc_id,unit_id,text\nd,1,The US and India oppose China\n",
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let s = stdout(&o);
    let mut lines = s.lines();
    let header = lines.next().unwrap();
    assert!(header.starts_with("doc_id,unit_id,kind,id,sentiment"));
    assert!(header.contains("AFG_mentioned"));
    let row = lines.next().unwrap();
    assert_eq!(row.split(',').count(), header.split(',').count());
}

#[test]
fn model_with_other_actors_is_refused_before_scoring() {
    let dir = tempfile::tempdir().unwrap();
    let other = dir.path().join("actors.toml");
    fs::write(
        &other,
        "[[actor]]\ncode = \"X\"\nname = \"x\"\nnames = [\"Xland\"]\n",
    )
    .unwrap();
    let o = stance(&["score", "seeds/", "--actors", other.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stdout(&o).is_empty());
    assert!(stderr(&o).contains("differs from the one the model was trained with"));
}

#[test]
fn run_on_seeds_prints_the_per_article_table() {
    let o = stance(&["run", "seeds/"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let s = stdout(&o);
    for doc in ["000_d5edc36da2d9ba8b", "004_2919847f946a5520"] {
        assert!(s.contains(doc));
    }
    assert!(s.contains("predicted comments (24 units)"), "{s}");
    assert!(s.contains("predicted paragraphs"));
    assert!(stderr(&o).contains("read 252, scored 252, rejected 0"));
}

#[test]
fn report_from_scores_matches_counts_and_sides_by_side_labels() {
    let dir = tempfile::tempdir().unwrap();
    let scores = dir.path().join("s.jsonl");
    let o = stance(&[
        "score",
        "seeds/000_d5edc36da2d9ba8b.txt",
        "-o",
        scores.to_str().unwrap(),
    ]);
    assert!(o.status.success());
    let recs = json_lines(&fs::read_to_string(&scores).unwrap());
    let comments: Vec<_> = recs.iter().filter(|r| r["kind"] == "comment").collect();
    let pro_pak = comments
        .iter()
        .filter(|r| r["actors"][0]["stance"] == "pro")
        .count();
    let o = stance(&[
        "report",
        "--scores",
        scores.to_str().unwrap(),
        "--labels",
        "labels/",
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let art = v
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["doc_id"] == "000_d5edc36da2d9ba8b")
        .unwrap();
    let sec = art["sections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["source"] == "predicted" && s["part"] == "comments")
        .unwrap();
    assert_eq!(sec["units"], 24);
    let pak = &sec["actors"][0];
    assert_eq!(pak["actor"], "PAK");
    assert_eq!(pak["pro"].as_u64().unwrap() as usize, pro_pak);
    let total = pak["pro"].as_u64().unwrap()
        + pak["anti"].as_u64().unwrap()
        + pak["none"].as_u64().unwrap();
    assert_eq!(total, 24);
    let net = pak["net"].as_f64().unwrap();
    let expect = pak["pro_share"].as_f64().unwrap() - pak["anti_share"].as_f64().unwrap();
    assert!((net - expect).abs() < 1e-12);
    let ci = pak["pro_ci"].as_array().unwrap();
    assert!(ci[0].as_f64().unwrap() <= pak["pro_share"].as_f64().unwrap());
    assert!(
        art["sections"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["source"] == "labelled")
    );
    let csv = stance(&[
        "report",
        "--scores",
        scores.to_str().unwrap(),
        "--format",
        "csv",
    ]);
    assert!(stdout(&csv).starts_with("doc_id,source,part,units,actor,pro,anti,none"));
}
