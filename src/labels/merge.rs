//! Merging new label rows into the label store (a folder of one CSV per
//! document). A merge is planned in full before anything is written: every
//! new row is validated and compared with the store, and the plan is either
//! written as a whole ([`MergePlan::write`]) or not at all, so a bad row or an
//! unresolved conflict never leaves the store half-merged.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};

use super::check::check_rows;
use super::store::{LabelFile, Parsed};
use super::{COLUMNS, LabelRow, Sentiment, Stance, label_files};
use crate::actors::ActorSet;
use crate::commit::DirLock;
use crate::corpus::Unit;
use crate::error::{Error, Location, Rejection, Result};

/// Which label wins when a new row disagrees with the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prefer {
    /// Overwrite the stored label (and the unit's sentiment on all its rows).
    New,
    /// Keep the stored label and skip the new row.
    Old,
}

/// What happened to the rows read. `read` is the sum of the others, except
/// `conflicts` (part of `rejected` without a preference, of `replaced` or
/// `kept_old` with one) and `sentiment_updated` (stored rows of other actors
/// whose unit sentiment a preferred new row changed).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct MergeCounts {
    pub read: usize,
    pub added: usize,
    pub unchanged: usize,
    pub replaced: usize,
    pub kept_old: usize,
    pub rejected: usize,
    pub unfilled: usize,
    pub conflicts: usize,
    pub sentiment_updated: usize,
}

impl fmt::Display for MergeCounts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "read {} rows: added {}, unchanged {}, replaced {}, kept-old {}, rejected {}, unfilled {}",
            self.read,
            self.added,
            self.unchanged,
            self.replaced,
            self.kept_old,
            self.rejected,
            self.unfilled
        )
    }
}

/// One store file the merge creates or rewrites.
#[derive(Debug, Clone)]
pub struct FileChange {
    pub path: PathBuf,
    pub created: bool,
    pub added: usize,
    /// Rows whose stance or sentiment changed.
    pub replaced: usize,
    pub bytes: Vec<u8>,
}

/// A merge worked out but not yet written.
#[derive(Debug, Clone, Default)]
pub struct MergePlan {
    pub counts: MergeCounts,
    /// Bad rows, conflicts without a preference, and problems of the store
    /// itself; any of them means the plan cannot be written.
    pub problems: Vec<Rejection>,
    /// Things worth telling that are not errors (dropped extra columns).
    pub notes: Vec<String>,
    /// Empty when there are problems.
    pub changes: Vec<FileChange>,
}

impl MergePlan {
    pub fn is_ok(&self) -> bool {
        self.problems.is_empty()
    }

    /// Writes every changed file, all or none, as one commit into the
    /// store (see [`crate::commit`]); `store` is the store's lock, held
    /// since the plan read the store, so no other writer came between.
    pub fn write(&self, store: &DirLock) -> Result<()> {
        if !self.is_ok() {
            return Err(Error::Many(self.problems.clone()));
        }
        let mut tx = store.begin();
        for c in &self.changes {
            tx.stage_path(&c.path, c.bytes.clone())?;
        }
        tx.run()
    }
}

/// A new row that passed validation, and where it came from.
struct NewRow {
    row: LabelRow,
    file: usize,
    record: usize,
}

/// Where a stored label lives.
#[derive(Clone, Copy)]
struct Stored {
    file: usize,
    record: usize,
}

/// Plans merging the label CSVs `inputs` (files or folders) into the store
/// folder `store`. New rows are checked against `units` and `actors` like
/// `labels check` does, except that units labelled for only some actors are
/// fine. Rows already in the store count as unchanged; rows that disagree
/// with it are conflicts, settled by `prefer` or reported.
pub fn plan_merge(
    store: &Path,
    inputs: &[PathBuf],
    units: &[Unit],
    actors: &ActorSet,
    prefer: Option<Prefer>,
) -> Result<MergePlan> {
    if !store.is_dir() {
        return Err(Error::Param(format!(
            "label store {} is not a directory",
            store.display()
        )));
    }
    let mut plan = MergePlan::default();

    // The store: it must be readable and unambiguous to merge into.
    let store_paths = label_files(&[store.to_path_buf()]).map_err(Error::Invalid)?;
    let mut files: Vec<LabelFile> = Vec::new();
    let mut stored_rows: Vec<(LabelRow, Stored)> = Vec::new();
    let store_problem = |r: Rejection| Rejection::new(r.at, format!("label store: {}", r.reason));
    for path in &store_paths {
        match LabelFile::read(path) {
            Ok(f) => {
                for i in 0..f.records.len() {
                    match f.parsed(i) {
                        Parsed::Label(row) => stored_rows.push((
                            row,
                            Stored {
                                file: files.len(),
                                record: i,
                            },
                        )),
                        Parsed::Unfilled => plan.problems.push(store_problem(Rejection::new(
                            f.records[i].at.clone(),
                            "empty `stance` and `sentiment`",
                        ))),
                        Parsed::Bad(r) => plan.problems.push(store_problem(r)),
                    }
                }
                files.push(f);
            }
            Err(r) => plan.problems.push(store_problem(r)),
        }
    }
    let rows: Vec<LabelRow> = stored_rows.iter().map(|(r, _)| r.clone()).collect();
    let checked = check_rows(&rows, None, Some(actors));
    plan.problems
        .extend(checked.problems.into_iter().map(store_problem));

    // The new rows.
    let input_paths = label_files(inputs).map_err(Error::Invalid)?;
    let mut inputs: Vec<LabelFile> = Vec::new();
    let mut parsed: Vec<NewRow> = Vec::new();
    for path in &input_paths {
        let f = match LabelFile::read(path) {
            Ok(f) => f,
            Err(r) => {
                plan.problems.push(r);
                continue;
            }
        };
        for i in 0..f.records.len() {
            plan.counts.read += 1;
            match f.parsed(i) {
                Parsed::Label(row) => parsed.push(NewRow {
                    row,
                    file: inputs.len(),
                    record: i,
                }),
                Parsed::Unfilled => plan.counts.unfilled += 1,
                Parsed::Bad(r) => {
                    plan.counts.rejected += 1;
                    plan.problems.push(r);
                }
            }
        }
        inputs.push(f);
    }
    let rows: Vec<LabelRow> = parsed.iter().map(|n| n.row.clone()).collect();
    let checked = check_rows(&rows, Some(units), Some(actors));
    plan.problems.extend(checked.problems);
    let mut new_rows: Vec<NewRow> = Vec::new();
    for (n, ok) in parsed.into_iter().zip(checked.accepted) {
        if ok {
            new_rows.push(n);
        } else {
            plan.counts.rejected += 1;
        }
    }

    // Compare with the store.
    let mut pair_at: HashMap<(&str, &str, &str), (Stance, Stored, &Location)> = HashMap::new();
    let mut unit_at: HashMap<(&str, &str), (Sentiment, &Location)> = HashMap::new();
    let mut doc_file: HashMap<String, usize> = HashMap::new();
    for (r, s) in &stored_rows {
        pair_at
            .entry((&r.doc_id, &r.unit_id, &r.actor))
            .or_insert((r.stance, *s, &r.at));
        unit_at
            .entry((&r.doc_id, &r.unit_id))
            .or_insert((r.sentiment, &r.at));
        doc_file.entry(r.doc_id.clone()).or_insert(s.file);
    }
    let mut edits: Vec<(NewRow, Option<Stored>)> = Vec::new();
    let mut new_sentiment: BTreeMap<(String, String), Sentiment> = BTreeMap::new();
    for n in new_rows {
        let r = &n.row;
        let pair = pair_at.get(&(r.doc_id.as_str(), r.unit_id.as_str(), r.actor.as_str()));
        let unit = unit_at.get(&(r.doc_id.as_str(), r.unit_id.as_str()));
        let mut differences = Vec::new();
        if let Some((stance, _, at)) = pair.filter(|(s, _, _)| *s != r.stance) {
            differences.push(format!(
                "{} {} {}: stance {} here but {} in the label store at {}",
                r.doc_id, r.unit_id, r.actor, r.stance, stance, at
            ));
        }
        if let Some((sentiment, at)) = unit.filter(|(s, _)| *s != r.sentiment) {
            differences.push(format!(
                "{} {}: sentiment {} here but {} in the label store at {}",
                r.doc_id, r.unit_id, r.sentiment, sentiment, at
            ));
        }
        if differences.is_empty() && pair.is_some() {
            plan.counts.unchanged += 1;
            continue;
        }
        if differences.is_empty()
            && !doc_file.contains_key(r.doc_id.as_str())
            && let Some(reason) = unsafe_file_name(&r.doc_id)
        {
            plan.counts.rejected += 1;
            plan.problems.push(Rejection::new(r.at.clone(), reason));
            continue;
        }
        if differences.is_empty() {
            plan.counts.added += 1;
            edits.push((n, None));
            continue;
        }
        plan.counts.conflicts += 1;
        match prefer {
            None => {
                plan.counts.rejected += 1;
                plan.problems.push(Rejection::new(
                    r.at.clone(),
                    format!(
                        "{} (use --prefer new or --prefer old)",
                        differences.join("; ")
                    ),
                ));
            }
            Some(Prefer::Old) => plan.counts.kept_old += 1,
            Some(Prefer::New) => {
                plan.counts.replaced += 1;
                new_sentiment.insert((r.doc_id.clone(), r.unit_id.clone()), r.sentiment);
                let at = pair.map(|(_, s, _)| *s);
                edits.push((n, at));
            }
        }
    }
    sort_problems(&mut plan.problems);
    if !plan.is_ok() {
        return Ok(plan);
    }

    // Apply the edits to copies of the store files.
    let originals = files.len();
    let order: HashMap<(&str, &str), usize> = units
        .iter()
        .enumerate()
        .map(|(i, u)| (u.key(), i))
        .collect();
    let mut tally: HashMap<usize, (usize, usize)> = HashMap::new();
    // Extra columns of an input that a target file lacks: input → columns.
    let mut dropped: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (n, at) in &edits {
        let src = &inputs[n.file];
        let record = &src.records[n.record];
        let r = &n.row;
        let extra: Vec<(&str, &str)> = src
            .header
            .iter()
            .zip(&record.fields)
            .filter(|(h, _)| !COLUMNS.contains(&h.as_str()))
            .map(|(h, v)| (h.as_str(), v.as_str()))
            .collect();
        let target = match at {
            Some(s) => s.file,
            None => match doc_file.get(r.doc_id.as_str()) {
                Some(&f) => f,
                None => {
                    let f = target_file(&mut files, store, &r.doc_id);
                    doc_file.insert(r.doc_id.clone(), f);
                    f
                }
            },
        };
        let file = &mut files[target];
        for (h, v) in &extra {
            if file.column(h).is_none() && !v.trim().is_empty() {
                dropped
                    .entry(src.path.display().to_string())
                    .or_default()
                    .insert(h.to_string());
            }
        }
        let t = tally.entry(target).or_default();
        match at {
            Some(s) => {
                file.set(s.record, "stance", r.stance.as_str());
                file.set(s.record, "sentiment", r.sentiment.as_str());
                for (h, v) in &extra {
                    file.set(s.record, h, v);
                }
                t.1 += 1;
            }
            None => {
                let mut values = vec![
                    ("doc_id", r.doc_id.as_str()),
                    ("unit_id", r.unit_id.as_str()),
                    ("actor", r.actor.as_str()),
                    ("stance", r.stance.as_str()),
                    ("sentiment", r.sentiment.as_str()),
                ];
                values.extend(extra.iter().copied());
                file.push(r.at.clone(), &values);
                t.0 += 1;
            }
        }
    }
    // A preferred new sentiment holds for every stored row of its unit.
    for (r, s) in &stored_rows {
        if let Some(&sent) = new_sentiment.get(&(r.doc_id.clone(), r.unit_id.clone())) {
            // Replaced rows already carry it, so `set` reports no change.
            if files[s.file].set(s.record, "sentiment", sent.as_str()) {
                plan.counts.sentiment_updated += 1;
                tally.entry(s.file).or_default().1 += 1;
            }
        }
    }
    for (input, columns) in dropped {
        let columns: Vec<String> = columns.into_iter().map(|c| format!("`{c}`")).collect();
        plan.notes.push(format!(
            "{input}: column(s) {} are not in the label files they went to; not merged",
            columns.join(", ")
        ));
    }

    let mut touched: Vec<usize> = tally.keys().copied().collect();
    touched.sort_unstable();
    for i in touched {
        let file = &mut files[i];
        file.sort_by_key(|f, rec| {
            let get = |k| f.get(rec, k).map(str::trim).unwrap_or_default();
            let unit = order.get(&(get("doc_id"), get("unit_id"))).copied();
            let actor = actors.index_of(get("actor"));
            (unit.unwrap_or(usize::MAX), actor.unwrap_or(usize::MAX))
        });
        let (added, replaced) = tally[&i];
        plan.changes.push(FileChange {
            path: file.path.clone(),
            created: i >= originals,
            added,
            replaced,
            bytes: file.to_bytes(),
        });
    }
    Ok(plan)
}

/// The file new rows of `doc_id` go to: `<store>/<doc_id>.csv`, as every
/// shipped file is named, reusing a header-only file of that name. A new
/// file gets the columns of the store's first file (e.g. `note`), not the
/// input's extra ones: to-fill files from `stance suggest` carry helper
/// columns (text, model guess) that are not labels.
fn target_file(files: &mut Vec<LabelFile>, store: &Path, doc_id: &str) -> usize {
    let path = store.join(format!("{doc_id}.csv"));
    if let Some(i) = files.iter().position(|f| f.path == path) {
        return i;
    }
    let mut header: Vec<String> = COLUMNS.iter().map(|c| c.to_string()).collect();
    let extra = files
        .first()
        .map(|f| f.header.as_slice())
        .unwrap_or_default();
    for h in extra {
        if !header.contains(h) {
            header.push(h.clone());
        }
    }
    files.push(LabelFile::new(path, header));
    files.len() - 1
}

/// Why `doc_id` cannot name a file in the store, if it cannot.
fn unsafe_file_name(doc_id: &str) -> Option<String> {
    let bad =
        doc_id.is_empty() || doc_id.starts_with('.') || doc_id.contains(['/', '\\', ':', '\0']);
    bad.then(|| format!("document id {doc_id:?} cannot name a label file"))
}

/// Problems in file order, then line order, as a reader fixes them.
fn sort_problems(problems: &mut [Rejection]) {
    problems.sort_by(|a, b| (&a.at.file, a.at.line).cmp(&(&b.at.file, b.at.line)));
}

#[cfg(test)]
mod tests;
