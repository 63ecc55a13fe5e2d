use std::collections::HashSet;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, ValueEnum};
use stance::corpus::{Input, ingest::Ingest};
use stance::error::Result;
use stance::labels::LabelSet;
use stance::outfile;
use stance::spreadsheet::defuse;
use stance::suggest::{Options, SPREAD, Uncertainty, suggest};

use crate::model_ctx::InUse;
use crate::project_ctx;
use crate::store_ctx::CLI;

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Measure {
    /// 1 − (p₁ − p₂) of the stance probabilities.
    Margin,
    /// Normalised entropy of the stance probabilities.
    Entropy,
}

/// Choose the units to label next, as a CSV ready to fill in.
///
/// Scores the unlabelled units, ranks them by the model's uncertainty about
/// the stance toward the actors each mentions, spreads the picks across
/// articles and actors, and writes the label format (doc_id, unit_id, actor,
/// stance, sentiment) with stance and sentiment empty: one row per actor
/// still unlabelled for each picked unit, then helper columns (kind, the
/// actor the unit was picked for, the model's guess, uncertainty, text)
/// that `stance labels add` ignores. With --explore, a share of the picks
/// is drawn at random instead (picked_for = "(random)").
#[derive(Parser)]
#[command(after_help = examples!(
    "stance suggest -n 50 -o to_label.csv",
    "stance suggest --units units.jsonl -n 50 --explore 0.5 -o to_label.csv",
))]
pub struct Args {
    /// The model [default: the project's models/default.model, else the
    /// model built into stance].
    #[arg(long)]
    model: Option<PathBuf>,
    /// The actors to suggest labels of [default: the project's actors
    /// file, else the one built into stance]; ones the model was not
    /// trained on are scored zero-shot.
    #[arg(long)]
    actors: Option<PathBuf>,
    /// Units to choose from: ingest output, pages, folders, or - [default:
    /// the project's corpora]. Units the project's splits file assigns to
    /// evaluation are never suggested.
    #[arg(long, num_args = 1..)]
    units: Vec<String>,
    /// The label store: (unit, actor) pairs already labelled are skipped
    /// [default: the project's, or labels].
    #[arg(long)]
    labels: Option<PathBuf>,
    /// How many units to pick.
    #[arg(short, default_value_t = 50)]
    n: usize,
    /// How the model's uncertainty about a unit's stance is measured.
    #[arg(long, value_enum, default_value = "margin")]
    measure: Measure,
    /// Rank by uncertainty alone, without spreading the picks across
    /// articles and actors (on NewsMTSC this scored better; see
    /// models/README.md).
    #[arg(long)]
    no_spread: bool,
    /// Share of the picks drawn uniformly at random from all unlabelled
    /// units instead of by uncertainty (0–1). Half and half did as well as
    /// or better than random labelling in the NewsMTSC simulation, where
    /// pure uncertainty fell behind (models/README.md).
    #[arg(long, default_value_t = 0.0, value_parser = parse_share)]
    explore: f64,
    /// Seed of the random picks.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Output CSV (default: stdout).
    #[arg(short, long)]
    output: Option<PathBuf>,
}

pub fn run(args: Args) -> Result<ExitCode> {
    let in_use = InUse::resolve(args.model.as_ref(), args.actors.as_ref());
    let labels = project_ctx::labels(args.labels.as_ref());
    let units = stance::project::corpus_inputs(&args.units, project_ctx::project())?;
    let read = units.iter().map(PathBuf::from);
    outfile::refuse_overwrite(
        read.chain(in_use.files()).chain([labels.clone()]),
        &args.output,
    )?;
    let model = in_use.load()?;
    let labelled = if labels.exists() {
        LabelSet::pairs(&LabelSet::read(&[labels], &CLI)?.strict()?)
    } else {
        HashSet::new()
    };
    let opts = Options {
        n: args.n,
        measure: match args.measure {
            Measure::Margin => Uncertainty::Margin,
            Measure::Entropy => Uncertainty::Entropy,
        },
        discount: if args.no_spread { 1.0 } else { SPREAD },
        explore: args.explore,
        seed: args.seed,
    };
    let inputs: Vec<Input> = units.iter().map(|s| Input::parse(s)).collect();
    let mut ingest = Ingest::new(&inputs);
    let splits = project_ctx::split_rule()?;
    let picked = suggest(&model, ingest.by_ref(), &labelled, &splits, &opts);
    for e in &picked.rejected {
        eprintln!("rejected: {e}");
    }
    let summary = ingest.summary();
    let mut out = csv::Writer::from_writer(outfile::output(args.output.as_deref())?);
    let werr = |e: csv::Error| outfile::write_err(args.output.as_deref(), e.into());
    out.write_record([
        "doc_id",
        "unit_id",
        "actor",
        "stance",
        "sentiment",
        "kind",
        "picked_for",
        "predicted",
        "uncertainty",
        "text",
    ])
    .map_err(werr)?;
    for r in &picked.rows {
        // People open this sheet in a spreadsheet: the comment's text
        // is defused (ids come back through `labels add`, unchanged).
        out.write_record([
            r.doc_id.as_str(),
            r.unit_id.as_str(),
            r.actor.as_str(),
            "",
            "",
            r.kind.as_str(),
            r.picked_for.as_str(),
            r.predicted.as_str(),
            format!("{:.4}", r.uncertainty).as_str(),
            defuse(&r.text).as_ref(),
        ])
        .map_err(werr)?;
    }
    out.into_inner()
        .map_err(|e| outfile::write_err(args.output.as_deref(), e.into_error()))?
        .finish()?;
    eprintln!(
        "read {} units (rejected {}), {} fully labelled or held out for evaluation, picked {} units across {} articles: {} rows to label",
        summary.read,
        summary.rejected,
        picked.skipped,
        picked.picked.len(),
        picked.articles(),
        picked.rows.len()
    );
    Ok(ExitCode::SUCCESS)
}

fn parse_share(s: &str) -> std::result::Result<f64, String> {
    match s.parse::<f64>() {
        Ok(x) if (0.0..=1.0).contains(&x) => Ok(x),
        _ => Err(format!("{s:?} is not a share between 0 and 1")),
    }
}
