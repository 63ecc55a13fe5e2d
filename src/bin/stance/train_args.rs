//! Model settings shared by `train` and `eval --cv`.

use clap::{Args, ValueEnum};
use stance::linear::{ClassWeight, Loss};
use stance::model::{TrainParams, TrainSettings};

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ModelKind {
    /// Multinomial logistic regression (calibrated probabilities).
    Logistic,
    /// One-vs-rest linear SVM, squared hinge (like scikit-learn's LinearSVC).
    Svm,
}

impl ModelKind {
    /// The loss of both heads.
    pub fn loss(self) -> Loss {
        match self {
            ModelKind::Logistic => Loss::Logistic,
            ModelKind::Svm => Loss::SquaredHinge,
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Weighting {
    None,
    Balanced,
}

#[derive(Args)]
pub struct TrainArgs {
    /// One pooled stance head with target features instead of one head per
    /// target (the default: one per target, plus a pooled fallback for
    /// targets that training never saw).
    #[arg(long, conflicts_with = "per_target")]
    pub pooled: bool,
    /// One stance head per target, plus a pooled fallback (the default; the
    /// flag is kept for scripts that name it).
    #[arg(long)]
    pub per_target: bool,
    /// The defaults (SVM, C 0.1, word 1–2 + char 2–5, per target) are the
    /// best documented settings of the two public benchmarks (models/README.md).
    #[arg(long, value_enum, default_value = "svm")]
    pub model_kind: ModelKind,
    /// Inverse L2 regularisation strength of the stance heads.
    #[arg(long, default_value_t = TrainSettings::default().c)]
    pub c: f32,
    /// Inverse L2 regularisation strength of the sentiment head.
    #[arg(long, default_value_t = TrainSettings::default().sentiment_c)]
    pub sentiment_c: f32,
    /// Class weights of the stance heads.
    #[arg(long, value_enum, default_value = "balanced")]
    pub class_weight: Weighting,
    /// Longest word n-gram.
    #[arg(long, default_value_t = TrainSettings::default().word_ngrams)]
    pub word_ngrams: usize,
    /// Character n-grams of lengths MIN..=MAX within words.
    #[arg(long, value_parser = parse_range, default_value = "2-5")]
    pub char_ngrams: (usize, usize),
    /// No character n-grams (word n-grams only: smaller, faster models).
    #[arg(long)]
    pub no_char_ngrams: bool,
    /// Tokens either side of a target mention used as context (0 = off).
    #[arg(long, default_value_t = TrainSettings::default().window)]
    pub window: usize,
    /// Do not replace target / other-actor mentions by markers.
    #[arg(long)]
    pub no_mask: bool,
    /// No target-identity feature.
    #[arg(long)]
    pub no_target_identity: bool,
    /// Polarity features from the VADER lexicon around each mention (the
    /// default: they raise both benchmarks, see models/README.md; kept as
    /// a flag so older commands still run).
    #[arg(long, overrides_with = "no_lexicon")]
    pub lexicon: bool,
    /// Train without the lexicon features.
    #[arg(long, overrides_with = "lexicon")]
    pub no_lexicon: bool,
    /// Weight of the lexicon features after normalisation (1 = as the
    /// other groups; more lets them count for more).
    #[arg(long, default_value_t = TrainSettings::default().lexicon_weight)]
    pub lexicon_weight: f32,
    /// Drop features seen in fewer training texts.
    #[arg(long, default_value_t = TrainSettings::default().min_df)]
    pub min_df: u32,
    /// Weight of each example of a source in the loss, NAME=WEIGHT
    /// (repeatable; sources are `labels`, `data` or a --source NAME;
    /// unlisted sources weigh 1).
    #[arg(long = "source-weight", value_parser = parse_weight)]
    pub source_weights: Vec<(String, f32)>,
    /// Domain-adaptation feature augmentation (Daumé III 2007): a shared and
    /// a per-source copy of every feature.
    #[arg(long)]
    pub augment: bool,
    /// With --augment, the source whose copy scoring uses [default:
    /// labels]; `shared` for the shared weights alone.
    #[arg(long, default_value = "labels")]
    pub domain: String,
    /// Optimiser iterations at most.
    #[arg(long, default_value_t = TrainSettings::default().max_iter)]
    pub max_iter: usize,
}

fn parse_weight(s: &str) -> Result<(String, f32), String> {
    let (name, w) = s
        .split_once('=')
        .ok_or("expected NAME=WEIGHT, e.g. ruw=0.5")?;
    let w: f32 = w.trim().parse().map_err(|_| format!("bad weight {w:?}"))?;
    Ok((name.trim().to_string(), w))
}

fn parse_range(s: &str) -> Result<(usize, usize), String> {
    let (a, b) = s.split_once('-').ok_or("expected MIN-MAX, e.g. 2-5")?;
    let a = a.trim().parse().map_err(|_| format!("bad number {a:?}"))?;
    let b = b.trim().parse().map_err(|_| format!("bad number {b:?}"))?;
    Ok((a, b))
}

impl TrainArgs {
    /// The settings of these flags (`stance::model::TrainSettings`).
    pub fn settings(&self) -> TrainSettings {
        TrainSettings {
            loss: self.model_kind.loss(),
            c: self.c,
            sentiment_c: self.sentiment_c,
            class_weight: match self.class_weight {
                Weighting::None => ClassWeight::None,
                Weighting::Balanced => ClassWeight::Balanced,
            },
            word_ngrams: self.word_ngrams,
            char_ngrams: (!self.no_char_ngrams).then_some(self.char_ngrams),
            window: self.window,
            mask_targets: !self.no_mask,
            target_identity: !self.no_target_identity,
            lexicon: self.lexicon || !self.no_lexicon,
            lexicon_weight: self.lexicon_weight,
            min_df: self.min_df,
            per_target: !self.pooled,
            source_weights: self.source_weights.clone(),
            augment: self.augment,
            domain: (self.domain != "shared").then(|| self.domain.clone()),
            max_iter: self.max_iter,
        }
    }

    pub fn params(&self) -> TrainParams {
        self.settings().params()
    }
}
