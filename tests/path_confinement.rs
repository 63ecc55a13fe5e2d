//! Paths read from models/registry.json stay inside the project (issue 12,
//! row 4): an entry's `file` and `retrain.external_data` that are absolute,
//! go up with `..`, or leave through a symbolic link are refused with an
//! error naming the registry and the entry, and nothing of the target is
//! read or echoed.

mod common;

use std::fs;
use std::path::Path;

use common::*;

/// What the files outside the project hold; never to appear in any output.
const SECRET: &str = "root:SECRET-HASH-0123456789:19000:0:99999:7:::";

/// A workspace (see [`retrain_workspace`]) with a file outside it holding
/// [`SECRET`]; returns both folders and the secret file's path.
fn setup() -> (tempfile::TempDir, tempfile::TempDir, String) {
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("shadow");
    fs::write(&secret, format!("{SECRET}\n")).unwrap();
    (retrain_workspace(), outside, secret.display().to_string())
}

/// Writes a registry whose one entry (a copy of a shipped one, checksum
/// and all) is named `evil` and points at `file`.
fn registry_with_file(models: &Path, file: &str, sha_of: Option<&Path>) {
    let shipped: serde_json::Value =
        serde_json::from_slice(&fs::read(root().join("models/registry.json")).unwrap()).unwrap();
    let mut entry = shipped["models"][0].clone();
    entry["name"] = "evil".into();
    entry["file"] = file.into();
    if let Some(p) = sha_of {
        entry["sha256"] = stance::digest::sha256_hex(&fs::read(p).unwrap()).into();
    }
    let reg = serde_json::json!({
        "default": null,
        "retrain": {"cv_folds": 2, "bootstrap": 20},
        "models": [entry],
    });
    fs::write(models.join("registry.json"), reg.to_string()).unwrap();
}

fn registry_with_external(models: &Path, path: &str) {
    let reg = serde_json::json!({
        "default": null,
        "retrain": {"cv_folds": 2, "bootstrap": 20, "external_data": [path]},
        "models": [],
    });
    fs::write(models.join("registry.json"), reg.to_string()).unwrap();
}

/// Runs `args` in `w`: exit 2, an error naming the registry, `what` and
/// `why`, and not a byte of the secret.
fn assert_refused(w: &Path, args: &[&str], what: &str, why: &str) {
    let o = stance_in(w, args, None);
    let (out, err) = (stdout(&o), stderr(&o));
    assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
    assert!(
        err.contains("models/registry.json") && err.contains(what) && err.contains(why),
        "{args:?}: {err}"
    );
    assert!(
        !err.contains("SECRET") && !out.contains("SECRET"),
        "{args:?}: {out}{err}"
    );
}

#[test]
fn absolute_and_parent_model_files_are_refused_before_anything_is_read() {
    let (dir, _outside, secret) = setup();
    let w = dir.path();
    let models = w.join("models");
    // The secret copied beside the project too, for the `..` case.
    fs::copy(&secret, w.join("m.model")).unwrap();
    for (file, why) in [
        (secret.as_str(), "is absolute"),
        ("../m.model", "goes up with `..`"),
    ] {
        registry_with_file(&models, file, Some(Path::new(&secret)));
        for args in [&["models", "use", "evil"][..], &["models"], &["retrain"]] {
            assert_refused(w, args, "model \"evil\": file", why);
        }
        assert!(
            !models.join("default.model").exists() || {
                let d = fs::read(models.join("default.model")).unwrap();
                !String::from_utf8_lossy(&d).contains("SECRET")
            }
        );
    }
}

#[cfg(unix)]
#[test]
fn a_model_file_linked_out_of_the_folder_is_refused() {
    let (dir, _outside, secret) = setup();
    let w = dir.path();
    let models = w.join("models");
    std::os::unix::fs::symlink(&secret, models.join("link.model")).unwrap();
    // The checksum matches: only the confinement stands in the way.
    registry_with_file(&models, "link.model", Some(Path::new(&secret)));
    let before = snapshot(&models);
    assert_refused(
        w,
        &["models", "use", "evil"],
        "model \"evil\": file \"link.model\"",
        "symbolic link",
    );
    assert_same_files(&snapshot(&models), &before);
}

#[test]
fn external_data_outside_the_project_is_refused() {
    let (dir, _outside, secret) = setup();
    let w = dir.path();
    let models = w.join("models");
    for (path, why) in [
        (secret.as_str(), "is absolute"),
        ("../shadow.jsonl", "goes up with `..`"),
    ] {
        registry_with_external(&models, path);
        assert_refused(w, &["retrain"], "retrain.external_data entry", why);
        assert_refused(w, &["models"], "retrain.external_data entry", why);
    }
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(&secret, w.join("data.jsonl")).unwrap();
        registry_with_external(&models, "data.jsonl");
        assert_refused(
            w,
            &["retrain"],
            "retrain.external_data entry \"data.jsonl\"",
            "symbolic link",
        );
    }
}

/// Paths that stay inside still work: an external data file in the
/// project is trained on.
#[test]
fn external_data_inside_the_project_is_used() {
    let (dir, _outside, _) = setup();
    let w = dir.path();
    let line = r#"{"text": "Pakistan praised the talks.", "target": "PAK", "label": "pro"}"#;
    fs::create_dir(w.join("extra")).unwrap();
    fs::write(w.join("extra/more.jsonl"), format!("{line}\n")).unwrap();
    registry_with_external(&w.join("models"), "extra/more.jsonl");
    let o = stance_in(w, &["retrain", "--name", "with-extra"], None);
    assert!(matches!(o.status.code(), Some(0 | 3)), "{}", stderr(&o));
    let reg = assert_models_consistent(&w.join("models"));
    let entry = &reg["models"].as_array().unwrap()[1];
    assert_eq!(entry["name"], "with-extra");
    let files = entry["data_files"].to_string();
    assert!(files.contains("extra/more.jsonl"), "{files}");
}
