use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;
use stance::commit::Commit;
use stance::dataset::{DataOptions, Dataset, read_data};
use stance::error::{Error, Result, read_file};
use stance::eval::{Difference, PairedScores};
use stance::model::provenance::TrainedOn;
use stance::model::registry::{DEFAULT_FILE, Registry, now_utc};
use stance::model::retrain::{Comparison, Configs, compare, hold_out, unseen_by_both};
use stance::model::{ModelData, StanceModel, TrainParams, file, train};

use crate::io::Bars;
use crate::train_args::ModelKind;
use crate::{project_ctx, store_ctx};
use stance::labels::splits::SplitRule;

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
    std::fs::create_dir_all(&models).map_err(|e| Error::io(&models, e))?;
    // Held from reading the registry to the one commit of everything this
    // run keeps: a second retrain waits, then compares with what this one
    // promoted and adds its entry to this one's registry.
    let lock = store_ctx::lock(&models)?;
    let mut tx = lock.begin();
    let mut registry = Registry::load(&models)?;
    let cfg = registry.retrain.clone();
    let root = project_ctx::project().map_or(Path::new("."), |p| p.root.as_path());
    let external = cfg.external_paths(root, &Registry::path(&models))?;
    let actors_in_use = project_ctx::actors(args.actors.as_ref());
    let labels = project_ctx::labels(args.labels.as_ref());
    store_ctx::recover(&labels)?;
    crate::model_ctx::say_in_use(None, &actors_in_use);
    let (actors, actors_toml) = actors_in_use.load()?;
    let default_path = models.join(DEFAULT_FILE);
    let default = if default_path.exists() {
        let m = StanceModel::load(&default_path)?;
        adopt_untracked_default(&mut registry, &mut tx, m.data())?;
        // A changed actors file is no reason to refuse: the default scores
        // the actors it was not trained on zero-shot, and the comparison
        // keeps to the actors both models know.
        let m = m.with_actors(actors.clone());
        crate::model_ctx::note_zero_shot(&m, &actors_in_use);
        Some(m)
    } else {
        None
    };

    let rule = project_ctx::split_rule()?;
    let data = load(&args, &labels, &rule, &external, &actors)?;
    let (mut parts, held) = hold_out(data, &rule, cfg.holdout_percent);
    eprintln!(
        "training pool: {} stance / {} sentiment examples; held out ({held}): {} / {}",
        parts.train.stance.len(),
        parts.train.sentiment.len(),
        parts.holdout.stance.len(),
        parts.holdout.sentiment.len(),
    );
    let base = default
        .as_ref()
        .map(|m| m.data().meta.params.clone())
        .unwrap_or_else(shipped_settings);
    let params = overridden(&base, &args);
    params.check()?;
    if let Some(d) = &default
        && !changes(d.data(), &parts.train, params == base)
    {
        eprintln!(
            "no new labels since the default was trained, and the same settings: \
             nothing trained, nothing kept"
        );
        return Ok(ExitCode::SUCCESS);
    }
    let mut files = vec![labels.display().to_string()];
    files.extend(cfg.external_data.iter().cloned());
    let started = std::time::Instant::now();
    let data = train(
        &parts.train,
        &actors,
        &actors_toml,
        &params,
        files,
        &Bars::new(),
    )?;
    eprintln!(
        "trained the candidate in {:.2} s",
        started.elapsed().as_secs_f64()
    );
    let candidate = StanceModel::from_data(data.clone())?;

    let comparison = match &default {
        Some(d) => {
            let (holdout, notes) =
                unseen_by_both(std::mem::take(&mut parts.holdout), d, &candidate);
            for n in notes {
                eprintln!("compare: {n}");
            }
            parts.holdout = holdout;
            let configs = Configs {
                default: &base,
                candidate: &params,
            };
            let c = compare(
                d,
                &candidate,
                configs,
                &parts,
                &actors,
                &actors_toml,
                &cfg,
                &Bars::new(),
            )?;
            Some(c)
        }
        None => None,
    };
    if args.json {
        outln!(
            "{}",
            serde_json::to_string(&comparison).expect("serialises")
        )?;
    } else if let Some(c) = &comparison {
        out!("{}", render(c))?;
    }

    let (promote, mut note) = match &comparison {
        Some(c) => (c.promote, c.reason.clone()),
        None => (true, "no default model yet".to_string()),
    };
    let promoted = promote || args.force;
    if args.force && !promote {
        note = format!(
            "forced: {} (over: {note})",
            args.reason.as_deref().unwrap_or("")
        );
    }
    let mut model = data;
    stance::model::provenance::set_metric(
        &mut model.meta,
        "retrain",
        serde_json::json!(&comparison),
    );
    let bytes = file::encode(&model)?;
    let created = now_utc();
    let name = args.name.clone().unwrap_or_else(|| {
        let sha = stance::digest::sha256_hex(&bytes);
        format!("{}-{}", &created[..10], &sha[..8])
    });
    let metrics = serde_json::to_value(&comparison).expect("serialises");
    let kept = Some(note.clone());
    registry.keep(&mut tx, &name, &bytes, &model, metrics, created, kept)?;
    if promoted {
        registry.use_model(&mut tx, &name)?;
    }
    registry.stage(&mut tx)?;
    tx.run()?;
    if promoted {
        eprintln!("promoted `{name}` to {}: {note}", default_path.display());
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!(
            "NOT promoted; kept `{name}` in {}: {note}",
            Registry::path(&models).display()
        );
        Ok(ExitCode::from(3))
    }
}

/// Says what changed since the default was trained (its stance labels
/// against the training pool's, per actor and unit kind) and returns
/// whether there is anything to retrain for: new labels, or other
/// settings (`same_settings` false). A default without a training record
/// cannot tell, so it always retrains.
fn changes(default: &ModelData, pool: &Dataset, same_settings: bool) -> bool {
    let Some(seen) = TrainedOn::of_meta(&default.meta) else {
        eprintln!(
            "what changed: unknown (the default records no training labels; made before issue 13)"
        );
        return true;
    };
    let new = seen.new_labels(&pool.stance);
    if new.is_empty() {
        eprintln!("what changed: no stance labels the default was not trained on");
        return !same_settings;
    }
    let total: usize = new.values().sum();
    eprintln!("what changed: {total} stance label(s) the default was not trained on");
    eprintln!("  {:<12} {:<10} {:>6}", "actor", "kind", "labels");
    for ((target, kind), n) in &new {
        eprintln!("  {target:<12} {kind:<10} {n:>6}");
    }
    true
}

/// Reads the label store (all unit kinds, both splits; rows `labels check`
/// would report are rejected) and the external data.
fn load(
    args: &Args,
    labels: &Path,
    rule: &SplitRule,
    external: &[PathBuf],
    actors: &stance::actors::ActorSet,
) -> Result<Dataset> {
    let units = project_ctx::units(&args.corpus, None)?;
    let opts = DataOptions {
        splits: rule.clone(),
        set_aside_unknown_docs: !units.absent.is_empty(),
        actors: Some(actors.clone()),
        ..DataOptions::default()
    };
    let mut data = read_data(&[labels.to_path_buf()], &units.units, &opts);
    project_ctx::note_set_aside(data.set_aside, &units);
    if !external.is_empty() {
        let more = read_data(external, &[], &DataOptions::default());
        data.stance.extend(more.stance);
        data.sentiment.extend(more.sentiment);
        data.rejected.extend(more.rejected);
        data.read += more.read;
    }
    for r in &data.rejected {
        eprintln!("rejected: {r}");
    }
    if data.stance.is_empty() {
        return Err(Error::NoData(format!(
            "no stance labels in {}",
            labels.display()
        )));
    }
    Ok(data)
}

/// The settings of the shipped model (models/README.md), for a first run
/// with no default to copy them from.
fn shipped_settings() -> TrainParams {
    let mut p = TrainParams::default();
    for head in [&mut p.stance, &mut p.sentiment] {
        head.loss = stance::linear::Loss::SquaredHinge;
        head.class_weight = stance::linear::ClassWeight::Balanced;
    }
    p.stance.c = 0.1;
    p
}

fn overridden(base: &TrainParams, args: &Args) -> TrainParams {
    let mut p = base.clone();
    if let Some(kind) = args.model_kind {
        let loss = match kind {
            ModelKind::Logistic => stance::linear::Loss::Logistic,
            ModelKind::Svm => stance::linear::Loss::SquaredHinge,
        };
        p.stance.loss = loss;
        p.sentiment.loss = loss;
    }
    if let Some(c) = args.c {
        p.stance.c = c;
    }
    p
}

/// A default.model that no registry entry describes (the shipped one, or
/// one copied in by hand) is kept under a name first, so a rollback to it
/// stays possible after a promotion. Staged in the run's one commit.
fn adopt_untracked_default(
    registry: &mut Registry,
    tx: &mut Commit,
    data: &ModelData,
) -> Result<()> {
    if registry.actual_default(tx.dir())?.is_some() {
        return Ok(());
    }
    let path = tx.dir().join(DEFAULT_FILE);
    let sha = stance::digest::sha256_hex(&read_file(&path)?);
    let name = format!("adopted-{}", &sha[..8]);
    let note = "adopted: the default.model found untracked; metrics from its training run";
    registry.keep_file(tx, &name, &path, data, Some(note.into()))?;
    eprintln!("note: keeps the untracked default model as `{name}`");
    Ok(())
}

fn render(c: &Comparison) -> String {
    let mut out = String::new();
    if c.cv.is_none() {
        out.push_str(
            "cross-validation: not run (the candidate has the default's settings, so both \
             would score the same on the same folds)\n\n",
        );
    }
    let mut section = |title: &str, p: &PairedScores| {
        out.push_str(&format!(
            "{title} (n {}, {} bootstrap rounds)\n{:<22} {:>8} {:>10} {:>8}  95% CI of difference\n",
            p.n, p.rounds, "metric", "default", "candidate", "diff"
        ));
        let mut row = |name: &str, d: &Difference| {
            out.push_str(&format!(
                "{name:<22} {:>8.3} {:>10.3} {:>+8.3}  [{:+.3}, {:+.3}]\n",
                d.a, d.b, d.diff, d.interval[0], d.interval[1]
            ));
        };
        row("accuracy", &p.accuracy);
        row("macro_f1", &p.macro_f1);
        if let Some(f) = &p.f_avg {
            row("f_avg", f);
        }
        out.push('\n');
    };
    for (what, paired) in [
        ("held-out comments", &c.holdout),
        ("cross-validation", &c.cv),
    ] {
        if let Some(p) = paired {
            section(&format!("stance, {what}"), &p.stance);
            if let Some(s) = &p.sentiment {
                section(&format!("sentiment, {what}"), s);
            }
        }
    }
    out.push_str(&format!("decision ({}): {}\n", c.metric.as_str(), c.reason));
    out
}
