//! Behavioural floors of the shipped model on the CheckList-style probe
//! suite (tests/fixtures/checklist/, README there): one accuracy per
//! capability, because a pooled score hides a model that gets plain
//! statements right and every negation wrong.
//!
//! The suite is a test, not a development set: no setting is chosen on it.
//! `cargo test --release --test checklist -- --nocapture` prints the table.

mod common;

use std::collections::BTreeMap;

use common::*;
use stance::dataset::{DataOptions, read_data};
use stance::eval::render_groups;
use stance::model::StanceModel;
use stance::model::evaluate::{predict, report};

const PROBES: &str = "tests/fixtures/checklist/probes.jsonl";

/// Minimum accuracy per probe type for the shipped model.
///
/// The targets (issue 11) are 0.90 on every plain type, 0.75 on negation
/// and on contrast, 0.90 when the target is not named. The shipped model
/// (`mixed-lexicon-logistic-v4`: clause-aware context, the litotes rule,
/// stance idioms) meets them on 11 of the 13 floored types that have one
/// (7 of 9 plain types, negation 0.86, contrast 0.81, both not-mentioned
/// types; the pooled 342 plain probes: 0.953); where it does not, the
/// floor sits just under what it measures (so a regression fails) and
/// [`TARGETS`] keeps the goal in view: plain_neutral_name 0.875 ("The
/// national football team of X plays" reads pro), plain_neutral_leader
/// 0.67 (neutral news about a leader read as pro or anti: NewsMTSC's
/// leader sentences). Informal comments sit at 0.85: fused hashtags
/// (`#StandWithPakistan`) are invisible to whole-word mention matching.
/// Zero-shot plain statements (`Nepal`, in no training set and not in the
/// actors file) get 0.958.
const FLOORS: [(&str, f64); 15] = [
    ("plain_pro_name", 0.95),
    ("plain_anti_name", 0.95),
    ("plain_neutral_name", 0.85),
    ("plain_pro_capital", 0.90),
    ("plain_anti_capital", 0.90),
    ("plain_neutral_capital", 0.90),
    ("plain_pro_leader", 0.90),
    ("plain_anti_leader", 0.90),
    ("plain_neutral_leader", 0.60),
    ("negation", 0.82),
    ("contrast", 0.78),
    ("not_mentioned", 0.90),
    ("informal", 0.80),
    ("zero_shot_plain", 0.90),
    ("zero_shot_not_mentioned", 0.90),
];

/// The issue's targets where the floors above are lower: printed beside
/// the measured accuracy, so the gap is visible in every test run.
const TARGETS: [(&str, f64); 2] = [("plain_neutral_name", 0.90), ("plain_neutral_leader", 0.90)];

/// Types printed but not asserted: too few probes (9 to 20) for a floor to
/// mean anything, or (demonyms) a capability no one has built yet.
const REPORTED_ONLY: [&str; 4] = [
    "zero_shot_negation",
    "zero_shot_contrast",
    "zero_shot_informal",
    "zero_shot_demonym",
];

#[test]
fn shipped_model_meets_the_behavioural_floors() {
    let model = StanceModel::load(&root().join("models/default.model")).expect("default model");
    let data = read_data(&[root().join(PROBES)], &[], &DataOptions::default());
    assert!(data.rejected.is_empty(), "{:?}", data.rejected);
    assert!(data.stance.len() >= 300, "{} probes", data.stance.len());
    let r = report(&predict(&model, &data), 0, 42);
    println!(
        "{}",
        render_groups(&r.per_type, "checklist: accuracy per probe type")
    );

    // Every type in the suite is either floored or knowingly reported only,
    // so a new type cannot slip through untested, and every floored type
    // is present with enough probes for its floor to be more than noise.
    let known: Vec<&str> = FLOORS
        .iter()
        .map(|(t, _)| *t)
        .chain(REPORTED_ONLY)
        .collect();
    for t in r.per_type.keys() {
        assert!(known.contains(&t.as_str()), "probe type {t} has no floor");
    }
    let mut failed: BTreeMap<&str, String> = BTreeMap::new();
    for (t, floor) in FLOORS {
        let s = r.per_type.get(t).unwrap_or_else(|| panic!("no {t} probes"));
        assert!(s.n >= 16, "{t}: only {} probes", s.n);
        if s.accuracy < floor {
            failed.insert(t, format!("{:.4} < {floor} (n = {})", s.accuracy, s.n));
        }
    }
    for (t, target) in TARGETS {
        let a = r.per_type[t].accuracy;
        let verdict = if a >= target { "met" } else { "NOT met" };
        println!("target {t}: {a:.4} vs {target} ({verdict})");
    }
    assert!(failed.is_empty(), "below the floor: {failed:#?}");
}

#[test]
fn eval_json_reports_per_type_scores() {
    let o = stance(&[
        "eval",
        "--model",
        "models/default.model",
        "--data",
        PROBES,
        "--json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    let per_type = v["per_type"].as_object().expect("per_type object");
    for t in FLOORS.iter().map(|(t, _)| *t).chain(REPORTED_ONLY) {
        let s = &per_type[t];
        let n = s["n"].as_u64().unwrap_or_else(|| panic!("{t}: no n"));
        let acc = s["accuracy"].as_f64().expect("accuracy");
        assert!((0.0..=1.0).contains(&acc), "{t}: accuracy {acc}");
        let matrix: u64 = s["confusion"]["matrix"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|row| row.as_array().unwrap())
            .map(|c| c.as_u64().unwrap())
            .sum();
        assert_eq!(matrix, n, "{t}: confusion counts every probe");
    }
    let typed: u64 = per_type.values().map(|s| s["n"].as_u64().unwrap()).sum();
    assert_eq!(typed, v["n"].as_u64().unwrap(), "every probe has a type");

    let text = stance(&["eval", "--model", "models/default.model", "--data", PROBES]);
    assert!(text.status.success(), "{}", stderr(&text));
    let out = stdout(&text);
    assert!(out.contains("stance per probe type"), "{out}");
    assert!(
        out.lines()
            .any(|l| l.starts_with("negation ") && l.contains('/')),
        "{out}"
    );
}

/// The four comments issue 11 opened with, scored as a user would
/// (`stance score` of `{text, target}` lines with the shipped model): the
/// old model called the first two anti and the last two none.
#[test]
fn the_issue_table_comes_out_right() {
    let cases = [
        ("I love India.", "IND", "pro"),
        (
            "India is a wonderful democracy and a great friend.",
            "IND",
            "pro",
        ),
        ("I hate Pakistan, it is a terrorist state.", "PAK", "anti"),
        (
            "Russia is a brutal aggressor and Putin is a war criminal.",
            "RUS",
            "anti",
        ),
    ];
    let input: String = cases
        .iter()
        .map(|(text, target, _)| {
            serde_json::json!({"text": text, "target": target}).to_string() + "\n"
        })
        .collect();
    let o = stance_stdin(
        &["score", "--model", "models/default.model", "-"],
        input.as_bytes(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let got = json_lines(&stdout(&o));
    assert_eq!(got.len(), cases.len());
    for (line, (text, target, want)) in got.iter().zip(cases) {
        let a = &line["actors"][0];
        assert_eq!(a["actor"], target, "{text}");
        assert_eq!(a["stance"], want, "{text}: {line}");
        assert_eq!(a["mentioned"], true, "{text}");
    }
}
