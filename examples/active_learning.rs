//! Does `stance suggest` beat labelling at random? A simulation on NewsMTSC.
//!
//! Starts from 200 labelled training sentences, then adds 100 per round for
//! 10 rounds, either the 100 the model is least sure about (margin
//! uncertainty, spread across targets with [`stance::suggest::pick`], as
//! `stance suggest` does) or 100 at random, retraining each round and
//! scoring macro-F1 on the dev split. Repeated over several seeds (the seed
//! chooses the initial 200 and the random picks); prints one table.
//!
//! cargo run --release --example active_learning -- ../shared/data/newsmtsc [SEEDS] [--no-spread] [--logistic] [--mix]
//!
//! `--no-spread` ranks by uncertainty alone (every candidate its own
//! article and actor), to measure what the spreading does; `--mix` takes
//! half of each round's picks by uncertainty and half at random.

use std::path::PathBuf;

use rayon::prelude::*;
use stance::actors::ActorSet;
use stance::dataset::{Dataset, Example, read_data};
use stance::eval::SplitMix64;
use stance::linear::Loss;
use stance::model::evaluate::{predict, report};
use stance::model::predict::Scratch;
use stance::model::{StanceModel, TrainParams, train};
use stance::progress::Silent;
use stance::suggest::{Candidate, Uncertainty, pick};

const START: usize = 200;
const STEP: usize = 100;
const ROUNDS: usize = 10;

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().unwrap_or("../shared/data/newsmtsc".into()));
    let seeds: u64 = args
        .next()
        .map_or(3, |s| s.parse().expect("number of seeds"));
    let flags: Vec<String> = args.collect();
    let spread = !flags.iter().any(|f| f == "--no-spread");
    let logistic = flags.iter().any(|f| f == "--logistic");
    // Half the picks by uncertainty, half at random.
    let mix = flags.iter().any(|f| f == "--mix");
    if !dir.join("train.jsonl").exists() {
        eprintln!("skipping: {} has no train.jsonl", dir.display());
        return;
    }
    let pool = read_data(&[dir.join("train.jsonl")], &[], &Default::default()).stance;
    let dev = read_data(&[dir.join("dev.jsonl")], &[], &Default::default());
    let actors_path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("labels/actors.toml");
    let actors = ActorSet::from_file(&actors_path).expect("actors file");
    let toml = std::fs::read_to_string(&actors_path).expect("actors file");
    let params = settings(logistic);
    eprintln!("pool {} sentences, dev {}", pool.len(), dev.stance.len());

    // scores[strategy][round] summed over seeds.
    let mut scores = [[0.0f64; ROUNDS + 1]; 2];
    for seed in 0..seeds {
        let mut order: Vec<usize> = (0..pool.len()).collect();
        SplitMix64::new(seed).shuffle(&mut order);
        for (s, uncertain) in [false, true].into_iter().enumerate() {
            let mut labelled: Vec<usize> = order[..START].to_vec();
            let mut rest: Vec<usize> = order[START..].to_vec();
            for (round, score) in scores[s].iter_mut().enumerate() {
                let model = fit(&pool, &labelled, &actors, &toml, &params);
                let f1 = report(&predict(&model, &dev), 0, 0).stance.macro_f1;
                *score += f1 / seeds as f64;
                eprintln!(
                    "seed {seed} {} round {round}: {} labels, dev macro-F1 {f1:.3}",
                    if uncertain { "suggest" } else { "random " },
                    labelled.len()
                );
                if round == ROUNDS {
                    break;
                }
                let next = if uncertain && mix {
                    let mut next = most_uncertain(&model, &pool, &rest, spread, STEP / 2);
                    let random = rest.iter().filter(|i| !next.contains(i));
                    let random: Vec<usize> = random.take(STEP - next.len()).copied().collect();
                    next.extend(random);
                    next
                } else if uncertain {
                    most_uncertain(&model, &pool, &rest, spread, STEP)
                } else {
                    rest[..STEP].to_vec()
                };
                rest.retain(|i| !next.contains(i));
                labelled.extend(next);
            }
        }
    }
    println!("| round | labels | random | suggest | suggest − random |");
    println!("|---:|---:|---:|---:|---:|");
    for (round, (r, u)) in scores[0].into_iter().zip(scores[1]).enumerate() {
        println!(
            "| {round} | {} | {r:.3} | {u:.3} | {:+.3} |",
            START + round * STEP,
            u - r
        );
    }
}

/// The shipped model's settings (linear SVM, C = 0.1, balanced classes,
/// word 1–2-grams with target masking and a ±10-token window), or with
/// `--logistic` multinomial logistic regression (C = 1), whose
/// probabilities are calibrated rather than a softmax of SVM margins.
fn settings(logistic: bool) -> TrainParams {
    if logistic {
        TrainParams::linear(Loss::Logistic, 1.0)
    } else {
        TrainParams::linear(Loss::SquaredHinge, 0.1)
    }
}

fn fit(
    pool: &[Example],
    idx: &[usize],
    actors: &ActorSet,
    toml: &str,
    params: &TrainParams,
) -> StanceModel {
    let data = Dataset {
        stance: idx.iter().map(|&i| pool[i].clone()).collect(),
        ..Dataset::default()
    };
    let m = train(&data, actors, toml, params, vec![], &Silent).expect("training");
    StanceModel::from_data(m).expect("model")
}

/// What `stance suggest` would pick: margin uncertainty, spread across
/// articles and the persons targeted.
fn most_uncertain(
    model: &StanceModel,
    pool: &[Example],
    rest: &[usize],
    spread: bool,
    n: usize,
) -> Vec<usize> {
    let candidates: Vec<Candidate> = rest
        .par_iter()
        .map_init(
            || (Scratch::default(), Vec::new()),
            |(s, p), &i| {
                let e = &pool[i];
                model.stance_proba(&e.text, &e.target, e.span, s, p);
                // NewsMTSC ids name the article first and the mention's
                // span last: `allsides_1000_401_3_’ Trump_30_45`.
                let (doc_id, actor) = if spread {
                    let parts: Vec<&str> = e.id.split('_').collect();
                    let article = parts[..parts.len().min(3)].join("_");
                    let person = e.span.map_or("", |(a, b)| &e.text[a..b]);
                    (article, person.to_lowercase())
                } else {
                    (format!("{i}"), format!("{i}"))
                };
                Candidate {
                    doc_id,
                    unit_id: format!("{i:06}"),
                    uncertainty: Uncertainty::Margin.of(p),
                    actor,
                }
            },
        )
        .collect();
    pick(candidates, n, stance::suggest::SPREAD)
        .into_iter()
        .map(|c| c.unit_id.parse().expect("index"))
        .collect()
}
