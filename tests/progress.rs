//! Progress: bars are drawn only on a terminal, so in a pipe stderr holds
//! the summary lines alone; and the total a byte bar counts toward.

mod common;

use std::io::Write;

use common::{root, stance, stderr};
use stance::corpus::Input;
use stance::corpus::ingest::known_size;

/// What only a progress bar writes: carriage returns, escape sequences,
/// spinner glyphs (braille), bar fillings.
fn assert_no_bar(what: &str, err: &str) {
    let bar = err
        .chars()
        .find(|c| matches!(c, '\r' | '\u{1b}' | '\u{2800}'..='\u{28ff}'));
    assert!(bar.is_none(), "{what}: a bar in a pipe ({bar:?}):\n{err}");
    assert!(!err.contains("=>"), "{what}: a bar in a pipe:\n{err}");
    assert!(
        !err.contains("iteration"),
        "{what}: a step in a pipe:\n{err}"
    );
}

#[test]
fn no_bars_in_a_pipe() {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("m.model");
    let model = model.to_str().unwrap();
    let o = stance(&[
        "train",
        "--data",
        "labels/",
        "--oof-folds",
        "0",
        "-o",
        model,
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_no_bar("train", &stderr(&o));
    assert!(stderr(&o).contains("trained in"), "{}", stderr(&o));

    // Scoring files of known size (a byte bar on a terminal) and stdin
    // (a row counter on a terminal).
    let out = dir.path().join("s.jsonl");
    let o = stance(&[
        "score",
        "--model",
        model,
        "seeds/",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_no_bar("score seeds/", &stderr(&o));
    let units = std::fs::read(root().join("tests/fixtures/stance_small.jsonl")).unwrap();
    let o = common::stance_stdin(&["score", "--model", model, "-"], &units);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_no_bar("score -", &stderr(&o));
}

#[test]
fn the_total_is_known_for_files_only() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.jsonl"), dir.path().join("b.csv.gz"));
    std::fs::write(&a, "x".repeat(1000)).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&[b'y'; 5000]).unwrap();
    let packed = gz.finish().unwrap();
    std::fs::write(&b, &packed).unwrap();
    let path = |p: &std::path::Path| Input::Path(p.to_path_buf());
    // Compressed files count by their size on disk: the reader counts
    // the bytes before decompression.
    assert_eq!(
        known_size(&[path(&a), path(&b)]),
        Some(1000 + packed.len() as u64)
    );
    // A folder is its files; a missing file reads nothing.
    assert_eq!(
        known_size(&[path(dir.path()), path(&dir.path().join("none"))]),
        Some(1000 + packed.len() as u64)
    );
    assert_eq!(known_size(&[path(&a), Input::Stdin]), None);
    #[cfg(unix)]
    assert_eq!(known_size(&[path(std::path::Path::new("/dev/null"))]), None);
}
