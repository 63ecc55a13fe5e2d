//! Atomic outputs (issue 12, row 3): every file a command writes appears
//! whole or not at all — a failed write or a SIGTERM leaves the previous
//! file at the final path and no temporary — and an output that is an
//! input is refused before any work.

mod common;

use std::path::Path;
use std::process::{Command, Output, Stdio};

use common::*;

const PREVIOUS: &[u8] = b"the previous output\n";

fn stance_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_stance"))
        .args(args)
        .envs(env.iter().copied())
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .expect("run stance")
}

/// A folder with a units file, a page, score records and a previous
/// output `out`; the repo's model, labels and seeds are used by path.
fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let units = concat!(
        r#"{"doc_id":"d","unit_id":"c1","text":"We trust Pakistan again"}"#,
        "\n",
        r#"{"doc_id":"d","unit_id":"c2","text":"Russia is to blame"}"#,
        "\n"
    );
    std::fs::write(dir.path().join("units.jsonl"), units).unwrap();
    std::fs::copy(
        root().join("seeds/000_d5edc36da2d9ba8b.txt"),
        dir.path().join("page.txt"),
    )
    .unwrap();
    let o = stance(&[
        "score",
        dir.path().join("units.jsonl").to_str().unwrap(),
        "-o",
        dir.path().join("scores.jsonl").to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    std::fs::write(dir.path().join("out"), PREVIOUS).unwrap();
    dir
}

/// Every command that writes a file, writing `out` (with the repo's model
/// and labels given by absolute path).
fn writers(dir: &Path) -> Vec<Vec<String>> {
    let r = |p: &str| root().join(p).display().to_string();
    let w = |p: &str| dir.join(p).display().to_string();
    let model = r("models/default.model");
    let cmds: Vec<Vec<String>> = vec![
        vec![
            "score".into(),
            w("units.jsonl"),
            "--model".into(),
            model.clone(),
        ],
        vec![
            "score".into(),
            "--format".into(),
            "csv".into(),
            w("units.jsonl"),
            "--model".into(),
            model.clone(),
        ],
        vec!["ingest".into(), w("page.txt")],
        vec![
            "actors".into(),
            w("page.txt"),
            "--actors".into(),
            r("labels/actors.toml"),
        ],
        vec![
            "report".into(),
            "--scores".into(),
            w("scores.jsonl"),
            "--model".into(),
            model.clone(),
        ],
        vec![
            "report".into(),
            "--scores".into(),
            w("scores.jsonl"),
            "--model".into(),
            model.clone(),
            "--format".into(),
            "html".into(),
        ],
        vec!["run".into(), w("page.txt"), "--model".into(), model.clone()],
        vec![
            "suggest".into(),
            "--units".into(),
            w("units.jsonl"),
            "--model".into(),
            model.clone(),
            "--labels".into(),
            r("labels"),
            "-n".into(),
            "1".into(),
        ],
    ];
    cmds.into_iter()
        .map(|mut c| {
            c.extend(["-o".to_string(), w("out")]);
            c
        })
        .collect()
}

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

fn args(c: &[String]) -> Vec<&str> {
    c.iter().map(String::as_str).collect()
}

#[test]
fn every_writer_writes_its_file_on_success() {
    let dir = workspace();
    let before = names(dir.path());
    for cmd in writers(dir.path()) {
        std::fs::write(dir.path().join("out"), PREVIOUS).unwrap();
        let o = stance_env(dir.path(), &args(&cmd), &[]);
        assert!(o.status.success(), "{cmd:?}: {}", stderr(&o));
        let out = std::fs::read(dir.path().join("out")).unwrap();
        assert!(out.len() > 20 && out != PREVIOUS, "{cmd:?} wrote nothing");
        assert_eq!(names(dir.path()), before, "{cmd:?} left a file behind");
    }
}

#[test]
fn a_failed_write_leaves_the_previous_file_and_no_temporary() {
    let dir = workspace();
    let before = names(dir.path());
    for cmd in writers(dir.path()) {
        let o = stance_env(
            dir.path(),
            &args(&cmd),
            &[("STANCE_FAILPOINT", "output:before-rename")],
        );
        assert_eq!(o.status.code(), Some(2), "{cmd:?}: {}", stderr(&o));
        assert!(stderr(&o).contains("failpoint"), "{cmd:?}: {}", stderr(&o));
        assert_eq!(
            std::fs::read(dir.path().join("out")).unwrap(),
            PREVIOUS,
            "{cmd:?} changed the previous output"
        );
        assert_eq!(names(dir.path()), before, "{cmd:?} left a temporary");
    }
}

#[test]
fn a_failed_rejects_write_leaves_the_previous_file() {
    let dir = workspace();
    let bad = dir.path().join("bad.jsonl");
    std::fs::write(
        &bad,
        "not json\n{\"doc_id\":\"d\",\"unit_id\":\"u\",\"text\":\"x\"}\n",
    )
    .unwrap();
    let rejects = dir.path().join("rejects.jsonl");
    std::fs::write(&rejects, PREVIOUS).unwrap();
    let before = names(dir.path());
    let o = stance_env(
        &root(),
        &[
            "score",
            bad.to_str().unwrap(),
            "--rejects",
            rejects.to_str().unwrap(),
        ],
        &[("STANCE_FAILPOINT", "output:before-rename@rejects.jsonl")],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(std::fs::read(&rejects).unwrap(), PREVIOUS);
    assert_eq!(names(dir.path()), before);
}

#[test]
fn an_output_that_is_an_input_is_refused_before_any_work() {
    let dir = workspace();
    let units = dir.path().join("units.jsonl");
    let kept = std::fs::read(&units).unwrap();
    let u = units.to_str().unwrap();
    let hard = dir.path().join("hard.jsonl");
    std::fs::hard_link(&units, &hard).unwrap();
    let page = dir.path().join("page.txt");
    let scores = dir.path().join("scores.jsonl");
    // The model by absolute path, so that only the refusal stops the run.
    let model = root().join("models/default.model");
    let m = model.to_str().unwrap();
    let cases: Vec<Vec<&str>> = vec![
        vec!["score", u, "--model", m, "-o", u],
        vec!["score", u, "--model", m, "--rejects", u],
        vec!["score", u, "--model", m, "-o", hard.to_str().unwrap()],
        vec!["score", "-", "-o", "out.jsonl", "--rejects", "out.jsonl"],
        vec!["ingest", u, "-o", u],
        vec![
            "ingest",
            dir.path().to_str().unwrap(),
            "-o",
            page.to_str().unwrap(),
        ],
        vec!["actors", u, "-o", u],
        vec![
            "report",
            "--scores",
            scores.to_str().unwrap(),
            "-o",
            scores.to_str().unwrap(),
        ],
        vec!["run", u, "--model", m, "-o", u],
        vec!["suggest", "--units", u, "--model", m, "-o", u],
        vec!["train", "--data", u, "-o", u],
    ];
    for case in cases {
        let before = std::fs::read(&units).unwrap();
        let o = stance_env(dir.path(), &case, &[]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{case:?}: {err}");
        assert!(err.contains("refusing to overwrite"), "{case:?}: {err}");
        assert_eq!(std::fs::read(&units).unwrap(), before, "{case:?}");
    }
    assert_eq!(std::fs::read(&units).unwrap(), kept);
    #[cfg(unix)]
    {
        let link = dir.path().join("link.jsonl");
        std::os::unix::fs::symlink(&units, &link).unwrap();
        let args = ["score", link.to_str().unwrap(), "--model", m, "-o", u];
        let o = stance_env(dir.path(), &args, &[]);
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        assert_eq!(std::fs::read(&units).unwrap(), kept);
    }
}

/// A model and its `.meta.json` never disagree: when the meta cannot be
/// written, the old model stays beside the old meta.
#[test]
fn a_failed_meta_write_leaves_the_old_model_and_meta() {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("m.model");
    let meta = dir.path().join("m.meta.json");
    let data = root().join("tests/fixtures/stance_small.jsonl");
    let train = |c: &str, env: &[(&str, &str)]| {
        let a = [
            "train",
            "--data",
            data.to_str().unwrap(),
            "--c",
            c,
            "-o",
            model.to_str().unwrap(),
        ];
        stance_env(&root(), &a, env)
    };
    let o = train("1.0", &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let (old_model, old_meta) = (
        std::fs::read(&model).unwrap(),
        std::fs::read(&meta).unwrap(),
    );
    let o = train(
        "0.01",
        &[("STANCE_FAILPOINT", "output:before-rename@m.meta.json")],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(
        std::fs::read(&model).unwrap(),
        old_model,
        "a new model beside the old meta"
    );
    assert_eq!(std::fs::read(&meta).unwrap(), old_meta);
    assert_eq!(names(dir.path()), ["m.meta.json", "m.model"]);
    // Stopped between the two renames: the new model, and no stale meta.
    let o = train("0.01", &[("STANCE_FAILPOINT", "output:before-companion")]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_ne!(std::fs::read(&model).unwrap(), old_model);
    assert_eq!(names(dir.path()), ["m.model"]);
    // And unhindered, both are new and agree.
    let o = train("0.01", &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let meta_json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&meta).unwrap()).unwrap();
    assert_ne!(std::fs::read(&meta).unwrap(), old_meta);
    assert!(meta_json.to_string().contains("0.01"), "{meta_json}");
}

/// SIGTERM in the middle of a run: the final path keeps its previous
/// content; a temporary, if any, is a hidden `.stance-tmp` file.
#[cfg(unix)]
#[test]
fn sigterm_leaves_the_final_path_untouched() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("scores.jsonl");
    std::fs::write(&out, PREVIOUS).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_stance"))
        .args(["score", "-", "-o", out.to_str().unwrap()])
        .current_dir(root())
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    for i in 0..20_000 {
        writeln!(
            stdin,
            r#"{{"doc_id":"d","unit_id":"c{i}","text":"We trust Pakistan"}}"#
        )
        .unwrap();
    }
    stdin.flush().unwrap();
    // Wait until scores have been written somewhere — a temporary, or
    // (before atomic outputs) the final path itself; the stream stays open.
    let written = || {
        names(dir.path()).into_iter().any(|n| {
            let bytes = std::fs::read(dir.path().join(&n)).unwrap_or_default();
            !bytes.is_empty() && bytes != PREVIOUS
        })
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while !written() {
        assert!(std::time::Instant::now() < deadline, "no output written");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let _ = child.wait();
    drop(stdin);
    assert_eq!(std::fs::read(&out).unwrap(), PREVIOUS);
    for n in names(dir.path()) {
        assert!(
            n == "scores.jsonl" || (n.starts_with(".scores.jsonl.") && n.ends_with(".stance-tmp")),
            "{n}"
        );
    }
}

/// Devices are written in place: `-o /dev/full` is a clear error.
#[test]
fn an_output_file_on_a_full_disk_is_an_error_with_exit_2() {
    if !Path::new("/dev/full").exists() {
        eprintln!("skipped: no /dev/full on this system");
        return;
    }
    let units = root().join("tests/fixtures/stance_small.jsonl");
    for cmd in [
        vec!["score", units.to_str().unwrap(), "-o", "/dev/full"],
        vec!["ingest", "seeds", "-o", "/dev/full"],
        vec!["run", "seeds", "-o", "/dev/full"],
    ] {
        let o = stance(&cmd);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{cmd:?}: {err}");
        assert!(
            err.contains("/dev/full") && err.contains("No space"),
            "{cmd:?}: {err}"
        );
    }
}
