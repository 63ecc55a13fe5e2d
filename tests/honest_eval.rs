//! Issue 13, part 4: evaluations that cannot fool their user. A model
//! records what it was trained on; `eval` leaves those units out (and says
//! how many); `retrain` compares on units neither model saw, says what
//! changed, and does nothing when nothing did; `models` names each
//! metric's test set and n. All on temp copies of the seeds' store.

mod common;

use std::fs;
use std::path::Path;

use common::{retrain_workspace, stance_in, stderr, stdout};

fn train_all(w: &Path, out: &str) {
    let o = stance_in(
        w,
        &["train", "--data", "labels", "--split", "all", "-o", out],
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
}

/// The number of pooled stance rows an eval table reports.
fn n_of(out: &str) -> usize {
    let line = out.lines().find(|l| l.starts_with("n ")).expect("n line");
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

#[test]
fn eval_leaves_out_the_units_a_model_was_trained_on() {
    let dir = retrain_workspace();
    let w = dir.path();
    train_all(w, "all.model");
    let eval = |extra: &[&str]| {
        let mut args = vec!["eval", "--model", "all.model", "--data", "labels"];
        args.extend_from_slice(extra);
        stance_in(w, &args, None)
    };
    // Trained on every unit: nothing honest is left to score it on.
    let o = eval(&["--split", "all"]);
    let err = stderr(&o);
    assert!(err.contains("left out"), "{err}");
    assert!(err.contains("the model was trained on"), "{err}");
    assert!(err.contains("--include-train"), "{err}");
    // --include-train scores them, with a warning.
    let o = eval(&["--split", "all", "--include-train"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("optimistic"), "{}", stderr(&o));
    let all = n_of(&stdout(&o));
    assert!(all > 1000, "{all}");

    // A model trained on the train split overlaps none of the eval split.
    let o = stance_in(w, &["train", "--data", "labels", "-o", "train.model"], None);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = stance_in(
        w,
        &["eval", "--model", "train.model", "--data", "labels"],
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("none of these units were in the model's training data"),
        "{}",
        stderr(&o)
    );
    // ... but of the whole store, its training units are left out.
    let o = stance_in(
        w,
        &[
            "eval",
            "--model",
            "train.model",
            "--data",
            "labels",
            "--split",
            "all",
        ],
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("left out"), "{}", stderr(&o));
    assert!(n_of(&stdout(&o)) < all);
}

/// A model from before the record (the seed model) is evaluated, and the
/// output says it cannot tell which units it saw; the shipped default has
/// the record, and the output says none of the evaluated units were in it.
#[test]
fn a_model_without_a_record_is_flagged() {
    let dir = retrain_workspace();
    let seeds_model = "models/seeds-paragraphs-svm-c0.1.model";
    fs::copy(
        common::root().join(seeds_model),
        dir.path().join(seeds_model),
    )
    .unwrap();
    let eval = |model: &str| {
        let o = stance_in(
            dir.path(),
            &["eval", "--model", model, "--data", "labels"],
            None,
        );
        assert!(o.status.success(), "{}", stderr(&o));
        stderr(&o)
    };
    let old = eval(seeds_model);
    assert!(old.contains("records no training units"), "{old}");
    let shipped = eval("models/default.model");
    assert!(!shipped.contains("records no training units"), "{shipped}");
}

#[test]
fn retrain_compares_on_units_the_default_did_not_see() {
    let dir = retrain_workspace();
    let w = dir.path();
    // A default trained on every comment, the held-out ones included,
    // before one paragraph was labelled.
    let file = w.join("labels/004_2919847f946a5520.csv");
    let text = fs::read_to_string(&file).unwrap();
    let without: Vec<&str> = text
        .lines()
        .filter(|l| !l.starts_with("004_2919847f946a5520,p1,"))
        .collect();
    fs::write(&file, without.join("\n") + "\n").unwrap();
    train_all(w, "models/default.model");
    fs::write(&file, &text).unwrap();
    let o = stance_in(w, &["retrain"], None);
    let err = stderr(&o);
    assert!(matches!(o.status.code(), Some(0 | 3)), "{err}");
    assert!(
        err.contains("held-out unit(s)") && err.contains("the default was trained on"),
        "{err}"
    );
    // Every held-out comment was seen by that default: no held-out table,
    // so no held-out score of a model on its own training data.
    assert!(
        !stdout(&o).contains("held-out comments ("),
        "{}",
        stdout(&o)
    );
}

fn registry_len(w: &Path) -> usize {
    let reg: serde_json::Value =
        serde_json::from_slice(&fs::read(w.join("models/registry.json")).unwrap()).unwrap();
    reg["models"].as_array().unwrap().len()
}

#[test]
fn retrain_says_what_changed_and_does_nothing_without_new_labels() {
    let dir = retrain_workspace();
    let w = dir.path();
    // Take one paragraph's labels out, retrain (forced, so the candidate,
    // which records its training labels, becomes the default).
    let file = w.join("labels/004_2919847f946a5520.csv");
    let text = fs::read_to_string(&file).unwrap();
    let (p1, rest): (Vec<&str>, Vec<&str>) = text
        .lines()
        .skip(1)
        .partition(|l| l.starts_with("004_2919847f946a5520,p1,"));
    assert_eq!(p1.len(), 6);
    let header = text.lines().next().unwrap();
    fs::write(&file, format!("{header}\n{}\n", rest.join("\n"))).unwrap();
    let o = stance_in(w, &["retrain", "--force", "--reason", "start"], None);
    assert!(o.status.success(), "{}", stderr(&o));
    let kept = registry_len(w);

    // Nothing new: said, nothing trained or kept, exit 0.
    let o = stance_in(w, &["retrain"], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("no new labels"), "{}", stderr(&o));
    assert!(stdout(&o).is_empty(), "{}", stdout(&o));
    assert_eq!(registry_len(w), kept);

    // The paragraph's labels back: six new labels, one per actor.
    fs::write(&file, &text).unwrap();
    let o = stance_in(w, &["retrain"], None);
    assert!(matches!(o.status.code(), Some(0 | 3)), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("6 stance label(s) the default was not trained on"),
        "{err}"
    );
    for actor in ["PAK", "RUS", "CHN", "USA", "IND", "AFG"] {
        assert!(
            err.lines()
                .any(|l| l.contains(actor) && l.contains("paragraph") && l.ends_with(" 1")),
            "{actor}: {err}"
        );
    }
    // Same settings: the cross-validation tables would be equal by
    // construction and are not shown as evidence.
    assert!(
        stdout(&o).contains("cross-validation: not run"),
        "{}",
        stdout(&o)
    );
    assert_eq!(registry_len(w), kept + 1);

    // models: each metric with its test set and n.
    let o = stance_in(w, &["models"], None);
    let out = stdout(&o);
    assert!(out.contains("measured on"), "{out}");
    assert!(out.contains("held-out comments (retrain)"), "{out}");
}
