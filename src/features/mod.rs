//! Text → sparse TF-IDF rows, target-aware.
//!
//! Stance is toward one actor, so the same comment gets a different row for
//! each target: the target's own mentions become `<t>` and other actors'
//! become `<o>` (so "Pakistan" in a PAK row and in an IND row are different
//! evidence), n-grams from a window of ±k tokens around each target mention
//! are added with their side, and how often the target is mentioned is a
//! feature of its own. Measured on NewsMTSC dev, see `models/README.md`.
//!
//! Features are 64-bit hashes of (group, n-gram) looked up in a vocabulary
//! fitted on training data with its IDF, so scoring never refits and never
//! builds n-gram strings.

mod clauses;
mod extract;
mod hashing;
mod idioms;
pub mod lexicon;
mod rows;
mod vocab;

pub use extract::{Extractor, Scratch, TargetSpans};
pub use rows::{ActorKey, ActorOut, ActorRow, RowFeaturizer, RowScratch, share_rows};
pub use vocab::{FeatureTable, Vocabulary, VocabularyData};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Feature settings, validated by [`FeatureParams::check`] before any work.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeatureParams {
    /// Longest word n-gram (1 = unigrams only).
    pub word_ngrams: usize,
    /// Character n-gram lengths within words (`None` = off).
    pub char_ngrams: Option<(usize, usize)>,
    /// Replace target and other-actor mentions by `<t>` / `<o>`.
    pub mask_targets: bool,
    /// Tokens either side of each target mention that also count as
    /// left/right context features (`0` = off).
    pub window: usize,
    /// Prefix tokens in a negation scope so "not good" ≠ "good".
    pub negation: bool,
    /// Add a feature for the target itself, so a pooled model can learn
    /// per-target priors.
    pub target_identity: bool,
    /// Minimum number of training texts a feature must occur in.
    pub min_df: u32,
    /// `1 + ln(tf)` instead of raw counts.
    pub sublinear_tf: bool,
    /// Polarity features from the VADER lexicon around each mention (and
    /// over the whole text for target-blind rows); see [`lexicon`].
    #[serde(default)]
    pub lexicon: bool,
    /// The lexicon group's weight after normalisation (1 = like every
    /// other group); see [`VocabularyData::group_weights`].
    #[serde(default = "one")]
    pub lexicon_weight: f32,
}

fn one() -> f32 {
    1.0
}

impl Default for FeatureParams {
    fn default() -> Self {
        FeatureParams {
            word_ngrams: 2,
            char_ngrams: None,
            mask_targets: true,
            window: 10,
            negation: true,
            target_identity: true,
            min_df: 1,
            sublinear_tf: true,
            lexicon: false,
            lexicon_weight: 1.0,
        }
    }
}

impl FeatureParams {
    pub fn check(&self) -> Result<()> {
        if !(1..=4).contains(&self.word_ngrams) {
            return Err(Error::Param(format!(
                "word n-gram length {} is not in 1..=4",
                self.word_ngrams
            )));
        }
        if let Some((a, b)) = self.char_ngrams
            && (a == 0 || b < a || b > 8)
        {
            return Err(Error::Param(format!(
                "character n-gram range {a}..={b} must satisfy 1 <= min <= max <= 8"
            )));
        }
        if self.window > 100 {
            return Err(Error::Param(format!(
                "window {} is over 100 tokens",
                self.window
            )));
        }
        if !(self.lexicon_weight.is_finite() && self.lexicon_weight > 0.0) {
            return Err(Error::Param(format!(
                "lexicon weight {} must be a positive finite number",
                self.lexicon_weight
            )));
        }
        if self.min_df == 0 {
            return Err(Error::Param("min_df must be at least 1".into()));
        }
        Ok(())
    }
}

/// Feature groups: each is L2-normalised on its own, like the vectorizers of
/// a scikit-learn FeatureUnion, so one group's length does not drown another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[repr(u8)]
pub enum Group {
    Word = 0,
    Char = 1,
    Context = 2,
    Lexicon = 3,
}

impl Group {
    pub const COUNT: usize = 4;

    pub fn from_u8(g: u8) -> Group {
        match g {
            0 => Group::Word,
            1 => Group::Char,
            2 => Group::Context,
            _ => Group::Lexicon,
        }
    }
}
