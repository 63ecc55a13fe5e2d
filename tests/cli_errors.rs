//! Error prefixes say what went wrong: `invalid parameter:` only for a
//! flag's value; bad content names its file (and line); inputs with
//! nothing usable are `no usable data:`.

mod common;

use common::{root, stance, stance_in, stderr};

#[test]
fn a_bad_flag_value_is_an_invalid_parameter() {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("m.model");
    let o = stance(&[
        "train",
        "--data",
        "tests/fixtures/stance_small.jsonl",
        "--c=-1",
        "-o",
        model.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("error: invalid parameter: C must be a positive finite number, got -1"),
        "{err}"
    );
}

#[test]
fn bad_rows_are_named_by_file_and_line_not_called_parameters() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("bad.jsonl");
    std::fs::write(
        &data,
        "{\"text\":\"x\",\"target\":\"PAK\",\"label\":\"maybe\"}\n{\"foo\":1}\n",
    )
    .unwrap();
    let model = dir.path().join("m.model");
    let o = stance(&[
        "train",
        "--data",
        data.to_str().unwrap(),
        "-o",
        model.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    let name = data.display().to_string();
    assert!(
        err.contains(&format!("{name}:1: unknown label \"maybe\"")),
        "{err}"
    );
    assert!(
        err.contains(&format!("{name}:2: unknown line format")),
        "{err}"
    );
    assert!(
        err.contains(&format!("error: no usable data: no examples in {name}")),
        "{err}"
    );
    assert!(!err.contains("invalid parameter"), "{err}");

    // A project file naming a corpus that is not there: a problem of that
    // file, said with its path.
    let p = tempfile::tempdir().unwrap();
    std::fs::copy(
        root().join("labels/actors.toml"),
        p.path().join("actors.toml"),
    )
    .unwrap();
    std::fs::write(
        p.path().join("stance.toml"),
        "actors = \"actors.toml\"\n[[corpus]]\nname = \"news\"\ninputs = [\"news\"]\n",
    )
    .unwrap();
    let o = stance_in(p.path(), &["labels", "stats"], None);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("stance.toml: corpus \"news\" is missing: "),
        "{err}"
    );
    assert!(!err.contains("invalid parameter"), "{err}");
}
