//! `labels check` as an annotator meets it: errors first, missing labels
//! summarised, one rule for label values; and `train --data` rejecting
//! the rows `labels check` reports.

mod common;

use std::fs;
use std::path::Path;

use common::{seed_store_copy, stance, stderr};

const D0: &str = "000_d5edc36da2d9ba8b";
const D3: &str = "003_634046a7062ad050";

/// Rewrites the data lines of a label file of `dir`'s store: `edit` gets
/// the line number and the first five fields (doc_id … sentiment; they
/// hold no commas) and returns them changed, or `None` to drop the line.
fn edit(dir: &Path, file: &str, edit: impl Fn(u64, [String; 5]) -> Option<[String; 5]>) {
    let path = dir.join("labels").join(file);
    let text = fs::read_to_string(&path).unwrap();
    let mut out = String::new();
    for (i, raw) in text.split_inclusive('\n').enumerate() {
        let line = raw.trim_end_matches(['\r', '\n']);
        if i == 0 || line.is_empty() {
            out.push_str(raw);
            continue;
        }
        let mut parts = line.splitn(6, ',');
        let fields: [String; 5] = std::array::from_fn(|_| parts.next().unwrap().to_string());
        let rest = parts.next().map(|r| format!(",{r}")).unwrap_or_default();
        if let Some(f) = edit(i as u64 + 1, fields) {
            out.push_str(&format!("{}{rest}\n", f.join(",")));
        }
    }
    fs::write(&path, out).unwrap();
}

fn check(dir: &Path, extra: &[&str]) -> std::process::Output {
    let labels = dir.join("labels");
    let mut args = vec!["labels", "check", labels.to_str().unwrap()];
    args.extend_from_slice(extra);
    stance(&args)
}

/// A store with two real errors in D0's file (line 4: a stance typo;
/// line 6: an unknown actor) and the RUS labels of D3 gone but p1's.
fn broken_store() -> tempfile::TempDir {
    let dir = seed_store_copy();
    edit(dir.path(), &format!("{D0}.csv"), |line, mut f| {
        match line {
            4 => f[3] = "por".into(),
            6 => f[2] = "IDN".into(),
            _ => {}
        }
        Some(f)
    });
    edit(dir.path(), &format!("{D3}.csv"), |_, f| {
        // The file has started on RUS (p1 keeps its label), so every other
        // unit of it must have one.
        (f[2] != "RUS" || f[1] == "p1").then_some(f)
    });
    dir
}

#[test]
fn errors_come_first_and_missing_labels_are_summarised() {
    let dir = broken_store();
    let o = check(dir.path(), &[]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    let lines: Vec<&str> = err.lines().collect();
    // The two errors are the first two lines, whatever the file order.
    assert!(lines[0].starts_with("error: "), "{err}");
    assert!(lines[1].starts_with("error: "), "{err}");
    assert!(
        err.contains(&format!("{D0}.csv:6: unknown actor \"IDN\"")),
        "{err}"
    );
    assert!(
        err.contains(&format!("{D0}.csv:4: unknown stance \"por\"")),
        "{err}"
    );
    let errors = lines.iter().filter(|l| l.starts_with("error: ")).count();
    assert_eq!(errors, 2, "{err}");
    // Most units of D3 lack RUS: one line, its counts and its first units.
    let missing: Vec<&&str> = lines
        .iter()
        .filter(|l| l.starts_with("missing: "))
        .collect();
    assert_eq!(missing.len(), 2, "{err}");
    let d3 = missing
        .iter()
        .find(|l| l.contains(&format!("{D3}: labels missing on ")))
        .unwrap_or_else(|| panic!("{err}"));
    assert!(d3.contains(" (RUS "), "{d3}");
    assert!(d3.contains("): p2, p3, p4, p5, p6 and "), "{d3}");
    // D0's p1 lacks the two rows the errors spoil.
    assert!(
        err.contains(&format!(
            "{D0}: labels missing on 1 unit(s) (CHN 1, IND 1): p1"
        )),
        "{err}"
    );
    let last = lines.last().unwrap();
    assert!(last.contains("; 2 error(s), "), "{last}");
    assert!(last.contains("(--all lists them)"), "{last}");

    // --all: every unit on a line of its own, after the same errors.
    let o = check(dir.path(), &["--all"]);
    assert_eq!(o.status.code(), Some(1));
    let all = stderr(&o);
    let units: Vec<&str> = all
        .lines()
        .filter(|l| l.starts_with("missing: ") && l.contains(&format!("{D3} p")))
        .collect();
    assert!(units.len() > 50, "{all}");
    assert!(
        units.iter().all(|l| l.ends_with("has no label for RUS")),
        "{all}"
    );
    assert!(
        all.lines().take(2).all(|l| l.starts_with("error: ")),
        "{all}"
    );
}

#[test]
fn label_values_are_read_by_one_rule() {
    let dir = seed_store_copy();
    // Every spelling the rule accepts, as an annotator or a public data
    // set might write it, in turn: none of them is a problem.
    let spellings = [
        "Pro", " pro", "FAVOR", "favour ", "Against", "ANTI", "Neutral", "NONE",
    ];
    let canonical = |s: &str| stance::labels::Stance::parse(s).unwrap().as_str();
    for doc in [D0, D3] {
        edit(dir.path(), &format!("{doc}.csv"), |line, mut f| {
            let options: Vec<&str> = spellings
                .iter()
                .copied()
                .filter(|s| canonical(s) == f[3])
                .collect();
            f[3] = options[line as usize % options.len()].to_string();
            f[4] = format!(" {}", f[4].to_uppercase());
            Some(f)
        });
    }
    let read = |doc: &str| fs::read_to_string(dir.path().join(format!("labels/{doc}.csv")));
    let text = read(D0).unwrap() + &read(D3).unwrap();
    for s in spellings {
        assert!(text.contains(&format!(",{s},")), "{s:?} unused");
    }
    let o = check(dir.path(), &[]);
    assert!(o.status.success(), "{}", stderr(&o));

    // Training reads them alike: the same examples as the shipped store.
    let counts = |labels: &Path| {
        let m = tempfile::tempdir().unwrap();
        let model = m.path().join("m.model");
        let o = stance(&[
            "train",
            "--data",
            labels.to_str().unwrap(),
            "--oof-folds",
            "0",
            "-o",
            model.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        let err = stderr(&o);
        assert!(!err.contains("rejected:"), "{err}");
        err.lines()
            .filter(|l| l.starts_with("data: read") || l.starts_with("sentiment:"))
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    let shipped = seed_store_copy();
    assert_eq!(
        counts(&dir.path().join("labels")),
        counts(&shipped.path().join("labels"))
    );

    // A value outside the rule is an error naming it.
    edit(dir.path(), &format!("{D0}.csv"), |line, mut f| {
        if line == 2 {
            f[3] = "support".into();
        }
        Some(f)
    });
    let o = check(dir.path(), &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains(&format!(
            "{D0}.csv:2: unknown stance \"support\" (expected pro, anti or none, in any case; also favor, against, neutral)"
        )),
        "{}",
        stderr(&o)
    );
}

#[test]
fn train_rejects_the_rows_labels_check_reports() {
    let dir = broken_store();
    // A pair labelled again in another file, with another stance.
    let extra = dir.path().join("labels/zz-extra.csv");
    let first = fs::read_to_string(dir.path().join(format!("labels/{D0}.csv"))).unwrap();
    let row: Vec<&str> = first.lines().nth(1).unwrap().splitn(6, ',').collect();
    let other = if row[3] == "anti" { "pro" } else { "anti" };
    fs::write(
        &extra,
        format!(
            "doc_id,unit_id,actor,stance,sentiment\n{},{},{},{other},{}\n",
            row[0], row[1], row[2], row[4]
        ),
    )
    .unwrap();
    let o = check(dir.path(), &[]);
    let errors: Vec<String> = stderr(&o)
        .lines()
        .filter_map(|l| l.strip_prefix("error: "))
        .map(str::to_string)
        .collect();
    assert_eq!(errors.len(), 3, "{}", stderr(&o));

    let m = tempfile::tempdir().unwrap();
    let model = m.path().join("m.model");
    let labels = dir.path().join("labels");
    let o = stance(&[
        "train",
        "--data",
        labels.to_str().unwrap(),
        "--split",
        "all",
        "--oof-folds",
        "0",
        "-o",
        model.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let rejected: Vec<String> = stderr(&o)
        .lines()
        .filter_map(|l| l.strip_prefix("rejected: "))
        .map(str::to_string)
        .collect();
    let mut want = errors.clone();
    want.sort();
    let mut got = rejected.clone();
    got.sort();
    assert_eq!(got, want, "{}", stderr(&o));
    // No head for the typo's actor.
    let meta = fs::read_to_string(m.path().join("m.meta.json")).unwrap();
    assert!(!meta.contains("IDN"), "{meta}");

    // --strict makes them fatal, with the same lines.
    let o = stance(&[
        "train",
        "--data",
        labels.to_str().unwrap(),
        "--strict",
        "-o",
        model.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("unknown actor \"IDN\""),
        "{}",
        stderr(&o)
    );
}
