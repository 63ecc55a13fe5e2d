//! [`build`]: score records and hand labels into per-article reports, by
//! classify and count with Wilson intervals ([`estimate_shares`] may then
//! replace the predicted shares).
//!
//! [`estimate_shares`]: super::estimate_shares

use std::collections::{BTreeMap, HashMap, HashSet};

use super::{
    ActorStats, ArticleReport, Compared, ComparedActor, HeadlineStance, Section, SentimentStats,
    UnitRef, net_interval, wilson,
};
use crate::corpus::UnitKind;
use crate::labels::{LabelRow, Sentiment, Stance};
use crate::score::ActorScore;
use crate::score::ScoreRecord;

/// One unit's stance toward one actor, from either source.
struct Obs<'a> {
    unit_id: &'a str,
    actor: &'a str,
    stance: Stance,
    p: f64,
    mentioned: Option<bool>,
    excerpt: &'a str,
}

/// The part of an article a unit is counted in; `None` for the title,
/// which is counted in no part (see [`ArticleReport::headline`]).
pub(super) fn part_of(kind: Option<UnitKind>) -> Option<&'static str> {
    match kind {
        Some(UnitKind::Comment) => Some("comments"),
        Some(UnitKind::Title) => None,
        _ => Some("paragraphs"),
    }
}

/// What a section's statistics of one actor are made from: counts of its
/// units by stance, how many mention it, and the strongest pro and anti
/// units. [`build`] gathers them from units, [`from_counts`] from counts
/// that a distributed engine summed, so both give the same [`ActorStats`].
///
/// [`from_counts`]: super::counts::from_counts
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
            net_ci: Some(net_interval(pro, anti, n)),
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
                            context: None,
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

/// A predicted or labelled stance of a title, per actor.
pub(super) type TitleStances<'a> = HashMap<&'a str, (Option<(Stance, f64)>, Option<Stance>)>;

/// Builds the report. `actors` fixes the actor order; `excerpts` gives unit
/// texts for label-only sections (keyed by doc_id, unit_id).
pub fn build(
    scores: &[ScoreRecord],
    labels: &[LabelRow],
    actors: &[String],
    excerpts: &BTreeMap<(String, String), String>,
    kinds: &BTreeMap<(String, String), UnitKind>,
) -> Vec<ArticleReport> {
    // (doc, part, source) → (observations, sentiments, units)
    type Acc<'a> =
        BTreeMap<(String, &'static str, &'static str), (Vec<Obs<'a>>, Vec<Sentiment>, usize)>;
    let mut acc: Acc = BTreeMap::new();
    // Documents in first-seen order; the set makes "seen?" O(1), so the
    // report stays linear in the number of documents (issue 12, row 8).
    let mut order: Vec<String> = Vec::new();
    let mut seen_docs: HashSet<String> = HashSet::new();
    let mut titles: BTreeMap<String, String> = kinds
        .iter()
        .filter(|(_, k)| **k == UnitKind::Title)
        .filter_map(|(key, _)| Some((key.0.clone(), excerpts.get(key)?.clone())))
        .collect();
    let mut heads: HashMap<String, TitleStances> = HashMap::new();
    // Labels by unit, to compare with the predictions as they stream past.
    let mut labelled: HashMap<(&str, &str), Vec<&LabelRow>> = HashMap::new();
    for l in labels {
        labelled
            .entry((l.doc_id.as_str(), l.unit_id.as_str()))
            .or_default()
            .push(l);
    }
    let mut compared: HashMap<String, Vec<Compared>> = HashMap::new();
    for r in scores {
        let (Some(doc), Some(unit)) = (&r.doc_id, &r.unit_id) else {
            continue;
        };
        if seen_docs.insert(doc.clone()) {
            order.push(doc.clone());
        }
        let stance_p = |a: &ActorScore| {
            let p = match a.stance {
                Stance::Pro => a.probs.pro,
                Stance::Anti => a.probs.anti,
                Stance::None => a.probs.none,
            };
            f64::from(p)
        };
        if let Some(ls) = labelled.get(&(doc.as_str(), unit.as_str())) {
            let actors: Vec<ComparedActor> = r
                .actors
                .iter()
                .filter_map(|a| {
                    let l = ls.iter().find(|l| l.actor == a.actor)?;
                    Some(ComparedActor {
                        actor: a.actor.clone(),
                        predicted: a.stance,
                        p: stance_p(a),
                        labelled: l.stance,
                    })
                })
                .collect();
            if !actors.is_empty() {
                compared.entry(doc.clone()).or_default().push(Compared {
                    unit_id: unit.clone(),
                    part: part_of(r.kind).unwrap_or("title").into(),
                    excerpt: r.excerpt.clone(),
                    actors,
                });
            }
        }
        let Some(part) = part_of(r.kind) else {
            titles.insert(doc.clone(), r.excerpt.clone());
            let head = heads.entry(doc.clone()).or_default();
            for a in &r.actors {
                head.entry(&a.actor).or_default().0 = Some((a.stance, stance_p(a)));
            }
            continue;
        };
        let e = acc.entry((doc.clone(), part, "predicted")).or_default();
        e.2 += 1;
        if let Some(s) = r.sentiment {
            e.1.push(s);
        }
        for a in &r.actors {
            e.0.push(Obs {
                unit_id: unit,
                actor: &a.actor,
                stance: a.stance,
                p: stance_p(a),
                mentioned: Some(a.mentioned),
                excerpt: &r.excerpt,
            });
        }
    }
    let mut seen_units: HashSet<(String, String)> = HashSet::new();
    for l in labels {
        if seen_docs.insert(l.doc_id.clone()) {
            order.push(l.doc_id.clone());
        }
        let key = (l.doc_id.clone(), l.unit_id.clone());
        let Some(part) = part_of(kinds.get(&key).copied()) else {
            let head = heads.entry(l.doc_id.clone()).or_default();
            head.entry(&l.actor).or_default().1 = Some(l.stance);
            continue;
        };
        let e = acc.entry((l.doc_id.clone(), part, "labelled")).or_default();
        if seen_units.insert(key.clone()) {
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
            let headline = heads
                .get(&doc)
                .map(|h| headline(h, actors))
                .unwrap_or_default();
            ArticleReport {
                title: titles.get(&doc).cloned(),
                compared: compared.remove(&doc).unwrap_or_default(),
                doc_id: doc,
                sections,
                headline,
            }
        })
        .collect()
}

/// The title's stances in actor order: actors of the report first, then
/// any other target a label names, by name.
pub(super) fn headline(h: &TitleStances, actors: &[String]) -> Vec<HeadlineStance> {
    let mut extra: Vec<&str> = h
        .keys()
        .copied()
        .filter(|a| !actors.iter().any(|x| x == a))
        .collect();
    extra.sort_unstable();
    actors
        .iter()
        .map(String::as_str)
        .chain(extra)
        .filter_map(|a| {
            let (predicted, labelled) = h.get(a)?;
            Some(HeadlineStance {
                actor: a.to_string(),
                predicted: predicted.map(|p| p.0),
                p: predicted.map(|p| p.1),
                labelled: *labelled,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(unit: &str, kind: &str, stance: &str) -> ScoreRecord {
        serde_json::from_value(serde_json::json!({
            "doc_id": "d", "unit_id": unit, "kind": kind, "excerpt": unit,
            "actors": [{"actor": "PAK", "stance": stance, "mentioned": true,
                        "probs": {"pro": 0.7, "anti": 0.2, "none": 0.1}}]
        }))
        .unwrap()
    }

    fn label(unit: &str, stance: Stance) -> LabelRow {
        LabelRow {
            at: crate::error::Location::new("l.csv", None),
            doc_id: "d".into(),
            unit_id: unit.into(),
            actor: "PAK".into(),
            stance,
            sentiment: Sentiment::Neutral,
        }
    }

    #[test]
    fn the_title_is_the_headline_in_both_sources_and_units_are_compared() {
        let scores = [
            record("title", "title", "pro"),
            record("p1", "paragraph", "pro"),
            record("c1", "comment", "pro"),
        ];
        let kinds: BTreeMap<_, _> = [
            (("d".into(), "title".into()), UnitKind::Title),
            (("d".into(), "p1".into()), UnitKind::Paragraph),
            (("d".into(), "c1".into()), UnitKind::Comment),
        ]
        .into();
        let labels = [
            label("p1", Stance::Pro),
            label("c1", Stance::Anti),
            label("title", Stance::None),
        ];
        let r = build(&scores, &labels, &["PAK".into()], &BTreeMap::new(), &kinds);
        let r = &r[0];
        assert_eq!(r.title.as_deref(), Some("title"));
        // Paragraphs count the same unit in both sources: p1, not the title.
        for s in &r.sections {
            assert_eq!(s.units, 1, "{} {}", s.source, s.part);
        }
        assert_eq!(
            r.headline,
            [HeadlineStance {
                actor: "PAK".into(),
                predicted: Some(Stance::Pro),
                p: Some(0.699999988079071),
                labelled: Some(Stance::None),
            }]
        );
        let marks: Vec<(&str, &str, bool)> = r
            .compared
            .iter()
            .map(|c| (c.unit_id.as_str(), c.part.as_str(), c.actors[0].agrees()))
            .collect();
        assert_eq!(
            marks,
            [
                ("title", "title", false),
                ("p1", "paragraphs", true),
                ("c1", "comments", false)
            ]
        );
        let net_ci = r.sections[0].actors[0].net_ci.unwrap();
        assert!(net_ci[0] < 1.0 && net_ci[1] == 1.0);
    }
}
