//! The CLI's commands as functions: `ingest`, `train`, `evaluate` and the
//! report of score records or units. Each calls the library functions the
//! command calls (named on each function), with the GIL released while it
//! works; what the command says on stderr is returned instead (rejected
//! rows, as dicts with file, line and reason).

use std::path::{Path, PathBuf};

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use stance::Error;
use stance::corpus::ingest::ReadOptions;
use stance::corpus::{Ingest, Input, Unit, UnitKind};
use stance::dataset::{Dataset, LoadRequest};
use stance::error::Rejection;
use stance::labels::splits::Split;
use stance::labels::{LabelRow, LabelSet};
use stance::linear::{ClassWeight, Loss};
use stance::model::evaluate::{predict, report};
use stance::model::provenance::TrainedOn;
use stance::model::{StanceModel, TrainSettings, file};
use stance::progress::Silent;
use stance::project::{ActorsSource, Project};
use stance::report::quantify::{DEFAULT_METHOD, Method};
use stance::report::{Estimate, Format, ModelCard, make_reports, read_scores, render};
use stance::score::{Record, ScoreRecord, score_stream};

use crate::Model;
use crate::errors::{to_py, value_error};

/// The project of the working folder, as the CLI finds it at start-up.
fn project() -> stance::Result<Option<Project>> {
    Project::discover(None)
}

/// Rejections as dicts with file, line and reason.
fn rejections<'py>(py: Python<'py>, rs: &[Rejection]) -> PyResult<Bound<'py, PyList>> {
    let out = PyList::empty(py);
    for r in rs {
        let d = PyDict::new(py);
        d.set_item("file", &r.at.file)?;
        d.set_item("line", r.at.line)?;
        d.set_item("reason", &r.reason)?;
        out.append(d)?;
    }
    Ok(out)
}

/// The units of `inputs` as `stance ingest` reads them
/// (`stance::corpus::Ingest`): the columns doc_id, unit_id, kind, author,
/// posted_at and text as lists, and the rejected records. Called by
/// `stance.ingest`, which makes the DataFrame.
#[pyfunction]
#[pyo3(signature = (inputs, id_col=None, doc_col=None, text_col=None, delimiter=None, lines=false))]
#[allow(clippy::type_complexity)]
pub fn ingest_columns<'py>(
    py: Python<'py>,
    inputs: Vec<String>,
    id_col: Option<String>,
    doc_col: Option<String>,
    text_col: Option<String>,
    delimiter: Option<String>,
    lines: bool,
) -> PyResult<(Bound<'py, PyDict>, Bound<'py, PyList>)> {
    let (units, rejected) = py
        .detach(|| {
            let opts = ReadOptions::from_flags(
                id_col.as_deref(),
                doc_col.as_deref(),
                text_col.as_deref(),
                delimiter.as_deref(),
                lines,
            )?;
            let inputs: Vec<Input> = inputs.iter().map(|s| Input::parse(s)).collect();
            stance::corpus::ingest::require_inputs(&inputs)?;
            let (mut units, mut rejected) = (Vec::new(), Vec::new());
            for r in Ingest::with_options(&inputs, opts) {
                match r {
                    Ok(u) => units.push(u),
                    Err(e) => rejected.push(e),
                }
            }
            Ok::<_, Error>((units, rejected))
        })
        .map_err(|e| to_py(py, e))?;
    let cols = PyDict::new(py);
    let col = |f: &dyn Fn(&Unit) -> Option<String>| -> Vec<Option<String>> {
        units.iter().map(f).collect()
    };
    cols.set_item("doc_id", col(&|u| Some(u.doc_id.clone())))?;
    cols.set_item("unit_id", col(&|u| Some(u.unit_id.clone())))?;
    cols.set_item("kind", col(&|u| Some(u.kind.as_str().to_string())))?;
    cols.set_item("author", col(&|u| u.author.clone()))?;
    cols.set_item("posted_at", col(&|u| u.posted_at.clone()))?;
    cols.set_item("text", col(&|u| Some(u.text.clone())))?;
    Ok((cols, rejections(py, &rejected)?))
}

/// The data a `LoadRequest` names, read as `stance train --data` /
/// `stance eval --data` read it (`stance::dataset::load`); with `strict`,
/// any rejected row is an error; no examples is an error.
fn load(req: &LoadRequest, strict: bool) -> stance::Result<(Option<Project>, Dataset)> {
    let project = project()?;
    stance::commit::recover_all(&req.inputs, &stance::commit::Quiet)?;
    let loaded = stance::dataset::load(project.as_ref(), req)?;
    let data = loaded.data;
    if strict && !data.rejected.is_empty() {
        return Err(Error::Many(data.rejected));
    }
    if data.stance.is_empty() && data.sentiment.is_empty() {
        let names: Vec<String> = req.inputs.iter().map(|p| p.display().to_string()).collect();
        let mut why = format!("no examples in {}", names.join(", "));
        if let Some(r) = data.rejected.first() {
            why += &format!(" ({} rejected, the first: {r})", data.rejected.len());
        }
        return Err(Error::NoData(why));
    }
    Ok((project, data))
}

fn kinds(kind: Option<&str>) -> PyResult<Vec<UnitKind>> {
    match kind {
        None | Some("all") => Ok(vec![]),
        Some("paragraph") => Ok(vec![UnitKind::Paragraph, UnitKind::Title]),
        Some("comment") => Ok(vec![UnitKind::Comment]),
        Some(k) => Err(value_error(format!(
            "unknown kind {k:?} (paragraph, comment or all)"
        ))),
    }
}

fn split(split: Option<&str>, default: Split) -> PyResult<Option<Split>> {
    match split {
        None => Ok(Some(default)),
        Some("train") => Ok(Some(Split::Train)),
        Some("eval") => Ok(Some(Split::Eval)),
        Some("all") => Ok(None),
        Some(s) => Err(value_error(format!(
            "unknown split {s:?} (train, eval or all)"
        ))),
    }
}

#[allow(clippy::too_many_arguments)]
fn request(
    data: Vec<PathBuf>,
    sources: Option<Vec<(String, PathBuf)>>,
    units: Option<PathBuf>,
    corpus: Option<Vec<String>>,
    actors: Option<PathBuf>,
    kind: Option<&str>,
    split_name: Option<&str>,
    default_split: Split,
) -> PyResult<LoadRequest> {
    if data.is_empty() {
        return Err(value_error(
            "give the data to read (label CSVs or JSON lines)",
        ));
    }
    Ok(LoadRequest {
        inputs: data,
        sources: sources.unwrap_or_default(),
        corpus: corpus.unwrap_or_default(),
        units_file: units,
        actors,
        kinds: kinds(kind)?,
        split: split(split_name, default_split)?,
    })
}

/// Trains a model as `stance train --data DATA` does with the same flags
/// (`stance::model::TrainSettings`, `stance::dataset::load`,
/// `stance::model::train`, `stance::model::oof_folds`,
/// `stance::model::fill_and_calibrate`). Called by `stance.train`.
#[pyfunction]
#[pyo3(signature = (
    data, *, kind="svm", c=None, sentiment_c=None, class_weight="balanced", word_ngrams=None,
    char_ngrams=Some((2, 5)), window=None, mask=true, target_identity=true, lexicon=true,
    lexicon_weight=None, min_df=None, pooled=false, source_weights=None, augment=false,
    domain="labels", max_iter=None, oof_folds=None, seed=42, sources=None, units=None,
    corpus=None, actors=None, split=None, unit_kind=None, strict=false
))]
#[allow(clippy::too_many_arguments)]
pub fn train<'py>(
    py: Python<'py>,
    data: Vec<PathBuf>,
    kind: &str,
    c: Option<f32>,
    sentiment_c: Option<f32>,
    class_weight: &str,
    word_ngrams: Option<usize>,
    char_ngrams: Option<(usize, usize)>,
    window: Option<usize>,
    mask: bool,
    target_identity: bool,
    lexicon: bool,
    lexicon_weight: Option<f32>,
    min_df: Option<u32>,
    pooled: bool,
    source_weights: Option<Vec<(String, f32)>>,
    augment: bool,
    domain: Option<&str>,
    max_iter: Option<usize>,
    oof_folds: Option<usize>,
    seed: u64,
    sources: Option<Vec<(String, PathBuf)>>,
    units: Option<PathBuf>,
    corpus: Option<Vec<String>>,
    actors: Option<PathBuf>,
    split: Option<&str>,
    unit_kind: Option<&str>,
    strict: bool,
) -> PyResult<Model> {
    let d = TrainSettings::default();
    let settings = TrainSettings {
        loss: match kind {
            "svm" => Loss::SquaredHinge,
            "logistic" => Loss::Logistic,
            k => return Err(value_error(format!("unknown kind {k:?} (svm or logistic)"))),
        },
        c: c.unwrap_or(d.c),
        sentiment_c: sentiment_c.unwrap_or(d.sentiment_c),
        class_weight: match class_weight {
            "balanced" => ClassWeight::Balanced,
            "none" => ClassWeight::None,
            w => {
                return Err(value_error(format!(
                    "unknown class_weight {w:?} (balanced or none)"
                )));
            }
        },
        word_ngrams: word_ngrams.unwrap_or(d.word_ngrams),
        char_ngrams,
        window: window.unwrap_or(d.window),
        mask_targets: mask,
        target_identity,
        lexicon,
        lexicon_weight: lexicon_weight.unwrap_or(d.lexicon_weight),
        min_df: min_df.unwrap_or(d.min_df),
        per_target: !pooled,
        source_weights: source_weights.unwrap_or_default(),
        augment,
        domain: domain.filter(|d| *d != "shared").map(str::to_string),
        max_iter: max_iter.unwrap_or(d.max_iter),
    };
    let params = settings.params();
    let source_names: Vec<String> = {
        let mut out: Vec<String> = Vec::new();
        for (n, _) in sources.iter().flatten() {
            if !out.contains(n) {
                out.push(n.clone());
            }
        }
        out
    };
    let req = request(
        data,
        sources,
        units,
        corpus,
        actors.clone(),
        unit_kind,
        split,
        Split::Train,
    )?;
    let (inner, bytes) = py
        .detach(|| {
            params.check()?;
            let (project, data) = load(&req, strict)?;
            let (actor_set, toml) =
                ActorsSource::resolve(actors.as_deref(), project.as_ref()).load()?;
            let files = req
                .inputs
                .iter()
                .map(|p| match &project {
                    Some(project) => project.recorded_path(p),
                    None => p.display().to_string(),
                })
                .collect();
            let mut model =
                stance::model::train(&data, &actor_set, &toml, &params, files, &Silent)?;
            let folds = stance::model::oof_folds(&data, oof_folds).unwrap_or(0);
            if folds > 0 {
                stance::model::fill_and_calibrate(&mut model, &data, &source_names, folds, seed)?;
            }
            let bytes = file::encode(&model)?;
            Ok::<_, Error>((StanceModel::from_data(model)?, bytes))
        })
        .map_err(|e| to_py(py, e))?;
    Ok(Model {
        inner,
        origin: "<trained>".into(),
        bytes: std::borrow::Cow::Owned(bytes),
    })
}

/// The figures `stance eval --model MODEL --data DATA --json` prints, as
/// JSON (`stance::dataset::load`, `TrainedOn::exclude`,
/// `stance::model::evaluate::{predict, report}`). Called by
/// `stance.evaluate`.
#[pyfunction]
#[pyo3(signature = (
    model, data, *, include_train=false, bootstrap=0, seed=42, units=None, corpus=None,
    actors=None, split=None, unit_kind=None
))]
#[allow(clippy::too_many_arguments)]
pub fn evaluate_json(
    py: Python<'_>,
    model: PyRef<'_, Model>,
    data: Vec<PathBuf>,
    include_train: bool,
    bootstrap: usize,
    seed: u64,
    units: Option<PathBuf>,
    corpus: Option<Vec<String>>,
    actors: Option<PathBuf>,
    split: Option<&str>,
    unit_kind: Option<&str>,
) -> PyResult<String> {
    let req = request(
        data,
        None,
        units,
        corpus,
        actors,
        unit_kind,
        split,
        Split::Eval,
    )?;
    let model = &model.inner;
    py.detach(|| {
        let (_, data) = load(&req, false)?;
        let data = match TrainedOn::of_meta(&model.data().meta) {
            Some(seen) if !include_train => seen.exclude(data).0,
            _ => data,
        };
        let r = report(&predict(model, &data), bootstrap, seed);
        Ok(serde_json::to_string(&r).expect("report serialises"))
    })
    .map_err(|e| to_py(py, e))
}

/// The per-article report as `stance report` makes it
/// (`stance::report::read_scores`, `LabelSet::read`,
/// `stance::report::make_reports`, `stance::report::render`), of score
/// records (`score_paths`, or `score_lines`: JSON objects) or of units
/// (`unit_lines`, JSON objects) scored first with `model` (as `stance
/// run` does, `stance::score::score_stream`). Called by
/// `stance.report.build`.
#[pyfunction]
#[pyo3(signature = (
    model, *, score_paths=None, score_lines=None, unit_lines=None, labels=None, corpus=None,
    actors=None, method=None, bootstrap=1000, seed=42, format="json"
))]
#[allow(clippy::too_many_arguments)]
pub fn report_text(
    py: Python<'_>,
    model: PyRef<'_, Model>,
    score_paths: Option<Vec<PathBuf>>,
    score_lines: Option<Vec<String>>,
    unit_lines: Option<Vec<String>>,
    labels: Option<Vec<PathBuf>>,
    corpus: Option<Vec<String>>,
    actors: Option<PathBuf>,
    method: Option<&str>,
    bootstrap: usize,
    seed: u64,
    format: &str,
) -> PyResult<String> {
    let method: Method = match method {
        Some(m) => m.parse().map_err(value_error)?,
        None => DEFAULT_METHOD,
    };
    let format: Format = format.parse().map_err(value_error)?;
    let given = [
        score_paths.is_some(),
        score_lines.is_some(),
        unit_lines.is_some(),
    ];
    if given.iter().filter(|g| **g).count() > 1 {
        return Err(value_error("give scores or units, not both"));
    }
    let parse = |what: &str, i: usize, line: &str| {
        Error::Param(format!("{what} {i}: not a {what} record: {line:.80}"))
    };
    let origin = model.origin.clone();
    let model = &model.inner;
    py.detach(|| {
        let project = project()?;
        let mut units: Vec<Unit> = Vec::new();
        let scores: Vec<ScoreRecord> = if let Some(paths) = &score_paths {
            let read = read_scores(paths)?;
            if let Some(r) = read.rejected.first() {
                return Err(Error::Invalid(r.clone()));
            }
            read.records
        } else if let Some(lines) = &score_lines {
            lines
                .iter()
                .enumerate()
                .map(|(i, l)| serde_json::from_str(l).map_err(|_| parse("score", i, l)))
                .collect::<stance::Result<_>>()?
        } else if let Some(lines) = &unit_lines {
            units = lines
                .iter()
                .enumerate()
                .map(|(i, l)| serde_json::from_str(l).map_err(|_| parse("unit", i, l)))
                .collect::<stance::Result<_>>()?;
            let mut scores = Vec::with_capacity(units.len());
            score_stream(
                model,
                units.iter().cloned().map(|u| Ok(Record::Unit(u))),
                |r| -> stance::Result<()> {
                    scores.push(r.clone());
                    Ok(())
                },
                |r| Err(Error::Invalid(r.clone())),
                |_| {},
            )?;
            scores
        } else {
            Vec::new()
        };
        let labels: Vec<LabelRow> = match &labels {
            Some(paths) if !paths.is_empty() => {
                LabelSet::read(paths, &stance::commit::Quiet)?.strict()?
            }
            _ => Vec::new(),
        };
        if scores.is_empty() && labels.is_empty() {
            return Err(Error::Param("give scores, units or labels".into()));
        }
        let actors_source = ActorsSource::resolve(actors.as_deref(), project.as_ref());
        let actor_codes: Vec<String> = match scores.iter().find(|r| r.doc_id.is_some()) {
            Some(r) => r.actors.iter().map(|a| a.actor.clone()).collect(),
            None => actors_source.set()?.codes().map(str::to_string).collect(),
        };
        let corpus = corpus.unwrap_or_default();
        if !corpus.is_empty() || (!labels.is_empty() && units.is_empty()) {
            units = stance::project::units(project.as_ref(), &corpus, None)?.units;
        }
        let actor_set = if unit_lines.is_some() {
            Some(model.actors().clone())
        } else {
            actors_source.set().ok()
        };
        let estimate = (!scores.is_empty()).then_some(Estimate {
            model: model.data(),
            method,
            rounds: bootstrap,
            seed,
        });
        let reports = make_reports(
            &scores,
            &labels,
            &actor_codes,
            &units,
            actor_set.as_ref(),
            estimate,
        );
        let card =
            (format == Format::Html && !scores.is_empty()).then(|| model_card(&origin, model));
        Ok(render(&reports, format, card.as_ref()))
    })
    .map_err(|e| to_py(py, e))
}

/// The model card: the embedded model's registry entry, or the entry of
/// the registry beside the model file when it keeps one.
fn model_card(origin: &str, model: &StanceModel) -> ModelCard {
    if origin == crate::DEFAULT_ORIGIN {
        return ModelCard::new(origin, model.data(), stance::model::embedded::entry());
    }
    let entry = Path::new(origin)
        .is_file()
        .then(|| stance::model::registry::Registry::entry_of_file(Path::new(origin)).ok())
        .flatten()
        .flatten();
    ModelCard::new(origin, model.data(), entry.as_ref())
}
