//! The project in force for this run (`--project`, `STANCE_PROJECT`, the
//! nearest `stance.toml`, or the nearest folder with `labels/actors.toml`),
//! and the defaults it gives the flags: a flag, when given, always wins;
//! without a project, the model and actors built into the binary.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use stance::corpus::Unit;
use stance::labels::splits::SplitRule;
use stance::project::{ActorsSource, LABELS, ModelSource, Project, ProjectUnits};

use crate::cmd_labels::load_corpus;

static PROJECT: OnceLock<Option<Project>> = OnceLock::new();

/// Finds the project once, at start-up.
pub fn init(dir: Option<&Path>) -> stance::Result<()> {
    let p = Project::discover(dir)?;
    let _ = PROJECT.set(p);
    Ok(())
}

pub fn project() -> Option<&'static Project> {
    PROJECT.get().and_then(Option::as_ref)
}

/// The actors file: the flag, the project's, or the built-in one.
pub fn actors(flag: Option<&PathBuf>) -> ActorsSource {
    ActorsSource::resolve(flag.map(PathBuf::as_path), project())
}

/// The model: the flag, the project's `models/default.model`, or the
/// built-in one.
pub fn model(flag: Option<&PathBuf>) -> ModelSource {
    ModelSource::resolve(flag.map(PathBuf::as_path), project())
}

/// The label store: the flag, the project's, or `labels`.
pub fn labels(flag: Option<&PathBuf>) -> PathBuf {
    flag.cloned()
        .or_else(|| project().map(|p| p.labels.clone()))
        .unwrap_or_else(|| PathBuf::from(LABELS))
}

/// The models folder: the flag, the project's `models/`, or `models`.
pub fn models_dir(flag: Option<&PathBuf>) -> PathBuf {
    flag.cloned()
        .or_else(|| project().map(Project::models_dir))
        .unwrap_or_else(|| PathBuf::from("models"))
}

/// The split rule: the project's recorded splits, or by unit kind.
pub fn split_rule() -> stance::Result<SplitRule> {
    project().map_or(Ok(SplitRule::ByKind), Project::split_rule)
}

/// The units labels refer to: `--units`, else `--corpus`, else the
/// project's corpora, else `seeds` (of the project folder found without a
/// `stance.toml`, or here). Rejected records and absent optional corpora
/// are said on stderr.
pub fn units(corpus: &[String], units_file: Option<&Path>) -> stance::Result<ProjectUnits> {
    let flag: Option<Vec<String>> = match units_file {
        Some(u) => Some(vec![u.display().to_string()]),
        None if !corpus.is_empty() => Some(corpus.to_vec()),
        None => None,
    };
    let seeds = || match project() {
        None => Some(vec!["seeds".to_string()]),
        Some(p) if p.file.is_none() => Some(vec![p.root.join("seeds").display().to_string()]),
        Some(_) => None,
    };
    if let Some(inputs) = flag.or_else(seeds) {
        return Ok(ProjectUnits {
            units: load_corpus(&inputs),
            ..ProjectUnits::default()
        });
    }
    let p = project().expect("a project with a file");
    let (present, absent) = p.present_corpora()?;
    let out = ProjectUnits::read(&present, &absent);
    for r in &out.rejected {
        eprintln!("corpus: rejected: {r}");
    }
    if !out.absent.is_empty() {
        eprintln!(
            "note: corpus {} is not on this machine; its labels are set aside",
            out.absent_names()
        );
    }
    Ok(out)
}

/// Only the units, for commands that need no more.
pub fn unit_list(corpus: &[String], units_file: Option<&Path>) -> stance::Result<Vec<Unit>> {
    units(corpus, units_file).map(|u| u.units)
}

/// Says how many label rows were set aside for an absent corpus.
pub fn note_set_aside(n: usize, units: &ProjectUnits) {
    if n > 0 {
        eprintln!(
            "note: {n} label row(s) set aside: their documents belong to the absent corpus {}",
            units.absent_names()
        );
    }
}
