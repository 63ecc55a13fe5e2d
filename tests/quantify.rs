//! End-to-end: `stance report --method` with a model that carries
//! out-of-fold data, and `stance eval --quantify`.

mod common;

use common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use stance::dataset::{DataOptions, read_data};
use stance::labels::splits::Split;
use stance::model::{file, fill_out_of_fold};
use stance::project::{Corpus, Project, ProjectUnits};

const SEED_LABELS: [&str; 5] = [
    "labels/000_d5edc36da2d9ba8b.csv",
    "labels/001_83e1abe56069c214.csv",
    "labels/002_7e72c071a9cad5df.csv",
    "labels/003_634046a7062ad050.csv",
    "labels/004_2919847f946a5520.csv",
];

/// A model trained by `stance train` on the seed paragraphs, with 5-fold
/// out-of-fold scores of the same data added; made once per test run.
fn model_with_oof() -> &'static Path {
    static MODEL: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    let (_, path) = MODEL.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("oof.model");
        let mut args = vec!["train", "--data"];
        args.extend(SEED_LABELS);
        args.extend([
            "--model-kind",
            "svm",
            "--c",
            "0.1",
            "-o",
            path.to_str().unwrap(),
        ]);
        let o = stance(&args);
        assert!(o.status.success(), "{}", stderr(&o));
        // The same training data, read as `stance train` read it.
        let project = Project::load(&root().join("stance.toml")).unwrap();
        let seeds = Corpus {
            name: "seeds".into(),
            inputs: vec![root().join("seeds").display().to_string()],
            optional: false,
            whole_documents: true,
        };
        let units = ProjectUnits::read(&[&seeds], &[]).units;
        let inputs: Vec<PathBuf> = SEED_LABELS.iter().map(|p| root().join(p)).collect();
        let opts = DataOptions {
            kinds: vec![],
            split: Some(Split::Train),
            splits: project.split_rule().unwrap(),
            set_aside_unknown_docs: false,
            actors: None,
        };
        let data = read_data(&inputs, &units, &opts);
        assert!(data.rejected.is_empty() && !data.stance.is_empty());
        let mut model = file::load(&path).unwrap();
        assert_eq!(model.meta.n_stance, data.stance.len(), "same data as train");
        fill_out_of_fold(&mut model, &data, 5, 42).unwrap();
        file::save(&model, &path).unwrap();
        (dir, path)
    });
    path
}

fn report(model: &Path, method: &str, format: &str, threads: &str) -> String {
    let scores = root().join("tests/fixtures/golden/seeds.jsonl");
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_stance"))
        .args(["report", "--scores", scores.to_str().unwrap(), "--model"])
        .arg(model)
        .args(["--method", method, "--format", format, "--bootstrap", "300"])
        .env("RAYON_NUM_THREADS", threads)
        .current_dir(root())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    stdout(&o)
}

fn predicted(v: &Value) -> Vec<&Value> {
    v.as_array()
        .unwrap()
        .iter()
        .flat_map(|a| a["sections"].as_array().unwrap())
        .filter(|s| s["source"] == "predicted")
        .collect()
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap()
}

#[test]
fn report_pacc_corrects_shares_and_says_how() {
    let model = model_with_oof();
    let json = report(model, "pacc", "json", "2");
    // Deterministic, whatever the thread count.
    assert_eq!(json, report(model, "pacc", "json", "1"));
    let v: Value = serde_json::from_str(&json).unwrap();
    let sections = predicted(&v);
    // Five articles' paragraphs; only the first has comments.
    assert_eq!(sections.len(), 6);
    let mut corrected = 0;
    for s in &sections {
        let e = &s["estimate"];
        assert_eq!(
            (e["method"].as_str(), e["requested"].as_str()),
            (Some("pacc"), Some("pacc"))
        );
        assert_eq!(e["intervals"], "bootstrap");
        assert_eq!(e["rounds"], 300);
        // 223 training paragraphs × 6 actors.
        assert_eq!(e["labelled_pairs"], 1338);
        let m = &e["measured"];
        assert_eq!(m["documents"], 5);
        assert!(f(&m["mae"]) > 0.0 && f(&m["mae"]) < 0.5, "{m}");
        for a in s["actors"].as_array().unwrap() {
            let shares = [f(&a["pro_share"]), f(&a["anti_share"]), f(&a["none_share"])];
            assert!((shares.iter().sum::<f64>() - 1.0).abs() < 1e-9, "{a}");
            for (share, ci) in shares.iter().zip(["pro_ci", "anti_ci", "none_ci"]) {
                let (lo, hi) = (f(&a[ci][0]), f(&a[ci][1]));
                assert!((0.0..=1.0).contains(&lo) && lo <= hi && hi <= 1.0, "{a}");
                assert!(*share >= 0.0 && *share <= 1.0);
            }
            assert!((f(&a["net"]) - (shares[0] - shares[1])).abs() < 1e-12);
            assert!(
                matches!(a["method"].as_str(), Some("pacc") | Some("cc")),
                "{a}"
            );
            let n = (a["pro"].as_u64().unwrap()
                + a["anti"].as_u64().unwrap()
                + a["none"].as_u64().unwrap()) as f64;
            if (shares[0] - a["pro"].as_u64().unwrap() as f64 / n).abs() > 1e-6 {
                corrected += 1;
            }
        }
    }
    assert!(
        corrected > 10,
        "PACC should move shares off the counts: {corrected}"
    );
    // cc on the same model: the counts' shares and Wilson intervals.
    let v: Value = serde_json::from_str(&report(model, "cc", "json", "2")).unwrap();
    for s in predicted(&v) {
        assert_eq!(s["estimate"]["method"], "cc");
        assert_eq!(s["estimate"]["intervals"], "wilson");
        assert!(s["estimate"]["measured"]["mae"].is_number());
        for a in s["actors"].as_array().unwrap() {
            let n = s["units"].as_u64().unwrap();
            let pro = a["pro"].as_u64().unwrap();
            assert!((f(&a["pro_share"]) - pro as f64 / n as f64).abs() < 1e-12);
            let w = stance::report::wilson(pro as usize, n as usize);
            assert!(
                (f(&a["pro_ci"][0]) - w[0]).abs() < 1e-12
                    && (f(&a["pro_ci"][1]) - w[1]).abs() < 1e-12
            );
        }
    }
}

#[test]
fn every_format_names_the_method_and_carries_the_intervals() {
    let model = model_with_oof();
    let table = report(model, "pacc", "table", "2");
    // The model's measured quality comes first, then the method.
    assert!(table.starts_with("model quality"), "{table}");
    let first = table.lines().nth(1).unwrap();
    assert!(
        first.starts_with("shares: pacc (probabilistic adjusted"),
        "{first}"
    );
    for part in [
        "1338 labelled out-of-fold pairs",
        "bootstrap over units and labelled pairs",
        "measured error",
        "MAE",
    ] {
        assert!(first.contains(part), "{part}: {first}");
    }
    let csv = report(model, "pacc", "csv", "2");
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert!(rows.iter().all(|r| r.len() == header.len()));
    assert!(
        rows.iter()
            .all(|r| r[col("intervals")] == "bootstrap" && !r[col("method_mae")].is_empty())
    );
    assert!(rows.iter().any(|r| r[col("method")] == "pacc"));
    assert!(
        rows.iter()
            .all(|r| r[col("none_ci_lo")].parse::<f64>().unwrap()
                <= r[col("none_ci_hi")].parse::<f64>().unwrap())
    );
    let html = report(model, "pacc", "html", "2");
    // The model card's quantification field carries the method's hooks.
    assert!(html.contains("<dd data-field=\"method\" data-method=\"pacc\" data-requested=\"pacc\" data-intervals=\"bootstrap\" data-mae=\""), "method field");
    assert!(html.contains(
        "data-source=\"predicted\" data-part=\"comments\" data-units=\"24\" data-method=\"pacc\""
    ));
}

#[test]
fn without_out_of_fold_data_the_report_falls_back_to_cc_and_says_so() {
    // The same model with its out-of-fold data taken out.
    let dir = tempfile::tempdir().unwrap();
    let shipped = dir.path().join("plain.model");
    let mut model = file::load(model_with_oof()).unwrap();
    model.meta.out_of_fold = None;
    file::save(&model, &shipped).unwrap();
    let table = report(&shipped, "pacc", "table", "2");
    let first = table.lines().nth(1).unwrap();
    assert!(
        first.starts_with("shares: cc (classify and count)"),
        "{first}"
    );
    assert!(
        first.contains("pacc asked for, but the model has no out-of-fold data"),
        "{first}"
    );
    let v: Value = serde_json::from_str(&report(&shipped, "em", "json", "2")).unwrap();
    for s in predicted(&v) {
        assert_eq!(
            (
                s["estimate"]["method"].as_str(),
                s["estimate"]["requested"].as_str()
            ),
            (Some("cc"), Some("em"))
        );
        assert!(s["estimate"]["measured"].is_null());
    }
}

#[test]
fn eval_quantify_prints_a_table_of_methods() {
    let mut args = vec!["eval", "--cv", "3", "--quantify", "--data"];
    args.extend(SEED_LABELS);
    args.extend(["--model-kind", "svm", "--c", "0.1", "--bags", "5"]);
    let o = stance(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("1338 labelled pairs in 5 documents"), "{out}");
    for m in [
        "cc",
        "pcc",
        "acc",
        "pacc",
        "em",
        "acc/pooled",
        "pacc/pooled",
        "em/pooled",
    ] {
        assert!(
            out.lines().any(|l| l.split_whitespace().next() == Some(m)),
            "{m}: {out}"
        );
    }
    assert!(out.contains("best (lowest MAE over all cells)"), "{out}");
    // Deterministic: the same table again.
    assert_eq!(stdout(&stance(&args)), out);
    let o = stance(&["eval", "--quantify", "--model", "models/default.model"]);
    assert_eq!(o.status.code(), Some(2), "--quantify needs --cv");
    assert!(stderr(&o).contains("give --cv"), "{}", stderr(&o));
}
