//! Writers at once (issue 12, row 1): parallel `stance labels add` on one
//! label store and parallel `stance retrain` on one models folder lose
//! nothing, and `--no-wait` refuses clearly while the lock is held.

mod common;

use std::fs;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

use common::*;
use stance::commit::{DirLock, Wait};

const D2: &str = "002_7e72c071a9cad5df";
const D3: &str = "003_634046a7062ad050";
const HEADER: &str = "doc_id,unit_id,actor,stance,sentiment,note";

/// Starts the binary with `args` in `dir`, stdout and stderr piped.
fn spawn_in(dir: &Path, args: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_stance"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run stance")
}

/// Removes the data lines of a store file (its header stays, line ending
/// and all: some shipped files use CRLF); returns them.
fn take_lines(labels: &Path, doc: &str) -> Vec<String> {
    let path = labels.join(format!("{doc}.csv"));
    let text = fs::read_to_string(&path).unwrap();
    let mut lines = text.split_inclusive('\n');
    let header = lines.next().unwrap();
    let rows = lines
        .map(|l| l.trim_end_matches(['\r', '\n']).to_string())
        .collect();
    fs::write(&path, header).unwrap();
    rows
}

fn write_input(path: &Path, lines: &[String]) {
    let mut text = format!("{HEADER}\n");
    for l in lines {
        text.push_str(l);
        text.push('\n');
    }
    fs::write(path, text).unwrap();
}

/// 8 processes add rows of the same units for different actors (the
/// issue's reproducer), into two files of one store, each file also
/// repeating a row of the next; with the lock every row lands exactly
/// once, which here means the store comes back byte for byte.
#[test]
fn eight_parallel_adds_lose_no_row() {
    for round in 0..3 {
        let dir = seed_store_copy();
        let labels = dir.path().join("labels");
        let original = snapshot(&labels);
        let mut rows = take_lines(&labels, D2);
        rows.extend(take_lines(&labels, D3));
        assert!(rows.len() > 80, "{}", rows.len());
        let mut inputs = Vec::new();
        for i in 0..8 {
            let mut mine: Vec<String> = rows.iter().skip(i).step_by(8).cloned().collect();
            // Overlap: the next process's first row, identical.
            mine.push(rows[(i + 1) % 8].clone());
            let path = dir.path().join(format!("in{i}.csv"));
            write_input(&path, &mine);
            inputs.push(path.display().to_string());
        }
        let store = labels.display().to_string();
        let children: Vec<Child> = inputs
            .iter()
            .map(|input| spawn_in(&root(), &["labels", "add", input, "--labels", &store]))
            .collect();
        let outs: Vec<Output> = children
            .into_iter()
            .map(|c| c.wait_with_output().unwrap())
            .collect();
        for o in &outs {
            assert!(o.status.success(), "round {round}: {}", stderr(o));
        }
        let waited = outs
            .iter()
            .filter(|o| stderr(o).contains("waiting for lock on"))
            .count();
        eprintln!("round {round}: 8 adds, {waited} waited for the lock");
        assert_same_files(&snapshot(&labels), &original);
    }
}

/// Two processes give the same unit and actor different stances at once:
/// one is written, the other is refused as a conflict with the row the
/// first one wrote; the store holds the pair once.
#[test]
fn parallel_conflicting_adds_write_one_and_refuse_the_other() {
    let dir = seed_store_copy();
    let labels = dir.path().join("labels");
    let rows = take_lines(&labels, D2);
    let first = rows[0].clone();
    let fields: Vec<&str> = first.splitn(5, ',').collect();
    let flipped = if fields[3] == "pro" { "anti" } else { "pro" };
    let other = format!(
        "{},{},{},{flipped},{}",
        fields[0], fields[1], fields[2], fields[4]
    );
    let (a, b) = (dir.path().join("a.csv"), dir.path().join("b.csv"));
    write_input(&a, std::slice::from_ref(&first));
    write_input(&b, &[other]);
    let store = labels.display().to_string();
    let children: Vec<Child> = [&a, &b]
        .iter()
        .map(|p| {
            let input = p.display().to_string();
            spawn_in(&root(), &["labels", "add", &input, "--labels", &store])
        })
        .collect();
    let outs: Vec<Output> = children
        .into_iter()
        .map(|c| c.wait_with_output().unwrap())
        .collect();
    let codes: Vec<Option<i32>> = outs.iter().map(|o| o.status.code()).collect();
    assert!(
        codes == [Some(0), Some(1)] || codes == [Some(1), Some(0)],
        "{codes:?}"
    );
    let refused = outs.iter().find(|o| o.status.code() == Some(1)).unwrap();
    assert!(
        stderr(refused).contains("settle conflicts with --prefer"),
        "{}",
        stderr(refused)
    );
    let text = fs::read_to_string(labels.join(format!("{D2}.csv"))).unwrap();
    let pair = format!("{},{},{},", fields[0], fields[1], fields[2]);
    assert_eq!(text.lines().filter(|l| l.starts_with(&pair)).count(), 1);
}

/// Two retrains at once both keep their candidate: the registry ends with
/// the adopted shipped model and both candidates, once each, and a
/// consistent default.
#[test]
fn two_parallel_retrains_keep_both_entries() {
    for round in 0..2 {
        let dir = retrain_workspace();
        let w = dir.path();
        // Different settings each: a retrain that finds the other's
        // candidate promoted with the same labels and settings would
        // rightly do nothing ("no new labels").
        let children: Vec<Child> = [("first", "0.3"), ("second", "0.2")]
            .iter()
            .map(|(name, c)| spawn_in(w, &["retrain", "--name", name, "--c", c]))
            .collect();
        let outs: Vec<Output> = children
            .into_iter()
            .map(|c| c.wait_with_output().unwrap())
            .collect();
        for o in &outs {
            let code = o.status.code();
            assert!(matches!(code, Some(0 | 3)), "{code:?}: {}", stderr(o));
        }
        let reg = assert_models_consistent(&w.join("models"));
        let mut names = kept_names(&reg);
        names.sort();
        assert_eq!(names.len(), 3, "round {round}: {names:?}");
        assert!(names[0].starts_with("adopted-"), "{names:?}");
        assert_eq!(names[1..], ["first", "second"]);
    }
}

/// Reads `child`'s stderr on a thread until `needle` shows, so the test
/// knows the child is blocked on the lock; returns the stderr reader.
fn wait_for_stderr(child: &mut Child, needle: &str) -> std::thread::JoinHandle<String> {
    let (tx, rx) = std::sync::mpsc::channel();
    let err = child.stderr.take().unwrap();
    let needle = needle.to_string();
    let reader = std::thread::spawn(move || {
        let mut all = String::new();
        for line in BufReader::new(err).lines() {
            let line = line.unwrap();
            if line.contains(&needle) {
                let _ = tx.send(());
            }
            all.push_str(&line);
            all.push('\n');
        }
        all
    });
    rx.recv_timeout(Duration::from_secs(60))
        .expect("the second writer never said it waits");
    reader
}

/// With the lock held (here by the test itself, through the library),
/// `--no-wait` writers fail at once with exit 2 and say why; a writer
/// without it says it waits, and finishes once the lock is released.
#[test]
fn no_wait_fails_while_the_lock_is_held_and_a_waiter_goes_on_after() {
    let dir = retrain_workspace();
    let w = dir.path();
    let labels = w.join("labels");
    let rows = take_lines(&labels, D2);
    write_input(&w.join("in.csv"), &rows);

    let store_lock = DirLock::acquire(&labels, Wait::Fail, || {}).unwrap();
    let models_lock = DirLock::acquire(&w.join("models"), Wait::Fail, || {}).unwrap();
    for args in [
        &["--no-wait", "labels", "add", "in.csv"][..],
        &["labels", "add", "in.csv", "--no-wait"],
        &["retrain", "--no-wait"],
        &[
            "models",
            "--no-wait",
            "keep",
            "models/default.model",
            "--name",
            "x",
        ],
        &["--no-wait", "models", "use", "x"],
    ] {
        let o = stance_in(w, args, None);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        let err = stderr(&o);
        assert!(
            err.contains("locked by another stance process") && err.contains("--no-wait"),
            "{args:?}: {err}"
        );
    }
    assert_eq!(
        fs::read_to_string(labels.join(format!("{D2}.csv")))
            .unwrap()
            .lines()
            .count(),
        1
    );

    let mut child = spawn_in(w, &["labels", "add", "in.csv"]);
    let reader = wait_for_stderr(&mut child, "waiting for lock on");
    assert!(child.try_wait().unwrap().is_none(), "it did not wait");
    drop(store_lock);
    let status = child.wait().unwrap();
    let err = reader.join().unwrap();
    assert!(status.success(), "{err}");
    assert!(
        err.contains(&format!("{} row(s) added", rows.len())),
        "{err}"
    );
    drop(models_lock);
}
