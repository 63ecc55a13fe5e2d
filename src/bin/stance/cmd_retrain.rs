use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;
use stance::error::Result;
use stance::model::registry::{DEFAULT_FILE, Registry};
use stance::model::retrain::{Changes, Outcome, Request, Stopped, run as retrain};
use stance::project::ProjectUnits;

use crate::io::Bars;
use crate::model_ctx::{note_zero_shot, say_in_use};
use crate::project_ctx;
use crate::store_ctx::CLI;
use crate::train_args::ModelKind;

/// Retrain on all current labels; promote only if not worse.
///
/// Trains a candidate on the label store (paragraphs and the comments not
/// held out) plus the registry's external data, then scores the candidate
/// and the current default on the same held-out comments and
/// cross-validates both configurations on the same folds, printing both
/// side by side with the differences and their paired-bootstrap 95%
/// intervals. The candidate is kept in models/registry.json either way, and
/// becomes models/default.model only when it is not worse on the agreed
/// metric (registry.json: retrain.metric), or with --force --reason.
///
/// Exit status: 0 promoted, 3 kept but not promoted, 2 error.
#[derive(Parser)]
#[command(after_help = examples!(
    "stance retrain",
    "stance retrain --labels labels/ --name weekly-2026-11-24",
    "stance retrain --model-kind logreg --c 0.5",
    "stance retrain --force --reason \"new actor IRN, old model cannot score it\"",
))]
pub struct Args {
    /// The label store (a folder of label CSVs) [default: the project's, or
    /// labels].
    #[arg(long)]
    labels: Option<PathBuf>,
    /// Pages or unit files the labels refer to [default: the project's
    /// corpora, or seeds].
    #[arg(long, num_args = 1..)]
    corpus: Vec<String>,
    /// The actors file [default: the project's, else the one built into
    /// stance].
    #[arg(long)]
    actors: Option<PathBuf>,
    /// The models folder (registry.json, default.model, kept models)
    /// [default: the project's models/, or models].
    #[arg(long)]
    models: Option<PathBuf>,
    /// Name of the candidate [default: its date and checksum].
    #[arg(long)]
    name: Option<String>,
    /// Use another model kind than the default's.
    #[arg(long, value_enum)]
    model_kind: Option<ModelKind>,
    /// Use another stance C than the default's.
    #[arg(long)]
    c: Option<f32>,
    /// Promote even if worse; needs --reason, which is recorded.
    #[arg(long, requires = "reason")]
    force: bool,
    /// Why the candidate is promoted (recorded in models/registry.json
    /// with it); needed with --force, so an override is never unexplained.
    #[arg(long)]
    reason: Option<String>,
    /// Print the comparison as one JSON object.
    #[arg(long)]
    json: bool,
}

pub fn run(args: Args) -> Result<ExitCode> {
    let models = project_ctx::models_dir(args.models.as_ref());
    let labels = project_ctx::labels(args.labels.as_ref());
    let actors_in_use = project_ctx::actors(args.actors.as_ref());
    say_in_use(None, &actors_in_use);
    let (actors, actors_toml) = actors_in_use.load()?;
    let units = project_ctx::units(&args.corpus, None)?;
    let splits = project_ctx::split_rule()?;
    let req = Request {
        models: &models,
        labels: &labels,
        actors: &actors,
        actors_toml: &actors_toml,
        units: &units.units,
        corpus_absent: !units.absent.is_empty(),
        splits: &splits,
        root: stance::project::defaults::root(project_ctx::project()),
        name: args.name.clone(),
        loss: args.model_kind.map(ModelKind::loss),
        c: args.c,
        force: args.force.then(|| args.reason.clone().unwrap_or_default()),
    };
    let said = Said {
        models: &models,
        actors: &actors_in_use,
        units: &units,
        json: args.json,
    };
    match retrain(&req, &CLI, &Bars::new()) {
        Ok(outcome) => said.outcome(&outcome),
        Err(Stopped { error, so_far }) => {
            said.outcome(&so_far)?;
            Err(error)
        }
    }
}

/// What a retrain did, said the way it always was: notes on stderr, the
/// comparison on stdout.
struct Said<'a> {
    models: &'a Path,
    actors: &'a stance::project::ActorsSource,
    units: &'a ProjectUnits,
    json: bool,
}

impl Said<'_> {
    fn outcome(&self, o: &Outcome) -> Result<ExitCode> {
        if let Some(name) = &o.adopted {
            eprintln!("note: keeps the untracked default model as `{name}`");
        }
        note_zero_shot(&o.zero_shot, self.actors);
        project_ctx::note_set_aside(o.set_aside, self.units);
        for r in &o.rejected {
            eprintln!("rejected: {r}");
        }
        if let Some(p) = &o.pool {
            eprintln!(
                "training pool: {} stance / {} sentiment examples; held out ({}): {} / {}",
                p.train_stance, p.train_sentiment, p.held, p.holdout_stance, p.holdout_sentiment,
            );
        }
        match &o.changes {
            None => {}
            Some(Changes::Unknown) => eprintln!(
                "what changed: unknown (the default records no training labels; made before issue 13)"
            ),
            Some(Changes::Known(new)) if new.is_empty() => {
                eprintln!("what changed: no stance labels the default was not trained on");
            }
            Some(Changes::Known(new)) => {
                let total: usize = new.iter().map(|n| n.labels).sum();
                eprintln!("what changed: {total} stance label(s) the default was not trained on");
                eprintln!("  {:<12} {:<10} {:>6}", "actor", "kind", "labels");
                for n in new {
                    eprintln!("  {:<12} {:<10} {:>6}", n.actor, n.kind, n.labels);
                }
            }
        }
        if o.up_to_date {
            eprintln!(
                "no new labels since the default was trained, and the same settings: \
                 nothing trained, nothing kept"
            );
            return Ok(ExitCode::SUCCESS);
        }
        if let Some(s) = o.train_seconds {
            eprintln!("trained the candidate in {s:.2} s");
        }
        for n in &o.compare_notes {
            eprintln!("compare: {n}");
        }
        let Some(decision) = &o.decision else {
            return Ok(ExitCode::SUCCESS);
        };
        if self.json {
            outln!(
                "{}",
                serde_json::to_string(&o.comparison).expect("serialises")
            )?;
        } else if let Some(c) = &o.comparison {
            out!("{}", c.render())?;
        }
        let Some(name) = &o.kept else {
            return Ok(ExitCode::SUCCESS);
        };
        let note = &decision.note;
        if decision.promote {
            let default = self.models.join(DEFAULT_FILE);
            eprintln!("promoted `{name}` to {}: {note}", default.display());
            Ok(ExitCode::SUCCESS)
        } else {
            eprintln!(
                "NOT promoted; kept `{name}` in {}: {note}",
                Registry::path(self.models).display()
            );
            Ok(ExitCode::from(3))
        }
    }
}
