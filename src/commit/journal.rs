//! The journal's format. One line per file the commit replaces or creates,
//! then a `commit` line holding the count and the SHA-256 of everything
//! before it (fields separated by a tab, shown here as `→`):
//!
//! ```text
//! stance-journal 1
//! replace→002_7e72c071a9cad5df.csv
//! new→005_1a2b3c4d5e6f7a8b.csv
//! commit→2→<sha256 of the lines above>
//! ```
//!
//! A journal is *complete* only when that last line checks out; a journal
//! cut short by a crash while it was being written (or damaged, or edited)
//! is incomplete, and an incomplete journal never causes a rename: the
//! commit is rolled back. Names are plain file names of the journal's own
//! folder, checked again when read, so a hostile journal cannot rename
//! anything elsewhere.

use crate::digest::sha256_hex;

const HEADER: &str = "stance-journal 1\n";

/// One file of a commit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// File name inside the folder.
    pub name: String,
    /// The file existed before the commit (and has a backup to restore).
    pub replaces: bool,
}

/// A plain file name: no folder part, nothing a line-based journal cannot
/// hold.
pub fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name != "."
        && name != ".."
        && !name
            .chars()
            .any(|c| matches!(c, '/' | '\\') || c.is_control())
}

pub fn encode(entries: &[Entry]) -> Vec<u8> {
    let mut text = String::from(HEADER);
    for e in entries {
        let kind = if e.replaces { "replace" } else { "new" };
        text.push_str(&format!("{kind}\t{}\n", e.name));
    }
    let sum = sha256_hex(text.as_bytes());
    text.push_str(&format!("commit\t{}\t{sum}\n", entries.len()));
    text.into_bytes()
}

/// The entries of a complete journal; `None` when it is incomplete.
pub fn parse(bytes: &[u8]) -> Option<Vec<Entry>> {
    let text = std::str::from_utf8(bytes).ok()?;
    let body_end = text.strip_suffix('\n')?.rfind('\n')? + 1;
    let (body, last) = text.split_at(body_end);
    let mut commit = last.strip_suffix('\n')?.split('\t');
    if commit.next()? != "commit" {
        return None;
    }
    let count: usize = commit.next()?.parse().ok()?;
    if commit.next()? != sha256_hex(body.as_bytes()) || commit.next().is_some() {
        return None;
    }
    let mut lines = body.strip_prefix(HEADER)?.lines();
    let entries: Option<Vec<Entry>> = lines
        .by_ref()
        .map(|l| {
            let (kind, name) = l.split_once('\t')?;
            let replaces = match kind {
                "replace" => true,
                "new" => false,
                _ => return None,
            };
            valid_name(name).then(|| Entry {
                name: name.to_string(),
                replaces,
            })
        })
        .collect();
    entries.filter(|e| e.len() == count)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries() -> Vec<Entry> {
        vec![
            Entry {
                name: "a.csv".into(),
                replaces: true,
            },
            Entry {
                name: "b c.csv".into(),
                replaces: false,
            },
        ]
    }

    #[test]
    fn a_complete_journal_reads_back() {
        assert_eq!(parse(&encode(&entries())), Some(entries()));
        assert_eq!(parse(&encode(&[])), Some(vec![]));
    }

    #[test]
    fn every_cut_short_or_altered_journal_is_incomplete() {
        let full = encode(&entries());
        for n in 0..full.len() {
            assert_eq!(parse(&full[..n]), None, "cut at {n}");
        }
        let text = String::from_utf8(full).unwrap();
        for altered in [
            text.replace("a.csv", "x.csv"),
            text.replace("replace", "new"),
            text.replace("commit\t2", "commit\t3"),
            text.replace("b c.csv", "../b.csv"),
        ] {
            assert_eq!(parse(altered.as_bytes()), None, "{altered}");
        }
    }

    #[test]
    fn a_journal_naming_another_folder_is_refused_even_with_a_good_sum() {
        let body = format!("{HEADER}replace\t../../etc/passwd\n");
        let forged = format!("{body}commit\t1\t{}\n", sha256_hex(body.as_bytes()));
        assert_eq!(parse(forged.as_bytes()), None);
        for bad in ["", ".", "..", "a/b", "a\\b", "a\tb", "a\nb"] {
            assert!(!valid_name(bad), "{bad:?}");
        }
        assert!(valid_name("registry.json") && valid_name(".x"));
    }
}
