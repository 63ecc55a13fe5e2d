//! The project in force for this run (`--project`, `STANCE_PROJECT`, the
//! nearest `stance.toml`, or the nearest folder with `labels/actors.toml`),
//! found once at start-up, and the defaults it gives the flags (the
//! library's rules, `stance::project`): a flag, when given, always wins;
//! without a project, the model and actors built into the binary. What
//! reading the corpus could not do is said here, on stderr.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use stance::labels::splits::SplitRule;
use stance::project::{ActorsSource, ModelSource, Project, ProjectUnits};

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
    stance::project::labels_dir(flag.map(PathBuf::as_path), project())
}

/// The models folder: the flag, the project's `models/`, or `models`.
pub fn models_dir(flag: Option<&PathBuf>) -> PathBuf {
    stance::project::models_dir(flag.map(PathBuf::as_path), project())
}

/// The split rule: the project's recorded splits, or by unit kind.
pub fn split_rule() -> stance::Result<SplitRule> {
    stance::project::split_rule(project())
}

/// The units labels refer to (`stance::project::units`), with the records
/// rejected and the corpora absent said on stderr.
pub fn units(corpus: &[String], units_file: Option<&Path>) -> stance::Result<ProjectUnits> {
    let units = stance::project::units(project(), corpus, units_file)?;
    say_units(&units);
    Ok(units)
}

/// Says what reading the corpus rejected and which corpora are absent.
pub fn say_units(units: &ProjectUnits) {
    for r in &units.rejected {
        eprintln!("corpus: rejected: {r}");
    }
    if !units.absent.is_empty() {
        eprintln!(
            "note: corpus {} is not on this machine; its labels are set aside",
            units.absent_names()
        );
    }
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
