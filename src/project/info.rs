//! `stance info`: what the commands run here would work with — the project
//! found, the model and actors file in use, the label store — so "which
//! model scored this?" has an answer before and after a run.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::{ActorsSource, ModelSource, Project};
use crate::digest::sha256_hex;
use crate::error::{Result, display_path};
use crate::labels::{label_files, read_labels};
use crate::model::registry::Registry;
use crate::model::{Validation, embedded, file};

/// Everything `stance info` reports.
#[derive(Debug, Serialize)]
pub struct Info {
    /// `None`: no project here; the built-in model and actors are used.
    pub project: Option<ProjectInfo>,
    pub model: ModelInfo,
    pub actors: ActorsInfo,
    pub labels: LabelsInfo,
}

#[derive(Debug, Serialize)]
pub struct ProjectInfo {
    pub root: String,
    /// The `stance.toml`; `None` for a folder found by its
    /// `labels/actors.toml`.
    pub file: Option<String>,
    /// Declared corpora, by name.
    pub corpora: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct ModelInfo {
    pub built_in: bool,
    pub path: Option<String>,
    /// Its name in the registry beside it (or the built-in registry), found
    /// by its SHA-256.
    pub name: Option<String>,
    pub sha256: String,
    pub format_version: u32,
    /// The version of stance that trained it.
    pub stance_version: String,
    /// The actors it was trained with.
    pub actors: Vec<String>,
    pub trained_on: TrainedOn,
    /// How it did on its validation data, when it was validated.
    pub validation: Option<Validation>,
    /// The same as one line (as `stance run` prints it).
    pub quality: String,
}

#[derive(Debug, Serialize)]
pub struct TrainedOn {
    pub data_files: Vec<String>,
    pub n_stance: usize,
    pub n_sentiment: usize,
    /// Distinct stance targets of the training data.
    pub targets: usize,
    /// External data sets trained on with a weight of their own
    /// (`--source-weight`).
    pub source_weights: Vec<(String, f32)>,
}

#[derive(Debug, Serialize)]
pub struct ActorsInfo {
    pub built_in: bool,
    pub path: Option<String>,
    pub codes: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct LabelsInfo {
    pub path: String,
    pub present: bool,
    /// Label CSVs, their readable rows, the distinct units they label, and
    /// rows that could not be read (`stance labels check` says why).
    pub files: usize,
    pub rows: usize,
    pub units: usize,
    pub unreadable: usize,
}

impl Info {
    /// Reads the model, the actors file and the label store in use. An
    /// unreadable model or actors file is an error; an absent label store
    /// is not (a folder may have none).
    pub fn gather(
        project: Option<&Project>,
        model: &ModelSource,
        actors: &ActorsSource,
        labels: &Path,
    ) -> Result<Info> {
        Ok(Info {
            project: project.map(|p| ProjectInfo {
                root: display_path(&p.root),
                file: p.file.as_deref().map(display_path),
                corpora: p.corpora.iter().map(|c| c.name.clone()).collect(),
            }),
            model: model_info(model)?,
            actors: ActorsInfo {
                built_in: actors.path().is_none(),
                path: actors.path().map(display_path),
                codes: actors.set()?.codes().map(str::to_string).collect(),
            },
            labels: labels_info(labels),
        })
    }

    /// The report as text, one `key: value` line per item.
    pub fn render(&self) -> String {
        let mut s = String::new();
        let w = &mut s;
        match &self.project {
            Some(p) => {
                let by = p.file.clone().unwrap_or_else(|| {
                    "no stance.toml; found by its labels/actors.toml".to_string()
                });
                let _ = writeln!(w, "project:   {} ({by})", p.root);
                if !p.corpora.is_empty() {
                    let _ = writeln!(w, "corpora:   {}", p.corpora.join(", "));
                }
            }
            None => {
                let _ = writeln!(w, "project:   none (built-in model and actors)");
            }
        }
        let m = &self.model;
        let place = m.path.clone().unwrap_or_else(|| "built in".to_string());
        let name = m.name.as_deref().unwrap_or("not in a registry");
        let _ = writeln!(w, "model:     {place} ({name})");
        let _ = writeln!(w, "  sha256:  {}", m.sha256);
        let _ = writeln!(
            w,
            "  format:  version {} (trained by stance {})",
            m.format_version, m.stance_version
        );
        let t = &m.trained_on;
        let sources: Vec<String> = t
            .source_weights
            .iter()
            .map(|(n, w)| format!(" + {n} (weight {w})"))
            .collect();
        let _ = writeln!(
            w,
            "  trained on: {}{} ({} stance / {} sentiment examples, {} targets)",
            t.data_files.join(", "),
            sources.concat(),
            t.n_stance,
            t.n_sentiment,
            t.targets
        );
        let _ = writeln!(w, "  actors:  {}", m.actors.join(", "));
        let _ = writeln!(w, "  {}", m.quality);
        let a = &self.actors;
        let place = a
            .path
            .clone()
            .unwrap_or_else(|| "embedded labels/actors.toml (built in)".to_string());
        let _ = writeln!(w, "actors:    {place}: {}", a.codes.join(", "));
        let l = &self.labels;
        if l.present {
            let _ = writeln!(
                w,
                "labels:    {}: {} file(s), {} row(s), {} unit(s), {} unreadable row(s)",
                l.path, l.files, l.rows, l.units, l.unreadable
            );
        } else {
            let _ = writeln!(w, "labels:    {} (not present)", l.path);
        }
        s
    }
}

fn model_info(source: &ModelSource) -> Result<ModelInfo> {
    let bytes = source.bytes()?;
    let origin = source
        .path()
        .map_or(PathBuf::from(embedded::ORIGIN), Path::to_path_buf);
    let data = file::from_bytes(&bytes, &origin)?;
    let sha256 = sha256_hex(&bytes);
    let name = match source {
        ModelSource::Embedded => embedded::name().map(str::to_string),
        ModelSource::File(p) => registry_name(p, &sha256),
    };
    let actors = crate::actors::ActorSet::from_toml(&data.actors_toml)
        .map(|a| a.codes().map(str::to_string).collect())
        .unwrap_or_default();
    let meta = &data.meta;
    let targets: HashSet<&str> = meta.stance_counts.iter().map(|(t, _)| t.as_str()).collect();
    Ok(ModelInfo {
        built_in: source.path().is_none(),
        path: source.path().map(display_path),
        name,
        sha256,
        format_version: file::FORMAT_VERSION,
        stance_version: meta.stance_version.clone(),
        actors,
        trained_on: TrainedOn {
            data_files: meta.data_files.clone(),
            n_stance: meta.n_stance,
            n_sentiment: meta.n_sentiment,
            targets: targets.len(),
            source_weights: meta.params.sources.weights.clone(),
        },
        validation: data.validation(),
        quality: data.quality(),
    })
}

/// The name the registry beside a model file gives its bytes; a missing
/// or unreadable registry names nothing (it is not what was asked about).
fn registry_name(model: &Path, sha256: &str) -> Option<String> {
    let dir = match model.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let registry = Registry::load(dir).ok()?;
    registry.by_sha256(sha256).map(|e| e.name.clone())
}

fn labels_info(path: &Path) -> LabelsInfo {
    let mut info = LabelsInfo {
        path: display_path(path),
        present: path.exists(),
        files: 0,
        rows: 0,
        units: 0,
        unreadable: 0,
    };
    if let Ok(files) = label_files(&[path.to_path_buf()]) {
        let (rows, bad) = read_labels(&files);
        let units: HashSet<(&str, &str)> = rows
            .iter()
            .map(|r| (r.doc_id.as_str(), r.unit_id.as_str()))
            .collect();
        info.files = files.len();
        info.units = units.len();
        info.rows = rows.len();
        info.unreadable = bad.len();
    }
    info
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_model_and_actors_are_described() {
        let dir = tempfile::tempdir().unwrap();
        let labels = dir.path().join("labels");
        let info = Info::gather(
            None,
            &ModelSource::Embedded,
            &ActorsSource::Embedded,
            &labels,
        )
        .unwrap();
        assert!(info.project.is_none());
        assert!(info.model.built_in && info.actors.built_in);
        assert_eq!(info.model.name.as_deref(), embedded::name());
        assert_eq!(info.model.sha256, embedded::sha256());
        assert!(info.model.trained_on.n_stance > 0);
        assert!(!info.labels.present);
        let text = info.render();
        assert!(text.contains("project:   none"), "{text}");
        assert!(
            text.contains("embedded labels/actors.toml (built in)"),
            "{text}"
        );
        std::fs::create_dir(&labels).unwrap();
        std::fs::write(
            labels.join("a.csv"),
            "doc_id,unit_id,actor,stance,sentiment\nd,c1,IND,pro,positive\nd,c1,PAK,none,positive\n",
        )
        .unwrap();
        let l = labels_info(&labels);
        assert_eq!((l.files, l.rows, l.units, l.unreadable), (1, 2, 1, 0));
    }
}
