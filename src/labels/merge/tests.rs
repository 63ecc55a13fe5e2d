use super::*;
use crate::corpus::UnitKind;

use crate::labels::fixtures::{two_actors as actors, unit};

fn units() -> Vec<Unit> {
    vec![
        unit("d", "title", UnitKind::Title),
        unit("d", "p1", UnitKind::Paragraph),
        unit("d", "p2", UnitKind::Paragraph),
        unit("d", "c1", UnitKind::Comment),
        unit("e", "p1", UnitKind::Paragraph),
    ]
}

const STORE: &str = "doc_id,unit_id,actor,stance,sentiment,note\n\
    d,p1,A,pro,neutral,\"kept, quoted\"\n\
    d,p1,B,none,neutral,\n\
    d,c1,A,anti,negative,\n";

struct Fixture {
    dir: tempfile::TempDir,
}

impl Fixture {
    fn new() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("store")).unwrap();
        std::fs::write(dir.path().join("store/d.csv"), STORE).unwrap();
        Fixture { dir }
    }

    /// Writes `plan` under the store's lock, as `stance labels add` does.
    fn write(&self, plan: &MergePlan) -> Result<()> {
        let store = self.dir.path().join("store");
        let lock = DirLock::acquire(&store, crate::commit::Wait::Fail, || {}).unwrap();
        plan.write(&lock)
    }

    fn input(&self, name: &str, text: &str) -> PathBuf {
        let p = self.dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    fn plan(&self, inputs: &[PathBuf], prefer: Option<Prefer>) -> MergePlan {
        plan_merge(
            &self.dir.path().join("store"),
            inputs,
            &units(),
            &actors(),
            prefer,
        )
        .unwrap()
    }

    fn store(&self, name: &str) -> String {
        std::fs::read_to_string(self.dir.path().join("store").join(name)).unwrap()
    }
}

fn messages(f: &Fixture, plan: &MergePlan) -> Vec<String> {
    // Paths are in a temp dir: show them relative to it.
    let dir = format!("{}/", f.dir.path().display());
    plan.problems
        .iter()
        .map(|p| p.to_string().replace(&dir, ""))
        .collect()
}

#[test]
fn new_rows_are_added_in_document_and_actor_order() {
    let f = Fixture::new();
    let new = f.input(
        "new.csv",
        "doc_id,unit_id,actor,stance,sentiment,note\n\
         d,c1,B,none,negative,\n\
         d,p2,B,Anti,positive,\"why, because\"\n\
         d,p2,A,favor,positive,\n\
         d,p1,A,pro,neutral,other note\n\
         d,p1,B,,,\n",
    );
    let plan = f.plan(&[new], None);
    assert!(plan.is_ok(), "{:?}", plan.problems);
    let c = &plan.counts;
    assert_eq!(
        (c.read, c.added, c.unchanged, c.unfilled, c.rejected),
        (5, 3, 1, 1, 0)
    );
    assert_eq!(
        c.to_string(),
        "read 5 rows: added 3, unchanged 1, replaced 0, kept-old 0, rejected 0, unfilled 1"
    );
    assert_eq!(plan.changes.len(), 1);
    assert_eq!((plan.changes[0].added, plan.changes[0].created), (3, false));
    f.write(&plan).unwrap();
    assert_eq!(
        f.store("d.csv"),
        "doc_id,unit_id,actor,stance,sentiment,note\n\
         d,p1,A,pro,neutral,\"kept, quoted\"\n\
         d,p1,B,none,neutral,\n\
         d,p2,A,pro,positive,\n\
         d,p2,B,anti,positive,\"why, because\"\n\
         d,c1,A,anti,negative,\n\
         d,c1,B,none,negative,\n"
    );
    // Merging the same rows again changes nothing.
    let again = f.plan(&[f.dir.path().join("new.csv")], None);
    assert_eq!((again.counts.added, again.counts.unchanged), (0, 4));
    assert!(again.changes.is_empty());
}

#[test]
fn a_new_document_gets_its_own_file_with_the_store_columns_only() {
    let f = Fixture::new();
    let new = f.input(
        "new.csv",
        "doc_id,unit_id,actor,stance,sentiment,author\ne,p1,B,pro,positive,me\ne,p1,A,none,positive,\n",
    );
    let plan = f.plan(&[new], None);
    assert!(plan.is_ok(), "{:?}", plan.problems);
    assert_eq!(plan.changes.len(), 1);
    assert!(plan.changes[0].created);
    assert!(plan.changes[0].path.ends_with("store/e.csv"));
    f.write(&plan).unwrap();
    assert_eq!(
        f.store("e.csv"),
        "doc_id,unit_id,actor,stance,sentiment,note\ne,p1,A,none,positive,\ne,p1,B,pro,positive,\n"
    );
    assert_eq!(plan.notes.len(), 1);
    assert!(plan.notes[0].ends_with(
        "new.csv: column(s) `author` are not in the label files they went to; not merged"
    ));
    assert_eq!(f.store("d.csv"), STORE);
}

#[test]
fn bad_rows_are_listed_with_file_and_line_and_nothing_is_planned() {
    let f = Fixture::new();
    let new = f.input(
        "new.csv",
        "doc_id,unit_id,actor,stance,sentiment\n\
         d,p2,A,pro,neutral\n\
         d,p2,Z,pro,neutral\n\
         d,p9,A,pro,neutral\n\
         d,p2,B,maybe,neutral\n\
         d,p2,B,pro,sad\n\
         d,p2,A,pro,neutral\n\
         d,p2,B,,neutral\n\
         d,c1,B,none,positive\n\
         d,p2,B,none,positive\n",
    );
    let plan = f.plan(&[new], None);
    let msgs = messages(&f, &plan);
    assert_eq!(msgs.len(), 8, "{msgs:#?}");
    for (m, want) in msgs.iter().zip([
        "new.csv:3: unknown actor \"Z\"",
        "new.csv:4: unit d p9 is not in the corpus",
        "new.csv:5: unknown stance \"maybe\"",
        "new.csv:6: unknown sentiment \"sad\"",
        "new.csv:7: d p2 A labelled twice (also at ",
        "new.csv:8: empty `stance`",
        "new.csv:9: d c1: sentiment positive here but negative in the label store at ",
        "new.csv:10: d p2 has sentiment positive here but neutral at ",
    ]) {
        assert!(m.starts_with(want), "{m:?} does not start with {want:?}");
    }
    assert!(msgs[6].ends_with("store/d.csv:4 (use --prefer new or --prefer old)"));
    assert_eq!(plan.counts.rejected, 8);
    assert!(plan.changes.is_empty());
    assert!(f.write(&plan).is_err());
    assert_eq!(f.store("d.csv"), STORE);
}

#[test]
fn conflicts_need_a_preference() {
    let f = Fixture::new();
    let text = "doc_id,unit_id,actor,stance,sentiment,note\n\
         d,p1,A,anti,positive,changed my mind\n\
         d,p1,B,none,positive,\n";
    let new = f.input("new.csv", text);
    let plan = f.plan(std::slice::from_ref(&new), None);
    let msgs = messages(&f, &plan);
    assert_eq!(msgs.len(), 2, "{msgs:#?}");
    assert_eq!(
        msgs[0],
        "new.csv:2: d p1 A: stance anti here but pro in the label store at store/d.csv:2; \
         d p1: sentiment positive here but neutral in the label store at store/d.csv:2 \
         (use --prefer new or --prefer old)"
    );
    assert!(msgs[1].starts_with("new.csv:3: d p1: sentiment positive here but neutral"));
    assert_eq!((plan.counts.conflicts, plan.counts.rejected), (2, 2));

    let old = f.plan(std::slice::from_ref(&new), Some(Prefer::Old));
    assert!(old.is_ok());
    assert_eq!(old.counts.kept_old, 2);
    assert!(old.changes.is_empty());

    let plan = f.plan(&[new], Some(Prefer::New));
    assert!(plan.is_ok());
    assert_eq!(plan.counts.replaced, 2);
    // Both stored rows of p1 were replaced: no other row to update.
    assert_eq!(plan.counts.sentiment_updated, 0);
    f.write(&plan).unwrap();
    assert_eq!(
        f.store("d.csv"),
        "doc_id,unit_id,actor,stance,sentiment,note\n\
         d,p1,A,anti,positive,changed my mind\n\
         d,p1,B,none,positive,\n\
         d,c1,A,anti,negative,\n"
    );
}

#[test]
fn a_preferred_sentiment_is_set_on_every_row_of_the_unit() {
    let f = Fixture::new();
    let new = f.input(
        "new.csv",
        "doc_id,unit_id,actor,stance,sentiment\nd,p1,B,none,negative\n",
    );
    let plan = f.plan(&[new], Some(Prefer::New));
    assert_eq!(
        (plan.counts.replaced, plan.counts.sentiment_updated),
        (1, 1)
    );
    f.write(&plan).unwrap();
    // The note of the untouched actor's row survives; the input had none.
    assert!(
        f.store("d.csv")
            .contains("d,p1,A,pro,negative,\"kept, quoted\"\nd,p1,B,none,negative,\n")
    );
}

#[test]
fn a_broken_store_is_not_merged_into() {
    let f = Fixture::new();
    std::fs::write(
        f.dir.path().join("store/d.csv"),
        format!("{STORE}d,p1,A,anti,neutral,\n"),
    )
    .unwrap();
    let new = f.input(
        "new.csv",
        "doc_id,unit_id,actor,stance,sentiment\nd,p2,A,pro,neutral\n",
    );
    let plan = f.plan(&[new], None);
    let msgs = messages(&f, &plan);
    assert_eq!(msgs.len(), 1);
    assert!(msgs[0].starts_with("store/d.csv:5: label store: d p1 A labelled anti here and pro"));
}

#[test]
fn dropped_columns_are_noted() {
    let f = Fixture::new();
    let new = f.input(
        "new.csv",
        "doc_id,unit_id,actor,stance,sentiment,who\nd,p2,A,pro,neutral,me\n",
    );
    let plan = f.plan(&[new], None);
    assert_eq!(plan.notes.len(), 1);
    assert!(plan.notes[0].contains("column(s) `who` are not"));
}
