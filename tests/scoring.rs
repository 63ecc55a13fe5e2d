//! End-to-end: score, report and run as users call them.

mod common;

use common::*;
use std::fs;

#[test]
fn read_equals_scored_plus_rejected_and_order_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("mixed.jsonl");
    let mut lines = Vec::new();
    for i in 0..30 {
        lines.push(match i % 6 {
            0 => format!("{{\"doc_id\":\"d{}\",\"unit_id\":\"c{i}\",\"text\":\"Pakistan is great {i}\"}}", i / 10),
            1 => "not json".to_string(),
            2 => format!("{{\"text\":\"India hates Russia {i}\",\"target\":\"IND\",\"id\":\"t{i}\"}}"),
            3 => "{\"doc_id\":\"d\",\"unit_id\":\"x\"}".to_string(),
            4 => format!("{{\"sentence\":\"Putin smiled {i}\",\"mention\":\"Putin\",\"from\":0,\"to\":5,\"id\":\"n{i}\"}}"),
            _ => "[1,2]".to_string(),
        });
    }
    fs::write(&input, lines.join("\n") + "\n").unwrap();
    let rejects = dir.path().join("rejects.jsonl");
    let o = stance(&[
        "score",
        input.to_str().unwrap(),
        "--rejects",
        rejects.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("read 30, scored 15, rejected 15"),
        "{}",
        stderr(&o)
    );
    let out = json_lines(&stdout(&o));
    assert_eq!(out.len(), 15);
    // Output order = input order.
    assert_eq!(out[0]["unit_id"], "c0");
    assert_eq!(out[1]["id"], "t2");
    assert_eq!(out[2]["id"], "n4");
    assert_eq!(out[3]["unit_id"], "c6");
    assert_eq!(out[0]["actors"].as_array().unwrap().len(), 6);
    assert_eq!(out[0]["actors"][0]["actor"], "PAK");
    assert_eq!(out[0]["actors"][0]["mentioned"], true);
    assert_eq!(out[1]["actors"][0]["actor"], "IND");
    let rj = json_lines(&fs::read_to_string(&rejects).unwrap());
    assert_eq!(rj.len(), 15);
    assert_eq!(rj[0]["line"], 2);
    assert!(rj[0]["file"].as_str().unwrap().ends_with("mixed.jsonl"));
    // --strict: the first bad row is fatal.
    let o = stance(&["score", input.to_str().unwrap(), "--strict"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("mixed.jsonl:2"), "{}", stderr(&o));
}

#[test]
fn csv_output_and_stdin() {
    let o = stance_stdin(
        &["score", "--format", "csv", "-"],
        b"doc_id,unit_id,text\nd,1,The US and India oppose China\n",
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let s = stdout(&o);
    let mut lines = s.lines();
    let header = lines.next().unwrap();
    assert!(header.starts_with("doc_id,unit_id,kind,id,sentiment"));
    assert!(header.contains("AFG_mentioned"));
    let row = lines.next().unwrap();
    assert_eq!(row.split(',').count(), header.split(',').count());
}

#[test]
fn model_with_other_actors_scores_them_zero_shot() {
    let dir = tempfile::tempdir().unwrap();
    let other = dir.path().join("actors.toml");
    fs::write(
        &other,
        "[[actor]]\ncode = \"X\"\nname = \"x\"\nnames = [\"Xland\"]\n",
    )
    .unwrap();
    let o = stance_stdin(
        &["score", "-", "--actors", other.to_str().unwrap()],
        b"doc_id,unit_id,text\nd,1,Xland is a wonderful friend\n",
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let recs = json_lines(&stdout(&o));
    let actors = recs[0]["actors"].as_array().unwrap();
    assert_eq!(actors.len(), 1, "only the actors of the file in use");
    assert_eq!(actors[0]["actor"], "X");
    assert_eq!(actors[0]["mentioned"], true);
    assert_eq!(actors[0]["zero_shot"], true);
    assert!(stderr(&o).contains("zero-shot actors"));
}

#[test]
fn run_on_seeds_prints_the_per_article_table() {
    let o = stance(&["run", "seeds/"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let s = stdout(&o);
    for doc in ["000_d5edc36da2d9ba8b", "004_2919847f946a5520"] {
        assert!(s.contains(doc));
    }
    assert!(s.contains("predicted comments (24 units)"), "{s}");
    assert!(s.contains("predicted paragraphs"));
    assert!(stderr(&o).contains("read 252, scored 252, rejected 0"));
}

#[test]
fn report_from_scores_matches_counts_and_sides_by_side_labels() {
    let dir = tempfile::tempdir().unwrap();
    let scores = dir.path().join("s.jsonl");
    let o = stance(&[
        "score",
        "seeds/000_d5edc36da2d9ba8b.txt",
        "-o",
        scores.to_str().unwrap(),
    ]);
    assert!(o.status.success());
    let recs = json_lines(&fs::read_to_string(&scores).unwrap());
    let comments: Vec<_> = recs.iter().filter(|r| r["kind"] == "comment").collect();
    let pro_pak = comments
        .iter()
        .filter(|r| r["actors"][0]["stance"] == "pro")
        .count();
    let o = stance(&[
        "report",
        "--scores",
        scores.to_str().unwrap(),
        "--labels",
        "labels/",
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let art = v
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["doc_id"] == "000_d5edc36da2d9ba8b")
        .unwrap();
    let sec = art["sections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["source"] == "predicted" && s["part"] == "comments")
        .unwrap();
    assert_eq!(sec["units"], 24);
    let pak = &sec["actors"][0];
    assert_eq!(pak["actor"], "PAK");
    assert_eq!(pak["pro"].as_u64().unwrap() as usize, pro_pak);
    let total = pak["pro"].as_u64().unwrap()
        + pak["anti"].as_u64().unwrap()
        + pak["none"].as_u64().unwrap();
    assert_eq!(total, 24);
    let net = pak["net"].as_f64().unwrap();
    let expect = pak["pro_share"].as_f64().unwrap() - pak["anti_share"].as_f64().unwrap();
    assert!((net - expect).abs() < 1e-12);
    let ci = pak["pro_ci"].as_array().unwrap();
    assert!(ci[0].as_f64().unwrap() <= pak["pro_share"].as_f64().unwrap());
    assert!(
        art["sections"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["source"] == "labelled")
    );
    let csv = stance(&[
        "report",
        "--scores",
        scores.to_str().unwrap(),
        "--format",
        "csv",
    ]);
    assert!(stdout(&csv).starts_with("doc_id,source,part,units,actor,pro,anti,none"));
}

// ---------------------------------------------------------------------------
// Golden outputs: `stance score` must give byte-identical records, rejects
// and summaries to the ones recorded in tests/fixtures/golden/ (made with
// the scorer before it was optimised). `STANCE_BLESS=1 cargo test --test
// scoring golden` rewrites them — only do that for an intended change.
// ---------------------------------------------------------------------------

mod golden {
    use super::common::*;
    use std::fs;
    use std::path::{Path, PathBuf};

    fn golden_dir() -> PathBuf {
        root().join("tests/fixtures/golden")
    }

    fn bless() -> bool {
        std::env::var_os("STANCE_BLESS").is_some_and(|v| v == "1")
    }

    /// Compares `actual` with the golden file `name`, line by line so a
    /// failure shows the first differing record.
    fn check(name: &str, actual: &str) {
        let path = golden_dir().join(name);
        if bless() {
            fs::write(&path, actual).unwrap();
            return;
        }
        let expected = fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{}: {e} (STANCE_BLESS=1 writes it)", path.display()));
        if expected == actual {
            return;
        }
        let (e, a): (Vec<&str>, Vec<&str>) = (expected.lines().collect(), actual.lines().collect());
        for (i, (x, y)) in e.iter().zip(&a).enumerate() {
            assert_eq!(x, y, "{name}: line {} differs", i + 1);
        }
        panic!(
            "{name}: {} lines expected, {} produced (or line endings differ)",
            e.len(),
            a.len()
        );
    }

    /// Runs `stance score ARGS -o OUT --rejects REJ`; returns (records,
    /// rejects, last stderr line).
    fn score(args: &[&str], stdin: Option<&[u8]>) -> (String, String, String) {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let rej = dir.path().join("rejects.jsonl");
        let mut all: Vec<&str> = vec!["score"];
        all.extend(args);
        all.extend([
            "-o",
            out.to_str().unwrap(),
            "--rejects",
            rej.to_str().unwrap(),
        ]);
        let o = stance_in(&root(), &all, stdin);
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
        let err = stderr(&o);
        let summary = err.lines().last().unwrap_or_default().to_string();
        (
            fs::read_to_string(&out).unwrap(),
            fs::read_to_string(&rej).unwrap(),
            summary,
        )
    }

    fn input(rel: &str) -> String {
        assert!(Path::new(&root()).join(rel).exists(), "{rel}");
        rel.to_string()
    }

    #[test]
    fn golden_seeds() {
        let (out, rej, summary) = score(&[&input("seeds/")], None);
        assert_eq!(summary, "score: read 252, scored 252, rejected 0");
        assert!(rej.is_empty());
        check("seeds.jsonl", &out);
    }

    #[test]
    fn golden_fixtures() {
        for name in ["newsmtsc_small", "stance_small"] {
            let (out, rej, summary) =
                score(&[&input(&format!("tests/fixtures/{name}.jsonl"))], None);
            assert_eq!(summary, "score: read 120, scored 120, rejected 0");
            assert!(rej.is_empty());
            check(&format!("{name}.jsonl"), &out);
        }
        let (out, _, _) = score(
            &[
                "--format",
                "csv",
                &input("tests/fixtures/stance_small.jsonl"),
            ],
            None,
        );
        check("stance_small.csv", &out);
    }

    /// Units and target lines mixed with every kind of malformed line: the
    /// records, the rejects (file, line, reason) and the counts.
    #[test]
    fn golden_mixed_with_rejects() {
        let file = input("tests/fixtures/golden/mixed_input.jsonl");
        let (out, rej, summary) = score(&[&file], None);
        check("mixed.jsonl", &out);
        check("mixed.rejects.jsonl", &rej);
        check("mixed.summary.txt", &(summary.clone() + "\n"));
        let (csv, _, _) = score(&["--format", "csv", &file], None);
        check("mixed.csv", &csv);
        // The same bytes on stdin: same records and counts, rejects name `-`.
        let bytes = fs::read(root().join(&file)).unwrap();
        let (out2, rej2, summary2) = score(&["-"], Some(&bytes));
        assert_eq!(out2, out);
        assert_eq!(summary2, summary);
        assert_eq!(
            rej2,
            rej.replace(&format!("\"file\":\"{file}\""), "\"file\":\"-\"")
        );
    }

    /// The unrounded probabilities, as f32 bit patterns, of every seed unit
    /// (sentiment + six actors) and every fixture line.
    #[test]
    fn golden_raw_probabilities() {
        use stance::corpus::Input;
        use stance::model::StanceModel;
        use stance::model::predict::Scratch;
        use stance::score::{Record, records};

        let model = StanceModel::load(&root().join("models/default.model")).unwrap();
        let mut s = Scratch::default();
        let mut text = String::new();
        let bits = |p: &[f32]| {
            p.iter()
                .map(|x| format!("{:08x}", x.to_bits()))
                .collect::<Vec<_>>()
                .join(" ")
        };
        let inputs = [
            "seeds/",
            "tests/fixtures/newsmtsc_small.jsonl",
            "tests/fixtures/stance_small.jsonl",
            "tests/fixtures/golden/mixed_input.jsonl",
        ];
        for name in inputs {
            let inputs = [Input::Path(root().join(name))];
            for rec in records(&inputs, &[], &Default::default()).filter_map(Result::ok) {
                match rec {
                    Record::Unit(u) => {
                        let sc = model.score_unit(&u.text, &mut s);
                        text.push_str(&format!(
                            "U {}/{} S {}",
                            u.doc_id,
                            u.unit_id,
                            bits(sc.sentiment.as_deref().unwrap_or_default())
                        ));
                        for (m, p) in &sc.actors {
                            text.push_str(&format!(" | {} {}", u8::from(*m), bits(p)));
                        }
                    }
                    Record::Target(e) => {
                        let mut p = Vec::new();
                        let m = model.stance_proba(&e.text, &e.target, e.span, &mut s, &mut p);
                        text.push_str(&format!("T {} {:?} {}", e.id, m, bits(&p)));
                    }
                }
                text.push('\n');
            }
        }
        check("raw_probabilities.txt", &text);
    }
}

/// A model file with a valid checksum but inconsistent contents is refused
/// at load time with an error naming the file and what is wrong, before any
/// scoring (it used to panic while scoring).
#[test]
fn inconsistent_model_files_are_refused_naming_the_file() {
    use stance::model::StanceModel;
    use stance::model::file::{load, save};

    let good = load(&root().join("models/default.model")).unwrap();
    type Mutation = (
        &'static str,
        &'static str,
        fn(&mut stance::model::ModelData),
    );
    let cases: &[Mutation] = &[
        ("word n-grams", "word n-gram length 9", |m| {
            m.features.word_ngrams = 9
        }),
        ("window", "window", |m| m.features.window = 1_000_000),
        ("char n-grams", "character n-gram range", |m| {
            m.features.char_ngrams = Some((3, 2))
        }),
        ("labels", "stance labels", |m| {
            m.stance.as_mut().unwrap().labels.pop();
        }),
        ("idf", "sentiment vocabulary", |m| {
            m.sentiment.as_mut().unwrap().vocab.idf.pop();
        }),
        ("groups", "stance vocabulary", |m| {
            m.stance.as_mut().unwrap().vocab.groups[0] = 7;
        }),
        ("keys", "not sorted", |m| {
            m.stance.as_mut().unwrap().vocab.keys.swap(0, 1);
        }),
        ("weights", "weights", |m| {
            m.stance.as_mut().unwrap().heads[0].1.weights.pop();
        }),
        ("bias", "intercepts", |m| {
            m.sentiment.as_mut().unwrap().heads[0].1.bias.push(0.0);
        }),
        ("n_features", "features for a vocabulary", |m| {
            let h = &mut m.stance.as_mut().unwrap().heads[0].1;
            h.n_features -= 1;
            h.weights.truncate(h.n_features * h.n_classes);
        }),
        ("n_classes", "classes", |m| {
            let h = &mut m.stance.as_mut().unwrap().heads[0].1;
            h.n_classes = 2;
            h.bias.pop();
            h.weights.truncate(h.n_features * 2);
        }),
        ("heads", "no heads", |m| {
            m.sentiment.as_mut().unwrap().heads.clear()
        }),
        ("non-finite", "non-finite", |m| {
            m.stance.as_mut().unwrap().heads[0].1.weights[5] = f32::NAN;
        }),
    ];
    for (name, expect, mutate) in cases {
        let mut m = good.clone();
        mutate(&mut m);
        let err = StanceModel::from_data(m).err();
        let msg = err.map(|e| e.to_string()).unwrap_or_default();
        assert!(msg.contains(expect), "{name}: {msg:?} lacks {expect:?}");
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crafted.model");
    let mut m = good.clone();
    m.stance.as_mut().unwrap().heads[0].1.bias.clear();
    save(&m, &path).unwrap();
    let o = stance(&["score", "--model", path.to_str().unwrap(), "seeds/"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stdout(&o).is_empty());
    let err = stderr(&o);
    assert!(
        err.contains("crafted.model") && err.contains("stance head"),
        "{err}"
    );
}
