//! Reading the score records `stance score` wrote, for a report: JSON
//! lines, each a [`ScoreRecord`]. A line that is not one is returned as a
//! rejection with file and line and the rest are still read, as everywhere
//! else; only a file that cannot be opened stops the report.

use std::path::PathBuf;

use crate::corpus::records::JsonLines;
use crate::error::{Error, Rejection, Result};
use crate::score::ScoreRecord;

/// The records of some score files and the lines that were not records.
#[derive(Debug, Default)]
pub struct Scores {
    pub records: Vec<ScoreRecord>,
    pub rejected: Vec<Rejection>,
}

/// Reads score records from `paths` (`-` is stdin; gzip and zstd are
/// read as they come).
pub fn read_scores(paths: &[PathBuf]) -> Result<Scores> {
    let mut out = Scores::default();
    for p in paths {
        let f = crate::input::open(p).map_err(|e| Error::io(p, e))?;
        for row in JsonLines::new(f, p.display().to_string()) {
            let r = row.and_then(|(at, map)| {
                serde_json::from_value::<ScoreRecord>(serde_json::Value::Object(map))
                    .map_err(|e| Rejection::new(at, format!("not a score record: {e}")))
            });
            match r {
                Ok(r) => out.records.push(r),
                Err(r) => out.rejected.push(r),
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_that_is_not_a_record_is_rejected_with_its_line() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("s.jsonl");
        std::fs::write(&file, "{\"nope\": 1}\n").unwrap();
        let s = read_scores(&[file]).unwrap();
        assert!(s.records.is_empty());
        assert_eq!(s.rejected.len(), 1);
        assert_eq!(s.rejected[0].at.line, Some(1));
        assert!(
            s.rejected[0].reason.starts_with("not a score record"),
            "{}",
            s.rejected[0]
        );
        let e = read_scores(&[dir.path().join("missing.jsonl")]).unwrap_err();
        assert!(e.to_string().contains("missing.jsonl"), "{e}");
    }
}
