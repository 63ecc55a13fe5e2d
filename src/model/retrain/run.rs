//! The whole of `stance retrain`, short of its flags and its printing:
//! lock `models/`, keep an untracked default under a name, read the labels
//! and the external data, hold out, decide whether anything changed,
//! train, compare, keep, promote, and commit it all at once. What happened
//! comes back as an [`Outcome`] for the caller to show; a run that stops
//! on an error returns what it had found by then ([`Stopped`]), so the
//! rows rejected before "no stance labels" are not lost.

use std::path::Path;
use std::time::Instant;

use serde::Serialize;

use super::{Comparison, Configs, compare, hold_out, unseen_by_both};
use crate::actors::ActorSet;
use crate::commit::{Access, Commit, lock, recover};
use crate::corpus::Unit;
use crate::dataset::{DataOptions, Dataset, read_data};
use crate::error::{Error, Rejection, Result};
use crate::labels::splits::SplitRule;
use crate::linear::{ClassWeight, Loss};
use crate::model::provenance::{TrainedOn, set_metric};
use crate::model::registry::{DEFAULT_FILE, Registry, now_utc};
use crate::model::{ModelData, StanceModel, TrainParams, file, train};
use crate::progress::Progress;

/// What to retrain with. The caller resolves the folders, reads the actors
/// file and the corpus, and chooses the split rule (the project's, in the
/// CLI), so the same run serves every front end.
pub struct Request<'a> {
    /// The models folder: `registry.json`, `default.model`, kept models.
    pub models: &'a Path,
    /// The label store (a folder of label CSVs).
    pub labels: &'a Path,
    /// The actors label rows may name, and their file's text.
    pub actors: &'a ActorSet,
    pub actors_toml: &'a str,
    /// The units label rows refer to.
    pub units: &'a [Unit],
    /// Whether a declared corpus is absent: label rows of documents in no
    /// unit are then set aside (counted), not rejected.
    pub corpus_absent: bool,
    pub splits: &'a SplitRule,
    /// The folder the registry's external data paths are relative to.
    pub root: &'a Path,
    /// The candidate's name [default: its date and checksum].
    pub name: Option<String>,
    /// Another loss than the default's, for both heads.
    pub loss: Option<Loss>,
    /// Another stance C than the default's.
    pub c: Option<f32>,
    /// Promote even if worse, for this reason (recorded with the model).
    pub force: Option<String>,
}

/// How the training pool and the held-out comments came out.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Pool {
    /// What was held out: "the recorded eval split", "20% of comments".
    pub held: String,
    pub train_stance: usize,
    pub train_sentiment: usize,
    pub holdout_stance: usize,
    pub holdout_sentiment: usize,
}

/// Stance labels of one actor and unit kind the default was not trained
/// on.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NewLabels {
    pub actor: String,
    /// `title`, `paragraph`, `comment`, or `external` (data without kinds).
    pub kind: String,
    pub labels: usize,
}

/// What changed since the default was trained.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Changes {
    /// The default records no training labels (made before issue 13).
    Unknown,
    /// The labels the default was not trained on (none: empty).
    Known(Vec<NewLabels>),
}

impl Changes {
    /// The training pool's stance labels against the ones `default` was
    /// trained on, per actor and unit kind.
    pub fn since(default: &ModelData, pool: &Dataset) -> Changes {
        let Some(seen) = TrainedOn::of_meta(&default.meta) else {
            return Changes::Unknown;
        };
        let new = seen.new_labels(&pool.stance);
        Changes::Known(
            new.into_iter()
                .map(|((actor, kind), labels)| NewLabels {
                    actor,
                    kind,
                    labels,
                })
                .collect(),
        )
    }

    /// Whether there is anything new to retrain for (an unknown record
    /// always is).
    pub fn any(&self) -> bool {
        match self {
            Changes::Unknown => true,
            Changes::Known(new) => !new.is_empty(),
        }
    }
}

/// Whether the candidate becomes the default, and the note kept with it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Decision {
    pub promote: bool,
    pub note: String,
}

impl Decision {
    /// The comparison's verdict (promote without a default to compare
    /// with), overridden by `force` with its reason recorded.
    pub fn of(comparison: Option<&Comparison>, force: Option<&str>) -> Decision {
        let (promote, note) = match comparison {
            Some(c) => (c.promote, c.reason.clone()),
            None => (true, "no default model yet".to_string()),
        };
        match force {
            Some(reason) if !promote => Decision {
                promote: true,
                note: format!("forced: {reason} (over: {note})"),
            },
            _ => Decision { promote, note },
        }
    }
}

/// What a retrain did, step by step; a step not reached stays empty.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Outcome {
    /// The untracked `default.model` was kept first under this name, so a
    /// rollback to it stays possible.
    pub adopted: Option<String>,
    /// Actors of the actors file the default has no training labels of
    /// (scored zero-shot; the comparison keeps to the ones both know).
    pub zero_shot: Vec<String>,
    /// Label rows set aside: their documents belong to an absent corpus.
    pub set_aside: usize,
    /// Label and data rows that could not be used, with file and line.
    pub rejected: Vec<Rejection>,
    pub pool: Option<Pool>,
    /// What changed since the default was trained; `None` without one.
    pub changes: Option<Changes>,
    /// No new labels and the same settings: nothing trained, nothing kept.
    pub up_to_date: bool,
    /// Seconds the candidate took to train.
    pub train_seconds: Option<f64>,
    /// What the comparison left out (held-out units the default saw,
    /// actors either model has no labels of).
    pub compare_notes: Vec<String>,
    /// The candidate against the default; `None` without a default.
    pub comparison: Option<Comparison>,
    /// Set once the comparison is done.
    pub decision: Option<Decision>,
    /// The name the candidate was kept under, once committed.
    pub kept: Option<String>,
}

/// A run that stopped on `error`, with what it had found by then.
#[derive(Debug)]
pub struct Stopped {
    pub error: Error,
    pub so_far: Box<Outcome>,
}

impl From<Stopped> for Error {
    fn from(s: Stopped) -> Error {
        s.error
    }
}

/// Retrains on all current labels and promotes the candidate only if it
/// is not worse (see [`compare`]), or when forced. `models` is locked from
/// reading the registry to the one commit of everything kept, so a second
/// run waits and compares with what this one promoted.
pub fn run(
    req: &Request<'_>,
    access: &dyn Access,
    progress: &dyn Progress,
) -> std::result::Result<Outcome, Stopped> {
    let mut out = Outcome::default();
    match steps(req, access, progress, &mut out) {
        Ok(()) => Ok(out),
        Err(error) => Err(Stopped {
            error,
            so_far: Box::new(out),
        }),
    }
}

fn steps(
    req: &Request<'_>,
    access: &dyn Access,
    progress: &dyn Progress,
    out: &mut Outcome,
) -> Result<()> {
    std::fs::create_dir_all(req.models).map_err(|e| Error::io(req.models, e))?;
    let lock = lock(req.models, access)?;
    let mut tx = lock.begin();
    let mut registry = Registry::load(req.models)?;
    let cfg = registry.retrain.clone();
    let external = cfg.external_paths(req.root, &Registry::path(req.models))?;
    recover(req.labels, access)?;
    let default_path = req.models.join(DEFAULT_FILE);
    let default = if default_path.exists() {
        let m = StanceModel::load(&default_path)?;
        out.adopted = adopt_untracked_default(&mut registry, &mut tx, m.data())?;
        // A changed actors file is no reason to refuse: the default scores
        // the actors it was not trained on zero-shot, and the comparison
        // keeps to the actors both models know.
        let m = m.with_actors(req.actors.clone());
        out.zero_shot = m
            .zero_shot_codes()
            .into_iter()
            .map(str::to_string)
            .collect();
        Some(m)
    } else {
        None
    };

    let data = read_pool(req, &external, out)?;
    let (mut parts, held) = hold_out(data, req.splits, cfg.holdout_percent);
    out.pool = Some(Pool {
        held,
        train_stance: parts.train.stance.len(),
        train_sentiment: parts.train.sentiment.len(),
        holdout_stance: parts.holdout.stance.len(),
        holdout_sentiment: parts.holdout.sentiment.len(),
    });
    let base = default
        .as_ref()
        .map(|m| m.data().meta.params.clone())
        .unwrap_or_else(shipped_settings);
    let params = overridden(&base, req);
    params.check()?;
    if let Some(d) = &default {
        let changes = Changes::since(d.data(), &parts.train);
        let anything = changes.any() || params != base;
        out.changes = Some(changes);
        if !anything {
            out.up_to_date = true;
            return Ok(());
        }
    }
    let mut files = vec![req.labels.display().to_string()];
    files.extend(cfg.external_data.iter().cloned());
    let started = Instant::now();
    let mut model = train(
        &parts.train,
        req.actors,
        req.actors_toml,
        &params,
        files,
        progress,
    )?;
    out.train_seconds = Some(started.elapsed().as_secs_f64());
    let candidate = StanceModel::from_data(model.clone())?;
    if let Some(d) = &default {
        let (holdout, notes) = unseen_by_both(std::mem::take(&mut parts.holdout), d, &candidate);
        out.compare_notes = notes;
        parts.holdout = holdout;
        let configs = Configs {
            default: &base,
            candidate: &params,
        };
        out.comparison = Some(compare(
            d,
            &candidate,
            configs,
            &parts,
            req.actors,
            req.actors_toml,
            &cfg,
            progress,
        )?);
    }
    let decision = Decision::of(out.comparison.as_ref(), req.force.as_deref());
    out.decision = Some(decision.clone());

    let recorded = serde_json::to_value(&out.comparison).expect("serialises");
    set_metric(&mut model.meta, "retrain", recorded.clone());
    let bytes = file::encode(&model)?;
    let created = now_utc();
    let name = req.name.clone().unwrap_or_else(|| {
        let sha = crate::digest::sha256_hex(&bytes);
        format!("{}-{}", &created[..10], &sha[..8])
    });
    let note = Some(decision.note);
    registry.keep(&mut tx, &name, &bytes, &model, recorded, created, note)?;
    if decision.promote {
        registry.use_model(&mut tx, &name)?;
    }
    registry.stage(&mut tx)?;
    tx.run()?;
    out.kept = Some(name);
    Ok(())
}

/// Reads the label store (all unit kinds, both splits; rows `labels check`
/// would report are rejected) and the external data.
fn read_pool(
    req: &Request<'_>,
    external: &[std::path::PathBuf],
    out: &mut Outcome,
) -> Result<Dataset> {
    let opts = DataOptions {
        splits: req.splits.clone(),
        set_aside_unknown_docs: req.corpus_absent,
        actors: Some(req.actors.clone()),
        ..DataOptions::default()
    };
    let mut data = read_data(&[req.labels.to_path_buf()], req.units, &opts);
    if !external.is_empty() {
        data.extend(read_data(external, &[], &DataOptions::default()));
    }
    out.set_aside = data.set_aside;
    out.rejected = data.rejected.clone();
    if data.stance.is_empty() {
        return Err(Error::NoData(format!(
            "no stance labels in {}",
            req.labels.display()
        )));
    }
    Ok(data)
}

/// The settings of the shipped model (models/README.md), for a first run
/// with no default to copy them from.
pub fn shipped_settings() -> TrainParams {
    let mut p = TrainParams::default();
    for head in [&mut p.stance, &mut p.sentiment] {
        head.loss = Loss::SquaredHinge;
        head.class_weight = ClassWeight::Balanced;
    }
    p.stance.c = 0.1;
    p
}

/// `base` with the request's loss and C.
fn overridden(base: &TrainParams, req: &Request<'_>) -> TrainParams {
    let mut p = base.clone();
    if let Some(loss) = req.loss {
        p.stance.loss = loss;
        p.sentiment.loss = loss;
    }
    if let Some(c) = req.c {
        p.stance.c = c;
    }
    p
}

/// A default.model that no registry entry describes (the shipped one, or
/// one copied in by hand) is kept under a name first, so a rollback to it
/// stays possible after a promotion. Staged in the run's one commit;
/// returns the name.
fn adopt_untracked_default(
    registry: &mut Registry,
    tx: &mut Commit,
    data: &ModelData,
) -> Result<Option<String>> {
    if registry.actual_default(tx.dir())?.is_some() {
        return Ok(None);
    }
    let path = tx.dir().join(DEFAULT_FILE);
    let sha = crate::digest::sha256_file(&path)?;
    let name = format!("adopted-{}", &sha[..8]);
    let note = "adopted: the default.model found untracked; metrics from its training run";
    registry.keep_file(tx, &name, &path, data, Some(note.into()))?;
    Ok(Some(name))
}

#[cfg(test)]
mod tests;
