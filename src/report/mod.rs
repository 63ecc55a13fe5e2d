//! Per-article stance distributions: for each article, separately for its
//! reader comments and its own paragraphs, how units split pro / anti / none
//! toward each actor (with 95% intervals), the net stance, the sentiment
//! split, and the strongest pro and anti units. Predicted shares are
//! estimated by a quantification method ([`quantify`], applied by
//! [`estimate_shares`]) that can correct for the classifier's errors.

pub mod counts;
pub mod group;
mod html;
pub mod quantify;
mod render;
mod shares;
pub mod visible;

pub use html::render_html;
pub use render::{render_csv, render_table};
pub use shares::{
    MeasuredError, ModelShares, ShareMethod, ShareOptions, count_shares, describe, estimate_shares,
    measured_error, model_pairs,
};

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use crate::corpus::UnitKind;
use crate::labels::{LabelRow, Sentiment, Stance};
use crate::score::ScoreRecord;
use quantify::{Method, RatesScope};

/// Wilson score interval for k successes in n at 95%: sound for the small
/// counts and extreme shares of a comment section, where the normal
/// approximation gives intervals outside [0, 1].
pub fn wilson(k: usize, n: usize) -> [f64; 2] {
    if n == 0 {
        return [0.0, 0.0];
    }
    let z = 1.959_963_984_540_054_f64;
    let (k, n) = (k as f64, n as f64);
    let p = k / n;
    let denom = 1.0 + z * z / n;
    let centre = (p + z * z / (2.0 * n)) / denom;
    let half = z * ((p * (1.0 - p) / n) + z * z / (4.0 * n * n)).sqrt() / denom;
    [(centre - half).max(0.0), (centre + half).min(1.0)]
}

/// A unit quoted in a report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitRef {
    pub unit_id: String,
    /// Probability of the stance it is quoted for (1 for hand labels).
    pub p: f64,
    pub excerpt: String,
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
    /// `comments` or `paragraphs` (the title counts with the paragraphs).
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
}

/// One unit's stance toward one actor, from either source.
struct Obs<'a> {
    unit_id: &'a str,
    actor: &'a str,
    stance: Stance,
    p: f64,
    mentioned: Option<bool>,
    excerpt: &'a str,
}

fn part_of(kind: Option<UnitKind>) -> &'static str {
    match kind {
        Some(UnitKind::Comment) => "comments",
        _ => "paragraphs",
    }
}

/// What a section's statistics of one actor are made from: counts of its
/// units by stance, how many mention it, and the strongest pro and anti
/// units. [`build`] gathers them from units; [`counts`] from counts that a
/// distributed engine summed, so both give the same [`ActorStats`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ActorCounts {
    pub pro: usize,
    pub anti: usize,
    pub none: usize,
    /// Units that mention the actor (`None` for hand labels).
    pub mentioned: Option<usize>,
    pub strongest_pro: Option<UnitRef>,
    pub strongest_anti: Option<UnitRef>,
}

impl ActorCounts {
    /// The actor's statistics: shares of the units it was counted over,
    /// Wilson intervals and the net stance (classify and count).
    pub fn stats(self, actor: &str) -> ActorStats {
        let (pro, anti, none) = (self.pro, self.anti, self.none);
        let n = pro + anti + none;
        let share = |k: usize| if n == 0 { 0.0 } else { k as f64 / n as f64 };
        ActorStats {
            actor: actor.to_string(),
            pro,
            anti,
            none,
            pro_share: share(pro),
            anti_share: share(anti),
            none_share: share(none),
            pro_ci: wilson(pro, n),
            anti_ci: wilson(anti, n),
            none_ci: wilson(none, n),
            net: share(pro) - share(anti),
            mentioned: self.mentioned,
            strongest_pro: self.strongest_pro,
            strongest_anti: self.strongest_anti,
            method: None,
            rates: None,
        }
    }
}

/// How a unit quoted with probability `p` and id `unit_id` compares with
/// `than` as the strongest unit: the higher probability wins, then the
/// smaller unit id, so the choice does not depend on the order units come
/// in (only the same unit read twice is `Equal`).
pub fn strength(p: f64, unit_id: &str, than: &UnitRef) -> std::cmp::Ordering {
    p.total_cmp(&than.p)
        .then(than.unit_id.as_str().cmp(unit_id))
}

/// The sentiment split of `[positive, negative, neutral]` counts; `None`
/// when there are none (a model without a sentiment task).
pub fn sentiment_stats([p, ng, nt]: [usize; 3]) -> Option<SentimentStats> {
    let n = (p + ng + nt) as f64;
    (n > 0.0).then(|| SentimentStats {
        positive: p,
        negative: ng,
        neutral: nt,
        positive_share: p as f64 / n,
        negative_share: ng as f64 / n,
        neutral_share: nt as f64 / n,
    })
}

fn section(
    source: &str,
    part: &str,
    actors: &[String],
    obs: &[Obs],
    sentiments: &[Sentiment],
    units: usize,
) -> Section {
    // One pass over the observations, grouped by actor (in their order), so
    // the section is linear in actors × units, not quadratic in actors.
    let mut by_actor: HashMap<&str, Vec<&Obs>> = HashMap::with_capacity(actors.len());
    for o in obs {
        by_actor.entry(o.actor).or_default().push(o);
    }
    let stats = actors
        .iter()
        .map(|a| {
            let mine = by_actor.remove(a.as_str()).unwrap_or_default();
            let count = |s: Stance| mine.iter().filter(|o| o.stance == s).count();
            let strongest = |s: Stance| {
                let mut best: Option<UnitRef> = None;
                for o in mine.iter().filter(|o| o.stance == s) {
                    // The last of equals, as `max_by` picked it.
                    if best
                        .as_ref()
                        .is_none_or(|b| strength(o.p, o.unit_id, b).is_ge())
                    {
                        best = Some(UnitRef {
                            unit_id: o.unit_id.to_string(),
                            p: o.p,
                            excerpt: o.excerpt.to_string(),
                        });
                    }
                }
                best
            };
            let mentioned = mine
                .iter()
                .map(|o| o.mentioned)
                .collect::<Option<Vec<bool>>>()
                .map(|v| v.iter().filter(|m| **m).count());
            ActorCounts {
                pro: count(Stance::Pro),
                anti: count(Stance::Anti),
                none: count(Stance::None),
                mentioned,
                strongest_pro: strongest(Stance::Pro),
                strongest_anti: strongest(Stance::Anti),
            }
            .stats(a)
        })
        .collect();
    let c = |s: Sentiment| sentiments.iter().filter(|x| **x == s).count();
    Section {
        source: source.into(),
        part: part.into(),
        units,
        actors: stats,
        sentiment: sentiment_stats([
            c(Sentiment::Positive),
            c(Sentiment::Negative),
            c(Sentiment::Neutral),
        ]),
        estimate: None,
    }
}

/// Builds the report. `actors` fixes the actor order; `excerpts` gives unit
/// texts for label-only sections (keyed by doc_id, unit_id).
pub fn build(
    scores: &[ScoreRecord],
    labels: &[LabelRow],
    actors: &[String],
    excerpts: &BTreeMap<(String, String), String>,
    kinds: &BTreeMap<(String, String), UnitKind>,
) -> Vec<ArticleReport> {
    // doc → part → (observations, sentiments, units)
    type Acc<'a> =
        BTreeMap<(String, &'static str, &'static str), (Vec<Obs<'a>>, Vec<Sentiment>, usize)>;
    let mut acc: Acc = BTreeMap::new();
    // Documents in first-seen order; the set makes "seen?" O(1), so the
    // report stays linear in the number of documents (issue 12, row 8).
    let mut order: Vec<String> = Vec::new();
    let mut seen_docs: std::collections::HashSet<String> = std::collections::HashSet::new();
    let mut titles: BTreeMap<String, String> = kinds
        .iter()
        .filter(|(_, k)| **k == UnitKind::Title)
        .filter_map(|(key, _)| Some((key.0.clone(), excerpts.get(key)?.clone())))
        .collect();
    for r in scores {
        let (Some(doc), Some(unit)) = (&r.doc_id, &r.unit_id) else {
            continue;
        };
        if r.kind == Some(UnitKind::Title) {
            titles.insert(doc.clone(), r.excerpt.clone());
        }
        if seen_docs.insert(doc.clone()) {
            order.push(doc.clone());
        }
        let e = acc
            .entry((doc.clone(), part_of(r.kind), "predicted"))
            .or_default();
        e.2 += 1;
        if let Some(s) = r.sentiment {
            e.1.push(s);
        }
        for a in &r.actors {
            let p = match a.stance {
                Stance::Pro => a.probs.pro,
                Stance::Anti => a.probs.anti,
                Stance::None => a.probs.none,
            };
            e.0.push(Obs {
                unit_id: unit,
                actor: &a.actor,
                stance: a.stance,
                p: p as f64,
                mentioned: Some(a.mentioned),
                excerpt: &r.excerpt,
            });
        }
    }
    let mut seen_units: BTreeMap<(String, String), ()> = BTreeMap::new();
    for l in labels {
        if seen_docs.insert(l.doc_id.clone()) {
            order.push(l.doc_id.clone());
        }
        let key = (l.doc_id.clone(), l.unit_id.clone());
        let kind = kinds.get(&key).copied();
        let e = acc
            .entry((l.doc_id.clone(), part_of(kind), "labelled"))
            .or_default();
        if seen_units.insert(key.clone(), ()).is_none() {
            e.2 += 1;
            e.1.push(l.sentiment);
        }
        e.0.push(Obs {
            unit_id: &l.unit_id,
            actor: &l.actor,
            stance: l.stance,
            p: 1.0,
            mentioned: None,
            excerpt: excerpts.get(&key).map(String::as_str).unwrap_or(""),
        });
    }
    order
        .into_iter()
        .map(|doc| {
            let mut sections = Vec::new();
            for part in ["comments", "paragraphs"] {
                for source in ["predicted", "labelled"] {
                    if let Some((obs, sent, units)) = acc.get(&(doc.clone(), part, source)) {
                        sections.push(section(source, part, actors, obs, sent, *units));
                    }
                }
            }
            ArticleReport {
                title: titles.get(&doc).cloned(),
                doc_id: doc,
                sections,
            }
        })
        .collect()
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
}
