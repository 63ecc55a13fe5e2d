//! A commit stopped at every step (issue 12, row 2): `labels add` and
//! `retrain` are run with the `STANCE_FAILPOINT` failpoint of each step of
//! their multi-file commit, which ends the process on the spot as `kill -9`
//! would (or, for `fail-rename-N`, makes that rename fail). The next
//! command that reads the folder must find it holding the complete old or
//! the complete new version, never a mix, with nothing left behind, and
//! say what it recovered.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use common::*;
use stance::commit::failpoint;

const D0: &str = "000_d5edc36da2d9ba8b";
const D2: &str = "002_7e72c071a9cad5df";
const D3: &str = "003_634046a7062ad050";

/// Which version a step leaves, and what recovery says about it.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Expect {
    /// Stopped before the journal was complete: the old files stand.
    Old(&'static str),
    /// Stopped after: the new files are there once recovery is done.
    New(&'static str),
}

const CLEANED: &str = "temporary file(s) an interrupted commit left";
const ROLLED_BACK: &str = "rolled back an interrupted commit";
const FINISHED: &str = "finished an interrupted commit";

/// The steps of a commit of `files` files, `replaced` of them existing.
fn steps(files: usize, replaced: usize) -> Vec<(String, Expect)> {
    let mut v = Vec::new();
    for i in 1..=files {
        v.push((format!("commit:after-temp-{i}"), Expect::Old(CLEANED)));
    }
    for i in 1..=replaced {
        v.push((format!("commit:after-backup-{i}"), Expect::Old(CLEANED)));
    }
    v.push(("commit:journal-half".into(), Expect::Old(ROLLED_BACK)));
    v.push(("commit:after-journal".into(), Expect::New(FINISHED)));
    for i in 1..=files {
        v.push((format!("commit:after-rename-{i}"), Expect::New(FINISHED)));
    }
    v.push(("commit:after-journal-removed".into(), Expect::New(CLEANED)));
    v
}

fn stance_failing(dir: &Path, args: &[&str], step: &str) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_stance"))
        .args(args)
        .current_dir(dir)
        .env(failpoint::VAR, step)
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run stance")
}

/// Removes the data lines of a label file that `drop` selects (line
/// endings as they are); returns them without their terminators.
fn remove_lines(path: &Path, drop: impl Fn(&str) -> bool) -> Vec<String> {
    let text = fs::read_to_string(path).unwrap();
    let (mut keep, mut removed) = (String::new(), Vec::new());
    for (i, raw) in text.split_inclusive('\n').enumerate() {
        let line = raw.trim_end_matches(['\r', '\n']);
        if i > 0 && drop(line) {
            removed.push(line.to_string());
        } else {
            keep.push_str(raw);
        }
    }
    fs::write(path, keep).unwrap();
    removed
}

/// A store missing some rows of two documents and all of a third, and an
/// input with those rows: adding it replaces two files and creates one.
fn store_before_add() -> tempfile::TempDir {
    let dir = seed_store_copy();
    let labels = dir.path().join("labels");
    let mut rows = remove_lines(&labels.join(format!("{D0}.csv")), |l| {
        l.contains(",p3,") || l.contains(",c24,")
    });
    rows.extend(remove_lines(&labels.join(format!("{D3}.csv")), |l| {
        l.contains(",p2,")
    }));
    rows.extend(remove_lines(&labels.join(format!("{D2}.csv")), |_| true));
    fs::remove_file(labels.join(format!("{D2}.csv"))).unwrap();
    let mut text = "doc_id,unit_id,actor,stance,sentiment,note\n".to_string();
    for r in rows {
        text.push_str(&r);
        text.push('\n');
    }
    fs::write(dir.path().join("new.csv"), text).unwrap();
    dir
}

fn add_args(dir: &Path) -> Vec<String> {
    let input = dir.join("new.csv").display().to_string();
    let store = dir.join("labels").display().to_string();
    ["labels", "add", &input, "--labels", &store]
        .map(str::to_string)
        .to_vec()
}

fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

/// The store before and after the add, each as a snapshot.
fn old_and_new_store() -> (BTreeMap<String, Vec<u8>>, BTreeMap<String, Vec<u8>>) {
    let dir = store_before_add();
    let old = snapshot(&dir.path().join("labels"));
    let o = stance(&strs(&add_args(dir.path())));
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains(&format!("{D2}.csv (new)")),
        "{}",
        stderr(&o)
    );
    (old, snapshot(&dir.path().join("labels")))
}

#[test]
fn labels_add_stopped_at_any_step_recovers_to_old_or_new() {
    let (old, new) = old_and_new_store();
    let all = steps(3, 2);
    assert_eq!(all.len(), 11);
    for (step, expect) in all {
        let dir = store_before_add();
        let labels = dir.path().join("labels");
        let o = stance_failing(&root(), &strs(&add_args(dir.path())), &step);
        assert_eq!(
            o.status.code(),
            Some(failpoint::EXIT_CODE),
            "{step}: {}",
            stderr(&o)
        );

        // Any reading command recovers first and says so.
        let store = labels.display().to_string();
        let o = stance(&["labels", "stats", &store]);
        assert!(o.status.success(), "{step}: {}", stderr(&o));
        let (want, says) = match expect {
            Expect::Old(says) => (&old, says),
            Expect::New(says) => (&new, says),
        };
        let err = stderr(&o);
        assert!(
            err.contains("recovery: ") && err.contains(says),
            "{step}: {err}"
        );
        // Byte for byte, and no other file (a temporary, a journal) left.
        assert_same_files(&snapshot(&labels), want);
        eprintln!("{step}: {expect:?} ok");
    }
}

#[test]
fn a_refused_rename_restores_the_old_store_at_once() {
    let (old, _) = old_and_new_store();
    for i in 1..=3 {
        let dir = store_before_add();
        let labels = dir.path().join("labels");
        let step = format!("commit:fail-rename-{i}");
        let o = stance_failing(&root(), &strs(&add_args(dir.path())), &step);
        assert_eq!(o.status.code(), Some(2), "{step}: {}", stderr(&o));
        assert!(
            stderr(&o).contains(&format!("failpoint {step}")),
            "{}",
            stderr(&o)
        );
        assert_same_files(&snapshot(&labels), &old);
        let o = stance(&["labels", "stats", &labels.display().to_string()]);
        assert!(!stderr(&o).contains("recovery"), "{}", stderr(&o));
    }
}

#[test]
fn the_next_writer_finishes_an_interrupted_add_before_its_own() {
    let (_, new) = old_and_new_store();
    let dir = store_before_add();
    let args = add_args(dir.path());
    let o = stance_failing(&root(), &strs(&args), "commit:after-rename-1");
    assert_eq!(o.status.code(), Some(failpoint::EXIT_CODE));
    let o = stance(&strs(&args));
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(err.contains(FINISHED), "{err}");
    assert!(err.contains("added 0, unchanged"), "{err}");
    assert_same_files(&snapshot(&dir.path().join("labels")), &new);
}

/// A forced retrain in a fresh workspace commits 7 files: the adopted
/// shipped model and its metadata, the candidate and its metadata, the new
/// default and its metadata, and the registry (3 of them replaced).
const RETRAIN: [&str; 6] = ["retrain", "--name", "cand", "--force", "--reason", "test"];

#[test]
fn retrain_stopped_at_any_step_recovers_to_old_or_new() {
    let mut all = steps(7, 3);
    // Every step of a 7-file commit runs a retrain; a sample keeps the
    // test short: each kind of step, first and last of each series.
    all.retain(|(s, _)| {
        ![
            "temp-2", "temp-3", "temp-4", "temp-5", "temp-6", "rename-2", "rename-3", "rename-6",
        ]
        .iter()
        .any(|n| s.ends_with(n))
    });
    for (step, expect) in all {
        let dir = retrain_workspace();
        let w = dir.path();
        let models = w.join("models");
        let old = snapshot(&models);
        let o = stance_failing(w, &RETRAIN, &step);
        assert_eq!(
            o.status.code(),
            Some(failpoint::EXIT_CODE),
            "{step}: {}",
            stderr(&o)
        );

        let o = stance_in(w, &["models"], None);
        assert!(o.status.success(), "{step}: {}", stderr(&o));
        let err = stderr(&o);
        let says = match expect {
            Expect::Old(s) | Expect::New(s) => s,
        };
        assert!(
            err.contains("recovery: ") && err.contains(says),
            "{step}: {err}"
        );
        let reg = assert_models_consistent(&models);
        match expect {
            Expect::Old(_) => assert_same_files(&snapshot(&models), &old),
            Expect::New(_) => {
                let names = kept_names(&reg);
                assert_eq!(names.len(), 2, "{step}: {names:?}");
                assert!(names[0].starts_with("adopted-"), "{step}: {names:?}");
                assert_eq!(
                    (names[1].as_str(), &reg["default"]),
                    ("cand", &"cand".into())
                );
                assert_eq!(
                    fs::read(models.join("default.meta.json")).unwrap(),
                    fs::read(models.join("cand.meta.json")).unwrap()
                );
            }
        }
        eprintln!("{step}: {expect:?} ok");
    }
}

#[test]
fn a_refused_rename_in_retrain_changes_nothing() {
    let dir = retrain_workspace();
    let w = dir.path();
    let old = snapshot(&w.join("models"));
    let o = stance_failing(w, &RETRAIN, "commit:fail-rename-5");
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_same_files(&snapshot(&w.join("models")), &old);
}
