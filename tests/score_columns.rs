//! `score_columns` (the Python package's scoring) gives the numbers of the
//! per-record calls `stance score` makes, unrounded and in order.

mod common;

use common::root;
use stance::corpus::Input;
use stance::model::StanceModel;
use stance::model::predict::Scratch;
use stance::score::{Record, records, score_columns, sentiment_label, stance_label};

fn model() -> StanceModel {
    StanceModel::load(&root().join("models/default.model")).unwrap()
}

fn read(name: &str) -> Vec<Record> {
    records(&[Input::Path(root().join(name))], &[], &Default::default())
        .filter_map(Result::ok)
        .collect()
}

#[test]
fn unit_rows_are_score_unit_bit_for_bit() {
    let model = model();
    let units: Vec<_> = read("seeds/")
        .into_iter()
        .filter_map(|r| match r {
            Record::Unit(u) => Some(u),
            Record::Target(_) => None,
        })
        .collect();
    assert!(units.len() > 100, "{} seed units", units.len());
    let texts: Vec<&str> = units.iter().map(|u| u.text.as_str()).collect();
    let cols = score_columns(&model, &texts, None).unwrap();
    let n = model.actors().len();
    assert_eq!(cols.len(), texts.len() * n);
    let codes: Vec<&str> = model.actors().codes().collect();
    assert_eq!(cols.names, codes);
    let sent = cols.sentiment.as_ref().expect("the default has sentiment");
    let mut s = Scratch::default();
    for (i, text) in texts.iter().enumerate() {
        let want = model.score_unit(text, &mut s);
        let ws = want.sentiment.as_deref().unwrap();
        for (a, (mentioned, p)) in want.actors.iter().enumerate() {
            let r = i * n + a;
            assert_eq!((cols.text[r], cols.actor[r] as usize), (i as u64, a));
            assert_eq!(cols.mentioned[r], *mentioned, "row {r}");
            let got: Vec<u32> = cols.stance_probs.iter().map(|c| c[r].to_bits()).collect();
            let exp: Vec<u32> = p.iter().map(|x| x.to_bits()).collect();
            assert_eq!(got, exp, "row {r}");
            assert_eq!(cols.stance[r], stance_label(p));
            let got: Vec<u32> = sent.probs.iter().map(|c| c[r].to_bits()).collect();
            let exp: Vec<u32> = ws.iter().map(|x| x.to_bits()).collect();
            assert_eq!(got, exp, "row {r}");
            assert_eq!(sent.label[r], sentiment_label(ws));
        }
    }
}

#[test]
fn target_rows_are_stance_proba_bit_for_bit() {
    let model = model();
    let lines: Vec<_> = read("tests/fixtures/stance_small.jsonl")
        .into_iter()
        .filter_map(|r| match r {
            Record::Target(e) => Some(e),
            Record::Unit(_) => None,
        })
        .collect();
    assert_eq!(lines.len(), 120);
    let texts: Vec<&str> = lines.iter().map(|e| e.text.as_str()).collect();
    let targets: Vec<&str> = lines.iter().map(|e| e.target.as_str()).collect();
    let cols = score_columns(&model, &texts, Some(&targets)).unwrap();
    assert_eq!(cols.len(), lines.len());
    let mut s = Scratch::default();
    let (mut p, mut q) = (Vec::new(), Vec::new());
    for (i, e) in lines.iter().enumerate() {
        let m = model.stance_proba(&e.text, &e.target, None, &mut s, &mut p);
        assert_eq!(Some(cols.mentioned[i]), m);
        assert_eq!(cols.names[cols.actor[i] as usize], e.target);
        let got: Vec<u32> = cols.stance_probs.iter().map(|c| c[i].to_bits()).collect();
        assert_eq!(got, p.iter().map(|x| x.to_bits()).collect::<Vec<_>>());
        assert!(model.sentiment_proba(&e.text, &mut s, &mut q));
        let sent = cols.sentiment.as_ref().unwrap();
        assert_eq!(sent.probs[2][i].to_bits(), q[2].to_bits());
    }
    // Each distinct target is named once, in order of first appearance.
    let mut seen = Vec::new();
    for t in &targets {
        if !seen.contains(t) {
            seen.push(*t);
        }
    }
    assert_eq!(cols.names, seen);
}

#[test]
fn targets_must_match_texts_one_to_one() {
    let err = score_columns(&model(), &["a", "b"], Some(&["Russia"])).unwrap_err();
    assert!(err.to_string().contains("1 targets for 2 texts"), "{err}");
    let none = score_columns(&model(), &[], None).unwrap();
    assert!(none.is_empty());
}
