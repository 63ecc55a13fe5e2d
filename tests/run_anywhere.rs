//! Issue 13, part 1: `stance` runs from any folder. Outside a project it
//! scores with the model and actors file built into the binary and says so;
//! `stance init` starts a project the commands then find from its folder,
//! a subfolder, `--project` or `STANCE_PROJECT`; a project's own model and
//! actors file win over the built-in ones; `train` on data that names its
//! own targets needs no actors file on disk. Every command runs in a fresh
//! temp folder outside the checkout.

mod common;

use std::fs;
use std::path::Path;

use common::{json_lines, root, stance, stance_env, stance_in, stderr, stdout};
use serde_json::Value;

const TEXT: &str = "I love India.";

fn info_json(dir: &Path, extra: &[&str], env: &[(&str, &Path)]) -> Value {
    let mut args = extra.to_vec();
    args.extend(["info", "--json"]);
    let o = stance_env(dir, &args, None, env);
    assert!(o.status.success(), "{}", stderr(&o));
    serde_json::from_str(&stdout(&o)).expect("info --json is one JSON object")
}

/// The registry name of the shipped default model.
fn shipped_name() -> String {
    let registry: Value =
        serde_json::from_slice(&fs::read(root().join("models/registry.json")).unwrap()).unwrap();
    registry["default"].as_str().unwrap().to_string()
}

/// `stance init` in a new folder `mine` of `parent`.
fn init(parent: &Path) -> std::path::PathBuf {
    let o = stance_in(parent, &["init", "mine"], None);
    assert!(o.status.success(), "{}", stderr(&o));
    parent.join("mine")
}

#[test]
fn score_works_anywhere_with_the_built_in_model_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let o = stance_in(dir.path(), &["score", "--text", TEXT], None);
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    let using: Vec<&str> = err.lines().filter(|l| l.starts_with("using ")).collect();
    assert_eq!(
        using,
        [format!(
            "using model embedded {} (built in), actors embedded labels/actors.toml (built in)",
            shipped_name()
        )],
        "{err}"
    );
    // Stdout is data only: the one score record.
    let records = json_lines(&stdout(&o));
    assert_eq!(records.len(), 1);
    let india = records[0]["actors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["actor"] == "IND")
        .expect("IND scored");
    assert_eq!(india["stance"], "pro", "{india}");
    // The same scores as the checkout's models/default.model gives.
    let here = stance(&["score", "--text", TEXT]);
    assert!(here.status.success(), "{}", stderr(&here));
    assert_eq!(stdout(&o), stdout(&here));
    assert!(
        stderr(&here).contains("/models/default.model, actors "),
        "{}",
        stderr(&here)
    );
}

#[test]
fn run_works_anywhere() {
    let dir = tempfile::tempdir().unwrap();
    let o = stance_in(dir.path(), &["run", "--text", TEXT], None);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("IND"), "{}", stdout(&o));
    assert_eq!(stderr(&o).matches("using model embedded").count(), 1);
}

#[test]
fn info_reports_the_built_in_model_and_actors() {
    let dir = tempfile::tempdir().unwrap();
    let v = info_json(dir.path(), &[], &[]);
    assert_eq!(v["project"], Value::Null, "{v}");
    let m = &v["model"];
    assert_eq!(m["built_in"], true, "{m}");
    assert_eq!(m["name"], shipped_name().as_str());
    let shipped = fs::read(root().join("models/default.model")).unwrap();
    assert_eq!(m["sha256"], stance::digest::sha256_hex(&shipped).as_str());
    assert_eq!(m["format_version"], stance::model::file::FORMAT_VERSION);
    assert!(m["trained_on"]["n_stance"].as_u64().unwrap() > 0);
    assert!(m["quality"].as_str().unwrap().starts_with("model quality"));
    assert_eq!(v["actors"]["built_in"], true);
    let codes: Vec<&str> = v["actors"]["codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    assert_eq!(codes, ["PAK", "RUS", "CHN", "USA", "IND", "AFG"]);
    assert_eq!(v["labels"]["present"], false);
    let o = stance_in(dir.path(), &["info"], None);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.starts_with("project:   none"), "{text}");
    assert!(
        text.contains(&format!("built in ({})", shipped_name())),
        "{text}"
    );
}

#[test]
fn init_starts_a_project_whose_actors_the_commands_use() {
    let dir = tempfile::tempdir().unwrap();
    let mine = init(dir.path());
    for f in ["stance.toml", "labels/actors.toml", "GUIDE.md"] {
        assert!(mine.join(f).is_file(), "{f} missing");
    }
    // A second init refuses and changes nothing.
    let before = fs::read(mine.join("stance.toml")).unwrap();
    let o = stance_in(dir.path(), &["init", "mine"], None);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("stance.toml already exists"),
        "{}",
        stderr(&o)
    );
    assert_eq!(fs::read(mine.join("stance.toml")).unwrap(), before);

    let v = info_json(&mine, &[], &[]);
    let root_found = Path::new(v["project"]["root"].as_str().unwrap());
    assert_eq!(
        root_found.canonicalize().unwrap(),
        mine.canonicalize().unwrap()
    );
    assert_eq!(v["model"]["built_in"], true);
    assert_eq!(v["actors"]["built_in"], false);
    assert!(
        v["actors"]["path"]
            .as_str()
            .unwrap()
            .ends_with("mine/labels/actors.toml")
    );

    // An actor added to the project's file is scored, from the project.
    let actors = mine.join("labels/actors.toml");
    let mut text = fs::read_to_string(&actors).unwrap();
    text.push_str("\n[[actor]]\ncode = \"IRN\"\nname = \"Iran\"\nnames = [\"Iran\"]\n");
    fs::write(&actors, text).unwrap();
    let o = stance_in(&mine, &["score", "--text", "Iran is a true friend."], None);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("actors ") && stderr(&o).contains("mine/labels/actors.toml"),
        "{}",
        stderr(&o)
    );
    let rec = &json_lines(&stdout(&o))[0];
    let iran = rec["actors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["actor"] == "IRN")
        .expect("IRN scored");
    assert_eq!(iran["zero_shot"], true);

    // The new, empty label store is a state, not an error.
    let o = stance_in(&mine, &["labels", "check"], None);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("no labels in"), "{}", stderr(&o));
    let o = stance_in(&mine, &["labels", "stats"], None);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).starts_with("0 label row(s)"), "{}", stdout(&o));
    assert!(stdout(&o).contains("IRN"), "{}", stdout(&o));
}

#[test]
fn the_project_flag_and_variable_name_the_project() {
    let dir = tempfile::tempdir().unwrap();
    let mine = init(dir.path());
    let elsewhere = tempfile::tempdir().unwrap();
    let found = |v: Value| {
        let r = v["project"]["root"]
            .as_str()
            .expect("a project")
            .to_string();
        Path::new(&r).canonicalize().unwrap()
    };
    let want = mine.canonicalize().unwrap();
    let flag = mine.to_str().unwrap();
    assert_eq!(
        found(info_json(elsewhere.path(), &["--project", flag], &[])),
        want
    );
    let env = [("STANCE_PROJECT", mine.as_path())];
    assert_eq!(found(info_json(elsewhere.path(), &[], &env)), want);
    // The flag wins over the variable.
    let other = init(elsewhere.path());
    let v = info_json(dir.path(), &["--project", other.to_str().unwrap()], &env);
    assert_eq!(found(v), other.canonicalize().unwrap());
    // A folder that is no project is an error, not the built-in defaults.
    let o = stance_in(elsewhere.path(), &["--project", "nowhere", "info"], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("nowhere: not a stance project"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_subfolder_finds_the_project_above_it() {
    let dir = tempfile::tempdir().unwrap();
    let mine = init(dir.path());
    let sub = mine.join("notes/2026");
    fs::create_dir_all(&sub).unwrap();
    let v = info_json(&sub, &[], &[]);
    let r = Path::new(v["project"]["root"].as_str().unwrap()).canonicalize();
    assert_eq!(r.unwrap(), mine.canonicalize().unwrap());
    assert!(
        v["project"]["file"]
            .as_str()
            .unwrap()
            .ends_with("stance.toml")
    );

    // A folder with labels/actors.toml and no stance.toml is a project too.
    let bare = tempfile::tempdir().unwrap();
    fs::create_dir(bare.path().join("labels")).unwrap();
    fs::copy(
        root().join("labels/actors.toml"),
        bare.path().join("labels/actors.toml"),
    )
    .unwrap();
    let deep = bare.path().join("a/b");
    fs::create_dir_all(&deep).unwrap();
    let v = info_json(&deep, &[], &[]);
    assert_eq!(v["project"]["file"], Value::Null, "{v}");
    assert_eq!(v["actors"]["built_in"], false, "{v}");
}

#[test]
fn a_projects_model_wins_over_the_built_in_one_and_the_flag_over_both() {
    let dir = tempfile::tempdir().unwrap();
    let mine = init(dir.path());
    fs::create_dir(mine.join("models")).unwrap();
    let other = "seeds-paragraphs-svm-c0.1.model";
    fs::copy(
        root().join("models").join(other),
        mine.join("models/default.model"),
    )
    .unwrap();
    let sub = mine.join("sub");
    fs::create_dir(&sub).unwrap();
    let v = info_json(&sub, &[], &[]);
    assert_eq!(v["model"]["built_in"], false);
    let path = v["model"]["path"].as_str().unwrap();
    assert!(path.ends_with("mine/models/default.model"), "{path}");
    let o = stance_in(&sub, &["score", "--text", TEXT], None);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("using model ") && stderr(&o).contains("mine/models/default.model"),
        "{}",
        stderr(&o)
    );
    let shipped = root().join("models/default.model");
    let o = stance_in(
        &sub,
        &[
            "score",
            "--model",
            shipped.to_str().unwrap(),
            "--text",
            TEXT,
        ],
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let line = format!("using model {}, actors", shipped.display());
    assert!(stderr(&o).contains(&line), "{}", stderr(&o));
}

#[test]
fn train_on_target_given_data_needs_no_actors_file_anywhere() {
    let dir = tempfile::tempdir().unwrap();
    let data = root().join("tests/fixtures/stance_small.jsonl");
    fs::create_dir(dir.path().join("out")).unwrap();
    let o = stance_in(
        dir.path(),
        &[
            "train",
            "--data",
            data.to_str().unwrap(),
            "--oof-folds",
            "0",
            "-o",
            "out/m.model",
        ],
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("using actors embedded labels/actors.toml (built in)"),
        "{}",
        stderr(&o)
    );
    assert!(dir.path().join("out/m.model").is_file());
    assert!(dir.path().join("out/m.meta.json").is_file());
    let o = stance_in(
        dir.path(),
        &[
            "score",
            "--model",
            "out/m.model",
            "--text",
            "We blame Russia today",
        ],
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("using model out/m.model"),
        "{}",
        stderr(&o)
    );
}
