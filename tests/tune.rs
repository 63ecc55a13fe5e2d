//! `stance train --tune`: the search is printed, stored in the model, and
//! deterministic; the model is trained with the setting it reports best.

mod common;

use common::*;
use std::fs;

const SEED_LABELS: [&str; 3] = [
    "labels/000_d5edc36da2d9ba8b.csv",
    "labels/001_83e1abe56069c214.csv",
    "labels/002_7e72c071a9cad5df.csv",
];

fn tune(out: &std::path::Path) -> std::process::Output {
    let mut args = vec!["train", "--data"];
    args.extend(SEED_LABELS);
    let out = out.to_str().unwrap();
    args.extend(["--tune", "--tune-folds", "3", "-o", out]);
    stance(&args)
}

#[test]
fn tune_prints_stores_and_repeats_its_search() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.model"), dir.path().join("b.model"));
    let o = tune(&a);
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("setting") && err.contains("base"), "{err}");
    // The base is `stance train`'s default (per-target SVM, C 0.1): the
    // search tries the alternatives to it.
    assert!(
        err.contains("svm, C 0.03") && err.contains("pooled head"),
        "{err}"
    );

    let meta: serde_json::Value =
        serde_json::from_slice(&fs::read(a.with_extension("meta.json")).unwrap()).unwrap();
    let search: serde_json::Value =
        serde_json::from_str(meta["tuning_json"].as_str().expect("search stored")).unwrap();
    let trials = search["trials"].as_array().unwrap();
    assert!(trials.len() >= 10, "{} trials", trials.len());
    // The settings trained with are the search's best, and the best is the
    // last kept trial: no trial scored higher than it.
    assert_eq!(search["best"], meta["params"]);
    let f = |t: &serde_json::Value| t["f_avg"].as_f64().unwrap();
    let kept = trials.iter().rev().find(|t| t["kept"] == true).unwrap();
    assert!(trials.iter().all(|t| f(t) <= f(kept)));

    let o = tune(&b);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        fs::read(&a).unwrap(),
        fs::read(&b).unwrap(),
        "not deterministic"
    );
}
