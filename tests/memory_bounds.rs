//! Bounded memory (issue 12, row 6): a 100 MB line is rejected with its
//! line number while the rest is scored, a 2 GB model file is refused
//! before it is read, and `/dev/zero` as input or model ends with a clear
//! error — each under an address-space limit (`prlimit`, when the system
//! has it) that the unbounded reads of before exceed.

mod common;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::*;

/// The address space the command may use: scoring a 100 MB line took
/// 4.8 GB before, reading a 2 GB model 2.1 GB.
const LIMIT: &str = "--as=1073741824";

/// Runs stance in the repo under [`LIMIT`] (two threads, two malloc
/// arenas, so the limit does not depend on the machine's core count),
/// killed after a minute; the output and how long it took.
fn bounded(args: &[&str]) -> (Output, Duration) {
    let prlimit = Path::new("/usr/bin/prlimit").exists();
    let mut cmd = if prlimit {
        let mut c = Command::new("/usr/bin/prlimit");
        c.arg(LIMIT).arg(env!("CARGO_BIN_EXE_stance"));
        c
    } else {
        eprintln!("note: no prlimit; running without a memory limit");
        Command::new(env!("CARGO_BIN_EXE_stance"))
    };
    let started = Instant::now();
    let mut child = cmd
        .args(args)
        .env("RAYON_NUM_THREADS", "2")
        .env("MALLOC_ARENA_MAX", "2")
        .current_dir(root())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = started + Duration::from_secs(60);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("{args:?} ran for over a minute");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    (child.wait_with_output().unwrap(), started.elapsed())
}

#[test]
fn a_100_mb_line_is_rejected_with_its_line_and_the_rest_is_scored() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("units.jsonl");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    writeln!(
        f,
        r#"{{"doc_id":"d","unit_id":"c1","text":"We trust Pakistan"}}"#
    )
    .unwrap();
    // Words, not one run of letters: tokens are what memory grew with.
    let words = "Pakistan blames India and the army says no. ";
    write!(f, r#"{{"doc_id":"d","unit_id":"c2","text":""#).unwrap();
    for _ in 0..(100 << 20) / words.len() {
        f.write_all(words.as_bytes()).unwrap();
    }
    writeln!(f, r#""}}"#).unwrap();
    writeln!(
        f,
        r#"{{"doc_id":"d","unit_id":"c3","text":"Russia is to blame"}}"#
    )
    .unwrap();
    drop(f);
    let (o, took) = bounded(&["score", path.to_str().unwrap()]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(
        err.contains("units.jsonl:2: line longer than 4194304 bytes"),
        "{err}"
    );
    assert!(err.contains("read 3, scored 2, rejected 1"), "{err}");
    let ids: Vec<String> = json_lines(&stdout(&o))
        .iter()
        .map(|r| r["unit_id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids, ["c1", "c3"]);
    eprintln!("100 MB line: {took:?}");
}

#[test]
fn max_line_bytes_sets_the_limit_for_json_lines_and_csv() {
    let dir = tempfile::tempdir().unwrap();
    let long = "x".repeat(2000);
    let jsonl = dir.path().join("u.jsonl");
    std::fs::write(
        &jsonl,
        format!(
            "{{\"doc_id\":\"d\",\"unit_id\":\"c1\",\"text\":\"{long}\"}}\n{{\"doc_id\":\"d\",\"unit_id\":\"c2\",\"text\":\"short\"}}\n"
        ),
    )
    .unwrap();
    let csv = dir.path().join("u.csv");
    std::fs::write(
        &csv,
        format!("doc_id,unit_id,text\ne,c1,short\ne,c2,\"{long}\"\ne,c3,after\n"),
    )
    .unwrap();
    let o = stance(&[
        "ingest",
        "--max-line-bytes",
        "1000",
        jsonl.to_str().unwrap(),
        csv.to_str().unwrap(),
    ]);
    let err = stderr(&o);
    assert!(
        err.contains("u.jsonl:1: line longer than 1000 bytes"),
        "{err}"
    );
    // CSV cannot resync after a cut line (quotes span lines): the rest of
    // that file is skipped, and said so.
    assert!(
        err.contains("u.csv:3: line longer than 1000 bytes"),
        "{err}"
    );
    assert!(err.contains("rest of this CSV file is skipped"), "{err}");
    assert!(err.contains("read 4, kept 2, rejected 2"), "{err}");
    // A page is parsed whole: a long line rejects the page, naming it.
    let page = dir.path().join("page.txt");
    std::fs::write(&page, format!("Title\n\nFirst paragraph.\n{long}\n")).unwrap();
    let o = stance(&["ingest", "--max-line-bytes", "1000", page.to_str().unwrap()]);
    let err = stderr(&o);
    assert!(
        err.contains("page.txt:4: line longer than 1000 bytes"),
        "{err}"
    );
    std::fs::remove_file(&page).unwrap();
    // Without the flag, 2,000 bytes is fine.
    let o = stance(&["ingest", jsonl.to_str().unwrap(), csv.to_str().unwrap()]);
    assert!(
        stderr(&o).contains("read 5, kept 5, rejected 0"),
        "{}",
        stderr(&o)
    );
}

/// A model file's header declares its length: one far larger than any
/// model, or not the file's size, is refused before the body is read.
#[test]
fn a_2_gb_sparse_model_is_refused_quickly() {
    let dir = tempfile::tempdir().unwrap();
    let units = root().join("tests/fixtures/stance_small.jsonl");
    let size: u64 = 2 << 30;
    let cases = [
        (
            "big.model",
            size - 52,
            "bytes, more than the 1073741824 a model may have",
        ),
        (
            "short.model",
            1024,
            "declares 1076 bytes, the file has 2147483648",
        ),
    ];
    for (name, declared, why) in cases {
        let path = dir.path().join(name);
        let mut f = std::fs::File::create(&path).unwrap();
        f.write_all(b"STANCEM\0").unwrap();
        f.write_all(&stance::model::file::FORMAT_VERSION.to_le_bytes())
            .unwrap();
        f.write_all(&declared.to_le_bytes()).unwrap();
        f.set_len(size).unwrap();
        drop(f);
        let (o, took) = bounded(&[
            "score",
            "--model",
            path.to_str().unwrap(),
            units.to_str().unwrap(),
        ]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{name}: {err}");
        assert!(err.contains(name) && err.contains(why), "{name}: {err}");
        assert!(took < Duration::from_secs(5), "{name}: {took:?}");
        eprintln!("{name}: refused in {took:?}");
    }
}

#[cfg(unix)]
#[test]
fn dev_zero_as_input_or_model_is_a_clear_error() {
    if !Path::new("/dev/zero").exists() {
        eprintln!("skipped: no /dev/zero");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    // Read as a page, and (through a link) as JSON lines and as CSV.
    let mut inputs = vec!["/dev/zero".to_string()];
    for ext in ["jsonl", "csv"] {
        let link = dir.path().join(format!("zero.{ext}"));
        std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
        inputs.push(link.display().to_string());
    }
    for input in &inputs {
        let (o, _) = bounded(&["score", input]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{input}: {err}");
        assert!(
            err.contains("read 1, scored 0, rejected 1"),
            "{input}: {err}"
        );
        assert!(
            err.contains("binary data") || err.contains("longer than"),
            "{input}: {err}"
        );
    }
    let units = root().join("tests/fixtures/stance_small.jsonl");
    let (o, _) = bounded(&["score", "--model", "/dev/zero", units.to_str().unwrap()]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("/dev/zero: not a stance model file"), "{err}");
}
