//! Reading hand labels for a command, one way for all of them: every label
//! store among the inputs is recovered from an interrupted commit first
//! (`stance::commit`), folders are expanded to their CSVs, and the rows
//! that cannot be read come back with file and line beside the good ones.
//! Each caller then applies its own policy: `labels stats` and `agree`
//! skip bad rows with a warning, `report` and `suggest` refuse them, and
//! `labels check` lists them among its problems.

use std::collections::HashSet;
use std::path::PathBuf;

use super::{LabelRow, label_files, read_labels};
use crate::commit::{Access, recover_all};
use crate::error::{Error, Rejection, Result};

/// A (doc_id, unit_id, actor) pair that has a label.
pub type Pair = (String, String, String);

/// The label rows of some files or folders.
#[derive(Debug, Default)]
pub struct LabelSet {
    /// The inputs as given.
    pub inputs: Vec<PathBuf>,
    /// The label CSVs they hold (a folder's in name order).
    pub files: Vec<PathBuf>,
    pub rows: Vec<LabelRow>,
    /// Rows (or files) that could not be read, with file and line.
    pub rejected: Vec<Rejection>,
}

impl LabelSet {
    /// Reads the label CSVs `inputs` name: files as given, folders
    /// expanded to their `*.csv` files, each folder recovered first.
    pub fn read(inputs: &[PathBuf], access: &dyn Access) -> Result<LabelSet> {
        recover_all(inputs, access)?;
        let files = label_files(inputs).map_err(Error::Invalid)?;
        let (rows, rejected) = read_labels(&files);
        Ok(LabelSet {
            inputs: inputs.to_vec(),
            files,
            rows,
            rejected,
        })
    }

    /// The set, or [`Error::NoData`] when the inputs hold no label file:
    /// for commands that have nothing to do without labels.
    pub fn with_files(self) -> Result<LabelSet> {
        if self.files.is_empty() {
            let names: Vec<String> = self
                .inputs
                .iter()
                .map(|p| p.display().to_string())
                .collect();
            return Err(Error::NoData(format!(
                "no label files (*.csv) in {}",
                names.join(", ")
            )));
        }
        Ok(self)
    }

    /// The rows, or [`Error::Many`] of the rejected ones: for commands
    /// whose result a skipped row would change in silence.
    pub fn strict(self) -> Result<Vec<LabelRow>> {
        if !self.rejected.is_empty() {
            return Err(Error::Many(self.rejected));
        }
        Ok(self.rows)
    }

    /// The (unit, actor) pairs labelled.
    pub fn pairs(rows: &[LabelRow]) -> HashSet<Pair> {
        rows.iter()
            .map(|r| (r.doc_id.clone(), r.unit_id.clone(), r.actor.clone()))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commit::Quiet;

    #[test]
    fn rows_and_rejections_come_back_and_each_policy_applies() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("d.csv"),
            "doc_id,unit_id,actor,stance,sentiment\nd,c1,PAK,pro,positive\nd,c2,PAK,por,neutral\n",
        )
        .unwrap();
        std::fs::write(dir.path().join("notes.txt"), "not labels").unwrap();
        let set = LabelSet::read(&[dir.path().to_path_buf()], &Quiet).unwrap();
        assert_eq!(set.files, [dir.path().join("d.csv")]);
        assert_eq!(set.rows.len(), 1);
        assert_eq!(set.rejected.len(), 1);
        assert_eq!(set.rejected[0].at.line, Some(3));
        let pairs = LabelSet::pairs(&set.rows);
        assert!(pairs.contains(&("d".into(), "c1".into(), "PAK".into())));
        let set = set.with_files().unwrap();
        match set.strict() {
            Err(Error::Many(bad)) => assert_eq!(bad.len(), 1),
            other => panic!("{other:?}"),
        }

        let empty = tempfile::tempdir().unwrap();
        let e = LabelSet::read(&[empty.path().to_path_buf()], &Quiet)
            .unwrap()
            .with_files()
            .unwrap_err();
        assert!(
            e.to_string()
                .starts_with("no usable data: no label files (*.csv) in "),
            "{e}"
        );
    }
}
