//! Small inputs shared by the label modules' unit tests.

use super::{LabelRow, Sentiment, Stance};
use crate::actors::ActorSet;
use crate::corpus::{Unit, UnitKind};
use crate::error::Location;

/// Two actors, `A` (Aland) and `B` (Bland).
pub(crate) fn two_actors() -> ActorSet {
    ActorSet::from_toml(
        "[[actor]]\ncode=\"A\"\nname=\"a\"\nnames=[\"Aland\"]\n[[actor]]\ncode=\"B\"\nname=\"b\"\nnames=[\"Bland\"]\n",
    )
    .unwrap()
}

/// A unit with text "t".
pub(crate) fn unit(doc: &str, id: &str, kind: UnitKind) -> Unit {
    Unit {
        doc_id: doc.into(),
        unit_id: id.into(),
        kind,
        author: None,
        posted_at: None,
        fields: None,
        text: "t".into(),
    }
}

/// A label row read from `file:line`.
pub(crate) fn label(
    (file, line): (&str, u64),
    (doc, unit): (&str, &str),
    actor: &str,
    stance: Stance,
    sentiment: Sentiment,
) -> LabelRow {
    LabelRow {
        at: Location::new(file, Some(line)),
        doc_id: doc.into(),
        unit_id: unit.into(),
        actor: actor.into(),
        stance,
        sentiment,
    }
}
