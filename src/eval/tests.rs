//! Hand-computed cases, resampling behaviour and properties of the metrics.

use std::collections::{BTreeMap, BTreeSet};

use proptest::prelude::*;

use super::*;

const STANCE: [&str; 3] = ["pro", "anti", "none"];
const POLAR: Option<(usize, usize)> = Some((0, 1));

fn close(a: f64, b: f64) {
    assert!((a - b).abs() < 1e-12, "{a} != {b}");
}

#[test]
fn hand_computed_three_class_case() {
    // gold [pro, pro, anti, anti, none, none]
    // pred [pro, anti, anti, anti, none, pro]
    //
    // confusion (rows gold, cols pred):   pro anti none   | support
    //                               pro     1    1    0   |   2
    //                               anti    0    2    0   |   2
    //                               none    1    0    1   |   2
    //                      predicted:       2    3    1
    // pro : P = 1/2, R = 1/2, F1 = 1/2
    // anti: P = 2/3, R = 2/2, F1 = 2·(2/3)·1 / (5/3) = 4/5
    // none: P = 1/1, R = 1/2, F1 = 2·1·(1/2) / (3/2) = 2/3
    // accuracy = trace / n = 4/6
    // macro-F1 = (1/2 + 4/5 + 2/3) / 3 = (15 + 24 + 20) / 90 = 59/90
    // f_avg    = (1/2 + 4/5) / 2 = 13/20
    let s = score(&[0, 0, 1, 1, 2, 2], &[0, 1, 1, 1, 2, 0], &STANCE, POLAR);
    assert_eq!(s.n, 6);
    assert_eq!(
        s.confusion.matrix,
        vec![vec![1, 1, 0], vec![0, 2, 0], vec![1, 0, 1]]
    );
    assert_eq!(s.confusion.labels, ["pro", "anti", "none"]);
    let expect = [
        ("pro", 1.0 / 2.0, 1.0 / 2.0, 1.0 / 2.0),
        ("anti", 2.0 / 3.0, 1.0, 4.0 / 5.0),
        ("none", 1.0, 1.0 / 2.0, 2.0 / 3.0),
    ];
    for (name, p, r, f) in expect {
        let c = &s.per_class[name];
        close(c.precision, p);
        close(c.recall, r);
        close(c.f1, f);
        assert_eq!(c.support, 2);
    }
    close(s.accuracy, 4.0 / 6.0);
    close(s.macro_f1, 59.0 / 90.0);
    close(s.f_avg.unwrap(), 13.0 / 20.0);
    assert!(s.intervals.is_none());
}

#[test]
fn never_predicted_class_scores_zero_not_nan() {
    // "none" is in gold once but never predicted: tp = 0, predicted = 0.
    let s = score(&[0, 1, 2], &[0, 1, 1], &STANCE, POLAR);
    let none = &s.per_class["none"];
    assert_eq!((none.precision, none.recall, none.f1), (0.0, 0.0, 0.0));
    assert_eq!(none.support, 1);
    // anti: P = 1/2, R = 1, F1 = 2/3; pro: F1 = 1.
    close(s.macro_f1, (1.0 + 2.0 / 3.0) / 3.0);
    close(s.f_avg.unwrap(), (1.0 + 2.0 / 3.0) / 2.0);
}

#[test]
fn zero_support_class_still_counts_in_macro_f1() {
    // "none" absent from gold and pred: F1 0, and it is averaged in.
    // pro: P = 1, R = 1/2, F1 = 2/3; anti: P = 1/2, R = 1, F1 = 2/3.
    let s = score(&[0, 0, 1], &[0, 1, 1], &STANCE, None);
    assert_eq!(s.per_class["none"].support, 0);
    assert_eq!(s.per_class["none"].f1, 0.0);
    close(s.macro_f1, 4.0 / 9.0);
    assert_eq!(s.f_avg, None);
}

#[test]
fn empty_input_gives_zeros() {
    let s = score(&[], &[], &STANCE, POLAR);
    assert_eq!(s.n, 0);
    assert_eq!((s.accuracy, s.macro_f1, s.f_avg), (0.0, 0.0, Some(0.0)));
    assert!(s.per_class.values().all(|c| c.f1 == 0.0 && c.support == 0));
    assert_eq!(s.confusion.total(), 0);
    let iv = bootstrap(&[], &[], &STANCE, POLAR, 100, 1);
    assert_eq!(iv.rounds, 0);
    assert_eq!(iv.accuracy, [0.0, 0.0]);
    assert!(render(&s, "empty").contains("accuracy"));
}

#[test]
#[should_panic(expected = "out of range")]
fn out_of_range_label_panics() {
    score(&[0, 3], &[0, 1], &STANCE, None);
}

#[test]
fn score_by_group_splits_examples() {
    let gold = [0, 0, 1, 1, 2, 2];
    let pred = [0, 1, 1, 1, 2, 0];
    let groups = ["a", "b", "a", "b", "a", "b"];
    let by = score_by_group(&gold, &pred, &groups, &STANCE, POLAR);
    assert_eq!(by.keys().collect::<Vec<_>>(), ["a", "b"]);
    // Group a: all three correct; group b: only the anti row is correct.
    assert_eq!(by["a"], score(&[0, 1, 2], &[0, 1, 2], &STANCE, POLAR));
    assert_eq!(by["b"], score(&[0, 1, 2], &[1, 1, 0], &STANCE, POLAR));
    assert_eq!(by["a"].n + by["b"].n, 6);
    close(by["a"].accuracy, 1.0);
    close(by["b"].accuracy, 1.0 / 3.0);
}

/// ~70% accurate predictions on 300 examples, from a fixed seed.
fn noisy_case() -> (Vec<usize>, Vec<usize>) {
    let mut rng = SplitMix64::new(42);
    let gold: Vec<usize> = (0..300).map(|_| rng.below(3)).collect();
    let pred = gold
        .iter()
        .map(|&g| if rng.below(10) < 7 { g } else { rng.below(3) })
        .collect();
    (gold, pred)
}

#[test]
fn bootstrap_brackets_point_estimate_and_is_seeded() {
    let (gold, pred) = noisy_case();
    let s = score(&gold, &pred, &STANCE, POLAR);
    let iv = bootstrap(&gold, &pred, &STANCE, POLAR, 1000, 11);
    let fa = iv.f_avg.unwrap();
    for ([lo, hi], point) in [
        (iv.accuracy, s.accuracy),
        (iv.macro_f1, s.macro_f1),
        (fa, s.f_avg.unwrap()),
    ] {
        assert!(lo < point && point < hi, "{lo} {point} {hi}");
        assert!(hi - lo < 0.25, "implausibly wide: {lo} {hi}");
    }
    assert_eq!(iv, bootstrap(&gold, &pred, &STANCE, POLAR, 1000, 11));
    let other = bootstrap(&gold, &pred, &STANCE, POLAR, 1000, 12);
    assert_ne!(
        (iv.accuracy, iv.macro_f1, iv.f_avg),
        (other.accuracy, other.macro_f1, other.f_avg)
    );
}

#[test]
fn bootstrap_is_independent_of_thread_count() {
    let (gold, pred) = noisy_case();
    let run = |threads| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| bootstrap(&gold, &pred, &STANCE, POLAR, 300, 5))
    };
    assert_eq!(run(1), run(4));
}

#[test]
fn bootstrap_with_zero_rounds_collapses_to_point() {
    let (gold, pred) = noisy_case();
    let s = score(&gold, &pred, &STANCE, None);
    let iv = bootstrap(&gold, &pred, &STANCE, None, 0, 5);
    assert_eq!(iv.rounds, 0);
    assert_eq!(iv.accuracy, [s.accuracy; 2]);
    assert_eq!(iv.f_avg, None);
    // Collapsed intervals are not presented as confidence intervals.
    let shown = render(
        &Scores {
            intervals: Some(iv),
            ..s
        },
        "t",
    );
    assert!(!shown.contains("CI"));
}

/// 30 groups (15 labelled 0, 9 labelled 1, 6 labelled 2 by their first row)
/// of 1–6 rows each; later rows carry other labels, and some groups get an
/// extra row at the very end so groups are not contiguous.
fn fold_case() -> (Vec<usize>, Vec<u64>, BTreeMap<u64, usize>) {
    let mut labels = Vec::new();
    let mut groups = Vec::new();
    let mut group_label = BTreeMap::new();
    for g in 0..30u64 {
        let label = match g % 10 {
            0..5 => 0,
            5..8 => 1,
            _ => 2,
        };
        group_label.insert(g + 100, label);
        for row in 0..=(g % 6) as usize {
            groups.push(g + 100);
            labels.push(if row == 0 { label } else { (label + row) % 3 });
        }
    }
    for g in (0..30u64).step_by(7) {
        groups.push(g + 100);
        labels.push(2);
    }
    (labels, groups, group_label)
}

#[test]
fn folds_keep_groups_whole_and_balance_labels() {
    let (labels, groups, group_label) = fold_case();
    let k = 4;
    let folds = stratified_group_folds(&labels, &groups, k, 9).unwrap();
    assert_eq!(folds.len(), labels.len());

    let mut fold_of_group: BTreeMap<u64, usize> = BTreeMap::new();
    for (&g, &f) in groups.iter().zip(&folds) {
        assert!(f < k);
        assert_eq!(*fold_of_group.entry(g).or_insert(f), f, "group {g} split");
    }
    let mut per_fold = vec![[0usize; 3]; k];
    for (g, &f) in &fold_of_group {
        per_fold[f][group_label[g]] += 1;
    }
    let totals = [15.0, 9.0, 6.0];
    for counts in &per_fold {
        assert!(counts.iter().sum::<usize>() > 0, "empty fold");
        for (label, &count) in counts.iter().enumerate() {
            let ideal = totals[label] / k as f64;
            assert!((count as f64 - ideal).abs() <= 1.0, "{per_fold:?}");
        }
    }

    assert_eq!(
        folds,
        stratified_group_folds(&labels, &groups, k, 9).unwrap()
    );
    assert_ne!(
        folds,
        stratified_group_folds(&labels, &groups, k, 10).unwrap()
    );
}

#[test]
fn folds_reject_bad_k() {
    let (labels, groups, _) = fold_case();
    assert!(stratified_group_folds(&labels, &groups, 1, 0).is_err());
    assert!(stratified_group_folds(&labels, &groups, 31, 0).is_err());
    assert!(stratified_group_folds(&labels, &groups, 30, 0).is_ok());
    assert!(stratified_group_folds(&[], &[], 2, 0).is_err());
    assert!(stratified_group_folds(&[0], &[1, 2], 2, 0).is_err());
}

#[test]
fn json_has_the_documented_keys() {
    let s = score(&[0, 0, 1, 1, 2, 2], &[0, 1, 1, 1, 2, 0], &STANCE, POLAR);
    let v = serde_json::to_value(&s).unwrap();
    let keys: BTreeSet<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    let want = [
        "accuracy",
        "confusion",
        "f_avg",
        "macro_f1",
        "n",
        "per_class",
    ];
    assert_eq!(keys, want.into_iter().collect());
    assert_eq!(v["confusion"]["matrix"][2][0], 1);
    assert_eq!(v["per_class"]["anti"]["support"], 2);

    // f_avg stays present (as null) without a polar pair; intervals appear
    // only when attached, and everything round-trips.
    let plain = score(&[0], &[0], &STANCE, None);
    assert!(serde_json::to_value(&plain).unwrap()["f_avg"].is_null());
    let with = Scores {
        intervals: Some(bootstrap(&[0, 1, 2], &[0, 1, 1], &STANCE, POLAR, 50, 3)),
        ..s
    };
    let text = serde_json::to_string(&with).unwrap();
    assert!(text.contains("\"intervals\""));
    assert_eq!(serde_json::from_str::<Scores>(&text).unwrap(), with);
}

#[test]
fn render_shows_scores_table_and_matrix() {
    let (gold, pred) = noisy_case();
    let mut s = score(&gold, &pred, &STANCE, POLAR);
    s.intervals = Some(bootstrap(&gold, &pred, &STANCE, POLAR, 200, 1));
    let out = render(&s, "stance / dev");
    for needle in [
        "stance / dev",
        "accuracy",
        "macro-F1",
        "F_avg",
        "95% CI [",
        "200 rounds, seed 1",
        "precision",
        "support",
        r"gold \ pred",
    ] {
        assert!(out.contains(needle), "missing {needle:?} in\n{out}");
    }
    assert!(out.contains(&format!("{:.4}", s.accuracy)));
    // One row per class in the table and in the matrix, in label order.
    let rows: Vec<&str> = out.lines().filter(|l| l.starts_with("pro ")).collect();
    assert_eq!(rows.len(), 2);
    let pro = out.find("\npro ").unwrap();
    let anti = out.find("\nanti ").unwrap();
    assert!(pro < anti);
    assert!(!render(&score(&gold, &pred, &STANCE, None), "x").contains("F_avg"));
}

#[test]
fn render_groups_one_row_per_group_with_confusion_cells() {
    // negation: gold [pro, anti, anti], pred [anti, anti, none]
    // plain:    gold [none, none],      pred [none, none]
    let groups = score_by_group(
        &[0, 1, 1, 2, 2],
        &[1, 1, 2, 2, 2],
        &["negation", "negation", "negation", "plain", "plain"],
        &STANCE,
        POLAR,
    );
    let out = render_groups(&groups, "per probe type");
    let row = |name: &str| {
        out.lines()
            .find(|l| l.starts_with(name))
            .unwrap_or_else(|| panic!("no {name} row in\n{out}"))
            .split_whitespace()
            .collect::<Vec<_>>()
    };
    assert_eq!(
        row("negation"),
        ["negation", "3", "0.3333", "0/1/0", "0/1/1", "0/0/0"]
    );
    assert_eq!(
        row("plain"),
        ["plain", "2", "1.0000", "0/0/0", "0/0/0", "0/0/2"]
    );
    assert!(out.contains("pro\u{2192}pro/anti/none"), "{out}");
    assert!(render_groups(&BTreeMap::new(), "x").contains("(no groups)"));
}

fn gold_pred() -> impl Strategy<Value = (usize, Vec<(usize, usize)>)> {
    (1usize..6).prop_flat_map(|k| (Just(k), prop::collection::vec((0..k, 0..k), 0..120)))
}

proptest! {
    #[test]
    fn scores_are_consistent((k, pairs) in gold_pred()) {
        let names: Vec<String> = (0..k).map(|i| format!("c{i}")).collect();
        let labels: Vec<&str> = names.iter().map(String::as_str).collect();
        let (gold, pred): (Vec<usize>, Vec<usize>) = pairs.into_iter().unzip();
        let polar = (k >= 2).then_some((0, 1));
        let s = score(&gold, &pred, &labels, polar);
        let n = gold.len();
        prop_assert_eq!(s.confusion.total(), n);
        let expected = if n == 0 { 0.0 } else { s.confusion.correct() as f64 / n as f64 };
        prop_assert!((s.accuracy - expected).abs() < 1e-12);
        let unit = |x: f64| (0.0..=1.0).contains(&x);
        prop_assert!(unit(s.accuracy) && unit(s.macro_f1));
        prop_assert!(s.f_avg.is_none_or(unit));
        for c in s.per_class.values() {
            prop_assert!(unit(c.precision) && unit(c.recall) && unit(c.f1));
        }
        prop_assert_eq!(s.per_class.values().map(|c| c.support).sum::<usize>(), n);
    }

    #[test]
    fn folds_never_split_groups(
        rows in prop::collection::vec((0usize..3, 0u64..12), 1..80),
        k in 2usize..6,
        seed in any::<u64>(),
    ) {
        let (labels, groups): (Vec<usize>, Vec<u64>) = rows.into_iter().unzip();
        let n_groups = groups.iter().collect::<BTreeSet<_>>().len();
        let result = stratified_group_folds(&labels, &groups, k, seed);
        if k > n_groups {
            prop_assert!(result.is_err());
        } else {
            let folds = result.unwrap();
            let mut seen = BTreeMap::new();
            for (g, f) in groups.iter().zip(&folds) {
                prop_assert_eq!(*seen.entry(g).or_insert(*f), *f);
            }
            prop_assert_eq!(seen.values().collect::<BTreeSet<_>>().len(), k);
        }
    }
}

#[test]
fn render_shows_calibration_with_non_empty_bins_only() {
    let proba = [[1.0f32, 0.0, 0.0], [0.5, 0.3, 0.2], [0.5, 0.3, 0.2]];
    let gold = [0, 0, 1];
    let scores = calibration_scores(&proba, &gold, 10);
    let mut s = score(&gold, &[0, 0, 0], &STANCE, POLAR);
    s.calibration = Some(CalibrationReport {
        probabilities: "made up for the test".into(),
        scores: scores.clone(),
        cross_fitted: Some(CrossFitted {
            probabilities: "also made up".into(),
            temperatures: vec![0.5, 2.0],
            scores,
        }),
    });
    let out = render(&s, "t");
    assert!(out.contains("probabilities: made up for the test"), "{out}");
    assert!(out.contains("recalibrated: also made up"), "{out}");
    assert!(out.contains("temperature per fold: 0.500 2.000"), "{out}");
    // ECE: bin [0.5, 0.6) has confidence 0.5, accuracy 0.5; bin [0.9, 1]
    // is exact: 0.
    assert!(out.contains("ECE        0.0000"), "{out}");
    assert!(
        out.contains("[0.50, 0.60)        2      0.5000    0.5000"),
        "{out}"
    );
    assert!(
        out.contains("[0.90, 1.00]        1      1.0000    1.0000"),
        "{out}"
    );
    // Empty bins are left out of the text (kept in JSON).
    assert!(!out.contains("[0.00, 0.10)"), "{out}");
    assert_eq!(out.matches("mean conf  accuracy").count(), 2);
}
