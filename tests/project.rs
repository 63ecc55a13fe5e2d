//! The project file (stance.toml) end to end: commands find it from a
//! subfolder, read every declared corpus, take splits from the recorded
//! assignment, and set aside (with a count) the labels of an absent
//! optional corpus instead of failing or dropping them silently.

mod common;

use common::*;
use std::fs;
use std::path::Path;

/// A project with the seeds, their labels, a two-comment pool and its labels.
/// `pool` false leaves the pool's units out (as a clone without
/// ../shared/data would be).
fn project(dir: &Path, pool: bool, splits: &str) {
    fs::create_dir_all(dir.join("labels")).unwrap();
    fs::create_dir_all(dir.join("seeds")).unwrap();
    fs::create_dir_all(dir.join("data")).unwrap();
    copy_files(&root().join("seeds"), &dir.join("seeds"));
    for f in fs::read_dir(root().join("labels")).unwrap() {
        let p = f.unwrap().path();
        let name = p.file_name().unwrap().to_str().unwrap().to_string();
        if name.starts_with("00") || name == "actors.toml" {
            fs::copy(&p, dir.join("labels").join(name)).unwrap();
        }
    }
    if pool {
        fs::write(
            dir.join("data/pool.jsonl"),
            "{\"doc_id\":\"pool\",\"unit_id\":\"u1\",\"kind\":\"comment\",\"text\":\"I love India.\"}\n\
             {\"doc_id\":\"pool\",\"unit_id\":\"u2\",\"kind\":\"comment\",\"text\":\"Pakistan is a terrorist state.\"}\n\
             {\"doc_id\":\"pool\",\"unit_id\":\"u3\",\"kind\":\"comment\",\"text\":\"Nice weather.\"}\n",
        )
        .unwrap();
    }
    let mut rows = String::from("doc_id,unit_id,actor,stance,sentiment\n");
    for (unit, stances, sentiment) in [
        (
            "u1",
            ["none", "none", "none", "none", "pro", "none"],
            "positive",
        ),
        (
            "u2",
            ["anti", "none", "none", "none", "none", "none"],
            "negative",
        ),
    ] {
        for (actor, s) in ["PAK", "RUS", "CHN", "USA", "IND", "AFG"]
            .iter()
            .zip(stances)
        {
            rows.push_str(&format!("pool,{unit},{actor},{s},{sentiment}\n"));
        }
    }
    fs::write(dir.join("labels/pool.csv"), rows).unwrap();
    fs::write(dir.join("labels/splits.txt"), splits).unwrap();
    fs::write(
        dir.join("stance.toml"),
        "splits = { file = \"labels/splits.txt\", unlisted = \"train\" }\n\
         [[corpus]]\nname = \"seeds\"\ninputs = [\"seeds\"]\n\
         [[corpus]]\nname = \"pool\"\ninputs = [\"data/pool.jsonl\"]\noptional = true\nwhole_documents = false\n",
    )
    .unwrap();
    fs::create_dir_all(dir.join("sub/deeper")).unwrap();
}

const POOL_EVAL: &str = "doc_id,unit_id,split\npool,u1,eval\n";

#[test]
fn commands_find_the_project_from_a_subfolder_and_read_every_corpus() {
    let dir = tempfile::tempdir().unwrap();
    project(dir.path(), true, POOL_EVAL);
    let sub = dir.path().join("sub/deeper");
    // The pool is labelled unit by unit: its unlabelled u3 is no problem.
    let o = stance_in(&sub, &["labels", "check"], None);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("249 complete units"), "{}", stderr(&o));
    // Per source and split.
    let o = stance_in(&sub, &["labels", "stats"], None);
    let out = stdout(&o);
    let line = |prefix: &str| {
        out.lines()
            .find(|l| l.starts_with(prefix))
            .map(str::to_string)
    };
    let eval = line("pool                       eval").expect(&out);
    assert!(
        eval.contains("0/0/1") && eval.split_whitespace().nth(2) == Some("1"),
        "{eval}"
    );
    let train = line("pool                       train").expect(&out);
    assert!(
        train.starts_with("pool                       train     1       0/1/0"),
        "{train}"
    );
}

#[test]
fn splits_come_from_the_recorded_assignment() {
    let dir = tempfile::tempdir().unwrap();
    // Every seed comment listed as training, the pool's u1 as evaluation.
    let mut splits = String::from(POOL_EVAL);
    for doc in fs::read_dir(root().join("labels")).unwrap() {
        let p = doc.unwrap().path();
        if !p.file_name().unwrap().to_str().unwrap().starts_with("00") {
            continue;
        }
        let text = fs::read_to_string(&p).unwrap();
        for l in text.lines().skip(1) {
            let f: Vec<&str> = l.split(',').collect();
            if f[2] == "PAK" && f[1].starts_with('c') {
                splits.push_str(&format!("{},{},train\n", f[0], f[1]));
            }
        }
    }
    project(dir.path(), true, &splits);
    let m = dir.path().join("m.model");
    let o = stance_in(dir.path(), &["train", "-o", m.to_str().unwrap()], None);
    assert!(o.status.success(), "{}", stderr(&o));
    // 223 paragraphs + 24 comments + the pool's u2, six actors each.
    assert!(
        stderr(&o).contains(&format!("{} stance examples", 6 * (223 + 24 + 1))),
        "{}",
        stderr(&o)
    );
    let o = stance_in(
        dir.path(),
        &["eval", "--model", m.to_str().unwrap(), "--json"],
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    assert_eq!(v["n"], 6, "only u1 is evaluation");
    // suggest never offers an evaluation unit: u3 is the one left.
    let o = stance_in(
        dir.path(),
        &["suggest", "--model", m.to_str().unwrap(), "-n", "10"],
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let picked = stdout(&o);
    assert!(
        picked.contains("pool,u3,") && !picked.contains("pool,u1,"),
        "{picked}"
    );
}

#[test]
fn an_absent_optional_corpus_sets_its_labels_aside_with_a_count() {
    let dir = tempfile::tempdir().unwrap();
    project(dir.path(), false, POOL_EVAL);
    let o = stance_in(dir.path(), &["labels", "check"], None);
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(err.contains("corpus pool ("), "{err}");
    assert!(err.contains("12 label row(s) set aside"), "{err}");
    // Required, it is an error naming the project file and the input.
    let toml = fs::read_to_string(dir.path().join("stance.toml")).unwrap();
    fs::write(
        dir.path().join("stance.toml"),
        toml.replace("optional = true\n", ""),
    )
    .unwrap();
    let o = stance_in(dir.path(), &["labels", "check"], None);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("corpus \"pool\"") && err.contains("data/pool.jsonl"),
        "{err}"
    );
}

#[test]
fn the_shipped_store_passes_check_with_the_pool() {
    if shared_data("comments/pool.jsonl").is_none() {
        return;
    }
    let o = stance(&["labels", "check"]);
    assert!(o.status.success(), "{}", stderr(&o));
    // Every evaluation unit of the recorded split has all six labels, and
    // none of them is training data.
    let o = stance(&["labels", "stats", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let eval_units: u64 = v["by_source"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["split"] == "eval")
        .map(|c| c["units"].as_u64().unwrap())
        .sum();
    assert_eq!(eval_units, 24 + 329);
    assert!(v["rows"].as_u64().unwrap() >= 6 * (247 + 600));
}
