//! Clear errors, consistent rules (issue 12, row 12, the small ones): each
//! input that used to be read as something else is now an error naming
//! the file and line, and what `score` ignores it does not check.

mod common;

use std::fs;

use common::*;

#[test]
fn an_overflowing_comment_count_is_an_error_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("page.txt");
    let text = "A title\n\nA paragraph about Pakistan.\n\nReader Comments (99999999999999999999999)\n\n  • Ann\n    Apr 3, 2017 - 9:01AM\n\n    I blame Russia.\n";
    fs::write(&page, text).unwrap();
    let o = stance(&["ingest", page.to_str().unwrap()]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("page.txt:5: comment count 99999999999999999999999"),
        "{err}"
    );
    // With a count that fits, the comment is a comment.
    fs::write(&page, text.replace("99999999999999999999999", "1")).unwrap();
    let o = stance(&["ingest", page.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains(r#""unit_id":"c1","kind":"comment""#),
        "{}",
        stdout(&o)
    );
}

#[test]
fn a_number_is_no_text() {
    let lines = concat!(
        r#"{"doc_id":"d","unit_id":"c1","text":42}"#,
        "\n",
        r#"{"doc_id":"d","unit_id":2,"text":"ids may be numbers"}"#,
        "\n",
        r#"{"text":42,"target":"PAK"}"#,
        "\n"
    );
    for cmd in [&["score", "-"][..], &["ingest", "-"]] {
        let o = stance_stdin(cmd, lines.as_bytes());
        let err = stderr(&o);
        assert!(
            err.contains("-:1: field `text` must be a string, found a number"),
            "{cmd:?}: {err}"
        );
        assert!(!err.contains("-:2:"), "{cmd:?}: {err}");
    }
    let o = stance_stdin(&["score", "-"], lines.as_bytes());
    assert!(
        stderr(&o).contains("-:3: field `text` must be a string"),
        "{}",
        stderr(&o)
    );
    assert!(
        stderr(&o).contains("read 3, scored 1, rejected 2"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_column_named_twice_is_an_error_naming_file_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("units.csv");
    fs::write(&csv, "doc_id,unit_id,text,Text\nd,c1,first,second\n").unwrap();
    let o = stance(&["ingest", csv.to_str().unwrap()]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("units.csv:1: the header names the column `text` twice"),
        "{err}"
    );
    // Blank names (unused spreadsheet columns) may repeat.
    fs::write(&csv, "doc_id,unit_id,text,,\nd,c1,first,,\n").unwrap();
    let o = stance(&["ingest", csv.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
}

/// `score` neither reads nor writes a target line's gold label, so an
/// invalid one does not reject the line; `eval` uses it and does.
#[test]
fn score_does_not_check_the_gold_label_it_ignores() {
    let lines = concat!(
        r#"{"text":"We trust Pakistan","target":"PAK","label":"maybe"}"#,
        "\n",
        r#"{"text":"We trust Pakistan","target":"PAK","label":7,"type":[1]}"#,
        "\n",
        r#"{"sentence":"Ted Cruz won","mention":"Cruz","from":4,"to":8,"polarity":5}"#,
        "\n",
        r#"{"sentence":"Ted Cruz won","mention":"Cruz","from":4,"to":8,"polarity":"x"}"#,
        "\n"
    );
    let o = stance_stdin(&["score", "-"], lines.as_bytes());
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(err.contains("read 4, scored 4, rejected 0"), "{err}");
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("gold.jsonl");
    fs::write(&data, lines).unwrap();
    let o = stance(&[
        "eval",
        "--model",
        "models/default.model",
        "--data",
        data.to_str().unwrap(),
    ]);
    assert!(
        stderr(&o).contains("unknown label \"maybe\""),
        "{}",
        stderr(&o)
    );
}
