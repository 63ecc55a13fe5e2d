use super::*;
use crate::eval::SplitMix64;

fn close(a: [f64; 3], b: [f64; 3], tol: f64) -> bool {
    (0..3).all(|k| (a[k] - b[k]).abs() <= tol)
}

/// A one-hot-ish probability vector whose argmax is `k`.
fn hard(k: usize) -> [f64; 3] {
    let mut p = [0.1; 3];
    p[k] = 0.8;
    p
}

/// Columns y = pro, anti, none of P(ŷ | y): a classifier that confuses
/// neutral units with anti ones more than the reverse.
const M: [[f64; 3]; 3] = [[0.7, 0.1, 0.05], [0.1, 0.6, 0.05], [0.2, 0.3, 0.9]];

/// Labelled pairs realising `M` exactly: 100 per gold class, `M[i][j]·100`
/// of class j predicted as i.
fn labelled_from_matrix() -> (Vec<usize>, Vec<[f64; 3]>) {
    let (mut gold, mut proba) = (Vec::new(), Vec::new());
    for j in 0..3 {
        for (i, row) in M.iter().enumerate() {
            for _ in 0..(row[j] * 100.0).round() as usize {
                gold.push(j);
                proba.push(hard(i));
            }
        }
    }
    (gold, proba)
}

#[test]
fn solve3_by_hand() {
    // 2x + y = 4, x + 3y + z = 10, y + 4z = 14 → x = 1, y = 2, z = 3.
    let x = solve3(
        [[2.0, 1.0, 0.0], [1.0, 3.0, 1.0], [0.0, 1.0, 4.0]],
        [4.0, 10.0, 14.0],
    )
    .unwrap();
    assert!(close(x, [1.0, 2.0, 3.0], 1e-12), "{x:?}");
    // A zero row (a class the classifier never predicts) is singular.
    assert_eq!(
        solve3(
            [[0.0; 3], [0.5, 1.0, 0.0], [0.5, 0.0, 1.0]],
            [0.0, 0.5, 0.5]
        ),
        None
    );
}

#[test]
fn clipping_keeps_the_ratio_of_the_rest() {
    assert!(close(
        clip_to_simplex([-0.1, 0.33, 0.77]),
        [0.0, 0.3, 0.7],
        1e-12
    ));
    assert!(close(
        clip_to_simplex([0.2, 0.3, 0.5]),
        [0.2, 0.3, 0.5],
        1e-15
    ));
    assert!(close(
        clip_to_simplex([f64::NAN, -1.0, 0.0]),
        [1.0 / 3.0; 3],
        1e-15
    ));
}

#[test]
fn acc_recovers_the_true_shares_of_an_expected_test_set() {
    let (gold, proba) = labelled_from_matrix();
    let stats = ErrorStats::from_pairs(&gold, &proba);
    // True shares 0.2 / 0.3 / 0.5 of 1000 units; in expectation M p of
    // them are predicted as each class: 195, 225, 580.
    let truth = [0.2, 0.3, 0.5];
    let mut test = Vec::new();
    for (i, k) in [195, 225, 580].into_iter().enumerate() {
        test.extend(std::iter::repeat_n(hard(i), k));
    }
    let cc = estimate(Method::Cc, Some(&stats), &test);
    assert!(close(cc.shares, [0.195, 0.225, 0.58], 1e-12), "{cc:?}");
    let acc = estimate(Method::Acc, Some(&stats), &test);
    assert!(!acc.fell_back && acc.method == Method::Acc);
    assert!(close(acc.shares, truth, 1e-12), "{acc:?}");
}

#[test]
fn pacc_recovers_the_true_shares_when_each_class_has_its_own_probabilities() {
    // Every unit of gold class j gets the probabilities v[j], so
    // E[p̂ | y = j] = v[j] and PCC on a test set with shares p is V p.
    let v = [[0.5, 0.2, 0.3], [0.15, 0.45, 0.4], [0.2, 0.2, 0.6]];
    let gold: Vec<usize> = (0..30).map(|i| i % 3).collect();
    let proba: Vec<[f64; 3]> = gold.iter().map(|&g| v[g]).collect();
    let stats = ErrorStats::from_pairs(&gold, &proba);
    let mut test = Vec::new();
    for (j, k) in [100, 0, 300].into_iter().enumerate() {
        test.extend(std::iter::repeat_n(v[j], k));
    }
    let pcc = estimate(Method::Pcc, None, &test);
    assert!(close(pcc.shares, [0.275, 0.2, 0.525], 1e-12), "{pcc:?}");
    let pacc = estimate(Method::Pacc, Some(&stats), &test);
    assert!(close(pacc.shares, [0.25, 0.0, 0.75], 1e-12), "{pacc:?}");
}

#[test]
fn adjusted_methods_fall_back_to_cc_with_a_flag() {
    let test = vec![hard(0), hard(2), hard(2), hard(2)];
    let cc = [0.25, 0.0, 0.75];
    // No labelled pairs at all.
    for m in [Method::Acc, Method::Pacc, Method::Em] {
        let e = estimate(m, None, &test);
        assert!(e.fell_back && e.method == Method::Cc, "{m}");
        assert!(close(e.shares, cc, 1e-12));
    }
    // No labelled "anti" pair: a column of M and EM's prior are unknown.
    let stats = ErrorStats::from_pairs(&[0, 2, 2], &[hard(0), hard(2), hard(1)]);
    for m in [Method::Acc, Method::Pacc, Method::Em] {
        assert!(estimate(m, Some(&stats), &test).fell_back, "{m}");
    }
    // A classifier that never predicts "anti": ACC's matrix is singular.
    let stats = ErrorStats::from_pairs(&[0, 1, 2], &[hard(0), hard(2), hard(2)]);
    assert!(estimate(Method::Acc, Some(&stats), &test).fell_back);
    // CC and PCC never fall back; an empty set is all zeros.
    assert!(!estimate(Method::Pcc, None, &test).fell_back);
    assert_eq!(estimate(Method::Pacc, None, &[]).shares, [0.0; 3]);
}

/// Synthetic world: a discrete feature x in 0..6 with class-conditional
/// P(x | y), and a classifier that outputs the exact posterior under the
/// training prior. Labelled pairs follow `train`, the test set `test`.
fn world(train: [f64; 3], test: [f64; 3], n: usize, seed: u64) -> (ErrorStats, Vec<[f64; 3]>) {
    let px: [[f64; 6]; 3] = [
        [0.6, 0.2, 0.1, 0.05, 0.03, 0.02],
        [0.03, 0.1, 0.6, 0.2, 0.05, 0.02],
        [0.02, 0.03, 0.05, 0.1, 0.3, 0.5],
    ];
    let posterior = |x: usize| {
        let w: [f64; 3] = std::array::from_fn(|y| train[y] * px[y][x]);
        let s: f64 = w.iter().sum();
        w.map(|v| v / s)
    };
    let mut rng = SplitMix64::new(seed);
    let mut uniform = move || (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
    let mut pick = |dist: &[f64]| {
        let u = uniform();
        let mut acc = 0.0;
        for (i, p) in dist.iter().enumerate() {
            acc += p;
            if u < acc {
                return i;
            }
        }
        dist.len() - 1
    };
    let mut stats = ErrorStats::default();
    for _ in 0..n {
        let y = pick(&train);
        stats.add(y, &posterior(pick(&px[y])));
    }
    let units: Vec<[f64; 3]> = (0..n)
        .map(|_| {
            let y = pick(&test);
            posterior(pick(&px[y]))
        })
        .collect();
    (stats, units)
}

#[test]
fn em_converges_to_the_test_prior_of_calibrated_posteriors() {
    let (train, test) = ([0.3, 0.3, 0.4], [0.1, 0.2, 0.7]);
    let (stats, units) = world(train, test, 20_000, 11);
    assert!(close(stats.prior(), train, 0.02), "{:?}", stats.prior());
    let (prior, iters) = em(stats.prior(), &units).unwrap();
    assert!(iters < EM_MAX_ITER, "did not converge");
    assert!(close(prior, test, 0.02), "{prior:?}");
    // PCC stays pulled toward the training prior; EM does not.
    let pcc = probabilistic_classify_and_count(&units);
    assert!((pcc[2] - 0.7).abs() > 0.05, "{pcc:?}");
    let e = estimate(Method::Em, Some(&stats), &units);
    assert_eq!(e.shares, prior);
    // No shift: EM stays at the training prior.
    let (stats, units) = world(train, train, 20_000, 12);
    let (prior, _) = em(stats.prior(), &units).unwrap();
    assert!(close(prior, train, 0.02), "{prior:?}");
}

#[test]
fn methods_parse_and_print() {
    for m in Method::ALL {
        assert_eq!(m.as_str().parse::<Method>().unwrap(), m);
        assert_eq!(serde_json::to_string(&m).unwrap(), format!("\"{m}\""));
    }
    assert_eq!("PACC".parse::<Method>().unwrap(), Method::Pacc);
    assert!("acc2".parse::<Method>().is_err());
    assert!(
        DEFAULT_METHOD.needs_rates()
            || DEFAULT_METHOD == Method::Pcc
            || DEFAULT_METHOD == Method::Cc
    );
}

fn pair(doc: &str, target: &str, gold: usize, proba: [f64; 3]) -> LabelledPair {
    LabelledPair {
        doc: doc.into(),
        unit: None,
        target: target.into(),
        gold,
        proba,
    }
}

#[test]
fn rates_are_per_target_only_with_enough_pairs_in_every_class() {
    let mut pairs = Vec::new();
    for g in 0..3 {
        for _ in 0..MIN_PER_CLASS {
            pairs.push(pair("d", "A", g, hard(g)));
        }
        for _ in 0..MIN_PER_CLASS - 1 + usize::from(g != 0) {
            pairs.push(pair("d", "B", g, hard(g)));
        }
    }
    let refs: Vec<&LabelledPair> = pairs.iter().collect();
    let rates = Rates::new(&refs, true);
    assert_eq!(rates.len(), pairs.len());
    assert_eq!(rates.pool_of("A"), (1, RatesScope::PerTarget));
    // B has only MIN_PER_CLASS - 1 "pro" pairs: pooled.
    assert_eq!(rates.pool_of("B"), (0, RatesScope::Pooled));
    assert_eq!(rates.pool_of("unseen"), (0, RatesScope::Pooled));
    assert_eq!(
        Rates::new(&refs, false).pool_of("A"),
        (0, RatesScope::Pooled)
    );
    assert_eq!(rates.stats(1).n, [MIN_PER_CLASS as f64; 3]);
}

#[test]
fn pairs_from_slices_and_oof_points() {
    let ids = ["doc1/p1", "doc1/p1", "plain"];
    let targets = vec!["A".to_string(), "B".into(), "A".into()];
    let p = LabelledPair::from_slices(
        &ids,
        &[7, 7, 8],
        &targets,
        &[0, 2, 1],
        &[[0.5, 0.25, 0.25]; 3],
    );
    assert_eq!((p[0].unit, p[2].unit), (Some(7), Some(8)));
    assert_eq!(p[0].doc, "doc1");
    assert_eq!(p[2].doc, "");
    assert_eq!((p[1].target.as_str(), p[1].gold), ("B", 2));
    let points = vec![crate::model::OofPoint {
        doc: "d".into(),
        target: "A".into(),
        gold: 1,
        scores: [0.0, (2.0f32).ln(), 0.0],
    }];
    let cal = crate::model::Calibration::default();
    let q = LabelledPair::from_oof(&points, &cal);
    assert!(
        close(q[0].proba, [0.25, 0.5, 0.25], 1e-6),
        "{:?}",
        q[0].proba
    );
    let hot = crate::model::Calibration::uniform(0.5);
    let q = LabelledPair::from_oof(&points, &hot);
    // exp(2 ln 2) = 4: [1, 4, 1] / 6.
    assert!(close(q[0].proba, [1.0 / 6.0, 4.0 / 6.0, 1.0 / 6.0], 1e-6));
    // Per-target temperatures: each point by its own target's, a target
    // without one by the task-wide T (here 1).
    let mut both = points.clone();
    both.push(crate::model::OofPoint {
        target: "B".into(),
        ..points[0].clone()
    });
    let per_target = crate::model::Calibration {
        temperature: 1.0,
        per_target: vec![("A".into(), 0.5)],
    };
    let q = LabelledPair::from_oof(&both, &per_target);
    assert!(close(q[0].proba, [1.0 / 6.0, 4.0 / 6.0, 1.0 / 6.0], 1e-6));
    assert!(close(q[1].proba, [0.25, 0.5, 0.25], 1e-6));
}

#[test]
fn bootstrap_is_the_same_on_any_thread_count_and_covers_the_estimate() {
    let (gold, proba) = labelled_from_matrix();
    let pairs: Vec<LabelledPair> = gold
        .iter()
        .zip(&proba)
        .map(|(&g, p)| pair("d", "A", g, *p))
        .collect();
    let refs: Vec<&LabelledPair> = pairs.iter().collect();
    let rates = Rates::new(&refs, true);
    let mut test = Vec::new();
    for (i, k) in [39, 45, 116].into_iter().enumerate() {
        test.extend(std::iter::repeat_n(hard(i), k));
    }
    let cells = [Cell {
        proba: &test,
        pool: rates.pool_of("A").0,
    }];
    let run = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| bootstrap(Method::Acc, Some(&rates), &cells, 400, 7))
    };
    let one = run(1);
    assert_eq!(one, run(2));
    let point = estimate(Method::Acc, Some(&rates.stats(0)), &test).shares;
    for k in 0..3 {
        let [lo, hi] = one[0][k];
        assert!(
            lo <= point[k] && point[k] <= hi && hi - lo > 0.01,
            "{k}: {lo} {point:?} {hi}"
        );
    }
    // rounds = 0: the point estimate.
    let zero = bootstrap(Method::Acc, Some(&rates), &cells, 0, 7);
    assert_eq!(zero[0].map(|c| c[0]), point);
}

/// The intervals carry the error of the rates: the same test set with rates
/// from 10× fewer labelled pairs gives wider ACC intervals, while CC's,
/// which uses no rates, do not change.
#[test]
fn fewer_labelled_pairs_widen_adjusted_intervals_only() {
    let (gold, proba) = labelled_from_matrix();
    let big: Vec<LabelledPair> = (0..10)
        .flat_map(|_| gold.iter().zip(&proba).map(|(&g, p)| pair("d", "A", g, *p)))
        .collect();
    let small: Vec<LabelledPair> = big[..gold.len()].to_vec();
    let mut test = Vec::new();
    for (i, k) in [390, 450, 1160].into_iter().enumerate() {
        test.extend(std::iter::repeat_n(hard(i), k));
    }
    let width = |pairs: &[LabelledPair], m: Method| {
        let refs: Vec<&LabelledPair> = pairs.iter().collect();
        let rates = Rates::new(&refs, false);
        let cells = [Cell {
            proba: &test,
            pool: 0,
        }];
        let ci = bootstrap(m, Some(&rates), &cells, 500, 3);
        ci[0][1][1] - ci[0][1][0]
    };
    let (acc_big, acc_small) = (width(&big, Method::Acc), width(&small, Method::Acc));
    assert!(acc_small > 1.5 * acc_big, "{acc_small} vs {acc_big}");
    assert_eq!(width(&big, Method::Cc), width(&small, Method::Cc));
}

#[test]
fn measurement_never_takes_rates_from_the_document_it_estimates() {
    // Document "good": a perfect classifier. Document "blind": a
    // classifier that calls everything "none". Rates from "blind" make
    // ACC's matrix singular for "good"'s cells, so every one of them falls
    // back; had "good"'s own pairs leaked into its rates, none would.
    let mut pairs = Vec::new();
    for i in 0..300 {
        let g = i % 3;
        pairs.push(pair("good", "A", g, hard(g)));
        pairs.push(pair("blind", "A", g, hard(2)));
    }
    let protocol = Protocol {
        bag_size: 50,
        bags: 4,
        seed: 1,
        bag_rates: RatesFrom::OtherDocuments,
    };
    let m = measure(
        &pairs,
        &protocol,
        &[(Method::Acc, true), (Method::Cc, true)],
    );
    assert_eq!(m.documents, 2);
    let acc = m.row(Method::Acc, true).unwrap();
    assert_eq!((acc.articles.cells, acc.bags.cells), (2, 8));
    // "good" (1 + 4 cells) falls back; "blind" gets good's perfect rates.
    assert_eq!(acc.fallbacks, 5);
    // CC is exact on "good" and two thirds off on "blind".
    let cc = m.row(Method::Cc, true).unwrap();
    assert!(
        (cc.articles.mae - (0.0 + 4.0 / 9.0) / 2.0).abs() < 1e-12,
        "{cc:?}"
    );
    // The same seed draws the same bags; one document measures nothing.
    assert_eq!(
        m,
        measure(
            &pairs,
            &protocol,
            &[(Method::Acc, true), (Method::Cc, true)]
        )
    );
    let one: Vec<LabelledPair> = pairs.iter().filter(|p| p.doc == "good").cloned().collect();
    let m = measure(&one, &protocol, &Measurement::VARIANTS);
    assert!(m.best().is_none());
    assert!(render_measurement(&m).contains("nothing measured"));
}

#[test]
fn acc_beats_cc_under_prevalence_shift_in_the_measurement() {
    // Three documents with the same biased classifier (M) and different
    // true shares: ACC with rates from the other two is exact, CC is not.
    let mut pairs = Vec::new();
    for (d, counts) in [
        ("a", [20, 30, 50]),
        ("b", [50, 30, 20]),
        ("c", [10, 10, 80]),
    ] {
        for (j, &n) in counts.iter().enumerate() {
            // n units of class j, predicted as M says (n·M[i][j] of each).
            for (i, row) in M.iter().enumerate() {
                for _ in 0..(row[j] * n as f64 * 20.0).round() as usize {
                    pairs.push(pair(d, "A", j, hard(i)));
                }
            }
        }
    }
    let m = measure(&pairs, &Protocol::default(), &Measurement::VARIANTS);
    let (cc, acc) = (
        m.row(Method::Cc, true).unwrap(),
        m.row(Method::Acc, true).unwrap(),
    );
    assert!(acc.articles.mae < 1e-9, "{acc:?}");
    assert!(cc.articles.mae > 0.02, "{cc:?}");
    assert!(m.best().unwrap().all.mae <= acc.all.mae);
    let table = render_measurement(&m);
    assert!(
        table.contains("acc/pooled") && table.contains("best"),
        "{table}"
    );
}
