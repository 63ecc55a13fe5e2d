//! Per-article stance distributions: for each article, separately for its
//! reader comments and its own paragraphs, how units split pro / anti / none
//! toward each actor (with 95% intervals), the net stance, the sentiment
//! split, and the strongest pro and anti units. Predicted shares are
//! estimated by a quantification method ([`quantify`], applied by
//! [`estimate_shares`]) that can correct for the classifier's errors.
//!
//! An article's headline is kept out of both parts and reported on its own
//! ([`ArticleReport::headline`]): the labelling guide leaves titles
//! unlabelled, so counting the title with the predicted paragraphs made the
//! predicted and the labelled paragraphs count different units.

mod assemble;
pub mod card;
pub mod context;
pub mod counts;
pub mod group;
mod html;
pub mod make;
pub mod quantify;
mod render;
pub mod scores;
mod shares;
pub mod visible;

pub use assemble::{ActorCounts, build, sentiment_stats, strength};
pub use card::ModelCard;
pub use context::{CONTEXT_CHARS, centre_quotes};
pub use html::{Page, render_html, render_page};
pub use make::{Estimate, Format, make_reports, render};
pub use render::{render_csv, render_table};
pub use scores::{Scores, read_scores};
pub use shares::{
    MeasuredError, ModelShares, ShareMethod, ShareOptions, count_shares, describe, estimate_shares,
    measured_error, model_pairs,
};

use serde::{Deserialize, Serialize};

use crate::labels::Stance;
use quantify::{Method, RatesScope};

/// 97.5% quantile of the standard normal: the z of every 95% interval here.
const Z95: f64 = 1.959_963_984_540_054;

/// Wilson score interval for k successes in n at 95%: sound for the small
/// counts and extreme shares of a comment section, where the normal
/// approximation gives intervals outside [0, 1].
pub fn wilson(k: usize, n: usize) -> [f64; 2] {
    if n == 0 {
        return [0.0, 0.0];
    }
    let z = Z95;
    let (k, n) = (k as f64, n as f64);
    let p = k / n;
    let denom = 1.0 + z * z / n;
    let centre = (p + z * z / (2.0 * n)) / denom;
    let half = z * ((p * (1.0 - p) / n) + z * z / (4.0 * n * n)).sqrt() / denom;
    [(centre - half).max(0.0), (centre + half).min(1.0)]
}

/// 95% interval of the net stance `(pro − anti) / n`, where pro and anti
/// are counts of the same `n` units: Newcombe's (1998) method 10 for a
/// difference of paired proportions, built from the two Wilson intervals
/// with the correlation of the two indicators (here negative: a unit cannot
/// be both). Adding or subtracting the Wilson half-widths would ignore that
/// correlation; a Wald interval would leave [-1, 1] on small sections.
pub fn net_interval(pro: usize, anti: usize, n: usize) -> [f64; 2] {
    if n == 0 {
        return [0.0, 0.0];
    }
    let (b, c, nf) = (pro as f64, anti as f64, n as f64);
    let d = nf - b - c;
    let (p1, p2) = (b / nf, c / nf);
    let ([l1, u1], [l2, u2]) = (wilson(pro, n), wilson(anti, n));
    // φ of the 2×2 table (pro?, anti?) whose "both" cell is empty.
    let denom = (b * (c + d) * c * (b + d)).sqrt();
    let phi = if denom > 0.0 { -(b * c) / denom } else { 0.0 };
    let side = |x: f64, y: f64| (x * x - 2.0 * phi * x * y + y * y).max(0.0).sqrt();
    let delta = side(p1 - l1, u2 - p2);
    let eps = side(u1 - p1, p2 - l2);
    let net = p1 - p2;
    [(net - delta).max(-1.0), (net + eps).min(1.0)]
}

/// A unit quoted in a report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitRef {
    pub unit_id: String,
    /// Probability of the stance it is quoted for (1 for hand labels).
    pub p: f64,
    /// The start of the unit's text.
    pub excerpt: String,
    /// The text around the actor's first mention, when one was found
    /// ([`centre_quotes`]): what a reader needs to see why the unit is
    /// quoted, which the start of a long comment often is not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<context::Context>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActorStats {
    pub actor: String,
    pub pro: usize,
    pub anti: usize,
    pub none: usize,
    pub pro_share: f64,
    pub anti_share: f64,
    pub none_share: f64,
    pub pro_ci: [f64; 2],
    pub anti_ci: [f64; 2],
    #[serde(default)]
    pub none_ci: [f64; 2],
    /// pro share − anti share, in [-1, 1].
    pub net: f64,
    /// 95% interval of `net`: [`net_interval`] beside Wilson intervals, the
    /// bootstrap's percentiles of pro − anti beside bootstrap intervals.
    /// Absent in reports written before it was added.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub net_ci: Option<[f64; 2]>,
    /// Units that mention the actor (scores only).
    pub mentioned: Option<usize>,
    pub strongest_pro: Option<UnitRef>,
    pub strongest_anti: Option<UnitRef>,
    /// How the shares were estimated (predicted sections): the section's
    /// method, or CC where it fell back for this actor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<Method>,
    /// Whose labelled pairs the error rates came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rates: Option<RatesScope>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SentimentStats {
    pub positive: usize,
    pub negative: usize,
    pub neutral: usize,
    pub positive_share: f64,
    pub negative_share: f64,
    pub neutral_share: f64,
}

/// One article's comments or paragraphs, from scores or from labels.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Section {
    /// `predicted` (from scores) or `labelled` (from hand labels).
    pub source: String,
    /// `comments` or `paragraphs` (the title is in neither: see
    /// [`ArticleReport::headline`]).
    pub part: String,
    pub units: usize,
    pub actors: Vec<ActorStats>,
    pub sentiment: Option<SentimentStats>,
    /// How the shares were estimated (predicted sections only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub estimate: Option<ShareMethod>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArticleReport {
    pub doc_id: String,
    /// The article's headline (its title unit), so readers need not look
    /// doc ids up.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    pub sections: Vec<Section>,
    /// The headline's own stance toward each actor, predicted and (when the
    /// title is labelled) labelled; the title is counted here and in no
    /// section, the same way for both sources.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub headline: Vec<HeadlineStance>,
    /// Units with both a prediction and a hand label, compared actor by
    /// actor (reports given scores and labels).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub compared: Vec<Compared>,
}

/// The headline's stance toward one actor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HeadlineStance {
    pub actor: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub predicted: Option<Stance>,
    /// Probability of the predicted stance.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub labelled: Option<Stance>,
}

/// One unit's predicted and labelled stances.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Compared {
    pub unit_id: String,
    /// `comments`, `paragraphs` or `title`.
    pub part: String,
    pub excerpt: String,
    pub actors: Vec<ComparedActor>,
}

/// Predicted against labelled stance toward one actor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComparedActor {
    pub actor: String,
    pub predicted: Stance,
    /// Probability of the predicted stance.
    pub p: f64,
    pub labelled: Stance,
}

impl ComparedActor {
    pub fn agrees(&self) -> bool {
        self.predicted == self.labelled
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wilson_by_hand() {
        // k=0, n=10: [0, 0.2775] (textbook value 0.2775).
        let w = wilson(0, 10);
        assert_eq!(w[0], 0.0);
        assert!((w[1] - 0.2775).abs() < 1e-4, "{w:?}");
        // k=5, n=10: symmetric around 0.5, [0.2366, 0.7634].
        let w = wilson(5, 10);
        assert!(
            (w[0] - 0.2366).abs() < 1e-4 && (w[1] - 0.7634).abs() < 1e-4,
            "{w:?}"
        );
        assert_eq!(wilson(0, 0), [0.0, 0.0]);
    }

    #[test]
    fn net_interval_by_hand() {
        // No stance at all in 10 units: symmetric, each side the Wilson
        // upper bound of 0 in 10 (no correlation term: φ is undefined).
        let [lo, hi] = net_interval(0, 0, 10);
        assert!((lo + 0.2775).abs() < 1e-4 && (hi - 0.2775).abs() < 1e-4);
        // 6 pro, 5 anti in 24 (the seed article's PAK comments): contains
        // +1/24, inside [-1, 1], wider than either Wilson half-width.
        let [lo, hi] = net_interval(6, 5, 24);
        let net = 1.0 / 24.0;
        assert!(lo < net && net < hi, "{lo} {hi}");
        let [pl, ph] = wilson(6, 24);
        assert!(hi - lo > ph - pl);
        // Newcombe (1998) method 10 by hand for b=6, c=5, d=13, n=24.
        let ([l1, u1], [l2, u2]) = (wilson(6, 24), wilson(5, 24));
        let phi = -30.0 / (6.0f64 * 18.0 * 5.0 * 19.0).sqrt();
        let (p1, p2) = (0.25, 5.0 / 24.0);
        let d = ((p1 - l1).powi(2) - 2.0 * phi * (p1 - l1) * (u2 - p2) + (u2 - p2).powi(2)).sqrt();
        assert!((lo - (net - d)).abs() < 1e-12);
        let e = ((u1 - p1).powi(2) - 2.0 * phi * (u1 - p1) * (p2 - l2) + (p2 - l2).powi(2)).sqrt();
        assert!((hi - (net + e)).abs() < 1e-12);
        // All pro: the upper end is 1, never beyond.
        assert_eq!(net_interval(8, 0, 8)[1], 1.0);
        assert!(net_interval(0, 8, 8)[0] >= -1.0);
        assert_eq!(net_interval(0, 0, 0), [0.0, 0.0]);
    }
}
