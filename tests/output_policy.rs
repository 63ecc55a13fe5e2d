//! One output policy for every command (issue 12, row 5): a reader that
//! goes away (`stance … | head`) ends the command quietly with exit 0; any
//! other write error (`> /dev/full`) is a clear error with exit 2 — never
//! a panic ("failed printing to stdout", exit 101).

mod common;

use common::*;
use std::process::{Command, Stdio};

/// Commands that print to stdout, each with what it needs.
const PRINTERS: [&[&str]; 12] = [
    &["ingest", "seeds"],
    &["actors", "seeds"],
    &["actors", "seeds", "--json"],
    &["score", "tests/fixtures/stance_small.jsonl"],
    &["report", "--labels", "labels"],
    &["suggest", "--units", "seeds", "-n", "2"],
    &["agree", "labels", "labels/second_pass"],
    &["models"],
    &[
        "eval",
        "--model",
        "models/default.model",
        "--data",
        "tests/fixtures/checklist/probes.jsonl",
    ],
    &["run", "seeds"],
    &["labels", "stats"],
    &["models", "--json"],
];

#[test]
fn a_closed_pipe_ends_quietly_with_exit_0() {
    for args in PRINTERS {
        let mut child = Command::new(env!("CARGO_BIN_EXE_stance"))
            .args(args)
            .current_dir(root())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Close the read end before the command writes anything.
        drop(child.stdout.take());
        let o = child.wait_with_output().unwrap();
        let err = stderr(&o);
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert_eq!(o.status.code(), Some(0), "{args:?}: {err}");
    }
}

#[test]
fn a_full_disk_is_an_error_with_exit_2() {
    let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
        eprintln!("skipped: no /dev/full on this system");
        return;
    };
    for args in PRINTERS {
        let o = Command::new(env!("CARGO_BIN_EXE_stance"))
            .args(args)
            .current_dir(root())
            .stdin(Stdio::null())
            .stdout(full.try_clone().unwrap())
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        let err = stderr(&o);
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            err.contains("standard output") && err.contains("No space"),
            "{args:?}: {err}"
        );
    }
}

/// Spreadsheet-safe CSV (issue 12, row 7): text cells that a spreadsheet
/// would run as a formula are prefixed with `'`; numbers stay numbers.
#[test]
fn csv_for_people_defuses_formula_cells() {
    let input = br#"{"doc_id":"=HYPERLINK(\"http://x\",\"y\")","unit_id":"@SUM(1)","text":"-Pakistan is fine"}
"#;
    let o = stance_stdin(&["score", "--format", "csv", "-"], input);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    let row = out.lines().nth(1).expect("a data row");
    assert!(
        row.starts_with("\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",'@SUM(1),"),
        "{row}"
    );
    for cell in row.split(',') {
        let c = cell.trim_start_matches('"');
        assert!(
            !c.starts_with('=') && !c.starts_with('@') && !c.starts_with('+'),
            "{row}"
        );
    }
}

/// Honest display (issue 12, row 9): a comment with a right-to-left
/// override, an isolate, NUL or ESC reaches neither the HTML report nor the
/// terminal table raw; it is shown escaped.
#[test]
fn bidi_and_control_characters_are_shown_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let units = dir.path().join("units.jsonl");
    let hostile = "I hate Pakistan \u{202E}!detarepo\u{2066} x\u{0}\u{1b}[31m";
    let line = serde_json::json!({"doc_id": "d\u{202E}1", "unit_id": "c1", "kind": "comment", "text": hostile});
    std::fs::write(&units, format!("{line}\n")).unwrap();
    for format in ["html", "table"] {
        let o = stance(&["run", units.to_str().unwrap(), "--format", format]);
        assert!(o.status.success(), "{}", stderr(&o));
        let out = stdout(&o);
        for raw in ['\u{202E}', '\u{2066}', '\u{0}', '\u{1b}'] {
            assert!(!out.contains(raw), "{format}: raw {raw:?} in output");
        }
        assert!(out.contains("\\u{202e}"), "{format}: {out}");
    }
}
