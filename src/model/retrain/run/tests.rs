use std::path::PathBuf;

use super::*;
use crate::commit::Quiet;
use crate::corpus::UnitKind;
use crate::progress::Silent;

const HEADER: &str = "doc_id,unit_id,actor,stance,sentiment\n";

/// A unit of document `d` and its two label rows (PAK and RUS).
struct Labelled {
    id: &'static str,
    kind: UnitKind,
    text: &'static str,
    pak: &'static str,
    rus: &'static str,
    sentiment: &'static str,
}

const UNITS: [Labelled; 8] = [
    Labelled {
        id: "p1",
        kind: UnitKind::Paragraph,
        text: "Pakistan is a true friend and Russia lies.",
        pak: "pro",
        rus: "anti",
        sentiment: "neutral",
    },
    Labelled {
        id: "p2",
        kind: UnitKind::Paragraph,
        text: "We trust Russia, never Pakistan.",
        pak: "anti",
        rus: "pro",
        sentiment: "negative",
    },
    Labelled {
        id: "p3",
        kind: UnitKind::Paragraph,
        text: "The weather in Lahore was mild.",
        pak: "none",
        rus: "none",
        sentiment: "neutral",
    },
    Labelled {
        id: "p4",
        kind: UnitKind::Paragraph,
        text: "Pakistan helped us, thank you Pakistan.",
        pak: "pro",
        rus: "none",
        sentiment: "positive",
    },
    Labelled {
        id: "c1",
        kind: UnitKind::Comment,
        text: "Russia is a great partner.",
        pak: "none",
        rus: "pro",
        sentiment: "positive",
    },
    Labelled {
        id: "c2",
        kind: UnitKind::Comment,
        text: "Pakistan cannot be trusted.",
        pak: "anti",
        rus: "none",
        sentiment: "negative",
    },
    Labelled {
        id: "c3",
        kind: UnitKind::Comment,
        text: "Shame on Russia and its lies.",
        pak: "none",
        rus: "anti",
        sentiment: "negative",
    },
    Labelled {
        id: "p5",
        kind: UnitKind::Paragraph,
        text: "Good news for Pakistan today.",
        pak: "pro",
        rus: "none",
        sentiment: "positive",
    },
];

fn unit(l: &Labelled) -> Unit {
    Unit {
        doc_id: "d".into(),
        unit_id: l.id.into(),
        kind: l.kind,
        author: None,
        posted_at: None,
        text: l.text.into(),
        fields: None,
    }
}

fn rows(l: &Labelled) -> String {
    format!(
        "d,{id},PAK,{},{s}\nd,{id},RUS,{},{s}\n",
        l.pak,
        l.rus,
        id = l.id,
        s = l.sentiment
    )
}

struct Project {
    _dir: tempfile::TempDir,
    root: PathBuf,
    actors: ActorSet,
    units: Vec<Unit>,
}

impl Project {
    /// A label store of the first `n` units.
    fn new(n: usize) -> Project {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().to_path_buf();
        std::fs::create_dir(root.join("labels")).unwrap();
        let p = Project {
            _dir: dir,
            root,
            actors: ActorSet::embedded(),
            units: UNITS.iter().map(unit).collect(),
        };
        p.label(n);
        p
    }

    fn label(&self, n: usize) {
        let text: String = UNITS[..n].iter().map(rows).collect();
        std::fs::write(self.root.join("labels/d.csv"), format!("{HEADER}{text}")).unwrap();
    }

    fn run(&self, name: &str) -> std::result::Result<Outcome, Stopped> {
        let (models, labels) = (self.root.join("models"), self.root.join("labels"));
        let req = Request {
            models: &models,
            labels: &labels,
            actors: &self.actors,
            actors_toml: crate::actors::EMBEDDED_TOML,
            units: &self.units,
            corpus_absent: false,
            splits: &SplitRule::ByKind,
            root: &self.root,
            name: Some(name.into()),
            loss: None,
            c: None,
            force: None,
        };
        run(&req, &Quiet, &Silent)
    }

    fn kept(&self) -> Vec<String> {
        let r = Registry::load(&self.root.join("models")).unwrap();
        r.models.into_iter().map(|e| e.name).collect()
    }
}

#[test]
fn a_first_run_promotes_a_rerun_without_new_labels_keeps_nothing() {
    let p = Project::new(7);
    let first = p.run("first").unwrap();
    assert_eq!(first.adopted, None);
    assert_eq!(
        (first.changes.clone(), first.comparison.clone()),
        (None, None)
    );
    assert_eq!(
        first.decision,
        Some(Decision {
            promote: true,
            note: "no default model yet".into()
        })
    );
    assert_eq!(first.kept.as_deref(), Some("first"));
    let pool = first.pool.unwrap();
    assert_eq!(pool.held, "50% of comments");
    assert_eq!(pool.train_stance + pool.holdout_stance, 14);
    assert!(first.rejected.is_empty() && first.train_seconds.is_some());
    assert!(p.root.join("models/default.model").is_file());
    assert_eq!(p.kept(), ["first"]);

    let again = p.run("second").unwrap();
    assert_eq!(again.changes, Some(Changes::Known(Vec::new())));
    assert!(again.up_to_date);
    assert_eq!((again.train_seconds, again.kept), (None, None));
    assert_eq!(p.kept(), ["first"]);

    // One more unit labelled: two new labels, compared with the default.
    p.label(8);
    let third = p.run("third").unwrap();
    let Some(Changes::Known(new)) = &third.changes else {
        panic!("{:?}", third.changes);
    };
    let new: Vec<(&str, &str, usize)> = new
        .iter()
        .map(|n| (n.actor.as_str(), n.kind.as_str(), n.labels))
        .collect();
    assert_eq!(new, [("PAK", "paragraph", 1), ("RUS", "paragraph", 1)]);
    let comparison = third
        .comparison
        .as_ref()
        .expect("a default to compare with");
    let decision = third.decision.as_ref().unwrap();
    assert_eq!(decision.promote, comparison.promote);
    assert_eq!(decision.note, comparison.reason);
    assert_eq!(third.kept.as_deref(), Some("third"));
    assert_eq!(p.kept(), ["first", "third"]);
    assert!(comparison.render().contains("decision (macro_f1): "));
}

#[test]
fn a_stopped_run_returns_what_it_found_and_commits_nothing() {
    let p = Project::new(7);
    p.run("first").unwrap();
    // Something new to train on, but the name is taken: stopped at
    // keeping, after the comparison.
    p.label(8);
    let stopped = p.run("first").unwrap_err();
    assert!(
        stopped.error.to_string().contains("already kept"),
        "{}",
        stopped.error
    );
    assert!(stopped.so_far.decision.is_some());
    assert!(stopped.so_far.kept.is_none());
    assert_eq!(p.kept(), ["first"]);
}

#[test]
fn an_untracked_default_is_adopted_and_rejected_rows_outlive_no_data() {
    let p = Project::new(0);
    std::fs::write(
        p.root.join("labels/d.csv"),
        format!("{HEADER}d,p1,XXX,pro,neutral\n"),
    )
    .unwrap();
    let models = p.root.join("models");
    std::fs::create_dir(&models).unwrap();
    std::fs::write(models.join(DEFAULT_FILE), crate::model::embedded::BYTES).unwrap();
    let stopped = p.run("x").unwrap_err();
    assert!(
        matches!(stopped.error, Error::NoData(_)),
        "{}",
        stopped.error
    );
    let so_far = stopped.so_far;
    assert!(
        so_far
            .adopted
            .as_deref()
            .is_some_and(|n| n.starts_with("adopted-"))
    );
    assert_eq!(so_far.rejected.len(), 1, "{:?}", so_far.rejected);
    assert_eq!(so_far.rejected[0].at.line, Some(2));
    // Staged only: the adoption is committed with a run that finishes.
    assert!(p.kept().is_empty());

    p.label(8);
    let done = p.run("x").unwrap();
    assert_eq!(done.adopted, so_far.adopted);
    assert_eq!(p.kept().len(), 2);
}

#[test]
fn forcing_promotes_a_worse_candidate_and_records_why() {
    let c = Comparison {
        metric: crate::model::registry::Metric::MacroF1,
        holdout: None,
        cv: None,
        promote: false,
        reason: "candidate worse".into(),
    };
    assert!(!Decision::of(Some(&c), None).promote);
    let forced = Decision::of(Some(&c), Some("new actor"));
    assert!(forced.promote);
    assert_eq!(forced.note, "forced: new actor (over: candidate worse)");
    assert_eq!(Decision::of(None, Some("x")).note, "no default model yet");
}
