//! Labelled data read as `stance train`, `stance eval` and the Python
//! package's `stance.train` / `stance.evaluate` read it: the data files,
//! the units label CSVs refer to (only when a label CSV may be among the
//! inputs), label rows checked against the actors in use, the split and
//! kinds asked for, and `--source` data under its name. Nothing is
//! printed: what was read, rejected and set aside is returned.

use std::path::{Path, PathBuf};

use super::{DataOptions, Dataset, read_data};
use crate::corpus::UnitKind;
use crate::error::Result;
use crate::labels::splits::{Split, SplitRule};
use crate::project::{ActorsSource, Project, ProjectUnits};

/// What to read.
#[derive(Debug, Clone, Default)]
pub struct LoadRequest {
    /// Label CSVs (or folders of them), stance JSON lines or NewsMTSC lines.
    pub inputs: Vec<PathBuf>,
    /// More data under a source name.
    pub sources: Vec<(String, PathBuf)>,
    /// Pages or unit files label CSVs refer to (see [`crate::project::units`]).
    pub corpus: Vec<String>,
    /// The units file label CSVs refer to (the output of `stance ingest`).
    pub units_file: Option<PathBuf>,
    /// The actors file label rows are checked against (default: the
    /// project's, else the built-in one).
    pub actors: Option<PathBuf>,
    /// Only units of these kinds (empty: all).
    pub kinds: Vec<UnitKind>,
    /// Only label rows of this split (`None`: every split).
    pub split: Option<Split>,
}

/// What was read.
#[derive(Debug)]
pub struct Loaded {
    pub data: Dataset,
    /// The units read for label CSVs (empty when none could be among the
    /// inputs), with what reading them rejected.
    pub units: ProjectUnits,
    /// Whether a label CSV could be among the inputs (units were read).
    pub needs_units: bool,
    /// How label rows were split.
    pub splits: SplitRule,
}

/// Whether a label CSV may be among `paths` (a folder, stdin or a `.csv`),
/// so the units they refer to must be read.
pub fn needs_units<'a>(paths: impl IntoIterator<Item = &'a PathBuf>) -> bool {
    paths.into_iter().any(|p| {
        // Stdin may be a label CSV: its format is known only once read.
        p.is_dir()
            || crate::input::is_stdin(p)
            || crate::input::uncompressed_name(p)
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("csv"))
    })
}

/// Reads the data `req` names, with `project`'s corpora, actors and
/// splits as defaults.
pub fn load(project: Option<&Project>, req: &LoadRequest) -> Result<Loaded> {
    let needs = needs_units(req.inputs.iter().chain(req.sources.iter().map(|(_, p)| p)));
    let units = if needs {
        crate::project::units(project, &req.corpus, req.units_file.as_deref())?
    } else {
        ProjectUnits::default()
    };
    // Label rows are checked as `labels check` checks them, against the
    // actors file in use.
    let actors = if needs {
        Some(ActorsSource::resolve(req.actors.as_deref().map(Path::new), project).set()?)
    } else {
        None
    };
    let opts = DataOptions {
        kinds: req.kinds.clone(),
        split: req.split,
        splits: crate::project::split_rule(project)?,
        set_aside_unknown_docs: !units.absent.is_empty(),
        actors,
    };
    let mut data = read_data(&req.inputs, &units.units, &opts);
    for (name, path) in &req.sources {
        let mut more = read_data(std::slice::from_ref(path), &units.units, &opts);
        more.set_source(name);
        data.extend(more);
    }
    Ok(Loaded {
        data,
        units,
        needs_units: needs,
        splits: opts.splits,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_lines_need_no_units() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let req = LoadRequest {
            inputs: vec![root.join("tests/fixtures/stance_small.jsonl")],
            ..LoadRequest::default()
        };
        let loaded = load(None, &req).unwrap();
        assert!(!loaded.needs_units);
        assert!(loaded.units.units.is_empty());
        assert!(!loaded.data.stance.is_empty());
        assert!(needs_units(&[root.join("labels")]));
        assert!(needs_units(&[PathBuf::from("a.csv.gz")]));
    }
}
