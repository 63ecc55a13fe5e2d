use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use stance::error::Result;
use stance::model::StanceModel;
use stance::model::registry::{Entry, Registry};

/// List the kept models (models/registry.json), or make one the default.
///
/// The default is marked `*`: it is the kept model whose bytes
/// models/default.model holds. Metrics are stance macro-F1 and F_avg of the
/// model on the held-out comments when it was kept by `stance retrain`.
#[derive(Parser)]
#[command(after_help = examples!(
    "stance models",
    "stance models --json",
    "stance models use 2026-11-24-1a2b3c4d",
    "stance models keep my.model --name newsmtsc-svm",
))]
pub struct Args {
    #[command(subcommand)]
    action: Option<Action>,
    /// The models folder [default: the project's models/, or models].
    #[arg(long, global = true)]
    models: Option<PathBuf>,
    /// The registry as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Subcommand)]
enum Action {
    /// Make a kept model the default (a rollback is the same command).
    #[command(after_help = examples!("stance models use 2026-11-24-1a2b3c4d"))]
    Use {
        /// The model's name, as `stance models` lists it.
        name: String,
    },
    /// Keep a model file (e.g. from `stance train`) in the registry under a
    /// name, so it can be listed and used.
    #[command(after_help = examples!(
        "stance models keep my.model --name newsmtsc-svm",
        "stance models keep my.model --name newsmtsc-svm --models ~/project/models",
    ))]
    Keep {
        /// The model file to keep (copied into the models folder).
        file: PathBuf,
        /// The name to keep it under: 1–80 of A–Z a–z 0–9 - _ . (not
        /// `default`), not one already kept; `stance models use NAME` then
        /// makes it the default.
        #[arg(long)]
        name: String,
    },
}

pub fn run(args: Args) -> Result<ExitCode> {
    let models = crate::project_ctx::models_dir(args.models.as_ref());
    if args.action.is_none() {
        return list(&models, args.json);
    }
    // Both actions rewrite the registry: locked from reading it to the
    // commit of the registry, the model files and the default together.
    let lock = crate::store_ctx::lock(&models)?;
    let mut registry = Registry::load(&models)?;
    let mut tx = lock.begin();
    if let Some(Action::Use { name }) = &args.action {
        registry.use_model(&mut tx, name)?;
        registry.stage(&mut tx)?;
        tx.run()?;
        eprintln!("default model is now `{name}`");
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(Action::Keep { file, name }) = &args.action {
        let model = StanceModel::load(file)?;
        registry.keep_file(&mut tx, name, file, model.data(), None)?;
        registry.stage(&mut tx)?;
        tx.run()?;
        eprintln!("kept `{name}` in {}", Registry::path(&models).display());
        return Ok(ExitCode::SUCCESS);
    }
    Ok(ExitCode::SUCCESS)
}

fn list(models: &Path, json: bool) -> Result<ExitCode> {
    crate::store_ctx::recover(models)?;
    let registry = Registry::load(models)?;
    if json {
        outln!(
            "{}",
            serde_json::to_string_pretty(&registry).expect("serialises")
        )?;
        return Ok(ExitCode::SUCCESS);
    }
    let actual = registry.actual_default(models)?.map(|e| e.name.clone());
    if registry.models.is_empty() {
        eprintln!(
            "no models kept in {} yet (`stance retrain` keeps them)",
            Registry::path(models).display()
        );
        return Ok(ExitCode::SUCCESS);
    }
    outln!(
        "  {:<28} {:<20} {:>8} {:>9} {:>8} {:>6} {:<28} {:>6}  note",
        "name",
        "created",
        "examples",
        "macro_f1",
        "f_avg",
        "kind",
        "measured on",
        "n"
    )?;
    for e in &registry.models {
        let mark = if actual.as_deref() == Some(e.name.as_str()) {
            "*"
        } else {
            " "
        };
        let s = held_out_scores(e);
        outln!(
            "{mark} {:<28} {:<20} {:>8} {:>9} {:>8} {:>6} {:<28} {:>6}  {}",
            e.name,
            e.created,
            e.n_stance,
            s.macro_f1,
            s.f_avg,
            kind(e),
            s.test_set,
            s.n,
            e.note.as_deref().unwrap_or("")
        )?;
    }
    if actual.is_none() {
        eprintln!(
            "warning: {} matches no kept model",
            models.join(stance::model::registry::DEFAULT_FILE).display()
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn kind(e: &Entry) -> &'static str {
    match e.settings.stance.loss {
        stance::linear::Loss::Logistic => "logreg",
        stance::linear::Loss::SquaredHinge => "svm",
    }
}

/// A model's headline scores with what they were measured on, so two
/// numbers from different test sets are never read as comparable.
struct Shown {
    macro_f1: String,
    f_avg: String,
    test_set: String,
    n: String,
}

/// The candidate's side of the held-out comparison (else of the
/// cross-validation), or the validation scores `stance train --validate`
/// stored, each with its test set and number of stance rows.
fn held_out_scores(e: &Entry) -> Shown {
    let m = &e.metrics;
    let fmt = |v: Option<&serde_json::Value>| {
        v.and_then(serde_json::Value::as_f64)
            .map_or("-".to_string(), |x| format!("{x:.3}"))
    };
    let n = |v: Option<&serde_json::Value>| {
        v.and_then(serde_json::Value::as_u64)
            .map_or("-".to_string(), |x| x.to_string())
    };
    let paired = [
        ("/holdout/stance", "held-out comments (retrain)"),
        ("/cv/stance", "cross-validation (retrain)"),
    ];
    for (at, what) in paired {
        if let Some(s) = m.pointer(at).filter(|s| !s.is_null()) {
            return Shown {
                macro_f1: fmt(s.pointer("/macro_f1/b")),
                f_avg: fmt(s.pointer("/f_avg/b")),
                test_set: what.to_string(),
                n: n(s.get("n")),
            };
        }
    }
    let data: Vec<&str> = m
        .get("data")
        .and_then(|d| d.as_array())
        .map(|a| a.iter().filter_map(|x| x.as_str()).collect())
        .unwrap_or_default();
    Shown {
        macro_f1: fmt(m.pointer("/report/macro_f1")),
        f_avg: fmt(m.pointer("/report/f_avg")),
        test_set: if data.is_empty() {
            "-".to_string()
        } else {
            format!("validation: {}", data.join(", "))
        },
        n: n(m.pointer("/report/n")),
    }
}
