//! Issue 13, part 3: an analyst adds an actor to the actors file and keeps
//! going — scoring, reporting, checking labels and retraining all take it
//! in (zero-shot until it has labels) instead of ignoring or refusing it.
//! Every test works on a temp copy; the shipped labels are never touched.

mod common;

use std::fs;
use std::path::Path;

use common::{json_lines, retrain_workspace, root, seed_store_copy, stance_in, stderr, stdout};

const IRAN: &str = "\n[[actor]]\ncode = \"IRN\"\nname = \"Iran\"\n\
                    names = [\"Iran\", \"Iranian\", \"Tehran\"]\nexact = []\n";

/// Adds Iran to the actors file of the project copy in `dir`.
fn add_iran(dir: &Path) {
    let file = dir.join("labels/actors.toml");
    let mut text = fs::read_to_string(&file).unwrap();
    text.push_str(IRAN);
    fs::write(&file, text).unwrap();
}

/// A project copy (actors file, labels, the shipped default model) with
/// Iran added.
fn project_with_iran() -> tempfile::TempDir {
    let dir = retrain_workspace();
    add_iran(dir.path());
    dir
}

#[test]
fn score_covers_an_added_actor_and_marks_it_zero_shot() {
    let dir = project_with_iran();
    let unit = br#"{"doc_id":"d","unit_id":"c1","kind":"comment","text":"Iran is a true friend and Tehran helps India a lot."}"#;
    let o = stance_in(dir.path(), &["score", "-"], Some(unit));
    assert!(o.status.success(), "{}", stderr(&o));
    let rec = &json_lines(&stdout(&o))[0];
    let actors = rec["actors"].as_array().unwrap();
    let iran = actors
        .iter()
        .find(|a| a["actor"] == "IRN")
        .expect("IRN scored");
    assert_eq!(iran["mentioned"], true);
    assert_eq!(iran["zero_shot"], true);
    assert_eq!(iran["stance"], "pro", "{iran}");
    // The trained actors are not flagged.
    let india = actors.iter().find(|a| a["actor"] == "IND").unwrap();
    assert!(india.get("zero_shot").is_none(), "{india}");
    assert!(stderr(&o).contains("zero-shot actors"), "{}", stderr(&o));
    assert!(stderr(&o).contains("IRN"));

    // The CSV says it too: a `IRN_zero_shot` column, for IRN only.
    let o = stance_in(dir.path(), &["score", "--format", "csv", "-"], Some(unit));
    assert!(o.status.success(), "{}", stderr(&o));
    let mut rows = csv::Reader::from_reader(o.stdout.as_slice());
    let header = rows.headers().unwrap().clone();
    let zero_shot: Vec<&str> = header
        .iter()
        .filter(|h| h.ends_with("_zero_shot"))
        .collect();
    assert_eq!(zero_shot, ["IRN_zero_shot"]);
    let row = rows.records().next().unwrap().unwrap();
    let col = |name: &str| &row[header.iter().position(|h| h == name).unwrap()];
    assert_eq!(col("IRN_zero_shot"), "true");
    assert_eq!(col("IRN_stance"), "pro");
    assert_eq!(row.len(), header.len());
}

#[test]
fn run_reports_an_added_actor() {
    let dir = project_with_iran();
    let units = dir.path().join("units.jsonl");
    fs::write(
        &units,
        "{\"doc_id\":\"d\",\"unit_id\":\"c1\",\"kind\":\"comment\",\"text\":\"Iran is a true friend.\"}\n\
         {\"doc_id\":\"d\",\"unit_id\":\"c2\",\"kind\":\"comment\",\"text\":\"Tehran helps us a lot, thank you Iran.\"}\n",
    )
    .unwrap();
    let o = stance_in(
        dir.path(),
        &["run", "units.jsonl", "--format", "json"],
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("\"IRN\""), "{}", stdout(&o));
    assert!(stderr(&o).contains("zero-shot actors"), "{}", stderr(&o));
}

#[test]
fn targets_match_by_code_or_name_and_free_text_is_zero_shot() {
    let lines = concat!(
        r#"{"text":"Pakistan is a terrible neighbour.","target":"PAK"}"#,
        "\n",
        r#"{"text":"Pakistan is a terrible neighbour.","target":"Pakistan"}"#,
        "\n",
        r#"{"text":"Pakistan is a terrible neighbour.","target":"imran khan"}"#,
        "\n",
        r#"{"text":"Nepal is a wonderful friend.","target":"Nepal"}"#,
        "\n",
        r#"{"text":"Nepal is a wonderful friend.","target":"Atlantis"}"#,
        "\n",
    );
    let o = stance_in(&root(), &["score", "-"], Some(lines.as_bytes()));
    assert!(o.status.success(), "{}", stderr(&o));
    let recs = json_lines(&stdout(&o));
    let a = |i: usize| &recs[i]["actors"][0];
    // A listed name is the actor itself: same probabilities as the code.
    for i in [1, 2] {
        assert_eq!(a(i)["probs"], a(0)["probs"], "{}", a(i));
        assert_eq!(a(i)["mentioned"], true);
        assert!(a(i).get("zero_shot").is_none());
    }
    // Free text found in the text: scored zero-shot by its own words.
    assert_eq!(a(3)["mentioned"], true);
    assert_eq!(a(3)["zero_shot"], true);
    assert_eq!(a(3)["stance"], "pro");
    // Free text the text does not mention: said so, not invented.
    assert_eq!(a(4)["mentioned"], false);
    assert_eq!(a(4)["zero_shot"], true);
    assert_eq!(a(4)["stance"], "none");
}

#[test]
fn eval_with_a_changed_actors_file_is_not_refused() {
    let dir = project_with_iran();
    let data = root().join("tests/fixtures/stance_small.jsonl");
    let o = stance_in(
        dir.path(),
        &[
            "eval",
            "--model",
            "models/default.model",
            "--data",
            data.to_str().unwrap(),
        ],
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("F_avg"));
}

fn check(dir: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["labels", "check", "labels", "--corpus"];
    let seeds = root().join("seeds");
    let seeds = seeds.to_str().unwrap().to_string();
    args.push(&seeds);
    args.extend_from_slice(extra);
    stance_in(dir, &args, None)
}

#[test]
fn labels_check_does_not_demand_an_actor_no_file_has_started_on() {
    let dir = seed_store_copy();
    assert!(check(dir.path(), &[]).status.success());
    add_iran(dir.path());
    let o = check(dir.path(), &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!stderr(&o).contains("IRN"), "{}", stderr(&o));

    // Asked for, it is demanded of every labelled paragraph and comment.
    let o = check(dir.path(), &["--require", "IRN"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("labels missing on") && stderr(&o).contains("(IRN "),
        "{}",
        stderr(&o)
    );
    // An unknown code is a parameter error, not a silent no-op.
    let o = check(dir.path(), &["--require", "XYZ"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("XYZ"));

    // Once one file starts on IRN, that file's other units need it.
    let file = dir.path().join("labels/004_2919847f946a5520.csv");
    let text = fs::read_to_string(&file).unwrap();
    let first = text.lines().nth(1).unwrap();
    let cols: Vec<&str> = first.split(',').collect();
    let row = format!("{},{},IRN,none,{}\n", cols[0], cols[1], cols[4..].join(","));
    fs::write(&file, format!("{text}{row}")).unwrap();
    let o = check(dir.path(), &[]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("004_2919847f946a5520"), "{err}");
    assert!(err.contains("(IRN "), "{err}");
    assert!(!err.contains("000_d5edc36da2d9ba8b"), "{err}");
}

#[test]
fn retrain_accepts_a_changed_actors_file() {
    let dir = project_with_iran();
    let o = stance_in(dir.path(), &["retrain"], None);
    assert!(
        matches!(o.status.code(), Some(0 | 3)),
        "exit {:?}: {}",
        o.status.code(),
        stderr(&o)
    );
    let err = stderr(&o);
    assert!(!err.contains("differs from the one the model"), "{err}");
    assert!(err.contains("zero-shot actors"), "{err}");
    assert!(err.contains("IRN"), "{err}");
}
