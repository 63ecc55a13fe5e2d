//! The units label rows refer to, read once for every command the same
//! way: `--units`, else `--corpus`, else the project's corpora, else
//! `seeds`. What could not be had is returned, never printed: the records
//! the ingest rejected (with file and line) and the optional corpora that
//! are not on this machine, whose labels are set aside and counted.

use std::collections::HashSet;
use std::path::Path;

use super::{Corpus, Project};
use crate::corpus::{Ingest, Input, Unit};
use crate::error::{Rejection, Result};

/// The units of a project's present corpora, with what could not be had.
#[derive(Debug, Default)]
pub struct ProjectUnits {
    pub units: Vec<Unit>,
    /// Records the ingest rejected, with file and line.
    pub rejected: Vec<Rejection>,
    /// Optional corpora that are not on this machine.
    pub absent: Vec<Corpus>,
    /// Documents labelled unit by unit (corpora with `whole_documents =
    /// false`): only each labelled unit must be complete.
    pub sampled_docs: HashSet<String>,
}

/// The units labels refer to: `units_file`, else `corpus`, else the
/// project's present corpora (an absent required one is an error), else
/// `seeds` (of the project folder found without a `stance.toml`, or of the
/// working folder).
pub fn units(
    project: Option<&Project>,
    corpus: &[String],
    units_file: Option<&Path>,
) -> Result<ProjectUnits> {
    let flag: Option<Vec<String>> = match units_file {
        Some(u) => Some(vec![u.display().to_string()]),
        None if !corpus.is_empty() => Some(corpus.to_vec()),
        None => None,
    };
    let seeds = || match project {
        None => Some(vec!["seeds".to_string()]),
        Some(p) if p.file.is_none() => Some(vec![p.root.join("seeds").display().to_string()]),
        Some(_) => None,
    };
    match (flag.or_else(seeds), project) {
        (Some(inputs), _) => Ok(ProjectUnits::from_inputs(&inputs)),
        (None, Some(p)) => {
            let (present, absent) = p.present_corpora()?;
            Ok(ProjectUnits::read(&present, &absent))
        }
        (None, None) => unreachable!("without a project the inputs are the seeds"),
    }
}

impl ProjectUnits {
    /// Reads the given corpora; `absent` are the declared ones not here.
    pub fn read(present: &[&Corpus], absent: &[&Corpus]) -> ProjectUnits {
        let mut out = ProjectUnits {
            absent: absent.iter().map(|c| (*c).clone()).collect(),
            ..ProjectUnits::default()
        };
        for c in present {
            out.add(&c.inputs, c.whole_documents);
        }
        out
    }

    /// Reads inputs as `stance ingest` takes them (pages, unit files,
    /// folders, `-`), labelled whole documents at a time.
    pub fn from_inputs(inputs: &[String]) -> ProjectUnits {
        let mut out = ProjectUnits::default();
        out.add(inputs, true);
        out
    }

    fn add(&mut self, inputs: &[String], whole_documents: bool) {
        let inputs: Vec<Input> = inputs.iter().map(|s| Input::parse(s)).collect();
        for r in Ingest::new(&inputs) {
            match r {
                Ok(u) => {
                    if !whole_documents {
                        self.sampled_docs.insert(u.doc_id.clone());
                    }
                    self.units.push(u);
                }
                Err(e) => self.rejected.push(e),
            }
        }
    }

    /// Label rows whose document is in no loaded corpus, while a declared
    /// corpus is absent, belong to that corpus: they are set aside (and
    /// counted by the caller) rather than reported as unknown units. With
    /// every corpus present, nothing is set aside and unknown units stay
    /// errors.
    pub fn set_aside<T>(&self, rows: Vec<T>, doc_of: impl Fn(&T) -> &str) -> (Vec<T>, usize) {
        if self.absent.is_empty() {
            return (rows, 0);
        }
        let docs: HashSet<&str> = self.units.iter().map(|u| u.doc_id.as_str()).collect();
        let before = rows.len();
        let kept: Vec<T> = rows
            .into_iter()
            .filter(|r| docs.contains(doc_of(r)))
            .collect();
        let n = before - kept.len();
        (kept, n)
    }

    /// "pool (../shared/data/comments/pool.jsonl)", for notes.
    pub fn absent_names(&self) -> String {
        self.absent
            .iter()
            .map(|c| format!("{} ({})", c.name, c.inputs.join(", ")))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const UNITS: &str = "{\"doc_id\":\"d\",\"unit_id\":\"c1\",\"kind\":\"comment\",\"text\":\"Hi\"}\n\
                         not json\n";

    #[test]
    fn flags_come_first_and_rejected_records_are_returned() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("u.jsonl");
        std::fs::write(&file, UNITS).unwrap();
        let project = Project::implicit(dir.path());
        let u = units(Some(&project), &["elsewhere".into()], Some(&file)).unwrap();
        assert_eq!(u.units.len(), 1);
        assert_eq!(u.rejected.len(), 1, "{:?}", u.rejected);
        assert_eq!(u.rejected[0].at.line, Some(2));
        assert!(u.absent.is_empty() && u.sampled_docs.is_empty());
        let by_corpus = units(None, &[file.display().to_string()], None).unwrap();
        assert_eq!(by_corpus.units, u.units);
    }

    #[test]
    fn a_project_reads_its_corpora_and_names_the_absent_ones() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("u.jsonl"), UNITS).unwrap();
        let file = dir.path().join(super::super::FILE);
        let text = "[[corpus]]\nname = \"here\"\ninputs = [\"u.jsonl\"]\nwhole_documents = false\n\
                    [[corpus]]\nname = \"pool\"\ninputs = [\"gone.jsonl\"]\noptional = true\n";
        let p = Project::parse(&file, text).unwrap();
        let u = units(Some(&p), &[], None).unwrap();
        assert_eq!(u.units.len(), 1);
        assert!(u.sampled_docs.contains("d"));
        assert!(
            u.absent_names().starts_with("pool ("),
            "{}",
            u.absent_names()
        );
        let (kept, aside) = u.set_aside(vec!["d", "other"], |d| d);
        assert_eq!((kept, aside), (vec!["d"], 1));
    }
}
