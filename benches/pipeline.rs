//! Throughput of the scoring pipeline's stages and of training.
//!
//! Run with `cargo bench --bench pipeline` (see `benches/README.md`).
//! Inputs, relative to the crate root:
//!
//! * `seeds/` — the 24 reader comments and the article paragraphs of the seed
//!   pages (titles left out), for the tokenizer, featurizer and scorer;
//! * `models/default.model` — the shipped model (six actors + sentiment);
//! * `../shared/data/newsmtsc/train.jsonl` — NewsMTSC train, for training;
//!   the training benchmarks are skipped with a note when it is absent.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{
    BenchmarkId, Criterion, SamplingMode, Throughput, criterion_group, criterion_main,
};

use stance::actors::{ActorSet, Mention};
use stance::corpus::{Ingest, Input, Unit, UnitKind};
use stance::dataset::{DataOptions, read_data};
use stance::features::{Extractor, Group, Scratch as FeatureScratch, TargetSpans, Vocabulary};
use stance::linear::Loss;
use stance::model::{StanceModel, TrainParams, train};
use stance::progress::Silent;
use stance::sparse::SparseRow;
use stance::text::{Token, Tokenizer, TokenizerConfig};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Comments and paragraphs of the seed pages.
fn seed_units() -> Vec<Unit> {
    let units: Vec<Unit> = Ingest::new(&[Input::Path(root().join("seeds"))])
        .filter_map(Result::ok)
        .filter(|u| matches!(u.kind, UnitKind::Comment | UnitKind::Paragraph))
        .collect();
    assert!(!units.is_empty(), "no units ingested from seeds/");
    units
}

fn load_model() -> StanceModel {
    let path = root().join("models/default.model");
    StanceModel::load(&path).unwrap_or_else(|e| panic!("cannot load {}: {e}", path.display()))
}

fn tokenizer(c: &mut Criterion) {
    let units = seed_units();
    let comments: Vec<&Unit> = units
        .iter()
        .filter(|u| u.kind == UnitKind::Comment)
        .collect();
    let tok = Tokenizer::new(TokenizerConfig::default());
    let mut buf: Vec<Token> = Vec::new();
    let n_tokens: usize = units
        .iter()
        .map(|u| {
            tok.tokenize_into(&u.text, &mut buf);
            buf.len()
        })
        .sum();
    let n_comment_tokens: usize = comments
        .iter()
        .map(|u| {
            tok.tokenize_into(&u.text, &mut buf);
            buf.len()
        })
        .sum();
    println!(
        "tokenizer input: {} units ({} comments, {} paragraphs), {} tokens; comments alone: {} tokens",
        units.len(),
        comments.len(),
        units.len() - comments.len(),
        n_tokens,
        n_comment_tokens
    );

    let mut g = c.benchmark_group("tokenizer");
    let mut run =
        |g: &mut criterion::BenchmarkGroup<_>, id: &str, texts: &[&str], t: Throughput| {
            g.throughput(t);
            g.bench_function(id, |b| {
                b.iter(|| {
                    let mut n = 0;
                    for text in texts {
                        tok.tokenize_into(black_box(text), &mut buf);
                        n += buf.len();
                    }
                    n
                })
            });
        };
    let all: Vec<&str> = units.iter().map(|u| u.text.as_str()).collect();
    let only_comments: Vec<&str> = comments.iter().map(|u| u.text.as_str()).collect();
    // Same work twice, so criterion reports both rates.
    run(
        &mut g,
        "tokens",
        &all,
        Throughput::Elements(n_tokens as u64),
    );
    run(
        &mut g,
        "units",
        &all,
        Throughput::Elements(all.len() as u64),
    );
    run(
        &mut g,
        "comments",
        &only_comments,
        Throughput::Elements(only_comments.len() as u64),
    );
    g.finish();
}

/// Byte spans of `actor`'s mentions and of the other actors', as the model
/// builds them for a unit (no span given by the data).
fn spans_for(actor: usize, code: &str, mentions: &[Mention], out: &mut TargetSpans) {
    out.target.clear();
    out.target.push_str(code);
    out.own.clear();
    out.others.clear();
    for m in mentions {
        if m.actor == actor {
            out.own.push((m.start, m.end));
        } else {
            out.others.push((m.start, m.end));
        }
    }
}

fn featurizer(c: &mut Criterion) {
    let units = seed_units();
    let model = load_model();
    let data = model.data();
    let extractor = Extractor::new(data.features.clone(), data.tokenizer.clone());
    let stance_vocab = Vocabulary::from_data(
        data.stance
            .as_ref()
            .expect("the shipped model has a stance task")
            .vocab
            .clone(),
    );
    let sentiment_vocab = Vocabulary::from_data(
        data.sentiment
            .as_ref()
            .expect("the shipped model has a sentiment task")
            .vocab
            .clone(),
    );
    let actors: &ActorSet = model.actors();
    let codes: Vec<String> = actors.codes().map(str::to_string).collect();

    let mut fs = FeatureScratch::default();
    let mut keys: Vec<(u64, Group)> = Vec::new();
    let mut idx: Vec<u32> = Vec::new();
    let mut row = SparseRow::default();
    let mut mentions: Vec<Mention> = Vec::new();
    let mut spans = TargetSpans::default();

    let mut g = c.benchmark_group("featurizer");
    g.throughput(Throughput::Elements(units.len() as u64));
    // One target-blind row per unit (the sentiment row).
    g.bench_function("one_row", |b| {
        b.iter(|| {
            let mut nnz = 0;
            for u in &units {
                extractor.keys(black_box(&u.text), None, &mut fs, &mut keys);
                sentiment_vocab.transform(&keys, &mut idx, &mut row);
                nnz += row.indices.len();
            }
            nnz
        })
    });
    // What scoring does per unit before the heads: tokenize once, find the
    // actors, then the sentiment row and one stance row per actor.
    g.bench_function(
        BenchmarkId::new("unit_rows", format!("1+{}", codes.len())),
        |b| {
            b.iter(|| {
                let mut nnz = 0;
                for u in &units {
                    let text = black_box(u.text.as_str());
                    extractor.tokenize(text, &mut fs);
                    extractor.keys_of_tokens(text, None, &mut fs, &mut keys);
                    sentiment_vocab.transform(&keys, &mut idx, &mut row);
                    nnz += row.indices.len();
                    actors.mentions_into(text, &mut mentions);
                    for (a, code) in codes.iter().enumerate() {
                        spans_for(a, code, &mentions, &mut spans);
                        extractor.keys_of_tokens(text, Some(&spans), &mut fs, &mut keys);
                        stance_vocab.transform(&keys, &mut idx, &mut row);
                        nnz += row.indices.len();
                    }
                }
                nnz
            })
        },
    );
    g.finish();
}

fn scoring(c: &mut Criterion) {
    let units = seed_units();
    let model = load_model();
    // `model::predict::Scratch` may not be nameable from outside the crate;
    // its type is inferred from `score_unit`.
    let mut s = Default::default();
    let mut g = c.benchmark_group("scoring");
    g.throughput(Throughput::Elements(units.len() as u64));
    g.bench_function("score_unit", |b| {
        b.iter(|| {
            let mut acc = 0f32;
            for u in &units {
                let score = model.score_unit(black_box(&u.text), &mut s);
                acc += score.actors.iter().map(|(_, p)| p[0]).sum::<f32>();
            }
            acc
        })
    });
    // The same scores left in the scratch space (no `UnitScore` vectors
    // allocated), as `stance score` uses them.
    g.bench_function("score_unit_ref", |b| {
        b.iter(|| {
            let mut acc = 0f32;
            for u in &units {
                let score = model.score_unit_ref(black_box(&u.text), &mut s);
                acc += score.actors().map(|(_, p)| p[0]).sum::<f32>();
            }
            acc
        })
    });
    g.finish();
}

fn training(c: &mut Criterion) {
    let path: PathBuf = root().join("../shared/data/newsmtsc/train.jsonl");
    if !path.is_file() {
        println!(
            "training: skipped, {} is absent (NewsMTSC train is needed)",
            path.display()
        );
        return;
    }
    let data = read_data(&[path], &[], &DataOptions::default());
    assert!(
        !data.stance.is_empty(),
        "no examples read from NewsMTSC train"
    );
    let actors_path = root().join("labels/actors.toml");
    let actors_toml = std::fs::read_to_string(&actors_path).expect("labels/actors.toml");
    let actors = ActorSet::from_file(&actors_path).expect("valid actors file");
    println!(
        "training input: {} NewsMTSC examples ({} rejected)",
        data.stance.len(),
        data.rejected.len()
    );

    let logistic = TrainParams::default();
    let mut svm = TrainParams::default();
    svm.stance.loss = Loss::SquaredHinge;
    svm.stance.c = 0.1;
    svm.features.char_ngrams = Some((2, 5));

    let mut g = c.benchmark_group("train_newsmtsc");
    // Each run takes about a second or more: one run per sample, ten samples.
    // Criterion warns that 10 samples do not fit in 5 s; that is expected.
    g.sampling_mode(SamplingMode::Flat);
    g.sample_size(10);
    g.warm_up_time(Duration::from_millis(100));
    g.measurement_time(Duration::from_secs(5));
    g.throughput(Throughput::Elements(data.stance.len() as u64));
    for (name, params) in [("logistic_word1-2", &logistic), ("svm_char2-5", &svm)] {
        g.bench_function(name, |b| {
            b.iter(|| {
                train(&data, &actors, &actors_toml, params, Vec::new(), &Silent)
                    .expect("training succeeds")
            })
        });
    }
    g.finish();
}

/// `report::build` over 252 comments scored for 2,000 actors: linear in
/// actors × units (issue 12, row 8: a per-actor scan of every observation
/// made it quadratic in actors). Records are parsed from JSON so the bench
/// follows the score format.
fn report_many_actors(c: &mut Criterion) {
    const ACTORS: usize = 2_000;
    let actors: Vec<String> = (0..ACTORS).map(|i| format!("A{i}")).collect();
    let scores: Vec<_> = (0..252)
        .map(|u| {
            let list: Vec<serde_json::Value> = actors
                .iter()
                .map(|a| {
                    serde_json::json!({"actor": a, "stance": "none", "mentioned": false,
                        "probs": {"pro": 0.1, "anti": 0.1, "none": 0.8}})
                })
                .collect();
            let r = serde_json::json!({"doc_id": format!("d{}", u % 6), "unit_id": format!("c{u}"),
                "kind": "comment", "actors": list});
            serde_json::from_value::<stance::score::ScoreRecord>(r).expect("a score record")
        })
        .collect();
    let (excerpts, kinds) = (Default::default(), Default::default());
    let mut g = c.benchmark_group("report");
    g.sample_size(10);
    g.throughput(Throughput::Elements((ACTORS * scores.len()) as u64));
    g.bench_function("build_2000_actors_x_252_units", |b| {
        b.iter(|| {
            black_box(stance::report::build(
                &scores,
                &[],
                &actors,
                &excerpts,
                &kinds,
            ))
        })
    });
    g.finish();
}

/// Short runs so the whole file takes about a minute and a half; 50 samples
/// are plenty for these steady, single-threaded loops.
fn quick() -> Criterion {
    Criterion::default()
        .sample_size(50)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3))
}

criterion_group! {
    name = stages;
    config = quick();
    targets = tokenizer, featurizer, scoring, report_many_actors
}
criterion_group! {
    name = training_runs;
    config = quick();
    targets = training
}
criterion_main!(stages, training_runs);
