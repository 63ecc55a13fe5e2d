//! The training settings as `stance train` takes them (its flags), with
//! its defaults, and the [`TrainParams`] they make: the CLI's flags and
//! the Python package's `stance.train` keywords both fill a
//! [`TrainSettings`], so both train the same model from the same data.

use crate::features::FeatureParams;
use crate::linear::{ClassWeight, LinearParams, Loss};
use crate::model::TrainParams;
use crate::model::sources::SourceParams;

/// The settings of `stance train`; [`Default`] is `stance train` without
/// flags (SVM, C 0.1, word 1–2 + char 2–5 n-grams, one head per target,
/// lexicon features on: the best documented settings of the two public
/// benchmarks, models/README.md).
#[derive(Debug, Clone, PartialEq)]
pub struct TrainSettings {
    /// The loss of both heads: squared hinge (SVM) or logistic.
    pub loss: Loss,
    /// Inverse L2 regularisation strength of the stance heads.
    pub c: f32,
    /// Inverse L2 regularisation strength of the sentiment head.
    pub sentiment_c: f32,
    /// Class weights of both heads.
    pub class_weight: ClassWeight,
    /// Longest word n-gram.
    pub word_ngrams: usize,
    /// Character n-grams of lengths MIN..=MAX within words; `None`: none.
    pub char_ngrams: Option<(usize, usize)>,
    /// Tokens either side of a target mention used as context (0 = off).
    pub window: usize,
    /// Replace target / other-actor mentions by markers.
    pub mask_targets: bool,
    /// The target-identity feature.
    pub target_identity: bool,
    /// VADER polarity features around each mention.
    pub lexicon: bool,
    /// Weight of the lexicon features after normalisation.
    pub lexicon_weight: f32,
    /// Drop features seen in fewer training texts.
    pub min_df: u32,
    /// One stance head per target (plus a pooled fallback); `false`: one
    /// pooled head with target features.
    pub per_target: bool,
    /// Weight of each example of a source in the loss.
    pub source_weights: Vec<(String, f32)>,
    /// Domain-adaptation feature augmentation.
    pub augment: bool,
    /// With `augment`, the source whose copy scoring uses; `None`: the
    /// shared weights alone.
    pub domain: Option<String>,
    /// Optimiser iterations at most.
    pub max_iter: usize,
}

impl Default for TrainSettings {
    fn default() -> Self {
        TrainSettings {
            loss: Loss::SquaredHinge,
            c: 0.1,
            sentiment_c: 1.0,
            class_weight: ClassWeight::Balanced,
            word_ngrams: 2,
            char_ngrams: Some((2, 5)),
            window: 10,
            mask_targets: true,
            target_identity: true,
            lexicon: true,
            lexicon_weight: 1.0,
            min_df: 1,
            per_target: true,
            source_weights: Vec::new(),
            augment: false,
            domain: Some("labels".into()),
            max_iter: 200,
        }
    }
}

impl TrainSettings {
    /// The training parameters these settings make.
    pub fn params(&self) -> TrainParams {
        let head = |c: f32| LinearParams {
            loss: self.loss,
            c,
            class_weight: self.class_weight,
            max_iter: self.max_iter,
            ..LinearParams::default()
        };
        TrainParams {
            features: FeatureParams {
                word_ngrams: self.word_ngrams,
                char_ngrams: self.char_ngrams,
                window: self.window,
                mask_targets: self.mask_targets,
                target_identity: self.target_identity,
                min_df: self.min_df,
                lexicon: self.lexicon,
                lexicon_weight: self.lexicon_weight,
                ..FeatureParams::default()
            },
            tokenizer: Default::default(),
            stance: head(self.c),
            sentiment: head(self.sentiment_c),
            per_target: self.per_target,
            sources: SourceParams {
                weights: self.source_weights.clone(),
                augment: self.augment,
                domain: self.domain.clone(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_are_the_documented_best_settings() {
        let p = TrainSettings::default().params();
        assert_eq!(p.stance.loss, Loss::SquaredHinge);
        assert_eq!(p.stance.c, 0.1);
        assert_eq!(p.sentiment.c, 1.0);
        assert_eq!(p.features.word_ngrams, 2);
        assert_eq!(p.features.char_ngrams, Some((2, 5)));
        assert!(p.features.lexicon && p.per_target);
        assert_eq!(p.sources.domain.as_deref(), Some("labels"));
        p.check().unwrap();
    }
}
