//! What to label next: uncertainty sampling, spread across articles and
//! actors.
//!
//! A label is worth most where the model is least sure, and a stance label
//! says something only about an actor the unit mentions, so a unit's worth
//! is its highest uncertainty over the actors it mentions. Picking purely
//! by uncertainty piles the week's labelling onto one heated thread and one
//! actor; each pick therefore discounts the remaining candidates of the
//! same article and of the same actor, so the batch covers the corpus.

use std::collections::HashMap;

mod pool;

pub use pool::{Options, RANDOM, Row, Suggestions, suggest};

/// How the uncertainty of one probability vector is measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Uncertainty {
    /// `1 − (p₁ − p₂)`: one minus the gap between the two likeliest
    /// classes. 1 when they tie.
    Margin,
    /// Shannon entropy divided by `ln K`, in [0, 1].
    Entropy,
}

impl Uncertainty {
    pub fn of(self, p: &[f32]) -> f64 {
        match self {
            Uncertainty::Margin => {
                let (mut a, mut b) = (f64::NEG_INFINITY, f64::NEG_INFINITY);
                for &x in p {
                    let x = f64::from(x);
                    if x > a {
                        (a, b) = (x, a);
                    } else if x > b {
                        b = x;
                    }
                }
                if p.len() < 2 { 0.0 } else { 1.0 - (a - b) }
            }
            Uncertainty::Entropy => {
                if p.len() < 2 {
                    return 0.0;
                }
                let h: f64 = p
                    .iter()
                    .map(|&x| f64::from(x))
                    .filter(|&x| x > 0.0)
                    .map(|x| -x * x.ln())
                    .sum();
                h / (p.len() as f64).ln()
            }
        }
    }
}

/// One unlabelled unit: how uncertain the model is about it, and about
/// which actor most.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub doc_id: String,
    pub unit_id: String,
    /// The highest uncertainty over the actors the unit mentions.
    pub uncertainty: f64,
    /// The actor that uncertainty belongs to.
    pub actor: String,
}

/// The ranking order: most uncertain first, ties by (doc_id, unit_id) so
/// every ranking is reproducible.
pub fn most_uncertain_first(a: &Candidate, b: &Candidate) -> std::cmp::Ordering {
    b.uncertainty
        .total_cmp(&a.uncertainty)
        .then_with(|| a.doc_id.cmp(&b.doc_id))
        .then_with(|| a.unit_id.cmp(&b.unit_id))
}

/// The default spread: each earlier pick from the same article, and each
/// from the same actor, multiplies a candidate's worth by this.
pub const SPREAD: f64 = 0.7;

/// Picks `n` candidates: greedily the highest discounted uncertainty, ties
/// broken by (doc_id, unit_id) so the choice is reproducible. `discount` is
/// the factor per earlier pick of the same article or actor ([`SPREAD`]);
/// 1 ranks by uncertainty alone.
///
/// Only the most uncertain `max(20·n, 1000)` candidates are considered: the
/// discounts are at most `discount^(2n)`, so a unit far down the raw
/// ranking could win only in corpora of very few articles and actors, and
/// the cap keeps a million-unit pool at `O(n · 20n)` work.
pub fn pick(mut candidates: Vec<Candidate>, n: usize, discount: f64) -> Vec<Candidate> {
    candidates.sort_by(most_uncertain_first);
    candidates.truncate((20 * n).max(1000));
    let mut by_doc: HashMap<String, i32> = HashMap::new();
    let mut by_actor: HashMap<String, i32> = HashMap::new();
    let mut chosen = Vec::with_capacity(n.min(candidates.len()));
    let mut taken = vec![false; candidates.len()];
    while chosen.len() < n {
        let mut best: Option<(usize, f64)> = None;
        for (i, c) in candidates.iter().enumerate() {
            if taken[i] {
                continue;
            }
            let picks = by_doc.get(&c.doc_id).copied().unwrap_or(0)
                + by_actor.get(&c.actor).copied().unwrap_or(0);
            let worth = c.uncertainty * discount.powi(picks);
            // Strictly greater: earlier (more uncertain, then smaller id)
            // candidates win ties.
            if best.is_none_or(|(_, w)| worth > w) {
                best = Some((i, worth));
            }
        }
        let Some((i, _)) = best else { break };
        taken[i] = true;
        let c = &candidates[i];
        *by_doc.entry(c.doc_id.clone()).or_default() += 1;
        *by_actor.entry(c.actor.clone()).or_default() += 1;
        chosen.push(c.clone());
    }
    chosen
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cand(doc: &str, unit: &str, u: f64, actor: &str) -> Candidate {
        Candidate {
            doc_id: doc.into(),
            unit_id: unit.into(),
            uncertainty: u,
            actor: actor.into(),
        }
    }

    #[test]
    fn uncertainty_measures() {
        let m = Uncertainty::Margin;
        assert!((m.of(&[0.5, 0.5, 0.0]) - 1.0).abs() < 1e-9);
        assert!((m.of(&[1.0, 0.0, 0.0]) - 0.0).abs() < 1e-9);
        assert!((m.of(&[0.2, 0.5, 0.3]) - 0.8).abs() < 1e-6);
        let e = Uncertainty::Entropy;
        assert!((e.of(&[1.0 / 3.0; 3]) - 1.0).abs() < 1e-6);
        assert_eq!(e.of(&[1.0, 0.0, 0.0]), 0.0);
        assert_eq!(m.of(&[1.0]), 0.0);
    }

    #[test]
    fn picks_spread_over_articles_and_actors() {
        // Article a is the most uncertain throughout, but not by much.
        let mut c = Vec::new();
        for i in 0..10 {
            c.push(cand("a", &format!("u{i}"), 0.95 - 0.001 * i as f64, "PAK"));
            c.push(cand("b", &format!("u{i}"), 0.80 - 0.001 * i as f64, "RUS"));
        }
        let p = pick(c.clone(), 4, SPREAD);
        let docs: Vec<&str> = p.iter().map(|c| c.doc_id.as_str()).collect();
        assert_eq!(docs, ["a", "b", "a", "b"]);
        let unspread = pick(c.clone(), 4, 1.0);
        assert!(unspread.iter().all(|c| c.doc_id == "a"));
        // Without competition, the most uncertain come first.
        let only_a: Vec<Candidate> = c.into_iter().filter(|c| c.doc_id == "a").collect();
        let p = pick(only_a, 3, SPREAD);
        let units: Vec<&str> = p.iter().map(|c| c.unit_id.as_str()).collect();
        assert_eq!(units, ["u0", "u1", "u2"]);
    }

    #[test]
    fn asking_for_more_than_there_is_returns_all_once() {
        let c = vec![cand("a", "1", 0.5, "X"), cand("a", "2", 0.5, "X")];
        let p = pick(c.clone(), 10, SPREAD);
        assert_eq!(p.len(), 2);
        assert_eq!(p[0].unit_id, "1", "ties go to the smaller id");
        assert_eq!(pick(c, 10, 1.0), p);
    }
}
