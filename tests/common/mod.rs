//! Helpers for the end-to-end tests: run the real binary from the crate root.
#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn stance(args: &[&str]) -> Output {
    stance_in(&root(), args, None)
}

pub fn stance_stdin(args: &[&str], stdin: &[u8]) -> Output {
    stance_in(&root(), args, Some(stdin))
}

pub fn stance_in(dir: &Path, args: &[&str], stdin: Option<&[u8]>) -> Output {
    stance_env(dir, args, stdin, &[])
}

/// [`stance_in`] with environment variables set; `STANCE_PROJECT` is unset
/// unless given, so a developer's own setting cannot change a test.
pub fn stance_env(
    dir: &Path,
    args: &[&str],
    stdin: Option<&[u8]>,
    env: &[(&str, &Path)],
) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_stance"));
    cmd.env_remove("STANCE_PROJECT");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd
        .args(args)
        .current_dir(dir)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run stance");
    if let Some(input) = stdin {
        child.stdin.take().unwrap().write_all(input).unwrap();
    }
    child.wait_with_output().unwrap()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The external data sets, or None (tests that need them skip with a note).
pub fn shared_data(sub: &str) -> Option<PathBuf> {
    let p = root().join("../shared/data").join(sub);
    if p.exists() {
        Some(p)
    } else {
        eprintln!("skipping: {} is absent", p.display());
        None
    }
}

pub fn json_lines(s: &str) -> Vec<serde_json::Value> {
    s.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect()
}

/// Copies the plain files of `src` into a new directory `dst`.
pub fn copy_files(src: &Path, dst: &Path) {
    std::fs::create_dir_all(dst).unwrap();
    for e in std::fs::read_dir(src).unwrap() {
        let p = e.unwrap().path();
        if p.is_file() {
            std::fs::copy(&p, dst.join(p.file_name().unwrap())).unwrap();
        }
    }
}

/// A temp dir holding `labels/`, a copy of the seeds' label store (the
/// pool's label files left out, so counts are the seeds' whether or not
/// ../shared/data is here).
pub fn seed_store_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let labels = dir.path().join("labels");
    copy_files(&root().join("labels"), &labels);
    for (name, _) in snapshot(&labels) {
        if name.ends_with(".csv") && !name.starts_with("00") {
            std::fs::remove_file(labels.join(name)).unwrap();
        }
    }
    dir
}

/// Every plain file of a directory, by name, with its bytes; the lock file
/// a writer leaves (empty, never content) is not counted.
pub fn snapshot(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file() && !p.ends_with(stance::commit::LOCK_FILE))
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&p).unwrap())
        })
        .collect()
}

/// Asserts two [`snapshot`]s are byte-identical, naming the first file and
/// line (terminator included) that differ.
pub fn assert_same_files(
    got: &std::collections::BTreeMap<String, Vec<u8>>,
    want: &std::collections::BTreeMap<String, Vec<u8>>,
) {
    let names =
        |m: &std::collections::BTreeMap<String, Vec<u8>>| m.keys().cloned().collect::<Vec<_>>();
    assert_eq!(names(got), names(want));
    for (name, bytes) in got {
        if bytes == &want[name] {
            continue;
        }
        let (g, w) = (
            String::from_utf8_lossy(bytes),
            String::from_utf8_lossy(&want[name]),
        );
        let (gl, wl): (Vec<&str>, Vec<&str>) = (
            g.split_inclusive('\n').collect(),
            w.split_inclusive('\n').collect(),
        );
        let at = (0..gl.len().max(wl.len()))
            .find(|&i| gl.get(i) != wl.get(i))
            .unwrap_or(0);
        panic!(
            "{name} differs at line {}:\n got: {:?}\nwant: {:?}",
            at + 1,
            gl.get(at),
            wl.get(at)
        );
    }
}

/// The hand-labelled seed paragraphs (every split) as a data set, with
/// their units ingested from `seeds/`: the in-repo data the classifier
/// tests train on.
pub fn seed_paragraph_data() -> stance::dataset::Dataset {
    use stance::corpus::{Ingest, Input};
    use stance::dataset::{DataOptions, read_data};
    let units: Vec<_> = Ingest::new(&[Input::parse(root().join("seeds").to_str().unwrap())])
        .filter_map(Result::ok)
        .collect();
    let opts = DataOptions {
        kinds: vec![stance::corpus::UnitKind::Paragraph],
        ..DataOptions::default()
    };
    let data = read_data(&[root().join("labels")], &units, &opts);
    assert!(data.stance.len() > 1000, "{} rows", data.stance.len());
    data
}

/// A folder to retrain in (run the binary with it as the working folder):
/// `seeds/`, the seeds' label store in `labels/`, the shipped default model
/// untracked in `models/`, and a registry whose retrain settings (2 folds,
/// 20 bootstrap rounds) make a run take well under a second.
pub fn retrain_workspace() -> tempfile::TempDir {
    let dir = seed_store_copy();
    let w = dir.path();
    copy_files(&root().join("seeds"), &w.join("seeds"));
    std::fs::create_dir(w.join("models")).unwrap();
    for f in ["default.model", "default.meta.json"] {
        std::fs::copy(root().join("models").join(f), w.join("models").join(f)).unwrap();
    }
    let registry =
        r#"{"default": null, "retrain": {"cv_folds": 2, "bootstrap": 20}, "models": []}"#;
    std::fs::write(w.join("models/registry.json"), registry).unwrap();
    dir
}

/// Checks a models folder is consistent: every entry's file holds the bytes
/// its checksum names, `default.model` is the default entry's, and no
/// temporary file or journal is left. Returns the registry.
pub fn assert_models_consistent(models: &Path) -> serde_json::Value {
    let reg: serde_json::Value =
        serde_json::from_slice(&std::fs::read(models.join("registry.json")).unwrap()).unwrap();
    let sha = |p: &Path| stance::digest::sha256_hex(&std::fs::read(p).unwrap());
    for e in reg["models"].as_array().unwrap() {
        let file = models.join(e["file"].as_str().unwrap());
        assert_eq!(sha(&file), e["sha256"].as_str().unwrap(), "{e}");
    }
    if let Some(name) = reg["default"].as_str() {
        let entry = reg["models"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["name"] == name)
            .unwrap_or_else(|| panic!("default {name} has no entry: {reg}"));
        let kept = models.join(entry["file"].as_str().unwrap());
        assert_eq!(
            std::fs::read(models.join("default.model")).unwrap(),
            std::fs::read(&kept).unwrap(),
            "default.model is not {name}'s"
        );
    }
    for name in snapshot(models).keys() {
        assert!(!name.starts_with('.'), "left behind: {name}");
    }
    reg
}

/// The names of the kept models, in registry order.
pub fn kept_names(reg: &serde_json::Value) -> Vec<String> {
    reg["models"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap().to_string())
        .collect()
}
