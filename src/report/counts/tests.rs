use std::collections::BTreeMap;

use super::*;
use crate::eval::SplitMix64;
use crate::report::quantify::Method;
use crate::report::{MeasuredError, build, estimate_shares};
use crate::score::{ActorScore, SentimentProbs, StanceProbs};

fn actors() -> Vec<String> {
    ["RUS", "PAK", "CHN"].map(String::from).to_vec()
}

/// Score records as `stance score` writes them: documents interleaved
/// (first seen out of id order), titles (two in one document),
/// paragraphs and comments, probabilities from a few values so that
/// strongest units tie on probability and are told apart by id, and unit
/// ids not in reading order.
fn records() -> Vec<ScoreRecord> {
    let mut rng = SplitMix64::new(7);
    let docs = ["d5", "d1", "d3", "d2", "d9", "d4"];
    let ps = [0.5f32, 0.6, 0.6, 0.7, 0.9123];
    (0..400)
        .map(|i| {
            let doc = docs[(i / 37 + rng.below(2)) % docs.len()];
            let kind = match i {
                0 | 41 => UnitKind::Title,
                // A second title of d1, read later (with a smaller id).
                80 => UnitKind::Title,
                _ if rng.below(4) == 0 => UnitKind::Paragraph,
                _ => UnitKind::Comment,
            };
            let doc = if i == 80 { "d1" } else { doc };
            let actors = actors()
                .into_iter()
                .map(|actor| {
                    let stance = Stance::ALL[rng.below(3)];
                    let p = ps[rng.below(ps.len())];
                    let rest = crate::score::round4((1.0 - p) / 2.0);
                    let mut probs = [rest; 3];
                    probs[Stance::ALL.iter().position(|s| *s == stance).unwrap()] = p;
                    ActorScore {
                        actor,
                        stance,
                        probs: StanceProbs {
                            pro: probs[0],
                            anti: probs[1],
                            none: probs[2],
                        },
                        mentioned: rng.below(3) == 0,
                        zero_shot: false,
                    }
                })
                .collect();
            let words = rng.below(40) + 1;
            // Some units name an actor, so their quotes are centred on it.
            let text: Vec<String> = (0..words)
                .map(|w| match (w, i % 3) {
                    (3, 0) => "Pakistan PAK".to_string(),
                    (5, _) => "RUS".to_string(),
                    _ => format!("word{w}"),
                })
                .collect();
            ScoreRecord {
                doc_id: Some(doc.into()),
                unit_id: Some(format!("u{}", (i * 7919) % 1000)),
                kind: Some(kind),
                id: None,
                sentiment: Some(Sentiment::ALL[rng.below(3)]),
                sentiment_probs: Some(SentimentProbs {
                    positive: 0.3,
                    negative: 0.3,
                    neutral: 0.4,
                }),
                actors,
                excerpt: excerpt(&text.join(" \n "), EXCERPT_CHARS),
                fields: None,
            }
        })
        .collect()
}

fn options(method: Method) -> ShareOptions<'static> {
    ShareOptions {
        method,
        rates: None,
        rounds: 50,
        seed: 42,
        measured: Some(MeasuredError {
            mae: 0.06,
            kl: 0.01,
            cells: 10,
            documents: 3,
            pairs: 100,
        }),
        note: None,
        model: Some("model quality: measured".into()),
    }
}

/// `stance report`'s report of the scores: build, then the shares.
fn from_scores(records: &[ScoreRecord], method: Method) -> Vec<ArticleReport> {
    let mut reports = build(records, &[], &actors(), &BTreeMap::new(), &BTreeMap::new());
    // As `stance report` centres quotes without a corpus: in the excerpts.
    crate::report::centre_quotes(
        &mut reports,
        |_, _| None,
        None,
        crate::report::CONTEXT_CHARS,
    );
    estimate_shares(&mut reports, records, &options(method));
    reports
}

/// The records counted in `chunks` pieces (as workers would), their rows
/// put together unmerged; positions are the records' indices if `at`.
fn counted(records: &[ScoreRecord], chunks: usize, at: bool) -> Vec<CountRow> {
    let size = records.len().div_ceil(chunks);
    let mut rows = Vec::new();
    for (c, chunk) in records.chunks(size).enumerate() {
        let mut counts = Counts::new();
        for (i, r) in chunk.iter().enumerate() {
            counts.add_record(r, at.then_some((c * size + i) as i64));
        }
        rows.extend(counts.into_rows());
    }
    rows
}

#[test]
fn report_from_counts_is_the_report_from_scores() {
    let records = records();
    let want = from_scores(&records, Method::Cc);
    assert_eq!(want.len(), 6);
    assert!(want.iter().any(|r| r.title.is_some()));
    // Titles are counted in no part but make the headline, as in `stance report`.
    assert!(want.iter().any(|r| !r.headline.is_empty()));
    let quoted = want
        .iter()
        .flat_map(|r| &r.sections)
        .flat_map(|s| &s.actors)
        .filter(|a| a.strongest_pro.is_some())
        .count();
    assert!(quoted > 10);
    let centred = want
        .iter()
        .flat_map(|r| &r.sections)
        .flat_map(|s| &s.actors)
        .filter_map(|a| a.strongest_pro.as_ref()?.context.as_ref())
        .count();
    assert!(centred > 0, "no quote names its actor");
    for chunks in [1, 3, 7] {
        let got = from_counts(
            counted(&records, chunks, true),
            &actors(),
            &options(Method::Cc),
        );
        let got = got.expect("cc from counts");
        assert_eq!(got, want, "{chunks} chunks");
        assert_eq!(
            serde_json::to_string_pretty(&got).unwrap(),
            serde_json::to_string_pretty(&want).unwrap()
        );
    }
}

#[test]
fn the_strongest_unit_ties_to_the_smallest_id_and_the_last_title_wins() {
    let records = records();
    let want = from_scores(&records, Method::Cc);
    let d1 = want.iter().find(|r| r.doc_id == "d1").unwrap();
    // Record 80 is d1's last title: `stance report` keeps the last it reads.
    assert_eq!(d1.title.as_deref(), Some(records[80].excerpt.as_str()));
    let rows = counted(&records, 3, true);
    let ties = rows
        .iter()
        .filter_map(|r| r.strongest_pro.as_ref())
        .filter(|u| u.p == 0.6f32 as f64)
        .count();
    assert!(ties > 0, "no tie on probability to break");
}

#[test]
fn without_positions_articles_come_by_id() {
    let records = records();
    let want = from_scores(&records, Method::Cc);
    let got = from_counts(counted(&records, 3, false), &actors(), &options(Method::Cc)).unwrap();
    let ids: Vec<&str> = got.iter().map(|r| r.doc_id.as_str()).collect();
    assert_eq!(ids, ["d1", "d2", "d3", "d4", "d5", "d9"]);
    for r in &got {
        let w = want.iter().find(|w| w.doc_id == r.doc_id).unwrap();
        assert_eq!(r.sections, w.sections);
    }
}

#[test]
fn methods_that_need_probabilities_are_refused_and_fallbacks_kept() {
    let records = records();
    let rows = counted(&records, 2, true);
    for method in [Method::Pcc, Method::Em, Method::Acc, Method::Pacc] {
        // Without error rates the rate methods fall back to CC, as
        // `stance report` does; PCC needs each unit's probabilities.
        let got = from_counts(rows.clone(), &actors(), &options(method));
        if method == Method::Pcc {
            let e = got.unwrap_err().to_string();
            assert!(e.contains("needs every unit's probabilities"), "{e}");
        } else {
            assert_eq!(got.unwrap(), from_scores(&records, method));
        }
    }
}

#[test]
fn bad_rows_are_errors() {
    let records = records();
    let mut rows = counted(&records, 1, true);
    rows[0].part = "sidebar".into();
    let e = from_counts(rows, &actors(), &options(Method::Cc)).unwrap_err();
    assert!(e.to_string().contains("has part \"sidebar\""), "{e}");
    let mut rows = counted(&records, 1, true);
    let section_row = rows.iter().position(|r| r.part != "title").unwrap();
    rows[section_row].units += 1;
    let e = from_counts(rows, &actors(), &options(Method::Cc)).unwrap_err();
    assert!(
        e.to_string().contains("disagree on the section's units"),
        "{e}"
    );
}
