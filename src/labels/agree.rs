//! Agreement between two label sets (two annotators, or an annotator and a
//! model's suggestions): Cohen's kappa and raw agreement, so a labelling
//! guide can be judged by how reproducible its labels are, and the list of
//! disagreements to discuss.
//!
//! Kappa is undefined when the expected agreement is 1 — both sets use one
//! and the same category for every item — because chance alone then
//! explains all agreement; it is reported as `None` (null in JSON), never as
//! a made-up 0 or 1.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::Hash;

use serde::Serialize;

use super::LabelRow;
use crate::corpus::Unit;

/// Agreement over `n` items.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Kappa {
    pub n: usize,
    /// Cohen's kappa; `None` when undefined (no items, or expected
    /// agreement 1).
    pub kappa: Option<f64>,
    /// Share of items with the same label; `None` when there are no items.
    pub agreement: Option<f64>,
}

/// Cohen's kappa of paired labels `(a, b)`.
///
/// Computed from counts as `(n·agree − Σ a_k·b_k) / (n² − Σ a_k·b_k)`, which
/// is `(p_o − p_e) / (1 − p_e)` multiplied through by `n²`: exact in
/// integers up to the final division, so a set against itself gives exactly
/// 1 and swapping the raters gives exactly the same value.
pub fn cohen_kappa<T: Eq + Hash>(pairs: impl IntoIterator<Item = (T, T)>) -> Kappa {
    let mut n: u128 = 0;
    let mut agree: u128 = 0;
    let mut counts: HashMap<T, (u128, u128)> = HashMap::new();
    for (a, b) in pairs {
        n += 1;
        if a == b {
            agree += 1;
        }
        counts.entry(a).or_default().0 += 1;
        counts.entry(b).or_default().1 += 1;
    }
    if n == 0 {
        return Kappa {
            n: 0,
            kappa: None,
            agreement: None,
        };
    }
    let chance: u128 = counts.values().map(|(a, b)| a * b).sum();
    let kappa =
        (chance != n * n).then(|| ((n * agree) as f64 - chance as f64) / ((n * n - chance) as f64));
    Kappa {
        n: n as usize,
        kappa,
        agreement: Some(agree as f64 / n as f64),
    }
}

/// Agreement on one label kind, overall and per actor.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Measure {
    pub n: usize,
    pub kappa: Option<f64>,
    pub agreement: Option<f64>,
    /// Per actor for stance. Empty for sentiment, which is one label per
    /// unit and belongs to no actor.
    pub per_actor: BTreeMap<String, Kappa>,
}

/// One item the two sets label differently.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Disagreement {
    pub doc_id: String,
    pub unit_id: String,
    /// `None` for a sentiment disagreement.
    pub actor: Option<String>,
    /// `stance` or `sentiment`.
    pub field: &'static str,
    pub a: String,
    pub b: String,
    pub a_at: String,
    pub b_at: String,
    /// The start of the unit's text; empty when the unit is not in the
    /// corpus given.
    pub excerpt: String,
}

/// The comparison of two label sets.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Agreement {
    /// Unit × actor pairs labelled in both sets.
    pub n: usize,
    pub stance: Measure,
    /// Over units labelled in both sets.
    pub sentiment: Measure,
    pub disagreements: Vec<Disagreement>,
}

/// Characters of unit text shown with a disagreement.
pub const EXCERPT_CHARS: usize = 80;

/// Compares label sets `a` and `b` over the unit × actor pairs both label
/// (stance) and the units both label (sentiment). A pair labelled twice in
/// one set counts once, with its first label; `labels check` reports such
/// rows. Disagreements come in `a`'s row order.
pub fn compare(a: &[LabelRow], b: &[LabelRow], units: &[Unit]) -> Agreement {
    let text: HashMap<(&str, &str), &str> =
        units.iter().map(|u| (u.key(), u.text.as_str())).collect();
    let b_pairs = first_by(b, |r| (&r.doc_id, &r.unit_id, &r.actor));
    let b_units = first_by(b, |r| (&r.doc_id, &r.unit_id));
    let mut seen_pairs = HashSet::new();
    let mut seen_units = HashSet::new();
    let mut stance: Vec<(&str, _, _)> = Vec::new();
    let mut sentiment = Vec::new();
    let mut disagreements = Vec::new();
    for ra in a {
        let unit = (ra.doc_id.as_str(), ra.unit_id.as_str());
        let excerpt = || excerpt(text.get(&unit).copied().unwrap_or_default());
        if seen_units.insert(unit)
            && let Some(rb) = b_units.get(&(&ra.doc_id, &ra.unit_id))
        {
            sentiment.push((ra.sentiment, rb.sentiment));
            if ra.sentiment != rb.sentiment {
                disagreements.push(Disagreement {
                    doc_id: ra.doc_id.clone(),
                    unit_id: ra.unit_id.clone(),
                    actor: None,
                    field: "sentiment",
                    a: ra.sentiment.to_string(),
                    b: rb.sentiment.to_string(),
                    a_at: ra.at.to_string(),
                    b_at: rb.at.to_string(),
                    excerpt: excerpt(),
                });
            }
        }
        let pair = (&ra.doc_id, &ra.unit_id, &ra.actor);
        if !seen_pairs.insert(pair) {
            continue;
        }
        let Some(rb) = b_pairs.get(&pair) else {
            continue;
        };
        stance.push((ra.actor.as_str(), ra.stance, rb.stance));
        if ra.stance != rb.stance {
            disagreements.push(Disagreement {
                doc_id: ra.doc_id.clone(),
                unit_id: ra.unit_id.clone(),
                actor: Some(ra.actor.clone()),
                field: "stance",
                a: ra.stance.to_string(),
                b: rb.stance.to_string(),
                a_at: ra.at.to_string(),
                b_at: rb.at.to_string(),
                excerpt: excerpt(),
            });
        }
    }
    let mut per_actor: BTreeMap<String, Vec<_>> = BTreeMap::new();
    for (actor, x, y) in &stance {
        per_actor
            .entry(actor.to_string())
            .or_default()
            .push((*x, *y));
    }
    let overall = cohen_kappa(stance.iter().map(|(_, x, y)| (*x, *y)));
    let sent = cohen_kappa(sentiment);
    Agreement {
        n: overall.n,
        stance: Measure {
            n: overall.n,
            kappa: overall.kappa,
            agreement: overall.agreement,
            per_actor: per_actor
                .into_iter()
                .map(|(k, v)| (k, cohen_kappa(v)))
                .collect(),
        },
        sentiment: Measure {
            n: sent.n,
            kappa: sent.kappa,
            agreement: sent.agreement,
            per_actor: BTreeMap::new(),
        },
        disagreements,
    }
}

fn first_by<'a, K: Eq + Hash>(
    rows: &'a [LabelRow],
    key: impl Fn(&'a LabelRow) -> K,
) -> HashMap<K, &'a LabelRow> {
    let mut out = HashMap::new();
    for r in rows {
        out.entry(key(r)).or_insert(r);
    }
    out
}

/// The first [`EXCERPT_CHARS`] characters of `text` on one line, `…` marking
/// a cut.
pub fn excerpt(text: &str) -> String {
    let flat: Vec<&str> = text.split_whitespace().collect();
    let flat = flat.join(" ");
    if flat.chars().count() <= EXCERPT_CHARS {
        return flat;
    }
    let cut: String = flat.chars().take(EXCERPT_CHARS - 1).collect();
    format!("{}…", cut.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::labels::{Sentiment, Stance};
    use proptest::prelude::*;

    fn repeat<T: Copy>(groups: &[(T, T, usize)]) -> Vec<(T, T)> {
        groups
            .iter()
            .flat_map(|&(a, b, k)| std::iter::repeat_n((a, b), k))
            .collect()
    }

    #[test]
    fn textbook_two_by_two() {
        // 50 proposals, yes/yes 20, yes/no 5, no/yes 10, no/no 15:
        // p_o = 0.7, p_e = 0.5·0.6 + 0.5·0.4 = 0.5, kappa = 0.2 / 0.5 = 0.4.
        let k = cohen_kappa(repeat(&[
            ("yes", "yes", 20),
            ("yes", "no", 5),
            ("no", "yes", 10),
            ("no", "no", 15),
        ]));
        assert_eq!(k.n, 50);
        assert!((k.agreement.unwrap() - 0.7).abs() < 1e-12);
        assert!((k.kappa.unwrap() - 0.4).abs() < 1e-12);
    }

    #[test]
    fn three_categories_by_hand() {
        use Stance::*;
        // n = 8, 6 agree; A: pro 3, anti 1, none 4; B: pro 2, anti 2, none 4.
        // p_o = 6/8, p_e = (3·2 + 1·2 + 4·4)/64 = 24/64,
        // kappa = (48 − 24) / (64 − 24) = 0.6.
        let k = cohen_kappa(repeat(&[
            (Pro, Pro, 2),
            (Anti, Anti, 1),
            (None, None, 3),
            (Pro, None, 1),
            (None, Anti, 1),
        ]));
        assert_eq!(k.agreement, Some(0.75));
        assert!((k.kappa.unwrap() - 0.6).abs() < 1e-12);
    }

    #[test]
    fn degenerate_cases() {
        let k = cohen_kappa(repeat(&[("none", "none", 5)]));
        assert_eq!((k.kappa, k.agreement), (Option::None, Some(1.0)));
        let k = cohen_kappa(Vec::<(u8, u8)>::new());
        assert_eq!((k.n, k.kappa, k.agreement), (0, Option::None, Option::None));
        // One rater constant, the other not: defined, and no better than chance.
        let k = cohen_kappa(repeat(&[("none", "none", 3), ("none", "pro", 1)]));
        assert_eq!(k.kappa, Some(0.0));
        // Complete disagreement on two balanced categories.
        let k = cohen_kappa(repeat(&[("a", "b", 2), ("b", "a", 2)]));
        assert_eq!(k.kappa, Some(-1.0));
    }

    fn row(unit: &str, actor: &str, stance: Stance, sentiment: Sentiment) -> LabelRow {
        crate::labels::fixtures::label(("x.csv", 2), ("d", unit), actor, stance, sentiment)
    }

    #[test]
    fn compare_lists_disagreements_with_excerpts() {
        use Sentiment::*;
        use Stance::*;
        let a = [
            row("p1", "A", Pro, Neutral),
            row("p1", "B", None, Neutral),
            row("p2", "A", Anti, Negative),
            row("p3", "A", Anti, Negative),
        ];
        let b = [
            row("p1", "A", Pro, Positive),
            row("p1", "B", Anti, Positive),
            row("p2", "A", Anti, Negative),
        ];
        let units = [Unit {
            doc_id: "d".into(),
            unit_id: "p1".into(),
            kind: crate::corpus::UnitKind::Paragraph,
            author: Option::None,
            posted_at: Option::None,
            fields: Option::None,
            text: format!("Pakistan  and\nRussia {}", "x".repeat(100)),
        }];
        let r = compare(&a, &b, &units);
        assert_eq!((r.n, r.stance.n, r.sentiment.n), (3, 3, 2));
        assert_eq!(r.stance.per_actor["A"].agreement, Some(1.0));
        assert_eq!(r.stance.per_actor["A"].kappa, Some(1.0));
        assert_eq!(r.stance.per_actor["B"].kappa, Some(0.0));
        assert_eq!(r.stance.per_actor["B"].n, 1);
        let d: Vec<_> = r
            .disagreements
            .iter()
            .map(|d| (d.field, d.actor.as_deref(), d.a.as_str(), d.b.as_str()))
            .collect();
        assert_eq!(
            d,
            [
                ("sentiment", Option::None, "neutral", "positive"),
                ("stance", Some("B"), "none", "anti")
            ]
        );
        let e = &r.disagreements[0].excerpt;
        assert!(e.starts_with("Pakistan and Russia xxx") && e.ends_with('…'));
        assert_eq!(e.chars().count(), EXCERPT_CHARS);
        assert!(r.sentiment.per_actor.is_empty());
        let json = serde_json::to_value(&r).unwrap();
        assert!(json["sentiment"]["kappa"].is_number());
        assert_eq!(json["stance"]["per_actor"]["A"]["n"], 2);
        let undefined = serde_json::to_value(cohen_kappa(repeat(&[("x", "x", 2)]))).unwrap();
        assert!(undefined["kappa"].is_null());
    }

    proptest! {
        #[test]
        fn kappa_is_symmetric_and_one_against_itself(
            pairs in prop::collection::vec((0u8..3, 0u8..3), 0..60)
        ) {
            let k = cohen_kappa(pairs.iter().copied());
            let swapped = cohen_kappa(pairs.iter().map(|&(a, b)| (b, a)));
            prop_assert_eq!(k, swapped);
            if let Some(v) = k.kappa {
                prop_assert!((-1.0..=1.0).contains(&v), "{}", v);
            }
            let same = cohen_kappa(pairs.iter().map(|&(a, _)| (a, a)));
            let categories: std::collections::HashSet<u8> =
                pairs.iter().map(|&(a, _)| a).collect();
            if categories.len() > 1 {
                prop_assert_eq!(same.kappa, Some(1.0));
            } else {
                prop_assert_eq!(same.kappa, Option::None);
            }
        }
    }
}
