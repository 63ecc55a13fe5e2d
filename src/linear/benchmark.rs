//! An ignored benchmark: training at the size of the labelled corpus.
//!
//! `cargo test --release --lib linear:: -- --ignored --nocapture`

use super::tests::{Rng, accuracy, params};
use super::*;
use crate::sparse::SparseRow;

/// 8,739 rows × 100k Zipfian features, ~144 non-zeros a row, 3 classes.
#[test]
#[ignore]
fn benchmark_corpus_sized_training() {
    let (rows, features, k) = (8_739, 100_000, 3);
    let mut rng = Rng(42);
    let mut data = Vec::with_capacity(rows);
    let mut y = Vec::with_capacity(rows);
    let ln_n = (features as f64).ln();
    for _ in 0..rows {
        let label = rng.below(k);
        let mut idx: Vec<u32> = (0..175)
            .map(|_| {
                // Zipf-like word frequencies (log-uniform rank); one word in
                // ten comes from a class-specific block of 2,000 features.
                if rng.unit() < 0.1 {
                    (20_000 + label * 2_000 + rng.below(2_000)) as u32
                } else {
                    ((rng.unit() * ln_n).exp() as usize - 1).min(features - 1) as u32
                }
            })
            .collect();
        idx.sort_unstable();
        idx.dedup();
        let mut values: Vec<f32> = idx
            .iter()
            .map(|&f| (1.0 + (f as f32 + 1.0).ln()) * (0.5 + rng.unit() as f32))
            .collect();
        let norm = values.iter().map(|v| v * v).sum::<f32>().sqrt();
        values.iter_mut().for_each(|v| *v /= norm);
        data.push(SparseRow {
            indices: idx,
            values,
        });
        // 15% label noise, as hand labels have.
        y.push(if rng.unit() < 0.15 {
            rng.below(k)
        } else {
            label
        });
    }
    let x = CsrMatrix::from_rows(features, &data);
    println!(
        "rows {rows}, features {features}, nnz {} ({:.1}/row)",
        x.nnz(),
        x.nnz() as f64 / rows as f64
    );
    let threads = rayon::current_num_threads();
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    // Default parameters, then the worst case: tol = 0 runs all 200
    // iterations (unless the line search hits f64 precision first).
    let worst = LinearParams {
        tol: 0.0,
        ..LinearParams::default()
    };
    let runs = [
        ("logistic, default", params(Loss::Logistic)),
        ("squared hinge, default", params(Loss::SquaredHinge)),
        ("logistic, tol 0", worst.clone()),
        (
            "squared hinge, tol 0",
            LinearParams {
                loss: Loss::SquaredHinge,
                ..worst
            },
        ),
    ];
    for (name, p) in runs {
        let t = std::time::Instant::now();
        let m = p.fit(&x, &y, k).unwrap();
        let secs = t.elapsed().as_secs_f64();
        let t1 = std::time::Instant::now();
        let m1 = one.install(|| p.fit(&x, &y, k).unwrap());
        let secs1 = t1.elapsed().as_secs_f64();
        assert_eq!(m, m1);
        println!(
            "{name}: {secs1:.3} s on 1 thread, {secs:.3} s on {threads} threads; \
             {} iterations, converged {}, train accuracy {:.3}",
            m.iterations,
            m.converged,
            accuracy(&m, &x, &y)
        );
    }
}
