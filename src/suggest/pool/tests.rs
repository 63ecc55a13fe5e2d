use super::*;
use crate::error::Location;

fn unit(doc: &str, id: &str, text: &str) -> Unit {
    Unit {
        doc_id: doc.into(),
        unit_id: id.into(),
        kind: UnitKind::Comment,
        author: None,
        posted_at: None,
        text: text.into(),
        fields: None,
    }
}

fn units() -> Vec<Result<Unit, Rejection>> {
    vec![
        Ok(unit(
            "a",
            "c1",
            "Russia is our true friend, but Pakistan lies.",
        )),
        Ok(unit(
            "a",
            "c2",
            "China and America both want the same thing.",
        )),
        Err(Rejection::new(Location::new("u.jsonl", Some(3)), "bad")),
        Ok(unit("b", "c1", "India played well today.")),
        Ok(unit("b", "c2", "Nothing about anyone here.")),
    ]
}

fn model() -> StanceModel {
    crate::model::embedded::model().unwrap()
}

#[test]
fn picks_rows_for_the_unlabelled_actors_and_skips_the_labelled_units() {
    let model = model();
    let codes: Vec<String> = model.actors().codes().map(str::to_string).collect();
    // b/c1 is labelled for every actor, a/c1 for the first one only.
    let mut labelled: HashSet<Pair> = codes
        .iter()
        .map(|c| ("b".into(), "c1".into(), c.clone()))
        .collect();
    labelled.insert(("a".into(), "c1".into(), codes[0].clone()));
    let opts = Options {
        n: 10,
        ..Options::default()
    };
    let s = suggest(
        &model,
        units().into_iter(),
        &labelled,
        &SplitRule::ByKind,
        &opts,
    );
    assert_eq!(s.rejected.len(), 1);
    assert_eq!(s.skipped, 1, "b/c1 has nothing left to label");
    assert_eq!(s.picked.len(), 3);
    assert_eq!(s.articles(), 2);
    assert!(
        s.picked
            .iter()
            .all(|c| (c.doc_id.as_str(), c.unit_id.as_str()) != ("b", "c1"))
    );
    assert_eq!(s.rows.len(), 3 * codes.len() - 1);
    assert!(
        !s.rows
            .iter()
            .any(|r| r.doc_id == "a" && r.unit_id == "c1" && r.actor == codes[0])
    );
    for r in &s.rows {
        assert!((0.0..=1.0).contains(&r.uncertainty), "{r:?}");
        assert!(
            ["pro", "anti", "none"].contains(&r.predicted.as_str()),
            "{r:?}"
        );
        assert!(!r.text.is_empty());
    }
    // The most uncertain first, the same way every time.
    let again = suggest(
        &model,
        units().into_iter(),
        &labelled,
        &SplitRule::ByKind,
        &opts,
    );
    assert_eq!(again.picked, s.picked);
}

#[test]
fn units_recorded_for_evaluation_are_never_suggested() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("splits.csv");
    std::fs::write(&file, "doc_id,unit_id,split\na,c1,eval\n").unwrap();
    let rule = SplitRule::read(&file, Split::Train).unwrap();
    let opts = Options {
        n: 10,
        ..Options::default()
    };
    let s = suggest(&model(), units().into_iter(), &HashSet::new(), &rule, &opts);
    assert_eq!(s.skipped, 1);
    assert!(
        s.picked
            .iter()
            .all(|c| (c.doc_id.as_str(), c.unit_id.as_str()) != ("a", "c1"))
    );
}

#[test]
fn exploring_draws_the_share_at_random() {
    let opts = Options {
        n: 2,
        explore: 1.0,
        ..Options::default()
    };
    let s = suggest(
        &model(),
        units().into_iter(),
        &HashSet::new(),
        &SplitRule::ByKind,
        &opts,
    );
    assert_eq!(s.picked.len(), 2);
    assert!(s.picked.iter().all(|c| c.actor == RANDOM), "{:?}", s.picked);
    assert!(s.rows.iter().all(|r| r.picked_for == RANDOM));
}
