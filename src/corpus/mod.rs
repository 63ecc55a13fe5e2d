//! The corpus: documents and the units (title, paragraphs, reader comments)
//! that everything downstream labels, scores and reports on.

pub mod columns;
mod dates;
pub mod dedup;
pub mod ingest;
mod lines;
pub mod records;
pub mod seed;

pub use dedup::Dedup;
pub use ingest::{Ingest, IngestSummary, Input};
pub use seed::{Document, parse_seed};

use serde::{Deserialize, Serialize};

/// What part of an article a unit is. Reports keep comments and the article's
/// own paragraphs apart because they answer different questions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum UnitKind {
    Title,
    Paragraph,
    Comment,
}

impl UnitKind {
    pub fn parse(s: &str) -> Option<UnitKind> {
        match s.trim().to_ascii_lowercase().as_str() {
            "title" => Some(UnitKind::Title),
            "paragraph" => Some(UnitKind::Paragraph),
            "comment" => Some(UnitKind::Comment),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            UnitKind::Title => "title",
            UnitKind::Paragraph => "paragraph",
            UnitKind::Comment => "comment",
        }
    }
}

/// One piece of text that gets a stance per actor and a sentiment. Field order
/// is the JSON-lines output order and is part of the format.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unit {
    pub doc_id: String,
    pub unit_id: String,
    pub kind: UnitKind,
    pub author: Option<String>,
    pub posted_at: Option<String>,
    pub text: String,
    /// Every other column of the input row (outlet, likes, …), kept so
    /// the scores carry them; `None` when there are none, so plain rows
    /// cost nothing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fields: Option<serde_json::Map<String, serde_json::Value>>,
}

impl Unit {
    /// The key labels and scores are joined on.
    pub fn key(&self) -> (&str, &str) {
        (&self.doc_id, &self.unit_id)
    }
}
