//! Training: examples → feature keys → vocabulary → sparse rows → heads.
//! Deterministic: keys are computed in parallel but collected in input
//! order, the vocabulary is sorted, and the optimiser's reductions do not
//! depend on the thread count.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::predict::target_spans;
use super::sources::{SourceParams, augment, fold, index_sources};
use super::{ModelData, ModelMeta, POOLED, TaskModel};
use crate::actors::ActorSet;
use crate::dataset::Dataset;
use crate::error::{Error, Result};
use crate::features::{Extractor, FeatureParams, Group, Scratch, Vocabulary};
use crate::labels::{Sentiment, Stance};
use crate::linear::{LinearModel, LinearParams};
use crate::progress::Progress;
use crate::sparse::{CsrMatrix, SparseRow};
use crate::text::TokenizerConfig;

/// Everything that decides what a training run produces.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TrainParams {
    pub features: FeatureParams,
    pub tokenizer: TokenizerConfig,
    pub stance: LinearParams,
    pub sentiment: LinearParams,
    /// One head per target (plus a pooled fallback) instead of one pooled
    /// head for all targets.
    pub per_target: bool,
    /// How examples of several data sets are weighted and kept apart.
    #[serde(default)]
    pub sources: SourceParams,
}

impl TrainParams {
    /// Default features with `head` for both tasks; `loss` `Logistic` or
    /// `SquaredHinge` at inverse strength `c`, balanced classes (the
    /// settings the CLI's `--model-kind K --c C` give).
    pub fn linear(loss: crate::linear::Loss, c: f32) -> TrainParams {
        let head = LinearParams {
            loss,
            c,
            class_weight: crate::linear::ClassWeight::Balanced,
            ..LinearParams::default()
        };
        TrainParams {
            stance: head.clone(),
            sentiment: head,
            ..TrainParams::default()
        }
    }

    pub fn check(&self) -> Result<()> {
        self.features.check()?;
        self.sources.check()?;
        self.stance.check()?;
        self.sentiment.check()
    }
}

pub const STANCE_LABELS: [Stance; 3] = Stance::ALL;
pub const SENTIMENT_LABELS: [Sentiment; 3] = Sentiment::ALL;

pub fn stance_index(s: Stance) -> usize {
    STANCE_LABELS
        .iter()
        .position(|x| *x == s)
        .expect("all stances listed")
}

pub fn sentiment_index(s: Sentiment) -> usize {
    SENTIMENT_LABELS
        .iter()
        .position(|x| *x == s)
        .expect("all sentiments listed")
}

/// Feature keys of every stance example, in order.
pub fn stance_keys(
    extractor: &Extractor,
    actors: &ActorSet,
    data: &Dataset,
) -> Vec<Vec<(u64, Group)>> {
    data.stance
        .par_iter()
        .map_init(Scratch::default, |s, e| {
            let mentions = actors.mentions(&e.text);
            let spans = target_spans(&e.text, actors, &mentions, &e.target, e.span);
            let mut out = Vec::new();
            extractor.keys(&e.text, Some(&spans), s, &mut out);
            out
        })
        .collect()
}

pub fn sentiment_keys(extractor: &Extractor, data: &Dataset) -> Vec<Vec<(u64, Group)>> {
    data.sentiment
        .par_iter()
        .map_init(Scratch::default, |s, e| {
            let mut out = Vec::new();
            extractor.keys(&e.text, None, s, &mut out);
            out
        })
        .collect()
}

/// Fits a vocabulary on `keys` and turns them into rows.
pub fn vectorize(keys: &[Vec<(u64, Group)>], params: &FeatureParams) -> (Vocabulary, CsrMatrix) {
    let mut vocab = Vocabulary::fit(
        keys.iter().map(|k| k.as_slice()),
        params.min_df,
        params.sublinear_tf,
    );
    vocab.set_group_weight(Group::Lexicon, params.lexicon_weight);
    let rows: Vec<SparseRow> = keys
        .par_iter()
        .map_init(Vec::new, |idx, k| {
            let mut row = SparseRow::default();
            vocab.transform(k, idx, &mut row);
            row
        })
        .collect();
    (vocab.clone(), CsrMatrix::from_rows(vocab.len(), &rows))
}

/// Trains the stance and sentiment models on `data`.
pub fn train(
    data: &Dataset,
    actors: &ActorSet,
    actors_toml: &str,
    params: &TrainParams,
    data_files: Vec<String>,
    progress: &dyn Progress,
) -> Result<ModelData> {
    params.check()?;
    if data.stance.is_empty() && data.sentiment.is_empty() {
        return Err(Error::NoData("the training data has no examples".into()));
    }
    let extractor = Extractor::new(params.features.clone(), params.tokenizer.clone());
    let targets = data.targets();
    let mut stance_counts: Vec<(String, [usize; 3])> =
        targets.iter().map(|t| (t.clone(), [0; 3])).collect();
    for e in &data.stance {
        let i = targets.iter().position(|t| *t == e.target).expect("listed");
        stance_counts[i].1[stance_index(e.stance)] += 1;
    }
    let mut sentiment_counts = [0usize; 3];
    for e in &data.sentiment {
        sentiment_counts[sentiment_index(e.sentiment)] += 1;
    }

    let heads_total = if params.per_target {
        targets.len() as u64 + 1
    } else {
        1
    };
    let stance = if data.stance.is_empty() {
        None
    } else {
        progress.stage("featurizing stance examples", 0);
        let keys = stance_keys(&extractor, actors, data);
        let (vocab, x) = vectorize(&keys, &params.features);
        drop(keys);
        let y: Vec<usize> = data.stance.iter().map(|e| stance_index(e.stance)).collect();
        let fit = StanceFit::new(params, data, x.n_cols());
        progress.stage("training stance heads", heads_total);
        let all: Vec<usize> = (0..y.len()).collect();
        let pooled = fit.fit(&x, &y, &all, POOLED, progress)?;
        let mut heads = vec![(POOLED.to_string(), pooled)];
        progress.advance(1);
        if params.per_target {
            for t in &targets {
                let rows: Vec<usize> = (0..y.len())
                    .filter(|&i| data.stance[i].target == *t)
                    .collect();
                let ys: Vec<usize> = rows.iter().map(|&i| y[i]).collect();
                let head = fit.fit(&x.select(&rows), &ys, &rows, t, progress)?;
                heads.push((t.clone(), head));
                progress.advance(1);
            }
        }
        Some(task(Stance::NAMES, vocab, heads))
    };
    let sentiment = if data.sentiment.is_empty() {
        None
    } else {
        progress.stage("training sentiment head", 1);
        let keys = sentiment_keys(&extractor, data);
        let (vocab, x) = vectorize(&keys, &params.features);
        let y: Vec<usize> = data
            .sentiment
            .iter()
            .map(|e| sentiment_index(e.sentiment))
            .collect();
        let p = &params.sentiment;
        let head = p.fit_observed(&x, &y, 3, None, &mut observer("sentiment", p, progress))?;
        progress.advance(1);
        Some(task(
            Sentiment::NAMES,
            vocab,
            vec![(POOLED.to_string(), head)],
        ))
    };
    progress.finish();
    let mut meta = ModelMeta {
        stance_version: env!("CARGO_PKG_VERSION").to_string(),
        actors_digest: actors.digest().to_string(),
        params: params.clone(),
        data_files,
        data_digest: data.digest(),
        n_stance: data.stance.len(),
        n_sentiment: data.sentiment.len(),
        stance_counts,
        sentiment_counts,
        metrics_json: None,
        out_of_fold: None,
        tuning_json: None,
    };
    // Which units it learned from, so no evaluation reuses them unsaid.
    super::provenance::TrainedOn::of(data).record(&mut meta);
    Ok(ModelData {
        meta,
        actors_toml: actors_toml.to_string(),
        tokenizer: params.tokenizer.clone(),
        features: params.features.clone(),
        stance,
        sentiment,
    })
}

/// Fits stance heads with the sources' weights and, when asked, domain
/// augmentation folded back to the scoring domain (see [`super::sources`]).
struct StanceFit<'a> {
    params: &'a TrainParams,
    weights: Option<Vec<f32>>,
    n_sources: usize,
    source_of: Vec<usize>,
    domain: Option<usize>,
    n_cols: usize,
}

impl<'a> StanceFit<'a> {
    fn new(params: &'a TrainParams, data: &Dataset, n_cols: usize) -> StanceFit<'a> {
        let sources = || data.stance.iter().map(|e| e.source.as_str());
        let (names, source_of) = index_sources(sources());
        let domain = params
            .sources
            .domain
            .as_ref()
            .and_then(|d| names.iter().position(|n| n == d));
        StanceFit {
            params,
            weights: params.sources.example_weights(sources()),
            n_sources: names.len(),
            source_of,
            domain,
            n_cols,
        }
    }

    /// Fits the head `name` on rows `x` of the examples `rows` (indices
    /// into the data), telling `progress` its iterations.
    fn fit(
        &self,
        x: &CsrMatrix,
        y: &[usize],
        rows: &[usize],
        name: &str,
        progress: &dyn Progress,
    ) -> Result<LinearModel> {
        let w: Option<Vec<f32>> = self
            .weights
            .as_ref()
            .map(|w| rows.iter().map(|&i| w[i]).collect());
        let p = &self.params.stance;
        let mut observe = observer(name, p, progress);
        if !self.params.sources.augment {
            return p.fit_observed(x, y, 3, w.as_deref(), &mut observe);
        }
        let src: Vec<usize> = rows.iter().map(|&i| self.source_of[i]).collect();
        let a = augment(x, &src, self.n_sources);
        let m = p.fit_observed(&a, y, 3, w.as_deref(), &mut observe)?;
        Ok(fold(&m, self.n_cols, self.n_sources, self.domain))
    }
}

/// Tells `progress` the optimiser's iterations of head `name`, e.g.
/// `head IND: iteration 12 of at most 200, objective 431.207`.
fn observer<'a>(
    name: &'a str,
    params: &'a LinearParams,
    progress: &'a dyn Progress,
) -> impl FnMut(usize, f64) + 'a {
    move |i, f| {
        progress.step(format_args!(
            "head {name}: iteration {i} of at most {}, objective {f:.3}",
            params.max_iter
        ));
    }
}

fn task(labels: [&str; 3], vocab: Vocabulary, heads: Vec<(String, LinearModel)>) -> TaskModel {
    TaskModel {
        labels: labels.iter().map(|s| s.to_string()).collect(),
        vocab: vocab.data().clone(),
        heads,
        calibration: Default::default(),
    }
}
