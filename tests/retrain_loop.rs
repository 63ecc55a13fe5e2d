//! The weekly loop, end to end on a copy of the seeds: suggest → fill the
//! CSV → labels add → retrain → report; a worse candidate is not promoted,
//! a forced one records its reason, and `models use` rolls back.

mod common;

use std::collections::HashMap;
use std::fs;
use std::path::Path;

use common::{root, stance_in, stderr, stdout};

/// The comments' labels of the one document that has comments.
const COMMENTS_DOC: &str = "000_d5edc36da2d9ba8b";

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for e in fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_file() {
            fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

/// A workspace: seeds, labels without the comments of one document, and
/// the shipped default model.
fn workspace() -> (tempfile::TempDir, HashMap<(String, String), String>) {
    let dir = tempfile::tempdir().unwrap();
    let w = dir.path();
    copy_dir(&root().join("seeds"), &w.join("seeds"));
    copy_dir(&root().join("labels"), &w.join("labels"));
    fs::create_dir(w.join("models")).unwrap();
    for f in ["default.model", "default.meta.json"] {
        fs::copy(root().join("models").join(f), w.join("models").join(f)).unwrap();
    }
    let file = w.join(format!("labels/{COMMENTS_DOC}.csv"));
    let text = fs::read_to_string(&file).unwrap();
    let mut kept = String::new();
    let mut gold = HashMap::new();
    for (i, line) in text.lines().enumerate() {
        let cols: Vec<&str> = line.splitn(6, ',').collect();
        if i > 0 && cols[1].starts_with('c') {
            // unit_id, actor → "stance,sentiment"
            gold.insert(
                (cols[1].to_string(), cols[2].to_string()),
                format!("{},{}", cols[3], cols[4]),
            );
        } else {
            kept.push_str(line);
            kept.push('\n');
        }
    }
    assert_eq!(gold.len(), 24 * 6, "24 comments × 6 actors");
    fs::write(&file, kept).unwrap();
    (dir, gold)
}

/// Plays the annotator: fills stance and sentiment of the rows the gold
/// labels cover; leaves the rest (titles, which are not labelled) empty.
fn fill(csv: &str, gold: &HashMap<(String, String), String>) -> (String, usize) {
    let mut out = String::new();
    let mut filled = 0;
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer
        .write_record(reader.headers().unwrap().iter())
        .unwrap();
    for r in reader.records() {
        let r = r.unwrap();
        let mut cols: Vec<String> = r.iter().map(str::to_string).collect();
        assert_eq!((cols[3].as_str(), cols[4].as_str()), ("", ""), "{r:?}");
        if let Some(g) = gold.get(&(cols[1].clone(), cols[2].clone())) {
            let (s, t) = g.split_once(',').unwrap();
            cols[3] = s.to_string();
            cols[4] = t.to_string();
            filled += 1;
        }
        writer.write_record(&cols).unwrap();
    }
    out.push_str(&String::from_utf8(writer.into_inner().unwrap()).unwrap());
    (out, filled)
}

fn bytes_of(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<_> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file() && !p.ends_with(stance::commit::LOCK_FILE))
        .map(|p| (p.display().to_string(), fs::read(&p).unwrap()))
        .collect();
    v.sort();
    v
}

fn registry(w: &Path) -> serde_json::Value {
    serde_json::from_slice(&fs::read(w.join("models/registry.json")).unwrap()).unwrap()
}

#[test]
fn suggest_fill_add_retrain_report() {
    let (dir, gold) = workspace();
    let w = dir.path();

    // suggest: 12 units, ready-to-fill label rows, none already labelled.
    let o = stance_in(
        w,
        &["suggest", "--units", "seeds", "-n", "12", "-o", "todo.csv"],
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("picked 12 units"), "{}", stderr(&o));
    let todo = fs::read_to_string(w.join("todo.csv")).unwrap();
    assert!(todo.starts_with("doc_id,unit_id,actor,stance,sentiment,"));
    let (filled_csv, filled) = fill(&todo, &gold);
    assert!(
        filled >= 6,
        "uncertainty sampling should pick comments: {todo}"
    );
    fs::write(w.join("filled.csv"), filled_csv).unwrap();

    // labels add: the filled rows go in; the unfilled ones are skipped.
    let o = stance_in(w, &["labels", "add", "filled.csv"], None);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains(&format!("added {filled}")),
        "{}",
        stderr(&o)
    );
    let store = fs::read_to_string(w.join(format!("labels/{COMMENTS_DOC}.csv"))).unwrap();
    assert_eq!(store.lines().filter(|l| l.contains(",c")).count(), filled);

    // retrain: compares, keeps both models, and says what it decided.
    let o = stance_in(w, &["retrain"], None);
    let code = o.status.code();
    assert!(
        matches!(code, Some(0) | Some(3)),
        "{code:?}: {}",
        stderr(&o)
    );
    let out = stdout(&o);
    for part in [
        "held-out comments",
        "cross-validation",
        "95% CI",
        "decision (macro_f1)",
    ] {
        assert!(out.contains(part), "{part}: {out}");
    }
    let reg = registry(w);
    let models = reg["models"].as_array().unwrap();
    assert_eq!(models.len(), 2, "adopted shipped model + candidate: {reg}");
    let listing = stdout(&stance_in(w, &["models"], None));
    assert_eq!(
        listing.lines().filter(|l| l.starts_with('*')).count(),
        1,
        "{listing}"
    );

    // report with whatever is the default now.
    let o = stance_in(w, &["run", "seeds"], None);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains(COMMENTS_DOC));
}

#[test]
fn a_worse_candidate_is_not_promoted_unless_forced_and_rollback_works() {
    let (dir, _) = workspace();
    let w = dir.path();
    let shipped = fs::read(w.join("models/default.model")).unwrap();

    // C = 1e-6 shrinks every weight to nothing: the candidate says "none"
    // to everything, far below the default's macro-F1.
    let o = stance_in(w, &["retrain", "--c", "0.000001", "--name", "worse"], None);
    assert_eq!(o.status.code(), Some(3), "{}{}", stdout(&o), stderr(&o));
    assert!(stderr(&o).contains("NOT promoted"), "{}", stderr(&o));
    assert_eq!(fs::read(w.join("models/default.model")).unwrap(), shipped);
    let reg = registry(w);
    let adopted = reg["default"].as_str().unwrap().to_string();
    assert!(adopted.starts_with("adopted-"), "{reg}");
    assert!(w.join("models/worse.model").exists());

    // --force needs a reason, and records it.
    let o = stance_in(w, &["retrain", "--c", "0.000001", "--force"], None);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let args = [
        "retrain", "--c", "0.000001", "--name", "forced", "--force", "--reason", "demo",
    ];
    let o = stance_in(w, &args, None);
    assert!(o.status.success(), "{}", stderr(&o));
    let reg = registry(w);
    assert_eq!(reg["default"], "forced");
    let note = reg["models"].as_array().unwrap()[2]["note"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(note.starts_with("forced: demo"), "{note}");
    assert_ne!(fs::read(w.join("models/default.model")).unwrap(), shipped);

    // Roll back to the shipped model.
    let o = stance_in(w, &["models", "use", &adopted], None);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(fs::read(w.join("models/default.model")).unwrap(), shipped);
    assert_eq!(registry(w)["default"].as_str(), Some(adopted.as_str()));
    let o = stance_in(w, &["models", "use", "nonesuch"], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("no model named `nonesuch`"),
        "{}",
        stderr(&o)
    );

    // A conflicting label file is refused and the store is untouched.
    let before = bytes_of(&w.join("labels"));
    let file = w.join(format!("labels/{COMMENTS_DOC}.csv"));
    let first = fs::read_to_string(&file).unwrap();
    let row = first.lines().nth(1).unwrap();
    let cols: Vec<&str> = row.split(',').collect();
    let flipped = if cols[3] == "pro" { "anti" } else { "pro" };
    fs::write(
        w.join("conflict.csv"),
        format!(
            "doc_id,unit_id,actor,stance,sentiment\n{},{},{},{flipped},{}\n",
            cols[0], cols[1], cols[2], cols[4]
        ),
    )
    .unwrap();
    let o = stance_in(w, &["labels", "add", "conflict.csv"], None);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("conflict.csv:2"), "{}", stderr(&o));
    assert_eq!(bytes_of(&w.join("labels")), before);
}
