//! Scoring with per-target temperatures: each head's own T, on both
//! scoring paths, and a model whose temperatures cannot be used refused at
//! load.

use std::path::Path;

use super::*;
use crate::dataset::{Dataset, Example, fnv1a};
use crate::labels::Stance;
use crate::model::calibrate::rescale;
use crate::model::{Calibration, TrainParams, train};
use crate::progress::Silent;

const ACTORS: &str = "[[actor]]\ncode = \"A\"\nname = \"Aland\"\nnames = [\"Aland\"]\n\n\
                      [[actor]]\ncode = \"B\"\nname = \"Bland\"\nnames = [\"Bland\"]\n";
const WITH_C: &str = "\n[[actor]]\ncode = \"C\"\nname = \"Cland\"\nnames = [\"Cland\"]\n";

/// A per-target model (heads `*`, `A`, `B`) trained on a few templated
/// sentences, uncalibrated (every T is 1).
fn per_target_model() -> ModelData {
    let mut data = Dataset::default();
    for i in 0..48 {
        let target = if i % 2 == 0 { "A" } else { "B" };
        let stance = Stance::ALL[(i / 2) % 3];
        let word = ["love", "hate", "saw"][(i / 2) % 3];
        let id = format!("d/u{i}");
        data.stance.push(Example {
            group: fnv1a(id.as_bytes()),
            id,
            text: format!("We {word} {target}land, says report {i}"),
            target: target.into(),
            span: None,
            stance,
            kind: None,
            probe_type: None,
            source: "labels".into(),
        });
    }
    let actors = ActorSet::from_toml(ACTORS).unwrap();
    let params = TrainParams {
        per_target: true,
        ..TrainParams::default()
    };
    let model = train(&data, &actors, ACTORS, &params, vec![], &Silent).unwrap();
    let heads: Vec<&str> = model
        .stance
        .as_ref()
        .unwrap()
        .heads
        .iter()
        .map(|(h, _)| h.as_str())
        .collect();
    assert_eq!(heads, [POOLED, "A", "B"]);
    model
}

fn calibrated(mut model: ModelData, c: Calibration) -> StanceModel {
    model.stance.as_mut().unwrap().calibration = c;
    StanceModel::from_data(model).unwrap()
}

const TEXTS: [&str; 4] = [
    "We love Aland but hate Bland and Cland",
    "Bland is what we hate",
    "We saw Aland and Cland today",
    "Nothing here",
];

fn close(want: &[f32], got: &[f32]) {
    for (x, y) in want.iter().zip(got) {
        assert!((x - y).abs() < 2e-5, "{want:?} vs {got:?}");
    }
}

#[test]
fn each_head_scores_with_its_own_temperature() {
    let data = per_target_model();
    let c = Calibration {
        temperature: 0.7,
        per_target: vec![("A".into(), 0.4), ("B".into(), 2.5)],
    };
    let with_c = || ActorSet::from_toml(&format!("{ACTORS}{WITH_C}")).unwrap();
    // T = 1: the softmax of the decision values, whose logarithm is the
    // decision values up to a shift softmax ignores.
    let raw = StanceModel::from_data(data.clone())
        .unwrap()
        .with_actors(with_c());
    let cal = calibrated(data, c.clone()).with_actors(with_c());
    let t_of = |target: &str| c.temperature_of(target);
    assert_eq!((t_of("A"), t_of("B"), t_of("C")), (0.4, 2.5, 0.7));
    let (mut s, mut p0, mut p1) = (Scratch::default(), Vec::new(), Vec::new());
    for text in TEXTS {
        // One (text, target) at a time; C has no head: the pooled one,
        // with the task-wide T.
        for target in ["A", "B", "C"] {
            raw.stance_proba(text, target, None, &mut s, &mut p0);
            cal.stance_proba(text, target, None, &mut s, &mut p1);
            close(&rescale(&[p0[0], p0[1], p0[2]], t_of(target)), &p1);
        }
        // Every actor of a unit, rows shared where they can be.
        let u0 = raw.score_unit(text, &mut s);
        let u1 = cal.score_unit(text, &mut s);
        for (((_, q0), (_, q1)), target) in u0.actors.iter().zip(&u1.actors).zip(["A", "B", "C"]) {
            close(&rescale(&[q0[0], q0[1], q0[2]], t_of(target)), q1);
        }
    }
    // The targets really differ: a sharper head and a flatter one.
    let u = cal.score_unit(TEXTS[0], &mut s);
    let top = |p: &[f32]| p.iter().copied().fold(0.0, f32::max);
    let u0 = raw.score_unit(TEXTS[0], &mut s);
    assert!(top(&u.actors[0].1) > top(&u0.actors[0].1));
    assert!(top(&u.actors[1].1) < top(&u0.actors[1].1));
}

#[test]
fn per_target_temperatures_equal_to_the_task_one_change_no_bit() {
    let data = per_target_model();
    let plain = calibrated(data.clone(), Calibration::uniform(0.6));
    let same = calibrated(
        data,
        Calibration {
            temperature: 0.6,
            per_target: vec![("A".into(), 0.6), ("B".into(), 0.6)],
        },
    );
    let (mut s, mut p0, mut p1) = (Scratch::default(), Vec::new(), Vec::new());
    let bits = |p: &[f32]| p.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
    for text in TEXTS {
        for target in ["A", "B", "Cland"] {
            plain.stance_proba(text, target, None, &mut s, &mut p0);
            same.stance_proba(text, target, None, &mut s, &mut p1);
            assert_eq!(bits(&p0), bits(&p1));
        }
        let u0 = plain.score_unit(text, &mut s);
        let u1 = same.score_unit(text, &mut s);
        for ((_, q0), (_, q1)) in u0.actors.iter().zip(&u1.actors) {
            assert_eq!(bits(q0), bits(q1));
        }
    }
}

#[test]
fn a_model_file_with_a_bad_per_target_temperature_is_refused() {
    let data = per_target_model();
    let bad = |per_target: Vec<(&str, f32)>| {
        let mut m = data.clone();
        m.stance.as_mut().unwrap().calibration = Calibration {
            temperature: 0.8,
            per_target: per_target
                .into_iter()
                .map(|(h, t)| (h.to_string(), t))
                .collect(),
        };
        let bytes = crate::model::file::encode(&m).unwrap();
        let err = StanceModel::from_bytes(&bytes, Path::new("bad.model"))
            .err()
            .expect("refused");
        let msg = err.to_string();
        assert!(msg.contains("bad.model"), "{msg}");
        msg
    };
    for t in [0.0, -1.0, f32::NAN, f32::INFINITY] {
        let msg = bad(vec![("A", 1.1), ("B", t)]);
        assert!(
            msg.contains(&format!(
                "the model's stance temperature of target \"B\" is {t}, not a positive number"
            )),
            "{msg}"
        );
    }
    for head in ["Z", POOLED] {
        let msg = bad(vec![(head, 1.0)]);
        assert!(
            msg.contains(&format!(
                "temperature for target {head:?}, which has no head"
            )),
            "{msg}"
        );
    }
    let msg = bad(vec![("A", 1.0), ("A", 2.0)]);
    assert!(msg.contains("two temperatures for target \"A\""), "{msg}");
    // The same file with good temperatures loads.
    let mut m = data;
    m.stance.as_mut().unwrap().calibration = Calibration {
        temperature: 0.8,
        per_target: vec![("A".into(), 1.1), ("B".into(), 0.3)],
    };
    let bytes = crate::model::file::encode(&m).unwrap();
    assert!(StanceModel::from_bytes(&bytes, Path::new("good.model")).is_ok());
}
