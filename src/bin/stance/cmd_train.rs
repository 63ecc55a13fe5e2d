use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;
use stance::model::evaluate::{predict, report};
use stance::model::provenance::set_metric;
use stance::model::{StanceModel, file, train, tune};

use crate::data_args::DataArgs;
use crate::io::Bars;
use crate::project_ctx;
use crate::train_args::TrainArgs;
use stance::labels::splits::Split;
use stance::outfile;

/// Train a stance (and sentiment) model.
///
/// Reads labelled data, prints the examples per class and target, trains,
/// and writes one model file holding everything scoring needs (actors file,
/// features, vocabulary, weights, training settings, data hash) plus a
/// readable `<model>.meta.json` beside it. With --validate, the model is
/// scored on that data and the metrics are stored in the model.
///
/// On a terminal a progress bar shows each stage, the head being trained
/// and its optimiser iteration; in a pipe only the summary lines are
/// printed.
#[derive(Parser)]
#[command(after_help = examples!(
    "stance train --data labels/ -o my.model",
    "stance train --data ../shared/data/newsmtsc/train.jsonl -o newsmtsc.model",
    "stance train --tune -o tuned.model",
    "stance train --source newsmtsc=../shared/data/newsmtsc/train.jsonl --source-weight newsmtsc=0.5 -o m.model",
))]
pub struct Args {
    #[command(flatten)]
    data: DataArgs,
    #[command(flatten)]
    model: TrainArgs,
    /// Validation data scored after training (label CSVs: their eval split).
    #[arg(long, num_args = 1..)]
    validate: Vec<PathBuf>,
    /// Cross-validate the training data in K folds grouped by unit (--source
    /// data trains every fold), store the out-of-fold scores in the model
    /// (the error rates `stance report` corrects with) and calibrate every
    /// head's probabilities on them by temperature scaling (a target head
    /// with 100 or more out-of-fold points gets its own temperature, the
    /// others the task's). 0 = off (the
    /// probabilities are then the softmax of the raw scores). [default: 5,
    /// skipped with a note when the data has fewer units than folds]
    #[arg(long)]
    oof_folds: Option<usize>,
    /// Choose model kind and C, word/char n-grams, window, pooled vs
    /// per-target heads, class weights and the external sources' weight by
    /// grouped K-fold cross-validation of the training data (coordinate
    /// descent from the flags given, --tune-folds folds, --seed), print the
    /// trials, train with the best and store the search in the model.
    #[arg(long)]
    tune: bool,
    /// Folds of the --tune cross-validation (grouped by unit).
    #[arg(long, default_value_t = 5)]
    tune_folds: usize,
    /// What --tune maximises.
    #[arg(long, value_enum, default_value = "f-avg")]
    tune_metric: TuneMetric,
    /// Seed of the out-of-fold and --tune folds.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Fail on any rejected data row instead of skipping it.
    #[arg(long)]
    strict: bool,
    /// Where to write the model.
    #[arg(short, long)]
    output: PathBuf,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum TuneMetric {
    FAvg,
    MacroF1,
}

pub fn run(args: Args) -> stance::Result<ExitCode> {
    let meta_path = meta_path(&args.output);
    let read = args.data.inputs()?.into_iter().chain(args.validate.clone());
    let read = read
        .chain(args.data.units.clone())
        .chain(args.data.actors_path());
    let read = read.chain(args.data.corpus.iter().map(PathBuf::from));
    let read = read.chain(args.data.sources.iter().map(|(_, p)| p.clone()));
    outfile::refuse_overwrite(read, [&args.output, &meta_path])?;
    let mut params = args.model.params();
    params.check()?;
    let (actors, actors_toml) = args.data.actors()?;
    let data = args.data.load(Split::Train, args.strict)?;
    print_counts(&data);
    let mut tuning_json = None;
    if args.tune {
        let metric = match args.tune_metric {
            TuneMetric::FAvg => tune::Metric::FAvg,
            TuneMetric::MacroF1 => tune::Metric::MacroF1,
        };
        let started = std::time::Instant::now();
        let search = tune::tune(
            &data,
            &args.data.source_names(),
            &actors,
            &actors_toml,
            &params,
            args.tune_folds,
            args.seed,
            metric,
            &Bars::new(),
        )?;
        eprint!("{}", search.table());
        eprintln!(
            "tuned in {:.1} s: {} trials, {}-fold CV grouped by unit",
            started.elapsed().as_secs_f64(),
            search.trials.len(),
            search.folds
        );
        params = search.best.clone();
        tuning_json = Some(serde_json::to_string(&search).expect("search serialises"));
    }
    let files = args
        .data
        .inputs()?
        .iter()
        .map(|p| match project_ctx::project() {
            Some(project) => project.recorded_path(p),
            None => p.display().to_string(),
        })
        .collect();
    let started = std::time::Instant::now();
    let mut model = train(&data, &actors, &actors_toml, &params, files, &Bars::new())?;
    model.meta.tuning_json = tuning_json;
    eprintln!("trained in {:.2} s", started.elapsed().as_secs_f64());
    let folds = match stance::model::oof_folds(&data, args.oof_folds) {
        Ok(folds) => folds,
        Err(units) => {
            eprintln!(
                "note: {units} unit(s) are too few for {} out-of-fold folds: probabilities \
                 left uncalibrated (--oof-folds K to insist)",
                stance::model::DEFAULT_OOF_FOLDS
            );
            0
        }
    };
    if folds > 0 {
        stance::model::fill_and_calibrate(
            &mut model,
            &data,
            &args.data.source_names(),
            folds,
            args.seed,
        )?;
        let t = |x: &Option<stance::model::TaskModel>| {
            x.as_ref()
                .map_or("-".to_string(), |t| t.calibration.describe())
        };
        eprintln!(
            "out-of-fold scores ({} folds) stored; temperature: stance {}, sentiment {} ({:.1} s in all)",
            folds,
            t(&model.stance),
            t(&model.sentiment),
            started.elapsed().as_secs_f64()
        );
    }
    if !args.validate.is_empty() {
        let v = DataArgs {
            data: args.validate.clone(),
            units: args.data.units.clone(),
            corpus: args.data.corpus.clone(),
            actors: args.data.actors.clone(),
            split: None,
            kind: None,
            sources: vec![],
        };
        let vdata = v.load(Split::Eval, args.strict)?;
        let r = report(
            &predict(&StanceModel::from_data(model.clone())?, &vdata),
            0,
            0,
        );
        eprintln!(
            "validation: n {}, accuracy {:.3}, macro-F1 {:.3}, F_avg {:.3}",
            r.stance.n,
            r.stance.accuracy,
            r.stance.macro_f1,
            r.stance.f_avg.unwrap_or(0.0)
        );
        let data: Vec<String> = args
            .validate
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        set_metric(&mut model.meta, "data", serde_json::json!(data));
        set_metric(&mut model.meta, "report", serde_json::json!(r));
    }
    // Into a models folder with a registry (e.g. -o models/default.model):
    // under that folder's lock, so no retrain or `models use` commit there
    // interleaves with these writes.
    let dir = match args.output.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let _lock = if stance::model::registry::Registry::path(dir).exists() {
        Some(crate::store_ctx::lock(dir)?)
    } else {
        None
    };
    file::save_with_meta(&model, &args.output, &meta_path)?;
    let size = std::fs::metadata(&args.output)
        .map(|m| m.len())
        .unwrap_or(0);
    eprintln!(
        "wrote {} ({:.1} KiB) and {}",
        args.output.display(),
        size as f64 / 1024.0,
        meta_path.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// `models/default.model` → `models/default.meta.json`.
pub fn meta_path(model: &Path) -> PathBuf {
    model.with_extension("meta.json")
}

fn print_counts(data: &stance::dataset::Dataset) {
    let mut rows: Vec<(String, [usize; 3])> = Vec::new();
    for e in &data.stance {
        let i = match rows.iter().position(|(t, _)| *t == e.target) {
            Some(i) => i,
            None => {
                rows.push((e.target.clone(), [0; 3]));
                rows.len() - 1
            }
        };
        rows[i].1[stance::model::train::stance_index(e.stance)] += 1;
    }
    if !rows.is_empty() {
        eprintln!("{:<28} {:>7} {:>7} {:>7}", "target", "pro", "anti", "none");
        for (t, c) in &rows {
            eprintln!("{t:<28} {:>7} {:>7} {:>7}", c[0], c[1], c[2]);
        }
    }
    if !data.sentiment.is_empty() {
        let mut c = [0usize; 3];
        for e in &data.sentiment {
            c[stance::model::train::sentiment_index(e.sentiment)] += 1;
        }
        eprintln!(
            "sentiment: positive {}, negative {}, neutral {}",
            c[0], c[1], c[2]
        );
    }
}
