use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use stance::eval::{render, render_groups};
use stance::model::StanceModel;
use stance::model::evaluate::{cross_validate_with, is_held, predict, report};
use stance::report::quantify::{
    LabelledPair, Measurement, Protocol, RatesFrom, measure, render_measurement,
};

use crate::data_args::DataArgs;
use crate::io::Bars;
use crate::model_ctx::InUse;
use crate::train_args::TrainArgs;
use stance::dataset::Dataset;
use stance::labels::splits::Split;
use stance::model::provenance::TrainedOn;

/// Score a model on labelled data, or cross-validate training settings.
///
/// Prints accuracy, per-class precision, recall and F1, macro-F1, F_avg (the
/// mean of F1(pro) and F1(anti) over all targets pooled: the SemEval-2016 /
/// TweetEval stance metric), the confusion matrix, per-target scores, and
/// the same for sentiment where the data has it. Data whose lines carry a
/// `type` (a behavioural probe suite such as tests/fixtures/checklist/)
/// also gets a table of n, accuracy and confusion per probe type. --json
/// prints one object with keys n, accuracy, macro_f1, f_avg, per_class,
/// per_target, confusion, calibration (and per_type, sentiment with its own
/// calibration, when present).
///
/// Calibration judges the probabilities rather than the labels: a line
/// saying what they are (the model's softmax of SVM margins, uncalibrated
/// when its temperature is 1, or divided by a temperature fitted on
/// out-of-fold scores of the training data), the top-label ECE over 15
/// equal-width confidence bins (0 = "70 % sure" is right 70 % of the time),
/// the Brier score, the NLL and the reliability table (per bin: n, mean
/// confidence, accuracy). With --cv it also shows the out-of-fold
/// probabilities recalibrated fold by fold, each by a temperature fitted on
/// the other folds, which is what a calibrated model would give. A
/// temperature never changes a predicted class, so accuracy and F1 are the
/// same with or without it.
///
/// With --cv and --quantify, measures instead how well each quantification
/// method of `stance report` estimates per-document stance shares: out-of-fold
/// probabilities from the cross-validation; per document × target and per
/// random bag of --bag-size pairs within it, the estimated shares against
/// the hand-labelled ones; a document's rates come from the other documents,
/// a bag's from every unit but its own (see
/// `stance::report::quantify::measure`).
///
/// The units the model was trained on (recorded in the model since issue
/// 13) are left out of the data and counted on stderr; --include-train
/// keeps them. A model made before that record is scored on everything,
/// with a warning naming the data it was trained on.
///
/// Bootstrap intervals (--bootstrap) resample whole units: the actor rows
/// of one text are drawn together, as they are not independent.
///
/// Without --model (and --cv), the model in use is scored (the project's
/// models/default.model, else the built-in one; named on stderr).
#[derive(Parser)]
#[command(after_help = examples!(
    "stance eval --model models/default.model --data labels/",
    "stance eval --data labels/ --json --bootstrap 1000",
    "stance eval --cv 5 --data ../shared/data/tweeteval-stance/hillary_train.jsonl",
    "stance eval --cv 5 --quantify --split all --kind comment",
))]
pub struct Args {
    /// The model to score (not with --cv) [default: the project's
    /// models/default.model, else the model built into stance].
    #[arg(long, conflicts_with = "cv")]
    model: Option<PathBuf>,
    /// Stratified K-fold cross-validation of the training settings on the
    /// data: out-of-fold scores.
    #[arg(long)]
    cv: Option<usize>,
    #[command(flatten)]
    data: DataArgs,
    #[command(flatten)]
    train: TrainArgs,
    /// Bootstrap rounds for 95% intervals (0 = none).
    #[arg(long, default_value_t = 0)]
    bootstrap: usize,
    /// Keep the units the model was trained on (by default they are left
    /// out, and how many is said: a model scored on its own training data
    /// looks better than it is).
    #[arg(long, conflicts_with = "cv")]
    include_train: bool,
    /// Seed of folds and bootstrap.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// One JSON object instead of tables.
    #[arg(long)]
    json: bool,
    /// Measure the quantification methods on the cross-validated data
    /// instead of the classifier (needs --cv).
    #[arg(long)]
    quantify: bool,
    /// Pairs per bag of --quantify (bags come from document × targets with
    /// at least twice as many pairs).
    #[arg(long, default_value_t = Protocol::default().bag_size)]
    bag_size: usize,
    /// Bags per document × target of --quantify.
    #[arg(long, default_value_t = Protocol::default().bags)]
    bags: usize,
    /// Bags of --quantify take their error rates from the other documents
    /// only, not from every unit but their own.
    #[arg(long)]
    bag_rates_other_documents: bool,
}

pub fn run(args: Args) -> stance::Result<ExitCode> {
    if args.quantify && args.cv.is_none() {
        return Err(stance::Error::Param(
            "--quantify measures on cross-validated data: give --cv K".into(),
        ));
    }
    let predictions = if let Some(k) = args.cv {
        let params = args.train.params();
        params.check()?;
        let (actors, toml) = args.data.actors()?;
        let data = args.data.load(Split::Train, false)?;
        let p = cross_validate_with(
            &data,
            &args.data.source_names(),
            &actors,
            &toml,
            &params,
            k,
            args.seed,
            &Bars::new(),
        )?;
        if args.quantify {
            // The predictions cover the examples --cv held out, in order.
            let sources = args.data.source_names();
            let held: Vec<_> = data
                .stance
                .iter()
                .filter(|e| is_held(e, &sources))
                .collect();
            let ids: Vec<&str> = held.iter().map(|e| e.id.as_str()).collect();
            let units: Vec<u64> = held.iter().map(|e| e.group).collect();
            let pairs = LabelledPair::from_slices(
                &ids,
                &units,
                &p.targets,
                &p.stance_gold,
                &p.stance_proba,
            );
            let protocol = Protocol {
                bag_size: args.bag_size,
                bags: args.bags,
                seed: args.seed,
                bag_rates: if args.bag_rates_other_documents {
                    RatesFrom::OtherDocuments
                } else {
                    RatesFrom::OtherUnits
                },
            };
            let m = measure(&pairs, &protocol, &Measurement::VARIANTS);
            if args.json {
                outln!(
                    "{}",
                    serde_json::to_string(&m).expect("measurement serialises")
                )?;
            } else {
                out!("{}", render_measurement(&m))?;
            }
            return Ok(ExitCode::SUCCESS);
        }
        p
    } else {
        let model = InUse::resolve(args.model.as_ref(), args.data.actors.as_ref()).load()?;
        let data = args.data.load(Split::Eval, false)?;
        let data = held_out_only(&model, data, args.include_train);
        predict(&model, &data)
    };
    let r = report(&predictions, args.bootstrap, args.seed);
    if args.json {
        outln!("{}", serde_json::to_string(&r).expect("report serialises"))?;
    } else {
        out!("{}", render(&r.stance, "stance (all targets pooled)"))?;
        for (t, s) in &r.per_target {
            outln!()?;
            out!("{}", render(s, &format!("stance toward {t}")))?;
        }
        if !r.per_type.is_empty() {
            outln!()?;
            out!(
                "{}",
                render_groups(
                    &r.per_type,
                    "stance per probe type (rows of the confusion = gold)"
                )
            )?;
        }
        if let Some(s) = &r.sentiment {
            outln!()?;
            out!("{}", render(s, "sentiment"))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `data` without the units `model` was trained on (unless `include`),
/// saying on stderr what was left out or why nothing could be.
fn held_out_only(model: &StanceModel, data: Dataset, include: bool) -> Dataset {
    let meta = &model.data().meta;
    let Some(seen) = TrainedOn::of_meta(meta) else {
        eprintln!(
            "warning: this model records no training units (made before issue 13); \
             if the data overlaps its training data ({}), the scores are optimistic",
            meta.data_files.join(", ")
        );
        return data;
    };
    if include {
        let left = seen.overlap(&data);
        if left.units > 0 {
            eprintln!(
                "warning: --include-train: {} unit(s) ({} stance rows) of this data were in \
                 the model's training data; the scores are optimistic",
                left.units, left.stance
            );
        }
        return data;
    }
    let (kept, left) = seen.exclude(data);
    if left.units == 0 {
        eprintln!("eval: none of these units were in the model's training data");
        return kept;
    }
    eprintln!(
        "eval: left out {} unit(s) ({} stance / {} sentiment rows) the model was trained on; \
         scored on the {} stance rows it never saw (--include-train to keep them)",
        left.units,
        left.stance,
        left.sentiment,
        kept.stance.len()
    );
    kept
}
