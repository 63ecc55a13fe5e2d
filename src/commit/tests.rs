use std::fs;
use std::path::Path;

use super::journal::{self, Entry};
use super::*;

fn lock(dir: &Path) -> DirLock {
    DirLock::acquire(dir, Wait::Fail, || {}).unwrap()
}

/// Every file but the lock, by name.
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<_> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap() != LOCK_FILE && p.is_file())
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, fs::read(&p).unwrap())
        })
        .collect();
    v.sort();
    v
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, Vec<u8>)> {
    list.iter()
        .map(|(n, b)| (n.to_string(), b.as_bytes().to_vec()))
        .collect()
}

#[test]
fn a_commit_writes_every_file_and_leaves_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("a.csv"), "old a").unwrap();
    fs::write(dir.path().join("keep.csv"), "kept").unwrap();
    let l = lock(dir.path());
    let mut tx = l.begin();
    tx.stage("a.csv", b"first".to_vec()).unwrap();
    tx.stage_path(&dir.path().join("b.csv"), b"new b".to_vec())
        .unwrap();
    tx.stage("a.csv", b"new a".to_vec()).unwrap();
    assert_eq!(tx.staged("a.csv"), Some(&b"new a"[..]));
    assert!(tx.stage("../x", vec![]).is_err());
    assert!(
        tx.stage_path(Path::new("/elsewhere/x.csv"), vec![])
            .is_err()
    );
    tx.run().unwrap();
    let want = [("a.csv", "new a"), ("b.csv", "new b"), ("keep.csv", "kept")];
    assert_eq!(files(dir.path()), pairs(&want));
    assert!(!needs_recovery(dir.path()));
}

#[test]
fn a_failed_temp_write_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("a.csv"), "old").unwrap();
    // A folder where b's temporary file should go: its write fails.
    fs::create_dir(dir.path().join(temp_name("b.csv"))).unwrap();
    let l = lock(dir.path());
    let mut tx = l.begin();
    tx.stage("a.csv", b"new".to_vec()).unwrap();
    tx.stage("b.csv", b"new".to_vec()).unwrap();
    let e = tx.run().unwrap_err().to_string();
    assert!(e.contains("b.csv"), "{e}");
    assert_eq!(files(dir.path()), pairs(&[("a.csv", "old")]));
}

/// The state a commit of a (replaced) and `second` leaves when it is
/// stopped after its journal (complete or cut short) and `renamed` renames.
fn interrupted(dir: &Path, second: Entry, complete: bool, renamed: usize) {
    fs::write(dir.join("a.csv"), "old a").unwrap();
    if second.replaces {
        fs::write(dir.join(&second.name), "old b").unwrap();
    }
    let entries = [
        Entry {
            name: "a.csv".into(),
            replaces: true,
        },
        second,
    ];
    for e in &entries {
        let new = format!("new {}", &e.name[..1]);
        fs::write(dir.join(temp_name(&e.name)), new).unwrap();
        if e.replaces {
            fs::hard_link(dir.join(&e.name), dir.join(old_name(&e.name))).unwrap();
        }
    }
    let mut j = journal::encode(&entries);
    if !complete {
        j.truncate(j.len() - 3);
    }
    fs::write(dir.join(JOURNAL_FILE), j).unwrap();
    for e in &entries[..renamed] {
        fs::rename(dir.join(temp_name(&e.name)), dir.join(&e.name)).unwrap();
    }
}

fn b(replaces: bool) -> Entry {
    Entry {
        name: "b.csv".into(),
        replaces,
    }
}

#[test]
fn a_complete_journal_is_rolled_forward_from_any_rename() {
    for renamed in 0..=2 {
        for replaces in [true, false] {
            let dir = tempfile::tempdir().unwrap();
            interrupted(dir.path(), b(replaces), true, renamed);
            assert!(needs_recovery(dir.path()));
            let r = lock(dir.path()).recover().unwrap();
            assert_eq!(r, Some(Recovery::Forward { files: 2 }), "{renamed}");
            let want = [("a.csv", "new a"), ("b.csv", "new b")];
            assert_eq!(files(dir.path()), pairs(&want), "{renamed} {replaces}");
        }
    }
}

#[test]
fn an_incomplete_journal_is_rolled_back() {
    for replaces in [true, false] {
        let dir = tempfile::tempdir().unwrap();
        interrupted(dir.path(), b(replaces), false, 0);
        let r = lock(dir.path()).recover().unwrap();
        let removed = if replaces { 4 } else { 3 };
        assert_eq!(r, Some(Recovery::Back { removed }));
        let mut want = vec![("a.csv", "old a")];
        if replaces {
            want.push(("b.csv", "old b"));
        }
        assert_eq!(files(dir.path()), pairs(&want));
    }
}

#[test]
fn a_roll_forward_that_cannot_finish_is_rolled_back() {
    let dir = tempfile::tempdir().unwrap();
    interrupted(dir.path(), b(false), true, 1);
    // b's target is taken by a folder that is not empty: its rename fails.
    fs::create_dir_all(dir.path().join("b.csv/x")).unwrap();
    let r = lock(dir.path()).recover().unwrap();
    assert!(matches!(r, Some(Recovery::Back { .. })), "{r:?}");
    assert_eq!(files(dir.path()), pairs(&[("a.csv", "old a")]));
    assert!(!needs_recovery(dir.path()));
}

#[test]
fn temporary_files_without_a_journal_are_removed_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("a.csv"), "a").unwrap();
    fs::write(dir.path().join(".a.csv.tmp123"), "someone else's").unwrap();
    assert!(!needs_recovery(dir.path()));
    assert_eq!(lock(dir.path()).recover().unwrap(), None);
    fs::write(dir.path().join(temp_name("a.csv")), "half").unwrap();
    fs::write(dir.path().join(old_name("a.csv")), "a").unwrap();
    let r = recover_if_needed(dir.path(), Wait::Fail, || {}).unwrap();
    assert_eq!(r, Some(Recovery::Cleaned { removed: 2 }));
    let want = [(".a.csv.tmp123", "someone else's"), ("a.csv", "a")];
    assert_eq!(files(dir.path()), pairs(&want));
}
