//! Training and evaluation examples, read natively from the formats users
//! have: the project's label CSVs (joined with their units), stance JSON
//! lines (`text`, `target`, `label`: SemEval / TweetEval) and NewsMTSC lines
//! (`sentence`, `mention`, `from`, `to`, `polarity`). The format is detected
//! from the fields, per file for CSV and per line for JSON lines.

pub mod load;
pub mod readers;

pub use load::{LoadRequest, Loaded, load};
pub use readers::{DataOptions, read_data};

use crate::corpus::UnitKind;
use crate::error::Rejection;
use crate::labels::{Sentiment, Stance};

/// One stance example: a text, the target it is about, and the gold stance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Example {
    /// Where it came from: `doc_id/unit_id` or the data set's own id.
    pub id: String,
    /// Examples that share a text (the six actor rows of one unit) share a
    /// group, so cross-validation never splits them.
    pub group: u64,
    pub text: String,
    /// An actor code (`PAK`) or a free target string (`Hillary Clinton`).
    pub target: String,
    /// Byte span of the target's mention when the data gives it (NewsMTSC);
    /// otherwise mentions are found with the actors file.
    pub span: Option<(usize, usize)>,
    pub stance: Stance,
    pub kind: Option<UnitKind>,
    /// The data set it came from (`labels` for label CSVs, `data` for
    /// other `--data` lines, the name given with `--source`): what source
    /// weights and domain augmentation key on.
    pub source: String,
    /// The capability a behavioural probe tests (the `type` field of a
    /// stance JSON line, e.g. `negation`), so `stance eval` can score each
    /// capability apart: one pooled number hides a model that handles plain
    /// statements but not negation. `None` for ordinary data.
    pub probe_type: Option<String>,
}

/// One unit-level sentiment example.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentimentExample {
    pub id: String,
    pub group: u64,
    pub text: String,
    pub sentiment: Sentiment,
}

/// Everything read from `--data` inputs, with what was rejected.
#[derive(Debug, Default)]
pub struct Dataset {
    pub stance: Vec<Example>,
    pub sentiment: Vec<SentimentExample>,
    pub rejected: Vec<Rejection>,
    /// Rows read (label rows, JSON lines), kept or rejected.
    pub read: usize,
    /// Label rows set aside because their corpus is not on this machine.
    pub set_aside: usize,
}

impl Dataset {
    /// Names every example's source (see [`Example::source`]).
    pub fn set_source(&mut self, name: &str) {
        for e in &mut self.stance {
            e.source.clear();
            e.source.push_str(name);
        }
    }

    /// Appends `other`'s examples, rejections and counts.
    pub fn extend(&mut self, other: Dataset) {
        self.stance.extend(other.stance);
        self.sentiment.extend(other.sentiment);
        self.rejected.extend(other.rejected);
        self.read += other.read;
        self.set_aside += other.set_aside;
    }

    /// Targets in first-seen order.
    pub fn targets(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for e in &self.stance {
            if !out.contains(&e.target) {
                out.push(e.target.clone());
            }
        }
        out
    }

    /// A digest of every example, so a model records exactly what it was
    /// trained on.
    pub fn digest(&self) -> String {
        let mut h = crate::digest::Hasher::default();
        for e in &self.stance {
            for part in [e.id.as_str(), &e.text, &e.target, e.stance.as_str()] {
                h.update(part.as_bytes());
            }
            h.update(&format!("{:?}", e.span).into_bytes());
        }
        for s in &self.sentiment {
            for part in [s.id.as_str(), &s.text, s.sentiment.as_str()] {
                h.update(part.as_bytes());
            }
        }
        h.finish()
    }
}

/// Stable 64-bit FNV-1a, for group ids and feature hashing: the same on every
/// platform and version, unlike `std`'s randomised hasher.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}
