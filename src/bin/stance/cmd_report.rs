use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{Parser, ValueEnum};
use stance::Error;
use stance::corpus::ingest::text_units;
use stance::corpus::{Ingest, Unit};
use stance::labels::{LabelRow, LabelSet};
use stance::model::ModelData;
use stance::model::registry::Registry;
use stance::project::ModelSource;
use stance::report::group::{GroupBy, MISSING, group_scores};
use stance::report::quantify::{DEFAULT_METHOD, Method};
use stance::report::{
    ArticleReport, Estimate, Format, ModelCard, make_reports, read_scores, render,
};
use stance::score::{Record, ScoreRecord, score_stream};

use crate::model_ctx::{InUse, say_in_use};
use crate::project_ctx;
use crate::store_ctx::CLI;
use stance::outfile;

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Table,
    Csv,
    Json,
    /// One self-contained page (no network needed; use with -o): an
    /// overview of net stance per article × actor, the model card, a guide
    /// to the numbers, then each article under its headline with charts.
    Html,
}

/// Per-article stance distributions from scores and/or hand labels.
///
/// For each article, separately for reader comments and the article's own
/// paragraphs (the headline is reported on its own, in neither): units
/// scored; per actor the count of units classified pro / anti / none, the
/// estimated shares with 95% intervals, the net stance (pro − anti share)
/// with its interval, how many units mention it, and the strongest pro and
/// anti units (quoted around the actor's mention); the sentiment split.
/// Given both --scores and --labels, predicted and labelled sections are
/// shown side by side, and units with both are compared one by one.
///
/// Predicted shares are estimated by --method, correcting for the
/// classifier's errors with error rates from the model's out-of-fold data
/// (give the model that made the scores with --model). The output names the
/// method and its error measured on that data.
#[derive(Parser)]
#[command(after_help = examples!(
    "stance report --scores scores.jsonl",
    "stance report --scores scores.jsonl --labels labels/",
    "stance report --scores scores.jsonl --by outlet --format csv -o by_outlet.csv",
    "stance report --scores scores.jsonl --format html -o report.html",
))]
pub struct ReportArgs {
    /// Score records written by `stance score` (JSON lines).
    #[arg(long, num_args = 1..)]
    scores: Vec<PathBuf>,
    /// Hand-label CSVs or folders of them.
    #[arg(long, num_args = 1..)]
    labels: Vec<PathBuf>,
    /// Corpus the labels refer to (for unit kinds and excerpts) [default:
    /// the project's corpora, or seeds].
    #[arg(long, num_args = 1..)]
    corpus: Vec<String>,
    /// Actors file, for the actor order of label-only reports [default: the
    /// project's, else the one built into stance].
    #[arg(long)]
    actors: Option<PathBuf>,
    /// The model that made the scores, for its out-of-fold error rates
    /// [default: the project's models/default.model, else the model built
    /// into stance].
    #[arg(long)]
    model: Option<PathBuf>,
    /// Group the distributions by a field of the scores instead of by
    /// article: any column kept in `fields` (outlet, author, …), or day,
    /// week (ISO) or month of posted_at. Units without a value form the
    /// group "(none)".
    #[arg(long, value_name = "FIELD")]
    by: Option<String>,
    #[command(flatten)]
    shares: ShareArgs,
    #[command(flatten)]
    out: OutArgs,
}

/// How predicted shares are estimated.
#[derive(clap::Args)]
pub struct ShareArgs {
    /// Quantification method: cc (classify and count), pcc (mean
    /// probability), acc / pacc (adjusted for the classifier's error rates),
    /// em (Saerens et al. prior adjustment). The default is the measured
    /// best (models/README.md, "Quantification"). Without out-of-fold data
    /// in the model, cc.
    #[arg(
        long,
        default_value_t = DEFAULT_METHOD,
        value_parser = PossibleValuesParser::new(Method::ALL.map(Method::as_str))
            .map(|s| s.parse::<Method>().expect("a listed method")),
    )]
    method: Method,
    /// Bootstrap rounds of the intervals (units and labelled pairs
    /// resampled); cc keeps Wilson intervals.
    #[arg(long, default_value_t = 1000)]
    bootstrap: usize,
    /// Seed of the bootstrap.
    #[arg(long, default_value_t = 42)]
    seed: u64,
}

impl ShareArgs {
    /// The estimate of predicted shares with `model`'s out-of-fold pairs.
    fn estimate<'a>(&self, model: &'a ModelData) -> Estimate<'a> {
        Estimate {
            model,
            method: self.method,
            rounds: self.bootstrap,
            seed: self.seed,
        }
    }
}

#[derive(clap::Args)]
pub struct OutArgs {
    /// Output format: a table to read, CSV or JSON to process further, or
    /// one HTML page with charts.
    #[arg(long, value_enum, default_value = "table")]
    format: ReportFormat,
    /// Output file (default: stdout).
    #[arg(short, long)]
    output: Option<PathBuf>,
}

/// Ingest, score with the model, and report per article — the main job.
#[derive(Parser)]
#[command(after_help = examples!(
    "stance run seeds/",
    "stance run --model my.model comments.csv --format json -o report.json",
    "stance run seeds/ --format html -o report.html",
))]
pub struct RunArgs {
    #[command(flatten)]
    input: crate::input_args::InputArgs,
    /// The model file that scores the units (from `stance train`, or a
    /// kept one in models/) [default: the project's models/default.model,
    /// else the model built into stance].
    #[arg(long)]
    model: Option<PathBuf>,
    /// The actors to report on [default: the project's actors file, else
    /// the one built into stance]; ones the model was not trained on are
    /// zero-shot.
    #[arg(long)]
    actors: Option<PathBuf>,
    /// Also show hand labels side by side (label CSVs or folders).
    #[arg(long, num_args = 1..)]
    labels: Vec<PathBuf>,
    #[command(flatten)]
    shares: ShareArgs,
    #[command(flatten)]
    out: OutArgs,
}

/// The score records (`stance::report::read_scores`), each line that is
/// not one said on stderr.
fn scores(paths: &[PathBuf]) -> stance::Result<Vec<ScoreRecord>> {
    let read = read_scores(paths)?;
    for r in &read.rejected {
        eprintln!("rejected: {r}");
    }
    eprintln!(
        "report: {} score records, rejected {}",
        read.records.len(),
        read.rejected.len()
    );
    Ok(read.records)
}

/// The hand labels to show beside the scores: none without --labels; a
/// row that cannot be read stops the report (it would change the shares
/// in silence).
fn labels(paths: &[PathBuf]) -> stance::Result<Vec<LabelRow>> {
    if paths.is_empty() {
        return Ok(Vec::new());
    }
    LabelSet::read(paths, &CLI)?.strict()
}

/// The model card of the model at `path`, with its registry entry when its
/// folder's registry keeps it (a registry that cannot be read is named on
/// stderr and the card says "not recorded").
fn model_card(source: &ModelSource, data: &ModelData) -> ModelCard {
    let Some(path) = source.path() else {
        return ModelCard::new(&source.to_string(), data, stance::model::embedded::entry());
    };
    let entry = Registry::entry_of_file(path).unwrap_or_else(|e| {
        eprintln!("warning: no registry entry for the model card: {e}");
        None
    });
    ModelCard::new(&path.display().to_string(), data, entry.as_ref())
}

fn emit(
    reports: &[ArticleReport],
    out: &OutArgs,
    card: Option<&ModelCard>,
) -> stance::Result<ExitCode> {
    let path = out.output.as_deref();
    let mut w = outfile::output(path)?;
    let format = match out.format {
        ReportFormat::Table => Format::Table,
        ReportFormat::Csv => Format::Csv,
        ReportFormat::Json => Format::Json,
        ReportFormat::Html => Format::Html,
    };
    let text = render(reports, format, card);
    w.write_all(text.as_bytes())
        .map_err(|e| outfile::write_err(path, e))?;
    w.finish()?;
    Ok(ExitCode::SUCCESS)
}

pub fn report(args: ReportArgs) -> stance::Result<ExitCode> {
    if args.scores.is_empty() && args.labels.is_empty() {
        return Err(Error::Param("give --scores, --labels, or both".into()));
    }
    let in_use = InUse::resolve(args.model.as_ref(), args.actors.as_ref());
    let read = (args.scores.iter().chain(&args.labels).cloned())
        .chain(args.corpus.iter().map(PathBuf::from))
        .chain(in_use.files());
    outfile::refuse_overwrite(read, &args.out.output)?;
    let mut scores = scores(&args.scores)?;
    if let Some(by) = &args.by {
        if !args.labels.is_empty() {
            return Err(Error::Param(
                "--by groups scores; labels have no fields to group by".into(),
            ));
        }
        let missing = group_scores(&mut scores, &GroupBy::parse(by));
        eprintln!("report: grouped by {by}; {missing} unit(s) without a value in \"{MISSING}\"");
    }
    let labels = labels(&args.labels)?;
    let actors: Vec<String> = match scores.iter().find(|r| r.doc_id.is_some()) {
        Some(r) => r.actors.iter().map(|a| a.actor.clone()).collect(),
        None => in_use.actors.set()?.codes().map(str::to_string).collect(),
    };
    // The corpus gives label-only sections their excerpts and every quote
    // its full text; read when labels or --corpus ask for it.
    let units = if labels.is_empty() && args.corpus.is_empty() {
        Vec::new()
    } else {
        project_ctx::units(&args.corpus, None)?.units
    };
    let actor_set = in_use.actors.set().ok();
    let mut card = None;
    let mut data = None;
    if !scores.is_empty() {
        say_in_use(Some(&in_use.model), &in_use.actors);
        if let Some(p) = in_use.model.path() {
            crate::store_ctx::recover_parent(p)?;
        }
        let d = in_use.model.data()?;
        card = Some(model_card(&in_use.model, &d));
        data = Some(d);
    }
    let estimate = data.as_ref().map(|model| args.shares.estimate(model));
    let reports = make_reports(
        &scores,
        &labels,
        &actors,
        &units,
        actor_set.as_ref(),
        estimate,
    );
    emit(&reports, &args.out, card.as_ref())
}

pub fn run(args: RunArgs) -> stance::Result<ExitCode> {
    let in_use = InUse::resolve(args.model.as_ref(), args.actors.as_ref());
    let read = args.input.inputs.iter().map(PathBuf::from);
    let read = read.chain(in_use.files()).chain(args.labels.clone());
    outfile::refuse_overwrite(read, &args.out.output)?;
    let model = in_use.load()?;
    let inputs = args.input.inputs()?;
    let mut ingest = Ingest::with_options(&inputs, args.input.options()?)
        .starting_with(text_units(&args.input.text));
    let units: Vec<Unit> = ingest
        .by_ref()
        .filter_map(|r| r.map_err(|e| eprintln!("rejected: {e}")).ok())
        .collect();
    let read = ingest.summary();
    if units.is_empty() {
        eprintln!("error: no units read ({read})");
        return Ok(ExitCode::from(1));
    }
    let mut scores = Vec::with_capacity(units.len());
    let summary = score_stream(
        &model,
        units.iter().cloned().map(|u| Ok(Record::Unit(u))),
        |r| -> Result<(), Error> {
            scores.push(r.clone());
            Ok(())
        },
        |_| Ok(()),
        |_| {},
    )?;
    eprintln!(
        "run: read {}, scored {}, rejected {} with {}",
        read.read, summary.scored, read.rejected, in_use.model
    );
    let data = model.data();
    eprintln!("run: {}", data.quality());
    let labels = labels(&args.labels)?;
    let actors: Vec<String> = model.actors().codes().map(str::to_string).collect();
    let reports = make_reports(
        &scores,
        &labels,
        &actors,
        &units,
        Some(model.actors()),
        Some(args.shares.estimate(data)),
    );
    let card = model_card(&in_use.model, data);
    emit(&reports, &args.out, Some(&card))
}
