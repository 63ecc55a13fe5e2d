//! The folders and rules a command works with when its flags do not name
//! them, by the rule [`in_use`](super::in_use) follows for the model and
//! the actors file: the flag, else the project's, else the layout of a
//! checkout (`labels/`, `models/`, `seeds/` in the working folder). One
//! rule for the CLI and the library's callers alike.

use std::path::{Path, PathBuf};

use super::{LABELS, Project};
use crate::error::{Error, Result};
use crate::labels::splits::SplitRule;

/// The models folder of a checkout without a project.
pub const MODELS: &str = "models";

/// The label store: `flag`, the project's, or `labels`.
pub fn labels_dir(flag: Option<&Path>, project: Option<&Project>) -> PathBuf {
    flag.map(Path::to_path_buf)
        .or_else(|| project.map(|p| p.labels.clone()))
        .unwrap_or_else(|| PathBuf::from(LABELS))
}

/// The models folder: `flag`, the project's `models/`, or `models`.
pub fn models_dir(flag: Option<&Path>, project: Option<&Project>) -> PathBuf {
    flag.map(Path::to_path_buf)
        .or_else(|| project.map(Project::models_dir))
        .unwrap_or_else(|| PathBuf::from(MODELS))
}

/// The split rule: the project's recorded splits, or by unit kind.
pub fn split_rule(project: Option<&Project>) -> Result<SplitRule> {
    project.map_or(Ok(SplitRule::ByKind), Project::split_rule)
}

/// The folder relative paths of the project's settings (external data in
/// `models/registry.json`) resolve against: the project's, or `.`.
pub fn root(project: Option<&Project>) -> &Path {
    project.map_or(Path::new("."), |p| p.root.as_path())
}

/// The inputs to choose units from: `given`, else the inputs of the
/// project's present corpora (an absent required one is an error).
pub fn corpus_inputs(given: &[String], project: Option<&Project>) -> Result<Vec<String>> {
    if !given.is_empty() {
        return Ok(given.to_vec());
    }
    let project = project
        .ok_or_else(|| Error::Param("give --units (no stance.toml here names a corpus)".into()))?;
    let (present, _) = project.present_corpora()?;
    Ok(present.iter().flat_map(|c| c.inputs.clone()).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flag_wins_then_the_project_then_the_checkout_layout() {
        let p = Project::implicit(Path::new("/p"));
        let flag = Some(Path::new("mine"));
        assert_eq!(labels_dir(flag, Some(&p)), Path::new("mine"));
        assert_eq!(labels_dir(None, Some(&p)), Path::new("/p/labels"));
        assert_eq!(labels_dir(None, None), Path::new("labels"));
        assert_eq!(models_dir(None, Some(&p)), Path::new("/p/models"));
        assert_eq!(models_dir(None, None), Path::new("models"));
        assert_eq!(root(Some(&p)), Path::new("/p"));
        assert_eq!(root(None), Path::new("."));
        assert!(!split_rule(None).unwrap().is_recorded());
        assert_eq!(
            corpus_inputs(&["u.jsonl".into()], None).unwrap(),
            ["u.jsonl"]
        );
        let e = corpus_inputs(&[], None).unwrap_err();
        assert!(e.to_string().contains("give --units"), "{e}");
        assert!(corpus_inputs(&[], Some(&p)).unwrap().is_empty());
    }
}
